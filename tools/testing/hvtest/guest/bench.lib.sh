# shellcheck shell=sh
# bench_run [--quick]: hvbench on hv, then on KVM (hv unloaded: one owner
# of VT-x at a time), then the report; hv is loaded again afterwards.
bench_run() {
	command -v hvbench >/dev/null || fail "hvbench missing from the initramfs"
	hvbench run --backend hv "$@" --out /tmp/hv.rows || fail "hvbench on hv failed"
	rmmod hv || fail "rmmod hv before KVM"
	for ko in irqbypass kvm kvm-intel; do
		insmod "/hv/kvm/$ko.ko" || fail "insmod $ko"
	done
	hvbench run --backend kvm "$@" --out /tmp/kvm.rows || fail "hvbench on KVM failed"
	rmmod kvm_intel kvm irqbypass || fail "rmmod KVM"
	insmod /hv/hv.ko || fail "insmod hv after KVM"
	hvbench report --target "$HVT_TARGET" --json /tmp/bench.json \
		/tmp/hv.rows /tmp/kvm.rows || fail "hvbench report failed"
	echo "HVBENCH-JSON-BEGIN"
	cat /tmp/bench.json
	echo "HVBENCH-JSON-END"
}
