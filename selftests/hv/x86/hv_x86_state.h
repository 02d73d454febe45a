/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command guest of guest_state.S (guest_cmd), for the host-state
 * isolation tests: the test answers each command and its arguments on
 * STATE_PORT_CMD and reads the result, or the vector of the #UD / #GP the
 * command took.
 */
#ifndef HV_X86_STATE_H
#define HV_X86_STATE_H

#include "hv_x86_util.h"

#define STATE_PORT_CMD		0x60
#define STATE_PORT_RESULT	0x62
#define STATE_PORT_FAULT	0x63
#define CMD_XSETBV		1
#define CMD_MOV_CR4		2
#define CMD_WRPKRU		3
#define CMD_CPUID		4
#define CMD_STEP		5
#define HC_VEC_DONE		0x80
#define HC_VEC_BAD		0x81

#define X86_CR4_OSXSAVE		(1UL << 18)
#define X86_CR4_PKE		(1UL << 22)

X86_GUEST(cmd);
X86_GUEST(vecloop);
extern const unsigned char guest_cmd_ud[], guest_cmd_gp[], guest_cmd_db[];

/* A 32-bit interrupt gate to @off (SDM Vol. 3A, 7.11). */
static inline __u64 state_gate(__u64 off)
{
	return (off & 0xffff) | ((__u64)X86_SEL_CODE32 << 16) |
	       (0x8eULL << 40) | ((off >> 16) << 48);
}

/* guest_cmd in flat protected mode, with handlers for #UD and #GP. */
static inline void state_cmd_setup(struct __test_metadata *_metadata,
				   struct hv_test_vm *t)
{
	__u64 *idt = x86_gpa(t, X86_IDT);

	X86_LOAD(t, cmd);
	memset(idt, 0, 256 * 8);
	idt[1] = state_gate(X86_GADDR(guest_cmd_db, cmd));
	idt[6] = state_gate(X86_GADDR(guest_cmd_ud, cmd));
	idt[13] = state_gate(X86_GADDR(guest_cmd_gp, cmd));
	x86_set_pm32(_metadata, t);
}

/*
 * Run to the next OUT of guest_cmd: a result (returns true, *@val set) or
 * a fault (returns false, *@val = vector).
 */
static inline bool state_next_out(struct __test_metadata *_metadata,
				  struct hv_test_vm *t, __u32 *val)
{
	struct hv_run *run = t->run;
	char buf[256];

	x86_run_expect(_metadata, t, HV_EXIT_IO);
	EXPECT_TRUE(run->io.direction == HV_IO_OUT && run->io.size == 4 &&
		    (run->io.port == STATE_PORT_RESULT ||
		     run->io.port == STATE_PORT_FAULT))
		TH_LOG("expected a result or a fault, got %s",
		       x86_exit_str(t, buf, sizeof(buf)));
	memcpy(val, hv_io_data(run), 4);
	return run->io.port == STATE_PORT_RESULT;
}

/* Send a command with @n arguments. */
static inline void state_cmd(struct __test_metadata *_metadata,
			     struct hv_test_vm *t, __u32 cmd, int n,
			     const __u32 *args)
{
	int i;

	x86_answer_in(_metadata, t, STATE_PORT_CMD, 4, cmd);
	for (i = 0; i < n; i++)
		x86_answer_in(_metadata, t, STATE_PORT_CMD, 4, args[i]);
}

/*
 * MOV to CR4 in the guest: returns -vector when it faulted, else 0 and
 * the CR4 the guest reads back in *@cr4.
 */
static inline int state_mov_cr4(struct __test_metadata *_metadata,
				struct hv_test_vm *t, __u32 value, __u32 *cr4)
{
	__u32 v;

	state_cmd(_metadata, t, CMD_MOV_CR4, 1, &value);
	if (!state_next_out(_metadata, t, &v))
		return -(int)v;
	*cr4 = v;
	return 0;
}

/* XSETBV: -vector when it faulted, else 0 and XGETBV(0) in *@xcr0. */
static inline int state_xsetbv(struct __test_metadata *_metadata,
			       struct hv_test_vm *t, __u32 ecx, __u64 value,
			       __u64 *xcr0)
{
	__u32 args[3] = { ecx, (__u32)value, (__u32)(value >> 32) };
	__u32 lo, hi;

	state_cmd(_metadata, t, CMD_XSETBV, 3, args);
	if (!state_next_out(_metadata, t, &lo))
		return -(int)lo;
	state_next_out(_metadata, t, &hi);
	*xcr0 = (__u64)hi << 32 | lo;
	return 0;
}

/* CPUID in the guest: r[] = EAX, EBX, ECX, EDX. */
static inline void state_cpuid(struct __test_metadata *_metadata,
			       struct hv_test_vm *t, __u32 fn, __u32 idx,
			       __u32 r[4])
{
	__u32 args[2] = { fn, idx };
	int i;

	state_cmd(_metadata, t, CMD_CPUID, 2, args);
	for (i = 0; i < 4; i++)
		ASSERT_TRUE(state_next_out(_metadata, t, &r[i]));
}

/* The host kernel uses XSAVE (CPUID.1:ECX.OSXSAVE[bit 27]). */
static inline bool state_host_osxsave(void)
{
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	(void)a; (void)b; (void)d;
	return c & (1U << 27);
}

static inline __u64 state_host_xcr0(void)
{
	__u32 lo, hi;

	if (!state_host_osxsave())
		return 3;
	asm volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return (__u64)hi << 32 | lo;
}

#endif /* HV_X86_STATE_H */
