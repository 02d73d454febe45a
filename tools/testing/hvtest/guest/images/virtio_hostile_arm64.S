/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hostile virtio driver for the hvctl.virtio_hostile step: a flat binary
 * loaded and entered at 0x1000 by the hvctl VMM (--image, RAM at 0, EL1h,
 * MMU off), run with one --disk, so that virtio-blk is the virtio-mmio
 * slot 0 at 0x0a000000 (tools/hvctl/vmm/virtio/bus.c). No interrupts: the
 * driver polls.
 *
 * Each case brings the device up as a driver must (virtio 1.2, 3.1.1:
 * reset, ACKNOWLEDGE, DRIVER, VERSION_1 only, FEATURES_OK, queue 0 with 8
 * entries, DRIVER_OK), then breaks it and polls Status until the device
 * sets DEVICE_NEEDS_RESET (0x40; 2.1.2). The poll has no bound of its
 * own: when a check is missing, the step's wait ends the hang and says
 * which case line never came.
 *   loop           descriptor 0, length 0, NEXT to itself: only the loop
 *                  check can end it (a zero-length buffer is never counted)
 *   long-chain     8 readable buffers, each NEXT to the following one, the
 *                  last back to the first: longer than the queue
 *   out-of-ram     a buffer at 0x80000000, far above the guest's RAM
 *   huge-len       a buffer in RAM of length 0xffffffff
 *   wrap           a buffer at 0xfffffffffffff000 of length 0x2000 (the
 *                  end wraps around 2^64)
 *   driver-ok-early DRIVER_OK written before FEATURES_OK
 *   status-cleared a live device's Status written with DRIVER_OK and
 *                  FEATURES_OK cleared (not 0: not a reset)
 * Then a reset and a valid GET_ID request, which must complete (used
 * index 1, status byte 0, Status without NEEDS_RESET): the device and the
 * VMM still work. Lines: "hostile: CASE needs-reset" per case,
 * "hostile: get-id SERIAL", "hostile: done", or "hostile: FAIL ..." and
 * then PSCI SYSTEM_OFF.
 *
 * With the MMU off every data access is Device-nGnRnE: in program order,
 * and aligned (an unaligned one would fault), which all of them are.
 * `make artifacts ARCH=arm64` assembles it into build/arm64/images/.
 */
#define PL011_BASE	0x09000000
#define PL011_DR	0x000
#define PL011_FR	0x018
#define PL011_FR_TXFF	5		/* bit: transmit FIFO full */
#define PSCI_SYSTEM_OFF	0x84000008

/* virtio-mmio version 2 registers (virtio 1.2, 4.2.2) */
#define VIO_BASE		0x0a000000
#define VIO_MAGIC		0x000
#define VIO_VERSION		0x004
#define VIO_DEVICE_ID		0x008
#define VIO_DRV_FEATURES	0x020
#define VIO_DRV_FEATURES_SEL	0x024
#define VIO_QUEUE_SEL		0x030
#define VIO_QUEUE_NUM		0x038
#define VIO_QUEUE_READY		0x044
#define VIO_QUEUE_NOTIFY	0x050
#define VIO_STATUS		0x070
#define VIO_DESC_LO		0x080
#define VIO_DESC_HI		0x084
#define VIO_DRIVER_LO		0x090
#define VIO_DRIVER_HI		0x094
#define VIO_DEVICE_LO		0x0a0
#define VIO_DEVICE_HI		0x0a4
#define VIO_MAGIC_VALUE		0x74726976	/* "virt" */

/* Status bits (2.1) */
#define S_ACK		0x01
#define S_DRIVER	0x02
#define S_DRIVER_OK	0x04
#define S_FEATURES_OK	0x08
#define S_NEEDS_RESET_BIT 6

/* descriptor flags (2.7.5) */
#define D_NEXT		1
#define D_WRITE		2

#define BLK_T_GET_ID	8		/* virtio-blk request type (5.2.6) */

/*
 * Guest RAM: the queue (8 entries: desc 128 bytes, avail 22, used 68),
 * then the request's buffers; all cleared before each case.
 */
#define QNUM		8
#define RING_DESC	0x10000
#define RING_AVAIL	0x10100		/* flags, idx, ring[8], used_event */
#define RING_USED	0x10200		/* flags, idx, {id, len}[8] */
#define BUF_HDR		0x11000		/* type, reserved, sector */
#define BUF_ID		0x11100		/* 20 bytes of serial, then a NUL */
#define BUF_STATUS	0x11200
#define CLEAR_END	0x12000

	.text
	.globl _start
_start:
	mov	x20, #PL011_BASE
	mov	x21, #VIO_BASE
	/* slot 0 must be a virtio-mmio version 2 block device */
	ldr	w0, [x21, #VIO_MAGIC]
	ldr	w1, =VIO_MAGIC_VALUE
	cmp	w0, w1
	b.ne	no_device
	ldr	w0, [x21, #VIO_VERSION]
	cmp	w0, #2
	b.ne	no_device
	ldr	w0, [x21, #VIO_DEVICE_ID]
	cmp	w0, #2
	b.ne	no_device

case_loop:
	bl	setup
	ldr	x3, =RING_DESC
	mov	w1, #D_NEXT
	strh	w1, [x3, #12]		/* addr 0, len 0, next 0 */
	bl	kick
	bl	wait_needs_reset
	adr	x0, msg_loop
	bl	puts

case_long_chain:
	bl	setup
	ldr	x3, =RING_DESC
	ldr	x4, =BUF_HDR
	mov	w5, #0			/* i */
1:	str	x4, [x3]
	mov	w1, #16
	str	w1, [x3, #8]
	mov	w1, #D_NEXT
	strh	w1, [x3, #12]
	add	w5, w5, #1
	and	w1, w5, #(QNUM - 1)	/* the last one points at 0 */
	strh	w1, [x3, #14]
	add	x3, x3, #16
	cmp	w5, #QNUM
	b.ne	1b
	bl	kick
	bl	wait_needs_reset
	adr	x0, msg_long_chain
	bl	puts

case_out_of_ram:
	bl	setup
	ldr	x3, =RING_DESC
	mov	x1, #0x80000000
	str	x1, [x3]
	mov	w1, #16
	str	w1, [x3, #8]
	bl	kick
	bl	wait_needs_reset
	adr	x0, msg_out_of_ram
	bl	puts

case_huge_len:
	bl	setup
	ldr	x3, =RING_DESC
	ldr	x1, =BUF_HDR
	str	x1, [x3]
	mov	w1, #0xffffffff
	str	w1, [x3, #8]
	bl	kick
	bl	wait_needs_reset
	adr	x0, msg_huge_len
	bl	puts

case_wrap:
	bl	setup
	ldr	x3, =RING_DESC
	mov	x1, #0xfffffffffffff000
	str	x1, [x3]
	mov	w1, #0x2000
	str	w1, [x3, #8]
	bl	kick
	bl	wait_needs_reset
	adr	x0, msg_wrap
	bl	puts

case_driver_ok_early:
	str	wzr, [x21, #VIO_STATUS]
	mov	w1, #S_ACK
	str	w1, [x21, #VIO_STATUS]
	mov	w1, #(S_ACK | S_DRIVER)
	str	w1, [x21, #VIO_STATUS]
	mov	w1, #(S_ACK | S_DRIVER | S_DRIVER_OK)
	str	w1, [x21, #VIO_STATUS]
	bl	wait_needs_reset
	adr	x0, msg_driver_ok_early
	bl	puts

case_status_cleared:
	bl	setup
	mov	w1, #(S_ACK | S_DRIVER)
	str	w1, [x21, #VIO_STATUS]
	bl	wait_needs_reset
	adr	x0, msg_status_cleared
	bl	puts

/* a valid GET_ID after a reset: header, 20-byte ID buffer, status byte */
get_id:
	bl	setup
	ldr	x4, =BUF_HDR
	mov	w1, #BLK_T_GET_ID
	str	w1, [x4]
	ldr	x4, =BUF_STATUS
	mov	w1, #0xff
	strb	w1, [x4]
	ldr	x3, =RING_DESC
	ldr	x1, =BUF_HDR		/* desc 0: the header, next 1 */
	str	x1, [x3]
	mov	w1, #16
	str	w1, [x3, #8]
	mov	w1, #D_NEXT
	strh	w1, [x3, #12]
	mov	w1, #1
	strh	w1, [x3, #14]
	ldr	x1, =BUF_ID		/* desc 1: the ID, next 2 */
	str	x1, [x3, #16]
	mov	w1, #20
	str	w1, [x3, #24]
	mov	w1, #(D_WRITE | D_NEXT)
	strh	w1, [x3, #28]
	mov	w1, #2
	strh	w1, [x3, #30]
	ldr	x1, =BUF_STATUS		/* desc 2: the status byte */
	str	x1, [x3, #32]
	mov	w1, #1
	str	w1, [x3, #40]
	mov	w1, #D_WRITE
	strh	w1, [x3, #44]
	bl	kick
	ldr	x3, =RING_USED
2:	ldr	w0, [x21, #VIO_STATUS]
	tbnz	w0, #S_NEEDS_RESET_BIT, get_id_broken
	ldrh	w0, [x3, #2]		/* used idx */
	cbz	w0, 2b
	cmp	w0, #1
	b.ne	get_id_bad
	ldrb	w0, [x4]
	cbnz	w0, get_id_bad
	ldr	w0, [x21, #VIO_STATUS]
	tbnz	w0, #S_NEEDS_RESET_BIT, get_id_broken
	adr	x0, msg_get_id
	bl	puts
	ldr	x0, =BUF_ID
	bl	puts
	adr	x0, msg_crlf
	bl	puts
	adr	x0, msg_done
	bl	puts
	b	power_off

no_device:
	adr	x0, msg_no_device
	b	fail
get_id_broken:
	adr	x0, msg_get_id_broken
	b	fail
get_id_bad:
	adr	x0, msg_get_id_bad
fail:
	bl	puts
power_off:
	ldr	x0, =PSCI_SYSTEM_OFF
	hvc	#0
3:	wfi
	b	3b

/*
 * The device up from a reset (3.1.1), its queue and buffers cleared.
 * Says FAIL and powers off when the device refuses a step.
 */
setup:
	mov	x19, x30
	ldr	x3, =RING_DESC
	ldr	x4, =CLEAR_END
4:	stp	xzr, xzr, [x3], #16
	cmp	x3, x4
	b.ne	4b
	str	wzr, [x21, #VIO_STATUS]
	mov	w1, #S_ACK
	str	w1, [x21, #VIO_STATUS]
	mov	w1, #(S_ACK | S_DRIVER)
	str	w1, [x21, #VIO_STATUS]
	/* VERSION_1 (bit 32) only */
	str	wzr, [x21, #VIO_DRV_FEATURES_SEL]
	str	wzr, [x21, #VIO_DRV_FEATURES]
	mov	w1, #1
	str	w1, [x21, #VIO_DRV_FEATURES_SEL]
	str	w1, [x21, #VIO_DRV_FEATURES]
	mov	w1, #(S_ACK | S_DRIVER | S_FEATURES_OK)
	str	w1, [x21, #VIO_STATUS]
	ldr	w0, [x21, #VIO_STATUS]
	cmp	w0, w1
	adr	x0, msg_features
	b.ne	fail
	str	wzr, [x21, #VIO_QUEUE_SEL]
	mov	w1, #QNUM
	str	w1, [x21, #VIO_QUEUE_NUM]
	ldr	w1, =RING_DESC
	str	w1, [x21, #VIO_DESC_LO]
	str	wzr, [x21, #VIO_DESC_HI]
	ldr	w1, =RING_AVAIL
	str	w1, [x21, #VIO_DRIVER_LO]
	str	wzr, [x21, #VIO_DRIVER_HI]
	ldr	w1, =RING_USED
	str	w1, [x21, #VIO_DEVICE_LO]
	str	wzr, [x21, #VIO_DEVICE_HI]
	mov	w1, #1
	str	w1, [x21, #VIO_QUEUE_READY]
	mov	w1, #(S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)
	str	w1, [x21, #VIO_STATUS]
	ldr	w0, [x21, #VIO_STATUS]
	cmp	w0, w1
	adr	x0, msg_setup
	b.ne	fail
	ret	x19

/* Offers descriptor 0 (avail ring[0] is 0 after setup) and notifies. */
kick:
	ldr	x3, =RING_AVAIL
	mov	w1, #1
	strh	w1, [x3, #2]		/* avail idx */
	dsb	sy
	str	wzr, [x21, #VIO_QUEUE_NOTIFY]	/* queue 0 */
	ret

/* Polls Status until the device needs a reset; no bound (see above). */
wait_needs_reset:
	ldr	w0, [x21, #VIO_STATUS]
	tbz	w0, #S_NEEDS_RESET_BIT, wait_needs_reset
	ret

/* x0: a NUL-terminated string. Waits while the transmit FIFO is full. */
puts:
	ldrb	w1, [x0], #1
	cbz	w1, 6f
5:	ldr	w2, [x20, #PL011_FR]
	tbnz	w2, #PL011_FR_TXFF, 5b
	strb	w1, [x20, #PL011_DR]
	b	puts
6:	ret

	.ltorg

msg_loop:
	.asciz	"hostile: loop needs-reset\r\n"
msg_long_chain:
	.asciz	"hostile: long-chain needs-reset\r\n"
msg_out_of_ram:
	.asciz	"hostile: out-of-ram needs-reset\r\n"
msg_huge_len:
	.asciz	"hostile: huge-len needs-reset\r\n"
msg_wrap:
	.asciz	"hostile: wrap needs-reset\r\n"
msg_driver_ok_early:
	.asciz	"hostile: driver-ok-early needs-reset\r\n"
msg_status_cleared:
	.asciz	"hostile: status-cleared needs-reset\r\n"
msg_get_id:
	.asciz	"hostile: get-id "
msg_crlf:
	.asciz	"\r\n"
msg_done:
	.asciz	"hostile: done\r\n"
msg_no_device:
	.asciz	"hostile: FAIL no virtio-mmio version 2 block device at 0x0a000000\r\n"
msg_features:
	.asciz	"hostile: FAIL FEATURES_OK not accepted for VERSION_1\r\n"
msg_setup:
	.asciz	"hostile: FAIL the device is not live after DRIVER_OK\r\n"
msg_get_id_broken:
	.asciz	"hostile: FAIL get-id: the device needs a reset\r\n"
msg_get_id_bad:
	.asciz	"hostile: FAIL get-id: used index or status byte wrong\r\n"
