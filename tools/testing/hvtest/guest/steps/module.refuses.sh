# shellcheck shell=sh
# hvtest: always
# Without VT-x, insmod fails with -ENODEV ("No such device").
# Marked "always": the steps after it look at what this attempt left behind.
[ -f /hv/hv.ko ] || fail "/hv/hv.ko missing from the initramfs (build artifacts?)"
if out=$(insmod /hv/hv.ko 2>&1); then
	rmmod hv
	fail "insmod succeeded on a CPU without VMX"
fi
echo "$out"
case $out in
*"No such device"*) ;;
*) fail "insmod failed, but not with ENODEV: $out" ;;
esac
