/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests of the interrupt controller tests (hv_x86_apic_test.c).
 *
 * guest_apic (32-bit, flat protected mode, IDT at X86_IDT with a stub per
 * vector): a command loop. Each command is an IN from APIC_PORT_CMD, its
 * arguments INs from APIC_PORT_ARG, its results OUTs to APIC_PORT_RES
 * (see apic_cmd() in the test). It runs with IF=0 except in APIC_CMD_STI
 * and APIC_CMD_WAIT. Every interrupt handler counts its vector at
 * APIC_COUNT + 4 * vector, stores the TSC at APIC_TSC + 8 * vector and
 * sends EOI (vectors >= 32; xAPIC MMIO, or the x2APIC MSR when
 * APIC_FLAGS bit 0 is set; none when bit 1 is set). #GP skips the 2-byte
 * RDMSR/WRMSR that raised it. With APIC_FLAGS bit 2 set, the first NMI's
 * handler sends the guest a second NMI (xAPIC ICR, self), which must wait
 * for the IRET.
 */
#include "hv_x86_guest.h"


	.section .note.GNU-stack, "", @progbits
	.section .rodata.guest, "a"

	.code32
	.balign 16
	.globl guest_apic_start, guest_apic_end, guest_apic_stubs
guest_apic_start:
	cli
cmd_loop:
	in $APIC_PORT_CMD, %eax
	cmp $1, %eax
	je c_r32
	cmp $2, %eax
	je c_w32
	cmp $3, %eax
	je c_rdmsr
	cmp $4, %eax
	je c_wrmsr
	cmp $5, %eax
	je c_sti
	cmp $6, %eax
	je c_wait
	cmp $7, %eax
	je c_eoi
	cmp $8, %eax
	je c_wrmsr_rel
	cmp $9, %eax
	je c_ping
	cmp $10, %eax
	je c_pong
	cmp $11, %eax
	je c_timers
	cmp $12, %eax
	je c_eoi_ipi_sti
	cmp $13, %eax
	je c_int3_eoi_ipi_sti
	cmp $14, %eax
	je c_if0_spin
	ud2

c_r32:					/* addr -> value */
	in $APIC_PORT_ARG, %eax
	mov (%eax), %eax
	out %eax, $APIC_PORT_RES
	jmp cmd_loop

c_w32:					/* addr, value -> ack; T0 before */
	in $APIC_PORT_ARG, %eax
	mov %eax, %ebx
	in $APIC_PORT_ARG, %eax
	mov %eax, %esi
	rdtsc
	mov %eax, APIC_T0
	mov %edx, APIC_T0_HI
	mov %esi, (%ebx)
	out %eax, $APIC_PORT_RES
	jmp cmd_loop

c_rdmsr:				/* index -> low, high */
	in $APIC_PORT_ARG, %eax
	mov %eax, %ecx
	mov $0xdeadbeef, %eax
	mov %eax, %edx
	rdmsr
	out %eax, $APIC_PORT_RES
	mov %edx, %eax
	out %eax, $APIC_PORT_RES
	jmp cmd_loop

c_wrmsr:				/* index, low, high -> ack; T0 */
	in $APIC_PORT_ARG, %eax
	mov %eax, %ecx
	in $APIC_PORT_ARG, %eax
	mov %eax, %esi
	in $APIC_PORT_ARG, %eax
	mov %eax, %edi
	rdtsc
	mov %eax, APIC_T0
	mov %edx, APIC_T0_HI
	mov %esi, %eax
	mov %edi, %edx
	wrmsr
	out %eax, $APIC_PORT_RES
	jmp cmd_loop

c_wrmsr_rel:				/* index, delta: MSR = TSC + delta */
	in $APIC_PORT_ARG, %eax
	mov %eax, %ecx
	in $APIC_PORT_ARG, %eax
	mov %eax, %esi
	rdtsc
	mov %eax, APIC_T0
	mov %edx, APIC_T0_HI
	add %esi, %eax
	adc $0, %edx
	wrmsr
	out %eax, $APIC_PORT_RES
	jmp cmd_loop

c_sti:					/* a few instructions with IF=1 */
	sti
	nop
	nop
	nop
	cli
	out %eax, $APIC_PORT_RES
	jmp cmd_loop

/*
 * vector, stack -> ack: EOI, a SELF IPI of the vector (x2APIC), then a
 * few instructions with IF=1 on the stack at the given address; no exit
 * on the way with virtual-interrupt delivery (both MSRs go through).
 */
c_eoi_ipi_sti:
	in $APIC_PORT_ARG, %eax
	mov %eax, %ebx
	in $APIC_PORT_ARG, %eax
	mov %eax, %esi
	mov %esp, %edi
eoi_ipi_sti:				/* ebx vector, esi stack, edi ours */
	call do_eoi
	mov $0x83f, %ecx
	mov %ebx, %eax
	xor %edx, %edx
	wrmsr
	mov %esi, %esp
	sti
	nop
	nop
	nop
	cli
	mov %edi, %esp
	out %eax, $APIC_PORT_RES
	jmp cmd_loop

/*
 * vector, stack -> ack: an INT3 on the stack at the given address, then
 * as c_eoi_ipi_sti with the stack 4 KiB below it; no exit on the way
 * but where those stacks are touched first.
 */
c_int3_eoi_ipi_sti:
	in $APIC_PORT_ARG, %eax
	mov %eax, %ebx
	in $APIC_PORT_ARG, %eax
	mov %eax, %esi
	mov %esp, %edi
	mov %esi, %esp
	int3
	mov %edi, %esp
	sub $0x1000, %esi
	jmp eoi_ipi_sti

/*
 * how, vector, n -> count, count: a CLI with IF=0 already (as a nested
 * local_irq_save() does), then nothing (how 0), a SELF IPI of the vector
 * (1, x2APIC) or an EOI (2), then n turns of a loop with no exit; the
 * vector's count then, and again after a few instructions with IF=1.
 * Host interrupts come in the loop (on Bochs at 200 M instructions a
 * second, a 250 Hz tick every 0.4 M turns).
 */
c_if0_spin:
	in $APIC_PORT_ARG, %eax
	mov %eax, %edi
	in $APIC_PORT_ARG, %eax
	mov %eax, %ebx
	in $APIC_PORT_ARG, %eax
	mov %eax, %esi
	cmp $3, %edi
	jne 3f
4:	dec %esi			/* how 3: the loop first, with IF=0 */
	jnz 4b
	mov %eax, %esi
3:	cli
	cmp $1, %edi
	jne 1f
	mov $0x83f, %ecx
	mov %ebx, %eax
	xor %edx, %edx
	wrmsr
1:	cmp $2, %edi
	jne 2f
	call do_eoi
2:	dec %esi
	jnz 2b
	mov APIC_COUNT(,%ebx,4), %eax
	out %eax, $APIC_PORT_RES
	sti
	nop
	nop
	nop
	cli
	mov APIC_COUNT(,%ebx,4), %eax
	out %eax, $APIC_PORT_RES
	jmp cmd_loop

c_wait:					/* vector, n: halt until count >= n */
	in $APIC_PORT_ARG, %eax
	mov %eax, %ebx
	in $APIC_PORT_ARG, %eax
	mov %eax, %esi
1:	mov APIC_COUNT(,%ebx,4), %eax
	cmp %esi, %eax
	jae 2f
	sti
	hlt				/* in the STI shadow: nothing slips by */
	cli
	jmp 1b
2:	out %eax, $APIC_PORT_RES
	jmp cmd_loop

/*
 * The wake-up stress commands: many rounds with no exit to user space,
 * each ending in a halt until the round's interrupt came (EBX: the vector
 * waited for, ESI: the rounds done; the handlers keep both).
 */
c_ping:					/* n, dest, vec out, vec in -> count */
	call stress_args
1:	cmp %edi, %esi
	jae stress_done
	inc %esi
	mov %ebp, 0xfee00310		/* ICR2: the destination */
	mov %edx, 0xfee00300		/* ICR: fixed, physical */
	call wait_round
	jmp 1b

c_pong:					/* n, dest, vec out, vec in -> count */
	call stress_args
1:	cmp %edi, %esi
	jae stress_done
	inc %esi
	call wait_round
	mov %ebp, 0xfee00310
	mov %edx, 0xfee00300
	jmp 1b

c_timers:				/* n, delta, -, vector -> count */
	call stress_args
1:	cmp %edi, %esi
	jae stress_done
	inc %esi
	rdtsc				/* IA32_TSC_DEADLINE = TSC + delta */
	add %ebp, %eax
	adc $0, %edx
	mov $0x6e0, %ecx
	wrmsr
	call wait_round
	jmp 1b

/* EDI = n, EBP = 2nd, EDX = 3rd, EBX = 4th argument; ESI = 0 */
stress_args:
	in $APIC_PORT_ARG, %eax
	mov %eax, %edi
	in $APIC_PORT_ARG, %eax
	mov %eax, %ebp
	in $APIC_PORT_ARG, %eax
	mov %eax, %edx
	in $APIC_PORT_ARG, %eax
	mov %eax, %ebx
	xor %esi, %esi
	ret

/* halt until the count of vector EBX reaches ESI (keeps EDX) */
wait_round:
	cmp %esi, APIC_COUNT(,%ebx,4)
	jae 1f
	sti
	hlt
	cli
	jmp wait_round
1:	ret

stress_done:
	mov APIC_COUNT(,%ebx,4), %eax
	out %eax, $APIC_PORT_RES
	jmp cmd_loop

c_eoi:
	call do_eoi
	out %eax, $APIC_PORT_RES
	jmp cmd_loop

do_eoi:
	testl $1, APIC_FLAGS
	jnz 1f
	movl $0, 0xfee000b0
	ret
1:	push %ecx
	push %edx
	mov $0x80b, %ecx
	xor %eax, %eax
	xor %edx, %edx
	wrmsr
	pop %edx
	pop %ecx
	ret

/* stack: ecx, edx, eax, vector, error code, EIP, CS, EFLAGS */
isr_common:
	push %eax
	push %edx
	push %ecx
	mov 12(%esp), %ecx
	lock incl APIC_COUNT(,%ecx,4)	/* vCPUs share the counters */
	rdtsc
	mov %eax, APIC_TSC(,%ecx,8)
	mov %edx, APIC_TSC_HI(,%ecx,8)
	cmp $2, %ecx
	jne 3f
	testl $4, APIC_FLAGS
	jz 3f
	cmpl $1, APIC_COUNT + 8
	jne 3f
	movl $0x40400, 0xfee00300	/* NMI, self */
3:	cmp $13, %ecx
	jne 1f
	addl $2, 20(%esp)		/* #GP: past the RDMSR/WRMSR */
1:	cmp $32, %ecx
	jb 2f
	testl $2, APIC_FLAGS
	jnz 2f
	call do_eoi
2:	pop %ecx
	pop %edx
	pop %eax
	add $8, %esp
	iret

.macro APIC_STUB v
	.balign 16
	.if (\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
	.else
	push $0
	.endif
	push $\v
	jmp isr_common
.endm

	.balign 16
guest_apic_stubs:
	.altmacro
	.set apic_vec, 0
	.rept 256
	APIC_STUB %apic_vec
	.set apic_vec, apic_vec + 1
	.endr
	.noaltmacro
guest_apic_end:

/*
 * guest_apic_cr8 (64-bit): CR8 and the x2APIC TPR are one register.
 * Turns x2APIC on, writes CR8 = 3 and reports TPR (0x30), writes TPR =
 * 0x70 and reports CR8 (7), then loops on OUT 0x63.
 */
	.code64
	.balign 16
	.globl guest_apic_cr8_start, guest_apic_cr8_end
guest_apic_cr8_start:
	mov $0x1b, %ecx
	rdmsr
	or $0xc00, %eax
	wrmsr
	mov $3, %eax
	mov %rax, %cr8
	mov $0x808, %ecx
	rdmsr
	out %eax, $APIC_PORT_RES
	mov $0x808, %ecx
	mov $0x70, %eax
	xor %edx, %edx
	wrmsr
	mov %cr8, %rax
	out %eax, $APIC_PORT_RES
1:	out %al, $0x63
	jmp 1b
guest_apic_cr8_end:
