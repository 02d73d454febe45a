// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID: the guest sees the table its VMM set with HV_SET_CPUID, or, until
 * then, what hv can offer: the host's CPUID without what hv does not
 * virtualize (VMX, monitor/mwait, performance monitoring, TSX, PKU, the
 * speculation-control MSRs, XSAVES, AMX and every XSAVE component hv does
 * not switch, the local APIC), plus a hypervisor leaf.
 * HV_GET_SUPPORTED_CPUID returns that same table.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "hv_ioctl.h"
#include "vmx.h"
#include "vmx_ops.h"

#define HV_CPUID_SIGNATURE	0x40000000
#define HV_CPUID_MAX_BASIC	0xd
#define HV_CPUID_MAX_EXT	0x80000008

struct cpuid_regs4 {
	u32 eax, ebx, ecx, edx;
};

static void vmx_cpuid_leaf1(struct cpuid_regs4 *r)
{
	/* ECX: no MONITOR(3), DS-CPL(4), VMX(5), SMX(6), EST(7), TM2(8),
	 * PDCM(15), x2APIC(21), TSC-deadline(24); hypervisor present(31).
	 */
	r->ecx &= ~(BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) |
		    BIT(15) | BIT(21) | BIT(24) | BIT(27));
	r->ecx |= BIT(31);
	/* EDX: no MCE(7), APIC(9), MCA(14), DS(21), ACPI(22), TM(29), PBE(31) */
	r->edx &= ~(BIT(7) | BIT(9) | BIT(14) | BIT(21) | BIT(22) | BIT(29) |
		    BIT(31));
	r->ebx &= 0xffff;	/* APIC ID and logical count set per vCPU */
	/* XSAVE(26) only when the host kernel uses it (hv switches XCR0) */
	if (!boot_cpu_has(X86_FEATURE_OSXSAVE))
		r->ecx &= ~BIT(26);
}

static void vmx_cpuid_leaf7(u32 index, struct cpuid_regs4 *r)
{
	if (index) {
		*r = (struct cpuid_regs4){ 0 };
		return;
	}
	r->eax = 0;
	/* EBX: no TSC_ADJUST(1), SGX(2), HLE(4), RTM(11), PQM(12), MPX(14),
	 * PQE(15), Intel PT(25).
	 */
	r->ebx &= ~(BIT(1) | BIT(2) | BIT(4) | BIT(11) | BIT(12) | BIT(14) |
		    BIT(15) | BIT(25));
	/* ECX: no PKU(3), OSPKE(4), WAITPKG(5), CET_SS(7), SGX_LC(30): hv
	 * switches neither the CET MSRs (IA32_U_CET, IA32_S_CET, the shadow
	 * stack pointers) nor the CET XSAVE components.
	 */
	r->ecx &= ~(BIT(3) | BIT(4) | BIT(5) | BIT(7) | BIT(30));
	/* EDX: no speculation-control or capability MSRs (26-31), no IBT(20)
	 * (CET, as above), no hybrid(15),
	 * no AMX-BF16(22), AMX-TILE(24), AMX-INT8(25): hv does not switch
	 * the tile state (vmx_xstate.c).
	 */
	r->edx &= ~(GENMASK(31, 26) | BIT(15) | BIT(20) | BIT(22) | BIT(24) |
		    BIT(25));
}

/*
 * The XSAVE area size for the components of @xcr0: the end of the last
 * one (CPUID.(0DH,i):EBX offset + EAX size), at least the legacy area and
 * the header (SDM Vol. 1, 13.4 "XSAVE Area").
 */
static u32 vmx_xsave_size(u64 xcr0)
{
	u32 size = 512 + 64, eax, ebx, ecx, edx;
	int i;

	for (i = 2; i < 63; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
		size = max(size, ebx + eax);
	}
	return size;
}

/* Leaf 0xd: only the components a guest may enable (vmx_xstate.c). */
static void vmx_cpuid_leaf_d(u32 index, struct cpuid_regs4 *r)
{
	u64 xcr0 = vmx_guest_xcr0_supported();

	if (index == 0) {
		r->eax = (u32)xcr0;
		r->edx = xcr0 >> 32;
		r->ecx = vmx_xsave_size(xcr0);
		r->ebx = vmx_xsave_size(XFEATURE_MASK_FPSSE);
	} else if (index == 1) {
		/* no XSAVES, XFD, so no IA32_XSS bits (ECX, EDX) */
		r->eax &= BIT(0) | BIT(1) | BIT(2);
		r->ebx = vmx_xsave_size(xcr0);
		r->ecx = 0;
		r->edx = 0;
	} else if (index >= 63 || !(xcr0 & BIT_ULL(index))) {
		*r = (struct cpuid_regs4){ 0 };
	}
}

/* What hv offers for (@function, @index): the host's, filtered. */
static void vmx_cpuid_supported(u32 function, u32 index, struct cpuid_regs4 *r)
{
	*r = (struct cpuid_regs4){ 0 };
	if (function == HV_CPUID_SIGNATURE) {
		r->eax = HV_CPUID_SIGNATURE;
		memcpy(&r->ebx, "hvhv", 4);
		memcpy(&r->ecx, "hvhv", 4);
		memcpy(&r->edx, "hvhv", 4);
		return;
	}
	if ((function > HV_CPUID_MAX_BASIC && function < 0x80000000) ||
	    function > HV_CPUID_MAX_EXT)
		return;
	cpuid_count(function, index, &r->eax, &r->ebx, &r->ecx, &r->edx);
	switch (function) {
	case 0:
		r->eax = min_t(u32, r->eax, HV_CPUID_MAX_BASIC);
		break;
	case 1:
		vmx_cpuid_leaf1(r);
		break;
	case 5: case 6: case 0xa: case 0xb:
		*r = (struct cpuid_regs4){ 0 };
		break;
	case 7:
		vmx_cpuid_leaf7(index, r);
		break;
	case 0xd:
		vmx_cpuid_leaf_d(index, r);
		break;
	case 0x80000000:
		r->eax = min_t(u32, r->eax, HV_CPUID_MAX_EXT);
		break;
	case 0x80000001:
		r->ecx &= ~BIT(2);	/* SVM */
		break;
	}
}

static const struct hv_cpuid_entry *
vmx_cpuid_find(const struct hv_arch_vcpu *arch, u32 function, u32 index)
{
	u32 i;

	for (i = 0; i < arch->cpuid_nent; i++) {
		const struct hv_cpuid_entry *e = &arch->cpuid[i];

		if (e->function == function &&
		    (!(e->flags & HV_CPUID_INDEXED) || e->index == index))
			return e;
	}
	return NULL;
}

int vmx_handle_cpuid(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	u32 function = arch->gpr[HV_X86_RAX], index = arch->gpr[HV_X86_RCX];
	const struct hv_cpuid_entry *e;
	struct cpuid_regs4 r;

	if (arch->cpuid) {
		e = vmx_cpuid_find(arch, function, index);
		r = e ? (struct cpuid_regs4){ e->eax, e->ebx, e->ecx, e->edx } :
			(struct cpuid_regs4){ 0 };
	} else {
		vmx_cpuid_supported(function, index, &r);
		if (vcpu->vm->irqchip)
			vmx_lapic_cpuid(vcpu, function, index, &r.eax, &r.ebx,
					&r.ecx, &r.edx);
	}
	/* bits that follow the vCPU's own state (SDM Vol. 2A, CPUID) */
	if (function == 1) {
		r.ebx = (r.ebx & 0xffffff) | vcpu->id << 24;
		if (vmcs_readl(GUEST_CR4) & X86_CR4_OSXSAVE)
			r.ecx |= BIT(27);
	}
	/* the x2APIC ID of the topology leaves is the APIC's (lapic.c) */
	if ((function == 0xb || function == 0x1f) && vcpu->vm->irqchip)
		r.edx = vcpu->id;
	/* the XSAVE area the guest's XCR0 needs (SDM Vol. 2A, CPUID 0DH) */
	if (function == 0xd && index == 0 && r.eax)
		r.ebx = vmx_xsave_size(arch->guest_xcr0);
	arch->gpr[HV_X86_RAX] = r.eax;
	arch->gpr[HV_X86_RBX] = r.ebx;
	arch->gpr[HV_X86_RCX] = r.ecx;
	arch->gpr[HV_X86_RDX] = r.edx;
	vmx_skip_instruction(vcpu);
	return 1;
}

