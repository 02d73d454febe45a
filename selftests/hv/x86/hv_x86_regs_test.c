// SPDX-License-Identifier: GPL-2.0
/*
 * Register state on hv: HV_SET/GET_REGS, HV_SET/GET_SREGS, HV_SET/GET_MSRS
 * on the allow-list, HV_SET/GET_FPU, HV_SET_CPUID and
 * HV_GET_SUPPORTED_CPUID; each checked by a round trip and by a guest that
 * reads (and changes) the state.
 */
#include "hv_x86_util.h"

FIXTURE(regs) {
	struct hv_test_vm t;
};

FIXTURE_SETUP(regs)
{
	x86_vm_create(_metadata, &self->t, 0);
}

FIXTURE_TEARDOWN(regs)
{
	x86_vm_destroy(&self->t);
}

static __u64 pattern(int i)
{
	return 0x0101010101010101ULL * (i + 1) + 0x1000;
}

TEST_F(regs, regs_round_trip)
{
	struct hv_test_vm *t = &self->t;
	struct hv_regs in, out;
	int i;

	for (i = 0; i < HV_X86_NR_GPRS; i++)
		in.gpr[i] = pattern(i);
	in.rip = 0xfedcba9876543210ULL;
	/* CF PF ZF SF DF OF and the fixed bit */
	in.rflags = 0x2 | 0x1 | 0x4 | 0x40 | 0x80 | 0x400 | 0x800;
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &in);
	memset(&out, 0xcc, sizeof(out));
	hv_ioctl(t->vcpu_fd, HV_GET_REGS, &out);
	for (i = 0; i < HV_X86_NR_GPRS; i++)
		EXPECT_EQ(in.gpr[i], out.gpr[i]) TH_LOG("gpr[%d]", i);
	EXPECT_EQ(in.rip, out.rip);
	EXPECT_EQ(in.rflags, out.rflags);
}

/* Every GPR goes into the guest and comes back as the guest left it. */
TEST_F(regs, regs_through_guest)
{
	struct hv_test_vm *t = &self->t;
	struct hv_regs in, out;
	int i;

	X86_LOAD(t, incregs);
	x86_set_lm64(_metadata, t);
	hv_ioctl(t->vcpu_fd, HV_GET_REGS, &in);
	for (i = 0; i < HV_X86_NR_GPRS; i++)
		if (i != HV_X86_RSP)
			in.gpr[i] = pattern(i) << 4;
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &in);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
	x86_get_regs(_metadata, t, &out);
	for (i = 0; i < HV_X86_NR_GPRS; i++)
		EXPECT_EQ(in.gpr[i] + (i == HV_X86_RSP ? 8 : 1), out.gpr[i])
			TH_LOG("gpr[%d]", i);
	EXPECT_EQ(X86_GADDR(guest_incregs_end, incregs), out.rip);
	EXPECT_EQ(0U, out.rflags & X86_RFLAGS_IF);
}

static void expect_seg(struct __test_metadata *_metadata, const char *name,
		       const struct hv_segment *a, const struct hv_segment *b)
{
	EXPECT_EQ(a->base, b->base) TH_LOG("%s.base", name);
	EXPECT_EQ(a->limit, b->limit) TH_LOG("%s.limit", name);
	EXPECT_EQ(a->selector, b->selector) TH_LOG("%s.selector", name);
	EXPECT_EQ(a->ar, b->ar) TH_LOG("%s.ar", name);
}

static void expect_sregs(struct __test_metadata *_metadata,
			 const struct hv_sregs *a, const struct hv_sregs *b)
{
	expect_seg(_metadata, "cs", &a->cs, &b->cs);
	expect_seg(_metadata, "ds", &a->ds, &b->ds);
	expect_seg(_metadata, "es", &a->es, &b->es);
	expect_seg(_metadata, "fs", &a->fs, &b->fs);
	expect_seg(_metadata, "gs", &a->gs, &b->gs);
	expect_seg(_metadata, "ss", &a->ss, &b->ss);
	expect_seg(_metadata, "tr", &a->tr, &b->tr);
	expect_seg(_metadata, "ldt", &a->ldt, &b->ldt);
	EXPECT_EQ(a->gdt.base, b->gdt.base);
	EXPECT_EQ(a->gdt.limit, b->gdt.limit);
	EXPECT_EQ(a->idt.base, b->idt.base);
	EXPECT_EQ(a->idt.limit, b->idt.limit);
	EXPECT_EQ(a->cr0, b->cr0);
	EXPECT_EQ(a->cr2, b->cr2);
	EXPECT_EQ(a->cr3, b->cr3);
	EXPECT_EQ(a->cr4, b->cr4);
	EXPECT_EQ(a->efer, b->efer);
}

TEST_F(regs, sregs_round_trip_pm32)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs in, out;

	x86_sregs_pm32(&in);
	/* distinct values where the flat setup has the same ones */
	in.ds.base = 0x10000;
	in.ds.limit = 0xfffff;
	in.ds.ar = 0x4093;		/* byte granular */
	in.fs.base = 0x12345000;
	in.gs.selector = 0x13;		/* RPL 3 */
	in.gs.ar = 0xc0f3;		/* DPL 3 */
	in.gdt.limit = 0x2f;
	in.idt.base = 0x7000;
	in.idt.limit = 0x3ff;
	in.cr2 = 0xdead0000;
	in.cr3 = 0x123000;
	in.cr0 |= X86_CR0_MP | X86_CR0_TS;
	in.cr4 = X86_CR4_OSFXSR;
	in.efer = X86_EFER_SCE | X86_EFER_NX;
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &in);
	memset(&out, 0xcc, sizeof(out));
	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &out);
	expect_sregs(_metadata, &in, &out);
}

TEST_F(regs, sregs_round_trip_lm64)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs in, out;

	x86_sregs_lm64(&in);
	in.fs.base = 0x00007f0012345000ULL;
	in.gs.base = 0xffff888000000000ULL;
	in.tr.base = 0xfffffe0000001000ULL;
	in.gdt.base = 0xfffffe0000000000ULL;
	in.idt.base = 0xfffffe0000002000ULL;
	in.cr2 = 0xffffc90000001234ULL;
	in.efer |= X86_EFER_SCE | X86_EFER_NX;
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &in);
	memset(&out, 0xcc, sizeof(out));
	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &out);
	expect_sregs(_metadata, &in, &out);
}

/* A GET_SREGS / SET_SREGS pair of the reset state changes nothing. */
TEST_F(regs, sregs_reset_state)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs a, b;

	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &a);
	EXPECT_EQ(0xf000, a.cs.selector);
	EXPECT_EQ(0xffff0000U, a.cs.base);
	EXPECT_EQ(0U, a.cr0 & X86_CR0_PE);
	EXPECT_EQ(0U, a.efer);
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &a);
	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &b);
	expect_sregs(_metadata, &a, &b);
}

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_PAT			0x277
#define MSR_TSC			0x10

/* The allow-listed MSRs and values they accept (EFER in long mode). */
static const struct hv_msr_entry test_msrs[] = {
	{ .index = MSR_EFER, .data = X86_EFER_LME | X86_EFER_LMA |
				     X86_EFER_SCE | X86_EFER_NX },
	{ .index = MSR_STAR, .data = 0x0023001000000000ULL },
	{ .index = MSR_LSTAR, .data = 0xffffffff81000000ULL },
	{ .index = MSR_CSTAR, .data = 0xffffffff81000100ULL },
	{ .index = MSR_SFMASK, .data = 0x47700 },
	{ .index = MSR_KERNEL_GS_BASE, .data = 0xffff888000001000ULL },
	{ .index = MSR_FS_BASE, .data = 0x00007f0000001000ULL },
	{ .index = MSR_GS_BASE, .data = 0xffff888000002000ULL },
	{ .index = MSR_SYSENTER_CS, .data = 0x10 },
	{ .index = MSR_SYSENTER_ESP, .data = 0xffffc90000003000ULL },
	{ .index = MSR_SYSENTER_EIP, .data = 0xffffffff81000200ULL },
	{ .index = MSR_PAT, .data = 0x0007050600070106ULL },
	{ .index = MSR_TSC_AUX, .data = 0x42 },
};

#define N_TEST_MSRS	((int)ARRAY_SIZE(test_msrs))

static int msrs_io(int fd, unsigned long cmd, struct hv_msr_entry *e, __u32 n)
{
	struct hv_msrs m = { .nmsrs = n, .entries = (uintptr_t)e };

	return __hv_ioctl(fd, cmd, &m);
}

static void set_test_msrs(struct __test_metadata *_metadata,
			  struct hv_test_vm *t)
{
	struct hv_msr_entry e[N_TEST_MSRS];

	memcpy(e, test_msrs, sizeof(e));
	ASSERT_EQ(N_TEST_MSRS,
		  msrs_io(t->vcpu_fd, HV_SET_MSRS, e, N_TEST_MSRS));
}

