/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of the hvctl scenarios: a flat real-mode binary loaded and
 * entered at 0x1000 by the hvctl VMM (hvctl create --image F --entry A).
 * Devices (Documentation/hvctl.rst): COM1 at 0x3f8, poweroff port 0x501
 * (OUT), stop-request port 0x502 (IN: 1 when `hvctl stop` asks).
 *
 *   entry 0x1000: print a greeting, then spin (busy, for the CPU quota),
 *                 polling the stop-request port; on a request, say goodbye
 *                 and power off.
 *   entry 0x1100: touch RAM from 0x10000 to 0x9ffff (576 KiB) a page at a
 *                 time, printing a '.' per 64 KiB, then as 0x1000.
 *
 * Build: as --32 -o g.o hvctl_guest.S && objcopy -O binary g.o g.bin
 * (steps/hvctl.lib.sh holds the bytes, for the initramfs).
 */
	.code16
	.text
	.globl _start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	mov	$(msg_hello - _start + 0x1000), %si
	call	puts
wait_stop:
	mov	$200000, %ecx
1:	dec	%ecx
	jnz	1b
	mov	$0x502, %dx
	in	%dx, %al
	test	%al, %al
	jz	wait_stop
	mov	$(msg_bye - _start + 0x1000), %si
	call	puts
	mov	$0x501, %dx
	out	%al, %dx
2:	hlt
	jmp	2b

puts:
	lodsb
	test	%al, %al
	jz	3f
	mov	$0x3f8, %dx
	out	%al, %dx
	jmp	puts
3:	ret

	.org	0x100
touch:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	mov	$0x1000, %bx		/* segment: 0x10000 */
4:	mov	%bx, %es
	xor	%di, %di
5:	movb	$1, %es:(%di)
	add	$0x1000, %di
	jnz	5b
	mov	$'.', %al
	mov	$0x3f8, %dx
	out	%al, %dx
	add	$0x1000, %bx
	cmp	$0xa000, %bx
	jne	4b
	mov	$(msg_touched - _start + 0x1000), %si
	call	puts
	jmp	wait_stop

msg_hello:
	.asciz	"hello from the hv guest\r\n"
msg_bye:
	.asciz	"stop requested: powering off\r\n"
msg_touched:
	.asciz	"touched 576K\r\n"
