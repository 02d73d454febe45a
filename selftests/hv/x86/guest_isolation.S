/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests of hv_x86_isolation_test (host safety): each entry point does one
 * thing the test chose with the registers it set, then halts.
 */
#include "hv_x86_guest.h"

	.section .note.GNU-stack, "", @progbits
	.section .rodata.guest, "a"

/*
 * guest_cr8 (64-bit): CR8 = RBX at guest_cr8_start; from guest_cr8_read
 * on: report CR8 on port 0x80 and halt.
 */
	.code64
	.balign 16
	.globl guest_cr8_start, guest_cr8_end, guest_cr8_read
guest_cr8_start:
	mov %rbx, %cr8
guest_cr8_read:
	mov %cr8, %rax
	out %eax, $0x80
	hlt
guest_cr8_end:

/*
 * guest_strx (32-bit): one string I/O instruction each, with the
 * registers the test set (ES:EDI or DS:ESI, ECX, DX, DF), then halt.
 */
	.code32
	.balign 16
	.globl guest_strx_start, guest_strx_end
	.globl guest_sx_insb, guest_sx_insw, guest_sx_insl
	.globl guest_sx_rep_insb, guest_sx_rep_insw, guest_sx_rep_insl
	.globl guest_sx_outsb, guest_sx_outsw, guest_sx_outsl
	.globl guest_sx_rep_outsb, guest_sx_rep_outsw, guest_sx_rep_outsl
guest_strx_start:
guest_sx_insb:
	insb
	hlt
guest_sx_insw:
	insw
	hlt
guest_sx_insl:
	insl
	hlt
guest_sx_rep_insb:
	rep insb
	hlt
guest_sx_rep_insw:
	rep insw
	hlt
guest_sx_rep_insl:
	rep insl
	hlt
guest_sx_outsb:
	outsb
	hlt
guest_sx_outsw:
	outsw
	hlt
guest_sx_outsl:
	outsl
	hlt
guest_sx_rep_outsb:
	rep outsb
	hlt
guest_sx_rep_outsw:
	rep outsw
	hlt
guest_sx_rep_outsl:
	rep outsl
	hlt
guest_strx_end:

/*
 * guest_pend (32-bit): an instruction whose result user space supplies,
 * then the result reported on port 0x91 (the _next labels: right after
 * the instruction that exits).
 */
	.balign 16
	.globl guest_pend_start, guest_pend_end
	.globl guest_pd_in, guest_pd_in_next, guest_pd_mmio, guest_pd_mmio_next
	.globl guest_pd_hc, guest_pd_hc_next, guest_pd_ins, guest_pd_ins_next
guest_pend_start:
guest_pd_in:
	mov $0x5555aaaa, %eax
	in $0x90, %eax
guest_pd_in_next:
	out %eax, $0x91
	hlt
guest_pd_mmio:
	mov $0x5555aaaa, %eax
	mov X86_MMIO, %eax
guest_pd_mmio_next:
	out %eax, $0x91
	hlt
guest_pd_hc:
	mov $7, %eax
	vmcall
guest_pd_hc_next:
	out %eax, $0x91
	hlt
guest_pd_ins:
	cld
	mov $X86_DATA + 0x200, %edi
	mov $4, %ecx
	mov $0x92, %dx
	rep insb
guest_pd_ins_next:
	mov %edi, %eax
	out %eax, $0x91
	mov %ecx, %eax
	out %eax, $0x91
	hlt
guest_pend_end:

/*
 * guest_own (64-bit): report the 32-bit value at X86_DATA + 0x100 (the
 * test wrote it there) on port 0x95, store its complement at X86_DATA +
 * 0x104 and halt.
 */
	.code64
	.balign 16
	.globl guest_own_start, guest_own_end
guest_own_start:
	mov X86_DATA + 0x100, %eax
	out %eax, $0x95
	not %eax
	mov %eax, X86_DATA + 0x104
	hlt
guest_own_end:

/*
 * guest_cd (32-bit): CR0 |= CD, report CR0 on 0x96; CR0 |= NW, report;
 * CR0 &= ~(CD | NW), report; halt.
 */
	.code32
	.balign 16
	.globl guest_cd_start, guest_cd_end
guest_cd_start:
	mov %cr0, %eax
	or $0x40000000, %eax
	mov %eax, %cr0
	mov %cr0, %eax
	out %eax, $0x96
	or $0x20000000, %eax
	mov %eax, %cr0
	mov %cr0, %eax
	out %eax, $0x96
	and $~0x60000000, %eax
	mov %eax, %cr0
	mov %cr0, %eax
	out %eax, $0x96
	hlt
guest_cd_end:

/*
 * guest_cdloop (32-bit): set and clear CR0.CD 100 times each, halt.
 */
	.balign 16
	.globl guest_cdloop_start, guest_cdloop_end
guest_cdloop_start:
	mov $100, %ecx
1:	mov %cr0, %eax
	or $0x40000000, %eax
	mov %eax, %cr0
	and $~0x40000000, %eax
	mov %eax, %cr0
	loop 1b
	hlt
guest_cdloop_end:
