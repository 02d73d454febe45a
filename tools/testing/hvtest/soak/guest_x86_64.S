/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The soak guest (x86-64): real mode at SOAK_GUEST_LOAD with CS = 0, in a
 * VM whose RAM ends at 0xa0000 (0xb8000 is MMIO), run by two vCPUs at
 * once. Each round of its loop leaves the guest in every way hv knows:
 *   - a store to a new 4 KiB of RAM (first touch: hv allocates it)
 *   - OUT and IN (HV_EXIT_IO), an MMIO write and read (HV_EXIT_MMIO)
 *   - VMCALL (HV_EXIT_HYPERCALL), HLT with IF = 0 (HV_EXIT_HLT)
 *   - UD2 and INT3, taken through the guest's own IVT
 * and every 16th round a triple fault (an interrupt with an empty IDT:
 * HV_EXIT_SHUTDOWN), after which the VMM resets the vCPU.
 */
	/* no executable stack for the program that links this */
	.section .note.GNU-stack, "", @progbits

#define LOAD	0x1000
#define SOAK_COUNT	0x800	/* a u16, shared by the vCPUs */
#define ABS(x)	(LOAD + (x) - soak_guest_start)

	.section .rodata, "a"
	.code16
	.balign 4096
	.global soak_guest_start
soak_guest_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$LOAD, %sp
	movw	$ABS(soak_skip), 6 * 4
	movw	$0, 6 * 4 + 2
	movw	$ABS(soak_iret), 3 * 4
	movw	$0, 3 * 4 + 2
	mov	$0x2000, %bx
	/* the round count lives in RAM: a reset must not restart the cycle */
	mov	SOAK_COUNT, %di
soak_loop:
	mov	%bx, %es
	movb	$1, %es:0
	add	$0x100, %bx
	cmp	$0xa000, %bx
	jb	1f
	mov	$0x2000, %bx
1:	mov	%di, %ax
	out	%al, $0x10
	in	$0x11, %al
	mov	$0xb800, %ax
	mov	%ax, %es
	movb	$2, %es:0
	movb	%es:8, %al
	movl	$0x100, %eax
	vmcall
	hlt
	ud2
	int3
	inc	%di
	mov	%di, SOAK_COUNT
	mov	%di, %ax
	and	$15, %ax
	cmp	$15, %ax
	jne	soak_loop
	lidt	ABS(soak_null_idt)
	int3
	jmp	soak_loop

/* #UD: return past the two-byte UD2 */
soak_skip:
	push	%bp
	mov	%sp, %bp
	addw	$2, 2(%bp)
	pop	%bp
soak_iret:
	iret

soak_null_idt:
	.word	0
	.long	0
	.global soak_guest_end
soak_guest_end:
	.code64
