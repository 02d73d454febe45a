# shellcheck shell=sh
# hvtest: own-results
# Runs every executable in /hv/selftests as a kselftest binary: each TAP case
# becomes a result BINARY.CASE, and BINARY itself fails when the binary
# crashes, exits non-zero or prints fewer results than its plan.
found=0
for bin in /hv/selftests/*; do
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
		continue
	fi
	found=1
	run_kselftest "$bin"
done
if [ $found = 0 ] && hvt_match kselftests; then
	hvt_report "not ok" kselftests "no kselftest binary in /hv/selftests"
fi
