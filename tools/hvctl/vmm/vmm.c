// SPDX-License-Identifier: GPL-2.0
/*
 * The hvctl VMM: attaches to a VM of the registry by name, gives it its
 * RAM and the image, runs each of its vCPUs in a thread of its own, and
 * serves the guest console (console.c) from the main thread. The guest's
 * devices are the arch's (vmm_<arch>.c).
 *
 * Ending: whoever ends the VM (a vCPU thread on the guest's poweroff, a
 * forced stop or an error; the main thread on a signal or when `hvctl run`
 * leaves) calls hvctl_vmm_end(). The main thread then kicks every vCPU
 * thread out of HV_RUN (immediate_exit, then SIGUSR1) or out of its wait
 * for a start, and joins them all.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "vmm.h"
#include "virtio/virtio.h"
#include "ioquota.h"
#include "display/display.h"

/* SIGTERM, SIGINT or SIGHUP arrived: the main thread ends the VM */
static volatile sig_atomic_t hvctl_vmm_sig;

static void hvctl_vmm_on_signal(int sig)
{
	if (sig != SIGUSR1)	/* SIGUSR1 only kicks a vCPU out of HV_RUN */
		hvctl_vmm_sig = 1;
}

void hvctl_vmm_log(struct hvctl_vmm *vmm, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hvctl-vmm[%s]: ", vmm->def->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* --- set-up ---------------------------------------------------------------- */

static int hvctl_vmm_create_vcpu(struct hvctl_vmm *vmm, unsigned int id)
{
	struct hvctl_vcpu *vcpu = &vmm->vcpus[id];
	struct hv_vcpu_create vc = { .id = id };

	vcpu->vmm = vmm;
	vcpu->id = id;
	vcpu->fd = ioctl(vmm->vm, HV_CREATE_VCPU, &vc);
	if (vcpu->fd < 0) {
		hvctl_err("start %s: cannot create vCPU %u: %s", vmm->def->name,
			  id, strerror(errno));
		return -1;
	}
	vcpu->run = mmap(NULL, HV_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		hvctl_err("start %s: cannot map the run structure of vCPU %u: %s",
			  vmm->def->name, id, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The defaults of an arch without its own hvctl_arch_prepare() (vmm.h):
 * RAM at 0, and a kernel guest gets the in-kernel interrupt controller when
 * hv has one (HV_CAP_IRQCHIP: its number of lines): an OS needs
 * interrupts, while the bare images poll and keep the VMM's own vCPU start
 * ports.
 */
__attribute__((weak)) int hvctl_arch_prepare(struct hvctl_vmm *vmm)
{
	vmm->ram_base = 0;
	vmm->attach_flags = 0;
	if (vmm->def->kernel[0])
		hvctl_vmm_want_irqchip(vmm);
	return 0;
}

/* The VM gets the in-kernel interrupt controller if hv has one. */
void hvctl_vmm_want_irqchip(struct hvctl_vmm *vmm)
{
	__u32 cap = HV_CAP_IRQCHIP;
	int lines;

	lines = ioctl(vmm->dev, HV_CHECK_CAP, &cap);
	if (lines <= 0)
		return;
	vmm->irq_lines = lines;
	vmm->attach_flags = HV_VM_IRQCHIP;
}

/* A restart's default: the arch's devices as at the start (vmm.h). */
__attribute__((weak)) void hvctl_arch_restart(struct hvctl_vmm *vmm)
{
	memset(&vmm->arch, 0, sizeof(vmm->arch));
}

__attribute__((weak)) void hvctl_arch_dump_vcpu(struct hvctl_vcpu *vcpu)
{
	(void)vcpu;
}

void hvctl_vmm_irq_line(struct hvctl_vmm *vmm, unsigned int irq, int level)
{
	struct hv_irq_level l = { .irq = irq, .level = !!level };

	if (irq >= vmm->irq_lines)
		return;
	if (ioctl(vmm->vm, HV_IRQ_LINE, &l))
		hvctl_vmm_log(vmm, "IRQ line %u: %s", irq, strerror(errno));
}

static int hvctl_vmm_attach(struct hvctl_vmm *vmm)
{
	struct hv_vm_attach a;
	struct hv_mem_region r = { 0 };

	vmm->dev = hvctl_open_dev();
	if (vmm->dev < 0 || hvctl_arch_prepare(vmm))
		return -1;
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", vmm->def->name);
	a.flags = vmm->attach_flags;
	vmm->vm = ioctl(vmm->dev, HV_ATTACH_VM, &a);
	if (vmm->vm < 0) {
		hvctl_err(errno == EBUSY ? "start %s: the VM is running already" :
			  errno == ENOENT ? "start %s: no such VM" :
			  errno == EPERM ? "start %s: permission denied (not the VM's owner)" :
			  "start %s: cannot attach to the VM", vmm->def->name);
		return -1;
	}
	r.guest_phys_addr = vmm->ram_base;
	r.size = vmm->def->memory;
	if (ioctl(vmm->vm, HV_SET_MEM_REGION, &r)) {
		hvctl_err("start %s: cannot give the VM %llu bytes of RAM at 0x%llx: %s",
			  vmm->def->name, (unsigned long long)r.size,
			  (unsigned long long)r.guest_phys_addr, strerror(errno));
		return -1;
	}
	/* the mmap offset of a VM fd is a guest-physical address */
	vmm->mem = mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			vmm->vm, vmm->ram_base);
	if (vmm->mem == MAP_FAILED) {
		vmm->mem = NULL;
		hvctl_err("start %s: cannot map the guest's RAM: %s",
			  vmm->def->name, strerror(errno));
		return -1;
	}
	if (vmm->def->vcpus < 1 || vmm->def->vcpus > HV_MAX_VCPUS) {
		hvctl_err("start %s: %u vCPUs: hvctl runs 1 to %d", vmm->def->name,
			  vmm->def->vcpus, HV_MAX_VCPUS);
		return -1;
	}
	/* every vCPU exists before any runs: the guest may start any of them */
	for (vmm->nr_vcpus = 0; vmm->nr_vcpus < vmm->def->vcpus; vmm->nr_vcpus++)
		if (hvctl_vmm_create_vcpu(vmm, vmm->nr_vcpus))
			return -1;
	return 0;
}

static int hvctl_vmm_listen(struct hvctl_vmm *vmm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[PATH_MAX];

	hvctl_state_path(vmm->def->name, "sock", path, sizeof(path));
	if (strlen(path) >= sizeof(sa.sun_path)) {
		hvctl_err("the console socket path %s is too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	vmm->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (vmm->listen_fd < 0 ||
	    bind(vmm->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(vmm->listen_fd, 4)) {
		hvctl_err("console socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* --- the vCPU threads ------------------------------------------------------ */

void hvctl_vmm_end(struct hvctl_vmm *vmm, uint32_t reason)
{
	int was_done;

	pthread_mutex_lock(&vmm->lock);
	was_done = vmm->done;
	/* the first reason wins: a poweroff is not undone by the stop after it */
	if (!was_done && reason)
		vmm->stop_reason = reason;
	vmm->done = 1;
	pthread_cond_broadcast(&vmm->cond);
	pthread_mutex_unlock(&vmm->lock);
	if (!was_done && write(vmm->wake[1], "x", 1) < 0)
		hvctl_vmm_log(vmm, "wake: %s", strerror(errno));
}

/*
 * A restart keeps RAM (as a warm reset does) and the VM (its name stays
 * "running" in the registry throughout), and loads the kernel (or, with
 * --on-reboot=restart, the image) again. The arch puts every vCPU and the
 * in-kernel interrupt controller back as they were at power-on through
 * hv's state ioctls (hvctl_arch_vcpu_setup(): x86 reset_x86.c, arm64
 * reset_gic.c).
 */
void hvctl_vmm_reset(struct hvctl_vmm *vmm, unsigned int vcpu)
{
	const char *why = NULL;

	if (vmm->def->on_reboot == HVCTL_ON_REBOOT_STOP)
		why = vmm->def->kernel[0] ? "--on-reboot=stop" :
		      "an image guest stops";
	if (why) {
		hvctl_vmm_log(vmm, "vCPU %u reset the system: the VM stops (%s)",
			      vcpu, why);
		hvctl_vmm_end(vmm, HV_STOP_GUEST_SHUTDOWN);
		return;
	}
	hvctl_vmm_log(vmm, "vCPU %u reset the system: restarting the guest",
		      vcpu);
	pthread_mutex_lock(&vmm->lock);
	if (!vmm->done)
		vmm->reset_pending = 1;
	pthread_mutex_unlock(&vmm->lock);
	hvctl_vmm_end(vmm, 0);
}

/* Exits that ended in the kernel: log what hv says and stop the VM. */
static int hvctl_vmm_failed(struct hvctl_vcpu *vcpu)
{
	struct hv_run *run = vcpu->run;

	if (run->exit_reason == HV_EXIT_INTERNAL_ERROR)
		hvctl_vmm_log(vcpu->vmm, "vCPU %u: internal error %u (data 0x%llx 0x%llx 0x%llx 0x%llx): stopping",
			      vcpu->id, run->internal.suberror,
			      (unsigned long long)run->internal.data[0],
			      (unsigned long long)run->internal.data[1],
			      (unsigned long long)run->internal.data[2],
			      (unsigned long long)run->internal.data[3]);
	else if (run->exit_reason == HV_EXIT_FAIL_ENTRY)
		hvctl_vmm_log(vcpu->vmm, "vCPU %u: the CPU refused the guest state (reason 0x%llx, qualification 0x%llx): stopping",
			      vcpu->id,
			      (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			      (unsigned long long)run->fail_entry.qualification);
	else
		hvctl_vmm_log(vcpu->vmm, "vCPU %u: unhandled hardware exit 0x%llx: stopping",
			      vcpu->id, (unsigned long long)run->hw.reason);
	hvctl_arch_dump_vcpu(vcpu);
	return -1;
}

static int hvctl_vmm_system_event(struct hvctl_vcpu *vcpu)
{
	struct hvctl_vmm *vmm = vcpu->vmm;

	switch (vcpu->run->system_event.type) {
	case HV_SYSTEM_EVENT_STOP_REQUEST:
		hvctl_vmm_log(vmm, "stop requested: telling the guest");
		vmm->stop_requested = 1;
		hvctl_arch_stop_requested(vmm);
		return 1;
	case HV_SYSTEM_EVENT_STOPPED:
		hvctl_vmm_log(vmm, "stopped by force");
		/* before the VM ends: every vCPU thread then logs its state */
		__atomic_store_n(&vmm->stopped_by_force, 1, __ATOMIC_SEQ_CST);
		return 0;
	case HV_SYSTEM_EVENT_SHUTDOWN:
		hvctl_vmm_end(vmm, HV_STOP_GUEST_POWEROFF);
		return 0;
	case HV_SYSTEM_EVENT_RESET:
		hvctl_vmm_reset(vmm, vcpu->id);
		return 0;
	default:
		hvctl_vmm_log(vmm, "vCPU %u: unknown system event %u: stopping",
			      vcpu->id, vcpu->run->system_event.type);
		return -1;
	}
}

/* 1: run the vCPU on; 0: the VM stops; -1: it stops on an error. */
static int hvctl_vmm_exit(struct hvctl_vcpu *vcpu)
{
	struct hvctl_vmm *vmm = vcpu->vmm;
	struct hv_run *run = vcpu->run;

	switch (run->exit_reason) {
	case HV_EXIT_INTR:
	case HV_EXIT_IRQ_WINDOW:
		return 1;
	case HV_EXIT_HLT:
		usleep(10000);
		return 1;
	case HV_EXIT_SYSTEM_EVENT:
		return hvctl_vmm_system_event(vcpu);
	case HV_EXIT_MEM_QUOTA:
		if (!__atomic_fetch_add(&vmm->quota_logged, 1, __ATOMIC_RELAXED))
			hvctl_vmm_log(vmm, "memory quota reached: %llu of %llu bytes used, guest access at 0x%llx waits until the quota grows",
				      (unsigned long long)run->mem_quota.used,
				      (unsigned long long)run->mem_quota.quota,
				      (unsigned long long)run->mem_quota.gpa);
		usleep(200000);
		return 1;
	case HV_EXIT_HYPERCALL:
		run->hypercall.ret = -1ULL;
		return 1;
	case HV_EXIT_UNKNOWN:
	case HV_EXIT_FAIL_ENTRY:
	case HV_EXIT_INTERNAL_ERROR:
		return hvctl_vmm_failed(vcpu);
	case HV_EXIT_MMIO:
		/* the virtio slots first; the rest is the arch's */
		if (hvctl_virtio_exit(vcpu))
			return 1;
		return hvctl_arch_exit(vcpu);
	default:
		return hvctl_arch_exit(vcpu);
	}
}

static void *hvctl_vcpu_thread(void *arg)
{
	struct hvctl_vcpu *vcpu = arg;
	struct hvctl_vmm *vmm = vcpu->vmm;

	int ret = 1;

	if (hvctl_arch_vcpu_wait(vcpu))
		return NULL;
	while (!vmm->done && ret > 0) {
		if (ioctl(vcpu->fd, HV_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			hvctl_vmm_log(vmm, "vCPU %u: HV_RUN: %s", vcpu->id,
				      strerror(errno));
			ret = -1;
			break;
		}
		ret = hvctl_vmm_exit(vcpu);
	}
	/* a guest that did not stop when asked: where was each vCPU? */
	if (__atomic_load_n(&vmm->stopped_by_force, __ATOMIC_SEQ_CST))
		hvctl_arch_dump_vcpu(vcpu);
	if (ret < 0)
		vmm->error = 1;
	hvctl_vmm_end(vmm, 0);
	return NULL;
}

/*
 * Makes every vCPU thread end and waits for them. immediate_exit comes
 * first: a thread about to enter HV_RUN returns at once, one inside it gets
 * EINTR from the signal, one waiting for its start sees vmm->done.
 */
static void hvctl_vmm_join(struct hvctl_vmm *vmm)
{
	unsigned int i;

	hvctl_vmm_end(vmm, 0);
	for (i = 0; i < vmm->nr_vcpus; i++) {
		if (!vmm->vcpus[i].thread_ok)
			continue;
		__atomic_store_n(&vmm->vcpus[i].run->immediate_exit, 1,
				 __ATOMIC_SEQ_CST);
		pthread_kill(vmm->vcpus[i].thread, SIGUSR1);
	}
	for (i = 0; i < vmm->nr_vcpus; i++)
		if (vmm->vcpus[i].thread_ok)
			pthread_join(vmm->vcpus[i].thread, NULL);
}

static int hvctl_vmm_start_threads(struct hvctl_vmm *vmm)
{
	unsigned int i;
	int err;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		err = pthread_create(&vmm->vcpus[i].thread, NULL,
				     hvctl_vcpu_thread, &vmm->vcpus[i]);
		if (err) {
			hvctl_err("cannot start the thread of vCPU %u: %s", i,
				  strerror(err));
			return -1;
		}
		vmm->vcpus[i].thread_ok = 1;
	}
	return 0;
}

/* --- the main loop: console clients and input ------------------------------ */

/*
 * Runs until a vCPU thread ends the VM, a signal comes or `hvctl run`
 * leaves. @unblocked: the signal mask for ppoll(), with SIGTERM, SIGINT
 * and SIGHUP open only while it waits, so that none is lost between the
 * check of hvctl_vmm_sig and the wait.
 */
static void hvctl_vmm_loop(struct hvctl_vmm *vmm, const sigset_t *unblocked)
{
	struct pollfd pfd[4 + HVCTL_VMM_MAX_CLIENTS];
	int nfd;

	while (!vmm->done && !hvctl_vmm_sig) {
		pfd[0] = (struct pollfd){ .fd = vmm->wake[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = vmm->listen_fd, .events = POLLIN };
		nfd = 2 + hvctl_console_pollfds(vmm, pfd + 2);
		if (ppoll(pfd, nfd, NULL, unblocked) < 0)
			continue;
		if (pfd[0].revents)
			break;
		if (pfd[1].revents & POLLIN)
			hvctl_console_accept(vmm);
		if (hvctl_console_poll(vmm, pfd + 2))
			break;
	}
}

/*
 * SIGTERM, SIGINT and SIGHUP are blocked from here on (@saved: the mask
 * before) and only taken inside ppoll() by the main thread; the vCPU
 * threads inherit the mask and take only SIGUSR1, their kick. No
 * SA_RESTART: HV_RUN returns EINTR.
 */
static void hvctl_vmm_signals(sigset_t *saved, sigset_t *unblocked)
{
	struct sigaction sa = { .sa_handler = hvctl_vmm_on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, saved);
	*unblocked = *saved;
	sigdelset(unblocked, SIGTERM);
	sigdelset(unblocked, SIGINT);
	sigdelset(unblocked, SIGHUP);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* An arch without a kernel boot protocol (yet): --kernel is refused. */
__attribute__((weak)) int hvctl_arch_load_kernel(struct hvctl_vmm *vmm,
						 uint64_t *entry)
{
	(void)entry;
	hvctl_vmm_log(vmm, "kernel %s: hvctl cannot boot kernels on this arch yet (use --image)",
		      vmm->def->kernel);
	return -1;
}

__attribute__((weak)) void hvctl_arch_stop_requested(struct hvctl_vmm *vmm __attribute__((unused)))
{
}

/* Loads the guest and sets every vCPU up to boot it. */
static int hvctl_vmm_boot(struct hvctl_vmm *vmm, uint64_t *entry)
{
	unsigned int i;

	if (vmm->def->kernel[0] ? hvctl_arch_load_kernel(vmm, entry) :
				  hvctl_vmm_load(vmm, entry))
		return -1;
	for (i = 0; i < vmm->nr_vcpus; i++)
		if (hvctl_arch_vcpu_setup(&vmm->vcpus[i], *entry))
			return -1;
	return 0;
}

/*
 * After a reset (hvctl_vmm_reset()), with every vCPU thread joined: the
 * devices and the VMM's state as at the start, the guest loaded again.
 */
static int hvctl_vmm_restart(struct hvctl_vmm *vmm)
{
	uint64_t entry;
	unsigned int i;
	char c;

	while (read(vmm->wake[0], &c, 1) == 1)
		;
	vmm->done = 0;
	vmm->reset_pending = 0;
	vmm->stop_reason = 0;
	vmm->stop_requested = 0;
	hvctl_arch_restart(vmm);
	for (i = 0; i < vmm->nr_vcpus; i++) {
		vmm->vcpus[i].thread_ok = 0;
		vmm->vcpus[i].run->immediate_exit = 0;
	}
	if (hvctl_vmm_boot(vmm, &entry))
		return -1;
	hvctl_vmm_log(vmm, "restarted (entry 0x%llx)", (unsigned long long)entry);
	return 0;
}

static int hvctl_vmm_setup(struct hvctl_vmm *vmm)
{
	const char *what = vmm->def->kernel[0] ? vmm->def->kernel :
			   vmm->def->image;
	uint64_t entry;

	/* the disks' locks before the VM runs: a start on a busy image fails */
	if (hvctl_virtio_lock_disks(vmm) || hvctl_vmm_attach(vmm) ||
	    hvctl_display_setup(vmm) || hvctl_vmm_boot(vmm, &entry) ||
	    hvctl_virtio_setup(vmm) || hvctl_ioquota_start(vmm))
		return -1;
	if (hvctl_vmm_listen(vmm) ||
	    pipe2(vmm->wake, O_CLOEXEC | O_NONBLOCK) || hvctl_console_init(vmm))
		return -1;
	hvctl_vmm_log(vmm, "running %s (entry 0x%llx, %u vCPU%s%s), console %s.sock",
		      what, (unsigned long long)entry,
		      vmm->nr_vcpus, vmm->nr_vcpus > 1 ? "s" : "",
		      vmm->irq_lines ? ", in-kernel interrupt controller" : "",
		      vmm->def->name);
	return 0;
}

static void hvctl_vmm_teardown(struct hvctl_vmm *vmm)
{
	char path[PATH_MAX];
	unsigned int i;

	if (vmm->listen_fd >= 0) {
		hvctl_state_path(vmm->def->name, "sock", path, sizeof(path));
		unlink(path);
		close(vmm->listen_fd);
	}
	/* the devices' I/O threads use the guest's RAM until here */
	hvctl_ioquota_stop(vmm);
	hvctl_virtio_teardown(vmm);
	hvctl_display_teardown(vmm);
	/* closing the VM's files tells the registry the VM stopped */
	for (i = 0; i < vmm->nr_vcpus; i++) {
		if (vmm->vcpus[i].run)
			munmap(vmm->vcpus[i].run, HV_RUN_MMAP_SIZE);
		if (vmm->vcpus[i].fd >= 0)
			close(vmm->vcpus[i].fd);
	}
	if (vmm->mem)
		munmap(vmm->mem, vmm->def->memory);
	if (vmm->vm >= 0)
		close(vmm->vm);
	if (vmm->dev >= 0)
		close(vmm->dev);
}

int hvctl_vmm_run(const struct hvctl_def *def, int console_fd, int input_fd,
		  int *guest_status)
{
	static struct hvctl_vmm vmm;	/* large: kept off the stack */
	int tty = input_fd >= 0 && isatty(input_fd), ret = 1, i;
	struct hv_stop_report rep = { 0 };
	struct termios saved_tty, raw;
	sigset_t saved, unblocked;

	vmm = (struct hvctl_vmm){
		.def = def, .dev = -1, .vm = -1, .listen_fd = -1,
		.wake = { -1, -1 }, .con_wake = { -1, -1 },
		.console_fd = console_fd, .input_fd = input_fd,
		.exit_status = -1,
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	for (i = 0; i < HVCTL_VMM_MAX_CLIENTS; i++)
		vmm.clients[i] = -1;
	for (i = 0; i < HV_MAX_VCPUS; i++)
		vmm.vcpus[i].fd = -1;
	hvctl_vmm_signals(&saved, &unblocked);
	if (hvctl_vmm_setup(&vmm))
		goto out;
	if (tty) {
		tcgetattr(input_fd, &saved_tty);
		raw = saved_tty;
		cfmakeraw(&raw);
		raw.c_oflag |= OPOST;
		tcsetattr(input_fd, TCSANOW, &raw);
	}
	for (;;) {
		if (!hvctl_vmm_start_threads(&vmm)) {
			hvctl_vmm_loop(&vmm, &unblocked);
			ret = 0;
		}
		hvctl_vmm_join(&vmm);
		if (!vmm.reset_pending || vmm.error || hvctl_vmm_sig)
			break;
		if (hvctl_vmm_restart(&vmm)) {
			ret = 1;
			break;
		}
	}
	if (vmm.error)
		ret = 1;
	if (guest_status)
		*guest_status = vmm.exit_status;
	if (tty)
		tcsetattr(input_fd, TCSANOW, &saved_tty);
	if (vmm.stop_reason) {
		rep.reason = vmm.stop_reason;
		ioctl(vmm.vm, HV_REPORT_STOP, &rep);
		hvctl_vmm_log(&vmm, "the guest %s", vmm.stop_reason ==
			      HV_STOP_GUEST_POWEROFF ? "powered off" : "shut down");
	}
out:
	hvctl_vmm_teardown(&vmm);
	if (vmm.wake[0] >= 0) {
		close(vmm.wake[0]);
		close(vmm.wake[1]);
	}
	hvctl_console_fini(&vmm);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	return ret;
}
