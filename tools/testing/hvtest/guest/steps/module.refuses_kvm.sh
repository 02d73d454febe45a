# shellcheck shell=sh
# arm64 with KVM active (VHE): KVM owns EL2, so insmod fails with -EBUSY
# and the kernel log says why.
if out=$(insmod /hv/hv.ko 2>&1); then
	rmmod hv
	fail "insmod succeeded while KVM owns EL2"
fi
echo "$out"
case $out in
*"Device or resource busy"*) ;;
*) fail "insmod failed, but not with EBUSY: $out" ;;
esac
kmsg | grep '^hv: KVM owns EL2' || fail "no 'hv: KVM owns EL2' line in dmesg"
