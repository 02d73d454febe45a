/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests of the host-state isolation tests (hv_x86_xstate_test,
 * hv_x86_hoststate_test), copied to X86_CODE (layout in hv_x86_guest.h).
 */
#include "hv_x86_guest.h"

/* Ports of guest_cmd. */
#define PORT_CMD	0x60	/* IN: CMD_*, then the command's arguments */
#define PORT_RESULT	0x62	/* OUT: the command's result(s) */
#define PORT_FAULT	0x63	/* OUT: vector of a #UD or #GP instead */
#define CMD_XSETBV	1	/* ECX, EAX, EDX; result: XGETBV(0) low, high */
#define CMD_MOV_CR4	2	/* value; result: CR4 read back */
#define CMD_WRPKRU	3	/* value; result: RDPKRU */
#define CMD_CPUID	4	/* EAX, ECX; results: EAX, EBX, ECX, EDX */
#define CMD_STEP	5	/* single-step one NOP; results: DR6 in the #DB
				 * handler, then 0x57e9 once past it */

	.section .note.GNU-stack, "", @progbits
	.section .rodata.guest, "a"

/*
 * guest_cmd (32-bit, flat protected mode): runs the commands the test
 * answers on PORT_CMD. A #UD (vector 6) or #GP (13) the command takes is
 * reported on PORT_FAULT, and the guest waits for the next command: the
 * test builds IDT entries 6 and 13 to guest_cmd_ud / guest_cmd_gp.
 */
	.code32
	.balign 16
	.globl guest_cmd_start, guest_cmd_end, guest_cmd_ud, guest_cmd_gp
	.globl guest_cmd_db
guest_cmd_start:
	in $PORT_CMD, %eax
	cmp $CMD_XSETBV, %eax
	je 1f
	cmp $CMD_MOV_CR4, %eax
	je 2f
	cmp $CMD_WRPKRU, %eax
	je 3f
	cmp $CMD_CPUID, %eax
	je 4f
	cmp $CMD_STEP, %eax
	je 6f
	hlt
	jmp guest_cmd_start
1:	in $PORT_CMD, %eax
	mov %eax, %ecx
	in $PORT_CMD, %eax
	mov %eax, %ebx
	in $PORT_CMD, %eax
	mov %eax, %edx
	mov %ebx, %eax
	xsetbv
	xor %ecx, %ecx
	xgetbv
	out %eax, $PORT_RESULT
	mov %edx, %eax
	out %eax, $PORT_RESULT
	jmp guest_cmd_start
2:	in $PORT_CMD, %eax
	mov %eax, %ebx
	mov %ebx, %cr4
	mov %cr4, %eax
	out %eax, $PORT_RESULT
	jmp guest_cmd_start
3:	in $PORT_CMD, %eax
	xor %ecx, %ecx
	xor %edx, %edx
	wrpkru
	rdpkru
	out %eax, $PORT_RESULT
	jmp guest_cmd_start
4:	in $PORT_CMD, %eax
	mov %eax, %ebx
	in $PORT_CMD, %eax
	mov %eax, %ecx
	mov %ebx, %eax
	cpuid
	out %eax, $PORT_RESULT
	mov %ebx, %eax
	out %eax, $PORT_RESULT
	mov %ecx, %eax
	out %eax, $PORT_RESULT
	mov %edx, %eax
	out %eax, $PORT_RESULT
	jmp guest_cmd_start
	/* TF set by POPF traps after the instruction that follows it */
6:	pushf
	orl $0x100, (%esp)
	popf
	nop
	mov $0x57e9, %eax
	out %eax, $PORT_RESULT
	jmp guest_cmd_start
	/* #DB: report DR6, clear TF in the EFLAGS image (EIP, CS, EFLAGS) */
guest_cmd_db:
	mov %dr6, %eax
	out %eax, $PORT_RESULT
	andl $~0x100, 8(%esp)
	iret
guest_cmd_ud:
	mov $6, %eax
	jmp 5f
guest_cmd_gp:
	mov $13, %eax
5:	out %eax, $PORT_FAULT
	mov $X86_STACK_TOP, %esp
	jmp guest_cmd_start
guest_cmd_end:

/*
 * guest_vecloop (64-bit): keeps the pattern R8:R9 in XMM0 (and R10:R11 in
 * the upper half of YMM0 when RBX is 1: CR4.OSXSAVE and XCR0 = 7 first)
 * and checks it R12 times. A change is reported by hypercall HC_VEC_BAD
 * (XMM0 low, high, YMM0 upper low, high); the end by HC_VEC_DONE.
 */
#define HC_VEC_DONE	0x80
#define HC_VEC_BAD	0x81
	.code64
	.balign 16
	.globl guest_vecloop_start, guest_vecloop_end
guest_vecloop_start:
	mov %cr4, %rax
	or $0x600, %rax			/* OSFXSR, OSXMMEXCPT */
	test %rbx, %rbx
	jz 1f
	or $0x40000, %rax		/* OSXSAVE */
1:	mov %rax, %cr4
	test %rbx, %rbx
	jz 2f
	xor %ecx, %ecx
	xor %edx, %edx
	mov $7, %eax
	xsetbv
	vmovq %r10, %xmm1
	vpinsrq $1, %r11, %xmm1, %xmm1
	vmovq %r8, %xmm0
	vpinsrq $1, %r9, %xmm0, %xmm0
	vinsertf128 $1, %xmm1, %ymm0, %ymm0
	jmp 3f
2:	movq %r8, %xmm0
	pinsrq $1, %r9, %xmm0
3:	movq %xmm0, %rax
	cmp %r8, %rax
	jne 5f
	pextrq $1, %xmm0, %rax
	cmp %r9, %rax
	jne 5f
	test %rbx, %rbx
	jz 4f
	vextractf128 $1, %ymm0, %xmm1
	vmovq %xmm1, %rax
	cmp %r10, %rax
	jne 5f
	vpextrq $1, %xmm1, %rax
	cmp %r11, %rax
	jne 5f
4:	dec %r12
	jnz 3b
	mov $HC_VEC_DONE, %eax
	vmcall
	hlt
5:	xor %edx, %edx
	xor %esi, %esi
	test %rbx, %rbx
	jz 6f
	vextractf128 $1, %ymm0, %xmm1
	vmovq %xmm1, %rdx
	vpextrq $1, %xmm1, %rsi
6:	movq %xmm0, %rbx
	pextrq $1, %xmm0, %rcx
	mov $HC_VEC_BAD, %eax
	vmcall
	hlt
guest_vecloop_end:
