// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's XCR0: which XSAVE components a guest may enable, and XSETBV.
 *
 * A guest gets exactly the user components whose registers hv switches
 * with the guest's FPU state (fpu_swap_kvm_fpstate() and the kernel's
 * FPU ownership rules, see vmx_run.c): x87, SSE, AVX and AVX-512, as far
 * as the host kernel enabled them. Not offered: PKRU (hv does not give
 * the guest protection keys: CR4.PKE is refused), AMX tiles (XTILEDATA
 * needs XFD and a dynamically sized buffer hv does not manage), MPX (gone
 * from Linux), and every supervisor component (XSAVES is hidden).
 */
#include "hv_core.h"
#include "vmx.h"
#include "vmx_ops.h"

#define VMX_XCR0_SWITCHED	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | \
				 XFEATURE_MASK_YMM | XFEATURE_MASK_AVX512)
#define VMX_XCR0_MPX		(XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR)
#define VMX_XCR0_AMX		(XFEATURE_MASK_XTILE_CFG | \
				 XFEATURE_MASK_XTILE_DATA)

/* The XCR0 bits a guest may set, and CPUID.(0DH,0):EDX:EAX offers. */
u64 vmx_guest_xcr0_supported(void)
{
	return vmx_host_xcr0() & VMX_XCR0_SWITCHED;
}

/*
 * The checks of XSETBV (SDM Vol. 1, 13.3 "Enabling the XSAVE Feature Set
 * and XSAVE-Enabled Features"; Vol. 2D, XSETBV), all of them, so that the
 * host's own XSETBV of the value at the next entry cannot fault.
 */
static bool vmx_xcr0_valid(u64 xcr0)
{
	if (xcr0 & ~vmx_guest_xcr0_supported())
		return false;
	/* x87 state is always on; AVX needs SSE */
	if (!(xcr0 & XFEATURE_MASK_FP) ||
	    ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE)))
		return false;
	/* MPX: BNDREGS and BNDCSR together */
	if ((xcr0 & VMX_XCR0_MPX) && (xcr0 & VMX_XCR0_MPX) != VMX_XCR0_MPX)
		return false;
	/* AVX-512: opmask, ZMM_Hi256 and Hi16_ZMM together, with AVX */
	if ((xcr0 & XFEATURE_MASK_AVX512) &&
	    ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	     !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	/* AMX: XTILECFG and XTILEDATA together */
	if ((xcr0 & VMX_XCR0_AMX) && (xcr0 & VMX_XCR0_AMX) != VMX_XCR0_AMX)
		return false;
	return true;
}

/*
 * XSETBV exits unconditionally; CPL > 0 and CR4.OSXSAVE = 0 fault before
 * the exit (SDM Vol. 3C, 26.1.1), so only the value is left to check. A
 * host kernel without XSAVE offers none (CPUID.1:ECX.XSAVE is clear).
 */
int vmx_handle_xsetbv(struct hv_vcpu *vcpu)
{
	u64 *gpr = vcpu->arch.gpr;
	u64 xcr0 = (gpr[HV_X86_RDX] << 32) | (u32)gpr[HV_X86_RAX];

	if (!boot_cpu_has(X86_FEATURE_OSXSAVE))
		return vmx_inject_ud(vcpu);
	/* only XCR0 is writable (XCR1, XINUSE, is read by XGETBV) */
	if ((u32)gpr[HV_X86_RCX] != XCR_XFEATURE_ENABLED_MASK ||
	    !vmx_xcr0_valid(xcr0))
		return vmx_inject_gp(vcpu);
	vcpu->arch.guest_xcr0 = xcr0;
	vmx_skip_instruction(vcpu);
	return 1;
}
