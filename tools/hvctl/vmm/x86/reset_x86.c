// SPDX-License-Identifier: GPL-2.0
/*
 * A reboot of an x86 guest (hvctl_vmm_reset(), --on-reboot=restart): every
 * vCPU back to the state hv created it in, as a power-on reset would leave
 * the machine (SDM Vol. 3A, 10.1.1 "Processor State After Reset"), without
 * a new VM: the registry keeps the VM running under its name and RAM
 * stays, as in a warm reset.
 *
 * The first call for a vCPU (its first boot, before it ever ran) takes
 * what hv gave it through the state ioctls: the registers and segment
 * state, the FPU, the MSRs of hvctl_x86_reset_msrs[] that hv has, and with
 * the in-kernel interrupt controller its local APIC (an AP waiting for
 * INIT/SIPI, xAPIC mode, timer stopped) and, for vCPU 0, the IOAPIC (every
 * pin masked). Each later call puts that back. Whatever a guest left in
 * the VMCS beyond these (a pending event, interrupt shadows) is not
 * reachable from user space; Linux stops its other CPUs with interrupts
 * off before it resets, and the resetting vCPU leaves on the reset write
 * itself, so none is pending then. A guest with the ACPI tables also gets
 * a reset stub at the reset vector (hvctl_x86_reset_stub()).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm.h"
#include "x86/acpi/acpi.h"

/*
 * The MSRs an OS programs (hv's allow-list, Documentation/x86.rst); EFER,
 * FS/GS base and the APIC base are in the segment and APIC state, the TSC
 * runs on as through a real reset's warm boot.
 */
#define HVCTL_X86_RESET_NR_MSRS	11

static const uint32_t hvctl_x86_reset_msrs[HVCTL_X86_RESET_NR_MSRS] = {
	0x174, 0x175, 0x176,		/* SYSENTER_CS/ESP/EIP */
	0x277,				/* PAT */
	0x2ff,				/* MTRRdefType */
	0xc0000081, 0xc0000082,		/* STAR, LSTAR */
	0xc0000083, 0xc0000084,		/* CSTAR, SYSCALL_MASK */
	0xc0000102, 0xc0000103,		/* KERNEL_GS_BASE, TSC_AUX */
};

/*
 * struct hvctl_x86_reset - one vCPU's power-on state.
 * @ok: taken; @fpu_ok: the FPU too (hv refuses it when the host's XSAVE
 *	area is larger than HV_XSAVE_SIZE: the guest then initializes it).
 * @nr_msrs: the MSRs of hvctl_x86_reset_msrs[] hv let read, in @msrs.
 */
struct hvctl_x86_reset {
	int ok, fpu_ok;
	struct hv_regs regs;
	struct hv_sregs sregs;
	struct hv_lapic_state lapic;
	unsigned int nr_msrs;
	struct hv_msr_entry msrs[HVCTL_X86_RESET_NR_MSRS];
	uint8_t fpu[HV_XSAVE_SIZE];
};

/* One VM per VMM process: the state of its vCPUs and its IOAPIC. */
static struct hvctl_x86_reset hvctl_x86_reset_state[HV_MAX_VCPUS];
static struct hv_ioapic_state hvctl_x86_reset_ioapic;

static int hvctl_x86_msrs(struct hvctl_vcpu *vcpu, struct hv_msr_entry *e,
			  unsigned int n, unsigned long req)
{
	struct hv_msrs m = { .nmsrs = n, .entries = (uintptr_t)e };

	return ioctl(vcpu->fd, req, &m);
}

static int hvctl_x86_fpu(struct hvctl_vcpu *vcpu, void *buf,
			 unsigned long req)
{
	struct hv_fpu f = { .addr = (uintptr_t)buf, .size = HV_XSAVE_SIZE };

	return ioctl(vcpu->fd, req, &f);
}

/* The first call: what hv created the vCPU with. */
static int hvctl_x86_reset_take(struct hvctl_vcpu *vcpu,
				struct hvctl_x86_reset *r)
{
	struct hvctl_vmm *vmm = vcpu->vmm;
	unsigned int i;

