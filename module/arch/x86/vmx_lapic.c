// SPDX-License-Identifier: GPL-2.0
/*
 * The VT-x side of the in-kernel interrupt controller (HV_VM_IRQCHIP): it
 * connects the software models of lapic.c and ioapic.c to VM exits
 * (APIC and IOAPIC MMIO, x2APIC MSRs, HLT), to event injection, and to
 * the vCPU's run states (halted, waiting for SIPI).
 *
 * Without virtual-interrupt delivery hv injects the APIC's highest
 * deliverable vector (SDM Vol. 3C, 27.6 "Event Injection"), or asks for
 * the interrupt window. With APIC virtualization (module parameter apicv,
 * on when the CPU has the TPR shadow: SDM Vol. 3C, chapter 30 "APIC
 * Virtualization and Virtual Interrupts"), lapic.c's register page is the
 * virtual-APIC page, so MOV to and from CR8 reach the APIC's TPR without
 * an exit; the TPR threshold makes the guest exit when it lowers CR8 below
 * a pending interrupt's class.
 *
 * With virtual-interrupt delivery as well (parameter vid, when the CPU
 * has it and the x2APIC and APIC-register virtualization that go with it:
 * SDM 30.1, 30.2, 30.5) the CPU takes interrupts from the page itself;
 * vmx_vid.c keeps RVI/SVI, the EOI-exit bitmap and the IF guard (Bochs
 * only), and undoes a delivery an exit cut.
 */
#include <linux/gcd.h>
#include <linux/moduleparam.h>
#include <asm/apicdef.h>
#include <asm/irq_vectors.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include <asm/vmx.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "hv_ioctl.h"
#include "lapic.h"
#include "vmx.h"
#include "vmx_ops.h"

/* the uapi structs are fixed-size (Documentation/api.rst) */
static_assert(sizeof(struct hv_lapic_state) == 384);
static_assert(sizeof(struct hv_ioapic_state) == 272);

/*
 * apicv=0 forces the software path. Read at load time; cleared when the
 * CPU lacks what hv uses, so that the parameter tells which path runs.
 */
static bool apicv = true;
module_param(apicv, bool, 0444);
/* NMI-window exiting (needs virtual NMIs, which hv requires) */
static bool vmx_nmi_window;
MODULE_PARM_DESC(apicv, "APIC virtualization (the TPR shadow) when the CPU has it; 0: software path");
/* virtual-interrupt delivery; cleared like apicv */
static bool vid = true;
module_param(vid, bool, 0444);
MODULE_PARM_DESC(vid, "with apicv: virtual-interrupt delivery and x2APIC virtualization when the CPU has them; 0: TPR shadow only");

#define VMX_VID_SECONDARY	(SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE | \
				 SECONDARY_EXEC_APIC_REGISTER_VIRT | \
				 SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY)

/**
 * vmx_lapic_probe() - may hv use APICv? Turns the parameter off if not.
 * @true_ctls: IA32_VMX_BASIC says the TRUE_* capability MSRs exist.
 */
void vmx_lapic_probe(bool true_ctls)
{
	u64 pri, sec;

	rdmsrl(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
	       MSR_IA32_VMX_PROCBASED_CTLS, pri);
	vmx_nmi_window = (pri >> 32) & CPU_BASED_NMI_WINDOW_EXITING;
	/* may be 1 (high half) / may be 0 (low half clear): SDM A.3 */
	if (!((pri >> 32) & CPU_BASED_TPR_SHADOW) ||
	    (pri & (CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING)))
		apicv = false;
	/*
	 * Virtual-interrupt delivery needs external-interrupt exiting (hv
	 * always has it) and the TPR shadow (SDM 26.2.1.1); hv uses it with
	 * the MSR bitmap and x2APIC virtualization only, never with the
	 * APIC-access page.
	 */
	rdmsrl(MSR_IA32_VMX_PROCBASED_CTLS2, sec);
	if (!apicv || !((pri >> 32) & CPU_BASED_USE_MSR_BITMAPS) ||
	    ((sec >> 32) & VMX_VID_SECONDARY) != VMX_VID_SECONDARY)
		vid = false;
	vmx_apic_access_probe(sec, vid);
	vmx_vid_probe();
}

/**
 * vmx_lapic_vcpu_init() - a new irqchip vCPU's MSR bitmap (vid only).
 * @vcpu: the vCPU.
 *
 * Return: 0 or -ENOMEM.
 */
int vmx_lapic_vcpu_init(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;

	arch->apicv = apicv;
	arch->vid = vid;
	arch->vid_guard = vid && vmx_vid_guarded();
	if (!vid)
		return 0;
	arch->msr_bitmap = (unsigned long *)__get_free_page(GFP_KERNEL_ACCOUNT);
	if (!arch->msr_bitmap)
		return -ENOMEM;
	memset(arch->msr_bitmap, 0xff, PAGE_SIZE);
	return 0;
}

void vmx_lapic_vcpu_destroy(struct hv_vcpu *vcpu)
{
	free_page((unsigned long)vcpu->arch.msr_bitmap);
	vcpu->arch.msr_bitmap = NULL;
}

/**
 * vmx_lapic_vmcs_setup() - a new vCPU's APICv controls.
 * @vcpu: the vCPU of an irqchip VM, VMCS loaded, APIC initialised.
 *
 * The TPR shadow replaces the CR8 exits: CR8 reads and writes go to the
 * virtual-APIC page's TPR (SDM 30.3), which is lapic.c's TPR.
 */
void vmx_lapic_vmcs_setup(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	int i;

	if (!arch->apicv)
		return;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     (vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) |
		      CPU_BASED_TPR_SHADOW) &
		     ~(CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING));
	vmcs_write64(VIRTUAL_APIC_PAGE_ADDR, __pa(arch->lapic.reg));
	vmcs_write32(TPR_THRESHOLD, 0);
	if (!arch->vid)
		return;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) |
		     CPU_BASED_USE_MSR_BITMAPS);
	vmcs_write64(MSR_BITMAP, __pa(arch->msr_bitmap));
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL,
		     vmcs_read32(SECONDARY_VM_EXEC_CONTROL) | VMX_VID_SECONDARY);
	for (i = 0; i < 4; i++) {
		arch->eoi_exit[i] = 0;
		arch->eoi_tmr[i] = 0;
		vmcs_write64(EOI_EXIT_BITMAP0 + 2 * i, 0);
	}
	arch->eoi_guard = false;
	vmcs_write16(GUEST_INTR_STATUS, 0);
	vmx_apic_access_vmcs_setup(vcpu);
}

struct hv_ioapic *hv_x86_vm_ioapic(struct hv_vm *vm)
{
	return vm->arch.ioapic;
}

struct hv_lapic *hv_x86_vcpu_lapic(struct hv_vcpu *vcpu)
{
	return &vcpu->arch.lapic;
}

/**
 * vmx_set_tsc_offset() - the guest's TSC is the host's plus @offset.
 * @vcpu: the vCPU, VMCS loaded.
 * @offset: the new offset; the APIC keeps a copy for its TSC deadline.
 */
void vmx_set_tsc_offset(struct hv_vcpu *vcpu, u64 offset)
{
	vmcs_write64(TSC_OFFSET, offset);
	hv_lapic_set_tsc_offset(&vcpu->arch.lapic, offset);
}

/* The guest's TSC now (VMCS loaded). */
static u64 vmx_guest_tsc(void)
{
	return rdtsc() + vmcs_read64(TSC_OFFSET);
}

/* The VMM's lines are the IOAPIC's pins. */
bool hv_arch_irq_line_valid(struct hv_vm *vm, u32 irq)
{
	return irq < HV_IOAPIC_PINS;
}

int hv_arch_vm_nmi(struct hv_vm *vm)
{
	hv_apic_nmi_line(vm);
	return 0;
}

int hv_arch_irq_line(struct hv_vm *vm, u32 irq, bool level)
{
	return hv_ioapic_set_line(vm->arch.ioapic, irq, level);
}

/*
 * An irqfd's signal from its eventfd's wake-up: the IOAPIC's lock is
 * always taken with interrupts off, and the delivery to the local APICs
 * only sets bits and kicks, which any context may do.
 */
int hv_arch_irq_inatomic(struct hv_vm *vm, u32 irq, bool pulse)
{
	int err = hv_ioapic_set_line(vm->arch.ioapic, irq, true);

	if (!err && pulse)
		err = hv_ioapic_set_line(vm->arch.ioapic, irq, false);
	return err;
}

bool hv_arch_vcpu_has_interrupt(struct hv_vcpu *vcpu)
{
	struct hv_lapic *a = &vcpu->arch.lapic;

	hv_lapic_sync(a);
	return hv_lapic_runnable(a);
}

/**
 * vmx_lapic_prepare() - before an entry, where sleeping is allowed: a
 * halted vCPU, or one waiting for SIPI, sleeps until it has work.
 * @vcpu: the vCPU of an irqchip VM.
 *
 * Return: as hv_arch_vcpu_prepare().
 */
int vmx_lapic_prepare(struct hv_vcpu *vcpu)
{
	if (hv_arch_vcpu_has_interrupt(vcpu))
		return 1;
	return hv_vcpu_halt(vcpu);
}

/* INIT: the vCPU's INIT state (SDM Vol. 3A, Table 10-1, column INIT). */
static void vmx_lapic_do_init(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	struct hv_lapic *a = &arch->lapic;

	memset(arch->gpr, 0, sizeof(arch->gpr));
	vmx_setup_guest_reset_state(vcpu);
	arch->cr2 = 0;
	arch->pending = VMX_PENDING_NONE;
	arch->irq_pending = false;
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	if (arch->irq_window_armed)
		vmx_set_irq_window(vcpu, false);
	vmx_lapic_nmi_window(vcpu, false);
	hv_lapic_reset(a, true);
	a->init_pending = false;
	/* the BSP starts at the reset vector, the others wait for SIPI */
	a->mp_state = (a->base & HV_APIC_BASE_BSP) ? HV_MP_STATE_RUNNABLE :
						     HV_MP_STATE_WAIT_SIPI;
}

/* SIPI: real mode at CS = vector << 8, IP 0 (SDM Vol. 3A, 9.4.4.1). */
static void vmx_lapic_do_sipi(struct hv_vcpu *vcpu)
{
	struct hv_lapic *a = &vcpu->arch.lapic;

	vmcs_write16(GUEST_CS_SELECTOR, a->sipi_vector << 8);
	vmcs_writel(GUEST_CS_BASE, (u32)a->sipi_vector << 12);
	vmcs_write32(GUEST_CS_LIMIT, 0xffff);
	vmcs_write32(GUEST_CS_AR_BYTES, 0x9b);
	vmcs_writel(GUEST_RIP, 0);
	a->sipi_pending = false;
	a->mp_state = HV_MP_STATE_RUNNABLE;
}

/**
 * vmx_lapic_events() - act on INIT and SIPI, leave HLT when woken.
 * @vcpu: the vCPU, VMCS loaded.
 *
 * Return: true when the vCPU may enter the guest.
 */
bool vmx_lapic_events(struct hv_vcpu *vcpu)
{
	struct hv_lapic *a = &vcpu->arch.lapic;

	hv_lapic_sync(a);
	if (a->init_pending)
		vmx_lapic_do_init(vcpu);
	if (a->mp_state == HV_MP_STATE_WAIT_SIPI && a->sipi_pending)
		vmx_lapic_do_sipi(vcpu);
	if (a->mp_state == HV_MP_STATE_HALTED && hv_lapic_runnable(a))
		a->mp_state = HV_MP_STATE_RUNNABLE;
	return a->mp_state == HV_MP_STATE_RUNNABLE;
}

/* HLT with the interrupt controller: sleep in hv_vcpu_halt(). */
int vmx_lapic_hlt(struct hv_vcpu *vcpu)
{
	struct hv_lapic *a = &vcpu->arch.lapic;

	a->halt_if = vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF;
	a->mp_state = HV_MP_STATE_HALTED;
	hv_lapic_sync(a);
	if (hv_lapic_runnable(a)) {
		a->mp_state = HV_MP_STATE_RUNNABLE;
		return 1;
	}
	return -EAGAIN;
}

/*
 * NMI-window exiting: the guest exits as soon as it can take an NMI (no
 * virtual-NMI blocking, no STI or MOV-SS shadow: SDM Vol. 3C, 26.7.6),
 * for an NMI that came while it handled another one.
 */
void vmx_lapic_nmi_window(struct hv_vcpu *vcpu, bool on)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;

	if (arch->nmi_window_armed == on)
		return;
	arch->nmi_window_armed = on;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     on ? vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) |
			  CPU_BASED_NMI_WINDOW_EXITING :
			  vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) &
			  ~CPU_BASED_NMI_WINDOW_EXITING);
}

/*
 * TPR shadow: a guest's MOV to CR8 that drops VTPR[7:4] below the TPR
 * threshold exits (trap-like, SDM 30.1.2), so the threshold is the class
 * of the interrupt the TPR holds back, 0 when none (hv_lapic_pending()).
 * VM entry requires it not above VTPR[7:4] (SDM 26.2.1.1), which such a
 * class never is.
 */
static void vmx_lapic_tpr_threshold(struct hv_vcpu *vcpu, u8 th)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;

	if (th != arch->tpr_threshold) {
		arch->tpr_threshold = th;
		vmcs_write32(TPR_THRESHOLD, th);
	}
}

/**
 * vmx_lapic_inject() - before an entry: inject an NMI or the APIC's
 * highest deliverable vector, or ask for the interrupt window.
 * @vcpu: the vCPU, VMCS loaded.
 *
 * An NMI blocked by a previous one (or by the STI/MOV-SS shadow) goes in
 * at the NMI-window exit that follows the blocking's end; on a CPU
 * without NMI-window exiting, at a later exit (at most VMX_MAX_STAY_MS
 * away).
 *
 * Return: -EAGAIN when an INIT must be handled first (outside the inner
 * loop); 1 when an event went in or the window is armed for the APIC; 0
 * when the APIC has nothing (HV_INJECT_EVENT's interrupt may go).
 */
int vmx_lapic_inject(struct hv_vcpu *vcpu)
{
	struct hv_lapic *a = &vcpu->arch.lapic;
	bool held = false;
	u32 block;
	u8 th;
	int v;

	hv_lapic_sync(a);
	if (a->init_pending)
		return -EAGAIN;
	if (vcpu->arch.vid) {
		vmx_apic_access_sync(vcpu);
		held = vmx_vid_sync(vcpu);
		/* the CPU delivers the APIC's vectors: NMIs only here */
		v = -1;
	} else {
		v = hv_lapic_pending(a, &th);
		if (vcpu->arch.apicv)
			vmx_lapic_tpr_threshold(vcpu, th);
	}
	if (vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK)
		return 1;
	if (!a->nmi_pending && v < 0)
		return held;
	block = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	if (a->nmi_pending) {
		if (!(block & (GUEST_INTR_STATE_NMI | GUEST_INTR_STATE_STI |
			       GUEST_INTR_STATE_MOV_SS))) {
			vmx_lapic_nmi_window(vcpu, false);
			vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, NMI_VECTOR |
				     INTR_TYPE_NMI_INTR | INTR_INFO_VALID_MASK);
			a->nmi_pending = false;
			return 1;
		}
		if (vmx_nmi_window)
			vmx_lapic_nmi_window(vcpu, true);
	}
	if (v < 0)
		return held;
	if ((vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) &&
	    !(block & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))) {
		hv_lapic_ack(a, v);
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, v | INTR_TYPE_EXT_INTR |
			     INTR_INFO_VALID_MASK);
		return 1;
	}
	if (!vcpu->arch.irq_window_armed)
		vmx_set_irq_window(vcpu, true);
	return 1;
}

