# shellcheck shell=sh
# arm64 with KVM in nVHE mode: the kernel runs at EL1, so insmod fails with
# -ENODEV and the kernel log says why.
if out=$(insmod /hv/hv.ko 2>&1); then
	rmmod hv
	fail "insmod succeeded on a kernel at EL1"
fi
echo "$out"
case $out in
*"No such device"*) ;;
*) fail "insmod failed, but not with ENODEV: $out" ;;
esac
kmsg | grep '^hv: the kernel runs at EL1' || fail "no 'hv: the kernel runs at EL1' line in dmesg"