static bool vmx_cpuid_indexed(u32 function)
{
	return function == 4 || function == 7 || function == 0xb ||
	       function == 0xd;
}

/* Fills @out (may be NULL to count) with every non-empty supported leaf. */
static u32 vmx_cpuid_enumerate(struct hv_cpuid_entry *out, u32 max)
{
	static const u32 ranges[][2] = {
		{ 0, HV_CPUID_MAX_BASIC },
		{ HV_CPUID_SIGNATURE, HV_CPUID_SIGNATURE },
		{ 0x80000000, HV_CPUID_MAX_EXT },
	};
	struct cpuid_regs4 r;
	u32 n = 0, f, i, k;

	for (k = 0; k < ARRAY_SIZE(ranges); k++) {
		for (f = ranges[k][0]; f <= ranges[k][1]; f++) {
			for (i = 0; i < (vmx_cpuid_indexed(f) ? 64 : 1); i++) {
				vmx_cpuid_supported(f, i, &r);
				if (i && !(r.eax | r.ebx | r.ecx | r.edx))
					continue;
				if (out && n < max)
					out[n] = (struct hv_cpuid_entry){
						.function = f, .index = i,
						.flags = vmx_cpuid_indexed(f) ?
							 HV_CPUID_INDEXED : 0,
						.eax = r.eax, .ebx = r.ebx,
						.ecx = r.ecx, .edx = r.edx,
					};
				n++;
			}
		}
	}
	return n;
}

static bool vmx_cpuid_args_valid(const struct hv_cpuid *c)
{
	return !c->flags && hv_is_zero(c->reserved, sizeof(c->reserved));
}

/* HV_GET_SUPPORTED_CPUID on /dev/hv. */
long vmx_ioctl_get_supported_cpuid(struct file *filp, void *arg)
{
	struct hv_cpuid *c = arg;
	struct hv_cpuid_entry *entries;
	u32 n = vmx_cpuid_enumerate(NULL, 0);
	long ret = 0;

	if (!vmx_cpuid_args_valid(c))
		return -EINVAL;
	if (c->nent < n) {
		c->nent = n;
		/* tell the caller the size needed: the copy-out must happen */
		return -E2BIG;
	}
	entries = kcalloc(n, sizeof(*entries), GFP_KERNEL);
	if (!entries)
		return -ENOMEM;
	vmx_cpuid_enumerate(entries, n);
	if (copy_to_user(u64_to_user_ptr(c->entries), entries,
			 n * sizeof(*entries)))
		ret = -EFAULT;
	kfree(entries);
	c->nent = n;
	return ret;
}

/* HV_SET_CPUID on a vCPU fd. */
long vmx_ioctl_set_cpuid(struct file *filp, void *arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	const struct hv_cpuid *c = arg;
	struct hv_cpuid_entry *entries;
	u32 i;

	if (!vmx_cpuid_args_valid(c) || !c->nent ||
	    c->nent > HV_MAX_CPUID_ENTRIES)
		return -EINVAL;
	entries = memdup_array_user(u64_to_user_ptr(c->entries), c->nent,
				    sizeof(*entries));
	if (IS_ERR(entries))
		return PTR_ERR(entries);
	for (i = 0; i < c->nent; i++) {
		if (entries[i].reserved ||
		    entries[i].flags & ~HV_CPUID_INDEXED) {
			kfree(entries);
			return -EINVAL;
		}
	}
	kfree(vcpu->arch.cpuid);
	vcpu->arch.cpuid = entries;
	vcpu->arch.cpuid_nent = c->nent;
	return 0;
}
