# shellcheck shell=sh
# A hostile virtio driver of our own assembly (images/virtio_hostile_*.S)
# against the VMM's virtio-blk: a descriptor loop, a chain longer than the
# queue, a buffer outside RAM, a huge length, an address + length that
# wraps, DRIVER_OK before FEATURES_OK and status bits cleared without a
# reset must each put the device into DEVICE_NEEDS_RESET (the guest waits
# for it and says so), with the VMM's message; a valid GET_ID after a
# reset must still complete, the VMM must end by the guest's poweroff (not
# a crash) and the disk must be unchanged.
# shellcheck source=hvctl.lib.sh
. /hvtest/steps/hvctl.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-hostile
log=$HVCTL_STATE_DIR/hostile.log
disk=/tmp/hostile.img
img=/hv/images/virtio_hostile.bin
[ -f $img ] || fail "$img missing (make artifacts)"

# gone: on a failure, the VM is not left running. The VMM is killed, not
# stopped: with a check missing its I/O thread may spin for ever.
gone() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	wait_for 10 hvctl destroy hostile
}

dd if=/dev/urandom of=$disk bs=4096 count=16 2>/dev/null || fail "cannot write $disk"
sum=$(md5sum <$disk)
hvctl create hostile --vcpus 1 --memory 16M --image $img --disk $disk ||
	fail "create"
hvctl start hostile || fail "start"
pid=$(cat $HVCTL_STATE_DIR/hostile.pid 2>/dev/null)
# cases: those without their needs-reset line yet
cases() {
	for c in loop long-chain out-of-ram huge-len wrap driver-ok-early status-cleared; do
		grep -q "hostile: $c needs-reset" $log || printf ' %s' $c
	done
}
# the guest's last line, a failure line, or the VMM's end; 60 s: a hang guard
if ! wait_for 60 sh -c "grep -q 'hostile: done\|hostile: FAIL' $log ||
		! hvctl info hostile | grep -q '^state: *running'"; then
	gone
	fail "the guest hung: no needs-reset line for$(cases) (a check missing?)"
fi
wait_for 30 sh -c "! hvctl info hostile | grep -q '^state: *running'" ||
	{ gone; fail "the VM did not power off: $(cat $log)"; }
echo "--- VMM log"
cat $log
[ -z "$(cases)" ] || { gone; fail "no needs-reset line for$(cases)"; }
grep -q "hostile: FAIL" $log && { gone; fail "$(grep 'hostile: FAIL' $log)"; }
grep -q "hostile: get-id hostile.img" $log ||
	{ gone; fail "the valid GET_ID after the hostile cases did not complete"; }
grep -q "hostile: done" $log || { gone; fail "the guest did not finish"; }
# the transport's reasons (mmio.c, virtqueue.c), as often as the cases
# give them: loop and long-chain, then out-of-ram, huge-len and wrap
reasons() {
	grep -cF "($2): it needs a reset" $log | grep -qx "$1" ||
		{ gone; fail "the VMM's log has not $1 times '$2': $(grep 'needs a reset' $log)"; }
}
reasons 2 "descriptor chain longer than the queue (a loop?)"
reasons 3 "buffer outside RAM (address or length)"
reasons 1 "DRIVER_OK before FEATURES_OK"
reasons 1 "status bits cleared without a reset"
n=$(grep -c "it needs a reset" $log)
[ "$n" = 7 ] || { gone; fail "$n needs-reset messages in the VMM's log, not 7"; }
hvctl info hostile | grep -q "stop reason: *guest poweroff" ||
	{ gone; fail "stop reason: $(hvctl info hostile)"; }
[ -z "$pid" ] || wait_for 30 sh -c "! kill -0 $pid" ||
	{ gone; fail "the VMM did not exit after the poweroff"; }
[ "$(md5sum <$disk)" = "$sum" ] || { gone; fail "the disk changed"; }
wait_for 30 hvctl destroy hostile || fail "destroy"
rm -f $disk
