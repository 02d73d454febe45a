// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's extended state (XCR0, the XSAVE components, the vector
 * registers) is the guest's alone: XSETBV accepts exactly the XCR0 values
 * the CPU accepts among the components hv switches, CPUID offers no
 * component hv does not switch (AMX, PKRU), and the guest's and the host
 * tasks' vector registers never mix, even when the vCPU thread is
 * preempted inside one HV_RUN. Runs where the host kernel uses XSAVE
 * (the x86-vmx-xsave target); without it the XCR0 cases skip.
 */
#include <pthread.h>
#include <sched.h>

#include "hv_x86_state.h"

#define XFEATURE_FP		0x1ULL
#define XFEATURE_SSE		0x2ULL
#define XFEATURE_YMM		0x4ULL
#define XFEATURE_AVX512		0xe0ULL	/* opmask, ZMM_Hi256, Hi16_ZMM */
#define XFEATURE_PKRU		0x200ULL
#define XFEATURE_AMX		0x60000ULL	/* XTILECFG, XTILEDATA */

FIXTURE(xstate) {
	struct hv_test_vm t;
};

FIXTURE_SETUP(xstate)
{
	x86_vm_create(_metadata, &self->t, 0);
}

FIXTURE_TEARDOWN(xstate)
{
	x86_vm_destroy(&self->t);
}

/* guest_cmd with CR4.OSXSAVE set by the guest itself. */
static void xstate_cmd_osxsave(struct __test_metadata *_metadata,
			       struct hv_test_vm *t)
{
	__u32 cr4 = 0;

	state_cmd_setup(_metadata, t);
	ASSERT_EQ(0, state_mov_cr4(_metadata, t, X86_CR4_OSXSAVE, &cr4));
	ASSERT_EQ(X86_CR4_OSXSAVE, cr4);
}

/*
 * Issue 11 item 3: XCR0 values the CPU refuses (SDM Vol. 1, 13.3
 * "Enabling the XSAVE Feature Set and XSAVE-Enabled Features"; Vol. 2C,
 * XSETBV) must be #GP in the guest, never reach the host's XSETBV (which
 * faulted in the kernel with the guest's syscall MSRs loaded).
 */
TEST_F(xstate, xsetbv_refused)
{
	static const __u64 bad[] = {
		0x0,			/* no x87 */
		0x5,			/* YMM without SSE */
		0x23,			/* opmask alone, without YMM */
		0xe3,			/* AVX-512 without YMM */
		0x67,			/* AVX-512 not all or none */
		0xa7,
		0x20003,		/* AMX XTILEDATA without XTILECFG */
		0x40003,		/* AMX XTILECFG without XTILEDATA */
		0x60003,		/* AMX: hv does not switch tile state */
		0x207,			/* PKRU: hv does not offer PKU */
		0x8000000000000003ULL,	/* reserved */
	};
	struct hv_test_vm *t = &self->t;
	__u64 host = state_host_xcr0(), xcr0 = 0;
	unsigned int i;
	int ret;

	if (!state_host_osxsave())
		SKIP(return, "the host kernel does not use XSAVE");
	xstate_cmd_osxsave(_metadata, t);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = state_xsetbv(_metadata, t, 0, bad[i], &xcr0);
		EXPECT_EQ(-13, ret)
			TH_LOG("XSETBV %#llx (host XCR0 %#llx): %s %#llx",
			       (unsigned long long)bad[i],
			       (unsigned long long)host,
			       ret ? "fault" : "accepted, XCR0 now",
			       ret ? (unsigned long long)-ret :
			       (unsigned long long)xcr0);
	}
	/* only XCR0 exists: XCR1 (XINUSE) is read-only */
	EXPECT_EQ(-13, state_xsetbv(_metadata, t, 1, 3, &xcr0));

	/* the guest's XCR0 is still the reset value, then what it sets */
	ASSERT_EQ(0, state_xsetbv(_metadata, t, 0, 3, &xcr0));
	EXPECT_EQ(3ULL, xcr0);
	if (host & XFEATURE_YMM) {
		ASSERT_EQ(0, state_xsetbv(_metadata, t, 0, 7, &xcr0));
		EXPECT_EQ(7ULL, xcr0);
	}
	if ((host & XFEATURE_AVX512) == XFEATURE_AVX512) {
		ASSERT_EQ(0, state_xsetbv(_metadata, t, 0, 0xe7, &xcr0));
		EXPECT_EQ(0xe7ULL, xcr0);
	}
}

/*
 * Issue 11 item 10: CPUID offers no XSAVE component hv does not switch
 * (AMX tiles, PKRU), no AMX feature flag, and XSETBV takes exactly what
 * CPUID.(EAX=0DH,ECX=0) offers.
 */
TEST_F(xstate, cpuid_matches_xsetbv)
{
	struct hv_test_vm *t = &self->t;
	__u32 r[4];
	__u64 offered, xcr0 = 0;

	if (!state_host_osxsave())
		SKIP(return, "the host kernel does not use XSAVE");
	xstate_cmd_osxsave(_metadata, t);

	state_cpuid(_metadata, t, 7, 0, r);
	/* EDX: AMX-BF16 (22), AMX-TILE (24), AMX-INT8 (25) */
	EXPECT_EQ(0U, r[3] & (1U << 22 | 1U << 24 | 1U << 25))
		TH_LOG("CPUID.7.0:EDX %#x offers AMX", r[3]);
	state_cpuid(_metadata, t, 7, 1, r);
	EXPECT_EQ(0U, r[0] & (1U << 21)) TH_LOG("AMX-FP16 offered");

	state_cpuid(_metadata, t, 0xd, 0, r);
	offered = (__u64)r[3] << 32 | r[0];
	EXPECT_EQ(0ULL, offered & (XFEATURE_AMX | XFEATURE_PKRU))
		TH_LOG("CPUID.0DH:EAX/EDX offers %#llx",
		       (unsigned long long)offered);
	EXPECT_EQ(0ULL, offered & ~state_host_xcr0());
	/* the component leaves of hidden components are empty */
	state_cpuid(_metadata, t, 0xd, 17, r);
	EXPECT_EQ(0U, r[0] | r[1] | r[2] | r[3]);
	state_cpuid(_metadata, t, 0xd, 18, r);
	EXPECT_EQ(0U, r[0] | r[1] | r[2] | r[3]);
	state_cpuid(_metadata, t, 0xd, 9, r);
	EXPECT_EQ(0U, r[0] | r[1] | r[2] | r[3]);

	/* everything offered is accepted, and is then XCR0 */
	ASSERT_EQ(0, state_xsetbv(_metadata, t, 0, offered, &xcr0))
		TH_LOG("XSETBV of the offered %#llx faulted",
		       (unsigned long long)offered);
	EXPECT_EQ(offered, xcr0);
}

/* The victim: a host thread with a sentinel in XMM0/YMM0. */
struct victim {
	pthread_t thread;
	int cpu;
	bool avx;
	volatile int stop;
	volatile __u64 iterations;
	__u64 sentinel[4];
	__u64 seen[4];
	int changed;
};

/* Checks XMM0 (and YMM0) against the sentinel until told to stop. */
static void *victim_run(void *arg)
{
	struct victim *v = arg;
	cpu_set_t set;
	int bad;

	CPU_ZERO(&set);
	CPU_SET(v->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	if (v->avx)
		asm volatile("vmovdqu %[pat], %%ymm0\n"
			     "1:\n\t"
			     "vmovdqu %%ymm0, %[seen]\n\t"
			     "mov %[seen], %%rax\n\t"
			     "cmp %[pat], %%rax\n\t"
			     "jne 2f\n\t"
			     "mov 8+%[seen], %%rax\n\t"
			     "cmp 8+%[pat], %%rax\n\t"
			     "jne 2f\n\t"
			     "mov 16+%[seen], %%rax\n\t"
			     "cmp 16+%[pat], %%rax\n\t"
			     "jne 2f\n\t"
			     "mov 24+%[seen], %%rax\n\t"
			     "cmp 24+%[pat], %%rax\n\t"
			     "jne 2f\n\t"
			     "incq %[it]\n\t"
			     "cmpl $0, %[stop]\n\t"
			     "je 1b\n\t"
			     "xor %[bad], %[bad]\n\t"
			     "jmp 3f\n"
			     "2:\n\t"
			     "mov $1, %[bad]\n"
			     "3:\n\t"
			     "vzeroupper\n"
			     : [bad] "=r" (bad), [seen] "=m" (v->seen),
			       [it] "+m" (v->iterations)
			     : [pat] "m" (v->sentinel), [stop] "m" (v->stop)
			     : "rax", "xmm0", "cc", "memory");
	else
		asm volatile("movdqu %[pat], %%xmm0\n"
			     "1:\n\t"
			     "movdqu %%xmm0, %[seen]\n\t"
			     "mov %[seen], %%rax\n\t"
			     "cmp %[pat], %%rax\n\t"
			     "jne 2f\n\t"
			     "mov 8+%[seen], %%rax\n\t"
			     "cmp 8+%[pat], %%rax\n\t"
			     "jne 2f\n\t"
			     "incq %[it]\n\t"
			     "cmpl $0, %[stop]\n\t"
			     "je 1b\n\t"
			     "xor %[bad], %[bad]\n\t"
			     "jmp 3f\n"
			     "2:\n\t"
			     "mov $1, %[bad]\n"
			     "3:\n"
			     : [bad] "=r" (bad), [seen] "=m" (v->seen),
			       [it] "+m" (v->iterations)
			     : [pat] "m" (v->sentinel), [stop] "m" (v->stop)
			     : "rax", "xmm0", "cc", "memory");
	v->changed = bad;
	return NULL;
}

/*
 * Issue 11 item 4: the guest's FPU state was loaded once per HV_RUN; when
 * the vCPU thread was preempted (or a softirq used the FPU) inside it, the
 * guest ran on whatever the CPU's vector registers held then, another
 * task's (here the victim's sentinel), and the other task later found the
 * guest's values in its own registers. Both threads share one CPU; the
 * guest's loop is long enough for the scheduler to switch between them
 * many times within one HV_RUN.
 */
TEST_F(xstate, vector_registers_isolated)
{
	struct hv_test_vm *t = &self->t;
	struct hv_exit_hypercall *hc = &t->run->hypercall;
	struct victim v = { 0 };
	struct hv_regs regs;
	__u64 before, after;
	cpu_set_t set;
	char buf[256];

	v.cpu = sched_getcpu();
	ASSERT_LE(0, v.cpu);
	CPU_ZERO(&set);
	CPU_SET(v.cpu, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
	v.avx = (state_host_xcr0() & 6) == 6;
	v.sentinel[0] = 0x5e17e15e17e10000ULL;
	v.sentinel[1] = 0x5e17e15e17e10001ULL;
	v.sentinel[2] = 0x5e17e15e17e10002ULL;
	v.sentinel[3] = 0x5e17e15e17e10003ULL;

	X86_LOAD(t, vecloop);
	x86_set_lm64(_metadata, t);
	x86_get_regs(_metadata, t, &regs);
	regs.gpr[HV_X86_RBX] = v.avx;
	regs.gpr[8] = 0x9e5700009e570000ULL;
	regs.gpr[9] = 0x9e5700019e570001ULL;
	regs.gpr[10] = 0x9e5700029e570002ULL;
	regs.gpr[11] = 0x9e5700039e570003ULL;
	regs.gpr[12] = 3000000;		/* about 0.3 s of guest time */
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs);

	ASSERT_EQ(0, pthread_create(&v.thread, NULL, victim_run, &v));
	/* the victim is running before the guest starts */
	while (!v.iterations)
		sched_yield();
	before = v.iterations;
	x86_run_expect(_metadata, t, HV_EXIT_HYPERCALL);
	after = v.iterations;
	v.stop = 1;
	pthread_join(v.thread, NULL);

	EXPECT_EQ(HC_VEC_DONE, hc->nr)
		TH_LOG("the guest found %#llx:%#llx (upper %#llx:%#llx) in its "
		       "vector register, not its own", (unsigned long long)hc->args[0],
		       (unsigned long long)hc->args[1],
		       (unsigned long long)hc->args[2],
		       (unsigned long long)hc->args[3]);
	EXPECT_EQ(0, v.changed)
		TH_LOG("the victim found %#llx:%#llx:%#llx:%#llx in %s0",
		       (unsigned long long)v.seen[0],
		       (unsigned long long)v.seen[1],
		       (unsigned long long)v.seen[2],
		       (unsigned long long)v.seen[3], v.avx ? "ymm" : "xmm");
	/* the two threads did share the CPU during the one HV_RUN */
	EXPECT_LT(before, after) TH_LOG("%s", x86_exit_str(t, buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
