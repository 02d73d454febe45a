/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX instructions, wrapped. This is the only place with raw VMREAD,
 * VMWRITE, VMXON, VMPTRLD, VMCLEAR, INVEPT and INVVPID.
 *
 * VMCS fields are accessed through width-typed helpers: the field encoding
 * carries its width in bits 14:13 (SDM Vol. 3C, Appendix B "Field Encoding
 * in VMCS"), and a constant field of the wrong width fails the build.
 */
#ifndef HV_X86_VMX_OPS_H
#define HV_X86_VMX_OPS_H

#include <linux/build_bug.h>
#include <linux/types.h>
#include <asm/vmx.h>

#define VMCS_WIDTH_16		0
#define VMCS_WIDTH_64		1
#define VMCS_WIDTH_32		2
#define VMCS_WIDTH_NATURAL	3

#define vmcs_width(field)	(((field) >> 13) & 3)

static __always_inline void vmcs_check(unsigned long field, int width)
{
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) &&
			 vmcs_width(field) != width,
			 "VMCS field of another width");
}

void vmx_vmread_error(unsigned long field);
void vmx_vmwrite_error(unsigned long field, unsigned long value);

static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;
	bool fail;

	asm volatile("vmread %[field], %[value]"
		     : [value] "=rm" (value), "=@ccbe" (fail)
		     : [field] "r" (field)
		     : "cc");
	if (unlikely(fail)) {
		vmx_vmread_error(field);
		return 0;
	}
	return value;
}

static __always_inline void __vmcs_write(unsigned long field,
					 unsigned long value)
{
	bool fail;

	asm volatile("vmwrite %[value], %[field]"
		     : "=@ccbe" (fail)
		     : [field] "r" (field), [value] "rm" (value)
		     : "cc");
	if (unlikely(fail))
		vmx_vmwrite_error(field, value);
}

static __always_inline u16 vmcs_read16(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_16);
	return __vmcs_read(field);
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_32);
	return __vmcs_read(field);
}

static __always_inline u64 vmcs_read64(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_64);
	return __vmcs_read(field);
}

static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_NATURAL);
	return __vmcs_read(field);
}

static __always_inline void vmcs_write16(unsigned long field, u16 value)
{
	vmcs_check(field, VMCS_WIDTH_16);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write32(unsigned long field, u32 value)
{
	vmcs_check(field, VMCS_WIDTH_32);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write64(unsigned long field, u64 value)
{
	vmcs_check(field, VMCS_WIDTH_64);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_writel(unsigned long field,
					unsigned long value)
{
	vmcs_check(field, VMCS_WIDTH_NATURAL);
	__vmcs_write(field, value);
}

/* The memory-operand instructions: true on success (CF = ZF = 0). */
static inline bool vmx_vmxon(u64 pa)
{
	bool fail;

	asm volatile("vmxon %[pa]" : "=@ccbe" (fail) : [pa] "m" (pa)
		     : "cc", "memory");
	return !fail;
}

static inline void vmx_vmxoff(void)
{
	asm volatile("vmxoff" ::: "cc", "memory");
}

static inline bool vmx_vmclear(u64 pa)
{
	bool fail;

	asm volatile("vmclear %[pa]" : "=@ccbe" (fail) : [pa] "m" (pa)
		     : "cc", "memory");
	return !fail;
}

static inline bool vmx_vmptrld(u64 pa)
{
	bool fail;

	asm volatile("vmptrld %[pa]" : "=@ccbe" (fail) : [pa] "m" (pa)
		     : "cc", "memory");
	return !fail;
}

/* INVEPT / INVVPID types (SDM Vol. 3C, 30.3 "VMX Instructions"). */
#define VMX_INVEPT_SINGLE	1
#define VMX_INVEPT_ALL		2
#define VMX_INVVPID_SINGLE	1

static inline bool vmx_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, reserved; } desc = { eptp, 0 };
	bool fail;

	asm volatile("invept %[desc], %[type]" : "=@ccbe" (fail)
		     : [desc] "m" (desc), [type] "r" (type) : "cc", "memory");
	return !fail;
}

static inline bool vmx_invvpid(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };
	bool fail;

	asm volatile("invvpid %[desc], %[type]" : "=@ccbe" (fail)
		     : [desc] "m" (desc), [type] "r" (type) : "cc", "memory");
	return !fail;
}

#endif /* HV_X86_VMX_OPS_H */
