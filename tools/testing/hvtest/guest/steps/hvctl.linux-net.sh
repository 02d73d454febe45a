# shellcheck shell=sh
# virtio-net in a Linux guest: the stock Debian kernel (a guest of hv, as
# in hvctl.linux) loads failover, net_failover, virtio_mmio and virtio_net
# (modules of the same package, /hv/images/modules, put there by run.sh
# with HVT_GUEST_KERNEL) and finds two NICs through the device tree
# (arm64) or the ACPI DSDT (x86). L1 loads tun.ko from the same package.
#
# The VMM (in L1's network namespace: hv's netlink family is there) opens
# two taps, creating them: hvnet0 with --net ...,mac=52:54:00:12:34:56,
# and hvnet1 with the MAC derived from the VM's name. The test moves
# hvnet0 into a network namespace of its own (busybox has no `ip netns`:
# `unshare -n` holds one, `ip link set ... netns PID` and `nsenter` use
# it) and gives it 10.0.2.2/24 there, so that the host side of the link
# exists only in that namespace. Two busybox nc listeners wait there
# before the guest boots: one receives, one sends NET_MIB MiB of random
# bytes.
#
# The guest: eth0 and eth1 with the MACs the VMM announced, eth0 up as
# 10.0.2.15/24, ping 10.0.2.2, then NET_MIB MiB each way with nc, timed by
# its own clock (/proc/uptime), the SHA-256 of what it sent and received
# printed; it powers off. L1 compares the checksums with its own files,
# and checks that both taps went away with the VMM.
#
# The guest prints "l2-net: ok ..." or "l2-net: FAIL ..." per check and
# "l2-net: done" last; every wait ends on a line of the guest, a listener's
# end or the VMM's exit, never on a fixed time.
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-net
l2_kernel
mods=/hv/images/modules
for m in tun failover net_failover virtio_mmio virtio_net; do
	[ -f $mods/$m.ko ] ||
		skip "no $mods/$m.ko (run.sh copies the guest kernel's modules with HVT_GUEST_KERNEL=yes)"
done
# NET_BW: the live quota of the last transfer (Q_MIB MiB), well below
# the rate without one (Documentation/performance.rst: 2-3 MB/s on arm64
# under QEMU; at least 50 MB/s of emulated time under Bochs), so that the
# quota, not the path, sets the pace; Q_MIB makes the bucket's burst
# (100 ms of the rate) at most 5% of the bytes.
case $(uname -m) in
aarch64) NET_MIB=4 NET_BW=524288 Q_MIB=2 ;;
*) NET_MIB=2 NET_BW=1048576 Q_MIB=2 ;;
esac
MAC0=52:54:00:12:34:56
NS_ADDR=10.0.2.2
GUEST_ADDR=10.0.2.15
W=/tmp/hvnet
rm -rf $W
mkdir -p $W $HVCTL_STATE_DIR
log=$HVCTL_STATE_DIR/net1.log

grep -q "^tun " /proc/modules || insmod $mods/tun.ko || fail "insmod tun in L1"
[ -c /dev/net/tun ] || fail "no /dev/net/tun after loading tun.ko"

l2_initramfs_root
mkdir -p $L2_ROOT/lib/modules
for m in failover net_failover virtio_mmio virtio_net; do
	cp $mods/$m.ko $L2_ROOT/lib/modules/ || fail "no $mods/$m.ko"
done
l2_initramfs /tmp/l2net.cpio <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
ok() { echo "l2-net: ok \$*"; }
bad() { echo "l2-net: FAIL \$*"; }
for m in failover net_failover virtio_mmio virtio_net; do
	insmod /lib/modules/\$m.ko || bad "insmod \$m"
done
# the NICs appear once virtio_net probed them (asynchronously)
n=0
while [ ! -e /sys/class/net/eth1 ] && [ \$n -lt 300 ]; do
	sleep 0.1
	n=\$((n + 1))
done
# (carrier reads only on an interface that is up). virtio_net turns the
# carrier on from a work item that reads the device's STATUS after probe
# or open, so "link 1" may come a moment after "up": wait for it (up to
# 30 s of guest time, a bound for a link that never comes, not a pace).
ip link set lo up
for i in eth0 eth1; do
	ip link set \$i up
	n=0
	while [ "\$(cat /sys/class/net/\$i/carrier 2>/dev/null)" != 1 ] &&
		[ \$n -lt 300 ]; do
		sleep 0.1
		n=\$((n + 1))
	done
	echo "l2-net: \$i address \$(cat /sys/class/net/\$i/address 2>/dev/null) link \$(cat /sys/class/net/\$i/carrier 2>/dev/null)"
done
ip addr add $GUEST_ADDR/24 dev eth0
# the host side is configured while the guest boots: retry until it answers
n=0
until ping -c 1 -W 1 $NS_ADDR >/tmp/ping 2>&1 || [ \$n -ge 60 ]; do
	n=\$((n + 1))
done
if ping -c 3 -W 5 $NS_ADDR >/tmp/ping 2>&1; then
	ok "ping $NS_ADDR: \$(grep -E 'transmitted' /tmp/ping)"
else
	bad "ping $NS_ADDR: \$(tail -n 2 /tmp/ping | tr '\n' ' ')"
fi
now() { cut -d ' ' -f 1 /proc/uptime; }
rate() { awk -v b=\$1 -v t0=\$2 -v t1=\$3 'BEGIN { t = t1 - t0; if (t <= 0) t = 0.01; printf "%d bytes in %.2f s: %.2f MB/s", b, t, b / t / 1e6 }'; }
dd if=/dev/urandom of=/tmp/up bs=65536 count=$((NET_MIB * 16)) 2>/dev/null
echo "l2-net: up sha256 \$(sha256sum </tmp/up | cut -d ' ' -f 1)"
t0=\$(now)
nc $NS_ADDR 5001 </tmp/up && ok "sent" || bad "nc to $NS_ADDR:5001"
t1=\$(now)
echo "l2-net: up \$(rate \$(wc -c </tmp/up) \$t0 \$t1)"
# stdin that never ends: busybox nc exits on the peer's EOF only then
mkfifo /tmp/fifo
t0=\$(now)
nc $NS_ADDR 5002 >/tmp/down 0<>/tmp/fifo && ok "received" || bad "nc from $NS_ADDR:5002"
t1=\$(now)
echo "l2-net: down \$(rate \$(wc -c </tmp/down) \$t0 \$t1)"
echo "l2-net: down sha256 \$(sha256sum </tmp/down | cut -d ' ' -f 1)"
# The NIC quota, set live: L1 runs 'hvctl set --net-bw' on this line and
# listens on 5003 only once the VMM applied it, so the connects before
# are refused (the retries' pause is a poll, not a pace). One more timed
# transfer; L1 checks its rate against the limit.
dd if=/tmp/up of=/tmp/q bs=65536 count=$((Q_MIB * 16)) 2>/dev/null
echo "l2-net: quota sha256 \$(sha256sum </tmp/q | cut -d ' ' -f 1)"
echo "l2-net: quota next"
n=0
while :; do
	t0=\$(now)
	if nc $NS_ADDR 5003 </tmp/q 2>/tmp/nc.err; then
		t1=\$(now)
		echo "l2-net: quota \$(rate \$(wc -c </tmp/q) \$t0 \$t1)"
		break
	fi
	n=\$((n + 1))
	if [ \$n -ge 600 ]; then
		bad "nc to $NS_ADDR:5003: \$(cat /tmp/nc.err)"
		break
	fi
	sleep 0.2
done
echo "l2-net: done"
poweroff -f
EOF

sum() {
	sha256sum <"$1" | cut -d ' ' -f 1
}

# the namespace: held by a sleep that unshare started in it
unshare -n sleep 100000 &
nspid=$!
n=0
while [ "$(readlink /proc/$nspid/ns/net)" = "$(readlink /proc/self/ns/net)" ] &&
	[ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ "$(readlink /proc/$nspid/ns/net)" != "$(readlink /proc/self/ns/net)" ] ||
	fail "unshare -n made no network namespace"
# -F: no fork, so that $! of a listener is the nc itself
in_ns() {
	nsenter -F -t $nspid -n "$@"
}
cleanup() {
	[ -n "${l1:-}" ] && kill $l1 2>/dev/null
	[ -n "${l2:-}" ] && kill $l2 2>/dev/null
	[ -n "${l3:-}" ] && kill $l3 2>/dev/null
	kill $nspid 2>/dev/null
}
in_ns ip link set lo up || fail "no lo in the namespace"

# the listeners, before the guest can connect; the receiver's stdin never
# ends (busybox nc stops at the peer's EOF only then). A listener whose
# transfer ended has exited when the guest's nc ends (that waits for the
# peer's close); cleanup kills one that never got its connection.
dd if=/dev/urandom of=$W/down bs=65536 count=$((NET_MIB * 16)) 2>/dev/null
mkfifo $W/fifo
in_ns nc -l -p 5001 >$W/up.rx 0<>$W/fifo &
l1=$!
in_ns nc -l -p 5002 <$W/down &
l2=$!

hvctl create net1 --vcpus 1 --memory 256M --kernel $L2_KERNEL \
	--initrd /tmp/l2net.cpio --cmdline "$(l2_cmdline panic=-1 loglevel=4)" \
	--on-reboot stop --net tap=hvnet0,mac=$MAC0 --net tap=hvnet1 ||
	{ cleanup; fail "create net1"; }
t0=$(date +%s)
hvctl start net1 || { cleanup; fail "start net1: $(tail -n 5 "$log")"; }
pid=$(cat "$HVCTL_STATE_DIR/net1.pid")
progress "HVTEST-RUN: hvctl.linux-net boot"
# the VMM opened the taps before start returned; its line about the
# devices (with hvnet1's MAC) comes once they are made
if ! l2_says "$log" "$pid" "virtio slot 1: virtio-net on tap hvnet1" 120; then
	tail -n 20 "$log"
	cleanup
	fail "the VMM did not make its NICs: $(grep -m1 -E 'tap|error' "$log")"
fi
# the VMM made both taps in L1's namespace; hvnet0 goes into the test's
ip link set hvnet0 netns $nspid || { cleanup; fail "cannot move hvnet0 into the namespace"; }
in_ns ip addr add $NS_ADDR/24 dev hvnet0 &&
	in_ns ip link set hvnet0 up || { cleanup; fail "cannot configure hvnet0"; }
ip link show hvnet0 >/dev/null 2>&1 && { cleanup; fail "hvnet0 is still in L1's namespace"; }
ip addr | grep -q "$NS_ADDR" && { cleanup; fail "$NS_ADDR is in L1's namespace"; }
ip link show hvnet1 >/dev/null 2>&1 || { cleanup; fail "the VMM did not create hvnet1"; }
echo "L1: hvnet0 in namespace $(readlink /proc/$nspid/ns/net) as $NS_ADDR/24; hvnet1 in L1's"

# the live quota: set, applied (the VMM's NAME.io shows it), then the
# listener the guest's last transfer waits for
if ! l2_says "$log" "$pid" "l2-net: quota next" 900; then
	l2_filter <"$log" | tail -n 60
	hvctl stop net1 --force
	cleanup
	fail "the guest did not reach the quota transfer ($(($(date +%s) - t0)) s)"
fi
hvctl set net1 --net-bw $NET_BW/s || { hvctl stop net1 --force; cleanup; fail "set --net-bw"; }
if ! wait_for 30 grep -q "^net 0 .* bytes_limit=$NET_BW " "$HVCTL_STATE_DIR/net1.io"; then
	cat "$HVCTL_STATE_DIR/net1.io"
	hvctl stop net1 --force
	cleanup
	fail "the VMM did not apply --net-bw $NET_BW/s"
fi
hvctl info net1 | grep -E "I/O quotas|net 0"
# and NAME.conf keeps it, for a start after the kernel forgot the VM
grep -q "^net_bw=$NET_BW\$" "$HVCTL_STATE_DIR/net1.conf" ||
	{ hvctl stop net1 --force; cleanup; fail "hvctl set did not keep --net-bw in net1.conf"; }
in_ns nc -l -p 5003 >$W/q.rx 0<>$W/fifo &
l3=$!
if ! l2_says "$log" "$pid" "the guest powered off" 900; then
	l2_filter <"$log" | tail -n 60
	hvctl stop net1 --force
	cleanup
	fail "no poweroff ($(($(date +%s) - t0)) s)"
fi
progress "HVTEST-RUN: hvctl.linux-net boot: powered off"
echo "--- $(($(date +%s) - t0)) s of L1 time; the VMM's and the guest's lines"
l2_filter <"$log" | grep -E "l2-net|virtio|virtio_net|eth[01]" | tr -d '\r'
cp "$HVCTL_STATE_DIR/net1.conf" $W/net1.conf
wait_for 30 hvctl destroy net1 || { cleanup; fail "destroy net1"; }
# the taps went with the VMM's files (it closed them before the VM's)
in_ns ip link show hvnet0 >/dev/null 2>&1 && { cleanup; fail "hvnet0 outlived the VMM"; }
ip link show hvnet1 >/dev/null 2>&1 && { cleanup; fail "hvnet1 outlived the VMM"; }
cleanup

has() {
	tr -d '\r' <"$log" | grep -q "$1" || fail "the guest did not print '$1'"
}
grep -q "l2-net: done" "$log" || fail "/init did not finish"
! grep -q "l2-net: FAIL" "$log" ||
	fail "$(grep "l2-net: FAIL" "$log" | head -n 3 | tr -d '\r' | tr '\n' ';')"
# the MACs: given, and derived from the name (the VMM's log line says which)
mac1=$(sed -n 's/.*virtio-net on tap hvnet1, MAC \([0-9a-f:]*\),.*/\1/p' "$log")
[ -n "$mac1" ] || fail "the VMM did not log hvnet1's MAC"
has "l2-net: eth0 address $MAC0 link 1"
has "l2-net: eth1 address $mac1 link 1"
has "l2-net: ok ping $NS_ADDR"
up=$(tr -d '\r' <"$log" | sed -n 's/.*l2-net: up sha256 \([0-9a-f]*\).*/\1/p')
down=$(tr -d '\r' <"$log" | sed -n 's/.*l2-net: down sha256 \([0-9a-f]*\).*/\1/p')
[ "$(sum $W/up.rx)" = "$up" ] ||
	fail "L1 received $(wc -c <$W/up.rx) bytes with SHA-256 $(sum $W/up.rx), the guest sent $up"
[ "$(sum $W/down)" = "$down" ] ||
	fail "the guest received SHA-256 $down, L1 sent $(sum $W/down)"
echo "L1: $NET_MIB MiB each way, checksums equal ($up up, $down down)"
# the live quota: all of it arrived, at the limit +-20% (the guest's clock)
qsum=$(tr -d '\r' <"$log" | sed -n 's/.*l2-net: quota sha256 \([0-9a-f]*\).*/\1/p')
[ "$(sum $W/q.rx)" = "$qsum" ] ||
	fail "quota transfer: L1 received $(wc -c <$W/q.rx) bytes with SHA-256 $(sum $W/q.rx), the guest sent $qsum"
qline=$(tr -d '\r' <"$log" | sed -n 's/.*l2-net: quota \([0-9]* bytes in [0-9.]* s\).*/\1/p')
[ -n "$qline" ] || fail "the guest did not time the quota transfer"
qrate=$(echo "$qline" | awk '{ printf "%d", $1 / ($4 > 0 ? $4 : 0.01) }')
echo "NIC quota --net-bw $NET_BW/s set live: $qline = $qrate bytes/s"
[ "$qrate" -ge $((NET_BW * 8 / 10)) ] && [ "$qrate" -le $((NET_BW * 12 / 10)) ] ||
	fail "NIC quota $NET_BW bytes/s: measured $qrate bytes/s ($qline), want within 20%"
# the figures (Documentation/performance.rst)
echo "virtio-net figures ($(uname -m), L2 guest of hv in the emulator, tap, busybox nc):"
tr -d '\r' <"$log" | grep -E "l2-net: (up|down) [0-9]+ bytes" | l2_filter
# A start after the kernel forgot the VM (a module reload; here a destroy
# with NAME.conf put back) makes it again with the quota NAME.conf keeps;
# its VMM is stopped at once, the registry is what counts.
cp $W/net1.conf "$HVCTL_STATE_DIR/net1.conf"
hvctl start net1 >/dev/null || fail "start net1 again: $(tail -n 3 "$log")"
again=$(hvctl info net1 --json)
hvctl stop net1 --force >/dev/null
wait_for 30 hvctl destroy net1 || fail "destroy net1 again"
echo "$again" | grep -q "\"net_bw\": $NET_BW," ||
	fail "net1 made again from net1.conf without its --net-bw: $again"
echo "started again from net1.conf: --net-bw $NET_BW/s kept"
rm -rf $W
