# shellcheck shell=sh
# The stock Debian arm64 kernel boots as a guest of hv: `hvctl create
# --kernel` loads the Image (its header read, placed 2 MiB-aligned) and
# hands it a device tree (--dtb writes it out too); the guest's early
# console (earlycon on the PL011) shows it reached Linux, read the machine
# model and the memory from that tree, found PSCI and took the command
# line. A target needs HVT_GUEST_KERNEL=yes (the kernel in the initramfs).
#
# Without hv's GICv3 (HV_CAP_IRQCHIP 0) Linux stops at its interrupt
# controller: the step stops the VM by force then, whatever the guest did.
# It waits on the guest's own lines, never on a fixed time, and fails as
# soon as the VMM stops.
#
# Known to fail on main 6e82f67's hv.ko, before Linux prints a line: hv
# makes every debug-register access an UNDEF (MDCR_EL2.TDA), and Linux's
# __cpu_setup writes MDSCR_EL1 with the MMU off, before it sets VBAR_EL1
# (the VMM logs ESR_EL1 0x2000000, ELR_EL1 0x41cfa93c, instruction
# 0xd5100241 `msr mdscr_el1, x1`). The fix belongs in
# module/arch/arm64/el2_sysreg.c (MDSCR_EL1 and the OS lock registers as
# KVM keeps them), not in hvctl.
# shellcheck source=hvctl.lib.sh
. /hvtest/steps/hvctl.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-linux
log=$HVCTL_STATE_DIR/lx.log
kernel=/hv/images/linux.Image
[ -f $kernel ] || skip "no guest kernel in the initramfs (HVT_GUEST_KERNEL=yes)"

# shows_l2 FILE: the guest's log, indented; its own oops/panic words are
# renamed so that the harness's scan of *this* kernel's log does not take
# them for ours (the L2 guest may well panic without an interrupt controller)
shows_l2() {
	sed -e 's/^/  L2| /' -e 's/Kernel panic/L2-kernel-panic/' \
		-e 's/Call trace:/L2-call-trace/' -e 's/WARNING:/L2-warning/' \
		-e 's/BUG:/L2-bug/' -e 's/Internal error:/L2-internal-error/' \
		-e 's/Unable to handle kernel/L2-unable-to-handle/' \
		-e 's/Oops/L2-oops/' "$1"
}

cmdline="earlycon=pl011,0x09000000 console=ttyAMA0 panic=0"
hvctl create lx --vcpus 1 --memory 256M --kernel $kernel --cmdline "$cmdline" \
	--dtb /tmp/lx.dtb --on-reboot stop || fail "create"
t0=$(date +%s)
hvctl start lx || fail "start: $(cat "$log")"

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

pid=$(cat $HVCTL_STATE_DIR/lx.pid)
# each line comes from the guest, in this order
for want in "Booting Linux on physical CPU 0x0" \
	"Machine model: hv arm64 virt" \
	"earlycon: pl11 at MMIO 0x0000000009000000" \
	"DMA *\[mem 0x0000000040000000-0x000000004fffffff\]" \
	"psci: PSCIv1.0 detected in firmware" \
	"Kernel command line: $cmdline"; do
	if ! guest_says "$want"; then
		shows_l2 "$log"
		hvctl stop lx --force
		fail "the guest did not print '$want' ($(($(date +%s) - t0)) s)"
	fi
	echo "after $(($(date +%s) - t0)) s: $want"
done
# where it ends without a GIC: give it a moment to get there, then stop it
wait_for 60 grep -q "GIC\|irqchip\|L2-kernel-panic\|Kernel panic" "$log" || true
echo "after $(($(date +%s) - t0)) s: stopping it"
hvctl stop lx --force || fail "stop --force"
wait_for 30 hvctl destroy lx || fail "destroy"
shows_l2 "$log"
# the tree --dtb wrote: the FDT magic d00dfeed
magic=$(od -A n -t x1 -N 4 /tmp/lx.dtb | tr -d ' ')
[ "$magic" = d00dfeed ] || fail "--dtb wrote no device tree (magic '$magic')"
grep -q "device tree at 0x" "$log" || fail "the VMM did not log the tree"
