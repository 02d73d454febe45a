# shellcheck shell=sh
# arm64: the branch-predictor hardening of guest exits (el2_spectre.c). The
# automatic choice is logged at load and readable as a module parameter;
# with each sequence forced at load, hv_arm64_test passes (every guest exit
# runs through the chosen vectors). An SMCCC workaround the firmware lacks
# is refused at load (its SMC would be an UNDEF at EL2).
P=/sys/module/hv/parameters/exit_mitigation
[ -r $P ] || fail "no $P"
auto=$(cat $P)
echo "automatic choice: $auto"
kmsg | grep "^hv: guest exits: $auto (" || fail "no 'hv: guest exits: $auto' line in dmesg"
for m in none clearbhb loop smccc-wa3 smccc-wa1; do
	out=$(rmmod hv 2>&1) || fail "rmmod: $out"
	if ! out=$(insmod /hv/hv.ko exit_mitigation=$m 2>&1); then
		case $m in
		smccc-*)
			kmsg | grep "^hv: exit_mitigation=$m: the firmware does not implement it" ||
				fail "insmod exit_mitigation=$m failed without saying why: $out"
			echo "$m: refused, no firmware support"
			out=$(insmod /hv/hv.ko 2>&1) || fail "insmod: $out"
			continue ;;
		esac
		fail "insmod exit_mitigation=$m: $out"
	fi
	wait_chardev /dev/hv || fail "/dev/hv missing after insmod exit_mitigation=$m"
	[ "$(cat $P)" = "$m" ] || fail "exit_mitigation reads $(cat $P), not $m"
	out=$(/hv/selftests/hv_arm64_test 2>&1) || {
		echo "$out"
		fail "hv_arm64_test failed with exit_mitigation=$m"
	}
	echo "$m: hv_arm64_test: $(echo "$out" | grep -c '^ok ') passed"
done
out=$(rmmod hv 2>&1) || fail "rmmod: $out"
if insmod /hv/hv.ko exit_mitigation=bogus 2>/dev/null; then
	fail "insmod accepted exit_mitigation=bogus"
fi
out=$(insmod /hv/hv.ko 2>&1) || fail "insmod: $out"
wait_chardev /dev/hv || fail "/dev/hv missing after the last insmod"
[ "$(cat $P)" = "$auto" ] || fail "automatic choice now $(cat $P), was $auto"
