# shellcheck shell=sh
# shellcheck disable=SC2016 # what is typed into the guest expands there
# The host-guest channel and the virtio console in a Linux guest, one boot
# of the stock Debian kernel (`hvctl create --vsock=7 --console hvc`). The
# guest loads virtio_mmio, vsock and vmw_vsock_virtio_transport(_common)
# (modules of the same package, /hv/images/modules); virtio_console is
# built in. Its /init starts hvtest-vsock's echo server on vsock port 5000
# and a shell on hvc0, the virtio console, which `hvctl console` reaches
# (its stdin a fifo): everything after that is typed there.
#   - host -> guest: hvtest-vsock in L1 opens 16 connections at once to
#     the VMM's NAME.vsock ("CONNECT 5000"), sends 64 KiB of its own
#     stream on each (16 KiB on x86) and reads every byte back from the guest's echo
#     server (checked byte by byte, FNV checksums printed);
#   - `hvctl vsock NAME 5000` carries a 256 KiB file (x86: 64) there and back
#     (cmp);
#   - guest -> host: typed on hvc0, hvtest-vsock in the guest opens 16
#     connections at once to CID 2 port 6000, which the VMM connects to
#     NAME.vsock_6000, where L1's echo server answers; the same checks;
#   - a guest connection to a host port nobody listens on is refused;
#   - arithmetic typed on hvc0 answered there (the typed line itself does
#     not hold the answer);
#   - `poweroff -f` typed: the VM stops, its sockets are gone.
# Waits on the guest's and the programs' own lines, never on a fixed time.
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-vsock
log=$HVCTL_STATE_DIR/vx.log
out=/tmp/vx.out
l2_kernel
mods=/hv/images/modules
tool=/hv/images/hvtest-vsock
# bytes per connection and through hvctl vsock (Bochs is slower)
case $(uname -m) in
aarch64) size=65536 blob=262144 ;;
*) size=16384 blob=65536 ;;
esac
for m in virtio_mmio vsock vmw_vsock_virtio_transport_common vmw_vsock_virtio_transport; do
	[ -f $mods/$m.ko ] ||
		skip "no $mods/$m.ko (HVT_GUEST_MODULES of the target)"
done
[ -x $tool ] || fail "no $tool (run.sh builds it with HVT_GUEST_KERNEL=yes)"

l2_initramfs_root
mkdir -p $L2_ROOT/lib/modules
for m in virtio_mmio vsock vmw_vsock_virtio_transport_common vmw_vsock_virtio_transport; do
	cp $mods/$m.ko $L2_ROOT/lib/modules/ || fail "no $mods/$m.ko"
done
cp $tool $L2_ROOT/bin/ || fail "cannot copy $tool"
l2_initramfs_sh /tmp/l2vsock.cpio <<'EOF'
for m in virtio_mmio vsock vmw_vsock_virtio_transport_common vmw_vsock_virtio_transport; do
	insmod /lib/modules/$m.ko || echo "l2-vsock: FAIL insmod $m"
done
# the virtio console's node appears once virtio_mmio probed it
n=0
while [ ! -c /dev/hvc0 ] && [ $n -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ -c /dev/hvc0 ] || echo "l2-vsock: FAIL no /dev/hvc0"
# 16 connections from the host's hvtest-vsock, 1 from hvctl vsock
hvtest-vsock echo vsock 5000 17 &
echo "l2-vsock: ready"
export PS1='vx# '
setsid sh -c 'exec sh -i </dev/hvc0 >/dev/hvc0 2>&1'
echo "l2-vsock: the shell left"
poweroff -f
EOF

pid=
epid=
bail() {
	[ -n "$epid" ] && kill "$epid" 2>/dev/null
	echo "--- hvc0 through hvctl console"
	tr -d '\r' <$out 2>/dev/null | l2_filter | tail -n 60
	echo "--- the VMM's log"
	l2_filter <"$log" | tail -n 60
	if [ -n "$pid" ]; then
		hvctl stop vx --force >/dev/null 2>&1
		wait_for 30 hvctl destroy vx
	fi
	fail "$*"
}

# says PATTERN [SECONDS]: wait for a line of hvc0 matching PATTERN
says() {
	l2_says $out "$pid" "$1" "${2:-300}" || bail "hvc0 did not show '$1'"
}

# the options' errors: one line each, nothing created
for bad in "--kernel $L2_KERNEL --vsock=2" \
	"--kernel $L2_KERNEL --vsock=4294967295" \
	"--kernel $L2_KERNEL --console serial" "--image $L2_KERNEL --console hvc"; do
	# shellcheck disable=SC2086 # options and their values, one per word
	if e=$(hvctl create bad --vcpus 1 --memory 64M $bad 2>&1); then
		hvctl destroy bad
		fail "create $bad succeeded"
	fi
	echo "create $bad: $e"
	[ "$(echo "$e" | wc -l)" = 1 ] || fail "create $bad: not one line: $e"
done

hvctl create vx --vcpus 1 --memory 256M --kernel $L2_KERNEL \
	--initrd /tmp/l2vsock.cpio --cmdline "$(l2_cmdline quiet panic=-1)" \
	--vsock=7 --console hvc --on-reboot stop || fail "create"
