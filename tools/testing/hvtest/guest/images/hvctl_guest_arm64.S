/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of the hvctl steps on arm64: a flat binary loaded and entered
 * at 0x1000 by the hvctl VMM (hvctl create --image F --entry A), in EL1h
 * with the MMU off. Devices (Documentation/hvctl.rst): a PL011 UART at
 * 0x09000000, the stop-request register at 0x09010000 (reads 1 when
 * `hvctl stop` asks); PSCI over HVC #0 powers off and starts vCPUs.
 *
 *   entry 0x1000: print a greeting; if vCPU 1 exists and is off, start it
 *                 with CPU_ON (it says hello and turns itself off); then
 *                 spin (busy, for the CPU quota), polling the stop-request
 *                 register; on a request, say goodbye and SYSTEM_OFF.
 *   entry 0x1100: touch RAM from 0x10000 to 0x9ffff (576 KiB) a page at a
 *                 time, printing a '.' per 64 KiB, then wait as 0x1300.
 *   entry 0x1200: say so, then PSCI SYSTEM_RESET: the VM stops with the
 *                 reason "guest shutdown", or restarts (--on-reboot).
 *   entry 0x1300: as 0x1000, but idle: WFI between two polls (the VMM
 *                 sleeps 10 ms on each WFI exit), so that a step waiting
 *                 for seconds costs the emulator no work.
 *
 * MMIO is accessed only with plain loads and stores (no writeback), which
 * report a valid syndrome (ISV): hv decodes no instruction.
 * `make artifacts ARCH=arm64` assembles it into build/arm64/images/.
 */
#define PL011_BASE	0x09000000
#define PL011_DR	0x000
#define PL011_FR	0x018
#define PL011_FR_TXFF	5		/* bit: transmit FIFO full */
#define STOPREQ		0x09010000

/* PSCI 1.0 function ids (Arm DEN 0022) */
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON_64		0xc4000003
#define PSCI_AFFINITY_INFO	0x84000004
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_AFF_OFF		1	/* AFFINITY_INFO: the CPU is off */

	.text
	.globl _start
_start:
	mov	x22, #0			/* busy */
greet:
	mov	x20, #PL011_BASE
	mov	x21, #STOPREQ
	adr	x0, msg_hello
	bl	puts
	bl	start_cpu1		/* keeps x22 */
	cbnz	x22, idle_stop
wait_stop:
	ldr	x9, =200000
1:	subs	x9, x9, #1
	b.ne	1b
	ldr	w0, [x21]
	cbz	w0, wait_stop
stop_now:
	adr	x0, msg_bye
	bl	puts
	ldr	x0, =PSCI_SYSTEM_OFF
	hvc	#0
2:	wfi
	b	2b

/* vCPU 1 (MPIDR Aff0 = 1), if the VM has it: it must still be off */
start_cpu1:
	mov	x19, x30
	ldr	x0, =PSCI_AFFINITY_INFO
	mov	x1, #1
	mov	x2, #0
	hvc	#0
	tbnz	w0, #31, 4f		/* negative: no such vCPU, a one-vCPU VM */
	cmp	w0, #PSCI_AFF_OFF
	adr	x0, msg_cpu1_on
	b.ne	3f
	adr	x0, msg_cpu1_off
	bl	puts
	ldr	x0, =PSCI_CPU_ON_64
	mov	x1, #1
	adr	x2, cpu1
	mov	x3, #0
	hvc	#0
	cbz	w0, 4f
	adr	x0, msg_cpu_on_failed
3:	bl	puts
4:	ret	x19

/* x0: a NUL-terminated string. Waits while the transmit FIFO is full. */
puts:
	ldrb	w1, [x0], #1
	cbz	w1, 6f
5:	ldr	w2, [x20, #PL011_FR]
	tbnz	w2, #PL011_FR_TXFF, 5b
	strb	w1, [x20, #PL011_DR]
	b	puts
6:	ret

/* vCPU 1 starts here (CPU_ON: EL1h, MMU off, X0 = the context id) */
cpu1:
	mov	x20, #PL011_BASE
	adr	x0, msg_cpu1
	bl	puts
	ldr	x0, =PSCI_CPU_OFF
	hvc	#0
7:	wfi				/* CPU_OFF does not return */
	b	7b

	.ltorg

	.org	0x100
touch:
	mov	x20, #PL011_BASE
	mov	x21, #STOPREQ
	mov	x3, #0x10000
	mov	x4, #0xa0000
	mov	w5, #1
8:	strb	w5, [x3]
	add	x3, x3, #0x1000
	tst	x3, #0xffff
	b.ne	8b
	mov	w1, #'.'
	strb	w1, [x20, #PL011_DR]
	cmp	x3, x4
	b.ne	8b
	adr	x0, msg_touched
	bl	puts
	b	idle_stop

	.org	0x200
shutdown:
	mov	x20, #PL011_BASE
	adr	x0, msg_shutdown
	bl	puts
	ldr	x0, =PSCI_SYSTEM_RESET
	hvc	#0
9:	wfi
	b	9b
	.ltorg

	.org	0x300
idle:
	mov	x22, #1
	b	greet
idle_stop:
	wfi			/* no interrupt controller: an exit */
	ldr	w0, [x21]
	cbz	w0, idle_stop
	b	stop_now

#include "hvctl_guest_msgs.h"
msg_cpu_on_failed:
	.asciz	"PSCI CPU_ON of vCPU 1 failed\r\n"
msg_cpu1:
	.asciz	"hello from vCPU 1\r\n"
