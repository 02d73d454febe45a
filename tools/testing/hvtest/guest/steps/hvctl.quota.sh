# shellcheck shell=sh
# Quotas, measured: a busy guest with a 25% CPU quota gets at most 30% of a
# CPU over 5 s, then at most 60% at 50% once the quota changes while it
# runs, and each time at least 80% of what it can get (check_share); a guest that
# touches 576K with a 256K memory quota stops at the quota (exit
# HV_EXIT_MEM_QUOTA, event quota-hit) and goes on when the quota grows.
# shellcheck source=hvctl.lib.sh
. /hvtest/steps/hvctl.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-quota
hvctl_guest /tmp/guest.bin

cpu_ns() {
	hvctl info "$1" --json | sed 's/.*"cpu_time_ns": \([0-9]*\).*/\1/'
}
uptime_cs() {
	sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime
}
# cpu_share NAME SECONDS: percent of one CPU the guest got, both times read
# from the guest kernel's clock.
cpu_share() {
	c0=$(cpu_ns "$1")
	t0=$(uptime_cs)
	sleep "$2"
	c1=$(cpu_ns "$1")
	t1=$(uptime_cs)
	echo $(((c1 - c0) / ((t1 - t0) * 100000)))
}

# check_share QUOTA SHARE FREE: the guest got no more than QUOTA% x 1.2
# (the window's edges can hold one burst of 100 ms x quota, see
# hv_registry.c, and the reads of the clock are not atomic), and at least
# 80% of what it could get: QUOTA%, or FREE%, what it got with no quota,
# when that is less.
#
# Why the floor is relative: under QEMU without -icount guest time is host
# time, and a host busy with other work (another emulator, a compile, a
# CPU hog) runs the vCPU less than the guest's clock says it could. Time
# stolen inside a run is charged and paid back at the quota's rate, but a
# late wake-up after each wait is lost: measured with one host core busy
# with a hog and the other shared with a second emulator and a compile,
# 25% gave 21% and 50% gave 40%, against 78% with no quota. The ceiling
# does not move with load (a late wake-up only lowers the share), and the
# floor still fails a quota that is enforced too hard or not changed while
# the VM runs (50% measured as 25%: 25 < 0.8 x 50, as FREE must be > 60).
# Under Bochs guest time counts instructions and load does not enter.
check_share() {
	floor=$1
	[ "$3" -lt "$floor" ] && floor=$3
	floor=$((floor * 8 / 10))
	ceiling=$(($1 * 12 / 10))
	if [ "$2" -gt "$ceiling" ] || [ "$2" -lt "$floor" ]; then
		fail "$1% quota: got $2% (want $floor-$ceiling%; $3% with no quota)"
	fi
}

hvctl events >/tmp/events.out 2>&1 &
evpid=$!

hvctl create busy --memory 1M --cpu-quota 25% --image /tmp/guest.bin || fail "create busy"
hvctl start busy || fail "start busy"
wait_for 60 grep -q "hello" "$HVCTL_STATE_DIR/busy.log" || fail "busy: no greeting"
# Windows of 5 s and 3 s: the edges weigh at most one burst (25 ms at 25%,
# 0.5% of 5 s; 50 ms at 50%, 1.7% of 3 s) against 20% of slack. Under
# Bochs a busy guest's seconds are executed instruction by instruction:
# this step was 222 s of x86-vmx's 564 s with windows of 10, 5 and 5 s.
progress "busy guest started, measuring 5 s at 25%"
share25=$(cpu_share busy 5)
progress "25%: $share25%"
echo "CPU quota 25%: the guest got $share25% of a CPU over 5 s"
hvctl set busy --cpu-quota 50% || fail "set 50%"
share50=$(cpu_share busy 3)
progress "50%: $share50%"
echo "CPU quota 50% (set while running): $share50%"
hvctl set busy --cpu-quota 0 || fail "set 0"
free=$(cpu_share busy 3)
progress "none: $free%"
echo "no CPU quota: $free%"
# Below 60% a quota of 50% could not be told from none.
[ "$free" -gt 60 ] || fail "with no quota the guest got only $free%: the host is too busy to measure"
check_share 25 "$share25" "$free"
check_share 50 "$share50" "$free"
hvctl info busy
hvctl stop busy --force || fail "stop busy"

hvctl create mem --memory 1M --mem-quota 256K --entry 0x1100 --image /tmp/guest.bin ||
	fail "create mem"
hvctl start mem || fail "start mem"
progress "memory guest started"
wait_for 120 grep -q "memory quota reached" "$HVCTL_STATE_DIR/mem.log" ||
	fail "no quota exit: $(cat "$HVCTL_STATE_DIR/mem.log")"
touched=$(hvctl info mem --json | sed 's/.*"mem_touched": \([0-9]*\).*/\1/')
echo "memory quota 256K: the VM holds $touched bytes"
[ "$touched" -le 262144 ] || fail "the VM holds $touched bytes, over its quota"
grep -q "touched 576K" "$HVCTL_STATE_DIR/mem.log" && fail "the guest got past the quota"
hvctl info mem | grep -q "exits mem_quota" || fail "no mem_quota exit counted"
hvctl set mem --mem-quota 1M || fail "set mem-quota"
wait_for 120 grep -q "touched 576K" "$HVCTL_STATE_DIR/mem.log" ||
	fail "the guest did not go on after the quota grew"
hvctl info mem
hvctl stop mem --force
kill "$evpid"
cat /tmp/events.out
grep -q "quota-hit mem (memory)" /tmp/events.out || fail "no memory quota-hit event"
grep -q "quota-hit busy (cpu)" /tmp/events.out || fail "no CPU quota-hit event"
hvctl destroy busy
wait_for 30 hvctl destroy mem