static void expect_test_msrs(struct __test_metadata *_metadata,
			     struct hv_test_vm *t)
{
	struct hv_msr_entry e[N_TEST_MSRS];
	int i;

	for (i = 0; i < N_TEST_MSRS; i++)
		e[i] = (struct hv_msr_entry){ .index = test_msrs[i].index,
					      .data = 0x5555 };
	ASSERT_EQ(N_TEST_MSRS,
		  msrs_io(t->vcpu_fd, HV_GET_MSRS, e, N_TEST_MSRS));
	for (i = 0; i < N_TEST_MSRS; i++)
		EXPECT_EQ(test_msrs[i].data, e[i].data)
			TH_LOG("MSR 0x%x", test_msrs[i].index);
}

TEST_F(regs, msrs_round_trip)
{
	struct hv_test_vm *t = &self->t;
	struct hv_msr_entry tsc = { .index = MSR_TSC, .data = 1ULL << 40 };

	x86_set_lm64(_metadata, t);
	set_test_msrs(_metadata, t);
	expect_test_msrs(_metadata, t);

	ASSERT_EQ(1, msrs_io(t->vcpu_fd, HV_SET_MSRS, &tsc, 1));
	tsc.data = 0;
	ASSERT_EQ(1, msrs_io(t->vcpu_fd, HV_GET_MSRS, &tsc, 1));
	EXPECT_LE(1ULL << 40, tsc.data);
	EXPECT_GT((1ULL << 40) + (1ULL << 36), tsc.data);

	/* nothing to do is fine */
	EXPECT_EQ(0, msrs_io(t->vcpu_fd, HV_GET_MSRS, &tsc, 0));
}

/*
 * The guest reads the MSRs the VMM set (RDMSR), changes some (SWAPGS,
 * WRMSR); the VMM reads the guest's values back, also after another
 * entry (the syscall MSRs live in the CPU only while the guest runs).
 */
TEST_F(regs, msrs_through_guest)
{
	struct hv_test_vm *t = &self->t;
	struct hv_exit_hypercall *hc = &t->run->hypercall;
	__u32 *list = x86_gpa(t, X86_DATA);
	struct hv_msr_entry e[3] = {
		{ .index = MSR_GS_BASE }, { .index = MSR_KERNEL_GS_BASE },
		{ .index = MSR_LSTAR },
	};
	int i;

	X86_LOAD(t, msrs);
	x86_set_lm64(_metadata, t);
	set_test_msrs(_metadata, t);
	for (i = 0; i < N_TEST_MSRS; i++)
		list[i] = test_msrs[i].index;
	list[i] = 0;

	for (i = 0; i < N_TEST_MSRS; i++) {
		x86_expect_hypercall(_metadata, t, HC_MSR, 0);
		EXPECT_EQ(test_msrs[i].index, hc->args[1]);
		EXPECT_EQ(test_msrs[i].data, hc->args[0])
			TH_LOG("guest RDMSR 0x%x", test_msrs[i].index);
	}
	x86_run_expect(_metadata, t, HV_EXIT_HLT);

	ASSERT_EQ(3, msrs_io(t->vcpu_fd, HV_GET_MSRS, e, 3));
	EXPECT_EQ(0xffff888000001000ULL, e[0].data);	/* swapped */
	EXPECT_EQ(0xffff888000002000ULL, e[1].data);
	EXPECT_EQ(0xffffffff82000000ULL, e[2].data);	/* guest WRMSR */
}