rm -f /tmp/vx.in $out "$log"
mkfifo /tmp/vx.in || fail "mkfifo"
# guest -> host: L1's echo server on port 6000, before the guest runs
$tool echo unix $HVCTL_STATE_DIR/vx.vsock_6000 16 >/tmp/vx-echo.out 2>&1 &
epid=$!
progress "HVTEST-RUN: hvctl.linux-vsock: starting the L2 guest"
hvctl start vx || fail "start: $(cat "$log")"
pid=$(cat $HVCTL_STATE_DIR/vx.pid)
# (the VMM logs its set-up while `hvctl start` returns)
l2_says "$log" "$pid" "virtio-console (hvc0)" 120 ||
	bail "no virtio console in the VMM's log"
grep "virtio slot" "$log"
grep -q "virtio-vsock, guest CID 7" "$log" || bail "no vsock device in the VMM's log"
l2_says "$log" "$pid" "l2-vsock: ready" 600 || bail "the guest's /init did not get ready"
grep "l2-vsock: FAIL" "$log" && bail "the guest's set-up failed"
progress "HVTEST-RUN: hvctl.linux-vsock: the L2 /init runs"

# host -> guest, 16 connections at once
r=$($tool send unix $HVCTL_STATE_DIR/vx.vsock 5000 16 $size) ||
	bail "host -> guest: $r"
echo "host -> guest: $r"

# hvctl vsock: a file there and back
head -c $blob /dev/urandom >/tmp/vx.blob
hvctl vsock vx 5000 </tmp/vx.blob >/tmp/vx.back || bail "hvctl vsock failed"
cmp /tmp/vx.blob /tmp/vx.back || bail "hvctl vsock: the file came back different"
echo "hvctl vsock: $blob bytes there and back, $(md5sum </tmp/vx.blob | cut -d' ' -f1)"
# a port with no listener in the guest: refused, said clearly
if e=$(hvctl vsock vx 5999 </dev/null 2>&1); then
	bail "hvctl vsock to a port nobody listens on succeeded"
fi
echo "hvctl vsock to guest port 5999: $e"

# the shell on hvc0
hvctl console vx </tmp/vx.in >$out 2>&1 &
cpid=$!
exec 3>/tmp/vx.in
typein() { printf '%s\n' "$*" >&3; }
l2_prompt $out "$pid" 'vx# ' 300 || bail "hvc0 showed no shell prompt"
typein 'echo A-$((6*7)) $(cat /sys/class/tty/console/active)'
says 'A-42'
echo "hvc0: typed arithmetic answered ($(tr -d '\r' <$out | grep '^A-42'))"

# guest -> host, 16 connections at once, typed on hvc0
typein "hvtest-vsock send vsock 2 6000 16 $size; echo G-\$((1+1))DONE"
says 'G-2DONE'
tr -d '\r' <$out | grep -q "^hvtest-vsock: ok 16 connections" ||
	bail "guest -> host: $(tr -d '\r' <$out | grep '^hvtest-vsock:')"
echo "guest -> host: $(tr -d '\r' <$out | grep '^hvtest-vsock: ok 16')"
wait $epid || bail "L1's echo server: $(cat /tmp/vx-echo.out)"
echo "L1's echo server: $(grep 'ok echo' /tmp/vx-echo.out)"
# a host port nobody listens on: refused
typein 'hvtest-vsock send vsock 2 6001 1 10 || echo R-$((1))EFUSED'
says 'R-1EFUSED'
echo "guest -> host port 6001 (no listener): $(tr -d '\r' <$out | grep 'FAIL vsock connect')"

typein 'poweroff -f'
exec 3>&-
wait_for 60 sh -c "hvctl info vx | grep -q 'stop reason: *guest poweroff'" ||
	bail "no 'guest poweroff' after 'poweroff -f': $(hvctl info vx)"
wait $cpid
grep "hvtest-vsock" "$log" | tr -d '\r' | l2_filter
grep -q "hvtest-vsock: ok echo 17 connections" "$log" ||
	bail "the guest's echo server did not serve 17 connections"
grep -q "needs a reset" "$log" && bail "a device needed a reset"
# the device's statistics in hvctl info (the VMM's last NAME.io): 34
# connections (16 + 16 echoed, hvctl vsock, the refused 5999), every data
# byte each way at least once, the refusals' RSTs both ways
vi=$(hvctl info vx | grep '^vsock:') || bail "hvctl info shows no vsock line: $(hvctl info vx)"
echo "hvctl info: $vi"
# shellcheck disable=SC2046 # the numbers, one word each
set -- $(echo "$vi" | tr -c '0-9\n' ' ')
[ "$1" = 7 ] && [ "$3" -ge 34 ] || bail "vsock connections: $vi"
[ "$4" -ge $((32 * size + blob)) ] && [ "$5" -ge $((32 * size + blob)) ] ||
	bail "vsock bytes: $vi, want at least $((32 * size + blob)) each way"
[ "$6" -ge 1 ] && [ "$7" -ge 1 ] || bail "vsock RSTs: $vi"
hvctl info vx --json | grep -q '"vsock": {"cid": 7, "open": [0-9]*, "connections": [0-9]*, "bytes_to_host"' ||
	bail "hvctl info --json has no vsock statistics: $(hvctl info vx --json)"
# everything released with the VM
[ -e $HVCTL_STATE_DIR/vx.vsock ] &&
	bail "$HVCTL_STATE_DIR/vx.vsock outlived the VM"
wait_for 30 hvctl destroy vx || fail "destroy"
echo "--- hvc0"
tr -d '\r' <$out | l2_filter | tail -n 30
