# shellcheck shell=sh
# A VM with three vCPUs, each run by a thread of the VMM: vCPU 1 is off
# until the guest's boot vCPU starts it (PSCI CPU_ON on arm64, the VMM's
# start ports on x86) and then prints its own line; vCPU 2 is never
# started. A graceful stop (the guest powers off) and a forced stop both
# end every thread: the VMM exits.
# shellcheck source=hvctl.lib.sh
. /hvtest/steps/hvctl.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-smp
log=$HVCTL_STATE_DIR/smp.log
hvctl_guest /tmp/guest.bin

# threads PID: how many threads the process has
threads() {
	set -- /proc/"$1"/task/*
	echo $#
}

# start_smp N: start the VM, wait for the Nth greeting of vCPU 1.
start_smp() {
	hvctl start smp || fail "start"
	wait_for 60 sh -c "[ \$(grep -c 'hello from vCPU 1' $log) -ge $1 ]" ||
		fail "vCPU 1 did not say hello: $(cat "$log")"
	pid=$(cat "$HVCTL_STATE_DIR/smp.pid")
	n=$(threads "$pid")
	echo "the VMM (pid $pid) runs $n threads"
	[ "$n" = 4 ] || fail "the VMM runs $n threads, not 4 (main and 3 vCPUs)"
}

hvctl create smp --vcpus 3 --memory 1M --image /tmp/guest.bin || fail "create"
start_smp 1
grep -q "running .* 3 vCPUs" "$log" || fail "the VMM does not run 3 vCPUs"
grep -q "vCPU 1 is off, starting it" "$log" ||
	fail "vCPU 1 was not off before the guest started it"
grep -q "runs already\|CPU_ON of vCPU 1 failed" "$log" && fail "vCPU 1 start: $(cat "$log")"

hvctl stop smp --timeout 120 || fail "stop"
hvctl info smp | grep -q "stop reason: *guest poweroff" ||
	fail "stop reason: $(hvctl info smp)"
grep -q "stop requested: powering off" "$log" || fail "the guest did not see the request"
wait_for 30 sh -c "! kill -0 $pid" || fail "the VMM did not exit after the poweroff"

start_smp 2
hvctl stop smp --force || fail "stop --force"
wait_for 30 sh -c "! kill -0 $pid" || fail "the VMM did not exit after the forced stop"
hvctl info smp | grep -q "stop reason: *forced" || fail "forced: $(hvctl info smp)"
# x86: each vCPU that ran logs where the forced stop found it (vCPU 2 was
# never started)
if [ "$(uname -m)" = x86_64 ]; then
	for v in 0 1; do
		grep -q "vCPU $v: rip 0x" "$log" ||
			fail "no registers of vCPU $v in the log after the forced stop"
	done
	grep -q "vCPU 2: rip" "$log" && fail "vCPU 2 never ran, yet it logged registers"
fi
wait_for 30 hvctl destroy smp || fail "destroy"
echo "--- VMM log"
cat "$log"
