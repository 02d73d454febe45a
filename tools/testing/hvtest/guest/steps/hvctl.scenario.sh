# shellcheck shell=sh
# hvctl's life cycle of a VM: create -> start -> the console shows the
# guest's output -> pause/resume -> stop (the guest powers off) -> start
# again -> the VMM dies -> forced stop -> destroy; a guest that resets
# (triple faults on x86) stops as "guest shutdown".
# shellcheck source=hvctl.lib.sh
. /hvtest/steps/hvctl.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-scenario
log=$HVCTL_STATE_DIR/demo.log
hvctl_guest /tmp/guest.bin

# entry 0x1300: the guest idles (HLT/WFI) while it waits for the stop
# request: the waits below cost the emulator nothing
hvctl create demo --vcpus 1 --memory 1M --entry 0x1300 --image /tmp/guest.bin || fail "create"
out=$(hvctl create demo --vcpus 1 --memory 1M --entry 0x1300 --image /tmp/guest.bin 2>&1) &&
	fail "a second create of demo succeeded"
echo "$out" | grep -q "name is taken" || fail "second create: '$out'"
[ "$(vm_state demo)" = defined ] || fail "state after create: $(vm_state demo)"

hvctl start demo || fail "start"
[ "$(vm_state demo)" = running ] || fail "state after start: $(vm_state demo)"
wait_for 60 grep -q "hello from the hv guest" "$log" || fail "no greeting in $log"
timeout 5 hvctl console demo </dev/null >/tmp/console.out
grep -q "hello from the hv guest" /tmp/console.out || fail "console: $(cat /tmp/console.out)"
out=$(hvctl start demo 2>&1) && fail "a second start succeeded"
echo "second start: $out"
hvctl list
hvctl info demo

hvctl pause demo || fail "pause"
[ "$(vm_state demo)" = paused ] || fail "state after pause: $(vm_state demo)"
hvctl resume demo || fail "resume"
[ "$(vm_state demo)" = running ] || fail "state after resume"
# the NMI button needs the in-kernel interrupt controller (--kernel guests)
out=$(hvctl nmi demo 2>&1) && fail "hvctl nmi of an image guest succeeded"
echo "nmi: $out"
echo "$out" | grep -q "no in-kernel interrupt controller" || fail "nmi: '$out'"

hvctl stop demo --timeout 120 || fail "stop"
hvctl info demo | grep -q "stop reason: *guest poweroff" ||
	fail "stop reason: $(hvctl info demo)"
grep -q "stop requested: powering off" "$log" || fail "the guest did not see the request"
grep -q "vCPU 1" "$log" && fail "a VM of one vCPU has a vCPU 1: $(cat "$log")"

hvctl start demo || fail "start again"
wait_for 60 sh -c "[ \$(grep -c 'hello from the hv guest' $log) -ge 2 ]" ||
	fail "no greeting after the second start"
kill -9 "$(cat "$HVCTL_STATE_DIR/demo.pid")"
wait_for 30 sh -c "hvctl info demo | grep -q 'VMM died'" || fail "VMM death not seen: $(hvctl info demo)"

hvctl start demo || fail "start after the VMM died"
hvctl stop demo --force || fail "stop --force"
hvctl info demo | grep -q "stop reason: *forced" || fail "forced: $(hvctl info demo)"

# entry 0x1200 resets (arm64: PSCI SYSTEM_RESET) or triple faults (x86)
hvctl create reset --memory 1M --entry 0x1200 --image /tmp/guest.bin || fail "create reset"
hvctl start reset || fail "start reset"
wait_for 60 sh -c "hvctl info reset | grep -q 'stop reason: *guest shutdown'" ||
	fail "reset: $(hvctl info reset; cat "$HVCTL_STATE_DIR/reset.log")"
grep -q "shutting down" "$HVCTL_STATE_DIR/reset.log" || fail "the reset guest did not run"
wait_for 30 hvctl destroy reset || fail "destroy reset"

# arm64: with --on-reboot restart the VMM boots the guest again after its
# SYSTEM_RESET (the image is loaded again, every vCPU reset): this one
# resets each time, so it keeps restarting until stopped by force
if [ "$(uname -m)" = aarch64 ]; then
	rlog=$HVCTL_STATE_DIR/reboot.log
	hvctl create reboot --memory 1M --entry 0x1200 --on-reboot restart \
		--image /tmp/guest.bin || fail "create reboot"
	hvctl start reboot || fail "start reboot"
	wait_for 60 sh -c "[ \$(grep -c 'shutting down' $rlog) -ge 3 ]" ||
		fail "no third boot after two restarts: $(cat "$rlog")"
	grep -q "restarted (entry 0x1200)" "$rlog" || fail "restart not logged"
	[ "$(vm_state reboot)" = running ] || fail "state while restarting: $(vm_state reboot)"
	hvctl stop reboot --force || fail "stop --force reboot"
	wait_for 30 hvctl destroy reboot || fail "destroy reboot"
	echo "restarts before the forced stop: $(grep -c 'restarted (entry' "$rlog")"
fi

out=$(hvctl destroy nosuchvm 2>&1) && fail "destroy of an unknown VM succeeded"
echo "$out"
wait_for 30 hvctl destroy demo || fail "destroy"
out=$(hvctl info demo 2>&1) && fail "info after destroy succeeded"
echo "$out" | grep -q "no VM with this name" || fail "info after destroy: $out"
[ ! -e "$HVCTL_STATE_DIR/demo.conf" ] || fail "the state file survived destroy"
echo "--- VMM log"
cat "$log"
