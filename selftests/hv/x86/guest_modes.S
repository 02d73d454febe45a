/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests in each x86 mode for hv_x86_modes_test, all copied to X86_CODE
 * (see hv_x86_guest.h for the layout):
 *  - guest_pm32:  32-bit protected mode set up by the VMM (HV_SET_SREGS);
 *  - guest_lm64:  64-bit long mode set up by the VMM;
 *  - guest_rm_pm: starts in real mode (CS = 0) and enters protected mode
 *		   itself with its own GDT;
 *  - guest_rm_lm: the same, then enables PAE, EFER.LME and paging itself
 *		   and jumps to 64-bit code;
 *  - guest_int3:  int3 with an empty IDT (triple fault);
 *  - guest_badidt: 64-bit, loads an IDT with limit 0 and executes ud2.
 * The first four end with the exit sequence SEQ32 below.
 */
#include "hv_x86_guest.h"

	.section .note.GNU-stack, "", @progbits
	.section .rodata.guest, "a"

/*
 * The exit sequence of the real-mode guest (hv_x86_test), in 32-bit code,
 * with more forms of each exit. x86_check_seq32() (hv_x86_util.h) checks
 * it exit by exit; keep the two in step.
 */
.macro SEQ32 start
	mov $0x42, %al
	out %al, $0x10			/* OUT imm8 port, 1 byte */
	mov $0x1234, %ax
	mov $0x20, %dx
	out %ax, %dx			/* OUT dx, 2 bytes */
	mov $0x12345678, %eax
	out %eax, $0x21			/* 4 bytes */
	in $0x11, %al			/* IN 1 byte: the test answers 0x99 */
	out %al, $0x12
	mov $0x22, %dx
	in %dx, %eax			/* IN 4 bytes: 0xcafef00d */
	out %eax, $0x16
	movb $0x77, X86_MMIO + 0x10	/* C6: immediate store, 1 byte */
	movw X86_MMIO + 0x20, %cx	/* 66 8B: 2-byte load, test gives 0xbeef */
	mov %cx, %ax
	out %ax, $0x13
	mov $0xdeadbeef, %ebx
	mov %ebx, X86_MMIO + 0x30	/* 89 /r: 4-byte store */
	mov $0x5a5a5a5a, %eax
	mov %eax, X86_MMIO + 0x34	/* A3: moffs store */
	movl $0x11223344, X86_MMIO + 0x40 /* C7: imm32 store */
	movzbl X86_MMIO + 0x50, %ecx	/* MOVZX: test gives 0x80 */
	mov %ecx, %eax
	out %eax, $0x17			/* 0x00000080 */
	movswl X86_MMIO + 0x58, %ecx	/* MOVSX: test gives 0x8001 */
	mov %ecx, %eax
	out %eax, $0x17			/* 0xffff8001 */
	mov $0x55550000, %ecx
	movsbw X86_MMIO + 0x5c, %cx	/* 66 0F BE: 0x80 -> cx 0xff80 */
	mov %ecx, %eax
	out %eax, $0x17			/* 0x5555ff80 */
	mov $0x11223344, %eax
	mov X86_MMIO + 0x5e, %ah	/* 8A into AH: test gives 0xab */
	out %eax, $0x17			/* 0x1122ab44 */
	mov X86_MMIO + 0x24, %eax	/* A1: moffs load, 0x01020304 */
	out %eax, $0x17
	cld
	mov $GADDR(1001f, \start), %esi
	mov $5, %ecx
	mov $0x18, %dx
	rep outsb			/* one exit, 5 bytes "hello" */
	mov $X86_DATA + 0x100, %edi
	mov $3, %ecx
	mov $0x19, %dx
	rep insb			/* one exit: the test gives "abc" */
	mov %edi, %eax
	out %eax, $0x1a			/* X86_DATA + 0x103 */
	mov %ecx, %eax
	out %eax, $0x1a			/* 0 */
	mov $HC_SEQ, %eax
	mov $7, %ebx
	mov $0x102, %ecx
	mov $0x103, %edx
	mov $0x104, %esi
	mov $0x105, %edi
	vmcall				/* args 7, 0x102..0x105, R8 as set */
	out %al, $0x14			/* the test returns 12 */
	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	mov %ebx, %eax
	out %eax, $0x15			/* vendor string, first 4 bytes */
	hlt
	jmp 1002f
1001:	.ascii "hello"
1002:
.endm

/*
 * 64-bit-only MMIO forms, before SEQ32 in the 64-bit guests; checked by
 * x86_check_extra64().
 */