/* The count returned stops at the first MSR not done. */
TEST_F(regs, msrs_partial)
{
	struct hv_test_vm *t = &self->t;
	struct hv_msr_entry e[3];

	x86_set_lm64(_metadata, t);
	set_test_msrs(_metadata, t);

	e[0] = (struct hv_msr_entry){ .index = MSR_EFER };
	e[1] = (struct hv_msr_entry){ .index = 0x1234, .data = 0x77 };
	e[2] = (struct hv_msr_entry){ .index = MSR_STAR };
	EXPECT_EQ(1, msrs_io(t->vcpu_fd, HV_GET_MSRS, e, 3));
	EXPECT_EQ(test_msrs[0].data, e[0].data);

	e[0] = (struct hv_msr_entry){ .index = MSR_STAR, .data = 0x1111 };
	e[1] = (struct hv_msr_entry){ .index = 0x1234, .data = 0x77 };
	e[2] = (struct hv_msr_entry){ .index = MSR_CSTAR, .data = 0x2222 };
	EXPECT_EQ(1, msrs_io(t->vcpu_fd, HV_SET_MSRS, e, 3));

	/* values an MSR does not take stop the list too */
	e[1] = (struct hv_msr_entry){ .index = MSR_LSTAR,
				      .data = 0x8000000000000000ULL };
	EXPECT_EQ(1, msrs_io(t->vcpu_fd, HV_SET_MSRS, e, 3));
	e[1] = (struct hv_msr_entry){ .index = MSR_PAT,
				      .data = 0x0000000000000002ULL };
	EXPECT_EQ(1, msrs_io(t->vcpu_fd, HV_SET_MSRS, e, 3));
	/* a non-zero reserved field refuses the whole batch (EINVAL) */
	e[1] = (struct hv_msr_entry){ .index = MSR_SFMASK, .reserved = 1 };
	EXPECT_EQ(-EINVAL, msrs_io(t->vcpu_fd, HV_SET_MSRS, e, 3));
	EXPECT_EQ(-EINVAL, msrs_io(t->vcpu_fd, HV_GET_MSRS, e, 3));

	/* STAR changed, LSTAR, PAT, CSTAR, SFMASK did not */
	e[0] = (struct hv_msr_entry){ .index = MSR_STAR };
	e[1] = (struct hv_msr_entry){ .index = MSR_LSTAR };
	e[2] = (struct hv_msr_entry){ .index = MSR_CSTAR };
	ASSERT_EQ(3, msrs_io(t->vcpu_fd, HV_GET_MSRS, e, 3));
	EXPECT_EQ(0x1111U, e[0].data);
	EXPECT_EQ(test_msrs[2].data, e[1].data);
	EXPECT_EQ(test_msrs[3].data, e[2].data);
	e[0] = (struct hv_msr_entry){ .index = MSR_PAT };
	e[1] = (struct hv_msr_entry){ .index = MSR_SFMASK };
	ASSERT_EQ(2, msrs_io(t->vcpu_fd, HV_GET_MSRS, e, 2));
	EXPECT_EQ(test_msrs[11].data, e[0].data);
	EXPECT_EQ(test_msrs[4].data, e[1].data);

	/* the first entry rejected: 0 done */
	e[0] = (struct hv_msr_entry){ .index = 0x1234 };
	EXPECT_EQ(0, msrs_io(t->vcpu_fd, HV_GET_MSRS, e, 1));
	/* EFER.LME cannot change while paging is on */
	e[0] = (struct hv_msr_entry){ .index = MSR_EFER,
				      .data = X86_EFER_SCE };
	EXPECT_EQ(0, msrs_io(t->vcpu_fd, HV_SET_MSRS, e, 1));
	e[0] = (struct hv_msr_entry){ .index = MSR_EFER };
	ASSERT_EQ(1, msrs_io(t->vcpu_fd, HV_GET_MSRS, e, 1));
	EXPECT_EQ(test_msrs[0].data, e[0].data);
}

/* The guest's RDTSC follows the TSC the VMM set. */
TEST_F(regs, tsc)
{
	struct hv_test_vm *t = &self->t;
	struct hv_msr_entry tsc = { .index = MSR_TSC, .data = 1ULL << 40 };
	__u64 seen;

	X86_LOAD(t, tsc);
	x86_set_pm32(_metadata, t);
	ASSERT_EQ(1, msrs_io(t->vcpu_fd, HV_SET_MSRS, &tsc, 1));
	x86_expect_hypercall(_metadata, t, HC_TSC, 0);
	seen = t->run->hypercall.args[0] | t->run->hypercall.args[1] << 32;
	EXPECT_LE(1ULL << 40, seen);
	EXPECT_GT((1ULL << 40) + (1ULL << 36), seen);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
}

/* Offsets in the XSAVE legacy area (SDM Vol. 1, 10.5.1) and header. */
#define XS_FCW		0
#define XS_MXCSR	24
#define XS_XMM(n)	(160 + 16 * (n))
#define XS_XSTATE_BV	512

static int fpu_io(int fd, unsigned long cmd, void *buf)
{
	struct hv_fpu f = { .addr = (uintptr_t)buf, .size = HV_XSAVE_SIZE };

	return __hv_ioctl(fd, cmd, &f);
}

#define AT(buf, off, type)	(*(type *)((char *)(buf) + (off)))

TEST_F(regs, fpu_round_trip)
{
	struct hv_test_vm *t = &self->t;
	static char in[HV_XSAVE_SIZE];
	static char out[HV_XSAVE_SIZE];

	ASSERT_EQ(0, fpu_io(t->vcpu_fd, HV_GET_FPU, in));
	/* the reset state: FCW 0x37f, MXCSR 0x1f80 */
	EXPECT_EQ(0x37f, AT(in, XS_FCW, __u16));
	EXPECT_EQ(0x1f80U, AT(in, XS_MXCSR, __u32));

	AT(in, XS_FCW, __u16) = 0x027f;
	AT(in, XS_MXCSR, __u32) = 0x1fa0;
	AT(in, XS_XMM(0), __u64) = 0x0123456789abcdefULL;
	AT(in, XS_XMM(0) + 8, __u64) = 0x1122334455667788ULL;
	AT(in, XS_XMM(15), __u64) = 0xf0f0f0f0f0f0f0f0ULL;
	AT(in, XS_XSTATE_BV, __u64) |= 3;	/* x87 and SSE state given */
	ASSERT_EQ(0, fpu_io(t->vcpu_fd, HV_SET_FPU, in));
	memset(out, 0xcc, sizeof(out));
	ASSERT_EQ(0, fpu_io(t->vcpu_fd, HV_GET_FPU, out));
	EXPECT_EQ(0x027f, AT(out, XS_FCW, __u16));
	EXPECT_EQ(0x1fa0U, AT(out, XS_MXCSR, __u32));
	EXPECT_EQ(0x0123456789abcdefULL, AT(out, XS_XMM(0), __u64));
	EXPECT_EQ(0x1122334455667788ULL, AT(out, XS_XMM(0) + 8, __u64));
	EXPECT_EQ(0xf0f0f0f0f0f0f0f0ULL, AT(out, XS_XMM(15), __u64));
}

/* The guest sees the VMM's FPU state, and the VMM the guest's. */
TEST_F(regs, fpu_through_guest)
{
	struct hv_test_vm *t = &self->t;
	static char buf[HV_XSAVE_SIZE];
	struct hv_sregs s;

	X86_LOAD(t, fpu);
	x86_set_lm64(_metadata, t);
	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	s.cr4 |= X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &s);

	ASSERT_EQ(0, fpu_io(t->vcpu_fd, HV_GET_FPU, buf));
	AT(buf, XS_FCW, __u16) = 0x027f;
	AT(buf, XS_MXCSR, __u32) = 0x1fa0;
	AT(buf, XS_XMM(0), __u64) = 0x0123456789abcdefULL;
	AT(buf, XS_XSTATE_BV, __u64) |= 3;
	ASSERT_EQ(0, fpu_io(t->vcpu_fd, HV_SET_FPU, buf));

	x86_expect_hypercall(_metadata, t, HC_FPU, 0);
	EXPECT_EQ(0x0123456789abcdefULL, t->run->hypercall.args[0]);
	EXPECT_EQ(0x027fU, t->run->hypercall.args[1]);
	EXPECT_EQ(0x1fa0U, t->run->hypercall.args[2]);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);

	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, fpu_io(t->vcpu_fd, HV_GET_FPU, buf));
	EXPECT_EQ(0x1122334455667788ULL, AT(buf, XS_XMM(1), __u64));
	EXPECT_EQ(0x0123456789abcdefULL, AT(buf, XS_XMM(0), __u64));
	EXPECT_EQ(0x9f80U, AT(buf, XS_MXCSR, __u32));
}

TEST_F(regs, fpu_bad_input)
{
	struct hv_test_vm *t = &self->t;
	static char buf[HV_XSAVE_SIZE];
	static char good[HV_XSAVE_SIZE];
	struct hv_fpu f = { .addr = (uintptr_t)buf, .size = HV_XSAVE_SIZE };
	unsigned long cmds[] = { HV_GET_FPU, HV_SET_FPU };
	int i;

	ASSERT_EQ(0, fpu_io(t->vcpu_fd, HV_GET_FPU, good));
	memcpy(buf, good, sizeof(buf));
	for (i = 0; i < 2; i++) {
		f.size = HV_XSAVE_SIZE - 1;
		EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, cmds[i], &f));
		f.size = 0;
		EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, cmds[i], &f));
		f.size = 2 * HV_XSAVE_SIZE;
		EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, cmds[i], &f));
		f.size = HV_XSAVE_SIZE;
		f.flags = 1;
		EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, cmds[i], &f));
		f.flags = 0;
		f.reserved[1] = 1;
		EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, cmds[i], &f));
		f.reserved[1] = 0;
		f.addr = 0;
		EXPECT_EQ(-EFAULT, __hv_ioctl(t->vcpu_fd, cmds[i], &f));
		f.addr = (uintptr_t)buf;
	}
	/* contents the CPU would refuse */
	AT(buf, XS_MXCSR, __u32) = 0x80000000;
	EXPECT_EQ(-EINVAL, fpu_io(t->vcpu_fd, HV_SET_FPU, buf));
	memcpy(buf, good, sizeof(buf));
	AT(buf, XS_XSTATE_BV, __u64) |= 1ULL << 62;
	EXPECT_EQ(-EINVAL, fpu_io(t->vcpu_fd, HV_SET_FPU, buf));
	/* and nothing of it was taken */
	ASSERT_EQ(0, fpu_io(t->vcpu_fd, HV_GET_FPU, buf));
	EXPECT_EQ(0x1f80U, AT(buf, XS_MXCSR, __u32));
}

static const struct hv_cpuid_entry test_cpuid[] = {
	{ .function = 0, .eax = 0xd, .ebx = 0x74736554, .edx = 0x4d4d5620,
	  .ecx = 0x65726568 },
	{ .function = 1, .eax = 0x000906ea, .ebx = 0x00ff0800,
	  .ecx = 0x80000001, .edx = 0x178bfbff },
	{ .function = 7, .index = 0, .flags = HV_CPUID_INDEXED,
	  .ebx = 0x11111111 },
	{ .function = 7, .index = 1, .flags = HV_CPUID_INDEXED,
	  .ebx = 0x22222222, .eax = 0x33333333 },
	{ .function = 0x40000000, .eax = 0x40000001, .ebx = 0x564d794d,
	  .ecx = 0x794d4d56, .edx = 0x4d4d564d },
	{ .function = 0x80000000, .eax = 0x80000008, .ecx = 0x5 },
};

#define N_TEST_CPUID	((int)ARRAY_SIZE(test_cpuid))

static int cpuid_io(int fd, unsigned long cmd, struct hv_cpuid_entry *e,
		    __u32 *nent)
{
	struct hv_cpuid c = { .nent = *nent, .entries = (uintptr_t)e };
	int ret = __hv_ioctl(fd, cmd, &c);

	*nent = c.nent;
	return ret;
}

/* Guest CPUID of (function, index) pairs; the answers in @out. */
static void guest_cpuid(struct __test_metadata *_metadata,
			struct hv_test_vm *t, const __u32 (*q)[2], int n,
			struct hv_cpuid_entry *out)
{
	__u32 *list = x86_gpa(t, X86_DATA);
	struct hv_exit_hypercall *hc = &t->run->hypercall;
	int i;

	X86_LOAD(t, cpuid);
	x86_set_pm32(_metadata, t);
	for (i = 0; i < n; i++) {
		list[2 * i] = q[i][0];
		list[2 * i + 1] = q[i][1];
	}
	list[2 * n] = 0xffffffff;
	for (i = 0; i < n; i++) {
		x86_expect_hypercall(_metadata, t, HC_CPUID, 0);
		out[i] = (struct hv_cpuid_entry){
			.function = q[i][0], .index = q[i][1],
			.ebx = hc->args[0], .ecx = hc->args[1],
			.edx = hc->args[2], .eax = hc->args[3],
		};
	}
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
}

static void expect_leaf(struct __test_metadata *_metadata,
			const struct hv_cpuid_entry *want,
			const struct hv_cpuid_entry *got)
{
	EXPECT_TRUE(want->eax == got->eax && want->ebx == got->ebx &&
		    want->ecx == got->ecx && want->edx == got->edx)
		TH_LOG("leaf 0x%x.%u: got %08x %08x %08x %08x, want %08x %08x %08x %08x",
		       got->function, got->index, got->eax, got->ebx,
		       got->ecx, got->edx, want->eax, want->ebx, want->ecx,
		       want->edx);
}

/* The guest sees the VMM's table: exact leaves, indexes, zeros elsewhere. */
TEST(set_cpuid)
{
	static const __u32 q[][2] = {
		{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 7, 1 }, { 7, 2 },
		{ 0x40000000, 0 }, { 0x80000000, 5 }, { 2, 0 },
		{ 0x12345678, 0 },
	};
	struct hv_cpuid_entry e[N_TEST_CPUID], got[9], want;
	struct hv_test_vm t = { 0 };
	__u32 n = N_TEST_CPUID;

	/* vCPU 3: CPUID.1:EBX[31:24] is the vCPU's id */
	x86_vm_create(_metadata, &t, 3);
	memcpy(e, test_cpuid, sizeof(e));
	ASSERT_EQ(0, cpuid_io(t.vcpu_fd, HV_SET_CPUID, e, &n));
	guest_cpuid(_metadata, &t, q, 9, got);

	expect_leaf(_metadata, &test_cpuid[0], &got[0]);
	want = test_cpuid[1];
	want.ebx = 0x03ff0800;
	expect_leaf(_metadata, &want, &got[1]);
	expect_leaf(_metadata, &test_cpuid[2], &got[2]);
	expect_leaf(_metadata, &test_cpuid[3], &got[3]);
	want = (struct hv_cpuid_entry){ 0 };
	expect_leaf(_metadata, &want, &got[4]);
	expect_leaf(_metadata, &test_cpuid[4], &got[5]);
	expect_leaf(_metadata, &test_cpuid[5], &got[6]);
	expect_leaf(_metadata, &want, &got[7]);
	expect_leaf(_metadata, &want, &got[8]);
	x86_vm_destroy(&t);
}

TEST_F(regs, set_cpuid_bad_input)
{
	struct hv_test_vm *t = &self->t;
	static struct hv_cpuid_entry e[HV_MAX_CPUID_ENTRIES + 1];
	struct hv_cpuid c = { .nent = 1, .entries = (uintptr_t)e };
	__u32 n;

	memcpy(e, test_cpuid, sizeof(test_cpuid));
	n = 0;
	EXPECT_EQ(-EINVAL, cpuid_io(t->vcpu_fd, HV_SET_CPUID, e, &n));
	n = HV_MAX_CPUID_ENTRIES + 1;
	EXPECT_EQ(-EINVAL, cpuid_io(t->vcpu_fd, HV_SET_CPUID, e, &n));
	n = HV_MAX_CPUID_ENTRIES;
	EXPECT_EQ(0, cpuid_io(t->vcpu_fd, HV_SET_CPUID, e, &n));
	c.flags = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_CPUID, &c));
	c.flags = 0;
	c.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_CPUID, &c));
	c.reserved[0] = 0;
	e[0].reserved = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_CPUID, &c));
	e[0].reserved = 0;
	e[0].flags = 2;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_CPUID, &c));
	e[0].flags = 0;
	c.entries = 0;
	EXPECT_EQ(-EFAULT, __hv_ioctl(t->vcpu_fd, HV_SET_CPUID, &c));
	c.entries = (uintptr_t)e;
	EXPECT_EQ(0, __hv_ioctl(t->vcpu_fd, HV_SET_CPUID, &c));
	/* GET_SUPPORTED_CPUID is a /dev/hv ioctl, SET_CPUID a vCPU one */
	EXPECT_EQ(-ENOTTY, __hv_ioctl(t->dev_fd, HV_SET_CPUID, &c));
	EXPECT_EQ(-ENOTTY, __hv_ioctl(t->vcpu_fd, HV_GET_SUPPORTED_CPUID, &c));
}

static const struct hv_cpuid_entry *find_leaf(const struct hv_cpuid_entry *e,
					      __u32 n, __u32 function)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (e[i].function == function && e[i].index == 0)
			return &e[i];
	return NULL;
}

TEST_F(regs, supported_cpuid)
{
	struct hv_test_vm *t = &self->t;
	static struct hv_cpuid_entry e[4 * HV_MAX_CPUID_ENTRIES];
	const struct hv_cpuid_entry *sig, *l1;
	struct hv_cpuid c = { .nent = 1, .entries = (uintptr_t)e };
	__u32 need, n;

	/* too short: E2BIG, and nent says how many are needed */
	EXPECT_EQ(-E2BIG, __hv_ioctl(t->dev_fd, HV_GET_SUPPORTED_CPUID, &c));
	need = c.nent;
	ASSERT_LT(1U, need);
	n = need - 1;
	EXPECT_EQ(-E2BIG, cpuid_io(t->dev_fd, HV_GET_SUPPORTED_CPUID, e, &n));
	EXPECT_EQ(need, n);
	n = need;
	ASSERT_EQ(0, cpuid_io(t->dev_fd, HV_GET_SUPPORTED_CPUID, e, &n));
	EXPECT_EQ(need, n);
	n = 4 * HV_MAX_CPUID_ENTRIES;
	ASSERT_EQ(0, cpuid_io(t->dev_fd, HV_GET_SUPPORTED_CPUID, e, &n));
	EXPECT_EQ(need, n);

	sig = find_leaf(e, n, 0x40000000);
	ASSERT_NE(NULL, sig);
	EXPECT_EQ(0, memcmp(&sig->ebx, "hvhv", 4));
	EXPECT_EQ(0, memcmp(&sig->ecx, "hvhv", 4));
	EXPECT_EQ(0, memcmp(&sig->edx, "hvhv", 4));
	l1 = find_leaf(e, n, 1);
	ASSERT_NE(NULL, l1);
	EXPECT_NE(0U, l1->ecx & (1U << 31));	/* hypervisor present */
	EXPECT_EQ(0U, l1->ecx & (1U << 5));	/* no VMX */
	ASSERT_NE(NULL, find_leaf(e, n, 0));
	ASSERT_NE(NULL, find_leaf(e, n, 0x80000000));

	c.flags = 1;
	c.nent = n;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->dev_fd, HV_GET_SUPPORTED_CPUID, &c));
	c.flags = 0;
	c.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->dev_fd, HV_GET_SUPPORTED_CPUID, &c));
	c.reserved[1] = 0;
	c.entries = 0;
	EXPECT_EQ(-EFAULT, __hv_ioctl(t->dev_fd, HV_GET_SUPPORTED_CPUID, &c));
}

