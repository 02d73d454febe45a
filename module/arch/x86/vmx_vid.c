// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual-interrupt delivery (VID): the VMX side of lapic.c's APIC when
 * the CPU delivers its interrupts itself (SDM Vol. 3C, 30.1, 30.2, 30.5;
 * vmx_lapic.c turns it on, module parameter vid).
 *
 * The CPU moves a vector from IRR to ISR when the guest can take it, and
 * an x2APIC guest's EOI and TPR writes and its TPR/PPR/ISR/TMR/IRR reads
 * do not exit (MSR bitmap). lapic.c's register page is the virtual-APIC
 * page and stays the one truth (the CPU updates its IRR, ISR and PPR):
 * whenever lapic.c changed IRR, ISR or TMR (posted interrupts,
 * HV_SET_LAPIC, INIT, an emulated EOI; it knows only of the vregs_changed
 * and tmr_changed flags) hv puts the highest IRR and ISR vectors in RVI
 * and SVI (the guest interrupt status) before the next entry. Here also:
 * the EOI-exit bitmap (TMR, so that a level-triggered vector's EOI still
 * reaches the IOAPIC, and what the IF guard needs), the IF guard (under
 * Bochs no virtual interrupt is ever pending while the guest runs with
 * IF=0), and the undo of a delivery that an exit cut.
 */
#include <linux/bitops.h>
#include <linux/dmi.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <asm/apicdef.h>
#include <asm/vmx.h>

#include "hv_core.h"
#include "lapic.h"
#include "vmx.h"
#include "vmx_ops.h"

/* x2APIC MSRs whose RDMSR the CPU answers from the page (SDM 30.5) */
static const u32 vmx_x2apic_reads[][2] = {
	{ 0x808, 0x808 },	/* TPR */
	{ 0x80a, 0x80a },	/* PPR (the CPU's PPR virtualization) */
	{ 0x810, 0x827 },	/* ISR, TMR, IRR */
};

/*
 * ... and whose WRMSR it virtualizes: TPR, EOI and SELF IPI (SDM 30.5).
 * With the IF guard SELF IPI exits, as without APICv: virtualized, it
 * would make a vector pending where the guest may run with IF=0.
 */
#define VMX_X2APIC_SELF_IPI	0x83f
static const u32 vmx_x2apic_writes[] = { 0x808, 0x80b, VMX_X2APIC_SELF_IPI };

/* write bits of MSRs 0-0x1fff start at byte 0x800 (SDM 25.6.9) */
#define VMX_MSR_BITMAP_WRITE	(0x800 * BITS_PER_BYTE)

/*
 * The MSR bitmap: every MSR exits (vmx_msr.c emulates them all) but the
 * x2APIC registers above, and these only in x2APIC mode: otherwise their
 * RDMSR and WRMSR must #GP, which hv does.
 */
static void vmx_vid_x2apic_msrs(struct hv_vcpu *vcpu, bool on)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	unsigned long *bm = arch->msr_bitmap;
	u32 i, msr;

	arch->x2apic_msrs = on;
	for (i = 0; i < ARRAY_SIZE(vmx_x2apic_reads); i++)
		for (msr = vmx_x2apic_reads[i][0];
		     msr <= vmx_x2apic_reads[i][1]; msr++)
			on ? __clear_bit(msr, bm) : __set_bit(msr, bm);
	for (i = 0; i < ARRAY_SIZE(vmx_x2apic_writes); i++) {
		msr = VMX_MSR_BITMAP_WRITE + vmx_x2apic_writes[i];
		if (on && !(arch->vid_guard &&
			    vmx_x2apic_writes[i] == VMX_X2APIC_SELF_IPI))
			__clear_bit(msr, bm);
		else
			__set_bit(msr, bm);
	}
}

/*
 * The EOI-exit bitmap: TMR (a level-triggered vector's EOI reaches the
 * IOAPIC), and with @guard every vector requested or in service too (the
 * IF guard, below). Written only where it changes.
 */
static void vmx_vid_eoi_exits(struct hv_vcpu *vcpu, bool guard)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	struct hv_lapic *a = &arch->lapic;
	u32 isr[8], irr[8];
	u64 want;
	int i;

	if (a->tmr_changed) {
		a->tmr_changed = false;
		hv_lapic_get_tmr(a, arch->eoi_tmr);
	} else if (!guard && !arch->eoi_guard) {
		return;
	}
	arch->eoi_guard = guard;
	if (guard) {
		hv_lapic_get_vectors(a, APIC_ISR, isr);
		hv_lapic_get_vectors(a, APIC_IRR, irr);
	}
	for (i = 0; i < 4; i++) {
		want = arch->eoi_tmr[i];
		if (guard)
			want |= isr[2 * i] | irr[2 * i] |
				(u64)(isr[2 * i + 1] | irr[2 * i + 1]) << 32;
		if (want != arch->eoi_exit[i]) {
			arch->eoi_exit[i] = want;
			vmcs_write64(EOI_EXIT_BITMAP0 + 2 * i, want);
		}
	}
}

