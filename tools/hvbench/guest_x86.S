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
#include "irq_x86.h"

	.section .note.GNU-stack, "", @progbits
	.text
	.code64
	.globl bench_blob_start, bench_blob_end
	.globl bench_cpuid, bench_pio, bench_mmio, bench_touch, bench_compute_guest
	.globl bench_compute
	.globl bench_timer_irq, bench_gsi_irq, bench_ipi, bench_ipi_peer
	.globl bench_isr_count, bench_isr_reply
	.globl bench_timer_irq_xapic, bench_isr_xapic

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

/* the end of a timed loop of R10 rounds whose body starts at label 1 */
.macro loop_done
	dec %r10
	jnz 1b
	tsc_to %r9
	done
.endm

/* RDI iterations of CPUID (leaf 0): an exit the kernel handles */
bench_cpuid:
	mov %rdi, %r10
	tsc_to %r8
1:	xor %eax, %eax
	cpuid
	loop_done

/* RDI iterations of OUT: an exit to user space and back */
bench_pio:
	mov %rdi, %r10
	tsc_to %r8
1:	out %al, $BENCH_PORT_EXIT
	loop_done

/* RDI iterations of an MMIO write: EPT violation, decode, user space */
bench_mmio:
	mov %rdi, %r10
	mov $BENCH_MMIO, %r11
	tsc_to %r8
1:	movl %r10d, (%r11)
	loop_done

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

/*
 * The interrupt payloads (irq_x86.h): the in-kernel interrupt controller,
 * x2APIC, vectors counted at BENCH_X86_COUNT by bench_isr_count. The host
 * wrote the GDT and IDT (arch_x86.c).
 */

/* tables, x2APIC on (EN | EXTD), software-enabled (SVR), no EOI pending */
irq_setup:
	lgdt BENCH_X86_GDTR
	lidt BENCH_X86_IDTR
	mov $0x1b, %ecx
	rdmsr
	or $0xc00, %eax
	wrmsr
	mov $0x80f, %ecx
	mov $0x1ff, %eax
	xor %edx, %edx
	wrmsr
	movq $0, BENCH_X86_COUNT
	xor %r12, %r12
	ret

/* interrupts on until BENCH_X86_COUNT reaches R12 (halting if it is late) */
wait_count:
	sti
	nop
	cli
1:	cmp %r12, BENCH_X86_COUNT
	jae 2f
	sti
	hlt
	cli
	jmp 1b
2:	ret

/* RDI times: TSC deadline = now (fires at once), take it, EOI */
bench_timer_irq:
	call irq_setup
	mov $0x832, %ecx		/* LVT timer: TSC-deadline mode */
	mov $(BENCH_X86_VEC_TIMER | 0x40000), %eax
	xor %edx, %edx
	wrmsr
timer_irq_rounds:			/* both timer rows: RDI timed rounds */
	mov %rdi, %r10
	tsc_to %r8
1:	inc %r12
	rdtsc
	mov $0x6e0, %ecx		/* IA32_TSC_DEADLINE */
	wrmsr
	call wait_count
	loop_done

/*
 * RDI times, the same in xAPIC mode: the APIC's registers by MMIO at
 * 0xfee00000 (SVR, LVT timer; the EOI in bench_isr_xapic), the deadline
 * still by WRMSR. Its EOI is what the hypervisor's APIC-access page makes
 * cheap or not.
 */
bench_timer_irq_xapic:
	lgdt BENCH_X86_GDTR
	lidt BENCH_X86_IDTR
	mov $0xfee00000, %r11d
	movl $0x1ff, 0xf0(%r11)		/* SVR: software-enabled */
	movl $(BENCH_X86_VEC_XTIMER | 0x40000), 0x320(%r11)
	movq $0, BENCH_X86_COUNT
	xor %r12, %r12
	jmp timer_irq_rounds

/* RDI times: ask the VMM for an edge on GSI BENCH_X86_GSI, take it, EOI */
bench_gsi_irq:
	call irq_setup
	mov $0xfec00000, %r11d		/* IOAPIC: pin = GSI, to APIC 0, edge */
	movl $(0x10 + 2 * BENCH_X86_GSI + 1), (%r11)
	movl $0, 0x10(%r11)
	movl $(0x10 + 2 * BENCH_X86_GSI), (%r11)
	movl $BENCH_X86_VEC_GSI, 0x10(%r11)
	mov %rdi, %r10
	tsc_to %r8
1:	inc %r12
	out %al, $BENCH_PORT_GSI
	call wait_count
	loop_done

/* RDI times: IPI to vCPU 1, whose handler sends one back; take it, EOI */
bench_ipi:
	call irq_setup
1:	cmpl $1, BENCH_X86_PEER_READY	/* its APIC must take IPIs first */
	jne 1b
	mov %rdi, %r10
	tsc_to %r8
1:	inc %r12
	mov $0x830, %ecx		/* ICR: fixed, physical, x2APIC ID 1 */
	mov $BENCH_X86_VEC_PING, %eax
	mov $1, %edx
	wrmsr
	call wait_count
	loop_done

/* vCPU 1: answer every ping (bench_isr_reply), halted in between */
bench_ipi_peer:
	call irq_setup
	movl $1, BENCH_X86_PEER_READY
1:	sti
	hlt
	cli
	jmp 1b

bench_isr_count:
	push %rax
	push %rcx
	push %rdx
	lock incq BENCH_X86_COUNT
	jmp isr_eoi

bench_isr_xapic:
	push %rax
	lock incq BENCH_X86_COUNT
	mov $0xfee000b0, %eax		/* xAPIC EOI (above 2 GiB: by register) */
	movl $0, (%rax)
	pop %rax
	iretq

bench_isr_reply:
	push %rax
	push %rcx
	push %rdx
	mov $0x830, %ecx		/* ICR: the reply, to x2APIC ID 0 */
	mov $BENCH_X86_VEC_PONG, %eax
	xor %edx, %edx
	wrmsr
isr_eoi:
	mov $0x80b, %ecx		/* x2APIC EOI */
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	pop %rdx
	pop %rcx
	pop %rax
	iretq

bench_blob_end:
