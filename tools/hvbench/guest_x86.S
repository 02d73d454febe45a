/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvbench guest payloads (x86-64 long mode, identity paging, IRQs off).
 * The blob is copied to guest-physical BENCH_CODE and entered at one of the
 * offsets below with RDI = iterations. Each payload stores its TSC delta
 * at BENCH_RESULT and ends with OUT to BENCH_PORT_DONE. Only PC-relative
 * code, so it runs wherever it is copied, and bench_compute() runs natively
 * in hvbench too (it uses no privileged instruction).
 */
#include "layout.h"

	.section .note.GNU-stack, "", @progbits
	.text
	.code64
	.globl bench_blob_start, bench_blob_end
	.globl bench_cpuid, bench_pio, bench_mmio, bench_touch, bench_compute_guest
	.globl bench_compute

bench_blob_start:

/* rdtsc into %r8 (start) and %r9 (end), full 64 bits */
.macro tsc_to reg
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, \reg
.endm

.macro done
	sub %r8, %r9
	mov %r9, BENCH_RESULT
	out %al, $BENCH_PORT_DONE
	hlt
.endm

/* RDI iterations of CPUID (leaf 0): an exit the kernel handles */
bench_cpuid:
	mov %rdi, %r10
	tsc_to %r8
1:	xor %eax, %eax
	cpuid
	dec %r10
	jnz 1b
	tsc_to %r9
	done

/* RDI iterations of OUT: an exit to user space and back */
bench_pio:
	mov %rdi, %r10
	tsc_to %r8
1:	out %al, $BENCH_PORT_EXIT
	dec %r10
	jnz 1b
	tsc_to %r9
	done

/* RDI iterations of an MMIO write: EPT violation, decode, user space */
bench_mmio:
	mov %rdi, %r10
	mov $BENCH_MMIO, %r11
	tsc_to %r8
1:	movl %r10d, (%r11)
	dec %r10
	jnz 1b
	tsc_to %r9
	done

/* write RDI bytes of fresh memory at RSI (rep stosq) */
bench_touch:
	mov %rdi, %rcx
	shr $3, %rcx
	mov %rsi, %rdi
	tsc_to %r8
	xor %eax, %eax
	rep stosq
	tsc_to %r9
	done

/* the compute loop below, timed inside the guest */
bench_compute_guest:
	tsc_to %r8
	call bench_compute
	tsc_to %r9
	done

/*
 * u64 bench_compute(u64 n): n rounds of dependent integer arithmetic, no
 * memory, no exits. Returns a value that depends on every round.
 */
bench_compute:
	mov $0x9e3779b97f4a7c15, %rax
	mov $6364136223846793005, %rdx
	mov $1442695040888963407, %rsi
	mov %rdi, %rcx
1:	imul %rdx, %rax
	add %rsi, %rax
	ror $17, %rax
	dec %rcx
	jnz 1b
	ret

bench_blob_end:
