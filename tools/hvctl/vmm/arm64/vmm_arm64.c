// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 part of the hvctl VMM. The boot vCPU starts at the entry
 * address in EL1h with DAIF masked, the MMU off, X0 = 0 (no device tree
 * yet) and SP_EL1 = 0x8000; the other vCPUs are powered off until the
 * guest starts them with PSCI CPU_ON, which hv handles in the kernel, as
 * it does CPU_OFF. PSCI SYSTEM_OFF powers the VM off, SYSTEM_RESET stops
 * it (vmm.c). MMIO reaches the devices (vmm_arm64.h): the PL011 UART at
 * 0x09000000 and the stop-request register at 0x09010000 (reads 1 once
 * `hvctl stop` has asked the guest to stop, else 0). Other addresses
 * outside RAM read as all ones and ignore writes.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm.h"

#define PL011_CR_RESET		0x300	/* TXE | RXE */
#define PL011_IFLS_RESET	0x12	/* both FIFO levels at half */

static int hvctl_arm64_boot(struct hvctl_vcpu *vcpu, uint64_t entry)
{
	struct hv_regs r;

	if (ioctl(vcpu->fd, HV_GET_REGS, &r))
		return -1;
	memset(r.x, 0, sizeof(r.x));
	r.pc = entry;
	r.pstate = HV_ARM64_PSTATE_EL1h | HV_ARM64_PSTATE_D |
		   HV_ARM64_PSTATE_A | HV_ARM64_PSTATE_I | HV_ARM64_PSTATE_F;
	r.sp_el1 = 0x8000;
	return ioctl(vcpu->fd, HV_SET_REGS, &r);
}

int hvctl_arch_vcpu_setup(struct hvctl_vcpu *vcpu, uint64_t entry)
{
	struct hv_power off = { .state = HV_ARM64_POWER_OFF };
	struct hvctl_vmm *vmm = vcpu->vmm;

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
	vmm->arch.pl011[0x30 / 4] = PL011_CR_RESET;
	vmm->arch.pl011[0x34 / 4] = PL011_IFLS_RESET;
	if (!hvctl_arm64_boot(vcpu, entry))
		return 0;
	hvctl_vmm_log(vmm, "vCPU 0: cannot set its registers: %s",
		      strerror(errno));
	return -1;
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
	return 1;
}

int hvctl_arch_exit(struct hvctl_vcpu *vcpu)
{
	if (vcpu->run->exit_reason == HV_EXIT_MMIO)
		return hvctl_arm64_mmio(vcpu);
	hvctl_vmm_log(vcpu->vmm, "vCPU %u: unexpected exit %u: stopping",
		      vcpu->id, vcpu->run->exit_reason);
	return -1;
}
