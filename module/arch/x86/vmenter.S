/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX world switch: only what C cannot do. Everything else (host state,
 * event injection, exit handling) is in C.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

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

.section .text, "ax"

/**
 * __vmx_vcpu_run - enter the guest with its GPRs, return at its next exit.
 * @gprs:	%rdi, u64[16] in HV_X86_* order; guest RSP lives in the VMCS.
 * @launched:	%esi, 0 for VMLAUNCH (VMCS clear), 1 for VMRESUME.
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
	/* @gprs, found at the top of the stack after the exit */
	push %rdi

	mov $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lvmfail

	/* ZF = VMLAUNCH; nothing below changes the flags before the branch */
	test %esi, %esi

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
	xor %eax, %eax

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

	add $8, %rsp
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
