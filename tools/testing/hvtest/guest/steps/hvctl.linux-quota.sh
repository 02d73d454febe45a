# shellcheck shell=sh
# I/O quotas of a virtio-blk disk in a Linux guest (the stock Debian kernel
# under hv, as in hvctl.linux-disk), and the notification fast path's
# figures. A target needs HVT_GUEST_KERNEL=yes.
#
# One boot, two disks made here in L1's /tmp:
#   vda  D, 16 MiB: the measured disk.
#   vdb  G, 4 KiB: the host's "go" for the next phase. The guest polls it
#        with O_DIRECT reads until it holds the phase's word, which the
#        host writes only once the VMM applied the phase's quota (NAME.io
#        shows it): no phase depends on how fast either side is.
# Phases (hvtest-blkbench: 4 KiB random reads at queue depth 1 and 1 MiB
# sequential reads, O_DIRECT, timed by the guest's own clock):
#   1  --disk-iops 50 from `hvctl create`: 200 random reads, the rate
#      within 20% of 50 IOPS (a limit well below what the disk does
#      without one, about 200 IOPS on arm64 under QEMU: near it, the
#      device's own time and the quota's add up).
#   2  `hvctl set --disk-iops 0 --disk-bw 2M/s` while it runs: 200 random
#      reads (below 2 MiB/s anyway), then the whole disk sequentially in
#      1 MiB reads, within 20% of 2 MiB/s.
#   3  `hvctl set --disk-bw 0`: no quota, 1000 random reads: the figures
#      of the notification fast path (QueueNotify an ioeventfd; on arm64
#      the interrupt an irqfd), and the VM's exits per I/O (exits to the
#      VMM for MMIO, and all guest exits, from `hvctl info`).
# Then the guest prints its block statistics (/sys/block/vda/stat) and
# powers off; the per-device counters in `hvctl info` (NAME.io, written
# by the VMM) must equal them: requests and bytes.
#
# On arm64 a second, shorter boot runs phase 3 alone with
# HVCTL_VIRTIO_NO_FASTPATH=1 (QueueNotify exits, HV_IRQ_LINE): the
# fallback keeps working, and its figures are the "before" to compare; a
# third with HVCTL_VIRTIO_NO_FASTPATH=irqfd (the ioeventfd alone) tells
# the two halves apart.
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-quota
l2_kernel
mods=/hv/images/modules
[ -f $mods/virtio_blk.ko ] ||
	skip "no $mods/virtio_blk.ko (run.sh copies the guest kernel's modules with HVT_GUEST_KERNEL=yes)"
D=/tmp/hvquota-d.img
G=/tmp/hvquota-g.img

l2_initramfs_root
mkdir -p $L2_ROOT/lib/modules
for m in virtio_mmio virtio_blk; do
	cp $mods/$m.ko $L2_ROOT/lib/modules/ || fail "no $mods/$m.ko"
done
cp /hv/images/hvtest-blkbench $L2_ROOT/bin/ || fail "no hvtest-blkbench"
l2_initramfs_sh /tmp/l2quota.cpio <<'EOF'
say() { echo "l2-quota: $*"; }
for m in virtio_mmio virtio_blk; do
	insmod /lib/modules/$m.ko || say "FAIL insmod $m"
done
n=0
while { [ ! -b /dev/vda ] || [ ! -b /dev/vdb ]; } && [ $n -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ -b /dev/vdb ] || say "FAIL no disks ($(ls /sys/block | tr '\n' ' '))"
# go WORD: wait until the host wrote WORD at the start of vdb (read
# from the disk each time: the page cache dropped first)
go() {
	while blockdev --flushbufs /dev/vdb &&
		[ "$(dd if=/dev/vdb bs=4096 count=1 2>/dev/null | head -c ${#1})" != "$1" ]; do
		sleep 0.1
	done
}
phases=$(sed -n 's/.*hvquota=\([0-9]*\).*/\1/p' /proc/cmdline)
case $phases in *1*)
	go go1
	say "phase 1"
	hvtest-blkbench /dev/vda 200
	say "phase 1 done"
esac
case $phases in *2*)
	go go2
	say "phase 2"
	hvtest-blkbench /dev/vda 200
	say "phase 2 done"
esac
case $phases in *3*)
	go go3
	say "phase 3"
	hvtest-blkbench /dev/vda 1000
	say "phase 3 done"
esac
# reads, writes, discards and flushes completed; sectors read and written
set -- $(cat /sys/block/vda/stat)
say "stat requests $(($1 + $5 + ${12:-0} + ${16:-0})) bytes $((($3 + $7) * 512))"
say "done"
sleep 1
poweroff -f
EOF

# the guest's lines end in CR LF on the x86 console
line() {
	tr -d '\r' <"$log" | grep "$1" | tail -n 1
}

# io_field FIELD: FIELD of disk 0 in NAME.io (the VMM's statistics)
io_field() {
	sed -n "s/^disk 0 .*$1=\([0-9]*\).*/\1/p" "$HVCTL_STATE_DIR/$name.io" 2>/dev/null
}

# applied FIELD VALUE: the VMM applies the quota (NAME.io shows it)
applied() {
	[ "$(io_field "$1")" = "$2" ]
}

# go WORD: tell the guest to start the phase WORD names
go() {
	printf '%s' "$1" | dd of=$G bs=4096 conv=notrunc,sync 2>/dev/null ||
		fail "cannot write $G"
}

# within WANT GOT WHAT: GOT within 20% of WANT (integers)
within() {
	if [ "$2" -lt $(($1 * 8 / 10)) ] || [ "$2" -gt $(($1 * 12 / 10)) ]; then
		fail "$3: $2, not within 20% of $1"
	fi
	echo "$3: $2 (limit $1, within 20%)"
}

# wait_line PATTERN: the guest printed PATTERN (or the step fails)
wait_line() {
	if ! l2_says "$log" "$pid" "$1" 600; then
		l2_filter <"$log" | tail -n 40
		hvctl stop "$name" --force
		fail "no '$1' from the guest"
	fi
}

# exits KIND: the running VM's MMIO exits to the VMM (mmio) or all its
# guest exits (guest_exits), from hvctl info
exits() {
	hvctl info --json "$name" | sed 's/[,{]/\
/g' |
		sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"
}

# per_io COUNT OPS: COUNT / OPS with two decimals
per_io() {
	printf '%d.%02d' $(($1 / $2)) $(($1 * 100 / $2 % 100))
}

# phase3 LABEL: the unlimited phase, with its exits per I/O
phase3() {
	ops0=$(io_field ops)
	mmio0=$(exits mmio)
	all0=$(exits guest_exits)
	go go3
	wait_line "l2-quota: phase 3 done"
	mmio=$(($(exits mmio) - mmio0))
	all=$(($(exits guest_exits) - all0))
	# NAME.io is rewritten every 500 ms: wait for the phase's 1000 reads
	wait_for 10 sh -c "[ \$(sed -n 's/^disk 0 .*ops=\([0-9]*\).*/\1/p' $HVCTL_STATE_DIR/$name.io) -ge $((ops0 + 1000)) ]" ||
		fail "NAME.io did not count phase 3's reads"
	ops=$(($(io_field ops) - ops0))
	echo "$1: $(line 'blkbench rand4k' | sed 's/.*blkbench/blkbench/')"
	echo "$1: $(line 'blkbench seq1m' | sed 's/.*blkbench/blkbench/')"
	echo "$1: exits per I/O over $ops requests: MMIO exits to the VMM $(per_io $mmio $ops), guest exits $(per_io $all $ops)"
}

rm -rf "$HVCTL_STATE_DIR"
truncate -s 16M $D || fail "cannot make $D"
rm -f $G
truncate -s 4096 $G || fail "cannot make $G"

# boot NAME PHASES [OPTIONS...]
boot() {
	name=$1 phases=$2
	shift 2
	log=$HVCTL_STATE_DIR/$name.log
	hvctl create "$name" --vcpus 1 --memory 256M --kernel $L2_KERNEL \
		--initrd /tmp/l2quota.cpio --disk $D --disk $G \
		--cmdline "$(l2_cmdline panic=-1 loglevel=4 hvquota="$phases")" \
		--on-reboot stop "$@" || fail "create $name"
	hvctl start "$name" || fail "start $name: $(tail -n 5 "$log")"
	pid=$(cat "$HVCTL_STATE_DIR/$name.pid")
	progress "HVTEST-RUN: hvctl.linux-quota $name boot"
}

