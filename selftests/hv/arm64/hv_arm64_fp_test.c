// SPDX-License-Identifier: GPL-2.0
/*
 * FP/SIMD registers between a guest and the host. hv loads the guest's
 * V0-V31, FPCR and FPSR only when it first uses them in an HV_RUN (a
 * CPTR_EL2 trap) and saves them when HV_RUN returns: each side's values
 * must survive the other's use of the same registers.
 *
 * The guest (payload fp_own, guest_fp.S) fills every register from a seed,
 * exits to the VMM, and checks them all, also in a loop without exits
 * where host interrupts and preemption reach it. The VMM thread fills its
 * own registers with another seed around each HV_RUN, made as a raw
 * system call (a64_fp_syscall), and checks them after it: the guest's
 * values must not appear there. Between rounds the VMM thread moves
 * between the two CPUs, and a second thread on the first CPU fills,
 * yields and checks its own registers all along, so that the vCPU thread
 * and another FP user share a CPU.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../hv_util.h"
#include "hv_arm64_guest.h"

extern const unsigned char guest_fp_own_start[], guest_fp_own_end[];

long a64_fp_syscall(long nr, long a0, long a1, __u64 seed, __u64 *out);

#define FP_REGS		66	/* V0-V31 as two halves each, FPCR, FPSR */
#define FP_ROUNDS	120
#define FP_SPIN		400	/* checks without exits, every 8th round */

/* What a64_fp_syscall() and fp_own write for @seed (guest_fp.S). */
static void a64_fp_expect(__u64 seed, __u64 *r)
{
	__u64 s = seed & 0x1f;
	int n;

	for (n = 0; n < 32; n++) {
		r[2 * n] = seed + n;
		r[2 * n + 1] = ~(seed + n);
	}
	r[64] = s << 22;
	r[65] = s << 27 | s;
}

/* The first register of @got that differs from @seed's, or -1. */
static int a64_fp_diff(__u64 seed, const __u64 *got)
{
	__u64 want[FP_REGS];
	int i;

	a64_fp_expect(seed, want);
	for (i = 0; i < FP_REGS; i++)
		if (got[i] != want[i])
			return i;
	return -1;
}

static int a64_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* The other FP user on CPU 0: fill, yield, check, until told to stop. */
struct fp_neighbour {
	atomic_int stop;
	long rounds;
	int bad_reg;		/* -1: none seen */
	__u64 bad_seed;
};

static void *fp_neighbour_fn(void *arg)
{
	struct fp_neighbour *nb = arg;
	__u64 out[FP_REGS], seed = 0x7000000;

	nb->bad_reg = -1;
	if (a64_pin(0))
		return NULL;
	while (!atomic_load(&nb->stop)) {
		a64_fp_syscall(SYS_sched_yield, 0, 0, ++seed, out);
		nb->rounds++;
		nb->bad_reg = a64_fp_diff(seed, out);
		if (nb->bad_reg >= 0) {
			nb->bad_seed = seed;
			break;
		}
	}
	return NULL;
}

static int a64_ncpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

FIXTURE(fp) {
	struct hv_test_vm t;
	struct fp_neighbour nb;
	pthread_t nb_thread;
	int nb_joined;
	int two_cpus;
};

FIXTURE_SETUP(fp)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sysregs sys;
	struct hv_regs regs;

	self->two_cpus = a64_ncpus() >= 2;
	t->dev_fd = hv_open_dev();
	t->vm_fd = hv_create_vm(t->dev_fd);
	ASSERT_LE(0, t->vm_fd);
	t->ram_size = A64_RAM_SIZE;
	ASSERT_EQ(0, hv_set_region(t->vm_fd, 0, 0, t->ram_size, 0));
	t->ram = hv_map_ram(t->vm_fd, 0, t->ram_size);
	ASSERT_NE(NULL, t->ram);
	t->vcpu_fd = hv_create_vcpu(t->vm_fd, 0);
	ASSERT_LE(0, t->vcpu_fd);
	t->run = hv_map_run(t->vcpu_fd);
	ASSERT_NE(NULL, t->run);
	memcpy((char *)t->ram + A64_CODE, guest_fp_own_start,
	       guest_fp_own_end - guest_fp_own_start);
	ASSERT_EQ(0, ioctl(t->vcpu_fd, HV_GET_REGS, &regs));
	regs.pc = A64_CODE;
	regs.sp_el1 = A64_STACK_TOP;
	ASSERT_EQ(0, ioctl(t->vcpu_fd, HV_SET_REGS, &regs));
	ASSERT_EQ(0, ioctl(t->vcpu_fd, HV_GET_SYSREGS, &sys));
	sys.cpacr_el1 = 3 << 20;	/* FPEN: the guest's FP does not trap */
	ASSERT_EQ(0, ioctl(t->vcpu_fd, HV_SET_SYSREGS, &sys));
	ASSERT_EQ(0, a64_pin(0));
	ASSERT_EQ(0, pthread_create(&self->nb_thread, NULL, fp_neighbour_fn,
				    &self->nb));
}

FIXTURE_TEARDOWN(fp)
{
	atomic_store(&self->nb.stop, 1);
	if (!self->nb_joined)
		pthread_join(self->nb_thread, NULL);
	munmap(self->t.run, HV_RUN_MMAP_SIZE);
	munmap(self->t.ram, self->t.ram_size);
	close(self->t.vcpu_fd);
	close(self->t.vm_fd);
	close(self->t.dev_fd);
}

/*
 * Every round: HV_RUN with the VMM's registers full (seed 0x100000 + i),
 * checked after it; the guest's exit names its seed; the answer lets it
 * check its own (FP_SPIN times every 8th round); the VMM thread changes
 * CPU every other round. The guest's last values come back by
 * HV_GET_FPU.
 */
TEST_F(fp, host_and_guest_registers_survive_each_other)
{
	struct hv_test_vm *t = &self->t;
	struct hv_fpsimd fp = { 0 };
	struct hv_fpu f = { .addr = (__u64)(uintptr_t)&fp,
			    .size = HV_FPSIMD_SIZE };
	__u64 out[FP_REGS], want[FP_REGS], guest_seed = 0;
	long ret;
	int i, bad;

	for (i = 0; ; i++) {
		__u64 seed = 0x100000 + i;

		ASSERT_GE(FP_ROUNDS + 1, i);

		if (self->two_cpus)
			ASSERT_EQ(0, a64_pin((i >> 1) & 1));
		ret = a64_fp_syscall(SYS_ioctl, t->vcpu_fd, HV_RUN, seed, out);
		ASSERT_EQ(0, ret);
		bad = a64_fp_diff(seed, out);
		ASSERT_EQ(-1, bad)
			TH_LOG("round %d: the VMM's register %d is %#llx after HV_RUN",
			       i, bad, (unsigned long long)out[bad]);
		ASSERT_EQ(HV_EXIT_HYPERCALL, t->run->exit_reason);
		if (t->run->hypercall.nr == A64_HC_DONE) {
			ASSERT_EQ(0, t->run->hypercall.args[0])
				TH_LOG("round %d: guest reg %llu: %#llx, not %#llx (seed %llu)",
				       i,
				       (unsigned long long)t->run->hypercall.args[1],
				       (unsigned long long)t->run->hypercall.args[2],
				       (unsigned long long)t->run->hypercall.args[3],
				       (unsigned long long)t->run->hypercall.args[4]);
			EXPECT_EQ(guest_seed, t->run->hypercall.args[1]);
			break;
		}
		ASSERT_EQ(A64_HC_STEP, t->run->hypercall.nr);
		guest_seed = t->run->hypercall.args[0];
		ASSERT_EQ(i + 1, guest_seed);
		if (i == FP_ROUNDS)
			t->run->hypercall.ret = 0;
		else
			t->run->hypercall.ret = i % 8 == 7 ? FP_SPIN : 1;
	}
	ASSERT_EQ(FP_ROUNDS + 1, i);

	/* the guest's registers as it left them, V0 to V31 in order */
	ASSERT_EQ(0, ioctl(t->vcpu_fd, HV_GET_FPU, &f));
	a64_fp_expect(guest_seed, want);
	EXPECT_EQ(0, memcmp(fp.vregs, want, sizeof(fp.vregs)));
	EXPECT_EQ(want[64], fp.fpcr);
	EXPECT_EQ(want[65], fp.fpsr);

	atomic_store(&self->nb.stop, 1);
	pthread_join(self->nb_thread, NULL);
	self->nb_joined = 1;
	EXPECT_LT(0, self->nb.rounds);
	EXPECT_EQ(-1, self->nb.bad_reg)
		TH_LOG("the other thread's register %d changed (seed %#llx)",
		       self->nb.bad_reg,
		       (unsigned long long)self->nb.bad_seed);
	TH_LOG("%d rounds, the other thread on CPU 0 yielded %ld times",
	       i, self->nb.rounds);
}

TEST_HARNESS_MAIN
