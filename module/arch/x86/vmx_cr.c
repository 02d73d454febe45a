// SPDX-License-Identifier: GPL-2.0
/*
 * Control and debug registers (XCR0 is in vmx_xstate.c).
 *
 * VMX forces some CR0/CR4 bits (IA32_VMX_CR0/CR4_FIXED0/1): those bits, and
 * CR0.PG, are owned by hv through the guest/host masks, so a guest write
 * to them exits here and the guest reads its own value from the shadows
 * (SDM Vol. 3C, 26.3 "Changes to Instruction Behavior in VMX Non-Root
 * Operation"). Unrestricted guest lets CR0.PE and CR0.PG be 0.
 */
#include <linux/types.h>
#include <asm/fpu/xcr.h>
#include <asm/vmx.h>

#include "hv_core.h"
#include "vmx.h"
#include "vmx_ops.h"

#define CR_NUM(q)	((q) & 15)
#define CR_TYPE(q)	(((q) >> 4) & 3)
#define CR_GPR(q)	(((q) >> 8) & 15)
#define CR_LMSW(q)	(((q) >> 16) & 0xffff)
#define CR_MOV_TO	0
#define CR_MOV_FROM	1
#define CR_CLTS		2
#define CR_LMSW_OP	3

#define EFER_GUEST_BITS	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

/*
 * CR0.CD and CR0.NW are hv's too: the guest reads and writes them in the
 * read shadow, the CPU's CR0 never has them, so a guest cannot turn the
 * cache of a host CPU off. Guest RAM stays write-back whatever the guest
 * sets (the EPT memory type ignores PAT, ept.c), as KVM does with EPT and
 * no non-coherent DMA.
 */
#define CR0_SHADOWED	(X86_CR0_CD | X86_CR0_NW)

unsigned long vmx_cr0_host_owned(void)
{
	u64 fixed = vmx_config.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);

	return fixed | (u32)~vmx_config.cr0_fixed1 | X86_CR0_PG | CR0_SHADOWED;
}

/*
 * CR4 bits hv owns: the fixed ones, and the ones vmx_cr4_valid() refuses
 * which the CPU would otherwise let the guest set without an exit. PKE
 * would give the guest WRPKRU, and the PKRU register it writes is the
 * VMM's (hv neither offers protection keys nor switches PKRU).
 */
unsigned long vmx_cr4_host_owned(void)
{
	return vmx_config.cr4_fixed0 | (u32)~vmx_config.cr4_fixed1 |
	       X86_CR4_PKE | X86_CR4_SMXE;
}

/*
 * The CR0/CR4 the guest sees: the bits hv owns come from the read shadow,
 * the others from the register, which the guest changes without exiting.
 */
unsigned long vmx_get_cr0(void)
{
	unsigned long mask = vmx_cr0_host_owned();

	return (vmcs_readl(GUEST_CR0) & ~mask) |
	       (vmcs_readl(CR0_READ_SHADOW) & mask);
}

unsigned long vmx_get_cr4(void)
{
	unsigned long mask = vmx_cr4_host_owned();

	return (vmcs_readl(GUEST_CR4) & ~mask) |
	       (vmcs_readl(CR4_READ_SHADOW) & mask);
}

/* PAE paging outside long mode reads its PDPTEs from the VMCS at entry. */
static void vmx_load_pdptrs(struct hv_vcpu *vcpu)
{
	u64 pdpte[4] = { 0 };
	int i;

	hv_mem_read_atomic(vcpu->vm, vmcs_readl(GUEST_CR3) & ~0x1fUL, pdpte,
			   sizeof(pdpte));
	for (i = 0; i < 4; i++)
		vmcs_write64(GUEST_PDPTR0 + 2 * i, pdpte[i]);
}

static bool vmx_pae_paging(void)
{
	return (vmcs_readl(GUEST_CR0) & X86_CR0_PG) &&
	       (vmcs_readl(GUEST_CR4) & X86_CR4_PAE) &&
	       !(vmcs_read64(GUEST_IA32_EFER) & EFER_LMA);
}

/* CR0.PG with EFER.LME switches IA-32e mode on (SDM Vol. 3A, 10.8.5). */
static void vmx_update_long_mode(u64 efer, bool paging)
{
	u32 entry = vmcs_read32(VM_ENTRY_CONTROLS);

	if ((efer & EFER_LME) && paging) {
		efer |= EFER_LMA;
		entry |= VM_ENTRY_IA32E_MODE;
	} else {
		efer &= ~EFER_LMA;
		entry &= ~VM_ENTRY_IA32E_MODE;
	}
	vmcs_write64(GUEST_IA32_EFER, efer);
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
}

/**
 * vmx_set_cr0() - set the guest's CR0 as the guest sees it.
 * @vcpu: the vCPU, VMCS loaded.
 * @cr0: the value; the caller has checked it.
 */
void vmx_set_cr0(struct hv_vcpu *vcpu, unsigned long cr0)
{
	u64 forced = vmx_config.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);

	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, (cr0 | forced) & vmx_config.cr0_fixed1 &
		    ~CR0_SHADOWED);
	vmx_update_long_mode(vmcs_read64(GUEST_IA32_EFER), cr0 & X86_CR0_PG);
	if (vmx_pae_paging())
		vmx_load_pdptrs(vcpu);
}

void vmx_set_cr4(struct hv_vcpu *vcpu, unsigned long cr4)
{
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(GUEST_CR4, cr4 | vmx_config.cr4_fixed0);
	if (vmx_pae_paging())
		vmx_load_pdptrs(vcpu);
}

void vmx_set_efer(struct hv_vcpu *vcpu, u64 efer)
{
	vmx_update_long_mode(efer, vmcs_readl(GUEST_CR0) & X86_CR0_PG);
}

/* The values a guest may load (SDM Vol. 3A, 2.5 "Control Registers"). */
bool vmx_cr0_valid(unsigned long cr0)
{
	if (cr0 >> 32 || ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE)) ||
	    ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD)))
		return false;
	/* no 64-bit code without paging, no paging change under LMA rules */
	return true;
}

bool vmx_cr4_valid(unsigned long cr4)
{
	unsigned long allowed = vmx_config.cr4_fixed1 & ~(u64)X86_CR4_VMXE &
				~(u64)X86_CR4_SMXE & ~(u64)X86_CR4_PKE;

	return !(cr4 & ~allowed);
}

static unsigned long *vmx_gpr(struct hv_vcpu *vcpu, unsigned int n)
{
	if (n == HV_X86_RSP)
		vcpu->arch.gpr[HV_X86_RSP] = vmcs_readl(GUEST_RSP);
	return (unsigned long *)&vcpu->arch.gpr[n];
}

static int vmx_mov_to_cr(struct hv_vcpu *vcpu, unsigned int cr,
			 unsigned long val)
{
	switch (cr) {
	case 0:
		if (!vmx_cr0_valid(val) ||
		    ((val & X86_CR0_PG) && (vmcs_read64(GUEST_IA32_EFER) &
		      EFER_LME) && !(vmx_get_cr4() & X86_CR4_PAE)))
			return vmx_inject_gp(vcpu);
		vmx_set_cr0(vcpu, val);
		break;
	case 3:
		vmcs_writel(GUEST_CR3, val);
		if (vmx_pae_paging())
			vmx_load_pdptrs(vcpu);
		break;
	case 4:
		if (!vmx_cr4_valid(val))
			return vmx_inject_gp(vcpu);
		vmx_set_cr4(vcpu, val);
		break;
	case 8:
		/* bits 63:4 are reserved (SDM Vol. 3A, 2.5) */
		if (val & ~15UL)
			return vmx_inject_gp(vcpu);
		if (vcpu->vm->irqchip)
			hv_lapic_set_cr8(&vcpu->arch.lapic, val);
		else
			vcpu->arch.cr8 = val;
		break;
	default:
		return vmx_exit_internal(vcpu, HV_INTERNAL_EXIT_UNHANDLED);
	}
	vmx_skip_instruction(vcpu);
	return 1;
}

static unsigned long vmx_read_cr(struct hv_vcpu *vcpu, unsigned int cr)
{
	switch (cr) {
	case 3:
		return vmcs_readl(GUEST_CR3);
	case 8:
		/* CR8 is TPR[7:4] with the interrupt controller (SDM 11.8.6) */
		if (vcpu->vm->irqchip)
			return hv_lapic_get_cr8(&vcpu->arch.lapic);
		return vcpu->arch.cr8;
	default:
		return 0;
	}
}

int vmx_handle_cr_access(struct hv_vcpu *vcpu)
{
	u64 q = vcpu->arch.exit.qualification;
	unsigned long cr0 = vmx_get_cr0();

	switch (CR_TYPE(q)) {
	case CR_MOV_TO:
		return vmx_mov_to_cr(vcpu, CR_NUM(q),
				     *vmx_gpr(vcpu, CR_GPR(q)));
	case CR_MOV_FROM:
		*vmx_gpr(vcpu, CR_GPR(q)) = vmx_read_cr(vcpu, CR_NUM(q));
		if (CR_GPR(q) == HV_X86_RSP)
			vmcs_writel(GUEST_RSP, vcpu->arch.gpr[HV_X86_RSP]);
		break;
	case CR_CLTS:
		vmx_set_cr0(vcpu, cr0 & ~X86_CR0_TS);
		break;
	case CR_LMSW_OP:
		/* LMSW sets PE, MP, EM, TS and cannot clear PE */
		vmx_set_cr0(vcpu, (cr0 & ~0xeUL) | (CR_LMSW(q) & 0xf));
		break;
	}
	vmx_skip_instruction(vcpu);
	return 1;
}

/*
 * MOV DR exits so the guest cannot program the host's breakpoints. The
 * guest's DR0-3 are remembered but never armed.
 */
int vmx_handle_dr_access(struct hv_vcpu *vcpu)
{
	u64 q = vcpu->arch.exit.qualification;
	unsigned int dr = q & 7, gpr = (q >> 8) & 15;
	bool from_dr = q & BIT(4);
	unsigned long *reg = vmx_gpr(vcpu, gpr);

	if (from_dr) {
		if (dr < 4)
			*reg = vcpu->arch.dr[dr];
		else if (dr == 6 || dr == 4)
			*reg = vcpu->arch.dr6;
		else
			*reg = vmcs_readl(GUEST_DR7);
		if (gpr == HV_X86_RSP)
			vmcs_writel(GUEST_RSP, *reg);
	} else if (dr < 4) {
		vcpu->arch.dr[dr] = *reg;
	} else if (dr == 6 || dr == 4) {
		/* B0-B3, BD, BS, BT; the rest reads as 1 */
		vcpu->arch.dr6 = VMX_DR6_INIT | (*reg & 0xe00f);
	} else if (dr == 7 || dr == 5) {
		/* the breakpoints stay disarmed: keep only the fixed bit */
		vmcs_writel(GUEST_DR7, 0x400);
	}
	vmx_skip_instruction(vcpu);
	return 1;
}
