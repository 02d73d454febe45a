/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small guests for the memory, register, event and error tests, copied to
 * X86_CODE (layout in hv_x86_guest.h). 32-bit ones run in the flat
 * protected mode of x86_set_pm32(), 64-bit ones in x86_set_lm64().
 */
#include "hv_x86_guest.h"

	.section .note.GNU-stack, "", @progbits
	.section .rodata.guest, "a"

/*
 * guest_probe (32-bit): loads and stores at addresses the test chooses,
 * one command per IN from PORT_PROBE_CMD (PROBE_*); see x86_probe_*().
 */
	.code32
	.balign 16
	.globl guest_probe_start, guest_probe_end
guest_probe_start:
1:	in $PORT_PROBE_CMD, %eax
	cmp $PROBE_READ32, %eax
	je 2f
	cmp $PROBE_WRITE32, %eax
	je 3f
	cmp $PROBE_READ8, %eax
	je 4f
	cmp $PROBE_WRITE8, %eax
	je 5f
	hlt
	jmp 1b
2:	in $PORT_PROBE_ARG, %eax
	mov (%eax), %ebx
	mov %ebx, %eax
	out %eax, $PORT_PROBE_VAL
	jmp 1b
3:	in $PORT_PROBE_ARG, %eax
	mov %eax, %edx
	in $PORT_PROBE_ARG, %eax
	mov %eax, (%edx)
	out %al, $PORT_PROBE_ACK
	jmp 1b
4:	in $PORT_PROBE_ARG, %eax
	movzbl (%eax), %ebx
	mov %ebx, %eax
	out %eax, $PORT_PROBE_VAL
	jmp 1b
5:	in $PORT_PROBE_ARG, %eax
	mov %eax, %edx
	in $PORT_PROBE_ARG, %eax
	mov %al, (%edx)
	out %al, $PORT_PROBE_ACK
	jmp 1b
guest_probe_end:

/*
 * guest_events (32-bit): several entry points (the test sets RIP) and a
 * handler for each of the 256 vectors at guest_events_stubs + 16 * vector.
 * A handler reports the vector to PORT_VECTOR and the error code (0 when
 * the vector has none) to PORT_ERROR, asks PORT_SKIP how many bytes to
 * advance the return EIP by, and returns with IRET.
 */
.macro EV_STUB v
	.balign 16
	.if (\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
	.else
	push $0
	.endif
	push $\v
	jmp ev_common
.endm

	.balign 16
	.globl guest_events_start, guest_events_end, guest_events_stubs
	.globl guest_ev_sti_hlt, guest_ev_window, guest_ev_window_out
	.globl guest_ev_rdmsr, guest_ev_loop, guest_ev_cli_loop, guest_ev_insns
guest_events_start:
guest_ev_sti_hlt:			/* halt with IF=1, say 0x42 when woken */
	sti
1:	hlt
	out %al, $0x42
	jmp 1b
guest_ev_window:			/* IF=0 until sti */
	out %al, $0x50
	sti
	nop				/* the STI shadow */
guest_ev_window_out:
	out %al, $0x51
2:	hlt
	jmp 2b
guest_ev_rdmsr:				/* an MSR hv does not have: #GP(0) */
	mov $0x1234, %ecx
	rdmsr
	out %al, $0x52
	hlt
guest_ev_insns:				/* exits hv handles in the kernel */
	mov $0x1234, %eax
	mov %eax, %dr0			/* DR access: kept, never armed */
	mov %dr0, %ebx
	mov %ebx, %eax
	out %eax, $0x55
	invd				/* skipped */
	wbinvd				/* skipped */
	pause
	out %al, $0x56
	vmxon (%eax)			/* #UD, 4 bytes */
	monitor				/* #UD, 3 bytes */
	mwait				/* #UD, 3 bytes */
	rdpmc				/* #GP(0), 2 bytes */
	out %al, $0x57
	hlt
guest_ev_loop:				/* IF=1, one exit per iteration */
	sti
3:	out %al, $0x53
	jmp 3b
guest_ev_cli_loop:			/* IF=0, one exit per iteration */
	cli
4:	out %al, $0x54
	jmp 4b
ev_common:
	push %eax
	mov 4(%esp), %eax
	out %eax, $PORT_VECTOR
	mov 8(%esp), %eax
	out %eax, $PORT_ERROR
	in $PORT_SKIP, %eax
	add %eax, 12(%esp)
	pop %eax
	add $8, %esp
	iret
	.balign 16
guest_events_stubs:
	.altmacro
	.set ev_vec, 0
	.rept 256
	EV_STUB %ev_vec
	.set ev_vec, ev_vec + 1
	.endr
	.noaltmacro
guest_events_end:

/* guest_incregs (64-bit): add 1 to every GPR (8 to RSP), then halt. */
	.code64
	.balign 16
	.globl guest_incregs_start, guest_incregs_end
guest_incregs_start:
	inc %rax
	inc %rcx
	inc %rdx
	inc %rbx
	lea 8(%rsp), %rsp
	inc %rbp
	inc %rsi
	inc %rdi
	inc %r8
	inc %r9
	inc %r10
	inc %r11
	inc %r12
	inc %r13
	inc %r14
	inc %r15
	hlt
guest_incregs_end:

/*
 * guest_msrs (64-bit): RDMSR of each index of the zero-terminated u32
 * list at X86_DATA, reported by hypercall HC_MSR (value, index); then
 * SWAPGS, WRMSR LSTAR = 0xffffffff82000000, halt.
 */
	.balign 16
	.globl guest_msrs_start, guest_msrs_end
guest_msrs_start:
	mov $X86_DATA, %esi
1:	mov (%rsi), %ecx
	test %ecx, %ecx
	jz 2f
	rdmsr
	shl $32, %rdx
	mov %eax, %eax
	or %rdx, %rax
	mov %rax, %rbx
	mov $HC_MSR, %eax
	vmcall
	add $4, %rsi
	jmp 1b
2:	swapgs
	mov $0xc0000082, %ecx
	mov $0x82000000, %eax
	mov $0xffffffff, %edx
	wrmsr
	hlt
guest_msrs_end:

/*
 * guest_fpu (64-bit, CR4.OSFXSR): report XMM0, FCW and MXCSR by hypercall
 * HC_FPU, load XMM1 = 0x1122334455667788 and MXCSR = 0x1f80 | FZ, halt.
 */
	.balign 16
	.globl guest_fpu_start, guest_fpu_end
guest_fpu_start:
	movq %xmm0, %rbx
	fnstcw X86_DATA
	movzwl X86_DATA, %ecx
	stmxcsr X86_DATA + 4
	mov X86_DATA + 4, %edx
	mov $HC_FPU, %eax
	vmcall
	movabs $0x1122334455667788, %rax
	movq %rax, %xmm1
	movl $0x9f80, X86_DATA + 8
	ldmxcsr X86_DATA + 8
	hlt
guest_fpu_end:

/*
 * guest_cpuid (32-bit): CPUID of each (function, index) pair of the list
 * at X86_DATA, up to function 0xffffffff, reported by hypercall HC_CPUID
 * (ebx, ecx, edx, eax).
 */
	.code32
	.balign 16
	.globl guest_cpuid_start, guest_cpuid_end
guest_cpuid_start:
	mov $X86_DATA, %ebp
1:	mov (%ebp), %eax
	cmp $0xffffffff, %eax
	je 2f
	mov 4(%ebp), %ecx
	cpuid
	mov %eax, %esi
	mov $HC_CPUID, %eax
	vmcall
	add $8, %ebp
	jmp 1b
2:	hlt
guest_cpuid_end:

/* guest_tsc (32-bit): RDTSC reported by hypercall HC_TSC (low, high). */
	.balign 16
	.globl guest_tsc_start, guest_tsc_end
guest_tsc_start:
	rdtsc
	mov %eax, %ebx
	mov %edx, %ecx
	mov $HC_TSC, %eax
	vmcall
	hlt
guest_tsc_end:

/* guest_out_hlt (32-bit): OUT 0x70, then halt. */
	.balign 16
	.globl guest_out_hlt_start, guest_out_hlt_end
guest_out_hlt_start:
	out %al, $0x70
	hlt
guest_out_hlt_end:

/* guest_mmio_fetch (32-bit): jump to MMIO; nothing can be fetched there. */
	.balign 16
	.globl guest_mmio_fetch_start, guest_mmio_fetch_end
guest_mmio_fetch_start:
	out %al, $0x70
	mov $X86_MMIO, %eax
	jmp *%eax
guest_mmio_fetch_end:

/* guest_mmio_add (32-bit): an MMIO access that is not a MOV. */
	.balign 16
	.globl guest_mmio_add_start, guest_mmio_add_end
guest_mmio_add_start:
	out %al, $0x70
	addl $1, X86_MMIO
	out %al, $0x71
	hlt
guest_mmio_add_end:

/*
 * guest_crwrite (32-bit): sets CR4.OSFXSR and CR0.TS with MOV to CR
 * (bits hv does not own: no exit), reports CR0 and CR4 as it reads them
 * on ports 0x72 and 0x73, then halts.
 */
	.balign 16
	.globl guest_crwrite_start, guest_crwrite_end
guest_crwrite_start:
	mov %cr4, %eax
	or $0x200, %eax
	mov %eax, %cr4
	mov %cr0, %eax
	or $0x8, %eax
	mov %eax, %cr0
	mov %cr0, %eax
	out %eax, $0x72
	mov %cr4, %eax
	out %eax, $0x73
	hlt
guest_crwrite_end:

/*
 * guest_strio (32-bit): REP OUTSB of 3000 bytes from 0x20f00 and REP INSB
 * of 3000 bytes to 0x30f00 (both cross pages and need several exits),
 * then REP OUTSW with DF=1 of the 3 words at X86_DATA + 4 down to
 * X86_DATA; reports ECX and ESI on port 0x1a and halts.
 */
	.balign 16
	.globl guest_strio_start, guest_strio_end
guest_strio_start:
	cld
	mov $0x20f00, %esi
	mov $3000, %ecx
	mov $0x18, %dx
	rep outsb
	mov $0x30f00, %edi
	mov $3000, %ecx
	mov $0x19, %dx
	rep insb
	std
	mov $X86_DATA + 4, %esi
	mov $3, %ecx
	mov $0x1b, %dx
	rep outsw
	cld
	mov %ecx, %eax
	out %eax, $0x1a
	mov %esi, %eax
	out %eax, $0x1a
	hlt
guest_strio_end:
