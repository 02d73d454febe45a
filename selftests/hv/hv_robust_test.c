// SPDX-License-Identifier: GPL-2.0
/*
 * Normal events that must never hurt the host: signals during HV_RUN, a
 * VMM killed mid-run, VMs running concurrently, module unload with a VM
 * open, and 100,000 random ioctls on random files.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hv_tiny_guest.h"


/* Fires SIGALRM (no SA_RESTART) after @usec. */
static void arm_alarm(long usec)
{
	struct itimerval it = { .it_value = { .tv_usec = usec } };
	struct sigaction sa = { .sa_handler = sig_nop };

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Fires SIGALRM every @usec until disarmed with arm_alarm(0). */
static void arm_alarm_repeat(long usec)
{
	struct itimerval it = { .it_value = { .tv_usec = usec },
				.it_interval = { .tv_usec = usec } };
	struct sigaction sa = { .sa_handler = sig_nop };

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

TEST(signal_interrupts_run_and_run_resumes)
{
	struct hv_test_vm t = { .dev_fd = hv_open_dev() };
	struct hv_regs before, after;
	int i;

	tiny_vm(_metadata, &t, guest_spin, sizeof(guest_spin), 0);
	for (i = 0; i < 5; i++) {
		arm_alarm(20000);
		ASSERT_EQ(-EINTR, __hv_ioctl(t.vcpu_fd, HV_RUN, NULL));
		ASSERT_EQ(HV_EXIT_INTR, t.run->exit_reason);
	}
	/* the guest's state is kept: it is still in its loop */
	ASSERT_EQ(0, __hv_ioctl(t.vcpu_fd, HV_GET_REGS, &before));
	EXPECT_EQ(GUEST_LOAD, GUEST_PC(before));
	arm_alarm(20000);
	ASSERT_EQ(-EINTR, __hv_ioctl(t.vcpu_fd, HV_RUN, NULL));
	ASSERT_EQ(0, __hv_ioctl(t.vcpu_fd, HV_GET_REGS, &after));
	EXPECT_EQ(GUEST_PC(before), GUEST_PC(after));
	tiny_vm_close(&t);
	close(t.dev_fd);
}

TEST(immediate_exit)
{
	struct hv_test_vm t = { .dev_fd = hv_open_dev() };

	tiny_vm(_metadata, &t, guest_count, sizeof(guest_count), 0);
	t.run->immediate_exit = 1;
	ASSERT_EQ(-EINTR, __hv_ioctl(t.vcpu_fd, HV_RUN, NULL));
	ASSERT_EQ(HV_EXIT_INTR, t.run->exit_reason);
	t.run->immediate_exit = 0;
	ASSERT_EQ(0, __hv_ioctl(t.vcpu_fd, HV_RUN, NULL));
	ASSERT_EQ(GUEST_COUNT_EXIT, t.run->exit_reason);
	tiny_vm_close(&t);
	close(t.dev_fd);
}

struct kick_ctx {
	struct hv_test_vm t;
	int ret, err;
};

static void *kick_runner(void *arg)
{
	struct kick_ctx *k = arg;

	k->ret = ioctl(k->t.vcpu_fd, HV_RUN, NULL);
	k->err = errno;
	return NULL;
}

/* Another thread kicks a spinning vCPU out with a signal. */
TEST(kick_from_another_thread)
{
	struct sigaction sa = { .sa_handler = sig_nop };
	struct kick_ctx k = { .t.dev_fd = hv_open_dev() };
	pthread_t thread;

	sigaction(SIGUSR1, &sa, NULL);
	tiny_vm(_metadata, &k.t, guest_spin, sizeof(guest_spin), 0);
	ASSERT_EQ(0, pthread_create(&thread, NULL, kick_runner, &k));
	usleep(50000);
	k.t.run->immediate_exit = 1;
	pthread_kill(thread, SIGUSR1);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(-1, k.ret);
	EXPECT_EQ(EINTR, k.err);
	EXPECT_EQ(HV_EXIT_INTR, k.t.run->exit_reason);
	tiny_vm_close(&k.t);
	close(k.t.dev_fd);
}

static long meminfo_kb(const char *key)
{
	char line[128];
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			val = atol(line + strlen(key));
	fclose(f);
	return val;
}

/* A child VMM that touches 1 MiB of guest RAM, then spins in HV_RUN. */
static void child_vmm(void)
{
	struct hv_test_vm t = { 0 };

	t.dev_fd = open(HV_DEVICE_PATH, O_RDWR);
	t.vm_fd = hv_create_vm(t.dev_fd);
	if (t.vm_fd < 0 || hv_set_region(t.vm_fd, 0, 0, 0x100000, 0))
		_exit(1);
	t.ram = hv_map_ram(t.vm_fd, 0, 0x100000);
	if (!t.ram)
		_exit(1);
	memcpy((char *)t.ram + GUEST_LOAD, guest_touch_then_spin,
	       sizeof(guest_touch_then_spin));
	t.vcpu_fd = hv_create_vcpu(t.vm_fd, 0);
	if (t.vcpu_fd < 0 || guest_set_entry(t.vcpu_fd))
		_exit(1);
	for (;;)
		ioctl(t.vcpu_fd, HV_RUN, NULL);
}

/*
 * kill -9 of a VMM in the middle of HV_RUN, 100 times: every VM is torn
 * down by the file releases and no memory stays behind.
 */
TEST(kill9_mid_run_100_times_no_leak)
{
	long before, after, margin;
	int i, status;

	before = meminfo_kb("MemAvailable:");
	for (i = 0; i < 100; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid)
			child_vmm();
		usleep(5000 + (i % 10) * 2000);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("child %d exited %d", i,
							 WEXITSTATUS(status));
	}
	after = meminfo_kb("MemAvailable:");
	/*
	 * 100 VMs of 1 MiB each would be 100 MiB; allow noise, not that. A
	 * sanitizer kernel (kmemleak, which then checks leaks object by
	 * object) also holds freed memory in KASAN's quarantine, up to 1/32
	 * of RAM: allow that much more there.
	 */
	margin = 8 * 1024;
	if (!access("/sys/kernel/debug/kmemleak", F_OK))
		margin += meminfo_kb("MemTotal:") / 32;
	EXPECT_LT(before - after, margin) TH_LOG("MemAvailable %ld -> %ld kB",
						 before, after);
}

struct counter {
	struct hv_test_vm *t;
	int exits;
	int bad;
};

static void *count_runner(void *arg)
{
	struct counter *c = arg;
	__u8 expect = 0;

	while (c->exits < 2000) {
		if (ioctl(c->t->vcpu_fd, HV_RUN, NULL) ||
		    c->t->run->exit_reason != GUEST_COUNT_EXIT ||
		    guest_count_value(c->t->run) != expect++)
			c->bad++;
		c->exits++;
	}
	return NULL;
}

/* Two VMs with two vCPUs each, all four running at once. */
TEST(two_vms_two_vcpus_concurrently)
{
	struct hv_test_vm vms[4] = { 0 };
	struct counter c[4];
	pthread_t th[4];
	int i, dev = hv_open_dev();

	for (i = 0; i < 4; i += 2) {
		vms[i].dev_fd = dev;
		tiny_vm(_metadata, &vms[i], guest_count,
			  sizeof(guest_count), 0);
		/* the second vCPU shares the first one's VM and memory */
		vms[i + 1] = vms[i];
		vms[i + 1].vcpu_fd = hv_create_vcpu(vms[i].vm_fd, 1);
		ASSERT_LE(0, vms[i + 1].vcpu_fd);
		vms[i + 1].run = hv_map_run(vms[i + 1].vcpu_fd);
		ASSERT_NE(NULL, vms[i + 1].run);
		ASSERT_EQ(0, guest_set_entry(vms[i + 1].vcpu_fd));
	}
	for (i = 0; i < 4; i++) {
		c[i] = (struct counter){ .t = &vms[i] };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, count_runner, &c[i]));
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, c[i].bad) TH_LOG("vCPU %d: %d bad exits", i,
					       c[i].bad);
	}
	for (i = 0; i < 4; i++) {
		munmap(vms[i].run, HV_RUN_MMAP_SIZE);
		close(vms[i].vcpu_fd);
	}
	for (i = 0; i < 4; i += 2) {
		munmap(vms[i].ram, RAM_SIZE);
		close(vms[i].vm_fd);
	}
	close(dev);
}

/* The module stays while a VM file exists: unload is refused, not unsafe. */
TEST(unload_refused_while_vm_open)
{
	struct hv_test_vm t = { .dev_fd = hv_open_dev() };
	long ret;

	tiny_vm(_metadata, &t, guest_spin, sizeof(guest_spin), 0);
	close(t.dev_fd);
	ret = syscall(SYS_delete_module, "hv", O_NONBLOCK);
	EXPECT_EQ(-1, ret);
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY)
		TH_LOG("delete_module: %s", strerror(errno));
	/* and the VM still works */
	arm_alarm(20000);
	EXPECT_EQ(-EINTR, __hv_ioctl(t.vcpu_fd, HV_RUN, NULL));
	tiny_vm_close(&t);
}

static unsigned long long rnd_state = 0x9e3779b97f4a7c15ULL;

static unsigned long long rnd(void)
{
	/* xorshift64*: reproducible for a fixed seed */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ULL;
}

static const unsigned long fuzz_cmds[] = {
	HV_GET_API_VERSION, HV_CREATE_VM, HV_CHECK_CAP, HV_SET_MEM_REGION,
	HV_CREATE_VCPU, HV_RUN, HV_ATTACH_VM, HV_REPORT_STOP,
#if defined(__x86_64__)
	HV_GET_REGS, HV_SET_REGS, HV_GET_SREGS, HV_SET_SREGS, HV_GET_MSRS,
	HV_SET_MSRS, HV_GET_FPU, HV_SET_FPU, HV_SET_CPUID,
	HV_GET_SUPPORTED_CPUID, HV_INJECT_EVENT,
#elif defined(__aarch64__)
	HV_GET_REGS, HV_SET_REGS, HV_GET_SYSREGS, HV_SET_SYSREGS, HV_GET_FPU,
	HV_SET_FPU, HV_SET_IRQ_LINE, HV_GET_POWER, HV_SET_POWER,
#endif
};

/* A random argument: small numbers, garbage pointers, or a random buffer. */
static unsigned long fuzz_arg(unsigned char *buf, size_t len)
{
	size_t i;

	switch (rnd() % 4) {
	case 0:
		return rnd() % 64;
	case 1:
		return rnd();
	default:
		for (i = 0; i < len; i++)
			buf[i] = (rnd() % 3) ? 0 : rnd();
		return (unsigned long)buf;
	}
}

#define FUZZ_FDS	16

struct fuzz {
	int fds[FUZZ_FDS];
	int dev;
	int made;
	long ok;
};

/* A well-formed VM with RAM and two vCPUs, so the fuzz reaches deep state. */
static void fuzz_seed(struct fuzz *f, int slot)
{
	int vm = hv_create_vm(f->dev);

	if (vm < 0)
		return;
	hv_set_region(vm, 0, 0, RAM_SIZE, 0);
	hv_set_region(vm, 1, 0xf0000, 0x10000, HV_MEM_READONLY);
	f->fds[slot] = vm;
	f->fds[slot + 1] = hv_create_vcpu(vm, 0);
	f->fds[slot + 2] = hv_create_vcpu(vm, 1);
}

/*
 * Mostly-valid arguments for the ioctls that make or change objects:
 * zeroed, a random id, slot, name or stop reason.
 */
static unsigned long fuzz_create_arg(unsigned char *buf, unsigned long cmd)
{
	memset(buf, 0, 64);
	if (cmd == HV_ATTACH_VM) {
		/* the anonymous VMs' names, or one no VM has */
		snprintf((char *)buf, HV_VM_NAME_SIZE, (rnd() % 2) ? "anon-%u" :
			 "fuzz-%u", (unsigned int)(rnd() % 16));
		((struct hv_vm_attach *)buf)->flags = !(rnd() % 8);
	}
	if (cmd == HV_REPORT_STOP)
		((struct hv_stop_report *)buf)->reason = rnd() % 4;
	if (cmd == HV_CREATE_VCPU)
		((struct hv_vcpu_create *)buf)->id = rnd() % 70;
	if (cmd == HV_SET_MEM_REGION) {
		struct hv_mem_region *r = (void *)buf;

		r->slot = rnd() % 34;
		r->guest_phys_addr = (rnd() % 64) << 16;
		r->size = (rnd() % 4) << 16;
		r->flags = rnd() % 2;
	}
	return (unsigned long)buf;
}

static void fuzz_one(struct fuzz *f, unsigned char *buf, size_t len)
{
	int fd = f->fds[rnd() % FUZZ_FDS], r = rnd() % 100;
	unsigned long cmd, arg;
	void *p;

	if (r < 80)
		cmd = fuzz_cmds[rnd() % (sizeof(fuzz_cmds) /
					 sizeof(fuzz_cmds[0]))];
	else if (r < 95)
		cmd = _IOC(rnd() % 4, HVIO, rnd() % 64, rnd() % 1024);
	else
		cmd = rnd();
	if ((cmd == HV_CREATE_VM || cmd == HV_CREATE_VCPU ||
	     cmd == HV_SET_MEM_REGION || cmd == HV_ATTACH_VM ||
	     cmd == HV_REPORT_STOP) && rnd() % 2)
		arg = fuzz_create_arg(buf, cmd);
	else
		arg = fuzz_arg(buf, len);
	/*
	 * Repeating: an alarm that fires before HV_RUN enters the guest
	 * would leave a guest that never exits (an arm64 guest in an UNDEF
	 * loop) running forever.
	 */
	if (cmd == HV_RUN)
		arm_alarm_repeat(200);
	r = ioctl(fd, cmd, arg);
	if (cmd == HV_RUN)
		arm_alarm(0);
	if (r >= 0)
		f->ok++;
	/* new VM or vCPU files join the pool; the ones they replace close */
	if (r > 2 && (cmd == HV_CREATE_VM || cmd == HV_CREATE_VCPU ||
		      cmd == HV_ATTACH_VM)) {
		int slot = 1 + rnd() % (FUZZ_FDS - 1);

		if (f->fds[slot] != f->dev)
			close(f->fds[slot]);
		f->fds[slot] = r;
		f->made++;
	}
	/* now and then, map some guest RAM or a run page, touch it, unmap */
	if (rnd() % 64 == 0) {
		size_t size = (rnd() % 2) ? HV_RUN_MMAP_SIZE : 0x10000;

		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 f->fds[rnd() % FUZZ_FDS], (rnd() % 2) ? 0 : 0xf0000);
		if (p != MAP_FAILED) {
			memset(p, rnd(), 64);
			munmap(p, size);
		}
	}
}

/*
 * The fuzz is bounded by its count, not by time: its limit is only a
 * guard against a hang. 100,000 ioctls take ~10 s of guest time on the
 * stock kernels and ~60 s on the sanitizer kernel (arm64-el2-debug),
 * past the harness's default of 30 s: 600 s is ten times the slowest.
 */
FIXTURE(fuzz) {};
FIXTURE_SETUP(fuzz) {}
FIXTURE_TEARDOWN(fuzz) {}

/*
 * 100,000 ioctls, mostly hv commands with random or nearly valid
 * arguments, on random hv files (the device, VMs with RAM, vCPUs, files
 * the fuzz made itself; some closed). HV_RUN is cut short by a timer. The
 * test passes when the host is still fine: the harness then checks the
 * kernel log.
 */
TEST_F_TIMEOUT(fuzz, random_ioctls_100k, 600)
{
	static unsigned char buf[8192] __attribute__((aligned(64)));
	struct fuzz f = { .dev = hv_open_dev() };
	int i;

	for (i = 0; i < FUZZ_FDS; i++)
		f.fds[i] = f.dev;
	fuzz_seed(&f, 1);
	fuzz_seed(&f, 4);
	for (i = 0; i < 100000; i++)
		fuzz_one(&f, buf, sizeof(buf));
	arm_alarm(0);
	TH_LOG("%ld of 100000 ioctls succeeded, %d files made", f.ok, f.made);
	EXPECT_LT(0, f.ok);
	EXPECT_LT(0, f.made);
	EXPECT_EQ(HV_API_VERSION, __hv_ioctl(f.dev, HV_GET_API_VERSION, NULL));
	for (i = 1; i < FUZZ_FDS; i++)
		if (f.fds[i] != f.dev)
			close(f.fds[i]);
	close(f.dev);
}

TEST_HARNESS_MAIN