/* Is a vector other than @rvi, the highest, requested (IRR) too? */
static bool vmx_vid_irr_several(const struct hv_lapic *a, u8 rvi)
{
	int i = rvi / 32;

	if (hv_lapic_irr_word(a, i) & ~BIT(rvi % 32))
		return true;
	while (--i >= 0)
		if (hv_lapic_irr_word(a, i))
			return true;
	return false;
}

/*
 * The IF guard is for Bochs (below): -1 (default) turns it on where the
 * firmware is Bochs' (DMI BIOS version "Bochs ..."), off elsewhere, where
 * the CPU holds a pending virtual interrupt for IF as the SDM says.
 */
static int vid_if_guard = -1;
module_param(vid_if_guard, int, 0444);
MODULE_PARM_DESC(vid_if_guard, "with vid: never leave a virtual interrupt pending while the guest has IF=0 (for Bochs' erratum); -1 (default): under Bochs only, 0: off, 1: on");

/**
 * vmx_vid_probe() - settle the IF guard's parameter (at module load).
 */
void vmx_vid_probe(void)
{
	const char *bios = dmi_get_system_info(DMI_BIOS_VERSION);

	if (vid_if_guard < 0)
		vid_if_guard = bios && !strncmp(bios, "Bochs", 5);
	else
		vid_if_guard = !!vid_if_guard;
}

/* Does a new vCPU get the IF guard? (vid on) */
bool vmx_vid_guarded(void)
{
	return vid_if_guard;
}

/**
 * vmx_vid_guard() - the IF guard: the CPU may hold a virtual
 * interrupt as pending (recognized, SDM 30.2.1) only while the guest can
 * take it.
 * @vcpu: the vCPU (vid), VMCS loaded, right before the entry.
 * @rvi: RVI at the entry.
 * @svi: SVI at the entry.
 *
 * Architecturally a pending virtual interrupt waits for RFLAGS.IF. Bochs
 * (2.7, and its sources since) delivers it when a host interrupt arrives
 * instead, IF or not: its InterruptAcknowledge() serves the external
 * interrupt that VM-exits by delivering the pending virtual interrupt. A
 * Linux guest then took its serial interrupt inside the console writer's
 * spin_lock_irqsave() of the port lock, on the same CPU: a handler that
 * spins for ever on a lock its own CPU holds (the rare linux-smp hang).
 * No virtual interrupt is pending with IF=0 when
 * - at an entry with IF=0, a vector above PPR (RVI's class above the TPR's
 *   and SVI's) waits behind interrupt-window exiting, which keeps the CPU
 *   from recognizing it (SDM 30.2.1): the window's exit comes when the
 *   guest sets IF, and the entry after it lets the CPU deliver;
 * - in a stay, the EOI that would make a requested vector pending exits
 *   (trap-like) to the entry that decides it: the EOI-exit bitmap holds
 *   every vector requested or in service when a vector is requested and
 *   another is in service or requested too (the guest may end one while
 *   IF=0 and take the next; one vector alone needs nothing, the hot path
 *   of a timer or device interrupt);
 * - SELF IPIs exit (vmx_x2apic_writes). A TPR the guest lowers itself
 *   while IF=0 (CR8, x2APIC TPR) is not guarded: that is the guest's
 *   own doing, Linux never does it, and it can hurt only the guest.
 * It costs an exit where the guest sets IF with a vector waiting (in
 * hvbench's timer, GSI and IPI rows, whose guests raise the interrupt
 * with IF=0: about 860 cycles each on Bochs), one per guarded EOI and one
 * per SELF IPI. Hardware needs none of it (parameter vid_if_guard).
 *
 * Return: true when the entry must not inject anything else (the window
 * is armed for the APIC).
 */
static bool vmx_vid_guard(struct hv_vcpu *vcpu, u8 rvi, u8 svi)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	struct hv_lapic *a = &arch->lapic;

	if (!rvi || !arch->vid_guard) {
		vmx_vid_eoi_exits(vcpu, false);
		return false;
	}
	vmx_vid_eoi_exits(vcpu, svi || vmx_vid_irr_several(a, rvi));
	/* recognized: RVI's class above VPPR's, SDM 30.2.1 */
	if ((rvi >> 4) <= max_t(u8, hv_lapic_get_cr8(a), svi >> 4) ||
	    (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF))
		return false;
	if (!arch->irq_window_armed)
		vmx_set_irq_window(vcpu, true);
	return true;
}

/**
 * vmx_vid_sync() - the guest interrupt status, before an entry.
 * @vcpu: the vCPU (vid), VMCS loaded.
 *
 * The x2APIC MSRs that go through in the APIC's mode; RVI/SVI from the
 * page (SDM 30.2.1: RVI the highest IRR vector, SVI the highest ISR
 * vector, 0 for none) when lapic.c changed IRR or ISR since the last
 * entry, else the status the CPU saved at the exit, which is the page's
 * already; then the IF guard with the EOI-exit bitmap. VM entry does PPR
 * virtualization and evaluates the pending virtual interrupt (SDM
 * 27.3.2.5), also after an event it injects.
 *
 * Return: as vmx_vid_guard().
 */
bool vmx_vid_sync(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	struct hv_lapic *a = &arch->lapic;
	int irr, isr;
	u16 status;

	if (arch->x2apic_msrs != a->x2apic)
		vmx_vid_x2apic_msrs(vcpu, a->x2apic);
	if (a->vregs_changed) {
		a->vregs_changed = false;
		irr = hv_lapic_highest_irr(a);
		isr = max(hv_lapic_highest_isr(a), 0);
		status = (isr << 8) | max(irr, 0);
		vmcs_write16(GUEST_INTR_STATUS, status);
	} else {
		status = vmcs_read16(GUEST_INTR_STATUS);
	}
	arch->vid_entry_svi = status >> 8;
	/* rare: an exit came before the guest's EOI (the undo's rule) */
	if (unlikely(arch->vid_entry_svi)) {
		hv_lapic_get_vectors(a, APIC_ISR, arch->vid_entry_isr);
		hv_lapic_get_vectors(a, APIC_IRR, arch->vid_entry_irr);
	}
	return vmx_vid_guard(vcpu, status & 0xff, status >> 8);
}

/**
 * vmx_vid_undo_delivery() - did the exit interrupt the delivery of a
 * virtual interrupt (an EPT violation on the guest's IDT, GDT or stack)?
 * Then give the vector back to IRR, so that the CPU delivers it again.
 * @vcpu: the vCPU (vid), VMCS loaded, the exit's IDT-vectoring information
 * valid.
 *
 * The CPU had moved the vector from IRR to ISR and made it SVI before
 * the delivery (SDM 30.2.2), and the guest has seen nothing of it: undoing
 * that is the same to the guest as delivering it again by event injection
 * (KVM's way), and needs nothing from the IDT-vectoring information.
 * That matters in Bochs: its virtual-interrupt delivery does not record
 * the event there, so such an exit reports the last event the CPU
 * delivered before (vector 0 after a reset, a #GP, ...), and re-injecting
 * that gave the guest the wrong event and left the real vector in ISR for
 * ever: the hang of the first VID attempt (Documentation/x86.rst).
 *
 * A virtual interrupt was being delivered when SVI's vector was delivered
 * in this stay: while the guest runs, only a delivery puts a vector in
 * ISR, and the one delivered is above all others in service (its
 * priority passed PPR), so it is SVI. It was delivered in this stay when
 * it was not in service at the entry (SVI above its value at the entry
 * says so at once; SVI below it, the guest having ended the vector in
 * service at the entry and then taken a lower one, needs the entry's
 * ISR), or when it was in service and requested at the entry and is not
 * requested any more: the guest ended it and the CPU delivered the
 * request (the entry's IRR tells it). The entry's ISR and IRR are kept
 * only when SVI was not 0 then. This holds whatever the entry injected:
 * an event cut at the entry leaves SVI, ISR and IRR as they were, and
 * for one the guest took before the cut delivery Bochs reports the
 * injected event. Re-injecting the reported event in these cases gave
 * Bochs' stale event and left the vector in service for ever, holding
 * back every vector of its class and below (hv_x86_apic_test's
 * vid_delivery_cut_after_eoi_of_higher_vector,
 * vid_delivery_cut_of_vector_in_service_and_requested and
 * vid_delivery_cut_in_stay_of_injected_event).
 * Misread: a vector in service at the entry, not requested, ended and
 * requested again by the guest's own SELF IPI (virtualized, no exit) and
 * its delivery cut, all in one stay (the reported event is re-injected:
 * on hardware that vector, which is right). Taken for a delivery by
 * mistake: the handler of a vector delivered in the same stay raises an
 * exception whose delivery faults on EPT; the vector is then delivered
 * twice, and the exception, a fault, comes again when the instruction
 * runs again.
 *
 * Return: true when undone; false to re-inject the reported event.
 */
bool vmx_vid_undo_delivery(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	u8 svi = vmcs_read16(GUEST_INTR_STATUS) >> 8;
	u32 irr[8], bit = BIT(svi % 32);

	if (svi < 16)
		return false;
	if (svi <= arch->vid_entry_svi &&
	    (arch->vid_entry_isr[svi / 32] & bit)) {
		/* in service at the entry: was it requested then, not now? */
		hv_lapic_get_vectors(&arch->lapic, APIC_IRR, irr);
		if (!(arch->vid_entry_irr[svi / 32] & bit) ||
		    (irr[svi / 32] & bit))
			return false;
	}
	hv_lapic_unack(&arch->lapic, svi);
	return true;
}

/* EOI-induced exit (trap-like): the CPU ended a level-triggered vector. */
int vmx_vid_eoi_induced(struct hv_vcpu *vcpu)
{
	hv_lapic_eoi_vector(&vcpu->arch.lapic,
			    vcpu->arch.exit.qualification & 0xff);
	return 1;
}
