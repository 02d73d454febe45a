// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl workload: fuzz threads call every hv ioctl with hostile
 * arguments on hv files (their own, the vCPU threads' ones, numbers that
 * were closed and may have been reused) while vCPU threads of the same
 * process sit in HV_RUN running the soak guest. Every VM of the vCPU
 * threads lives a few seconds, then all its files close and a new one
 * starts, so fuzz threads also hit files that are going away.
 *
 * This process opens nothing but hv files and the eventfds of ioeventfd
 * and irqfd after its start: a random descriptor number at or above 3 is
 * one of those or a closed one, never the console.
 *
 * Each fuzz and vCPU thread notes its call in the shared page before it
 * makes it (soak_note()), and a fatal signal's handler notes the signal,
 * the address and the thread, so that a worker that dies is reported
 * with what it did last (soak_main.c), and the soak fails.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "soak_fuzz.h"

#define SOAK_SHARED_FDS	32
#define SOAK_FD_SPAN	128	/* random numbers: 3 .. 3 + SOAK_FD_SPAN */
#define SOAK_VM_LIFE	3.0	/* seconds a vCPU threads' VM lives */

/* Files of the vCPU threads' VMs, for the fuzz (-1: none). */
static int shared_fds[SOAK_SHARED_FDS];

/* --- what each thread did last, and how the worker died -------------- */

__thread struct soak_last *soak_my_last;
static struct soak_stats *fatal_st;

void soak_note(int fd, unsigned long cmd, unsigned long arg, int shape,
	       int ptr_off, const void *head)
{
	struct soak_last *l = soak_my_last;

	if (!l)
		return;
	l->fd = fd;
	l->cmd = cmd;
	l->arg = arg;
	l->shape = shape;
	l->ptr_off = ptr_off;
	if (head)
		memcpy(l->head, head, SOAK_LAST_HEAD);
	else
		memset(l->head, 0, SOAK_LAST_HEAD);
	l->seq++;
}

/* Slot @i of the shared page for the calling thread (past the end: none). */
static void take_slot(int i)
{
	if (i < 0 || i >= SOAK_LAST_SLOTS) {
		soak_my_last = NULL;
		return;
	}
	soak_my_last = &fatal_st->last[i];
	memset(soak_my_last, 0, sizeof(*soak_my_last));
	soak_my_last->tid = gettid();
	soak_my_last->shape = -1;
}

/*
 * A fatal signal: the first one's facts into the shared page, then die of
 * it (the default action, so the controller sees the signal). Runs on
 * the thread's alternate stack, as its own stack may be what broke.
 */
static void fatal_signal(int sig, siginfo_t *si, void *uc)
{
	struct soak_fatal *ft = &fatal_st->fatal;
	int none = 0;

	(void)uc;
	if (__atomic_compare_exchange_n(&ft->sig, &none, sig, 0,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		ft->code = si->si_code;
		ft->addr = (uintptr_t)si->si_addr;
		ft->tid = gettid();
		ft->slot = soak_my_last ? soak_my_last - fatal_st->last : -1;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The calling thread's alternate signal stack; free with altstack_free(). */
#define SOAK_ALTSTACK	0x10000

static void *altstack_new(void)
{
	stack_t ss = { .ss_size = SOAK_ALTSTACK };

	ss.ss_sp = mmap(NULL, SOAK_ALTSTACK, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ss.ss_sp == MAP_FAILED)
		return NULL;
	if (sigaltstack(&ss, NULL)) {
		munmap(ss.ss_sp, SOAK_ALTSTACK);
		return NULL;
	}
	return ss.ss_sp;
}

static void altstack_free(void *p)
{
	stack_t ss = { .ss_flags = SS_DISABLE };

	if (!p)
		return;
	sigaltstack(&ss, NULL);
	munmap(p, SOAK_ALTSTACK);
}

static void share_fd(int slot, int fd)
{
	__atomic_store_n(&shared_fds[slot % SOAK_SHARED_FDS], fd,
			 __ATOMIC_RELAXED);
}

/* --- vCPU threads ----------------------------------------------------- */

struct soak_group {
	struct soak *s;
	int dev, id;
	struct soak_vm vm;
	int vcpu;
	int stop;		/* __atomic: the VM's time is up */
};

static void *vcpu_thread(void *arg)
{
	struct soak_group *g = arg;
	void *alt = altstack_new();

	/* slots after the fuzz threads' (SOAK_LAST_SLOTS) */
	take_slot(SOAK_LAST_SLOTS - 1 - (g->id * SOAK_VCPUS + g->vcpu));
	soak_thread_timer(20000);
	while (!__atomic_load_n(&g->stop, __ATOMIC_RELAXED) &&
	       !soak_should_stop(g->s))
		if (soak_guest_step(g->s, &g->vm, g->vcpu))
			break;
	/* a new thread every VM: its timer goes with it */
	soak_thread_timer(-1);
	soak_my_last = NULL;
	altstack_free(alt);
	return NULL;
}

/* A VM after another, each run by two vCPU threads for SOAK_VM_LIFE s. */
static void *group_thread(void *arg)
{
	struct soak_group *g = arg, v[SOAK_VCPUS];
	pthread_t th[SOAK_VCPUS];
	unsigned int flags, n = 0;
	double end;
	int i, err;

	while (!soak_should_stop(g->s)) {
		flags = (g->s->irqchip_lines && (n++ & 1)) ? HV_VM_IRQCHIP : 0;
		err = soak_vm_create(&g->vm, g->dev, flags);
		if (err) {
			soak_fail(g->s, "vCPU threads: VM create: %s",
				  strerror(-err));
			return NULL;
		}
		soak_add(g->s->st->guest_vms, 1);
		share_fd(g->id * 3, g->vm.vm_fd);
		for (i = 0; i < SOAK_VCPUS; i++) {
			share_fd(g->id * 3 + 1 + i, g->vm.vcpu_fd[i]);
			v[i] = *g;
			v[i].vcpu = i;
			v[i].stop = 0;
		}
		for (i = 0; i < SOAK_VCPUS; i++)
			pthread_create(&th[i], NULL, vcpu_thread, &v[i]);
		end = soak_now() + SOAK_VM_LIFE;
		while (soak_now() < end && !soak_should_stop(g->s))
			usleep(100000);
		for (i = 0; i < SOAK_VCPUS; i++)
			__atomic_store_n(&v[i].stop, 1, __ATOMIC_RELAXED);
		for (i = 0; i < SOAK_VCPUS; i++)
			pthread_join(th[i], NULL);
		for (i = 0; i < 3; i++)
			share_fd(g->id * 3 + i, -1);
		soak_vm_destroy(&g->vm);
	}
	return NULL;
}

/* --- fuzz threads ------------------------------------------------------ */

static struct soak_fuzz fuzz_threads[3];

static int pick_fd(struct soak_fuzz *f)
{
	unsigned int r = soak_rnd(&f->rnd) % 100;
	int fd;

	if (r < 40)
		return f->own[soak_rnd(&f->rnd) % SOAK_OWN_FDS];
	if (r < 75) {
		fd = __atomic_load_n(&shared_fds[soak_rnd(&f->rnd) %
						 SOAK_SHARED_FDS],
				     __ATOMIC_RELAXED);
		if (fd >= 3)
			return fd;
	}
	if (r < 90)
		return 3 + soak_rnd(&f->rnd) % SOAK_FD_SPAN;
	fd = f->closed[soak_rnd(&f->rnd) % SOAK_CLOSED];
	return fd >= 3 ? fd : f->dev;
}

/* A new file the fuzz made replaces one of its own, which closes. */
static void adopt_fd(struct soak_fuzz *f, int fd)
{
	int slot = 1 + soak_rnd(&f->rnd) % (SOAK_OWN_FDS - 1);

	if (f->own[slot] != f->dev) {
		close(f->own[slot]);
		f->closed[soak_rnd(&f->rnd) % SOAK_CLOSED] = f->own[slot];
	}
	f->own[slot] = fd;
	f->made++;
}

static int makes_fd(unsigned long cmd)
{
	return cmd == HV_CREATE_VM || cmd == HV_CREATE_VCPU ||
	       cmd == HV_ATTACH_VM;
}

/*
 * A VMM's access to guest RAM past a quota, past what the host can give
 * or outside a region gets SIGBUS (Documentation/api.rst): the fuzz's
 * random mappings catch it and go on.
 */
static __thread sigjmp_buf fuzz_jmp;
static __thread volatile sig_atomic_t fuzz_touching;

static void fuzz_sigbus(int sig, siginfo_t *si, void *uc)
{
	if (fuzz_touching)
		siglongjmp(fuzz_jmp, 1);
	fatal_signal(sig, si, uc);
}

/* Now and then map a file (guest RAM or a run page), write, unmap. */
static void fuzz_mmap(struct soak_fuzz *f)
{
	/* volatile: read after a siglongjmp() back into this frame */
	volatile size_t size = (soak_rnd(&f->rnd) % 2) ? HV_RUN_MMAP_SIZE :
			       0x10000;
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 f->own[soak_rnd(&f->rnd) % SOAK_OWN_FDS],
		 (soak_rnd(&f->rnd) % 2) ? 0 : 0x10000);
	if (p == MAP_FAILED)
		return;
	fuzz_touching = 1;
	if (!sigsetjmp(fuzz_jmp, 1))
		memset(p, soak_rnd(&f->rnd), 64);
	else
		soak_add(f->s->st->fuzz_sigbus, 1);
	fuzz_touching = 0;
	munmap(p, size);
	soak_add(f->s->st->fuzz_mmaps, 1);
}

static void fuzz_one(struct soak_fuzz *f)
{
	const struct soak_cmd *c = NULL;
	unsigned int r = soak_rnd(&f->rnd) % 100;
	enum soak_shape shape;
	unsigned long cmd, arg;
	int fd = pick_fd(f), ret;

	if (r < 90) {
		c = &soak_cmds[soak_rnd(&f->rnd) % soak_ncmds];
		cmd = c->cmd;
		shape = soak_rnd(&f->rnd) % SHAPE_NR;
	} else {
		cmd = _IOC(soak_rnd(&f->rnd) % 4, HVIO, soak_rnd(&f->rnd) % 64,
			   soak_rnd(&f->rnd) % 1024);
		shape = SHAPE_RANDOM;
	}
	arg = soak_fuzz_arg(f, fd, &cmd, c, shape);
	soak_add(f->s->st->ioctl_shape[shape], 1);
	c = soak_cmd_find(cmd);
	soak_note(fd, cmd, arg, shape, c && c->ptr ? c->ptr - 1 : -1,
		  arg == (unsigned long)f->buf ? f->buf : NULL);
	/*
	 * A guest the fuzz started may never exit by itself: a repeating
	 * timer (a single one could fire before the entry) ends HV_RUN.
	 */
	if (cmd == HV_RUN)
		soak_thread_timer(2000);
	ret = ioctl(fd, cmd, arg);
	if (cmd == HV_RUN)
		soak_thread_timer(0);
	if (ret >= 0)
		f->ok++;
	if (ret > 2 && makes_fd(cmd))
		adopt_fd(f, ret);
	if (soak_rnd(&f->rnd) % 64 == 0)
		fuzz_mmap(f);
	/* an irqfd of some VM fires, or an ioeventfd's counter resets */
	if (soak_rnd(&f->rnd) % 16 == 0 &&
	    eventfd_write(f->evfd[soak_rnd(&f->rnd) % SOAK_EVENTFDS], 1))
		soak_fail(f->s, "ioctl: eventfd_write: %s", strerror(errno));
}

static void *fuzz_thread(void *arg)
{
	struct soak_fuzz *f = arg;
	struct soak_stats *st = f->s->st;
	int i;

	altstack_new();
	take_slot(f - fuzz_threads);
	for (i = 0; i < SOAK_OWN_FDS; i++)
		f->own[i] = f->dev;
	for (i = 0; i < SOAK_CLOSED; i++)
		f->closed[i] = -1;
	while (!soak_should_stop(f->s)) {
		fuzz_one(f);
		soak_add(st->ioctls, 1);
		f->n++;
	}
	soak_add(st->ioctls_ok, f->ok);
	soak_add(st->fuzz_made, f->made);
	soak_add(st->fuzz_ptr_confined, f->confined);
	for (i = 1; i < SOAK_OWN_FDS; i++)
		if (f->own[i] != f->dev)
			close(f->own[i]);
	return NULL;
}

/*
 * Buffers of one fuzz thread: the argument, then a writable page and a
 * PROT_NONE one (structs that run into it, pointers that must fault),
 * then the 64 KiB aligned scratch mapping user pointers point into,
 * followed by another PROT_NONE page (soak_fuzz.h).
 */
int soak_fuzz_buffers(struct soak_fuzz *f)
{
	size_t page = sysconf(_SC_PAGESIZE), lead, size;
	unsigned char *p, *scratch;

	lead = SOAK_ARG_MAX + 2 * page;
	size = lead + 2 * SOAK_SCRATCH + page;
	p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	scratch = (unsigned char *)(((uintptr_t)p + lead + SOAK_SCRATCH - 1) &
				    ~((uintptr_t)SOAK_SCRATCH - 1));
	f->buf = scratch - lead;
	f->guard = scratch - page;
	f->aux = scratch;
	if (mprotect(f->buf, SOAK_ARG_MAX + page, PROT_READ | PROT_WRITE) ||
	    mprotect(f->aux, SOAK_SCRATCH, PROT_READ | PROT_WRITE))
		return -1;
	return 0;
}

/* Fatal signals of the worker: noted, then the default action. */
static int fatal_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
	struct sigaction sa = {
		.sa_sigaction = fatal_signal,
		.sa_flags = SA_SIGINFO | SA_ONSTACK,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		if (sigaction(sigs[i], &sa, NULL))
			return -1;
	sa.sa_sigaction = fuzz_sigbus;
	return sigaction(SIGBUS, &sa, NULL);
}

int soak_ioctl_main(struct soak *s, int nr_fuzz, int vcpu_vms)
{
	struct soak_group g[2] = { 0 };
	int evfd[SOAK_EVENTFDS];
	pthread_t ft[3], gt[2];
	struct soak_fuzz *f;
	int dev, i;

	/* a slot for each fuzz and vCPU thread */
	if (nr_fuzz > 3 || vcpu_vms > 2 ||
	    nr_fuzz + vcpu_vms * SOAK_VCPUS > SOAK_LAST_SLOTS)
		return 2;
	fatal_st = s->st;
	soak_thread_timer_init();
	if (fatal_handlers() || !altstack_new()) {
		soak_fail(s, "ioctl: signal handlers: %s", strerror(errno));
		return 1;
	}
	for (i = 0; i < SOAK_EVENTFDS; i++) {
		evfd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (evfd[i] < 0) {
			soak_fail(s, "ioctl: eventfd: %s", strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < SOAK_SHARED_FDS; i++)
		shared_fds[i] = -1;
	dev = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		soak_fail(s, "ioctl: open %s: %s", HV_DEVICE_PATH,
			  strerror(errno));
		return 1;
	}
	for (i = 0; i < vcpu_vms; i++) {
		g[i] = (struct soak_group){ .s = s, .dev = dev, .id = i };
		pthread_create(&gt[i], NULL, group_thread, &g[i]);
	}
	for (i = 0; i < nr_fuzz; i++) {
		f = &fuzz_threads[i];
		f->s = s;
		f->dev = dev;
		f->evfd = evfd;
		f->rnd = s->seed + 0x1000 * (i + 1);
		if (soak_fuzz_buffers(f)) {
			soak_fail(s, "ioctl: no memory for buffers");
			return 1;
		}
		pthread_create(&ft[i], NULL, fuzz_thread, f);
	}
	for (i = 0; i < nr_fuzz; i++)
		pthread_join(ft[i], NULL);
	for (i = 0; i < vcpu_vms; i++)
		pthread_join(gt[i], NULL);
	/* hv still answers the simplest ioctl */
	if (ioctl(dev, HV_GET_API_VERSION, 0) != HV_API_VERSION)
		soak_fail(s, "ioctl: HV_GET_API_VERSION after the fuzz: %s",
			  strerror(errno));
	close(dev);
	return 0;
}
