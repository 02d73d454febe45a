# shellcheck shell=sh
# hvtest: own-results
# The soak ("make soak", Documentation/reliability.rst): /usr/bin/hv-soak
# (tools/testing/hvtest/soak/) for hv.soak_minutes= minutes of the kernel
# command line (the *-soak targets set it from SOAK_MINUTES), with the
# counts' scale hv.soak_scale= and the progress interval
# hv.soak_progress= when the target sets them. Its output
# goes to the console as it comes; each of its "SOAK-RESULT:" lines
# becomes a result soak.<name>, soak.run fails when it did not finish or
# exited non-zero, and soak.kernel_log_kept when the kernel's ring buffer
# no longer holds the whole run (the targets set log_buf_len). The kernel
# log scan and kmemleak.scan after the final unload judge what the kernel
# made of it.
hvt_match soak || exit 0
minutes=10
seed=
scale=
every=
# shellcheck disable=SC2013 # the command line is words, not lines
for arg in $(cat /proc/cmdline); do
	case $arg in
	hv.soak_minutes=*) minutes=${arg#*=} ;;
	hv.soak_seed=*) seed=${arg#*=} ;;
	hv.soak_scale=*) scale=${arg#*=} ;;
	hv.soak_progress=*) every=${arg#*=} ;;
	esac
done
if [ ! -x /usr/bin/hv-soak ]; then
	hvt_report "not ok" soak.run "no /usr/bin/hv-soak in the initramfs (make soak builds it)"
	exit 0
fi
out=$HVT_STATE/soak.out
st=$HVT_STATE/soak.status
set -- -m "$minutes" ${seed:+-s "$seed"} ${scale:+-S "$scale"} ${every:+-p "$every"}
echo "HVTEST-RUN: hv-soak $*"
# the exit status crosses the pipe in a file
{ hv-soak "$@" 2>&1 </dev/null; echo $? >"$st"; } |
	tee "$out" | sed 's/^/  /'
rc=$(cat "$st" 2>/dev/null)
grep '^SOAK-RESULT: ' "$out" | sed 's/^SOAK-RESULT: //' >"$out.results"
echo "HVTEST: plan soak $(($(wc -l <"$out.results") + 2))"
while IFS= read -r line; do
	case $line in
	"not ok "*) status="not ok" rest=${line#not ok } ;;
	*) status=ok rest=${line#ok } ;;
	esac
	hvt_report "$status" "soak.${rest%% # *}" "${rest#* # }"
done <"$out.results"
# The log scan reads warnings in the final dmesg dump (the console is
# "quiet"): the ring buffer must still hold the boot's first line.
if dmesg | head -n 1 | grep -q '^\[ *0\.000000\]'; then
	hvt_report ok soak.kernel_log_kept
else
	hvt_report "not ok" soak.kernel_log_kept "the ring buffer lost the start of the log: $(dmesg | head -n 1)"
fi
if ! grep -q '^soak: [0-9]* passed, [0-9]* failed' "$out"; then
	hvt_report "not ok" soak.run "hv-soak did not finish (exit status ${rc:-unknown})"
elif [ "$rc" != 0 ]; then
	hvt_report "not ok" soak.run "hv-soak exit status $rc"
else
	hvt_report ok soak.run
fi
