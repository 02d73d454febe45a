/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A real-mode guest for hv_x86_test: one of each exit a VMM sees.
 * Loaded at guest-physical 0x1000 with CS = 0; MMIO at 0xd0000.
 * The test checks each exit and answers IN, MMIO reads and hypercalls.
 */
	.section .note.GNU-stack, "", @progbits
	.section .rodata.guest, "a"
	.code16
	.globl guest_real_start, guest_real_end
guest_real_start:
	mov $0x42, %al
	out %al, $0x10			/* OUT port 0x10, 1 byte: 0x42 */
	mov $0x1234, %ax
	mov $0x20, %dx
	out %ax, %dx			/* OUT port 0x20, 2 bytes: 0x1234 */
	in $0x11, %al			/* IN port 0x11: the test answers 0x99 */
	out %al, $0x12			/* echo it: 0x99 */
	mov $0xd000, %bx
	mov %bx, %ds
	movb $0x77, (0x10)		/* MMIO write at 0xd0010, 1 byte */
	movw (0x20), %cx		/* MMIO read at 0xd0020: test gives 0xbeef */
	mov %cx, %ax
	out %ax, $0x13			/* echo it: 0xbeef */
	mov $5, %eax
	mov $7, %ebx
	vmcall				/* hypercall 5 (7): the test returns 12 */
	out %al, $0x14			/* echo it: 12 */
	xor %eax, %eax
	cpuid				/* handled in the kernel */
	mov %ebx, %eax
	out %eax, $0x15			/* vendor string, first 4 bytes */
	hlt
guest_real_end:
