// SPDX-License-Identifier: GPL-2.0
/*
 * hv-soak [-m MINUTES] [-S SCALE] [-s SEED] [-p SECONDS]: the controller.
 * hv-soak -C N: only check N generated ioctl arguments (soak_args.c).
 * MINUTES bounds the run; the counts' targets are SCALE times those of
 * issue 13 (default MINUTES / SOAK_FULL_MINUTES: the at 40
 * minutes), and the run ends early once all are reached. A slow emulator
 * (Bochs) gives a small SCALE so that its run ends on the counts. SECONDS
 * is the progress line's interval (default 60). Forks the workloads
 * (soak.h), and while they run holds /dev/hv open, tries to unload hv
 * (which must be refused) and takes CPU 1 offline and back. At the end it
 * checks that hv still works, that MemAvailable came back within a margin,
 * prints the figures and one result line per kind:
 *   SOAK-RESULT: ok|not ok NAME # figures or reason
 * which the harness step (guest/steps/soak.sh) reports as soak.NAME.
 * Exits 0 when every result is ok.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "soak_fuzz.h"

enum { W_IOCTL, W_GENL0, W_GENL1, W_NOBODY, W_KILL9, W_CYCLES, W_CYCLES2,
       W_NR };

static const char *const worker_name[W_NR] = {
	"ioctl_fuzz", "genl_fuzz", "genl_fuzz2", "genl_nobody", "kill9_vmm",
	"create_destroy", "create_destroy2",
};

/* Failures per workload, in the shared page after struct soak_stats. */
static uint64_t *fail_by_worker;
static int my_worker = -1;
/* the signal each worker died of (0: none), and when (s from the start) */
static int worker_sig[W_NR];
static double worker_sig_at[W_NR];

double soak_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int soak_should_stop(const struct soak *s)
{
	return __atomic_load_n(&s->st->stop, __ATOMIC_RELAXED) ||
	       soak_now() >= s->deadline;
}

uint64_t soak_rnd(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ULL;
}

void soak_fail(const struct soak *s, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* the first ones only: a broken workload could flood the console */
	if (soak_add(s->st->failures, 1) <= 20)
		printf("soak: FAIL %s\n", line);
	fflush(stdout);
	if (my_worker >= 0)
		soak_add(fail_by_worker[my_worker], 1);
}

uint64_t soak_target(const struct soak *s, uint64_t full)
{
	uint64_t t = full * s->scale;

	return t ? t : 1;
}

static long meminfo_kb(const char *key)
{
	size_t len = strlen(key);
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			v = atol(line + len + 1);
	fclose(f);
	return v;
}

static int write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fputs(val, f) < 0 ? -EIO : 0;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/*
 * Settle the allocator before reading MemAvailable: drop the page cache
 * and shrink every slab cache, which also empties KASAN's quarantine of
 * that cache (kasan_cache_shrink()).
 */
static long mem_available_settled(void)
{
	FILE *p;
	char path[300];
	char name[256];

	sync();
	write_file("/proc/sys/vm/drop_caches", "3");
	p = popen("ls /sys/kernel/slab 2>/dev/null", "r");
	while (p && fscanf(p, "%255s", name) == 1) {
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", name);
		write_file(path, "1");
	}
	if (p)
		pclose(p);
	sleep(2);
	return meminfo_kb("MemAvailable");
}

/* --- the controller's own hostility ----------------------------------- */

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

static void cpu_toggle(struct soak *s, int *offline)
{
	int err = write_file(CPU1_ONLINE, *offline ? "1" : "0");

	if (*offline) {
		if (err)
			soak_fail(s, "CPU 1 does not come back online: %s",
				  strerror(-err));
		else
			soak_add(s->st->cpu_online, 1);
		*offline = !!err;
		return;
	}
	if (err)
		soak_add(s->st->cpu_offline_refused, 1);
	else
		soak_add(s->st->cpu_offline, 1);
	*offline = !err;
}

static void try_unload(struct soak *s)
{
	long ret = syscall(SYS_delete_module, "hv", O_NONBLOCK);

	soak_add(s->st->unload_tries, 1);
	if (!ret) {
		soak_fail(s, "hv unloaded while /dev/hv was open");
		__atomic_store_n(&s->st->stop, 1, __ATOMIC_RELAXED);
	} else if (errno == EWOULDBLOCK || errno == EBUSY) {
		soak_add(s->st->unload_refused, 1);
	} else {
		soak_fail(s, "delete_module(hv): unexpected %s", strerror(errno));
	}
}

static double progress_every = 60;

static void progress(struct soak *s, double t0)
{
	struct soak_stats *st = s->st;

	printf("soak: %4.0fs ioctls %llu, netlink %llu, kill -9 %llu, cycles %llu, "
	       "exits %llu, CPU off/on %llu/%llu, unload refused %llu, failures %llu\n",
	       soak_now() - t0, (unsigned long long)soak_get(st->ioctls),
	       (unsigned long long)soak_get(st->genl_msgs),
	       (unsigned long long)soak_get(st->kills),
	       (unsigned long long)soak_get(st->cycles),
	       (unsigned long long)(soak_get(st->exits[HV_EXIT_MMIO]) +
				    soak_get(st->exits[HV_EXIT_HYPERCALL]) +
				    soak_get(st->exits[HV_EXIT_HLT])),
	       (unsigned long long)soak_get(st->cpu_offline),
	       (unsigned long long)soak_get(st->cpu_online),
	       (unsigned long long)soak_get(st->unload_refused),
	       (unsigned long long)soak_get(st->failures));
	fflush(stdout);
}

static pid_t start_worker(struct soak *s, int w)
{
	pid_t pid = fork();
	int ret = 0;

	if (pid)
		return pid;
	my_worker = w;
	s->seed += 0x9e3779b97f4a7c15ULL * (w + 1);
	switch (w) {
	case W_IOCTL:
		/*
		 * Seven busy threads would take most of two CPUs: nice 5
		 * leaves the one-thread workloads enough to reach their
		 * targets (the fuzz reaches its own several times over).
		 */
		if (nice(5) < 0)
			soak_fail(s, "nice: %s", strerror(errno));
		ret = soak_ioctl_main(s, 3, 2);
		break;
	case W_GENL0:
	case W_GENL1:
		ret = soak_genl_main(s, 0);
		break;
	case W_NOBODY:
		ret = soak_genl_main(s, 1);
		break;
	case W_KILL9:
		ret = soak_kill9_main(s);
		break;
	case W_CYCLES:
	case W_CYCLES2:
		ret = soak_cycles_main(s);
		break;
	}
	fflush(stdout);
	_exit(ret);
}

/*
 * Every workload at its target: the soak is done before its deadline.
 * They all run until then, so that each kind of input meets every other
 * one for the whole run.
 */
static int all_reached(const struct soak *s)
{
	struct soak_stats *st = s->st;

	return soak_get(st->ioctls) >= soak_target(s, SOAK_FULL_IOCTLS) &&
	       soak_get(st->genl_msgs) >= soak_target(s, SOAK_FULL_GENL) &&
	       soak_get(st->kills) >= soak_target(s, SOAK_FULL_KILLS) &&
	       soak_get(st->cycles) >= soak_target(s, SOAK_FULL_CYCLES);
}

static const char *const shape_name[SHAPE_NR] = {
	"valid", "nearly-valid", "random", "scalar", "page-edge", "bad-cmd",
};

/* One thread's last call (struct soak_last) as text. */
static void last_call(const struct soak_last *l, char *out, size_t size)
{
	const struct soak_cmd *c = soak_cmd_find(l->cmd);
	uint64_t ptr;
	int n, i;

	if (l->shape < 0) {
		snprintf(out, size, "HV_RUN on fd %d (call %llu)", l->fd,
			 (unsigned long long)l->seq);
		return;
	}
	n = snprintf(out, size, "ioctl(%d, %s 0x%llx, 0x%llx) %s (call %llu)",
		     l->fd, c ? c->name : "unknown command",
		     (unsigned long long)l->cmd, (unsigned long long)l->arg,
		     l->shape < SHAPE_NR ? shape_name[l->shape] : "?",
		     (unsigned long long)l->seq);
	if (l->ptr_off >= 0 && l->ptr_off + 8 <= SOAK_LAST_HEAD) {
		memcpy(&ptr, l->head + l->ptr_off, sizeof(ptr));
		n += snprintf(out + n, size - n, ", struct's user pointer 0x%llx",
			      (unsigned long long)ptr);
	}
	if (n < (int)size - 9)
		n += snprintf(out + n, size - n, ", struct:");
	for (i = 0; i < SOAK_LAST_HEAD && n < (int)size - 4; i++)
		n += snprintf(out + n, size - n, " %02x", l->head[i]);
}

/*
 * A worker died of a signal. The ioctl worker's handler noted the signal,
 * the address and the thread (if it ran: not for SIGKILL), and every
 * thread of it its last call: print them all.
 */
static void worker_died(struct soak *s, int w)
{
	struct soak_stats *st = s->st;
	const struct soak_last *l;
	char line[300];
	int i;

	printf("soak: %s worker died of signal %d (%s) after %.0f s\n",
	       worker_name[w], worker_sig[w], strsignal(worker_sig[w]),
	       worker_sig_at[w]);
	if (w != W_IOCTL)
		return;
	if (st->fatal.sig)
		printf("soak: ioctl_fuzz: signal %d (si_code %d) at address "
		       "0x%llx in thread %d (slot %d)\n", st->fatal.sig,
		       st->fatal.code, (unsigned long long)st->fatal.addr,
		       st->fatal.tid, st->fatal.slot);
	for (i = 0; i < SOAK_LAST_SLOTS; i++) {
		l = &st->last[i];
		if (!l->tid || !l->seq)
			continue;
		last_call(l, line, sizeof(line));
		printf("soak: ioctl_fuzz: last call of thread %d%s: %s\n",
		       l->tid, l->tid == st->fatal.tid ? " (the one signalled)"
		       : "", line);
	}
	fflush(stdout);
}

/*
 * Runs the workers to their end (the deadline, or every target reached),
 * meanwhile unload attempts every 0.5 s and a CPU 1 offline/online every
 * 1-3 s. A worker still alive 300 s past the deadline is stuck (its
 * kernel stacks go to the log) and killed.
 */
static void run_workers(struct soak *s, int hotplug)
{
	pid_t pid[W_NR];
	double t0 = soak_now(), next_cpu = t0 + 2;
	double next_log = t0 + progress_every;
	int alive = W_NR, offline = 0, stuck = 0, w, st;
	pid_t p;

	for (w = 0; w < W_NR; w++)
		pid[w] = start_worker(s, w);
	while (alive) {
		usleep(500000);
		try_unload(s);
		if (hotplug && soak_now() >= next_cpu &&
		    (offline || soak_now() < s->deadline)) {
			cpu_toggle(s, &offline);
			next_cpu = soak_now() + 1 + (soak_rnd(&s->seed) % 2000) / 1000.0;
		}
		if (soak_now() >= next_log) {
			progress(s, t0);
			next_log += progress_every;
		}
		if (!s->st->stop && soak_now() < s->deadline && all_reached(s)) {
			printf("soak: every target reached after %.0f s\n",
			       soak_now() - t0);
			s->deadline = soak_now();
			__atomic_store_n(&s->st->stop, 1, __ATOMIC_RELAXED);
		}
		if (soak_now() > s->deadline + 300 && !stuck) {
			soak_fail(s, "workers still running 300 s after the deadline");
			stuck = 1;
			s->st->stop = 1;
			system("echo t > /proc/sysrq-trigger");
			for (w = 0; w < W_NR; w++)
				if (pid[w] > 0)
					kill(pid[w], SIGKILL);
		}
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			for (w = 0; w < W_NR && pid[w] != p; w++)
				;
			if (w == W_NR)
				continue;
			pid[w] = 0;
			alive--;
			s->st->worker_end[w] = soak_now() - t0;
			if (WIFSIGNALED(st) && !stuck) {
				worker_sig[w] = WTERMSIG(st);
				worker_sig_at[w] = soak_now() - t0;
				worker_died(s, w);
			}
			if (!WIFEXITED(st) || WEXITSTATUS(st)) {
				soak_fail(s, "%s worker: %s %d", worker_name[w],
					  WIFSIGNALED(st) ? "killed by signal" :
					  "exit status", WIFSIGNALED(st) ?
					  WTERMSIG(st) : WEXITSTATUS(st));
				fail_by_worker[w]++;
			}
		}
	}
	if (offline)
		cpu_toggle(s, &offline);
	progress(s, t0);
}

/* --- after the soak ----------------------------------------------------- */

/* A fresh VM still runs the guest to its hypercalls. */
static int hv_still_runs(struct soak *s)
{
	uint64_t before = soak_get(s->st->exits[HV_EXIT_HYPERCALL]);
	struct soak_vm vm;
	int dev, err, i;

	dev = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	err = soak_vm_create(&vm, dev, 0);
	if (!err) {
		soak_thread_timer(20000);
		for (i = 0; i < 400; i++)
			soak_guest_step(s, &vm, 0);
		soak_thread_timer(0);
		soak_vm_destroy(&vm);
		if (soak_get(s->st->exits[HV_EXIT_HYPERCALL]) == before)
			err = -ENOEXEC;
	}
	close(dev);
	return err;
}

static int n_ok, n_fail;

static void result(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void result(int ok, const char *name, const char *fmt, ...)
{
	char note[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
	printf("SOAK-RESULT: %s %s # %s\n", ok ? "ok" : "not ok", name, note);
	if (ok)
		n_ok++;
	else
		n_fail++;
}

#define U(x)	((unsigned long long)(x))

/* Counts are figures, not verdicts: a loaded machine reaches less. */
static const char *reached(const struct soak *s, uint64_t n, uint64_t full)
{
	return n >= soak_target(s, full) ? "reached" : "NOT reached";
}

static void report_exits(struct soak *s)
{
	static const char *const names[16] = {
		"unknown", "io", "mmio", "hypercall", "hlt", "shutdown",
		"fail_entry", "internal_error", "intr", "irq_window",
		"system_event", "mem_quota",
	};
	struct soak_stats *st = s->st;
	char line[600];
	int i, n = 0;

	for (i = 0; i < 16; i++)
		if (st->exits[i])
			n += snprintf(line + n, sizeof(line) - n, " %s %llu",
				      names[i] ? names[i] : "?", U(st->exits[i]));
	printf("soak: guest exits by reason:%s; HV_RUN EINTR %llu, errors %llu, "
	       "vCPU resets %llu, VMs %llu\n", n ? line : " none",
	       U(st->run_eintr), U(st->run_errors), U(st->guest_resets),
	       U(st->guest_vms));
}

/* The exits the soak guest is written to cause, every one seen. */
static int all_exits_seen(struct soak_stats *st)
{
#if defined(__x86_64__)
	static const int want[] = { HV_EXIT_IO, HV_EXIT_MMIO, HV_EXIT_HYPERCALL,
				    HV_EXIT_HLT, HV_EXIT_SHUTDOWN };
#else
	static const int want[] = { HV_EXIT_MMIO, HV_EXIT_HYPERCALL, HV_EXIT_HLT,
				    HV_EXIT_INTERNAL_ERROR,
				    HV_EXIT_SYSTEM_EVENT };
#endif
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++)
		if (!st->exits[want[i]])
			return 0;
	return 1;
}

static void report(struct soak *s, int hotplug, long mem_before,
		   long mem_after, long margin, int still_runs)
{
	struct soak_stats *st = s->st;
	uint64_t *fw = fail_by_worker;
	char shapes[300], died[400];
	int i, n = 0;

	for (i = 0; i < SHAPE_NR; i++)
		n += snprintf(shapes + n, sizeof(shapes) - n, "%s%s %llu",
			      i ? ", " : "", shape_name[i],
			      U(st->ioctl_shape[i]));
	printf("soak: ioctl argument shapes: %s; struct pointers kept off "
	       "live memory %llu; files made %llu, mmaps %llu (SIGBUS %llu)\n",
	       shapes, U(st->fuzz_ptr_confined), U(st->fuzz_made),
	       U(st->fuzz_mmaps), U(st->fuzz_sigbus));
	report_exits(s);
	printf("soak: workers done after (s):");
	for (i = 0; i < W_NR; i++)
		printf(" %s %.0f", worker_name[i], st->worker_end[i]);
	printf("\n");
	/* a worker that dies of a signal fails the soak, named */
	for (i = 0, n = 0, died[0] = 0; i < W_NR; i++)
		if (worker_sig[i] && n < (int)sizeof(died))
			n += snprintf(died + n, sizeof(died) - n,
				      "%s%s killed by signal %d (%s) at %.0f s",
				      n ? "; " : "", worker_name[i],
				      worker_sig[i], strsignal(worker_sig[i]),
				      worker_sig_at[i]);
	if (worker_sig[W_IOCTL] && st->fatal.sig && n < (int)sizeof(died))
		snprintf(died + n, sizeof(died) - n,
			 ", fault address 0x%llx (last calls above)",
			 U(st->fatal.addr));
	result(!n, "workers_alive", "%s", n ? died :
	       "no worker died of a signal");
	result(!fw[W_IOCTL] && st->ioctls, "ioctl_fuzz",
	       "%llu ioctls (target %llu %s), %llu succeeded, 3 threads",
	       U(st->ioctls), U(soak_target(s, SOAK_FULL_IOCTLS)),
	       reached(s, st->ioctls, SOAK_FULL_IOCTLS), U(st->ioctls_ok));
	result(!fw[W_IOCTL] && all_exits_seen(st), "vcpu_threads",
	       "%llu VMs, every exit kind of the guest seen: %s",
	       U(st->guest_vms), all_exits_seen(st) ? "yes" : "no");
	result(!fw[W_GENL0] && !fw[W_GENL1] && !fw[W_NOBODY] && st->genl_msgs,
	       "genl_fuzz", "%llu messages (target %llu %s), %llu as nobody, "
	       "%llu acked, %llu VMs defined, %llu cut short (unanswered by "
	       "design), %llu unanswered in 1 s", U(st->genl_msgs),
	       U(soak_target(s, SOAK_FULL_GENL)),
	       reached(s, st->genl_msgs, SOAK_FULL_GENL), U(st->genl_nobody),
	       U(st->genl_acked), U(st->genl_vm_created),
	       U(st->genl_truncated), U(st->genl_unanswered));
	result(!fw[W_KILL9] && st->kills, "kill9_vmm",
	       "%llu VMMs killed mid-run (target %llu %s)", U(st->kills),
	       U(soak_target(s, SOAK_FULL_KILLS)),
	       reached(s, st->kills, SOAK_FULL_KILLS));
	result(!fw[W_CYCLES] && !fw[W_CYCLES2] && st->cycles, "create_destroy",
	       "%llu VM create/run/destroy cycles (target %llu %s), 2 processes",
	       U(st->cycles), U(soak_target(s, SOAK_FULL_CYCLES)),
	       reached(s, st->cycles, SOAK_FULL_CYCLES));
	if (hotplug)
		result(st->cpu_offline && st->cpu_online == st->cpu_offline,
		       "cpu_hotplug", "CPU 1 offline %llu times, online %llu, "
		       "offline refused %llu", U(st->cpu_offline),
		       U(st->cpu_online), U(st->cpu_offline_refused));
	else
		printf("SOAK-RESULT: ok cpu_hotplug # SKIP one CPU\n");
	result(st->unload_tries && st->unload_refused == st->unload_tries,
	       "unload_refused", "%llu of %llu unload attempts refused",
	       U(st->unload_refused), U(st->unload_tries));
	result(still_runs == 0, "hv_still_works",
	       "a new VM runs, the registry answers%s",
	       still_runs ? " -- NOT" : "");
	result(mem_before - mem_after < margin, "memory",
	       "MemAvailable %ld kB before, %ld kB after (%+ld kB), margin %ld kB",
	       mem_before, mem_after, mem_after - mem_before, margin);
	printf("soak: %d passed, %d failed, %llu failure reports\n", n_ok,
	       n_fail, U(st->failures));
}

int main(int argc, char **argv)
{
	struct soak s = { .seed = 0x5eedULL };
	long mem_before, mem_after, margin;
	double minutes = 10, scale = 0;
	int opt, dev, hotplug, still;
	__u32 cap = HV_CAP_IRQCHIP;
	void *shared;

	while ((opt = getopt(argc, argv, "m:S:s:p:C:")) != -1) {
		if (opt == 'C')
			return soak_args_check(strtoull(optarg, NULL, 0), s.seed);
		if (opt == 'm')
			minutes = atof(optarg);
		else if (opt == 'S')
			scale = atof(optarg);
		else if (opt == 'p')
			progress_every = atof(optarg);
		else if (opt == 's')
			s.seed = strtoull(optarg, NULL, 0);
		else
			return 2;
	}
	if (minutes <= 0 || scale < 0 || progress_every <= 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	shared = mmap(NULL, sizeof(*s.st) + W_NR * sizeof(*fail_by_worker),
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 1;
	s.st = shared;
	fail_by_worker = (uint64_t *)(s.st + 1);
	s.scale = scale ? scale : minutes / SOAK_FULL_MINUTES;
	/* held open all along: every unload attempt must be refused */
	dev = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("soak: cannot open %s: %s\n", HV_DEVICE_PATH,
		       strerror(errno));
		return 1;
	}
	s.irqchip_lines = ioctl(dev, HV_CHECK_CAP, &cap);
	if (s.irqchip_lines < 0)
		s.irqchip_lines = 0;
	hotplug = sysconf(_SC_NPROCESSORS_ONLN) > 1 && !access(CPU1_ONLINE, W_OK);
	margin = 16 * 1024;
	/* KASAN's quarantine holds freed objects: up to 1/32 of RAM */
	if (!access("/sys/kernel/debug/kmemleak", F_OK))
		margin += meminfo_kb("MemTotal") / 32;
	mem_before = mem_available_settled();
	printf("soak: %.1f minutes at most (targets: scale %.4f of %d "
	       "minutes' counts), seed 0x%llx, IRQ lines %d, "
	       "CPU hotplug %s; targets: %llu ioctls, %llu netlink messages, "
	       "%llu kill -9, %llu create/destroy cycles\n", minutes, s.scale,
	       SOAK_FULL_MINUTES, U(s.seed), s.irqchip_lines,
	       hotplug ? "yes" : "no", U(soak_target(&s, SOAK_FULL_IOCTLS)),
	       U(soak_target(&s, SOAK_FULL_GENL)),
	       U(soak_target(&s, SOAK_FULL_KILLS)),
	       U(soak_target(&s, SOAK_FULL_CYCLES)));
	s.deadline = soak_now() + minutes * 60;
	run_workers(&s, hotplug);
	s.st->stop = 0;
	s.deadline = soak_now() + 600;
	soak_thread_timer_init();
	still = soak_genl_cleanup(&s) ? -EIO : hv_still_runs(&s);
	close(dev);
	mem_after = mem_available_settled();
	report(&s, hotplug, mem_before, mem_after, margin, still);
	/* a failure report no result above counts fails the run all the same */
	return n_fail || s.st->failures ? 1 : 0;
}