.macro EXTRA64 start
	movabs $0x0123456789abcdef, %rax
	mov %rax, X86_MMIO + 0x60	/* REX.W 89: 8-byte store */
	mov X86_MMIO + 0x68, %rdx	/* REX.W 8B: 0xfedcba9876543210 */
	movq $-2, X86_MMIO + 0x70	/* REX.W C7: imm32 sign-extended */
	movabs X86_MMIO + 0x78, %eax	/* A1 with moffs64: 0x8badf00d */
	mov %eax, %ebp
	mov $-1, %r11
	mov X86_MMIO + 0x88, %r11d	/* REX.R 8B: zero-extends, 0x76543210 */
	movabs $0x1111111111111111, %rsi
	mov X86_MMIO + 0x90, %sil	/* REX 8A: SIL, not DH: 0xab */
	movabs $0x0f0e0d0c0b0a0908, %r10
	mov %r10, X86_MMIO + 0x80	/* REX.WR 89: R10 */
	/*
	 * mov disp32(%rip), %edi: a RIP-relative load. Spelled out because
	 * the assembler would relocate the displacement against the link
	 * address; it is relative to the next instruction's guest address.
	 */
	.byte 0x8b, 0x3d
	.long X86_MMIO + 0xa0 - GADDR(1003f, \start)
1003:
	mov %rdx, %rbx
	mov %rbp, %rcx
	mov %r11, %rdx
	movabs $0x100000000 + HC_SEQ64, %rax
	vmcall		/* rbx, rcx, rdx, rsi, rdi: the loads; r8 as set */
.endm

	.code32
	.balign 16
	.globl guest_pm32_start, guest_pm32_end
guest_pm32_start:
	SEQ32 guest_pm32_start
guest_pm32_end:

	.code64
	.balign 16
	.globl guest_lm64_start, guest_lm64_end
guest_lm64_start:
	EXTRA64 guest_lm64_start
	SEQ32 guest_lm64_start
guest_lm64_end:

/*
 * Real mode to protected mode: the classic sequence, with CR0.NE set too
 * (a bit hv owns, so the CR0 write exits) and CD/NW cleared.
 */
.macro RM_TO_PM start, gdtr, pm
	.code16
	cli
	lgdtl GADDR(\gdtr, \start)
	mov %cr0, %eax
	and $0x9fffffff, %eax
	or $0x21, %eax
	mov %eax, %cr0
	ljmpl $X86_SEL_CODE32, $GADDR(\pm, \start)
	.code32
\pm:
	mov $X86_SEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss
	mov $X86_STACK_TOP, %esp
	mov %cr0, %eax
	out %eax, $0x60			/* CR0 as the guest reads it: 0x31 */
.endm

.macro OWN_GDT start, gdt, gdtr
	.balign 8
\gdt:
	.quad 0
	.quad 0x00cf9b000000ffff	/* X86_SEL_CODE32 */
	.quad 0x00cf93000000ffff	/* X86_SEL_DATA */
	.quad 0x00af9b000000ffff	/* X86_SEL_CODE64 */
\gdtr:
	.word \gdtr - \gdt - 1
	.long GADDR(\gdt, \start)
.endm

	.balign 16
	.globl guest_rm_pm_start, guest_rm_pm_end
guest_rm_pm_start:
	RM_TO_PM guest_rm_pm_start, rm_pm_gdtr, rm_pm_32
	SEQ32 guest_rm_pm_start
	OWN_GDT guest_rm_pm_start, rm_pm_gdt, rm_pm_gdtr
guest_rm_pm_end:

	.balign 16
	.globl guest_rm_lm_start, guest_rm_lm_end
guest_rm_lm_start:
	RM_TO_PM guest_rm_lm_start, rm_lm_gdtr, rm_lm_32
	mov %cr4, %eax
	or $0x20, %eax			/* CR4.PAE */
	mov %eax, %cr4
	mov $X86_PML4, %eax		/* page tables built by the test */
	mov %eax, %cr3
	mov $0xc0000080, %ecx
	rdmsr
	or $0x100, %eax			/* EFER.LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000000, %eax		/* CR0.PG: IA-32e mode is active */
	mov %eax, %cr0
	ljmpl $X86_SEL_CODE64, $GADDR(rm_lm_64, guest_rm_lm_start)
	.code64
rm_lm_64:
	mov %cr0, %rax
	out %eax, $0x61			/* 0x80000031 */
	mov %cr4, %rax
	out %eax, $0x61			/* 0x20 */
	mov $0xc0000080, %ecx
	rdmsr
	out %eax, $0x61			/* LME | LMA: 0x500 */
	EXTRA64 guest_rm_lm_start
	SEQ32 guest_rm_lm_start
	OWN_GDT guest_rm_lm_start, rm_lm_gdt, rm_lm_gdtr
guest_rm_lm_end:

	.code32
	.balign 16
	.globl guest_int3_start, guest_int3_end
guest_int3_start:
	out %al, $0x70
	int3				/* IDT limit 0: #GP, #DF, triple fault */
	out %al, $0x71
	hlt
guest_int3_end:

	.code64
	.balign 16
	.globl guest_badidt_start, guest_badidt_end
guest_badidt_start:
	lidt GADDR(1f, guest_badidt_start)
	out %al, $0x70
	ud2				/* #UD, #DF, triple fault */
	out %al, $0x71
	hlt
	.balign 8
1:	.word 0
	.quad 0
guest_badidt_end:
