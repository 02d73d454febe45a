/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX world switch: only what C cannot do. Everything else (host state,
 * event injection, exit handling) is in C.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include <asm/unwind_hints.h>

#include "vmx_run_flags.h"

/* Offsets in the u64 gpr[] array, in the uapi order HV_X86_RAX.. (hv_x86.h). */
#define GPR_RAX		(0 * 8)
#define GPR_RCX		(1 * 8)
#define GPR_RDX		(2 * 8)
#define GPR_RBX		(3 * 8)
#define GPR_RBP		(5 * 8)
#define GPR_RSI		(6 * 8)
#define GPR_RDI		(7 * 8)
#define GPR_R8		(8 * 8)
#define GPR_R9		(9 * 8)
#define GPR_R10		(10 * 8)
#define GPR_R11		(11 * 8)
#define GPR_R12		(12 * 8)
#define GPR_R13		(13 * 8)
#define GPR_R14		(14 * 8)
#define GPR_R15		(15 * 8)

/* VMCS encoding of HOST_RSP (SDM Vol. 3C, B.4.4); checked in vmx_vm.c. */
#define VMCS_HOST_RSP	0x6c14

/* Where @flags is on the stack from the entry to the exit (under @gprs). */
#define FLAGS_SLOT	8(%rsp)

.section .text, "ax"

/**
 * __vmx_vcpu_run - enter the guest with its GPRs, return at its next exit.
 * @gprs:	%rdi, u64[16] in HV_X86_* order; guest RSP lives in the VMCS.
 * @flags:	%esi, VMX_RUN_* (vmx_run_flags.h): VMRESUME or VMLAUNCH (VMCS
 *		clear), and the mitigations vmx_mitig.c chose.
 *
 * Called with IRQs off and the vCPU's VMCS current. Saves the guest GPRs
 * into @gprs on exit. HOST_RSP is written here because only here is the
 * stack pointer of the exit known; HOST_RIP is vmx_vmexit.
 *
 * Return: 0 on VM exit, 1 on VM-fail (VM_INSTRUCTION_ERROR says why).
 */
SYM_FUNC_START(__vmx_vcpu_run)
	push %rbp
	mov  %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	/* @flags and @gprs, found at the top of the stack after the exit */
	push %rsi
	push %rdi

	mov $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lvmfail

	mov GPR_RCX(%rdi), %rcx
	mov GPR_RDX(%rdi), %rdx
	mov GPR_RBX(%rdi), %rbx
	mov GPR_RBP(%rdi), %rbp
	mov GPR_RSI(%rdi), %rsi
	mov GPR_R8(%rdi),  %r8
	mov GPR_R9(%rdi),  %r9
	mov GPR_R10(%rdi), %r10
	mov GPR_R11(%rdi), %r11
	mov GPR_R12(%rdi), %r12
	mov GPR_R13(%rdi), %r13
	mov GPR_R14(%rdi), %r14
	mov GPR_R15(%rdi), %r15
	mov GPR_RAX(%rdi), %rax
	mov GPR_RDI(%rdi), %rdi

	/*
	 * Clear the CPU buffers (MDS, TAA, MMIO stale data, RFDS) as late as
	 * possible: nothing after the VERW loads host secrets.
	 */
	testb $VMX_RUN_CLEAR_CPU_BUF, FLAGS_SLOT
	jz 1f
	verw x86_verw_sel(%rip)
1:	testb $VMX_RUN_VMRESUME, FLAGS_SLOT
	jz .Lvmlaunch

	/* After a successful entry, execution resumes at vmx_vmexit. */
	UNWIND_HINT_SAVE
	vmresume
	jmp .Lvmfail

.Lvmlaunch:
	vmlaunch
	jmp .Lvmfail

SYM_INNER_LABEL_ALIGN(vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR

	/* Free a register for @gprs without losing the guest's RDI. */
	push %rdi
	mov 8(%rsp), %rdi
	mov %rax, GPR_RAX(%rdi)
	mov %rcx, GPR_RCX(%rdi)
	mov %rdx, GPR_RDX(%rdi)
	mov %rbx, GPR_RBX(%rdi)
	mov %rbp, GPR_RBP(%rdi)
	mov %rsi, GPR_RSI(%rdi)
	mov %r8,  GPR_R8(%rdi)
	mov %r9,  GPR_R9(%rdi)
	mov %r10, GPR_R10(%rdi)
	mov %r11, GPR_R11(%rdi)
	mov %r12, GPR_R12(%rdi)
	mov %r13, GPR_R13(%rdi)
	mov %r14, GPR_R14(%rdi)
	mov %r15, GPR_R15(%rdi)
	pop GPR_RDI(%rdi)

	/*
	 * The guest may have filled the return stack buffer with its own
	 * targets: overwrite it before the first unbalanced RET.
	 */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE

	/*
	 * Legacy IBRS must be written again after the guest ran, before the
	 * first RET (the host's choice, x86_spec_ctrl_current).
	 */
	testb $VMX_RUN_SPEC_CTRL, FLAGS_SLOT
	jz 2f
	mov $MSR_IA32_SPEC_CTRL, %ecx
	mov PER_CPU_VAR(x86_spec_ctrl_current), %eax
	mov PER_CPU_VAR(x86_spec_ctrl_current + 4), %edx
	wrmsr
2:
	/* Branch history the guest left (BHI), before any indirect branch. */
	testb $VMX_RUN_CLEAR_BHB, FLAGS_SLOT
	jz 3f
	call clear_bhb_loop
3:	xor %eax, %eax

.Lout:
	/* Leave no guest value in a caller-saved register. */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d

	add $16, %rsp
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET

.Lvmfail:
	mov $1, %eax
	jmp .Lout
SYM_FUNC_END(__vmx_vcpu_run)