/*
 * No CET in the supported table: hv neither switches IA32_U_CET/IA32_S_CET
 * and the shadow-stack pointer MSRs nor offers the CET XSAVE components,
 * so a guest told of CET_SS (leaf 7 ECX bit 7) or IBT (EDX bit 20) faults
 * on its first WRMSR to them (Linux: "unchecked MSR access error: WRMSR to
 * 0x6a2" in identify_cpu()).
 */
TEST_F(regs, supported_cpuid_no_cet)
{
	struct hv_test_vm *t = &self->t;
	static struct hv_cpuid_entry e[4 * HV_MAX_CPUID_ENTRIES];
	const struct hv_cpuid_entry *l7;
	__u32 n = 4 * HV_MAX_CPUID_ENTRIES;

	ASSERT_EQ(0, cpuid_io(t->dev_fd, HV_GET_SUPPORTED_CPUID, e, &n));
	l7 = find_leaf(e, n, 7);
	if (!l7)
		SKIP(return, "no leaf 7");
	EXPECT_EQ(0U, l7->ecx & (1U << 7))
		TH_LOG("CET_SS offered: leaf 7 ECX 0x%x", l7->ecx);
	EXPECT_EQ(0U, l7->edx & (1U << 20))
		TH_LOG("IBT offered: leaf 7 EDX 0x%x", l7->edx);
}

/* Without HV_SET_CPUID the guest sees the supported table. */
TEST_F(regs, default_cpuid)
{
	struct hv_test_vm *t = &self->t;
	static struct hv_cpuid_entry e[4 * HV_MAX_CPUID_ENTRIES];
	static const __u32 q[][2] = { { 0, 0 }, { 0x40000000, 0 },
				      { 0x80000000, 0 } };
	struct hv_cpuid_entry got[3];
	__u32 n = 4 * HV_MAX_CPUID_ENTRIES;
	int i;

	ASSERT_EQ(0, cpuid_io(t->dev_fd, HV_GET_SUPPORTED_CPUID, e, &n));
	guest_cpuid(_metadata, t, q, 3, got);
	for (i = 0; i < 3; i++) {
		const struct hv_cpuid_entry *want = find_leaf(e, n, q[i][0]);

		ASSERT_NE(NULL, want);
		expect_leaf(_metadata, want, &got[i]);
	}
	EXPECT_EQ(0, memcmp(&got[1].ebx, "hvhv", 4));
}

/* The supported table is a table HV_SET_CPUID takes as it is. */
TEST_F(regs, supported_cpuid_settable)
{
	struct hv_test_vm *t = &self->t;
	static struct hv_cpuid_entry e[4 * HV_MAX_CPUID_ENTRIES];
	__u32 n = 4 * HV_MAX_CPUID_ENTRIES;

	ASSERT_EQ(0, cpuid_io(t->dev_fd, HV_GET_SUPPORTED_CPUID, e, &n));
	EXPECT_GE(HV_MAX_CPUID_ENTRIES, n)
		TH_LOG("%u supported entries, SET_CPUID takes %u", n,
		       HV_MAX_CPUID_ENTRIES);
	EXPECT_EQ(0, cpuid_io(t->vcpu_fd, HV_SET_CPUID, e, &n));
}

TEST_HARNESS_MAIN