# the end of a boot: the guest's statistics against the VMM's (its last
# NAME.io, written when it ends; hvctl destroy removes it)
finish() {
	wait_line "l2-quota: done"
	l2_says "$log" "$pid" "the guest powered off" 120 ||
		fail "$name: no poweroff"
	wait_for 30 sh -c "! kill -0 $pid" || fail "$name: the VMM did not end"
	! grep -q "l2-quota: FAIL" "$log" ||
		fail "$(grep "l2-quota: FAIL" "$log" | head -n 3 | tr -d '\r' | tr '\n' ';')"
	hvctl info "$name" | sed -n '/I\/O quotas/,$p'
	# shellcheck disable=SC2046 # two numbers
	set -- $(line "l2-quota: stat" | sed 's/.*requests \([0-9]*\) bytes \([0-9]*\).*/\1 \2/')
	if [ "$(io_field ops)" != "$1" ] || [ "$(io_field bytes)" != "$2" ]; then
		fail "$name: the VMM counted $(io_field ops) requests, $(io_field bytes) bytes on vda; the guest $1, $2"
	fi
	echo "$name: hvctl info counted $1 requests, $2 bytes on vda, as the guest did"
	hvctl destroy "$name" || fail "destroy $name"
}

boot quota 123 --disk-iops 50
# the fast path: QueueNotify an ioeventfd; on arm64 (an edge SPI) the
# interrupt an irqfd too (x86's level GSI keeps HV_IRQ_LINE: bus.c)
fast="ioeventfd"
[ "$(uname -m)" = aarch64 ] && fast="ioeventfd, irqfd"
# (the VMM logs its slots after it attached, when start may have returned)
wait_for 30 grep -q "virtio slot 1: " "$log" || fail "no virtio slots"
grep -q "virtio slot 0: .*, $fast" "$log" ||
	fail "no notification fast path ($fast): $(grep 'virtio slot 0' "$log")"
wait_for 30 applied ops_limit 50 || fail "the VMM did not apply --disk-iops 50"
hvctl info quota | grep -A 3 "I/O quotas" | grep -q "disk 50/s, none" ||
	fail "hvctl info: $(hvctl info quota | grep -A 3 'I/O quotas')"
go go1
wait_line "l2-quota: phase 1 done"
iops=$(line "blkbench rand4k" | sed 's/.*: \([0-9]*\) iops.*/\1/')
within 50 "$iops" "phase 1, --disk-iops 50: IOPS"

hvctl set quota --disk-iops 0 --disk-bw 2M/s || fail "set --disk-bw 2M/s"
wait_for 30 applied bytes_limit 2097152 || fail "the VMM did not apply --disk-bw 2M/s"
wait_for 30 applied ops_limit 0 || fail "the VMM did not lift --disk-iops"
go go2
wait_line "l2-quota: phase 2 done"
mbs=$(line "blkbench seq1m" | sed 's/.*: \([0-9.]*\) MB\/s.*/\1/' | tr -d .)
# MB/s with one decimal, times 10: 2 MiB/s is 2.097 MB/s
within 21 "$mbs" "phase 2, --disk-bw 2M/s: sequential MB/s x 10"

hvctl set quota --disk-bw 0 || fail "set --disk-bw 0"
wait_for 30 applied bytes_limit 0 || fail "the VMM did not lift --disk-bw"
phase3 "fast path"
finish

if [ "$(uname -m)" = aarch64 ]; then
	dd if=/dev/zero of=$G bs=4096 count=1 conv=notrunc 2>/dev/null ||
		fail "cannot clear $G"
	export HVCTL_VIRTIO_NO_FASTPATH=1
	boot slow 3
	unset HVCTL_VIRTIO_NO_FASTPATH
	wait_for 30 grep -q "virtio slot 1: " "$log" || fail "no virtio slots"
	! grep -q "ioeventfd\|irqfd" "$log" ||
		fail "HVCTL_VIRTIO_NO_FASTPATH=1: the VMM still set up the fast path"
	wait_for 30 applied ops_limit 0 || fail "no NAME.io from the slow boot"
	phase3 "no fast path (MMIO exits, HV_IRQ_LINE)"
	finish
	# the ioeventfd half alone: which half the figures owe to which
	dd if=/dev/zero of=$G bs=4096 count=1 conv=notrunc 2>/dev/null ||
		fail "cannot clear $G"
	export HVCTL_VIRTIO_NO_FASTPATH=irqfd
	boot half 3
	unset HVCTL_VIRTIO_NO_FASTPATH
	wait_for 30 grep -q "virtio slot 1: " "$log" || fail "no virtio slots"
	if ! grep -q "virtio slot 0: .*, ioeventfd" "$log" ||
		grep -q "irqfd" "$log"; then
		fail "HVCTL_VIRTIO_NO_FASTPATH=irqfd: $(grep 'virtio slot 0' "$log")"
	fi
	wait_for 30 applied ops_limit 0 || fail "no NAME.io from the half boot"
	phase3 "ioeventfd only (HV_IRQ_LINE)"
	finish
fi
rm -f $D $G
