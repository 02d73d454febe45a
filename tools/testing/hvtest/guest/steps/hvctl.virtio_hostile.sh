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

# gone: the VM is down and, on a failure, never left running
gone() {
	hvctl info hostile 2>/dev/null | grep -q "^state: *running" &&
		hvctl stop hostile --force >/dev/null 2>&1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
	hvctl destroy hostile >/dev/null 2>&1
}

dd if=/dev/urandom of=$disk bs=4096 count=16 2>/dev/null || fail "cannot write $disk"
sum=$(md5sum <$disk)
hvctl create hostile --vcpus 1 --memory 16M --image $img --disk $disk ||
	fail "create"
hvctl start hostile || fail "start"
pid=$(cat $HVCTL_STATE_DIR/hostile.pid 2>/dev/null)
# the guest's last line, a failure line, or the VMM's end; 60 s: a hang guard
if ! wait_for 60 sh -c "grep -q 'hostile: done\|hostile: FAIL' $log ||
		! hvctl info hostile | grep -q '^state: *running'"; then
	gone
	fail "the guest hung (a check missing?): $(grep 'hostile:\|needs a reset' $log)"
fi
wait_for 30 sh -c "! hvctl info hostile | grep -q '^state: *running'" ||
	{ gone; fail "the VM did not power off: $(cat $log)"; }
echo "--- VMM log"
cat $log
for c in loop long-chain out-of-ram huge-len wrap driver-ok-early status-cleared; do
	grep -q "hostile: $c needs-reset" $log || { gone; fail "case $c: no needs-reset line"; }
done
grep -q "hostile: FAIL" $log && { gone; fail "$(grep 'hostile: FAIL' $log)"; }
grep -q "hostile: get-id hostile.img" $log ||
	{ gone; fail "the valid GET_ID after the hostile cases did not complete"; }
grep -q "hostile: done" $log || { gone; fail "the guest did not finish"; }
# the transport's reason per case, in the order of the cases
for why in "descriptor chain longer than the queue" \
	"descriptor chain longer than the queue" \
	"buffer outside RAM (address or length)" \
	"buffer outside RAM (address or length)" \
	"buffer outside RAM (address or length)" \
	"DRIVER_OK before FEATURES_OK" \
	"status bits cleared without a reset"; do
	grep -qF "($why): it needs a reset" $log ||
		{ gone; fail "the VMM's log lacks '$why'"; }
done
n=$(grep -c "it needs a reset" $log)
[ "$n" = 7 ] || { gone; fail "$n needs-reset messages in the VMM's log, not 7"; }
hvctl info hostile | grep -q "stop reason: *guest poweroff" ||
	{ gone; fail "stop reason: $(hvctl info hostile)"; }
[ -z "$pid" ] || wait_for 30 sh -c "! kill -0 $pid" ||
	{ gone; fail "the VMM did not exit after the poweroff"; }
[ "$(md5sum <$disk)" = "$sum" ] || { gone; fail "the disk changed"; }
wait_for 30 hvctl destroy hostile || fail "destroy"
rm -f $disk
