# shellcheck shell=sh
# hvbench in the guest. The rows of a run go to /tmp/BACKEND.rows; the
# report's JSON goes to /tmp/bench.json and to the console between
# HVBENCH-JSON-BEGIN/END, where the host takes it (tools/hvbench/collect.sh).

# bench_side BACKEND [--quick]: hvbench on one hypervisor, its rows also on
# the console between HVBENCH-ROWS-BEGIN/END: on arm64 hv and KVM cannot
# share a boot (KVM owns EL2 from boot or never), so the host merges the
# rows of two boots.
bench_side() {
	b=$1
	shift
	command -v hvbench >/dev/null || fail "hvbench missing from the initramfs"
	hvbench run --backend "$b" "$@" --out "/tmp/$b.rows" || fail "hvbench on $b failed"
	echo "HVBENCH-ROWS-BEGIN $b"
	cat "/tmp/$b.rows"
	echo "HVBENCH-ROWS-END"
}

# bench_report HV_ROWS KVM_ROWS ("-" for a side not run): table and JSON.
bench_report() {
	hvbench report --target "$HVT_TARGET" --json /tmp/bench.json "$1" "$2" ||
		fail "hvbench report failed"
	echo "HVBENCH-JSON-BEGIN"
	cat /tmp/bench.json
	echo "HVBENCH-JSON-END"
}

# bench_run [--quick] (x86): hvbench on hv, then on KVM (hv unloaded: one
# owner of VT-x at a time), then the report; hv is loaded again afterwards.
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
	bench_report /tmp/hv.rows /tmp/kvm.rows
}
