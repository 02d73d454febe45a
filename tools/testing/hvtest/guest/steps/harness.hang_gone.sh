# shellcheck shell=sh
# After harness.hang was stopped by the step limit: none of its processes
# is left (target x86-novmx-hang).
[ -s /tmp/hang.pids ] || fail "harness.hang left no pids in /tmp/hang.pids"
n=0
while read -r p; do
	n=$((n + 1))
	[ -d /proc/"$p" ] && fail "process $p of harness.hang is still there: $(tr '\0' ' ' </proc/"$p"/cmdline)"
done </tmp/hang.pids
[ "$n" -ge 3 ] || fail "harness.hang recorded $n pids, not 3"
echo "the $n processes harness.hang left running are gone"
