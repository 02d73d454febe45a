// SPDX-License-Identifier: GPL-2.0
/*
 * The VMs whose vCPU threads sit in HV_RUN during the soak: the guest of
 * guest_<arch>.S on two vCPUs, and the VMM side of each of its exits.
 * The ioctl fuzz runs in the same process and may hit these files with
 * anything (registers, power state, regions), so every unexpected exit or
 * error resets the vCPU instead of failing: only an errno that no input
 * may cause is a failure.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "soak.h"

extern const unsigned char soak_guest_start[], soak_guest_end[];

#if defined(__x86_64__)
/* RAM below the legacy video hole; the guest's MMIO is at 0xb8000 */
#define SOAK_RAM_USED	0xa0000

/* A new vCPU's segments, before the fuzz could change them. */
static struct hv_sregs soak_sregs0;
static int soak_have_sregs0;

static int soak_arch_baseline(int vcpu_fd)
{
	if (soak_have_sregs0)
		return 0;
	if (ioctl(vcpu_fd, HV_GET_SREGS, &soak_sregs0))
		return -1;
	soak_sregs0.cs.selector = 0;
	soak_sregs0.cs.base = 0;
	soak_have_sregs0 = 1;
	return 0;
}

static int soak_arch_reset(struct soak_vm *vm, int i)
{
	struct hv_regs regs = { .rip = SOAK_GUEST_LOAD, .rflags = 2 };

	if (ioctl(vm->vcpu_fd[i], HV_SET_SREGS, &soak_sregs0))
		return -1;
	return ioctl(vm->vcpu_fd[i], HV_SET_REGS, &regs);
}

/* A vCPU that is not running a guest needs nothing more to run again. */
static int soak_arch_wake(struct soak_vm *vm, int i)
{
	(void)vm;
	(void)i;
	return 0;
}
#elif defined(__aarch64__)
#define SOAK_RAM_USED	SOAK_RAM_SIZE

/* A new vCPU's system registers (MMU off), before the fuzz changed any. */
static struct hv_sysregs soak_sysregs0;
static int soak_have_sysregs0;

static int soak_arch_baseline(int vcpu_fd)
{
	if (soak_have_sysregs0)
		return 0;
	if (ioctl(vcpu_fd, HV_GET_SYSREGS, &soak_sysregs0))
		return -1;
	soak_have_sysregs0 = 1;
	return 0;
}

static int soak_arch_reset(struct soak_vm *vm, int i)
{
	struct hv_regs regs = {
		.pc = SOAK_GUEST_LOAD,
		.pstate = HV_ARM64_PSTATE_EL1h | HV_ARM64_PSTATE_D |
			  HV_ARM64_PSTATE_A | HV_ARM64_PSTATE_I |
			  HV_ARM64_PSTATE_F,
	};
	struct hv_irq_line line = { 0 };
	struct hv_power on = { .state = HV_ARM64_POWER_ON };

	if (ioctl(vm->vcpu_fd[i], HV_SET_SYSREGS, &soak_sysregs0))
		return -1;
	ioctl(vm->vcpu_fd[i], HV_SET_IRQ_LINE, &line);
	line.line = HV_ARM64_FIQ_LINE;
	ioctl(vm->vcpu_fd[i], HV_SET_IRQ_LINE, &line);
	if (ioctl(vm->vcpu_fd[i], HV_SET_POWER, &on))
		return -1;
	return ioctl(vm->vcpu_fd[i], HV_SET_REGS, &regs);
}

/* A vCPU the guest powered off (PSCI CPU_OFF) waits in HV_RUN: power on. */
static int soak_arch_wake(struct soak_vm *vm, int i)
{
	struct hv_power p;

	if (ioctl(vm->vcpu_fd[i], HV_GET_POWER, &p))
		return -1;
	if (p.state == HV_ARM64_POWER_OFF)
		return soak_guest_reset(vm, i);
	return 0;
}
#endif

int soak_vm_create(struct soak_vm *vm, int dev_fd, unsigned int flags)
{
	struct hv_vm_create c = { .flags = flags };
	struct hv_mem_region r = { .slot = 0, .size = SOAK_RAM_USED };
	struct hv_vcpu_create vc = { 0 };
	void *p;
	int i;

	memset(vm, 0, sizeof(*vm));
	for (i = 0; i < SOAK_VCPUS; i++)
		vm->vcpu_fd[i] = -1;
	vm->vm_fd = ioctl(dev_fd, HV_CREATE_VM, &c);
	if (vm->vm_fd < 0)
		return -errno;
	if (ioctl(vm->vm_fd, HV_SET_MEM_REGION, &r))
		goto err;
	p = mmap(NULL, SOAK_RAM_USED, PROT_READ | PROT_WRITE, MAP_SHARED,
		 vm->vm_fd, 0);
	if (p == MAP_FAILED)
		goto err;
	vm->ram = p;
	for (i = 0; i < SOAK_VCPUS; i++) {
		vc.id = i;
		vm->vcpu_fd[i] = ioctl(vm->vm_fd, HV_CREATE_VCPU, &vc);
		if (vm->vcpu_fd[i] < 0)
			goto err;
		p = mmap(NULL, HV_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vm->vcpu_fd[i], 0);
		if (p == MAP_FAILED)
			goto err;
		vm->run[i] = p;
		if (soak_arch_baseline(vm->vcpu_fd[i]) ||
		    soak_guest_reset(vm, i))
			goto err;
	}
	return 0;
err:
	i = -errno;
	soak_vm_destroy(vm);
	return i ? i : -EIO;
}

void soak_vm_destroy(struct soak_vm *vm)
{
	int i;

	for (i = 0; i < SOAK_VCPUS; i++) {
		if (vm->run[i])
			munmap(vm->run[i], HV_RUN_MMAP_SIZE);
		if (vm->vcpu_fd[i] >= 0)
			close(vm->vcpu_fd[i]);
	}
	if (vm->ram)
		munmap(vm->ram, SOAK_RAM_USED);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = -1;
	for (i = 0; i < SOAK_VCPUS; i++)
		vm->vcpu_fd[i] = -1;
}

/* Code back in RAM (the fuzz may have written over it), vCPU at entry. */
int soak_guest_reset(struct soak_vm *vm, int i)
{
	memcpy(vm->ram + SOAK_GUEST_LOAD, soak_guest_start,
	       soak_guest_end - soak_guest_start);
	return soak_arch_reset(vm, i);
}

/* The VMM's answer to an exit; 1 when the vCPU must be reset. */
static int soak_handle_exit(struct hv_run *run)
{
	switch (run->exit_reason) {
	case HV_EXIT_IO:
		/* no sum that could wrap: the page is shared with hv */
		if (run->io.direction == HV_IO_IN &&
		    run->io.data_offset <= HV_RUN_MMAP_SIZE &&
		    (uint64_t)run->io.size * run->io.count <=
		    HV_RUN_MMAP_SIZE - run->io.data_offset)
			memset((char *)run + run->io.data_offset, 0x5a,
			       run->io.size * run->io.count);
		return 0;
	case HV_EXIT_MMIO:
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xa5, sizeof(run->mmio.data));
		return 0;
	case HV_EXIT_HYPERCALL:
		run->hypercall.ret = run->hypercall.nr + 1;
		return 0;
	case HV_EXIT_HLT:
	case HV_EXIT_IRQ_WINDOW:
	case HV_EXIT_MEM_QUOTA:
		return 0;
	default:
		/* shutdown, system event, internal error, failed entry */
		return 1;
	}
}

/*
 * One HV_RUN of vCPU @i and the VMM's side of its exit. EINTR (the
 * thread's timer, a guest that spins) and the errors the fuzz can cause
 * on these files are counted and answered with a reset; 0 unless an
 * errno no input may produce came back.
 */
int soak_guest_step(const struct soak *s, struct soak_vm *vm, int i)
{
	struct soak_stats *st = s->st;
	struct hv_run *run = vm->run[i];
	int ret;

	soak_note(vm->vcpu_fd[i], HV_RUN, 0, -1, -1, NULL);
	ret = ioctl(vm->vcpu_fd[i], HV_RUN, NULL);
	if (ret < 0) {
		switch (errno) {
		case EINTR:
			soak_add(st->run_eintr, 1);
			/* spinning, or powered off by the guest or the fuzz */
			if (soak_arch_wake(vm, i))
				soak_guest_reset(vm, i);
			return 0;
		case EBUSY:	/* a fuzz thread is in HV_RUN on it */
		case EINVAL:	/* state the fuzz set, refused at entry */
		case EFAULT:
		case ENOMEM:
		case ENOSPC:
		case EIO:
			soak_add(st->run_errors, 1);
			soak_add(st->guest_resets, 1);
			soak_guest_reset(vm, i);
			return 0;
		default:
			soak_fail(s, "HV_RUN: unexpected error %d (%s)", errno,
				  strerror(errno));
			return -1;
		}
	}
	soak_add(st->exits[run->exit_reason & 15], 1);
	if (soak_handle_exit(run)) {
		soak_add(st->guest_resets, 1);
		soak_guest_reset(vm, i);
	}
	return 0;
}

static void soak_sig_nop(int sig)
{
	(void)sig;
}

/* SIGUSR1 interrupts ioctls (no SA_RESTART) and does nothing else. */
void soak_thread_timer_init(void)
{
	struct sigaction sa = { .sa_handler = soak_sig_nop };

	sigaction(SIGUSR1, &sa, NULL);
}

static __thread timer_t soak_timer;
static __thread int soak_timer_made;

int soak_thread_timer(long usec)
{
	struct itimerspec its = {
		.it_value = { .tv_sec = usec / 1000000,
			      .tv_nsec = (usec % 1000000) * 1000 },
		.it_interval = { .tv_sec = usec / 1000000,
				 .tv_nsec = (usec % 1000000) * 1000 },
	};
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGUSR1,
	};

	if (usec < 0) {
		if (soak_timer_made && timer_delete(soak_timer))
			return -1;
		soak_timer_made = 0;
		return 0;
	}
	if (!soak_timer_made) {
		/* sigev_notify_thread_id: glibc 2.36 has no name for it */
		sev._sigev_un._tid = gettid();
		if (timer_create(CLOCK_MONOTONIC, &sev, &soak_timer))
			return -1;
		soak_timer_made = 1;
	}
	return timer_settime(soak_timer, 0, &its, NULL);
}
