/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of the hvctl steps on x86: a flat real-mode binary loaded and
 * entered at 0x1000 by the hvctl VMM (hvctl create --image F --entry A).
 * Devices (Documentation/hvctl.rst): COM1 at 0x3f8, poweroff port 0x501
 * (OUT), stop-request port 0x502 (IN: 1 when `hvctl stop` asks), vCPU
 * start ports 0x503 (IN: vCPU count; OUT: select) and 0x504 (IN: the
 * selected vCPU runs; OUT: start it at an address).
 *
 *   entry 0x1000: print a greeting; with two vCPUs or more, start vCPU 1
 *                 (which says hello and halts); then spin (busy, for the
 *                 CPU quota), polling the stop-request port; on a
 *                 request, say goodbye and power off.
 *   entry 0x1100: touch RAM from 0x10000 to 0x9ffff (576 KiB) a page at a
 *                 time, printing a '.' per 64 KiB, then wait as 0x1300.
 *   entry 0x1200: say so, then triple fault (an empty IDT and int3): the
 *                 VM stops with the reason "guest shutdown".
 *   entry 0x1300: as 0x1000, but idle: HLT between two polls (the VMM
 *                 sleeps 10 ms on each HLT exit), so that a step waiting
 *                 for seconds costs no emulated instructions (Bochs runs a
 *                 busy guest's second instruction by instruction).
 *
 * `make artifacts ARCH=x86_64` assembles it into build/x86_64/images/.
 */
#define LOAD		0x1000
#define ADDR(sym)	((sym) - _start + LOAD)
#define COM1		0x3f8
#define POWEROFF_PORT	0x501
#define STOPREQ_PORT	0x502
#define CPU_SELECT_PORT	0x503
#define CPU_START_PORT	0x504

	.code16
	.text
	.globl _start
_start:
	xor	%bx, %bx		/* busy */
greet:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	mov	$ADDR(msg_hello), %si
	call	puts
	call	start_cpu1		/* keeps %bx */
	test	%bx, %bx
	jnz	idle_stop
wait_stop:
	mov	$200000, %ecx
1:	dec	%ecx
	jnz	1b
	mov	$STOPREQ_PORT, %dx
	in	%dx, %al
	test	%al, %al
	jz	wait_stop
stop_now:
	mov	$ADDR(msg_bye), %si
	call	puts
	mov	$POWEROFF_PORT, %dx
	out	%al, %dx
2:	hlt
	jmp	2b

/* vCPU 1, if the VM has it: it must still wait for its start */
start_cpu1:
	mov	$CPU_SELECT_PORT, %dx
	in	%dx, %al
	cmp	$2, %al
	jb	4f
	mov	$1, %al
	out	%al, %dx
	mov	$CPU_START_PORT, %dx
	in	%dx, %al
	mov	$ADDR(msg_cpu1_on), %si
	test	%al, %al
	jnz	puts
	mov	$ADDR(msg_cpu1_off), %si
	call	puts
	mov	$CPU_START_PORT, %dx
	mov	$ADDR(cpu1), %eax
	out	%eax, %dx
4:	ret

puts:
	lodsb
	test	%al, %al
	jz	3f
	mov	$COM1, %dx
	out	%al, %dx
	jmp	puts
3:	ret

/* vCPU 1 starts here with SP 0: its own stack below the boot vCPU's */
cpu1:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x7000, %sp
	mov	$ADDR(msg_cpu1), %si
	call	puts
5:	hlt
	jmp	5b

	.org	0x100
touch:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	mov	$0x1000, %bx		/* segment: 0x10000 */
6:	mov	%bx, %es
	xor	%di, %di
7:	movb	$1, %es:(%di)
	add	$0x1000, %di
	jnz	7b
	mov	$'.', %al
	mov	$COM1, %dx
	out	%al, %dx
	add	$0x1000, %bx
	cmp	$0xa000, %bx
	jne	6b
	mov	$ADDR(msg_touched), %si
	call	puts
	jmp	idle_stop

	.org	0x200
shutdown:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$ADDR(msg_shutdown), %si
	call	puts
	lidt	ADDR(empty_idt)
	int3				/* beyond the IDT limit: #GP, #DF, shutdown */
8:	hlt
	jmp	8b

empty_idt:
	.word	0			/* limit */
	.long	0			/* base */

	.org	0x300
idle:
	mov	$1, %bx
	jmp	greet
idle_stop:
	hlt				/* IF=0, no interrupt controller: an exit */
	mov	$STOPREQ_PORT, %dx
	in	%dx, %al
	test	%al, %al
	jz	idle_stop
	jmp	stop_now

#include "hvctl_guest_msgs.h"
msg_cpu1:
	.asciz	"hello from vCPU 1\r\n"
