// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line half of vmx_ops.h: what a failed VMREAD or VMWRITE
 * reports. Here rather than with the per-CPU VMX code, so that the
 * header depends on nothing but this file.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/printk.h>

#include "vmx_ops.h"

void vmx_vmread_error(unsigned long field)
{
	pr_err_ratelimited("VMREAD of field %#lx failed\n", field);
}

void vmx_vmwrite_error(unsigned long field, unsigned long value)
{
	pr_err_ratelimited("VMWRITE of %#lx to field %#lx failed (error %u)\n",
			   value, field, (u32)__vmcs_read(VM_INSTRUCTION_ERROR));
}
