/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 twin of virtio_hostile_arm64.S (read its comment: the cases,
 * the lines, the order): a flat binary entered at 0x1000 in real mode by
 * the hvctl VMM (--image, RAM at 0), run with one --disk, so that
 * virtio-blk is the virtio-mmio slot 0 at 0xd0000000 (bus.c). That is
 * above 1 MiB, so the image first enters 32-bit protected mode with flat
 * 4 GiB segments (SDM Vol. 3A, 10.9.1 "Switching to Protected Mode"); no
 * paging. MMIO is reached only with MOV between a register and memory,
 * which hv's decoder knows (module/arch/x86/insn_decode.c). No
 * interrupts: the driver polls. Prints on COM1, powers off on port 0x501.
 */
#define LOAD		0x1000
#define ADDR(sym)	((sym) - _start + LOAD)
#define COM1		0x3f8
#define POWEROFF_PORT	0x501

/* virtio-mmio version 2 registers (virtio 1.2, 4.2.2) */
#define VIO_BASE		0xd0000000
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

#define S_ACK		0x01
#define S_DRIVER	0x02
#define S_DRIVER_OK	0x04
#define S_FEATURES_OK	0x08
#define S_NEEDS_RESET	0x40

#define D_NEXT		1
#define D_WRITE		2
#define BLK_T_GET_ID	8

#define QNUM		8
#define RING_DESC	0x10000
#define RING_AVAIL	0x10100
#define RING_USED	0x10200
#define BUF_HDR		0x11000
#define BUF_ID		0x11100
#define BUF_STATUS	0x11200
#define CLEAR_END	0x12000

/* descriptor i: address (64-bit), length, flags, next */
#define DESC(i)		(RING_DESC + 16 * (i))

	.macro	wr off, val
	mov	$\val, %eax
	mov	%eax, \off(%ebx)
	.endm

	.macro	rd off
	mov	\off(%ebx), %eax
	.endm

	.code16
	.text
	.globl _start
_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %ss
	mov	$0x8000, %sp
	lgdtl	ADDR(gdt_desc)
	mov	%cr0, %eax
	or	$1, %eax		/* PE */
	mov	%eax, %cr0
	ljmpl	$0x08, $ADDR(pm32)

	.code32
pm32:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x8000, %esp
	mov	$VIO_BASE, %ebx
	cld
	rd	VIO_MAGIC
	cmp	$VIO_MAGIC_VALUE, %eax
	jne	no_device
	rd	VIO_VERSION
	cmp	$2, %eax
	jne	no_device
	rd	VIO_DEVICE_ID
	cmp	$2, %eax
	jne	no_device

case_loop:
	call	setup
	movw	$D_NEXT, DESC(0) + 12	/* addr 0, len 0, next 0 */
	call	kick
	call	wait_needs_reset
	mov	$ADDR(msg_loop), %esi
	call	puts

case_long_chain:
	call	setup
	mov	$RING_DESC, %edi
	xor	%ecx, %ecx
1:	movl	$BUF_HDR, (%edi)
	movl	$16, 8(%edi)
	movw	$D_NEXT, 12(%edi)
	inc	%ecx
	mov	%ecx, %eax
	and	$(QNUM - 1), %eax	/* the last one points at 0 */
	mov	%ax, 14(%edi)
	add	$16, %edi
	cmp	$QNUM, %ecx
	jne	1b
	call	kick
	call	wait_needs_reset
	mov	$ADDR(msg_long_chain), %esi
	call	puts

case_out_of_ram:
	call	setup
	movl	$0x80000000, DESC(0)
	movl	$16, DESC(0) + 8
	call	kick
	call	wait_needs_reset
	mov	$ADDR(msg_out_of_ram), %esi
	call	puts

case_huge_len:
	call	setup
	movl	$BUF_HDR, DESC(0)
	movl	$0xffffffff, DESC(0) + 8
	call	kick
	call	wait_needs_reset
	mov	$ADDR(msg_huge_len), %esi
	call	puts

case_wrap:
	call	setup
	movl	$0xfffff000, DESC(0)
	movl	$0xffffffff, DESC(0) + 4
	movl	$0x2000, DESC(0) + 8
	call	kick
	call	wait_needs_reset
	mov	$ADDR(msg_wrap), %esi
	call	puts

case_driver_ok_early:
	wr	VIO_STATUS, 0
	wr	VIO_STATUS, S_ACK
	wr	VIO_STATUS, (S_ACK | S_DRIVER)
	wr	VIO_STATUS, (S_ACK | S_DRIVER | S_DRIVER_OK)
	call	wait_needs_reset
	mov	$ADDR(msg_driver_ok_early), %esi
	call	puts

case_status_cleared:
	call	setup
	wr	VIO_STATUS, (S_ACK | S_DRIVER)
	call	wait_needs_reset
	mov	$ADDR(msg_status_cleared), %esi
	call	puts

get_id:
	call	setup
	movl	$BLK_T_GET_ID, BUF_HDR
	movb	$0xff, BUF_STATUS
	movl	$BUF_HDR, DESC(0)	/* the header, next 1 */
	movl	$16, DESC(0) + 8
	movw	$D_NEXT, DESC(0) + 12
	movw	$1, DESC(0) + 14
	movl	$BUF_ID, DESC(1)	/* the ID, next 2 */
	movl	$20, DESC(1) + 8
	movw	$(D_WRITE | D_NEXT), DESC(1) + 12
	movw	$2, DESC(1) + 14
	movl	$BUF_STATUS, DESC(2)	/* the status byte */
	movl	$1, DESC(2) + 8
	movw	$D_WRITE, DESC(2) + 12
	call	kick
2:	rd	VIO_STATUS
	test	$S_NEEDS_RESET, %eax
	jnz	get_id_broken
	movzwl	RING_USED + 2, %eax	/* used idx */
	test	%eax, %eax
	jz	2b
	cmp	$1, %eax
	jne	get_id_bad
	cmpb	$0, BUF_STATUS
	jne	get_id_bad
	rd	VIO_STATUS
	test	$S_NEEDS_RESET, %eax
	jnz	get_id_broken
	mov	$ADDR(msg_get_id), %esi
	call	puts
	mov	$BUF_ID, %esi
	call	puts
	mov	$ADDR(msg_crlf), %esi
	call	puts
	mov	$ADDR(msg_done), %esi
	call	puts
	jmp	power_off

no_device:
	mov	$ADDR(msg_no_device), %esi
	jmp	fail
get_id_broken:
	mov	$ADDR(msg_get_id_broken), %esi
	jmp	fail
get_id_bad:
	mov	$ADDR(msg_get_id_bad), %esi
fail:
	call	puts
power_off:
	mov	$POWEROFF_PORT, %dx
	out	%al, %dx
3:	hlt
	jmp	3b

/* The device up from a reset (3.1.1), its queue and buffers cleared. */
setup:
	mov	$RING_DESC, %edi
	mov	$((CLEAR_END - RING_DESC) / 4), %ecx
	xor	%eax, %eax
	rep stosl
	wr	VIO_STATUS, 0
	wr	VIO_STATUS, S_ACK
	wr	VIO_STATUS, (S_ACK | S_DRIVER)
	/* VERSION_1 (bit 32) only */
	wr	VIO_DRV_FEATURES_SEL, 0
	wr	VIO_DRV_FEATURES, 0
	wr	VIO_DRV_FEATURES_SEL, 1
	wr	VIO_DRV_FEATURES, 1
	wr	VIO_STATUS, (S_ACK | S_DRIVER | S_FEATURES_OK)
	rd	VIO_STATUS
	mov	$ADDR(msg_features), %esi
	cmp	$(S_ACK | S_DRIVER | S_FEATURES_OK), %eax
	jne	fail
	wr	VIO_QUEUE_SEL, 0
	wr	VIO_QUEUE_NUM, QNUM
	wr	VIO_DESC_LO, RING_DESC
	wr	VIO_DESC_HI, 0
	wr	VIO_DRIVER_LO, RING_AVAIL
	wr	VIO_DRIVER_HI, 0
	wr	VIO_DEVICE_LO, RING_USED
	wr	VIO_DEVICE_HI, 0
	wr	VIO_QUEUE_READY, 1
	wr	VIO_STATUS, (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)
	rd	VIO_STATUS
	mov	$ADDR(msg_setup), %esi
	cmp	$(S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK), %eax
	jne	fail
	ret

/* Offers descriptor 0 (avail ring[0] is 0 after setup) and notifies. */
kick:
	movw	$1, RING_AVAIL + 2	/* avail idx */
	wr	VIO_QUEUE_NOTIFY, 0	/* queue 0 */
	ret

/* Polls Status until the device needs a reset; no bound (see arm64). */
wait_needs_reset:
	rd	VIO_STATUS
	test	$S_NEEDS_RESET, %eax
	jz	wait_needs_reset
	ret

/* %esi: a NUL-terminated string */
puts:
	lodsb
	test	%al, %al
	jz	4f
	mov	$COM1, %dx
	out	%al, %dx
	jmp	puts
4:	ret

	.p2align 3
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: code, flat 4 GiB, 32-bit */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat 4 GiB */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	ADDR(gdt)

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
	.asciz	"hostile: FAIL no virtio-mmio version 2 block device at 0xd0000000\r\n"
msg_features:
	.asciz	"hostile: FAIL FEATURES_OK not accepted for VERSION_1\r\n"
msg_setup:
	.asciz	"hostile: FAIL the device is not live after DRIVER_OK\r\n"
msg_get_id_broken:
	.asciz	"hostile: FAIL get-id: the device needs a reset\r\n"
msg_get_id_bad:
	.asciz	"hostile: FAIL get-id: used index or status byte wrong\r\n"
