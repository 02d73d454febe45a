# shellcheck shell=sh
# The stock Debian arm64 kernel boots as a guest of hv to its /init, with
# 1 and 2 vCPUs: `hvctl create --kernel` loads the Image (its header read,
# placed 2 MiB-aligned) and hands it a device tree (--dtb writes it out
# too); hv's GICv3 and virtual timer (HV_VM_IRQCHIP) give it interrupts,
# PSCI CPU_ON its second CPU. The guest's early console (earlycon on the
# PL011) shows it read the machine model and the memory from that tree,
# found PSCI and took the command line; its /init (a busybox script in an
# initramfs built here) prints the CPUs it sees, sleeps 1 s (its timer
# interrupt) and powers off, which the VMM must report as "powered off".
# A target needs HVT_GUEST_KERNEL=yes (the kernel in the initramfs).
#
# It waits on the guest's own lines, never on a fixed time, and fails as
# soon as the VMM stops. Sourced by hvctl.linux.sh on aarch64.
# shellcheck source=hvctl.lib.sh
. /hvtest/steps/hvctl.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-linux
log=$HVCTL_STATE_DIR/lx.log
kernel=/hv/images/linux.Image
[ -f $kernel ] || skip "no guest kernel in the initramfs (HVT_GUEST_KERNEL=yes)"

# shows_l2 FILE: the guest's log, indented; its own oops/panic words are
# renamed so that the harness's scan of *this* kernel's log does not take
# them for ours
shows_l2() {
	sed -e 's/^/  L2| /' -e 's/Kernel panic/L2-kernel-panic/' \
		-e 's/Call trace:/L2-call-trace/' -e 's/WARNING:/L2-warning/' \
		-e 's/BUG:/L2-bug/' -e 's/Internal error:/L2-internal-error/' \
		-e 's/Unable to handle kernel/L2-unable-to-handle/' \
		-e 's/Oops/L2-oops/' -e 's/stall/st~all/g' \
		-e 's/lockup/lock~up/g' -e 's/blocked for/blocked~for/g' "$1"
}

# The guest's initramfs: this system's static busybox and an /init that
# reports and powers off (busybox poweroff -f: reboot(2), PSCI SYSTEM_OFF)
root=/tmp/l2root
rm -rf $root
mkdir -p $root/bin $root/proc $root/sys
cp /bin/busybox $root/bin/busybox || fail "no /bin/busybox"
cat >$root/init <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "l2-init: cpus $(grep -c ^processor /proc/cpuinfo) online $(cat /sys/devices/system/cpu/online)"
t0=$(cut -d ' ' -f 1 /proc/uptime)
sleep 1
t1=$(cut -d ' ' -f 1 /proc/uptime)
echo "l2-init: sleep 1 from $t0 to $t1"
echo "l2-init: powering off"
poweroff -f
EOF
chmod +x $root/init
(cd $root && find . | cpio -o -H newc 2>/dev/null) >/tmp/l2.cpio ||
	fail "cannot build the guest's initramfs"

cmdline="earlycon=pl011,0x09000000 console=ttyAMA0 panic=-1"

# guest_says LINE: wait for the guest's LINE (a grep pattern) in the log,
# while the VMM runs; 1 if it stopped first or 240 s passed
guest_says() {
	_n=1200
	while [ $_n -gt 0 ]; do
		grep -q "$1" "$log" && return 0
		kill -0 "$pid" 2>/dev/null || { grep -q "$1" "$log"; return; }
		sleep 0.2
		_n=$((_n - 1))
	done
	return 1
}

# boot N: the kernel with N vCPUs, from its first line to the poweroff
boot() {
	rm -f "$log"
	hvctl create lx --vcpus "$1" --memory 256M --kernel $kernel \
		--initrd /tmp/l2.cpio --cmdline "$cmdline" \
		--dtb /tmp/lx.dtb --on-reboot stop || fail "create ($1 vCPUs)"
	t0=$(date +%s)
	hvctl start lx || fail "start: $(cat "$log")"
	pid=$(cat $HVCTL_STATE_DIR/lx.pid)
	# each line comes from the guest, in this order
	for want in "Booting Linux on physical CPU 0x0" \
		"Machine model: hv arm64 virt" \
		"earlycon: pl11 at MMIO 0x0000000009000000" \
		"DMA *\[mem 0x0000000040000000-0x000000004fffffff\]" \
		"psci: PSCIv1.0 detected in firmware" \
		"Kernel command line: $cmdline" \
		"GICv3: 96 SPIs implemented" \
		"arch_timer: cp15 timer(s) running at" \
		"Run /init as init process" \
		"l2-init: cpus $1 online 0" \
		"l2-init: sleep 1 from" \
		"the guest powered off"; do
		if ! guest_says "$want"; then
			shows_l2 "$log"
			hvctl stop lx --force
			fail "$1 vCPUs: the guest did not print '$want' ($(($(date +%s) - t0)) s)"
		fi
		echo "$1 vCPUs, after $(($(date +%s) - t0)) s: $want"
	done
	wait_for 30 sh -c "hvctl info lx | grep -q 'stop reason: *guest poweroff'" ||
		fail "$1 vCPUs: no 'guest poweroff': $(hvctl info lx)"
	grep "l2-init:" "$log"
	echo "$1 vCPUs: powered off after $(($(date +%s) - t0)) s"
	wait_for 30 hvctl destroy lx || fail "destroy"
	shows_l2 "$log" >/tmp/lx-$1.log
}

boot 1
# the tree --dtb wrote: the FDT magic d00dfeed
magic=$(od -A n -t x1 -N 4 /tmp/lx.dtb | tr -d ' ')
[ "$magic" = d00dfeed ] || fail "--dtb wrote no device tree (magic '$magic')"
boot 2
grep -q "SMP: Total of 2 processors activated" /tmp/lx-2.log ||
	fail "2 vCPUs: the second CPU did not come up"
echo "--- the guest's console, 2 vCPUs"
cat /tmp/lx-2.log
