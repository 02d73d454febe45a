/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand an NMI that arrived while a guest ran to the host's NMI handler.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/segment.h>

.section .text, "ax"

/**
 * vmx_host_nmi - call the host NMI handler as if the NMI had hit here.
 *
 * Called with IRQs off right after the VM exit. Builds the frame the CPU
 * builds for an interrupt (SS, RSP, RFLAGS, CS, RIP) so that the handler's
 * IRET returns to us. The kernel exports the entry for this (its name
 * differs between kernels: Kbuild picks HV_HOST_NMI_ENTRY).
 */
SYM_FUNC_START(vmx_host_nmi)
	push %rbp
	mov %rsp, %rbp
	/* the CPU aligns the stack to 16 bytes before pushing the frame */
	and $-16, %rsp
	push $__KERNEL_DS
	push %rbp
	pushf
	push $__KERNEL_CS
	call HV_HOST_NMI_ENTRY
	leave
	RET
SYM_FUNC_END(vmx_host_nmi)
