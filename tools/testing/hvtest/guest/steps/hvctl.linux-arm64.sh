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
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-linux
log=$HVCTL_STATE_DIR/lx.log
l2_kernel
kernel=$L2_KERNEL

# The guest's /init reports and powers off (busybox poweroff -f: reboot(2),
# PSCI SYSTEM_OFF)
l2_initramfs /tmp/l2.cpio <<'EOF'
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

cmdline="earlycon=pl011,0x09000000 console=ttyAMA0 panic=-1"

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
		if ! l2_says "$log" "$pid" "$want" 240; then
			l2_filter <"$log"
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
	l2_filter <"$log" >/tmp/lx-$1.log
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
