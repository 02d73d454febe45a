# shellcheck shell=sh
# hvbench in the guest. The rows of a run go to /tmp/BACKEND.rows; the
# report's JSON goes to /tmp/bench.json and to the console between
# HVBENCH-JSON-BEGIN/END, where the host takes it (tools/hvbench/collect.sh).

# bench_quiet: wait until nothing else wants the CPU (the running count of
# /proc/loadavg is 1, ourselves, three times in a row; 120 s of guest time
# at most). Boot-time work goes on after /init starts: the crypto self-tests
# ([cryptomgr_test]) keep one CPU busy for ~30 s of guest time under QEMU
# with -icount, and a benchmark sharing the CPU with them measures every
# figure about twice as long as it is.
bench_quiet() {
	read -r t0 _ </proc/uptime
	quiet=0 tries=0
	while [ $quiet -lt 3 ] && [ $tries -lt 240 ]; do
		read -r _ _ _ running _ </proc/loadavg
		if [ "${running%/*}" = 1 ]; then
			quiet=$((quiet + 1))
		else
			quiet=0
		fi
		tries=$((tries + 1))
		sleep 0.5
	done
	read -r t1 _ </proc/uptime
	[ $quiet -ge 3 ] || echo "bench: the CPU is still busy ($(cat /proc/loadavg))"
	echo "bench: waited from ${t0} s to ${t1} s of uptime for a quiet CPU"
}

# bench_settle HVBENCH_ARGS...: bench_quiet, except for a --quick smoke
# run, which proves that the program works and measures nothing.
bench_settle() {
	case " $* " in
	*" --quick "*) ;;
	*) bench_quiet ;;
	esac
}

# bench_side BACKEND [--quick]: hvbench on one hypervisor, its rows also on
# the console between HVBENCH-ROWS-BEGIN/END: on arm64 hv and KVM cannot
# share a boot (KVM owns EL2 from boot or never), so the host merges the
# rows of two boots.
bench_side() {
	b=$1
	shift
	command -v hvbench >/dev/null || fail "hvbench missing from the initramfs"
	bench_settle "$@"
	hvbench run --backend "$b" "$@" --out "/tmp/$b.rows" || fail "hvbench on $b failed"
	echo "HVBENCH-ROWS-BEGIN $b"
	cat "/tmp/$b.rows"
	echo "HVBENCH-ROWS-END"
}

# bench_report HV_ROWS KVM_ROWS ("-" for a side not run): table and JSON,
# named after the machine, not the harness target (x86-vmx-bench: x86-vmx).
bench_report() {
	hvbench report --target "${HVT_TARGET%-bench}" --json /tmp/bench.json "$1" "$2" ||
		fail "hvbench report failed"
	echo "HVBENCH-JSON-BEGIN"
	cat /tmp/bench.json
	echo "HVBENCH-JSON-END"
}

# bench_run [--quick] (x86): hvbench on hv, then on KVM (hv unloaded: one
# owner of VT-x at a time), then the report; hv is loaded again afterwards.
bench_run() {
	command -v hvbench >/dev/null || fail "hvbench missing from the initramfs"
	bench_settle "$@"
	hvbench run --backend hv "$@" --out /tmp/hv.rows || fail "hvbench on hv failed"
	rmmod hv || fail "rmmod hv before KVM"
	for ko in irqbypass kvm kvm-intel; do
		insmod "/hv/kvm/$ko.ko" || fail "insmod $ko"
	done
	bench_settle "$@"
	hvbench run --backend kvm "$@" --out /tmp/kvm.rows || fail "hvbench on KVM failed"
	rmmod kvm_intel kvm irqbypass || fail "rmmod KVM"
	insmod /hv/hv.ko || fail "insmod hv after KVM"
	bench_report /tmp/hv.rows /tmp/kvm.rows
}
