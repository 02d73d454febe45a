/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hv-soak: hostile inputs to hv from several processes at once, for a
 * bounded time, on a sanitizer kernel (Documentation/reliability.rst).
 *
 * The controller (soak_main.c) forks one process per workload; they share
 * one struct soak_stats (a MAP_SHARED page) for the figures and all run
 * until the end, so that every kind of input meets every other one the
 * whole time. The targets below are what a run of that length should
 * reach; the report compares, but a count never fails a run:
 *   soak_ioctl.c   ioctl fuzz threads beside vCPU threads in HV_RUN
 *   soak_guest.c   the guests those vCPU threads run (every kind of exit)
 *   soak_genl.c    random and nearly-valid netlink messages (also nobody)
 *   soak_vmm.c     kill -9 of VMMs mid-run; VM create/destroy cycles
 * The run ends at the deadline or when every count reached its target,
 * whichever comes first. The controller itself offlines and onlines a CPU and tries to unload
 * hv while all that runs.
 */
#ifndef HV_SOAK_H
#define HV_SOAK_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <linux/hv.h>

/*
 * The last hv call of one thread of the ioctl worker, written before the
 * call, so that the controller can name it when the worker dies of a
 * signal (soak_main.c), even one no handler saw (SIGKILL).
 */
#define SOAK_LAST_SLOTS	8	/* 3 fuzz threads, 4 vCPU threads */
#define SOAK_LAST_HEAD	32	/* bytes of the argument struct kept */

struct soak_last {
	int tid;		/* 0: slot unused */
	int fd;
	int shape;		/* enum soak_shape, -1: a vCPU thread's HV_RUN */
	int ptr_off;		/* offset of the struct's user pointer, -1: none */
	uint64_t seq;		/* calls the thread made so far */
	uint64_t cmd, arg;
	unsigned char head[SOAK_LAST_HEAD];	/* the struct at @arg */
};

/* The first fatal signal of the ioctl worker, from its handler. */
struct soak_fatal {
	int sig, code, tid, slot;	/* slot: -1 when not a known thread */
	uint64_t addr;			/* si_addr */
};

/* Counters, all updated with __atomic builtins (soak_add()). */
struct soak_stats {
	/* ioctl fuzz */
	uint64_t ioctls, ioctls_ok, ioctl_shape[8], fuzz_made, fuzz_mmaps;
	uint64_t fuzz_sigbus;	/* documented SIGBUS of a mapping (api.rst) */
	/* user pointers inside structs moved off the process's memory */
	uint64_t fuzz_ptr_confined;
	/* vCPU threads: exits by hv_run.exit_reason, EINTR, resets */
	uint64_t exits[16], run_eintr, run_errors, guest_resets, guest_vms;
	/* netlink */
	uint64_t genl_msgs, genl_nobody, genl_acked, genl_vm_created;
	/* sent short of their header (no answer by design); no answer in 1 s */
	uint64_t genl_truncated, genl_unanswered;
	/* VMM processes killed with SIGKILL while their guests ran */
	uint64_t kills, kill_touched_kb;
	/* VM create/destroy cycles */
	uint64_t cycles;
	/* the controller */
	uint64_t cpu_offline, cpu_online, cpu_offline_refused;
	uint64_t unload_tries, unload_refused;
	/* seconds from the start to each worker's end (soak_main.c) */
	double worker_end[8];
	/* failures (each also printed with its reason) */
	uint64_t failures;
	/* what each thread of the ioctl worker did last, and its fatal signal */
	struct soak_last last[SOAK_LAST_SLOTS];
	struct soak_fatal fatal;
	/* set by the controller: workers stop */
	int stop;
};

/* What the workers share: the figures and the time they must stop. */
struct soak {
	struct soak_stats *st;
	double deadline;	/* soak_now() seconds */
	double scale;		/* budget / SOAK_FULL_MINUTES */
	int irqchip_lines;	/* HV_CAP_IRQCHIP */
	uint64_t seed;
};

/*
 * The counts of issue 13, the targets of a run of SOAK_FULL_MINUTES; a
 * shorter run's targets scale down (a longer one's up).
 */
#define SOAK_FULL_MINUTES	40
#define SOAK_FULL_IOCTLS	1000000ULL
#define SOAK_FULL_GENL		100000ULL
#define SOAK_FULL_KILLS		1000ULL
#define SOAK_FULL_CYCLES	10000ULL

/* Registry names the netlink workload uses and HV_ATTACH_VM tries. */
#define SOAK_GENL_PREFIX	"soak-"
#define SOAK_GENL_NAMES		8

/* Argument shapes of the ioctl fuzz (struct soak_stats.ioctl_shape). */
enum soak_shape {
	SHAPE_VALID,		/* a well-formed struct for the command */
	SHAPE_NEARLY,		/* the same with one field mutated */
	SHAPE_RANDOM,		/* a buffer of random bytes */
	SHAPE_SCALAR,		/* a small integer or garbage pointer */
	SHAPE_EDGE,		/* struct straddling an unmapped page */
	SHAPE_BADCMD,		/* valid number, wrong size or direction */
	SHAPE_NR
};

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define soak_add(field, n)	__atomic_add_fetch(&(field), (n), __ATOMIC_RELAXED)
#define soak_get(field)		__atomic_load_n(&(field), __ATOMIC_RELAXED)

double soak_now(void);
int soak_should_stop(const struct soak *s);
/* xorshift64*, one state per thread */
uint64_t soak_rnd(uint64_t *state);
/* prints "soak: FAIL <what>" and counts a failure */
void soak_fail(const struct soak *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
uint64_t soak_target(const struct soak *s, uint64_t full);

/* workloads: each runs in its own process and returns its exit status */
int soak_ioctl_main(struct soak *s, int fuzz_threads, int vcpu_vms);
int soak_genl_main(struct soak *s, int unprivileged);
/* after the workers: the registry forgets the soak's names, still works */
int soak_genl_cleanup(struct soak *s);
int soak_kill9_main(struct soak *s);
int soak_cycles_main(struct soak *s);

/* soak_guest.c: a VM running the soak guest on two vCPUs */
#define SOAK_RAM_SIZE	0x100000
#define SOAK_GUEST_LOAD	0x1000
#define SOAK_VCPUS	2

struct soak_vm {
	int vm_fd;
	int vcpu_fd[SOAK_VCPUS];
	struct hv_run *run[SOAK_VCPUS];
	unsigned char *ram;
};

int soak_vm_create(struct soak_vm *vm, int dev_fd, unsigned int flags);
void soak_vm_destroy(struct soak_vm *vm);
int soak_guest_reset(struct soak_vm *vm, int i);
/* one HV_RUN and the answer to its exit; -1 on an unexpected error */
int soak_guest_step(const struct soak *s, struct soak_vm *vm, int i);
/* a per-thread timer that sends SIGUSR1 every @usec (0: off, -1: gone) */
int soak_thread_timer(long usec);
void soak_thread_timer_init(void);

/*
 * The ioctl worker's record of its threads' calls (soak_ioctl.c): a
 * thread with a slot notes each call there before making it.
 */
extern __thread struct soak_last *soak_my_last;
void soak_note(int fd, unsigned long cmd, unsigned long arg, int shape,
	       int ptr_off, const void *head);

#endif /* HV_SOAK_H */
