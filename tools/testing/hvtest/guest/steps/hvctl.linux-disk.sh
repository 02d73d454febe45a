# shellcheck shell=sh
# virtio-blk in a Linux guest: the stock Debian kernel (a guest of hv,
# as in hvctl.linux) loads virtio_mmio and virtio_blk (modules of the same
# package, /hv/images/modules, put there by run.sh with HVT_GUEST_KERNEL)
# and finds its disks through the device tree (arm64) or the ACPI DSDT
# (x86). A target needs HVT_GUEST_KERNEL=yes.
#
# Boot 1, two disks made here in L1's /tmp:
#   vda  A, 16 MiB, read-write, cache=none (O_DIRECT): the guest makes an
#        ext2 file system (busybox mke2fs, the ext4 driver mounts it),
#        writes /data (`seq 1 20000`, its SHA-256 known to both sides),
#        syncs, trims (discard), unmounts and powers off.
#   vdb  B, read-only, the same pattern from sector 0: the guest reads it
#        back, sees ro=1 and has a raw write refused.
#   vdc  C, 16 MiB, read-write: hvtest-blkbench's figures (4 KiB random
#        reads QD1, sequential 1 MiB reads, O_DIRECT) on a RAM-backed file.
#   The serials (GET_ID: the image's file name) in /sys/block/vdX/serial.
#   Meanwhile a second VM on A is refused (the image's lock), with the
#   error hvctl prints. After it, L1 mounts A itself (loop, read-only) and
#   checks /data: nothing lost; B is unchanged.
# Boot 2, A read-only: the guest
#   mounts it (read-only, as the disk is), reads /data back and has a
#   write into the file system refused (EROFS); A is unchanged after it.
#
# The guest prints "l2-disk: ok ..." or "l2-disk: FAIL ..." per check and
# "l2-disk: done" last; every wait ends on a line of the guest or the
# VMM's exit, never on a fixed time.
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-disk
l2_kernel
mods=/hv/images/modules
[ -f $mods/virtio_blk.ko ] ||
	skip "no $mods/virtio_blk.ko (run.sh copies the guest kernel's modules with HVT_GUEST_KERNEL=yes)"

case $(uname -m) in
aarch64)
	console="console=ttyAMA0"
	boots="write read"
	reads=4096
	;;
*)
	console="console=ttyS0 nokaslr"
	boots="write read"
	reads=4096
	;;
esac
A=/tmp/hvdisk-a.img
B=/tmp/hvdisk-b.img
C=/tmp/hvdisk-c.img
want=$(seq 1 20000 | sha256sum | cut -d ' ' -f 1)
wantlen=$(seq 1 20000 | wc -c)

l2_initramfs_root
mkdir -p $L2_ROOT/lib/modules $L2_ROOT/mnt
for m in crc16 crc32c_generic mbcache jbd2 ext4 virtio_mmio virtio_blk; do
	cp $mods/$m.ko $L2_ROOT/lib/modules/ || fail "no $mods/$m.ko"
done
cp /hv/images/hvtest-blkbench $L2_ROOT/bin/ || fail "no hvtest-blkbench"
# the guest's checks; hvdisk=read on the command line: boot 2
l2_initramfs /tmp/l2disk.cpio <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
ok() { echo "l2-disk: ok $*"; }
bad() { echo "l2-disk: FAIL $*"; }
for m in crc16 crc32c_generic mbcache jbd2 ext4 virtio_mmio virtio_blk; do
	insmod /lib/modules/$m.ko || bad "insmod $m"
done
mode=write
grep -q hvdisk=read /proc/cmdline && mode=read
want=$(seq 1 20000 | sha256sum | cut -d ' ' -f 1)
# the disk's node appears once virtio_blk probed it (asynchronously)
disk() {
	n=0
	while [ ! -b /dev/$1 ] && [ $n -lt 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	if [ ! -b /dev/$1 ]; then
		bad "no /dev/$1 ($(ls /sys/block | tr '\n' ' '))"
		return 1
	fi
	echo "l2-disk: $1 serial '$(cat /sys/block/$1/serial)' ro $(cat /sys/block/$1/ro) sectors $(cat /sys/block/$1/size) logical block $(cat /sys/block/$1/queue/logical_block_size)"
}
# raw_write_refused DEV: a write to the device itself must fail
raw_write_refused() {
	if e=$(dd if=/dev/zero of=/dev/$1 bs=4096 count=1 conv=fsync 2>&1); then
		bad "$1: a raw write went through"
	else
		ok "$1 raw write refused: $(echo "$e" | head -n 1)"
	fi
}
if [ $mode = write ]; then
	if disk vda; then
		mke2fs -b 4096 -L hvdisk /dev/vda >/dev/null && ok "mke2fs vda" || bad "mke2fs vda"
		if mount -t ext2 /dev/vda /mnt; then
			seq 1 20000 >/mnt/data
			sync
			got=$(sha256sum </mnt/data | cut -d ' ' -f 1)
			[ "$got" = "$want" ] && ok "vda data written" || bad "vda data $got"
			echo "l2-disk: $(fstrim -v /mnt 2>&1)"
			umount /mnt && ok "vda unmounted" || bad "umount vda"
		else
			bad "mount vda"
		fi
	fi
	if disk vdb; then
		got=$(head -c 108894 /dev/vdb | sha256sum | cut -d ' ' -f 1)
		[ "$got" = "$want" ] && ok "vdb read" || bad "vdb read $got"
		[ "$(cat /sys/block/vdb/ro)" = 1 ] && ok "vdb ro" || bad "vdb not ro"
		raw_write_refused vdb
	fi
	# the figures, on a third disk (a RAM-backed file in L1)
	disk vdc && hvtest-blkbench /dev/vdc $(sed -n 's/.*hvdisk_reads=\([0-9]*\).*/\1/p' /proc/cmdline)
	# the VMM pulses each virtio line once per interrupt: the platform
	# (DSDT or device tree) must have told the guest they are edge lines
	lines=$(grep virtio /proc/interrupts | tr -s ' ')
	if [ -z "$lines" ]; then
		bad "no virtio line in /proc/interrupts"
	elif echo "$lines" | grep -qiv edge; then
		bad "a virtio line is not edge-triggered: $(echo "$lines" | grep -iv edge | head -n 1)"
	else
		ok "virtio lines edge-triggered: $(echo "$lines" | head -n 1)"
	fi
elif disk vda; then
	[ "$(cat /sys/block/vda/ro)" = 1 ] && ok "vda ro" || bad "vda not ro"
	# asked for read-write; busybox mount falls back to read-only
	if mount -t ext2 /dev/vda /mnt; then
		got=$(sha256sum </mnt/data | cut -d ' ' -f 1)
		[ "$got" = "$want" ] && ok "vda data read back" || bad "vda data $got"
		if e=$(echo x 2>&1 >/mnt/new); then
			bad "a file written on the read-only disk"
		else
			ok "vda file system write refused: $e"
		fi
		grep " /mnt " /proc/mounts
		umount /mnt
	else
		bad "mount vda"
	fi
	raw_write_refused vda
fi
echo "l2-disk: done"
poweroff -f
EOF

# L1 mounts the guest's file system itself: the same kernel's modules
l1_mount_a() {
	for m in crc16 crc32c_generic mbcache jbd2 ext4 loop; do
		grep -q "^$m " /proc/modules || insmod $mods/$m.ko ||
			fail "insmod $m in L1"
	done
	mkdir -p /tmp/hvdisk-mnt
	mount -t ext2 -o ro,loop $A /tmp/hvdisk-mnt || fail "L1 cannot mount $A"
	got=$(sha256sum </tmp/hvdisk-mnt/data | cut -d ' ' -f 1)
	umount /tmp/hvdisk-mnt
	[ "$got" = "$want" ] ||
		fail "$A holds /data with SHA-256 $got, not $want: data lost"
	echo "L1: $A holds /data ($wantlen bytes, SHA-256 $want)"
}

sum() {
	sha256sum <"$1" | cut -d ' ' -f 1
}

# boot MODE NAME DISK...: one boot until it powers off; its console in
# /tmp/NAME.out (through l2_filter)
boot() {
	mode=$1 name=$2
	shift 2
	log=$HVCTL_STATE_DIR/$name.log
	rm -f "$log"
	hvctl create "$name" --vcpus 1 --memory 256M --kernel $L2_KERNEL \
		--initrd /tmp/l2disk.cpio \
		--cmdline "$console panic=-1 loglevel=4 hvdisk=$mode hvdisk_reads=$reads" \
		--on-reboot stop "$@" || fail "create $name"
	t0=$(date +%s)
	hvctl start "$name" || fail "start $name: $(tail -n 5 "$log")"
	pid=$(cat "$HVCTL_STATE_DIR/$name.pid")
	# HVTEST-RUN: run.sh notes the wall time of these lines (.times)
	progress "HVTEST-RUN: hvctl.linux-disk $mode boot"
	if [ "$mode" = write ]; then
		# the image is the running VM's: a second VM is refused
		hvctl create lock --vcpus 1 --memory 256M --kernel $L2_KERNEL \
			--disk $A || fail "create lock"
		if out=$(hvctl start lock 2>&1); then
			hvctl stop lock --force
			fail "a second VM started on $A: $out"
		fi
		echo "second VM on $A: $out"
		echo "$out" | grep -q "in use by another VM" ||
			fail "the second VM failed without saying why: $out"
		hvctl destroy lock || fail "destroy lock"
	fi
	if ! l2_says "$log" "$pid" "the guest powered off" 900; then
		l2_filter <"$log" | tail -n 60
		hvctl stop "$name" --force
		fail "$mode boot: no poweroff ($(($(date +%s) - t0)) s)"
	fi
	progress "HVTEST-RUN: hvctl.linux-disk $mode boot: powered off"
	echo "--- $mode boot: $(($(date +%s) - t0)) s of L1 time; the guest's lines"
	l2_filter <"$log" | grep -E "l2-disk|blkbench|virtio|vd[abc]|EXT4|I/O error"
	wait_for 30 hvctl destroy "$name" || fail "destroy $name"
	grep -q "l2-disk: done" "$log" || fail "$mode boot: /init did not finish"
	! grep -q "l2-disk: FAIL" "$log" ||
		fail "$mode boot: $(grep "l2-disk: FAIL" "$log" | head -n 3 | tr -d '\r' | tr '\n' ';')"
}

# the guest's lines end in CR LF on the x86 console
has() {
	tr -d '\r' <"$log" | grep -q "$1" || fail "the guest did not print '$1'"
}

truncate -s 16M $A || fail "cannot make $A"
rm -f $B
seq 1 20000 >$B
truncate -s 1M $B
sum_b=$(sum $B)
for mode in $boots; do
	if [ "$mode" = write ]; then
		truncate -s 16M $C || fail "cannot make $C"
		boot write hvdisk1 --disk $A,cache=none --disk $B,ro --disk $C
		has "l2-disk: vda serial 'hvdisk-a.img' ro 0 sectors 32768 logical block 4096"
		has "l2-disk: vdb serial 'hvdisk-b.img' ro 1 sectors 2048 logical block 512"
		has "l2-disk: ok vda data written"
		has "l2-disk: ok vda unmounted"
		has "l2-disk: ok vdb read"
		has "l2-disk: ok vdb raw write refused"
		l1_mount_a
		[ "$(sum $B)" = "$sum_b" ] || fail "the read-only $B changed"
		rm -f $C
	else
		sum_a=$(sum $A)
		boot read hvdisk2 --disk $A,ro
		has "l2-disk: vda serial 'hvdisk-a.img' ro 1"
		has "l2-disk: ok vda data read back"
		has "l2-disk: ok vda file system write refused"
		has "l2-disk: ok vda raw write refused"
		[ "$(sum $A)" = "$sum_a" ] || fail "the read-only $A changed"
	fi
done
# the figures (Documentation/performance.rst): a RAM-backed disk
echo "virtio-blk figures ($(uname -m), L2 guest of hv in the emulator):"
grep blkbench $HVCTL_STATE_DIR/hvdisk1.log | tr -d '\r' | l2_filter
rm -f $A $B