	if (ioctl(vcpu->fd, HV_GET_REGS, &r->regs) ||
	    ioctl(vcpu->fd, HV_GET_SREGS, &r->sregs))
		return -1;
	r->fpu_ok = !hvctl_x86_fpu(vcpu, r->fpu, HV_GET_FPU);
	r->nr_msrs = 0;
	for (i = 0; i < HVCTL_X86_RESET_NR_MSRS; i++) {
		struct hv_msr_entry *e = &r->msrs[r->nr_msrs];

		*e = (struct hv_msr_entry){ .index = hvctl_x86_reset_msrs[i] };
		if (hvctl_x86_msrs(vcpu, e, 1, HV_GET_MSRS) == 1)
			r->nr_msrs++;
	}
	if (vmm->irq_lines) {
		if (ioctl(vcpu->fd, HV_GET_LAPIC, &r->lapic))
			return -1;
		if (!vcpu->id &&
		    ioctl(vmm->vm, HV_GET_IOAPIC, &hvctl_x86_reset_ioapic))
			return -1;
	}
	r->ok = 1;
	return 0;
}

/* A restart: all of it back. */
static int hvctl_x86_reset_put(struct hvctl_vcpu *vcpu,
			       struct hvctl_x86_reset *r)
{
	struct hvctl_vmm *vmm = vcpu->vmm;

	if (ioctl(vcpu->fd, HV_SET_SREGS, &r->sregs) ||
	    ioctl(vcpu->fd, HV_SET_REGS, &r->regs))
		return -1;
	if (r->fpu_ok && hvctl_x86_fpu(vcpu, r->fpu, HV_SET_FPU))
		return -1;
	if (r->nr_msrs &&
	    hvctl_x86_msrs(vcpu, r->msrs, r->nr_msrs, HV_SET_MSRS) !=
	    (int)r->nr_msrs)
		return -1;
	if (!vmm->irq_lines)
		return 0;
	if (ioctl(vcpu->fd, HV_SET_LAPIC, &r->lapic))
		return -1;
	if (!vcpu->id &&
	    ioctl(vmm->vm, HV_SET_IOAPIC, &hvctl_x86_reset_ioapic))
		return -1;
	return 0;
}

/*
 * The reset vector, 0xffff0 (CS 0xf000, IP 0xfff0; SDM Vol. 3A, 10.1.4),
 * where a BIOS would start. hvctl has no firmware: a guest that jumps
 * there wants the machine reset, and this stub does it through the FADT's
 * reset register. Linux does so to reboot on this platform: its ACPI is
 * hardware-reduced, so it prefers an EFI reboot (reboot_init():
 * efi_reboot_required()), finds no EFI runtime services, and falls back to
 * BOOT_BIOS, machine_real_restart(), a jump to the reset vector. Written
 * on every boot of a guest with the ACPI tables; the e820 map keeps the
 * BIOS area reserved.
 */
static void hvctl_x86_reset_stub(struct hvctl_vmm *vmm)
{
	static const uint8_t stub[] = {
		0xba, HVCTL_ACPI_RESET_PORT & 0xff,
		HVCTL_ACPI_RESET_PORT >> 8,		/* mov $port, %dx */
		0xb0, HVCTL_ACPI_RESET_VALUE,		/* mov $value, %al */
		0xee,					/* out %al, %dx */
		0xf4,					/* 1: hlt */
		0xeb, 0xfd,				/* jmp 1b */
	};
	uint8_t *p = hvctl_vmm_ram(vmm, 0xffff0, sizeof(stub));

	if (p)
		memcpy(p, stub, sizeof(stub));
}

int hvctl_x86_reset_vcpu(struct hvctl_vcpu *vcpu)
{
	struct hvctl_x86_reset *r = &hvctl_x86_reset_state[vcpu->id];
	int err;

	if (!vcpu->id && vcpu->vmm->irq_lines)
		hvctl_x86_reset_stub(vcpu->vmm);
	err = r->ok ? hvctl_x86_reset_put(vcpu, r) :
		      hvctl_x86_reset_take(vcpu, r);
	if (err)
		hvctl_vmm_log(vcpu->vmm, "vCPU %u: cannot %s its power-on state: %s",
			      vcpu->id, r->ok ? "restore" : "read",
			      strerror(errno));
	return err;
}
