// SPDX-License-Identifier: GPL-2.0
/*
 * hv on several host CPUs: a vCPU thread that migrates between CPUs while
 * it runs a guest, a kick of a vCPU running on another CPU, VMX on every
 * CPU, a CPU going offline and back while a VM exists, and the last VM
 * going right after a CPU came back.
 * Needs two online CPUs (the x86-vmx-smp target); skips otherwise.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "hv_tiny_guest.h"


static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* A tiny VM with its own /dev/hv file. */
static void smp_vm(struct __test_metadata *_metadata, struct hv_test_vm *t,
		   const unsigned char *code, size_t len)
{
	t->dev_fd = hv_open_dev();
	tiny_vm(_metadata, t, code, len, 0);
}

static void smp_vm_close(struct hv_test_vm *t)
{
	tiny_vm_close(t);
	close(t->dev_fd);
}

#define REQUIRE_2_CPUS() do {						\
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)				\
		SKIP(return, "needs 2 online CPUs (x86-vmx-smp target)"); \
} while (0)

/* Run one exit and check the guest's counter went on where it was. */
static void run_count(struct __test_metadata *_metadata, struct hv_test_vm *t,
		      __u8 *expect)
{
	ASSERT_EQ(0, __hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	ASSERT_EQ(GUEST_COUNT_EXIT, t->run->exit_reason);
	ASSERT_EQ(*expect, guest_count_value(t->run));
	(*expect)++;
}

TEST(vcpu_thread_migrates_between_cpus)
{
	struct hv_test_vm t;
	__u8 expect = 0;
	int i;

	REQUIRE_2_CPUS();
	smp_vm(_metadata, &t, guest_count, sizeof(guest_count));
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, pin(i % 2));
		run_count(_metadata, &t, &expect);
	}
	smp_vm_close(&t);
}

TEST(vmx_on_every_cpu)
{
	long cpu, n = sysconf(_SC_NPROCESSORS_ONLN);
	struct hv_test_vm t;
	__u8 expect = 0;

	REQUIRE_2_CPUS();
	smp_vm(_metadata, &t, guest_count, sizeof(guest_count));
	for (cpu = 0; cpu < n; cpu++) {
		ASSERT_EQ(0, pin(cpu)) TH_LOG("CPU %ld", cpu);
		run_count(_metadata, &t, &expect);
	}
	smp_vm_close(&t);
}

struct runner {
	struct hv_test_vm *t;
	int cpu;
	int ret, err;
};

static void *spin_runner(void *arg)
{
	struct runner *r = arg;

	pin(r->cpu);
	r->ret = ioctl(r->t->vcpu_fd, HV_RUN, NULL);
	r->err = errno;
	return NULL;
}

/* A vCPU spinning on CPU 1 is kicked by a thread on CPU 0. */
TEST(kick_vcpu_on_other_cpu)
{
	struct sigaction sa = { .sa_handler = sig_nop };
	struct hv_test_vm t;
	struct runner r = { .t = &t, .cpu = 1 };
	struct timespec a, b;
	pthread_t th;

	REQUIRE_2_CPUS();
	sigaction(SIGUSR1, &sa, NULL);
	smp_vm(_metadata, &t, guest_spin, sizeof(guest_spin));
	ASSERT_EQ(0, pin(0));
	ASSERT_EQ(0, pthread_create(&th, NULL, spin_runner, &r));
	usleep(100000);
	clock_gettime(CLOCK_MONOTONIC, &a);
	t.run->immediate_exit = 1;
	ASSERT_EQ(0, pthread_kill(th, SIGUSR1));
	ASSERT_EQ(0, pthread_join(th, NULL));
	clock_gettime(CLOCK_MONOTONIC, &b);
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);
	EXPECT_EQ(HV_EXIT_INTR, t.run->exit_reason);
	TH_LOG("kick took %ld us", (b.tv_sec - a.tv_sec) * 1000000 +
	       (b.tv_nsec - a.tv_nsec) / 1000);
	smp_vm_close(&t);
}

static int cpu_online(int cpu, int on)
{
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online",
		 cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, on ? "1" : "0", 1) == 1 ? 0 : -errno;
	close(fd);
	return ret;
}

/*
 * CPU 1 goes offline while the VM's VMCS was last loaded there (it must be
 * cleared by the hotplug callback), the vCPU runs on CPU 0, CPU 1 comes
 * back (VMXON again), and the vCPU runs there once more.
 */
TEST(cpu_offline_online_with_vm)
{
	struct hv_test_vm t;
	__u8 expect = 0;
	int i;

	REQUIRE_2_CPUS();
	smp_vm(_metadata, &t, guest_count, sizeof(guest_count));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pin(1));
		run_count(_metadata, &t, &expect);
		ASSERT_EQ(0, pin(0));
		ASSERT_EQ(0, cpu_online(1, 0)) TH_LOG("offline cpu1");
		run_count(_metadata, &t, &expect);
		ASSERT_EQ(0, cpu_online(1, 1)) TH_LOG("online cpu1");
		ASSERT_EQ(0, pin(1));
		run_count(_metadata, &t, &expect);
	}
	/* a VM made while a CPU is offline also works when it returns */
	ASSERT_EQ(0, pin(0));
	smp_vm_close(&t);
	ASSERT_EQ(0, cpu_online(1, 0));
	smp_vm(_metadata, &t, guest_count, sizeof(guest_count));
	expect = 0;
	run_count(_metadata, &t, &expect);
	ASSERT_EQ(0, cpu_online(1, 1));
	ASSERT_EQ(0, pin(1));
	run_count(_metadata, &t, &expect);
	smp_vm_close(&t);
}

/*
 * CPU 1 comes back under a live VM: its vCPU counts on CPU 0, CPU 1 goes
 * online, the vCPU counts there, and the VM goes.
 */
static void online_run_close(struct __test_metadata *_metadata,
			     struct hv_test_vm *t, __u8 *expect, int round)
{
	run_count(_metadata, t, expect);
	ASSERT_EQ(0, cpu_online(1, 1)) TH_LOG("online, round %d", round);
	ASSERT_EQ(0, pin(1));
	run_count(_metadata, t, expect);
	ASSERT_EQ(0, pin(0));
	smp_vm_close(t);
}

/*
 * CPU 1 comes back and the last VM goes right after, its vCPU last run on
 * CPU 1, ten times. Destroying the last VM used to wait for an RCU grace
 * period (the release of the emergency callback, vmx_cpu.c): in Bochs with
 * 2 CPUs that wait, right after a CPU came back, took 20 to 48 s of
 * emulated time in 3 of 9 rounds, and the test was killed by its time
 * limit in that uninterruptible wait, still holding its VM.
 */
TEST(cpu_online_then_last_vm_goes)
{
	struct hv_test_vm t;
	__u8 expect;
	int i;

	REQUIRE_2_CPUS();
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, pin(0));
		ASSERT_EQ(0, cpu_online(1, 0)) TH_LOG("offline, round %d", i);
		smp_vm(_metadata, &t, guest_count, sizeof(guest_count));
		expect = 0;
		online_run_close(_metadata, &t, &expect, i);
	}
}

/*
 * The last VM with an in-kernel interrupt controller goes while the CPU
 * its vCPU last ran on is offline. arm64 enables two per-CPU interrupts
 * on each CPU that runs such a VM and gives them back with the last one:
 * with on_each_cpu() alone an offline CPU kept them enabled, the kernel
 * WARNed in free_percpu_irq() ("still enabled on CPU1"), kept them
 * registered (every later irqchip VM failed with EBUSY) and their handler
 * pointed at freed per-CPU data. Found by the soak (issue 13).
 */
TEST(irqchip_vm_goes_while_its_cpu_is_offline)
{
	struct hv_test_vm t;
	__u8 expect;
	int i;

	REQUIRE_2_CPUS();
	t.dev_fd = hv_open_dev();
	if (ioctl(t.dev_fd, HV_CHECK_CAP, &(__u32){ HV_CAP_IRQCHIP }) <= 0) {
		close(t.dev_fd);
		SKIP(return, "no in-kernel interrupt controller here");
	}
	close(t.dev_fd);
	for (i = 0; i < 3; i++) {
		t.dev_fd = hv_open_dev();
		tiny_vm_flags(_metadata, &t, guest_count, sizeof(guest_count),
			      0, HV_VM_IRQCHIP);
		expect = 0;
		ASSERT_EQ(0, pin(1));
		run_count(_metadata, &t, &expect);
		ASSERT_EQ(0, pin(0));
		ASSERT_EQ(0, cpu_online(1, 0)) TH_LOG("offline, round %d", i);
		smp_vm_close(&t);
		/* the next one takes the interrupts again, CPU 1 back too */
		t.dev_fd = hv_open_dev();
		tiny_vm_flags(_metadata, &t, guest_count, sizeof(guest_count),
			      0, HV_VM_IRQCHIP);
		expect = 0;
		online_run_close(_metadata, &t, &expect, i);
	}
}

TEST_HARNESS_MAIN
