/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A multiboot v1 test kernel, written the way test kernels for QEMU's
 * -kernel are: an ELF32 file linked at 1 MiB (guest/images/Makefile) with
 * the multiboot header first, entered in 32-bit protected mode. It prints
 * on COM1 (polled, no interrupts) what the loader gave it:
 *
 *   mbtest: magic ok
 *   mbtest: cmdline <the command line: the image's path first>
 *   mbtest: mem_upper <KiB above 1 MiB>
 *   mbtest: mmap <entries> entries, <RAM entries> RAM
 *   mbtest: mods <count>
 *   mbtest: bss clean
 *
 * and exits through QEMU's isa-debug-exit port 0xf4 with the number N of
 * "exit=N" on its command line (0x7f without one), so that `hvctl run`
 * ends with status (N << 1) | 1. With "reboot" on the command line it
 * first reboots (i8042 reset, "mbtest: rebooting") and, booted again,
 * prints "mbtest: booted again" before it exits. A wrong magic prints "mbtest: bad magic"
 * and exits with 0x7e; a bss that is not zero "mbtest: bss dirty".
 */
#define COM1		0x3f8
#define DEBUG_EXIT	0xf4
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003	/* page-aligned modules, memory info */
#define I8042_CMD	0x64
#define BOOT_MARK	0x300000	/* 3 MiB: RAM no load touches */
#define BOOT_MARK_MAGIC	0x54424552	/* "REBT" */

	.text
	.code32
	.globl _start
	/* the multiboot header, in the file's first 8 KiB */
	.align	4
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

_start:
	cli
	mov	$stack_top, %esp
	cmp	$0x2badb002, %eax
	jne	bad_magic
	mov	%ebx, %ebp		/* the multiboot info structure */
	mov	$msg_magic, %esi
	call	puts

	mov	$msg_cmdline, %esi
	call	puts
	testl	$0x4, (%ebp)		/* flags.cmdline */
	jz	1f
	mov	16(%ebp), %esi
	call	puts
1:	call	newline

	mov	$msg_mem, %esi
	call	puts
	mov	8(%ebp), %eax		/* mem_upper */
	call	putdec
	call	newline

	/* the memory map: entries of size + 4 bytes, type at +20 */
	mov	$msg_mmap, %esi
	call	puts
	xor	%ecx, %ecx		/* entries */
	xor	%edx, %edx		/* RAM entries */
	testl	$0x40, (%ebp)
	jz	3f
	mov	48(%ebp), %esi		/* mmap_addr */
	mov	44(%ebp), %edi
	add	%esi, %edi		/* its end */
2:	cmp	%edi, %esi
	jae	3f
	inc	%ecx
	cmpl	$1, 20(%esi)
	jne	4f
	inc	%edx
4:	add	(%esi), %esi
	add	$4, %esi
	jmp	2b
3:	push	%edx
	mov	%ecx, %eax
	call	putdec
	mov	$msg_entries, %esi
	call	puts
	pop	%eax
	call	putdec
	mov	$msg_ram, %esi
	call	puts

	mov	$msg_mods, %esi
	call	puts
	mov	20(%ebp), %eax		/* mods_count */
	call	putdec
	call	newline

	/* the loader must have zeroed the bss (p_memsz beyond p_filesz) */
	mov	$bss_start, %edi
	mov	$bss_end - bss_start, %ecx
	xor	%eax, %eax
	repe	scasb
	mov	$msg_clean, %esi
	je	5f
	mov	$msg_dirty, %esi
5:	call	puts

	/*
	 * "reboot" on the command line: the first boot resets through the
	 * i8042; RAM keeps a mark at BOOT_MARK over the warm reset, so the
	 * second boot says so and goes on to exit.
	 */
	mov	$0x6f626572, %edx	/* "rebo" */
	call	find4
	test	%esi, %esi
	jz	20f
	cmpl	$BOOT_MARK_MAGIC, BOOT_MARK
	je	19f
	movl	$BOOT_MARK_MAGIC, BOOT_MARK
	mov	$msg_reboot, %esi
	call	puts
	mov	$0xfe, %al
	outb	%al, $I8042_CMD
	jmp	halt
19:	movl	$0, BOOT_MARK
	mov	$msg_again, %esi
	call	puts
20:
	call	exit_code
	outb	%al, $DEBUG_EXIT
	jmp	halt

bad_magic:
	mov	$msg_bad, %esi
	call	puts
	mov	$0x7e, %al
	outb	%al, $DEBUG_EXIT
halt:	hlt
	jmp	halt

/* %esi = the byte after the first 4 bytes %edx in the command line, or 0 */
find4:
	xor	%esi, %esi
	testl	$0x4, (%ebp)
	jz	17f
	mov	16(%ebp), %esi
15:	cmpb	$0, (%esi)
	je	16f
	cmp	%edx, (%esi)
	je	18f
	inc	%esi
	jmp	15b
16:	xor	%esi, %esi
17:	ret
18:	add	$4, %esi
	ret

/* %al = N of "exit=N" in the command line, else 0x7f */
exit_code:
	mov	$0x74697865, %edx	/* "exit" */
	call	find4
	mov	$0x7f, %eax
	test	%esi, %esi
	jz	9f
	cmpb	$'=', (%esi)
	jne	9f
	inc	%esi
	xor	%eax, %eax
10:	movzbl	(%esi), %ecx
	sub	$'0', %ecx
	cmp	$9, %ecx
	ja	9f
	imul	$10, %eax
	add	%ecx, %eax
	inc	%esi
	jmp	10b
9:	ret

/* putc %al on COM1, once the transmitter holding register is empty */
putc:
	push	%edx
	push	%eax
	mov	$COM1 + 5, %dx
11:	inb	%dx, %al
	test	$0x20, %al
	jz	11b
	pop	%eax
	mov	$COM1, %dx
	outb	%al, %dx
	pop	%edx
	ret

/* the NUL-terminated string at %esi */
puts:
	lodsb
	test	%al, %al
	jz	12f
	call	putc
	jmp	puts
12:	ret

newline:
	mov	$'\n', %al
	jmp	putc

/* %eax in decimal */
putdec:
	push	%ebx
	push	%edx
	push	%ecx
	mov	$10, %ebx
	xor	%ecx, %ecx
13:	xor	%edx, %edx
	div	%ebx
	push	%edx
	inc	%ecx
	test	%eax, %eax
	jnz	13b
14:	pop	%eax
	add	$'0', %al
	call	putc
	loop	14b
	pop	%ecx
	pop	%edx
	pop	%ebx
	ret

	.section .rodata
msg_magic:	.asciz	"mbtest: magic ok\n"
msg_cmdline:	.asciz	"mbtest: cmdline "
msg_mem:	.asciz	"mbtest: mem_upper "
msg_mmap:	.asciz	"mbtest: mmap "
msg_entries:	.asciz	" entries, "
msg_ram:	.asciz	" RAM\n"
msg_mods:	.asciz	"mbtest: mods "
msg_clean:	.asciz	"mbtest: bss clean\n"
msg_dirty:	.asciz	"mbtest: bss dirty\n"
msg_bad:	.asciz	"mbtest: bad magic\n"
msg_reboot:	.asciz	"mbtest: rebooting\n"
msg_again:	.asciz	"mbtest: booted again\n"

	.bss
	.align	16
bss_start:
	.skip	8192
bss_end:
	.skip	4096
stack_top:
