// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 part of the hvctl VMM. The guest-physical map is QEMU virt's
 * (virt.h): a --kernel guest gets RAM at 0x40000000, a device tree and the
 * Linux boot protocol (boot_image.c); an --image guest keeps RAM at 0,
 * where the images of today are linked, unless it is linked for the virt
 * board (lowest load address at or above 0x40000000), and starts at its
 * entry with X0 = 0 and SP_EL1 = 0x8000. Either starts in EL1h with DAIF
 * masked and the MMU off; the other vCPUs are powered off until the guest
 * starts them with PSCI CPU_ON, which hv handles in the kernel, as it does
 * CPU_OFF. PSCI SYSTEM_OFF powers the VM off, SYSTEM_RESET restarts or
 * stops it (vmm.c, --on-reboot). MMIO reaches the devices: the PL011 UART
 * at 0x09000000 (pl011.c), the stop-request register at 0x09010000
 * (reads 1 once `hvctl stop` has asked the guest to stop, else 0) and the
 * PL061 GPIO controller with the power key at 0x09030000 (pl061.c), which
 * `hvctl stop` presses for a kernel guest. Other addresses outside RAM
 * read as all ones and ignore writes.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm.h"
#include "virtio/virtio.h"
#include "virtio/input.h"

#define HVCTL_IMAGE_SP		0x8000	/* an --image guest's first stack */

int hvctl_arch_prepare(struct hvctl_vmm *vmm)
{
	const struct hvctl_def *def = vmm->def;
	uint32_t cap = HV_CAP_IRQCHIP;
	uint64_t base;
	int lines;

	vmm->attach_flags = 0;
	vmm->arch.irqchip = 0;
	vmm->arch.boot_x0 = 0;
	vmm->arch.boot_sp = 0;
	if (!def->kernel[0]) {
		if (hvctl_image_base(vmm, &base))
			return -1;
		vmm->ram_base = base >= HVCTL_VIRT_RAM_BASE ?
				HVCTL_VIRT_RAM_BASE : 0;
		vmm->arch.boot_sp = vmm->ram_base + HVCTL_IMAGE_SP;
		return 0;
	}
	vmm->ram_base = HVCTL_VIRT_RAM_BASE;
	/* the device tree's virtio,mmio nodes: bus.c's slots, one per device */
	vmm->arch.nr_virtio = hvctl_virtio_nr_slots(def);
	if (def->memory > HVCTL_VIRT_RAM_MAX) {
		hvctl_err("start %s: at most %llu GiB of RAM on the virt map",
			  def->name, HVCTL_VIRT_RAM_MAX >> 30);
		return -1;
	}
	/* hv's GICv3 and timer, when it has them; else the guest polls */
	lines = ioctl(vmm->dev, HV_CHECK_CAP, &cap);
	if (lines > 0) {
		vmm->attach_flags = HV_VM_IRQCHIP;
		vmm->arch.irqchip = lines;
		vmm->irq_lines = lines;
	}
	vmm->rx_notify = hvctl_pl011_rx;
	return 0;
}

/*
 * A restart keeps vmm->arch: the vCPUs' reset registers (hvctl_arm64_reset())
 * and what hvctl_arch_prepare() chose; hvctl_arch_vcpu_setup() resets the
 * PL011 and hvctl_arch_load_kernel() sets the boot registers again.
 */
void hvctl_arch_restart(struct hvctl_vmm *vmm)
{
	(void)vmm;
}

void hvctl_arm64_irq_line(struct hvctl_vmm *vmm, uint32_t intid, int level)
{
	struct hv_irq_level irq = { .irq = intid, .level = level };

	if (ioctl(vmm->vm, HV_IRQ_LINE, &irq))
		hvctl_vmm_log(vmm, "INTID %u to %d: HV_IRQ_LINE: %s", intid,
			      level, strerror(errno));
}

/*
 * A vCPU back to the state hv created it in: its system registers as read
 * the first time (a restart puts them back), FP/SIMD zero.
 */
static int hvctl_arm64_reset(struct hvctl_vcpu *vcpu)
{
	struct hvctl_arch_vmm *arch = &vcpu->vmm->arch;
	static const struct hv_fpsimd zero;
	struct hv_fpu fpu = {
		.addr = (uintptr_t)&zero, .size = HV_FPSIMD_SIZE,
	};

	if (!arch->reset_ok[vcpu->id]) {
		if (ioctl(vcpu->fd, HV_GET_SYSREGS, &arch->reset[vcpu->id]))
			return -1;
		arch->reset_ok[vcpu->id] = 1;
		return 0;
	}
	if (ioctl(vcpu->fd, HV_SET_SYSREGS, &arch->reset[vcpu->id]))
		return -1;
	return ioctl(vcpu->fd, HV_SET_FPU, &fpu);
}

static int hvctl_arm64_boot(struct hvctl_vcpu *vcpu, uint64_t entry)
{
	struct hv_power on = { .state = HV_ARM64_POWER_ON };
	struct hvctl_vmm *vmm = vcpu->vmm;
	struct hv_regs r;

	/* on a restart the guest may have turned the boot vCPU off */
	if (ioctl(vcpu->fd, HV_SET_POWER, &on))
		return -1;
	memset(&r, 0, sizeof(r));
	r.x[0] = vmm->arch.boot_x0;	/* the DTB; x1..x3 = 0 */
	r.pc = entry;
	r.pstate = HV_ARM64_PSTATE_EL1h | HV_ARM64_PSTATE_D |
		   HV_ARM64_PSTATE_A | HV_ARM64_PSTATE_I | HV_ARM64_PSTATE_F;
	r.sp_el1 = vmm->arch.boot_sp;
	return ioctl(vcpu->fd, HV_SET_REGS, &r);
}

int hvctl_arch_vcpu_setup(struct hvctl_vcpu *vcpu, uint64_t entry)
{
	struct hv_power off = { .state = HV_ARM64_POWER_OFF };
	struct hvctl_vmm *vmm = vcpu->vmm;

	if (hvctl_arm64_reset(vcpu)) {
		hvctl_vmm_log(vmm, "vCPU %u: cannot reset it: %s", vcpu->id,
			      strerror(errno));
		return -1;
	}
	if (hvctl_arm64_gic_reset(vcpu))
		return -1;
	/*
	 * hv resets every vCPU powered on (hv_arm64.h): a secondary would run
	 * from PC 0 before the guest starts it, so it is turned off here,
	 * before its thread enters HV_RUN, where it waits for CPU_ON.
	 */
	if (vcpu->id) {
		if (!ioctl(vcpu->fd, HV_SET_POWER, &off))
			return 0;
		hvctl_vmm_log(vmm, "vCPU %u: cannot power it off: %s", vcpu->id,
			      strerror(errno));
		return -1;
	}
	hvctl_pl011_reset(vmm);
	hvctl_pl061_reset(vmm);
	if (!hvctl_arm64_boot(vcpu, entry))
		return 0;
	hvctl_vmm_log(vmm, "vCPU 0: cannot set its registers: %s",
		      strerror(errno));
	return -1;
}

/*
 * The guest's last exception, for a vCPU that stopped on an error: a
 * kernel that faults before it set VBAR_EL1 jumps to VBAR_EL1 (0) + 0x200
 * and hv cannot fetch from there, so the cause is in ESR_EL1/ELR_EL1. With
 * the MMU off (SCTLR_EL1.M clear) ELR_EL1 is a physical address: the
 * instruction word is shown when it is in RAM.
 */
void hvctl_arch_dump_vcpu(struct hvctl_vcpu *vcpu)
{
	struct hvctl_vmm *vmm = vcpu->vmm;
	struct hv_sysregs s;
	struct hv_regs r;
	uint32_t *insn;

	if (ioctl(vcpu->fd, HV_GET_REGS, &r) ||
	    ioctl(vcpu->fd, HV_GET_SYSREGS, &s))
		return;
	insn = s.sctlr_el1 & 1 ? NULL : hvctl_vmm_ram(vmm, r.elr_el1, 4);
	hvctl_vmm_log(vmm, "vCPU %u: PC 0x%llx PSTATE 0x%llx; last EL1 exception: ESR_EL1 0x%llx ELR_EL1 0x%llx FAR_EL1 0x%llx SPSR_EL1 0x%llx; VBAR_EL1 0x%llx SCTLR_EL1 0x%llx%s",
		      vcpu->id, (unsigned long long)r.pc,
		      (unsigned long long)r.pstate,
		      (unsigned long long)s.esr_el1,
		      (unsigned long long)r.elr_el1,
		      (unsigned long long)s.far_el1,
		      (unsigned long long)r.spsr_el1,
		      (unsigned long long)s.vbar_el1,
		      (unsigned long long)s.sctlr_el1, insn ? "" : " (MMU on)");
	if (insn)
		hvctl_vmm_log(vmm, "vCPU %u: instruction at ELR_EL1: 0x%08x",
			      vcpu->id, *insn);
}

/* Secondaries wait for CPU_ON inside HV_RUN: nothing to wait for here. */
int hvctl_arch_vcpu_wait(struct hvctl_vcpu *vcpu)
{
	(void)vcpu;
	return 0;
}

static uint32_t hvctl_arm64_read(struct hvctl_vmm *vmm, uint64_t gpa)
{
	if (gpa - HVCTL_PL011_BASE < HVCTL_PL011_SIZE)
		return hvctl_pl011_read(vmm, gpa - HVCTL_PL011_BASE);
	if (gpa - HVCTL_VIRT_GPIO_BASE < HVCTL_VIRT_GPIO_SIZE)
		return hvctl_pl061_read(vmm, gpa - HVCTL_VIRT_GPIO_BASE);
	if (gpa == HVCTL_CTRL_BASE + HVCTL_CTRL_STOPREQ)
		return !!vmm->stop_requested;
	if (gpa - HVCTL_CTRL_BASE < HVCTL_CTRL_SIZE)
		return 0;
	return 0xffffffff;
}

static int hvctl_arm64_mmio(struct hvctl_vcpu *vcpu)
{
	struct hv_exit_mmio *mmio = &vcpu->run->mmio;
	uint32_t val = 0;
	unsigned int i;

	if (mmio->len > sizeof(mmio->data)) {
		hvctl_vmm_log(vcpu->vmm, "vCPU %u: malformed MMIO exit: stopping",
			      vcpu->id);
		return -1;
	}
	if (!mmio->is_write) {
		/* 64-bit reads see the 32-bit register, all ones above */
		val = hvctl_arm64_read(vcpu->vmm, mmio->phys_addr);
		memset(mmio->data, val == 0xffffffff ? 0xff : 0,
		       sizeof(mmio->data));
		for (i = 0; i < 4 && i < mmio->len; i++)
			mmio->data[i] = val >> (8 * i);
		return 1;
	}
	for (i = 0; i < 4 && i < mmio->len; i++)
		val |= (uint32_t)mmio->data[i] << (8 * i);
	if (mmio->phys_addr - HVCTL_PL011_BASE < HVCTL_PL011_SIZE)
		hvctl_pl011_write(vcpu->vmm, mmio->phys_addr - HVCTL_PL011_BASE,
				  val);
	if (mmio->phys_addr - HVCTL_VIRT_GPIO_BASE < HVCTL_VIRT_GPIO_SIZE)
		hvctl_pl061_write(vcpu->vmm,
				  mmio->phys_addr - HVCTL_VIRT_GPIO_BASE, val);
	return 1;
}

/*
 * `hvctl stop` (graceful): besides the stop-request register for the test
 * images, a kernel guest's power key (pl061.c) is pressed; only kernel
 * guests have the device tree that describes it.
 */
void hvctl_arch_stop_requested(struct hvctl_vmm *vmm)
{
	if (vmm->def->kernel[0])
		hvctl_pl061_press_power(vmm);
}

int hvctl_arch_exit(struct hvctl_vcpu *vcpu)
{
	if (vcpu->run->exit_reason == HV_EXIT_MMIO)
		return hvctl_arm64_mmio(vcpu);
	hvctl_vmm_log(vcpu->vmm, "vCPU %u: unexpected exit %u: stopping",
		      vcpu->id, vcpu->run->exit_reason);
	return -1;
}
