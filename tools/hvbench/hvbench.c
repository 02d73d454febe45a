// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench: run the same guest payloads on /dev/hv and on /dev/kvm and
 * compare them.
 *
 *   hvbench run --backend hv|kvm [--quick] [--no-irq] [--reps N] --out FILE
 *	runs every benchmark on one hypervisor; one line per row in FILE
 *   hvbench report --target NAME [--json FILE] HV_FILE|- [KVM_FILE|-]
 *	prints both columns and their ratio, and writes the JSON
 *
 * The two runs are separate processes because the two hypervisors cannot
 * own the virtualization hardware at the same time: on x86 the harness
 * runs hv, unloads it and loads KVM; on arm64 each runs in its own boot
 * (KVM takes EL2 at boot or never).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "report.h"

#define MAX_REPS	9
#define MAX_ROWS	24

struct row {
	char name[32];
	char unit[16];
	int higher_is_better;
	double v[MAX_REPS];
	int n;
};

struct bench_cfg {
	const struct bench_backend *b;
	int reps;
	uint64_t exits;		/* iterations of the exit loops */
	uint64_t compute;	/* rounds of the compute loop */
	int creates;		/* VM create/destroy cycles per sample */
	uint64_t touch_size;	/* bytes of first touch, <= BENCH_TOUCH_SIZE */
	int no_extra;		/* --no-irq: not the arch's interrupt rows */
};

static struct row rows[MAX_ROWS];
static int nrows;

static struct row *row_get(const char *name, const char *unit, int hib)
{
	int i;

