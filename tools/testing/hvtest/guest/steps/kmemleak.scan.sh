# shellcheck shell=sh
# After the tests and the final rmmod: kmemleak (CONFIG_DEBUG_KMEMLEAK, the
# *-debug targets) reports no unreferenced object. Any suspected leak fails
# the step and its report (backtraces of the allocations) goes to the log.
#
# kmemleak only reports an object older than 5 s (MSECS_MIN_AGE in
# mm/kmemleak.c) that a scan found unreferenced: wait past that age, then
# scan twice, so that a stale copy of a pointer that happened to sit on a
# stack during the first scan does not hide a leak.
f=/sys/kernel/debug/kmemleak
[ -e "$f" ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
[ -e "$f" ] || fail "no $f: kernel without CONFIG_DEBUG_KMEMLEAK"
sleep 6
echo scan >"$f" || fail "kmemleak is off (disabled at boot or after an error: see the kernel log)"
echo scan >"$f" || fail "second kmemleak scan failed"
report=$(cat "$f")
if [ -n "$report" ]; then
	echo "$report"
	n=$(echo "$report" | grep -c '^unreferenced object')
	fail "kmemleak: $n suspected leak(s), reports above"
fi
