# shellcheck shell=sh
# hvtest: own-results
# The interrupt controller's kselftest once more on the software path: hv
# reloaded with apicv=0 (no TPR shadow: CR8 exits; no virtual-interrupt
# delivery; see module/arch/x86/vmx_lapic.c), its cases reported as
# hv_x86_apic_test_soft.CASE; then hv is loaded again as before. Both paths
# must give the same results. The run before this one (step kselftests)
# must have been on the virtual-interrupt-delivery path where the CPU has
# it (Bochs' tigerlake does): the step fails if hv as loaded did not use
# it (the vid_* cases tell the paths apart by hv's count of EOI exits).
bin=/hv/selftests/hv_x86_apic_test
name=hv_x86_apic_test_soft
[ -x "$bin" ] || exit 0
want=0
hvt_match "$name" && want=1
for c in $(ksft_cases "$bin"); do
	hvt_match "$name.$c" && want=1
done
[ $want = 1 ] || exit 0

echo "apicv as loaded: $(cat /sys/module/hv/parameters/apicv)," \
	"vid: $(cat /sys/module/hv/parameters/vid)"
# hv must have used it unless /proc/cpuinfo's vmx flags lack "vid"
flags=$(grep -m1 '^vmx flags' /proc/cpuinfo)
if { [ -z "$flags" ] || echo "$flags" | grep -qw vid; } &&
   [ "$(cat /sys/module/hv/parameters/vid)" != Y ]; then
	hvt_report "not ok" "$name" "hv as loaded does not use virtual-interrupt delivery"
	exit 0
fi
if ! out=$(rmmod hv 2>&1 && insmod /hv/hv.ko apicv=0 2>&1) ||
   ! wait_chardev /dev/hv; then
	hvt_report "not ok" "$name" "reload with apicv=0: $out"
	exit 0
fi
if [ "$(cat /sys/module/hv/parameters/apicv)" != N ] ||
   [ "$(cat /sys/module/hv/parameters/vid)" != N ]; then
	hvt_report "not ok" "$name" "apicv=0 did not turn APICv off"
else
	cp "$bin" "$HVT_STATE/$name"
	run_kselftest "$HVT_STATE/$name"
fi
if ! out=$(rmmod hv 2>&1 && insmod /hv/hv.ko 2>&1) ||
   ! wait_chardev /dev/hv; then
	hvt_report "not ok" "$name" "reload without apicv=0: $out"
fi