	for (i = 0; i < nrows; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	if (nrows == MAX_ROWS)
		abort();
	snprintf(rows[nrows].name, sizeof(rows[0].name), "%s", name);
	snprintf(rows[nrows].unit, sizeof(rows[0].unit), "%s", unit);
	rows[nrows].higher_is_better = hib;
	return &rows[nrows++];
}

static void sample(const char *name, const char *unit, int hib, double v)
{
	struct row *r = row_get(name, unit, hib);

	if (r->n < MAX_REPS)
		r->v[r->n++] = v;
}

void bench_sample(const char *name, const char *unit, int higher_is_better,
		  double v)
{
	sample(name, unit, higher_is_better, v);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int bench_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

void bench_vm_destroy(struct bench_vm *vm)
{
	if (vm->run && vm->run != MAP_FAILED)
		munmap(vm->run, vm->run_size);
	if (vm->ram && vm->ram != MAP_FAILED)
		munmap(vm->ram, vm->ram_size);
	if (vm->vcpu > 0)
		close(vm->vcpu);
	if (vm->vm > 0)
		close(vm->vm);
	if (vm->dev > 0)
		close(vm->dev);
	memset(vm, 0, sizeof(*vm));
}

/* The page tables and the code blob. */
static void guest_image(struct bench_vm *vm)
{
	bench_arch_image(vm);
	memcpy((char *)vm->ram + BENCH_CODE, bench_blob_start,
	       bench_blob_end - bench_blob_start);
}

static int vm_new(const struct bench_cfg *c, struct bench_vm *vm)
{
	int err;

	memset(vm, 0, sizeof(*vm));
	err = c->b->vm_create(vm, BENCH_RAM_SIZE);
	if (err) {
		fprintf(stderr, "hvbench: %s: cannot create a VM: %s\n",
			c->b->name, strerror(-err));
		bench_vm_destroy(vm);
		return err;
	}
	guest_image(vm);
	return 0;
}

/* A payload's end: OUT to BENCH_PORT_DONE (x86), MMIO there (arm64). */
static int payload_done(const struct bench_exit *e)
{
	return (e->kind == BENCH_EXIT_IO && e->port == BENCH_PORT_DONE) ||
	       (e->kind == BENCH_EXIT_MMIO && e->addr == BENCH_MMIO_DONE);
}

/*
 * Runs the payload at @entry until it reports done. Returns the guest's
 * counter delta (from BENCH_RESULT) and the host time in @host_ns.
 */
static int run_payload(const struct bench_cfg *c, struct bench_vm *vm,
		       const unsigned char *entry, uint64_t arg0, uint64_t arg1,
		       uint64_t *cycles, uint64_t *host_ns)
{
	struct bench_entry start = {
		.pc = BENCH_CODE + (entry - bench_blob_start),
		.sp = BENCH_STACK_TOP, .arg0 = arg0, .arg1 = arg1,
	};
	struct bench_exit e;
	uint64_t t0;
	int err;

	err = c->b->enter(vm, &start);
	if (err) {
		fprintf(stderr, "hvbench: %s: cannot set the vCPU up: %s\n",
			c->b->name, strerror(-err));
		return err;
	}
	t0 = now_ns();
	for (;;) {
		err = c->b->run(vm, &e);
		if (err == -EINTR)
			continue;
		if (err) {
			fprintf(stderr, "hvbench: %s: run: %s\n", c->b->name,
				strerror(-err));
			return err;
		}
		if (payload_done(&e))
			break;
		if (e.kind == BENCH_EXIT_OTHER || e.kind == BENCH_EXIT_HLT) {
			fprintf(stderr, "hvbench: %s: unexpected exit %u\n",
				c->b->name, e.raw_reason);
			return -EIO;
		}
	}
	*host_ns = now_ns() - t0;
	*cycles = *(uint64_t *)((char *)vm->ram + BENCH_RESULT);
	return 0;
}

/* An exit loop: per-iteration guest cycles and host nanoseconds. */
static int bench_exits(const struct bench_cfg *c, struct bench_vm *vm,
		       const char *name, const unsigned char *entry)
{
	char host_name[32];
	uint64_t cycles, ns;
	int err = run_payload(c, vm, entry, c->exits, 0, &cycles, &ns);

	if (err)
		return err;
	snprintf(host_name, sizeof(host_name), "%s_host", name);
	sample(name, "cycles", 0, (double)cycles / c->exits);
	sample(host_name, "ns", 0, (double)ns / c->exits);
	return 0;
}

/* First touch: a fresh VM writes touch_size bytes it never used. */
static int bench_touch_once(const struct bench_cfg *c)
{
	struct bench_vm vm;
	uint64_t cycles, ns;
	int err = vm_new(c, &vm);

	if (err)
		return err;
	err = run_payload(c, &vm, bench_arch.touch, c->touch_size, BENCH_TOUCH,
			  &cycles, &ns);
	if (!err)
		sample("first_touch", "MB/s", 1,
		       (c->touch_size >> 20) * 1e9 / (double)ns);
	bench_vm_destroy(&vm);
	return err;
}

static int bench_create_once(const struct bench_cfg *c)
{
	struct bench_vm vm;
	uint64_t t0 = now_ns();
	int i, err;

	for (i = 0; i < c->creates; i++) {
		memset(&vm, 0, sizeof(vm));
		err = c->b->vm_create(&vm, BENCH_RAM_SIZE);
		bench_vm_destroy(&vm);
		if (err)
			return err;
	}
	sample("vm_create_destroy", "us", 0,
	       (double)(now_ns() - t0) / c->creates / 1000);
	return 0;
}

/*
 * The compute loop in the guest against the same loop right here. Timed
 * by the guest's counter and the same counter here where the arch has a
 * fair one (arm64: CNTVCT is the physical count minus an offset on both
 * hypervisors), else by the host's clock around HV_RUN (x86: the guest's
 * TSC depends on how the hypervisor offsets or scales it).
 */
static int bench_compute_once(const struct bench_cfg *c, struct bench_vm *vm)
{
	uint64_t (*clock)(void) = bench_arch.counter_native ?: now_ns;
	uint64_t cycles, ns, native;
	volatile uint64_t sink;
	int err;

	native = clock();
	sink = bench_compute(c->compute);
	(void)sink;
	native = clock() - native;
	err = run_payload(c, vm, bench_arch.compute, c->compute, 0, &cycles,
			  &ns);
	if (!err)
		sample("compute_slowdown", "ratio", 0,
		       (double)(bench_arch.counter_native ? cycles : ns) /
		       native);
	return err;
}

/*
 * The mmio_exit payload again with an ioeventfd on its address: every
 * write signals the eventfd in the kernel and the guest goes on, no exit
 * to user space. The eventfd's count must equal the writes.
 */
static int bench_ioeventfd(const struct bench_cfg *c, struct bench_vm *vm)
{
	const unsigned char *entry = NULL;
	uint64_t count = 0;
	int i, efd, err;

	for (i = 0; i < bench_arch.nr_exits; i++)
		if (!strcmp(bench_arch.exits[i].name, "mmio_exit"))
			entry = bench_arch.exits[i].entry;
	if (!entry)
		return 0;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return -errno;
	err = c->b->ioeventfd(vm, BENCH_MMIO, 4, efd, 0);
	if (err) {
		fprintf(stderr, "hvbench: %s: ioeventfd: %s\n", c->b->name,
			strerror(-err));
		close(efd);
		return err;
	}
	err = bench_exits(c, vm, "mmio_ioeventfd", entry);
	if (!err && (read(efd, &count, sizeof(count)) != sizeof(count) ||
		     count != c->exits)) {
		fprintf(stderr, "hvbench: %s: ioeventfd count %llu, not %llu\n",
			c->b->name, (unsigned long long)count,
			(unsigned long long)c->exits);
		err = -EIO;
	}
	c->b->ioeventfd(vm, BENCH_MMIO, 4, efd, 1);
	close(efd);
	return err;
}

static int bench_all(const struct bench_cfg *c)
{
	struct bench_vm vm;
	int i, rep, err = vm_new(c, &vm);

	for (rep = 0; !err && rep < c->reps; rep++) {
		for (i = 0; !err && i < bench_arch.nr_exits; i++)
			err = bench_exits(c, &vm, bench_arch.exits[i].name,
					  bench_arch.exits[i].entry);
		err = err ?: bench_ioeventfd(c, &vm);
		err = err ?: bench_compute_once(c, &vm);
		if (!err && bench_arch.extra && !c->no_extra)
			err = bench_arch.extra(c->b, c->exits);
	}
	bench_vm_destroy(&vm);
	for (rep = 0; !err && rep < c->reps; rep++)
		err = bench_touch_once(c) ?: bench_create_once(c);
	if (err)
		fprintf(stderr, "hvbench: %s: a benchmark failed: %s\n",
			c->b->name, strerror(-err));
	return err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * One line per row: name unit higher_is_better median min max, each
 * followed by a "# samples" line with the runs in order (the report skips
 * them; they say whether the spread is one outlier or noise). A
 * "# counter NAME HZ" line first says what the guest's cycles are.
 */
static int write_rows(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f) {
		fprintf(stderr, "hvbench: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(f, "# counter %s %llu\n", bench_arch.counter_name,
		(unsigned long long)(bench_arch.counter_hz ?
				     bench_arch.counter_hz() : 0));
	for (i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		double sorted[MAX_REPS];
		int j;

		memcpy(sorted, r->v, r->n * sizeof(r->v[0]));
		qsort(sorted, r->n, sizeof(sorted[0]), cmp_double);
		fprintf(f, "%s %s %d %.3f %.3f %.3f\n", r->name, r->unit,
			r->higher_is_better, sorted[r->n / 2], sorted[0],
			sorted[r->n - 1]);
		fprintf(f, "# samples %s", r->name);
		for (j = 0; j < r->n; j++)
			fprintf(f, " %.3f", r->v[j]);
		fprintf(f, "\n");
	}
	return fclose(f) ? 1 : 0;
}

static int cmd_run(int argc, char **argv)
{
	struct bench_cfg c = { .reps = 5, .exits = 2000, .compute = 2000000,
			       .creates = 10, .touch_size = BENCH_TOUCH_SIZE };
	const char *out = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--backend") && i + 1 < argc) {
			i++;
			c.b = !strcmp(argv[i], "hv") ? &bench_hv :
			      !strcmp(argv[i], "kvm") ? &bench_kvm : NULL;
		} else if (!strcmp(argv[i], "--quick")) {
			c.reps = 3;
			c.exits = 200;
			c.compute = 100000;
			c.creates = 2;
			c.touch_size = BENCH_TOUCH_SIZE / 8;
		} else if (!strcmp(argv[i], "--no-irq")) {
			c.no_extra = 1;
		} else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
			c.reps = atoi(argv[++i]);
			if (c.reps < 1 || c.reps > MAX_REPS) {
				fprintf(stderr, "hvbench: --reps: 1 to %d\n",
					MAX_REPS);
				return 2;
			}
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else {
			fprintf(stderr, "hvbench: unknown argument '%s'\n",
				argv[i]);
			return 2;
		}
	}
	if (!c.b || !out) {
		fprintf(stderr, "usage: hvbench run --backend hv|kvm [--quick] [--no-irq] [--reps N] --out FILE\n");
		return 2;
	}
	if (bench_all(&c))
		return 1;
	return write_rows(out);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (argc > 1 && !strcmp(argv[1], "report"))
		return cmd_report(argc - 2, argv + 2);
	fprintf(stderr, "usage: hvbench run --backend hv|kvm [--quick] [--no-irq] [--reps N] --out FILE\n"
			"       hvbench report --target NAME [--json FILE] HV_FILE|- [KVM_FILE|-]\n");
	return 2;
}
