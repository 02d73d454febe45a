// SPDX-License-Identifier: GPL-2.0
/*
 * Where an x86 vCPU was, for the VMM's log when the VM is stopped by
 * force or an exit stops it: the instruction pointer and mode, and with
 * the in-kernel APIC the vectors in service and requested, the task
 * priority and the run state, so that a guest that hung says what it
 * was doing and what it waited for. Called on the vCPU's own thread
 * (its ioctls wait while HV_RUN runs).
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm.h"

/* The APIC's 256-bit register at @off (ISR, TMR, IRR) as a vector list. */
static void hvctl_x86_vectors(const struct hv_lapic_state *l, unsigned int off,
			      char *buf, size_t size)
{
	size_t n = 0;
	int v;

	buf[0] = 0;
	for (v = 0; v < 256 && n < size; v++)
		if (l->regs[off / 16 + v / 32] & (1U << (v % 32)))
			n += snprintf(buf + n, size - n, " %#x", v);
	if (!buf[0])
		snprintf(buf, size, " -");
}

/* The console UART's state and the IOAPIC pin it drives (GSI 4). */
static void hvctl_x86_dump_vm(struct hvctl_vmm *vmm)
{
	struct hv_ioapic_state io;

	hvctl_uart16550_dump(vmm);
	if (ioctl(vmm->vm, HV_GET_IOAPIC, &io))
		return;
	hvctl_vmm_log(vmm, "IOAPIC: pin %u %#llx, lines asserted %#x",
		      HVCTL_UART_GSI,
		      (unsigned long long)io.redirtbl[HVCTL_UART_GSI], io.lines);
}

/*
 * The guest-physical address of @va through the guest's 4-level page
 * tables at @cr3 (long mode; 1 GiB and 2 MiB pages), or -1.
 */
static uint64_t hvctl_x86_gva_to_gpa(struct hvctl_vmm *vmm, uint64_t cr3,
				     uint64_t va)
{
	uint64_t table = cr3 & 0x000ffffffffff000ULL, *e;
	int level, shift;

	for (level = 4; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		e = hvctl_vmm_ram(vmm, table + ((va >> shift) & 511) * 8, 8);
		if (!e || !(*e & 1))
			return -1;
		table = *e & 0x000ffffffffff000ULL;
		if (level == 1 || (level <= 3 && (*e & 0x80)))
			return (table & ~((1ULL << shift) - 1)) |
			       (va & ((1ULL << shift) - 1));
	}
	return -1;
}

/*
 * The 96 words on a long-mode guest's stack at @rsp (fewer where its
 * pages are not mapped): the return addresses among them say what the
 * vCPU was doing (read them against the guest kernel's symbols).
 */
static void hvctl_x86_dump_stack(struct hvctl_vcpu *vcpu,
				 const struct hv_sregs *s, uint64_t rsp)
{
	struct hvctl_vmm *vmm = vcpu->vmm;
	char line[8 * 17 + 1];
	unsigned int i, len = 0;
	uint64_t gpa, *w;

	if (!(s->efer & (1 << 10)) || (rsp & 7))	/* EFER.LMA */
		return;
	for (i = 0; i < 96; i++) {
		gpa = hvctl_x86_gva_to_gpa(vmm, s->cr3, rsp + i * 8);
		w = gpa == (uint64_t)-1 ? NULL : hvctl_vmm_ram(vmm, gpa, 8);
		if (!w)
			break;
		len += snprintf(line + len, sizeof(line) - len, " %llx",
				(unsigned long long)*w);
		if (i % 8 == 7) {
			hvctl_vmm_log(vmm, "vCPU %u: stack %#llx:%s", vcpu->id,
				      (unsigned long long)(rsp + (i - 7) * 8),
				      line);
			len = 0;
		}
	}
	if (len)
		hvctl_vmm_log(vmm, "vCPU %u: stack %#llx:%s", vcpu->id,
			      (unsigned long long)(rsp + (i & ~7U) * 8), line);
}

void hvctl_arch_dump_vcpu(struct hvctl_vcpu *vcpu)
{
	struct hvctl_vmm *vmm = vcpu->vmm;
	struct hv_msr_entry tsc = { .index = 0x10 };	/* IA32_TSC */
	struct hv_msrs msrs = { .nmsrs = 1 };
	struct hv_lapic_state l;
	struct hv_sregs s;
	struct hv_regs r;
	char isr[128], irr[128], gpr[HV_X86_NR_GPRS * 17 + 1];
	size_t n;
	int i;

	if (ioctl(vcpu->fd, HV_GET_REGS, &r) ||
	    ioctl(vcpu->fd, HV_GET_SREGS, &s)) {
		hvctl_vmm_log(vmm, "vCPU %u: cannot read its registers",
			      vcpu->id);
		return;
	}
	hvctl_vmm_log(vmm, "vCPU %u: rip %#llx rsp %#llx rflags %#llx cs %#x cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx",
		      vcpu->id, (unsigned long long)r.rip,
		      (unsigned long long)r.gpr[HV_X86_RSP],
		      (unsigned long long)r.rflags, s.cs.selector,
		      (unsigned long long)s.cr0, (unsigned long long)s.cr3,
		      (unsigned long long)s.cr4, (unsigned long long)s.efer);
	/* rax rcx rdx rbx rsp rbp rsi rdi r8-r15: a spinning guest's lock */
	for (i = 0, n = 0; i < HV_X86_NR_GPRS; i++)
		n += snprintf(gpr + n, sizeof(gpr) - n, " %llx",
			      (unsigned long long)r.gpr[i]);
	hvctl_vmm_log(vmm, "vCPU %u: gpr%s", vcpu->id, gpr);
	hvctl_x86_dump_stack(vcpu, &s, r.gpr[HV_X86_RSP]);
	if (!vmm->irq_lines || ioctl(vcpu->fd, HV_GET_LAPIC, &l))
		return;
	hvctl_x86_vectors(&l, 0x100, isr, sizeof(isr));
	hvctl_x86_vectors(&l, 0x200, irr, sizeof(irr));
	/* the guest's TSC now, to compare with its deadline */
	msrs.entries = (unsigned long)&tsc;
	if (ioctl(vcpu->fd, HV_GET_MSRS, &msrs) != 1)
		tsc.data = 0;
	hvctl_vmm_log(vmm, "vCPU %u: APIC base %#llx mp_state %u tpr %#x isr%s irr%s lvt timer %#x count %#x of %#x tsc_deadline %#llx tsc %#llx",
		      vcpu->id, (unsigned long long)l.apic_base, l.mp_state,
		      l.regs[0x80 / 16], isr, irr, l.regs[0x320 / 16],
		      l.regs[0x390 / 16], l.regs[0x380 / 16],
		      (unsigned long long)l.tsc_deadline,
		      (unsigned long long)tsc.data);
	/* once per VM: the console's UART and its IOAPIC pin */
	if (vcpu->id == 0)
		hvctl_x86_dump_vm(vmm);
}