/*
 * APIC or IOAPIC MMIO, emulated in the kernel: 4-byte aligned 32-bit
 * accesses reach the registers; other sizes read 0 and write nothing (the
 * APIC's registers are 32 bits wide, SDM 11.4.1). From an EPT violation,
 * or an APIC-access exit (vmx_apic_access.c).
 */
int vmx_lapic_mmio_access(struct hv_vcpu *vcpu, u64 gpa, bool ioapic)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	struct hv_mmio_insn *insn = &arch->mmio_insn;
	u32 off = gpa & 0xfff, val = 0;
	bool ok;

	if (vmx_mmio_decode(vcpu))
		return vmx_exit_internal(vcpu, HV_INTERNAL_EMULATION);
	ok = insn->access_size == 4 && !(off & 3);
	if (insn->is_write) {
		val = hv_insn_mmio_write_value(insn, arch->gpr);
		if (ok && ioapic)
			hv_ioapic_mmio_write(vcpu->vm->arch.ioapic, off, val);
		else if (ok)
			hv_lapic_mmio_write(&arch->lapic, off, val);
	} else {
		if (ok && ioapic)
			hv_ioapic_mmio_read(vcpu->vm->arch.ioapic, off, &val);
		else if (ok)
			hv_lapic_mmio_read(&arch->lapic, off, &val);
		hv_insn_mmio_complete_read(insn, arch->gpr, val);
		vmcs_writel(GUEST_RSP, arch->gpr[HV_X86_RSP]);
	}
	arch->exit.instr_len = insn->len;
	vmx_skip_instruction(vcpu);
	return 1;
}

/**
 * vmx_lapic_mmio() - an EPT violation at @gpa: the APIC page or IOAPIC?
 * @vcpu: the vCPU of an irqchip VM.
 * @gpa: the address.
 *
 * The APIC page hides RAM at its address, as on hardware, as long as hv
 * has not mapped that RAM into the EPT yet (move the page before the
 * guest touches RAM there).
 *
 * Return: -ENOENT when @gpa is neither; otherwise as an exit handler.
 */
int vmx_lapic_mmio(struct hv_vcpu *vcpu, u64 gpa)
{
	if (hv_lapic_mmio_page(&vcpu->arch.lapic, gpa))
		return vmx_lapic_mmio_access(vcpu, gpa, false);
	if (hv_ioapic_mmio_page(gpa))
		return vmx_lapic_mmio_access(vcpu, gpa, true);
	return -ENOENT;
}

/**
 * vmx_lapic_get_msr() - the MSRs of the interrupt controller.
 * @vcpu: the vCPU of an irqchip VM, VMCS loaded.
 * @index: the MSR.
 * @val: the value read.
 *
 * Return: 0; -EINVAL (#GP); -ENOENT when @index is not one of them.
 */
int vmx_lapic_get_msr(struct hv_vcpu *vcpu, u32 index, u64 *val)
{
	struct hv_lapic *a = &vcpu->arch.lapic;

	if (index == MSR_IA32_APICBASE) {
		*val = a->base;
		return 0;
	}
	if (index == MSR_IA32_TSC_DEADLINE) {
		*val = hv_lapic_get_tsc_deadline(a);
		return 0;
	}
	if (index >= HV_X2APIC_MSR_FIRST && index <= HV_X2APIC_MSR_LAST) {
		hv_lapic_sync(a);
		return hv_lapic_msr_read(a, index, val);
	}
	return -ENOENT;
}

int vmx_lapic_set_msr(struct hv_vcpu *vcpu, u32 index, u64 val)
{
	struct hv_lapic *a = &vcpu->arch.lapic;

	if (index == MSR_IA32_APICBASE)
		return hv_lapic_set_base(a, val, false);
	if (index == MSR_IA32_TSC_DEADLINE) {
		/* an expiry of the old deadline is the old deadline's */
		hv_lapic_sync(a);
		hv_lapic_set_tsc_deadline(a, val, vmx_guest_tsc(), tsc_khz);
		return 0;
	}
	if (index >= HV_X2APIC_MSR_FIRST && index <= HV_X2APIC_MSR_LAST) {
		hv_lapic_sync(a);
		return hv_lapic_msr_write(a, index, val);
	}
	return -ENOENT;
}

/*
 * CPUID of an irqchip VM without a table from the VMM: the APIC, x2APIC,
 * TSC-deadline and ARAT exist, the topology leaf gives each vCPU its
 * x2APIC ID, and leaves 0x15/0x16 give the TSC's rate so that Linux needs
 * no PIT to calibrate it. The "crystal" of leaf 0x15 is the APIC timer's
 * 1 GHz clock (lapic.h), which Linux then takes as the APIC timer's rate.
 */
void vmx_lapic_cpuid(struct hv_vcpu *vcpu, u32 function, u32 index,
		     u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	unsigned long num, den, g;

	switch (function) {
	case 0:
		*eax = max_t(u32, *eax, 0x16);
		break;
	case 1:
		*ecx |= BIT(21) | BIT(24);	/* x2APIC, TSC-deadline */
		*edx |= BIT(9);			/* APIC */
		break;
	case 6:
		*eax |= BIT(2);			/* ARAT */
		break;
	case 0xb:
		/* level 0: SMT, one thread; level 1: core, up to 2^8 */
		*eax = index == 1 ? 8 : 0;
		*ebx = index == 0 ? 1 : index == 1 ? vcpu->vm->max_vcpus : 0;
		*ecx = (index & 0xff) | (index < 2 ? (index + 1) << 8 : 0);
		*edx = vcpu->id;
		break;
	case 0x15:
		/* TSC = 1 GHz * ebx / eax, reduced to small terms */
		num = tsc_khz;
		den = 1000000;
		g = gcd(num, den);
		num /= g;
		den /= g;
		while (num > 0xffff || den > 0xffff) {
			num >>= 1;
			den >>= 1;
		}
		*eax = den ?: 1;
		*ebx = num;
		*ecx = num ? 1000000000 : 0;
		*edx = 0;
		break;
	case 0x16:
		*eax = tsc_khz / 1000;		/* base MHz */
		*ebx = tsc_khz / 1000;		/* maximum MHz */
		*ecx = 1000;			/* bus (APIC timer) MHz */
		*edx = 0;
		break;
	}
}

/* HV_GET_LAPIC */
long vmx_ioctl_get_lapic(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;

	if (!vcpu->vm->irqchip)
		return -ENXIO;
	hv_lapic_get_state(&vcpu->arch.lapic, arg);
	return 0;
}

/* HV_SET_LAPIC */
long vmx_ioctl_set_lapic(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	long ret;

	if (!vcpu->vm->irqchip)
		return -ENXIO;
	preempt_disable();
	vmx_vcpu_load(vcpu);
	ret = hv_lapic_set_state(&vcpu->arch.lapic, arg, vmx_guest_tsc(),
				 tsc_khz);
	preempt_enable();
	return ret;
}

/* HV_GET_IOAPIC (VM fd) */
long vmx_ioctl_get_ioapic(struct file *filp, void *arg)
{
	struct hv_vm *vm = filp->private_data;

	if (!vm->irqchip)
		return -ENXIO;
	hv_ioapic_get_state(vm->arch.ioapic, arg);
	return 0;
}

/* HV_SET_IOAPIC (VM fd) */
long vmx_ioctl_set_ioapic(struct file *filp, void *arg)
{
	struct hv_vm *vm = filp->private_data;

	if (!vm->irqchip)
		return -ENXIO;
	return hv_ioapic_set_state(vm->arch.ioapic, arg);
}
