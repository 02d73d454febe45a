// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel GICv3 and virtual timer (HV_VM_IRQCHIP) with guests of our
 * own (guest_gic.S): SPIs raised and lowered by the VMM, level and edge,
 * SGIs between vCPUs, more pending interrupts than list registers, the
 * virtual timer while running and in WFI, the emulated physical timer,
 * bad input, and the ioctls.
 *
 * "Nothing more arrives" is checked by running the vCPU until a timer
 * signal ends HV_RUN with EINTR: a test that passes this way can only
 * hide a late interrupt, never fail because the machine is slow.
 */
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <unistd.h>

#include "../hv_util.h"
#include "hv_arm64_guest.h"

extern const unsigned char guest_gic_start[], guest_gic_end[];

#define GICD		HV_ARM64_GIC_DIST_DEFAULT
#define GICR(id)	(HV_ARM64_GIC_REDIST_DEFAULT + (id) * 0x20000ULL)
#define SGI_BASE	0x10000

#define GICD_CTLR	0x0
#define GICD_TYPER	0x4
#define GICD_IIDR	0x8
#define GICD_ISENABLER	0x100
#define GICD_ISACTIVER	0x300
#define GICD_ICFGR	0xc00
#define GICD_IPRIORITYR	0x400
#define GICD_IROUTER	0x6000
#define GICD_PIDR2	0xffe8
#define GICR_TYPER	0x8
#define GICR_WAKER	0x14

#define VTIMER_INTID	27
#define PTIMER_INTID	30
#define NR_SPIS		96

struct gic_t {
	int dev, vm;
	void *ram;
	int vcpu[2];
	struct hv_run *run[2];
};

static void gic_console(const char *fmt, ...);

static void on_signal(int sig)
{
	(void)sig;
}

FIXTURE(gic) {
	struct gic_t g;
};

static int gic_add_vcpu(struct gic_t *g, int id)
{
	struct hv_regs regs;
	int fd = hv_create_vcpu(g->vm, id);

	if (fd < 0)
		return fd;
	g->vcpu[id] = fd;
	g->run[id] = hv_map_run(fd);
	if (!g->run[id] || ioctl(fd, HV_GET_REGS, &regs))
		return -1;
	regs.pc = A64_CODE;
	regs.sp_el1 = A64_STACK_TOP;
	return ioctl(fd, HV_SET_REGS, &regs);
}

FIXTURE_SETUP(gic)
{
	struct gic_t *g = &self->g;
	struct hv_vm_create args = { .flags = HV_VM_IRQCHIP };
	struct sigaction sa = { .sa_handler = on_signal };

	/* no SA_RESTART: the signal ends HV_RUN with EINTR */
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	gic_console("%s\n", _metadata->name);
	g->dev = hv_open_dev();
	ASSERT_EQ(NR_SPIS, ioctl(g->dev, HV_CHECK_CAP,
				 &(__u32){ HV_CAP_IRQCHIP }));
	g->vm = ioctl(g->dev, HV_CREATE_VM, &args);
	ASSERT_LE(0, g->vm) TH_LOG("HV_CREATE_VM(IRQCHIP): %s",
				   strerror(errno));
	ASSERT_EQ(0, hv_set_region(g->vm, 0, 0, A64_RAM_SIZE, 0));
	g->ram = hv_map_ram(g->vm, 0, A64_RAM_SIZE);
	ASSERT_NE(NULL, g->ram);
	memcpy((char *)g->ram + A64_CODE, guest_gic_start,
	       guest_gic_end - guest_gic_start);
	g->vcpu[1] = -1;
	ASSERT_EQ(0, gic_add_vcpu(g, 0));
}

FIXTURE_TEARDOWN(gic)
{
	struct gic_t *g = &self->g;
	int i;

	for (i = 0; i < 2; i++) {
		if (g->vcpu[i] < 0)
			continue;
		munmap(g->run[i], HV_RUN_MMAP_SIZE);
		close(g->vcpu[i]);
	}
	munmap(g->ram, A64_RAM_SIZE);
	close(g->vm);
	close(g->dev);
}

/* The access table of vCPU @id (see hv_arm64_guest.h). */
static __u64 *gic_table(struct gic_t *g, int id)
{
	return (__u64 *)((char *)g->ram + A64_GIC_TABLE +
			 id * A64_GIC_TABLE_STRIDE);
}

static void gic_op(struct gic_t *g, int id, __u64 addr, __u64 val)
{
	__u64 *t = gic_table(g, id);

	t[1 + 2 * t[0]] = addr;
	t[2 + 2 * t[0]] = val;
	t[0]++;
}

/* Wake the vCPU's redistributor, enable its SGIs and PPIs; vCPU 0 also
 * turns the distributor's groups and every SPI on. */
static void gic_std_init(struct gic_t *g, int id)
{
	int i;

	gic_op(g, id, GICR(id) + GICR_WAKER, 0);
	gic_op(g, id, GICR(id) + SGI_BASE + GICD_ISENABLER, 0xffffffff);
	if (id)
		return;
	gic_op(g, id, GICD + GICD_CTLR, 3);
	for (i = 1; i <= NR_SPIS / 32; i++)
		gic_op(g, id, GICD + GICD_ISENABLER + 4 * i, 0xffffffff);
}

static void gic_set_x(struct __test_metadata *_metadata, int fd, int reg,
		      __u64 val)
{
	struct hv_regs regs;

	ASSERT_EQ(0, ioctl(fd, HV_GET_REGS, &regs));
	regs.x[reg] = val;
	ASSERT_EQ(0, ioctl(fd, HV_SET_REGS, &regs));
}

/*
 * A message on the kernel's console as well, where the harness's log shows
 * it even when the test never finishes.
 */
static void gic_console(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, n;

	n = snprintf(buf, sizeof(buf), "<3>hv_arm64_gic_test: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	fd = open("/dev/kmsg", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, buf, n) < 0)
			n = 0;
		close(fd);
	}
}

/* A guest that is stuck: say where, instead of waiting for the harness. */
#define GIC_STUCK_SECONDS	10

static void gic_stuck(struct __test_metadata *_metadata, struct gic_t *g,
		      int id)
{
	struct hv_regs r = { 0 };
	struct hv_sysregs s = { 0 };

	ioctl(g->vcpu[id], HV_GET_REGS, &r);
	ioctl(g->vcpu[id], HV_GET_SYSREGS, &s);
	gic_console("%s: vCPU %d stuck at pc %llx pstate %llx esr_el1 %llx elr_el1 %llx\n",
		    _metadata->name, id, (unsigned long long)r.pc,
		    (unsigned long long)r.pstate,
		    (unsigned long long)s.esr_el1,
		    (unsigned long long)r.elr_el1);
	TH_LOG("vCPU %d stuck at pc %llx pstate %llx esr_el1 %llx elr_el1 %llx",
	       id, (unsigned long long)r.pc, (unsigned long long)r.pstate,
	       (unsigned long long)s.esr_el1, (unsigned long long)r.elr_el1);
}

static void gic_run(struct __test_metadata *_metadata, struct gic_t *g,
		    int id, __u64 nr)
{
	struct itimerval it = { .it_value.tv_sec = GIC_STUCK_SECONDS };
	struct itimerval off = { 0 };
	struct hv_run *run = g->run[id];
	int ret;

	/* vCPU 1 runs in a thread that blocks SIGALRM: no watchdog there */
	if (!id)
		setitimer(ITIMER_REAL, &it, NULL);
	ret = __hv_ioctl(g->vcpu[id], HV_RUN, NULL);
	setitimer(ITIMER_REAL, &off, NULL);
	if (ret == -EINTR)
		gic_stuck(_metadata, g, id);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(HV_EXIT_HYPERCALL, run->exit_reason)
		TH_LOG("exit %u, internal %u data %llx %llx %llx",
		       run->exit_reason, run->internal.suberror,
		       (unsigned long long)run->internal.data[0],
		       (unsigned long long)run->internal.data[1],
		       (unsigned long long)run->internal.data[2]);
	ASSERT_EQ(nr, run->hypercall.nr) TH_LOG("args %llx %llx",
		(unsigned long long)run->hypercall.args[0],
		(unsigned long long)run->hypercall.args[1]);
	run->hypercall.ret = 0;
}

/* Run to the guest's A64_HC_READY. */
static void gic_ready(struct __test_metadata *_metadata, struct gic_t *g,
		      int id)
{
	gic_run(_metadata, g, id, A64_HC_READY);
	ASSERT_EQ(id, g->run[id]->hypercall.args[0]);
}

/* Run until the guest reports an interrupt; return its INTID. */
static __u64 gic_irq(struct __test_metadata *_metadata, struct gic_t *g,
		     int id)
{
	gic_run(_metadata, g, id, A64_HC_IRQ);
	EXPECT_EQ(id, g->run[id]->hypercall.args[1]);
	return g->run[id]->hypercall.args[0];
}

/* Run for @ms: HV_RUN must end by the signal, with nothing reported. */
static void gic_quiet(struct __test_metadata *_metadata, struct gic_t *g,
		      int id, int ms)
{
	struct itimerval it = { .it_value.tv_usec = ms * 1000 };
	struct hv_run *run = g->run[id];
	int ret;

	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	ret = __hv_ioctl(g->vcpu[id], HV_RUN, NULL);
	ASSERT_EQ(-EINTR, ret) TH_LOG("exit %u nr %llx arg %llx",
		run->exit_reason, (unsigned long long)run->hypercall.nr,
		(unsigned long long)run->hypercall.args[0]);
	ASSERT_EQ(HV_EXIT_INTR, run->exit_reason);
}

static int gic_line(struct gic_t *g, __u32 irq, __u32 level)
{
	struct hv_irq_level l = { .irq = irq, .level = level };

	return __hv_ioctl(g->vm, HV_IRQ_LINE, &l);
}

TEST_F(gic, registers_and_reserved_offsets)
{
	struct gic_t *g = &self->g;
	struct hv_run *run = g->run[0];
	static const struct { __u64 addr; __u64 flags; __u64 expect; } r[] = {
		{ GICD + GICD_TYPER, A64_GIC_R32,
		  (NR_SPIS / 32) | 9 << 19 | 1 << 25 },
		{ GICD + GICD_PIDR2, A64_GIC_R32, 0x3b },
		{ GICD + GICD_CTLR, A64_GIC_R32, 0x53 },
		/* the redistributor of the only vCPU: Last, Aff0 0 */
		{ GICR(0) + GICR_TYPER, A64_GIC_R64, 1 << 4 },
		{ GICR(0) + GICR_WAKER, A64_GIC_R32, 0 },
		{ GICR(0) + 0xffe8, A64_GIC_R32, 0x3b },
		/* reserved, or banks the distributor does not have: RAZ */
		{ GICD + 0x20, A64_GIC_R32, 0 },
		{ GICD + 0xf000, A64_GIC_R32, 0 },
		{ GICD + GICD_ISENABLER, A64_GIC_R32, 0 },
		{ GICD + GICD_ISENABLER + 4 * (1 + NR_SPIS / 32), A64_GIC_R32,
		  0 },
		{ GICD + GICD_IROUTER + 8 * 200, A64_GIC_R64, 0 },
		{ GICR(1) + GICR_TYPER, A64_GIC_R64, 0 },
		{ GICR(0) + SGI_BASE + 0x800, A64_GIC_R32, 0 },
		/* a written priority keeps its 5 implemented bits */
		{ GICD + GICD_IPRIORITYR + 40, A64_GIC_R32, 0xf8 },
		{ GICD + GICD_IROUTER + 8 * 40, A64_GIC_R64, 0x3 },
	};
	unsigned int i;

	gic_std_init(g, 0);
	/* writes to reserved offsets are ignored */
	gic_op(g, 0, GICD + 0x20, 0xffffffff);
	gic_op(g, 0, GICD + 0xf000, 0xffffffff);
	gic_op(g, 0, GICD + GICD_ISENABLER, 0xffffffff);
	gic_op(g, 0, GICR(1) + GICR_WAKER, 0);
	gic_op(g, 0, (GICD + GICD_IPRIORITYR + 40) | A64_GIC_W8, 0xff);
	/* IRM (bit 31) and the bits above Aff3 do not stick */
	gic_op(g, 0, (GICD + GICD_IROUTER + 8 * 40) | A64_GIC_W64,
	       0xffffff0080000003ULL);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		gic_op(g, 0, r[i].addr | r[i].flags, 0);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		gic_run(_metadata, g, 0, A64_HC_STEP);
		EXPECT_EQ(r[i].addr, run->hypercall.args[0]);
		EXPECT_EQ(r[i].expect, run->hypercall.args[1])
			TH_LOG("register %#llx", (unsigned long long)r[i].addr);
	}
	gic_ready(_metadata, g, 0);
	/* the SPI routed to vCPU 3, which does not exist: not delivered */
	ASSERT_EQ(0, gic_line(g, 40, 1));
	gic_quiet(_metadata, g, 0, 100);
}

TEST_F(gic, spi_level_deasserted_in_handler)
{
	struct gic_t *g = &self->g;

	gic_std_init(g, 0);
	gic_ready(_metadata, g, 0);
	gic_quiet(_metadata, g, 0, 20);
	ASSERT_EQ(0, gic_line(g, 40, 1));
	ASSERT_EQ(40, gic_irq(_metadata, g, 0));
	ASSERT_EQ(0, gic_line(g, 40, 0));
	gic_quiet(_metadata, g, 0, 100);
	/* and once more */
	ASSERT_EQ(0, gic_line(g, 40, 1));
	ASSERT_EQ(40, gic_irq(_metadata, g, 0));
	ASSERT_EQ(0, gic_line(g, 40, 0));
	gic_quiet(_metadata, g, 0, 50);
}

TEST_F(gic, spi_level_high_after_eoi_comes_again)
{
	struct gic_t *g = &self->g;

	gic_std_init(g, 0);
	gic_ready(_metadata, g, 0);
	ASSERT_EQ(0, gic_line(g, 41, 1));
	ASSERT_EQ(41, gic_irq(_metadata, g, 0));
	/* still high at the EOI: pending again */
	ASSERT_EQ(41, gic_irq(_metadata, g, 0));
	ASSERT_EQ(0, gic_line(g, 41, 0));
	gic_quiet(_metadata, g, 0, 100);
}

/*
 * A level SPI driven by a resampling irqfd (HV_IRQFD_RESAMPLE), as a
 * VMM's level-triggered device uses it: the guest's deactivation must
 * lower the line and signal the resample eventfd (Documentation/api.rst),
 * so the interrupt is taken once per signal, not again and again while
 * nobody lowers the line. Waits bounded: 10 s for hv's work item.
 */
TEST_F(gic, spi_level_irqfd_resample)
{
	struct gic_t *g = &self->g;
	struct hv_irqfd fd = { .irq = 41, .flags = HV_IRQFD_RESAMPLE };
	struct pollfd p;
	__u64 one = 1, got = 0;

	gic_std_init(g, 0);
	gic_ready(_metadata, g, 0);
	fd.fd = eventfd(0, EFD_CLOEXEC);
	fd.resamplefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, fd.fd);
	ASSERT_LE(0, fd.resamplefd);
	ASSERT_EQ(0, __hv_ioctl(g->vm, HV_IRQFD, &fd));
	ASSERT_EQ(sizeof(one), write(fd.fd, &one, sizeof(one)));
	ASSERT_EQ(41, gic_irq(_metadata, g, 0));
	/* the guest deactivates it: once, and the VMM hears of it */
	gic_quiet(_metadata, g, 0, 100);
	p = (struct pollfd){ .fd = fd.resamplefd, .events = POLLIN };
	EXPECT_EQ(1, poll(&p, 1, 10000)) TH_LOG("no resample signal");
	EXPECT_EQ(sizeof(got), read(fd.resamplefd, &got, sizeof(got)));
	EXPECT_EQ(1, got);
	/* the device still wants it: the next signal sends it again */
	ASSERT_EQ(sizeof(one), write(fd.fd, &one, sizeof(one)));
	ASSERT_EQ(41, gic_irq(_metadata, g, 0));
	gic_quiet(_metadata, g, 0, 100);
	EXPECT_EQ(1, poll(&p, 1, 10000));
	close(fd.fd);
	close(fd.resamplefd);
}

TEST_F(gic, spi_edge_latched_once_and_while_active)
{
	struct gic_t *g = &self->g;

	gic_std_init(g, 0);
	/* SPI 42 edge-triggered: ICFGR2, field 10 */
	gic_op(g, 0, GICD + GICD_ICFGR + 8, 2U << 20);
	gic_ready(_metadata, g, 0);
	ASSERT_EQ(0, gic_line(g, 42, 1));
	ASSERT_EQ(0, gic_line(g, 42, 0));
	ASSERT_EQ(42, gic_irq(_metadata, g, 0));
	gic_quiet(_metadata, g, 0, 100);
	/* an edge while the guest handles the last one: once more after */
	ASSERT_EQ(0, gic_line(g, 42, 1));
	ASSERT_EQ(0, gic_line(g, 42, 0));
	ASSERT_EQ(42, gic_irq(_metadata, g, 0));
	ASSERT_EQ(0, gic_line(g, 42, 1));
	ASSERT_EQ(0, gic_line(g, 42, 0));
	ASSERT_EQ(42, gic_irq(_metadata, g, 0));
	gic_quiet(_metadata, g, 0, 100);
}

/* Leave @n lines in vCPU @id's run structure for its next HV_RUN. */
static void gic_run_lines(struct gic_t *g, int id,
			  const struct hv_run_irq_line *l, __u32 n)
{
	memcpy(g->run[id]->irq_lines, l, n * sizeof(*l));
	g->run[id]->irq_line_count = n;
}

/*
 * The lines HV_RUN sets first (hv_run.irq_lines[]): a pulse on an edge
 * SPI and a level SPI raised then lowered, each in one HV_RUN, as the
 * HV_IRQ_LINE calls would. hv marks them done (count 0).
 */
TEST_F(gic, spi_lines_set_by_hv_run)
{
	const struct hv_run_irq_line pulse[] = { { 42, 1 }, { 42, 0 } };
	const struct hv_run_irq_line up = { 40, 1 }, down = { 40, 0 };
	struct gic_t *g = &self->g;
	__u32 cap = HV_CAP_RUN_IRQ_LINES;

	ASSERT_EQ(HV_RUN_IRQ_LINES, ioctl(g->dev, HV_CHECK_CAP, &cap));
	gic_std_init(g, 0);
	gic_op(g, 0, GICD + GICD_ICFGR + 8, 2U << 20);	/* SPI 42 edge */
	gic_ready(_metadata, g, 0);
	gic_run_lines(g, 0, pulse, 2);
	ASSERT_EQ(42, gic_irq(_metadata, g, 0));
	EXPECT_EQ(0, g->run[0]->irq_line_count);
	gic_quiet(_metadata, g, 0, 100);	/* one edge, one interrupt */
	gic_run_lines(g, 0, &up, 1);
	ASSERT_EQ(40, gic_irq(_metadata, g, 0));
	/* the level line stays high: lowered by the next HV_RUN, it is over */
	gic_run_lines(g, 0, &down, 1);
	gic_quiet(_metadata, g, 0, 100);
	EXPECT_EQ(0, g->run[0]->irq_line_count);
	/* set even by an HV_RUN that immediate_exit ends at once */
	gic_run_lines(g, 0, pulse, 2);
	g->run[0]->immediate_exit = 1;
	EXPECT_EQ(-EINTR, __hv_ioctl(g->vcpu[0], HV_RUN, NULL));
	EXPECT_EQ(0, g->run[0]->irq_line_count);
	g->run[0]->immediate_exit = 0;
	ASSERT_EQ(42, gic_irq(_metadata, g, 0));
	gic_quiet(_metadata, g, 0, 100);
}

/*
 * What HV_IRQ_LINE refuses, HV_RUN refuses before it sets any line or
 * runs the vCPU, leaving the count as it was: a count above
 * HV_RUN_IRQ_LINES, a level above 1, a line that is not an SPI (behind
 * a good one, which must not be set either).
 */
TEST_F(gic, spi_lines_bad_input_in_hv_run)
{
	const struct hv_run_irq_line good_bad[][2] = {
		{ { 42, 1 }, { 15, 1 } }, { { 42, 1 }, { 32 + NR_SPIS, 1 } },
		{ { 42, 1 }, { 0xffffffff, 0 } }, { { 42, 1 }, { 42, 2 } },
	};
	struct gic_t *g = &self->g;
	struct hv_run *run = g->run[0];
	unsigned int i;

	gic_std_init(g, 0);
	gic_op(g, 0, GICD + GICD_ICFGR + 8, 2U << 20);	/* SPI 42 edge */
	gic_ready(_metadata, g, 0);
	run->irq_line_count = HV_RUN_IRQ_LINES + 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vcpu[0], HV_RUN, NULL));
	EXPECT_EQ(HV_RUN_IRQ_LINES + 1, run->irq_line_count);
	for (i = 0; i < sizeof(good_bad) / sizeof(good_bad[0]); i++) {
		gic_run_lines(g, 0, good_bad[i], 2);
		EXPECT_EQ(-EINVAL, __hv_ioctl(g->vcpu[0], HV_RUN, NULL))
			TH_LOG("entry 1: irq %u level %u", good_bad[i][1].irq,
			       good_bad[i][1].level);
		EXPECT_EQ(2, run->irq_line_count);
	}
	/* SPI 42's rising edge, first in each, was never set */
	run->irq_line_count = 0;
	gic_quiet(_metadata, g, 0, 100);
}

/* 8 SPIs at distinct priorities, more than the CPU's list registers. */
static const __u8 overflow_prio[8] = {
	0x50, 0x10, 0x70, 0x30, 0x60, 0x20, 0x40, 0x00
};

static void gic_overflow_init(struct gic_t *g, bool edge)
{
	int i;

	gic_std_init(g, 0);
	for (i = 0; i < 8; i++)
		gic_op(g, 0, (GICD + GICD_IPRIORITYR + 48 + i) | A64_GIC_W8,
		       overflow_prio[i]);
	/* SPIs 48-55: ICFGR3 fields 0-7 */
	if (edge)
		gic_op(g, 0, GICD + GICD_ICFGR + 12, 0xaaaa);
}

/* INTID 48 + i in priority order */
static int overflow_expect(int n)
{
	int i;

	for (i = 0; i < 8; i++)
		if (overflow_prio[i] == n * 0x10)
			return 48 + i;
	return -1;
}

TEST_F(gic, lr_overflow_level_priority_order)
{
	struct gic_t *g = &self->g;
	int i;

	gic_overflow_init(g, false);
	for (i = 48; i < 56; i++)
		ASSERT_EQ(0, gic_line(g, i, 1));
	gic_ready(_metadata, g, 0);
	for (i = 0; i < 8; i++) {
		__u64 intid = gic_irq(_metadata, g, 0);

		EXPECT_EQ(overflow_expect(i), intid);
		ASSERT_EQ(0, gic_line(g, intid, 0));
	}
	gic_quiet(_metadata, g, 0, 100);
}

/*
 * Edge SPIs handled without an exit per interrupt (log mode): the list
 * registers run empty and are refilled from the maintenance interrupt
 * (underflow), still in priority order.
 */
TEST_F(gic, lr_overflow_edge_refilled_in_guest)
{
	struct gic_t *g = &self->g;
	__u64 *log = (__u64 *)((char *)g->ram + A64_DATA);
	int i;

	gic_overflow_init(g, true);
	gic_set_x(_metadata, g->vcpu[0], 21, 8);
	gic_set_x(_metadata, g->vcpu[0], 22, A64_DATA);
	/* edge-triggered once the guest set them up: pulse them then */
	gic_ready(_metadata, g, 0);
	for (i = 48; i < 56; i++) {
		ASSERT_EQ(0, gic_line(g, i, 1));
		ASSERT_EQ(0, gic_line(g, i, 0));
	}
	gic_run(_metadata, g, 0, A64_HC_DONE);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(overflow_expect(i), log[i]) TH_LOG("#%d", i);
	gic_quiet(_metadata, g, 0, 100);
}

struct sgi_thread {
	struct gic_t *g;
	struct __test_metadata *md;
	volatile int ready;
	__u64 intid, cpu;
	int err;
};

static void *sgi_vcpu1(void *arg)
{
	struct sgi_thread *st = arg;
	struct hv_run *run = st->g->run[1];
	sigset_t set;

	/* the main thread's timer signal is not for this thread */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (ioctl(st->g->vcpu[1], HV_RUN, NULL) ||
	    run->exit_reason != HV_EXIT_HYPERCALL ||
	    run->hypercall.nr != A64_HC_READY) {
		st->err = 1;
		st->ready = 1;
		return NULL;
	}
	st->ready = 1;
	if (ioctl(st->g->vcpu[1], HV_RUN, NULL) ||
	    run->exit_reason != HV_EXIT_HYPERCALL ||
	    run->hypercall.nr != A64_HC_IRQ) {
		st->err = 2;
		return NULL;
	}
	st->intid = run->hypercall.args[0];
	st->cpu = run->hypercall.args[1];
	return NULL;
}

TEST_F(gic, sgi_to_another_vcpu_thread)
{
	struct gic_t *g = &self->g;
	struct sgi_thread st = { .g = g, .md = _metadata };
	pthread_t th;
	int ret;

	ASSERT_EQ(0, gic_add_vcpu(g, 1));
	gic_std_init(g, 0);
	gic_std_init(g, 1);
	ASSERT_EQ(0, pthread_create(&th, NULL, sgi_vcpu1, &st));
	while (!st.ready)
		usleep(1000);
	ASSERT_EQ(0, st.err);
	gic_ready(_metadata, g, 0);
	ASSERT_EQ(0, gic_line(g, 40, 1));
	ASSERT_EQ(40, gic_irq(_metadata, g, 0));
	ASSERT_EQ(0, gic_line(g, 40, 0));
	/* SGI 3 to the target list {vCPU 1} at affinity 0.0.0 */
	g->run[0]->hypercall.ret = A64_GIC_CMD_SGI | 3ULL << 24 | 1U << 1;
	/* vCPU 0 sends it, then idles until the signal */
	gic_quiet(_metadata, g, 0, 200);
	ret = pthread_join(th, NULL);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, st.err);
	EXPECT_EQ(3, st.intid);
	EXPECT_EQ(1, st.cpu);
}

/* The guest's virtual count now, and the counter's frequency. */
static __u64 guest_count(struct __test_metadata *_metadata, int fd)
{
	struct hv_sysregs s;
	__u64 cnt;

	EXPECT_EQ(0, ioctl(fd, HV_GET_SYSREGS, &s));
	asm volatile("isb; mrs %0, cntvct_el0" : "=r" (cnt));
	return cnt - s.cntvoff;
}

static __u64 counter_freq(void)
{
	__u64 f;

	asm volatile("mrs %0, cntfrq_el0" : "=r" (f));
	return f;
}

static void vtimer_arm(struct __test_metadata *_metadata, int fd, __u64 cval)
{
	struct hv_sysregs s;

	ASSERT_EQ(0, ioctl(fd, HV_GET_SYSREGS, &s));
	s.cntv_cval_el0 = cval;
	s.cntv_ctl_el0 = 1;
	ASSERT_EQ(0, ioctl(fd, HV_SET_SYSREGS, &s));
}

static void vtimer_test(struct __test_metadata *_metadata, struct gic_t *g,
			bool busy, __u64 delay)
{
	gic_std_init(g, 0);
	gic_set_x(_metadata, g->vcpu[0], 19, busy);
	gic_ready(_metadata, g, 0);
	vtimer_arm(_metadata, g->vcpu[0],
		   delay ? guest_count(_metadata, g->vcpu[0]) + delay : 0);
	ASSERT_EQ(VTIMER_INTID, gic_irq(_metadata, g, 0));
	/* the guest stops its timer before the EOI: nothing more */
	g->run[0]->hypercall.ret = A64_GIC_CMD_TIMER_OFF;
	gic_quiet(_metadata, g, 0, 100);
}

TEST_F(gic, vtimer_fires_while_running)
{
	vtimer_test(_metadata, &self->g, true, counter_freq() / 50);
}

TEST_F(gic, vtimer_wakes_wfi)
{
	vtimer_test(_metadata, &self->g, false, counter_freq() / 50);
}

TEST_F(gic, vtimer_cval_in_past_fires_at_once)
{
	vtimer_test(_metadata, &self->g, true, 0);
}

TEST_F(gic, vtimer_cval_in_past_wakes_wfi)
{
	vtimer_test(_metadata, &self->g, false, 0);
}

TEST_F(gic, vtimer_far_future_does_not_fire)
{
	struct gic_t *g = &self->g;

	gic_std_init(g, 0);
	gic_ready(_metadata, g, 0);
	vtimer_arm(_metadata, g->vcpu[0], guest_count(_metadata, g->vcpu[0]) +
		   3600 * counter_freq());
	gic_quiet(_metadata, g, 0, 200);
	/*
	 * The same while running. (Not CVAL ~0: QEMU 7.2's timer model
	 * wraps CVAL + offset and then loops in the emulator itself.)
	 */
	gic_set_x(_metadata, g->vcpu[0], 19, 1);
	gic_quiet(_metadata, g, 0, 100);
}

/* A physical timer operation in vCPU @id's table (hv_arm64_guest.h). */
static void pt_op(struct gic_t *g, int id, int op, __u64 val)
{
	gic_op(g, id, A64_GIC_SYS | op, val);
}

/* Run to the report of a A64_PT_R_* operation; return the value read. */
static __u64 pt_read(struct __test_metadata *_metadata, struct gic_t *g,
		     int op)
{
	gic_run(_metadata, g, 0, A64_HC_STEP);
	EXPECT_EQ(A64_GIC_SYS | op, g->run[0]->hypercall.args[0]);
	return g->run[0]->hypercall.args[1];
}

static void cpu_state(struct __test_metadata *_metadata, struct gic_t *g,
		      struct hv_arm64_vgic_cpu_state *c, bool set)
{
	struct hv_arm64_state_buf b = {
		.addr = (uintptr_t)c, .size = sizeof(*c),
	};

	ASSERT_EQ(0, __hv_ioctl(g->vcpu[0], set ? HV_ARM64_SET_VGIC_CPU :
				HV_ARM64_GET_VGIC_CPU, &b));
}

/* The host's count: the guest's physical count (no offset). */
static __u64 host_count(void)
{
	__u64 cnt;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r" (cnt));
	return cnt;
}

/*
 * The guest sets CNTP_CVAL 20 ms ahead and enables the timer; INTID 30
 * comes, the count past CVAL by then. While the guest does not turn the timer
 * off it is a level that stays high: after the EOI it comes again.
 */
static void ptimer_test(struct __test_metadata *_metadata, struct gic_t *g,
			bool busy)
{
	struct hv_arm64_vgic_cpu_state c;

	gic_std_init(g, 0);
	pt_op(g, 0, A64_PT_W_CVAL_REL, counter_freq() / 50);
	pt_op(g, 0, A64_PT_W_CTL, 1);
	gic_set_x(_metadata, g->vcpu[0], 19, busy);
	gic_ready(_metadata, g, 0);
	ASSERT_EQ(PTIMER_INTID, gic_irq(_metadata, g, 0));
	cpu_state(_metadata, g, &c, false);
	EXPECT_EQ(1, c.cntp_ctl);
	EXPECT_LE(c.cntp_cval, host_count());
	ASSERT_EQ(PTIMER_INTID, gic_irq(_metadata, g, 0));
	/* the guest stops its timer before the EOI: nothing more */
	g->run[0]->hypercall.ret = A64_GIC_CMD_PTIMER_OFF;
	gic_quiet(_metadata, g, 0, 100);
}

TEST_F(gic, ptimer_fires_at_cval_while_running)
{
	ptimer_test(_metadata, &self->g, true);
}

TEST_F(gic, ptimer_wakes_wfi)
{
	ptimer_test(_metadata, &self->g, false);
}

/*
 * TVAL is the signed 32-bit distance from the count to CVAL (ARM ARM
 * D11.2.4): a write sets CVAL = count + SignExtend(TVAL[31:0]), a read
 * gives (CVAL - count)[31:0]. ISTATUS reads the condition with IMASK set.
 */
TEST_F(gic, ptimer_tval_istatus_semantics)
{
	struct gic_t *g = &self->g;
	__u64 c0, c1, cval, tval, ctl;

	gic_std_init(g, 0);
	pt_op(g, 0, A64_PT_R_CTL, 0);
	pt_op(g, 0, A64_PT_R_COUNT, 0);
	pt_op(g, 0, A64_PT_W_TVAL, 1000000);
	pt_op(g, 0, A64_PT_R_COUNT, 0);
	pt_op(g, 0, A64_PT_R_CVAL, 0);
	pt_op(g, 0, A64_PT_R_TVAL, 0);
	/* negative, and bits [63:32] of the value ignored */
	pt_op(g, 0, A64_PT_R_COUNT, 0);
	pt_op(g, 0, A64_PT_W_TVAL, 0x12345678ffffff00ULL);
	pt_op(g, 0, A64_PT_R_COUNT, 0);
	pt_op(g, 0, A64_PT_R_CVAL, 0);
	/* enabled and masked with CVAL past: ISTATUS, no interrupt */
	pt_op(g, 0, A64_PT_W_CTL, 3);
	pt_op(g, 0, A64_PT_R_CTL, 0);
	pt_op(g, 0, A64_PT_R_TVAL, 0);
	/* ISTATUS is read-only; enabled with CVAL far ahead: not met */
	pt_op(g, 0, A64_PT_W_CVAL, ~0ULL);
	pt_op(g, 0, A64_PT_W_CTL, 5);
	pt_op(g, 0, A64_PT_R_CTL, 0);

	EXPECT_EQ(0, pt_read(_metadata, g, A64_PT_R_CTL) & 3);
	c0 = pt_read(_metadata, g, A64_PT_R_COUNT);
	c1 = pt_read(_metadata, g, A64_PT_R_COUNT);
	cval = pt_read(_metadata, g, A64_PT_R_CVAL);
	EXPECT_LE(c0 + 1000000, cval);
	EXPECT_GE(c1 + 1000000, cval);
	tval = pt_read(_metadata, g, A64_PT_R_TVAL);
	EXPECT_EQ(0, tval >> 32);
	EXPECT_GE(1000000, (__s32)tval);
	EXPECT_LT(0, (__s32)tval);

	c0 = pt_read(_metadata, g, A64_PT_R_COUNT);
	c1 = pt_read(_metadata, g, A64_PT_R_COUNT);
	cval = pt_read(_metadata, g, A64_PT_R_CVAL);
	EXPECT_LE(c0 - 256, cval);
	EXPECT_GE(c1 - 256, cval);

	ctl = pt_read(_metadata, g, A64_PT_R_CTL);
	EXPECT_EQ(7, ctl);
	tval = pt_read(_metadata, g, A64_PT_R_TVAL);
	EXPECT_GT(-256, (__s32)tval);

	EXPECT_EQ(1, pt_read(_metadata, g, A64_PT_R_CTL));
	gic_ready(_metadata, g, 0);
	gic_quiet(_metadata, g, 0, 100);
}

/*
 * Masked with CVAL in the past: nothing is delivered until the mask goes
 * (here by a restore, HV_ARM64_SET_VGIC_CPU), then at once.
 */
TEST_F(gic, ptimer_masked_then_unmasked)
{
	struct gic_t *g = &self->g;
	struct hv_arm64_vgic_cpu_state c;
	struct hv_arm64_state_buf b = {
		.addr = (uintptr_t)&c, .size = sizeof(c),
	};

	gic_std_init(g, 0);
	pt_op(g, 0, A64_PT_W_CVAL, 0);
	pt_op(g, 0, A64_PT_W_CTL, 3);
	gic_ready(_metadata, g, 0);
	gic_quiet(_metadata, g, 0, 100);
	cpu_state(_metadata, g, &c, false);
	EXPECT_EQ(3, c.cntp_ctl);
	EXPECT_EQ(0, c.cntp_cval);
	/* ISTATUS is not state: refused */
	c.cntp_ctl = 5;
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vcpu[0], HV_ARM64_SET_VGIC_CPU, &b));
	c.cntp_ctl = 1;
	cpu_state(_metadata, g, &c, true);
	ASSERT_EQ(PTIMER_INTID, gic_irq(_metadata, g, 0));
	g->run[0]->hypercall.ret = A64_GIC_CMD_PTIMER_OFF;
	gic_quiet(_metadata, g, 0, 100);
}

/* CVAL an hour ahead, or at the end of time: never fires. */
TEST_F(gic, ptimer_far_future_does_not_fire)
{
	struct gic_t *g = &self->g;
	struct hv_arm64_vgic_cpu_state c;

	gic_std_init(g, 0);
	pt_op(g, 0, A64_PT_W_CVAL_REL, 3600 * counter_freq());
	pt_op(g, 0, A64_PT_W_CTL, 1);
	gic_ready(_metadata, g, 0);
	gic_quiet(_metadata, g, 0, 200);
	gic_set_x(_metadata, g->vcpu[0], 19, 1);
	gic_quiet(_metadata, g, 0, 100);
	cpu_state(_metadata, g, &c, false);
	c.cntp_cval = ~0ULL;
	cpu_state(_metadata, g, &c, true);
	gic_quiet(_metadata, g, 0, 100);
}

TEST_F(gic, irq_line_bad_input)
{
	struct gic_t *g = &self->g;
	struct hv_irq_level l = { .irq = 40, .level = 1, .reserved[1] = 1 };
	struct hv_irq_line old = { .line = HV_ARM64_IRQ_LINE, .level = 1 };
	__u32 bad[] = { 0, 15, 27, 31, 32 + NR_SPIS, 1020, 1023, 0xffffffff };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		__u32 irq = bad[i];

		EXPECT_EQ(-EINVAL, gic_line(g, irq, 1)) TH_LOG("%u", irq);
	}
	EXPECT_EQ(-EINVAL, gic_line(g, 40, 2));
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vm, HV_IRQ_LINE, &l));
	/* the vCPU's own lines belong to the GIC now */
	EXPECT_EQ(-EBUSY, __hv_ioctl(g->vcpu[0], HV_SET_IRQ_LINE, &old));
}

/*
 * Another task on the host: sleeps 1 ms at a time and counts. A test
 * runs its storm until this task has made PROGRESS_TICKS steps, so a
 * host that starves it never ends the test (the harness's timeout fails
 * it), and a fast one does not end it early.
 */
#define PROGRESS_TICKS	50

struct progress {
	volatile int stop;
	volatile long ticks;
};

static void *progress_thread(void *arg)
{
	struct progress *p = arg;
	struct timespec ts = { .tv_nsec = 1000000 };

	while (!p->stop) {
		nanosleep(&ts, NULL);
		p->ticks++;
	}
	return NULL;
}

/* Start it with SIGALRM blocked: the watchdog signal is the vCPU's. */
static int progress_start(struct progress *p, pthread_t *th)
{
	sigset_t set, old;
	int ret;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	ret = pthread_create(th, NULL, progress_thread, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

struct storm {
	struct gic_t *g;
	volatile int stop;
	long count;
};

static void *storm_thread(void *arg)
{
	struct storm *s = arg;

	while (!s->stop) {
		gic_line(s->g, 40, 1);
		gic_line(s->g, 40, 0);
		gic_line(s->g, 41, s->count & 1);
		s->count++;
	}
	gic_line(s->g, 41, 0);
	return NULL;
}

/*
 * Another thread toggles two SPIs as fast as it can while the guest takes
 * them, and every handler exits to us: the host stays responsive (the
 * loop ends), the guest keeps getting interrupts, nothing warns.
 */
TEST_F(gic, interrupt_storm)
{
	struct gic_t *g = &self->g;
	struct storm s = { .g = g };
	struct progress p = { 0 };
	pthread_t th, pth;
	int i, n40 = 0, n41 = 0;
	sigset_t set;

	gic_std_init(g, 0);
	gic_op(g, 0, GICD + GICD_ICFGR + 8, 2U << 16);	/* SPI 40 edge */
	gic_ready(_metadata, g, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ASSERT_EQ(0, pthread_create(&th, NULL, storm_thread, &s));
	ASSERT_EQ(0, pthread_create(&pth, NULL, progress_thread, &p));
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	for (i = 0; i < 2000 || p.ticks < PROGRESS_TICKS; i++) {
		__u64 intid = gic_irq(_metadata, g, 0);

		ASSERT_TRUE(intid == 40 || intid == 41) TH_LOG("%llu",
			(unsigned long long)intid);
		n40 += intid == 40;
		n41 += intid == 41;
	}
	s.stop = 1;
	p.stop = 1;
	pthread_join(th, NULL);
	pthread_join(pth, NULL);
	EXPECT_LT(0, n40);
	TH_LOG("%d of SPI 40, %d of SPI 41, %ld toggles, %ld ms sleeps of another task",
	       n40, n41, s.count, p.ticks);
}

/*
 * A timer whose condition stays met while the guest EOIs without turning
 * it off: a level interrupt again at every deactivation, all handled in
 * the kernel (the guest counts them in X24, no exit to us). The host
 * stays responsive: each HV_RUN ends by our signal, and another task
 * makes progress meanwhile.
 */
static void timer_storm(struct __test_metadata *_metadata, struct gic_t *g,
			bool phys)
{
	struct progress p = { 0 };
	struct hv_regs r;
	pthread_t pth;
	int rounds;

	gic_std_init(g, 0);
	if (phys) {
		pt_op(g, 0, A64_PT_W_CVAL, 0);
		pt_op(g, 0, A64_PT_W_CTL, 1);
	}
	gic_set_x(_metadata, g->vcpu[0], 23, 1);
	gic_ready(_metadata, g, 0);
	if (!phys)
		vtimer_arm(_metadata, g->vcpu[0], 0);
	ASSERT_EQ(0, progress_start(&p, &pth));
	for (rounds = 0; p.ticks < PROGRESS_TICKS; rounds++)
		gic_quiet(_metadata, g, 0, 20);
	p.stop = 1;
	pthread_join(pth, NULL);
	ASSERT_EQ(0, ioctl(g->vcpu[0], HV_GET_REGS, &r));
	EXPECT_LT(rounds, r.x[24]) TH_LOG("a storm: more interrupts than runs");
	TH_LOG("%llu interrupts in %d runs, %ld ms sleeps of another task",
	       (unsigned long long)r.x[24], rounds, p.ticks);
}

TEST_F(gic, ptimer_storm_host_responsive)
{
	timer_storm(_metadata, &self->g, true);
}

TEST_F(gic, vtimer_storm_host_responsive)
{
	timer_storm(_metadata, &self->g, false);
}

/* SGIs to vCPUs that do not exist go nowhere (IHI 0069 12.2.21). */
TEST_F(gic, sgi_to_absent_vcpus_ignored)
{
	struct gic_t *g = &self->g;
	static const __u64 sgir[] = {
		5ULL << 24 | 0xfffe,			/* vCPUs 1-15 */
		5ULL << 24 | 1ULL << 44 | 0xffff,	/* RS 1: 16-31 */
		5ULL << 24 | 15ULL << 44 | 0xffff,	/* RS 15: 240-255 */
		5ULL << 24 | 1ULL << 16 | 1,		/* Aff1 1 */
		5ULL << 24 | 1ULL << 32 | 1,		/* Aff2 1 */
		5ULL << 24 | 1ULL << 40,		/* IRM: all others */
		6ULL << 24 | 1,				/* itself */
	};
	unsigned int i;

	gic_std_init(g, 0);
	for (i = 0; i < sizeof(sgir) / sizeof(sgir[0]); i++)
		gic_op(g, 0, A64_GIC_SYS | A64_SYS_W_SGI1R, sgir[i]);
	gic_ready(_metadata, g, 0);
	ASSERT_EQ(6, gic_irq(_metadata, g, 0));
	gic_quiet(_metadata, g, 0, 100);
}

/*
 * An SPI routed to a vCPU id that does not exist is not delivered; once
 * that vCPU is created its redistributor has it pending.
 */
TEST_F(gic, spi_routed_to_absent_vcpu_arrives_once_created)
{
	struct gic_t *g = &self->g;

	gic_std_init(g, 0);
	gic_op(g, 0, (GICD + GICD_IROUTER + 8 * 40) | A64_GIC_W64, 1);
	gic_ready(_metadata, g, 0);
	ASSERT_EQ(0, gic_line(g, 40, 1));
	gic_quiet(_metadata, g, 0, 100);
	ASSERT_EQ(0, gic_add_vcpu(g, 1));
	gic_std_init(g, 1);
	gic_ready(_metadata, g, 1);
	ASSERT_EQ(40, gic_irq(_metadata, g, 1));
	ASSERT_EQ(0, gic_line(g, 40, 0));
	gic_quiet(_metadata, g, 1, 100);
	gic_quiet(_metadata, g, 0, 50);
}

/*
 * Accesses the GIC does not define: the wrong width, unaligned, reserved
 * or unimplemented offsets in every frame, the frames of absent vCPUs.
 * All read as zero and ignore writes (vgic_mmio.c).
 */
TEST_F(gic, mmio_bad_widths_and_offsets)
{
	struct gic_t *g = &self->g;
	struct hv_run *run = g->run[0];
	static const struct { __u64 addr; __u64 flags; __u64 expect; } r[] = {
		{ GICD + GICD_CTLR, A64_GIC_R64, 0 },
		{ GICD + GICD_ISACTIVER + 4, A64_GIC_R32, 0 },
		{ GICD + GICD_IROUTER + 8 * 40 + 4, A64_GIC_R32, 0 },
		{ GICD + GICD_ICFGR + 8, A64_GIC_R32, 0 },
		{ GICD + 0xd00, A64_GIC_R32, 0 },	/* IGRPMODR */
		{ GICD + 0xfffc, A64_GIC_R32, 0 },
		{ GICR(0) + 0xfffc, A64_GIC_R32, 0 },
		{ GICR(0) + SGI_BASE + GICD_ISENABLER + 4, A64_GIC_R32, 0 },
		{ GICR(0) + SGI_BASE + 0xfffc, A64_GIC_R32, 0 },
		{ GICR(0) + GICR_TYPER + 2, A64_GIC_R32, 0 },
		{ GICR(63) + GICR_TYPER, A64_GIC_R64, 0 },
		{ GICR(63) + SGI_BASE + GICD_ISENABLER, A64_GIC_R32, 0 },
	};
	unsigned int i;

	gic_std_init(g, 0);
	/* stores of the wrong size, and to a read-only register: ignored */
	gic_op(g, 0, (GICD + GICD_ISACTIVER + 4) | A64_GIC_W64, ~0ULL);
	gic_op(g, 0, (GICD + GICD_ICFGR + 8) | A64_GIC_W8, 0xaa);
	gic_op(g, 0, (GICD + GICD_IROUTER + 8 * 40 + 4) | A64_GIC_W8, 0xff);
	gic_op(g, 0, GICR(0) + GICR_TYPER, ~0U);
	gic_op(g, 0, GICR(63) + SGI_BASE + GICD_ISENABLER, ~0U);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		gic_op(g, 0, r[i].addr | r[i].flags, 0);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		gic_run(_metadata, g, 0, A64_HC_STEP);
		EXPECT_EQ(r[i].addr, run->hypercall.args[0]);
		EXPECT_EQ(r[i].expect, run->hypercall.args[1])
			TH_LOG("register %#llx", (unsigned long long)r[i].addr);
	}
	gic_ready(_metadata, g, 0);
	gic_quiet(_metadata, g, 0, 50);
}

TEST_F(gic, gic_address_ioctl)
{
	struct gic_t *g = &self->g;
	struct hv_arm64_gic_addr a = {
		.dist_base = 0x20000000, .redist_base = 0x21000000,
	};
	struct hv_arm64_gic_addr bad;

	bad = a;
	bad.dist_base += 0x1000;
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vm, HV_ARM64_SET_GIC_ADDR, &bad));
	bad = a;
	bad.redist_base = a.dist_base;
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vm, HV_ARM64_SET_GIC_ADDR, &bad));
	bad = a;
	bad.flags = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vm, HV_ARM64_SET_GIC_ADDR, &bad));
	bad = a;
	bad.reserved[2] = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vm, HV_ARM64_SET_GIC_ADDR, &bad));
	bad = a;
	bad.redist_base = 1ULL << 52;
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vm, HV_ARM64_SET_GIC_ADDR, &bad));
	ASSERT_EQ(0, __hv_ioctl(g->vm, HV_ARM64_SET_GIC_ADDR, &a));

	/* the guest finds it there, and nothing at the old place */
	gic_op(g, 0, (a.dist_base + GICD_PIDR2) | A64_GIC_R32, 0);
	gic_op(g, 0, a.redist_base + GICR_WAKER, 0);
	gic_op(g, 0, (a.redist_base + GICR_TYPER) | A64_GIC_R64, 0);
	gic_op(g, 0, (GICD + GICD_PIDR2) | A64_GIC_R32, 0);
	gic_run(_metadata, g, 0, A64_HC_STEP);
	EXPECT_EQ(0x3b, g->run[0]->hypercall.args[1]);
	gic_run(_metadata, g, 0, A64_HC_STEP);
	EXPECT_EQ(1 << 4, g->run[0]->hypercall.args[1]);
	/* the old distributor address is an MMIO exit for the VMM now */
	ASSERT_EQ(0, __hv_ioctl(g->vcpu[0], HV_RUN, NULL));
	ASSERT_EQ(HV_EXIT_MMIO, g->run[0]->exit_reason);
	EXPECT_EQ(GICD + GICD_PIDR2, g->run[0]->mmio.phys_addr);
	/* a vCPU ran: the GIC stays where it is */
	EXPECT_EQ(-EBUSY, __hv_ioctl(g->vm, HV_ARM64_SET_GIC_ADDR, &a));
}

TEST_F(gic, state_get_set)
{
	struct gic_t *g = &self->g;
	struct hv_arm64_vgic_dist_state d, d2;
	struct hv_arm64_vgic_cpu_state c, c2;
	struct hv_arm64_state_buf b = {
		.addr = (uintptr_t)&d, .size = sizeof(d),
	};

	ASSERT_EQ(0, __hv_ioctl(g->vm, HV_ARM64_GET_VGIC_DIST, &b));
	EXPECT_EQ(NR_SPIS, d.nr_spis);
	EXPECT_EQ(0, d.ctlr);
	/* SPI 40: priority 0x80, enabled, routed to vCPU 0; SPI 41 pending */
	d.ctlr = 3;
	d.spi[8].priority = 0x80;
	d.spi[8].flags |= HV_ARM64_VGIC_IRQ_ENABLED;
	d.spi[9].flags |= HV_ARM64_VGIC_IRQ_ENABLED | HV_ARM64_VGIC_IRQ_PENDING;
	ASSERT_EQ(0, __hv_ioctl(g->vm, HV_ARM64_SET_VGIC_DIST, &b));
	b.addr = (uintptr_t)&d2;
	ASSERT_EQ(0, __hv_ioctl(g->vm, HV_ARM64_GET_VGIC_DIST, &b));
	EXPECT_EQ(0, memcmp(&d, &d2, sizeof(d)));

	/* bad input */
	d2.spi[3].priority = 0x81;
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vm, HV_ARM64_SET_VGIC_DIST, &b));
	d2 = d;
	d2.spi[3].irouter = 1ULL << 40;
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vm, HV_ARM64_SET_VGIC_DIST, &b));
	d2 = d;
	d2.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vm, HV_ARM64_SET_VGIC_DIST, &b));
	b.size--;
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vm, HV_ARM64_GET_VGIC_DIST, &b));

	b.addr = (uintptr_t)&c;
	b.size = sizeof(c);
	ASSERT_EQ(0, __hv_ioctl(g->vcpu[0], HV_ARM64_GET_VGIC_CPU, &b));
	EXPECT_EQ(2, c.waker);
	/* awake, group 1 on, PMR 0xff, SGIs and PPIs enabled */
	c.waker = 0;
	c.vmcr = 0xffULL << 24 | 2;
	for (int i = 0; i < 32; i++)
		c.priv[i].flags |= HV_ARM64_VGIC_IRQ_ENABLED;
	ASSERT_EQ(0, __hv_ioctl(g->vcpu[0], HV_ARM64_SET_VGIC_CPU, &b));
	b.addr = (uintptr_t)&c2;
	ASSERT_EQ(0, __hv_ioctl(g->vcpu[0], HV_ARM64_GET_VGIC_CPU, &b));
	EXPECT_EQ(0, memcmp(&c, &c2, sizeof(c)));
	c2.priv[20].flags |= HV_ARM64_VGIC_IRQ_EDGE;	/* PPIs are level */
	EXPECT_EQ(-EINVAL, __hv_ioctl(g->vcpu[0], HV_ARM64_SET_VGIC_CPU, &b));

	/*
	 * The restored state is live: the guest (no GIC set-up of its own)
	 * takes the pending SPI 41 first, then 40 once raised.
	 */
	gic_ready(_metadata, g, 0);
	ASSERT_EQ(41, gic_irq(_metadata, g, 0));
	ASSERT_EQ(0, gic_line(g, 40, 1));
	ASSERT_EQ(40, gic_irq(_metadata, g, 0));
	ASSERT_EQ(0, gic_line(g, 40, 0));
	gic_quiet(_metadata, g, 0, 50);
}

/*
 * Run vCPU @id until the guest's hypercall @nr, for at most @ms (the
 * thread must take SIGALRM): 0; -ETIME when the time ran out (an interrupt
 * that never came); -EPROTO for another exit.
 */
static int gic_run_for(struct gic_t *g, int id, __u64 nr, int ms)
{
	struct itimerval it = { .it_value.tv_sec = ms / 1000,
				.it_value.tv_usec = ms % 1000 * 1000 };
	struct itimerval off = { 0 };
	struct hv_run *run = g->run[id];
	int ret;

	setitimer(ITIMER_REAL, &it, NULL);
	ret = __hv_ioctl(g->vcpu[id], HV_RUN, NULL);
	setitimer(ITIMER_REAL, &off, NULL);
	if (ret == -EINTR)
		return -ETIME;
	if (ret || run->exit_reason != HV_EXIT_HYPERCALL ||
	    run->hypercall.nr != nr)
		return -EPROTO;
	run->hypercall.ret = 0;
	return 0;
}

/* Get the distributor's state, change CTLR and one SPI, set it again. */
static int gic_dist_edit(struct gic_t *g, __u32 intid, __u32 ctlr,
			 __u8 set_flags, __u8 clear_flags, __u64 irouter)
{
	struct hv_arm64_vgic_dist_state d;
	struct hv_arm64_state_buf b = { .addr = (uintptr_t)&d,
					.size = sizeof(d) };
	struct hv_arm64_vgic_irq *irq = &d.spi[intid - 32];

	if (__hv_ioctl(g->vm, HV_ARM64_GET_VGIC_DIST, &b))
		return -1;
	d.ctlr = ctlr;
	irq->flags = (irq->flags | set_flags) & ~clear_flags;
	irq->irouter = irouter;
	return __hv_ioctl(g->vm, HV_ARM64_SET_VGIC_DIST, &b);
}

static __u8 gic_spi_flags(struct gic_t *g, __u32 intid)
{
	struct hv_arm64_vgic_dist_state d;
	struct hv_arm64_state_buf b = { .addr = (uintptr_t)&d,
					.size = sizeof(d) };

	if (__hv_ioctl(g->vm, HV_ARM64_GET_VGIC_DIST, &b))
		return 0xff;
	return d.spi[intid - 32].flags;
}

#define CREATE_RACE_ROUNDS	300

struct create_race {
	struct gic_t *g;
	int go, done, stop, round;
	long toggles, last;
};

/*
 * Per round: lower and raise SPI 40 a number of times that changes from
 * round to round, then leave it high. The main thread starts the
 * creation once this loop runs; the number of toggles that creation
 * lasts (cr->last, measured) is the scale, so that over the rounds the
 * last raise lands before, all through and after it.
 */
static void *create_race_thread(void *arg)
{
	struct create_race *cr = arg;
	long i, n, span;

	for (;;) {
		while (!__atomic_load_n(&cr->go, __ATOMIC_SEQ_CST))
			if (__atomic_load_n(&cr->stop, __ATOMIC_SEQ_CST))
				return NULL;
		__atomic_store_n(&cr->go, 0, __ATOMIC_SEQ_CST);
		span = __atomic_load_n(&cr->last, __ATOMIC_SEQ_CST) + 2;
		n = 1 + (cr->round * 7919L) % (span + span / 2);
		for (i = 0; i < n; i++) {
			gic_line(cr->g, 40, 0);
			gic_line(cr->g, 40, 1);
			__atomic_add_fetch(&cr->toggles, 1, __ATOMIC_SEQ_CST);
		}
		__atomic_store_n(&cr->done, 1, __ATOMIC_SEQ_CST);
	}
}

/*
 * A level SPI routed to vCPU 1 is raised (lowered and raised in a loop)
 * by another thread while vCPU 1 is created: once the line stays high,
 * the new vCPU must take it. HV_CREATE_VCPU used to collect the pending
 * SPIs routed to the new vCPU before HV_IRQ_LINE could see that vCPU: a
 * raise in between reached neither, and the SPI stayed pending for
 * nobody. Many rounds, each bounded: a lost SPI fails the round.
 */
TEST_F(gic, spi_raised_while_vcpu_created)
{
	struct gic_t *g = &self->g;
	struct create_race cr = { .g = g, .last = 100 };
	__u64 *log = (__u64 *)((char *)g->ram + A64_DATA);
	struct hv_regs regs;
	pthread_t th;
	sigset_t set, old;
	int round, fd, ret;
	long t0;

	/* SPI 40: level, enabled, group 1, routed to vCPU 1 */
	ASSERT_EQ(0, gic_dist_edit(g, 40, 3, HV_ARM64_VGIC_IRQ_ENABLED |
				   HV_ARM64_VGIC_IRQ_GROUP1,
				   HV_ARM64_VGIC_IRQ_EDGE, 1));
	gic_op(g, 1, GICR(1) + GICR_WAKER, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	ret = pthread_create(&th, NULL, create_race_thread, &cr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	ASSERT_EQ(0, ret);
	for (round = 0; round < CREATE_RACE_ROUNDS; round++) {
		ASSERT_EQ(0, gic_line(g, 40, 0));
		log[0] = 0;
		__atomic_store_n(&cr.done, 0, __ATOMIC_SEQ_CST);
		cr.round = round;
		t0 = __atomic_load_n(&cr.toggles, __ATOMIC_SEQ_CST);
		__atomic_store_n(&cr.go, 1, __ATOMIC_SEQ_CST);
		/* the other thread toggles while the creation runs */
		while (__atomic_load_n(&cr.toggles, __ATOMIC_SEQ_CST) < t0 + 1 &&
		       !__atomic_load_n(&cr.done, __ATOMIC_SEQ_CST))
			;
		t0 = __atomic_load_n(&cr.toggles, __ATOMIC_SEQ_CST);
		fd = hv_create_vcpu(g->vm, 1);
		/* how many toggles a creation lasts: the next rounds' scale */
		if (!__atomic_load_n(&cr.done, __ATOMIC_SEQ_CST))
			__atomic_store_n(&cr.last,
					 __atomic_load_n(&cr.toggles,
							 __ATOMIC_SEQ_CST) - t0,
					 __ATOMIC_SEQ_CST);
		while (!__atomic_load_n(&cr.done, __ATOMIC_SEQ_CST))
			;
		ASSERT_LE(0, fd);
		g->vcpu[1] = fd;
		g->run[1] = hv_map_run(fd);
		ASSERT_NE(NULL, g->run[1]);
		ASSERT_EQ(0, ioctl(fd, HV_GET_REGS, &regs));
		regs.pc = A64_CODE;
		regs.sp_el1 = A64_STACK_TOP;
		/* log mode: one interrupt, EOId, then A64_HC_DONE */
		regs.x[21] = 1;
		regs.x[22] = A64_DATA;
		ASSERT_EQ(0, ioctl(fd, HV_SET_REGS, &regs));
		ASSERT_EQ(0, gic_run_for(g, 1, A64_HC_READY, 2000));
		ret = gic_run_for(g, 1, A64_HC_DONE, 2000);
		if (ret == -ETIME)
			gic_console("%s: round %d: SPI 40 lost\n",
				    _metadata->name, round);
		ASSERT_EQ(0, ret) TH_LOG("round %d of %d: SPI 40, high and routed to the new vCPU 1, never came",
					 round, CREATE_RACE_ROUNDS);
		ASSERT_EQ(40, log[0]);
		munmap(g->run[1], HV_RUN_MMAP_SIZE);
		close(fd);
		g->vcpu[1] = -1;
	}
	__atomic_store_n(&cr.stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(th, NULL);
	TH_LOG("%d rounds, %ld toggles", round, cr.toggles);
}

/*
 * vCPU 0 has level SPI 40 active (acknowledged, not yet EOId) when vCPU 1
 * routes it to itself (GICD_IROUTER). The active interrupt stays with
 * vCPU 0 until it is deactivated there: vCPU 0's EOI must end it, and the
 * next assertion must reach vCPU 1. The route used to move the active
 * state to vCPU 1's list registers: vCPU 0's EOI found no list register
 * to deactivate, and SPI 40 stayed active for good.
 */
TEST_F(gic, spi_rerouted_while_active)
{
	struct gic_t *g = &self->g;

	ASSERT_EQ(0, gic_add_vcpu(g, 1));
	gic_std_init(g, 0);
	gic_op(g, 1, GICR(1) + GICR_WAKER, 0);
	gic_op(g, 1, (GICD + GICD_IROUTER + 8 * 40) | A64_GIC_W64, 1);
	gic_ready(_metadata, g, 0);
	ASSERT_EQ(0, gic_line(g, 40, 1));
	ASSERT_EQ(40, gic_irq(_metadata, g, 0));
	/* vCPU 1 routes the active SPI to itself */
	ASSERT_EQ(0, gic_run_for(g, 1, A64_HC_READY, 2000));
	ASSERT_EQ(0, gic_line(g, 40, 0));
	/* vCPU 0 EOIs it and idles */
	gic_quiet(_metadata, g, 0, 50);
	EXPECT_EQ(0, gic_spi_flags(g, 40) & HV_ARM64_VGIC_IRQ_ACTIVE)
		TH_LOG("SPI 40 still active after vCPU 0's EOI");
	ASSERT_EQ(0, gic_line(g, 40, 1));
	ASSERT_EQ(0, gic_run_for(g, 1, A64_HC_IRQ, 2000))
		TH_LOG("SPI 40 did not reach its new target vCPU 1");
	EXPECT_EQ(40, g->run[1]->hypercall.args[0]);
	EXPECT_EQ(1, g->run[1]->hypercall.args[1]);
	ASSERT_EQ(0, gic_line(g, 40, 0));
}

struct wfi_thread {
	struct gic_t *g;
	int done, err;
	__u64 intid, cpu;
};

static void *wfi_vcpu1(void *arg)
{
	struct wfi_thread *w = arg;
	struct hv_run *run = w->g->run[1];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (ioctl(w->g->vcpu[1], HV_RUN, NULL))
		w->err = errno;
	else if (run->exit_reason != HV_EXIT_HYPERCALL ||
		 run->hypercall.nr != A64_HC_IRQ)
		w->err = -1;
	w->intid = run->hypercall.args[0];
	w->cpu = run->hypercall.args[1];
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * Level SPI 40 is active in vCPU 0, its line still high, when the VMM
 * routes it to vCPU 1, asleep in WFI in another thread. At vCPU 0's EOI
 * it is pending again: it must go to vCPU 1 (woken for it), not to
 * vCPU 0 again.
 */
TEST_F(gic, spi_rerouted_to_vcpu_in_wfi)
{
	struct gic_t *g = &self->g;
	struct wfi_thread w = { .g = g };
	pthread_t th;
	int i;

	ASSERT_EQ(0, gic_add_vcpu(g, 1));
	gic_std_init(g, 0);
	gic_op(g, 1, GICR(1) + GICR_WAKER, 0);
	gic_ready(_metadata, g, 0);
	ASSERT_EQ(0, gic_run_for(g, 1, A64_HC_READY, 2000));
	ASSERT_EQ(0, gic_line(g, 40, 1));
	ASSERT_EQ(40, gic_irq(_metadata, g, 0));
	ASSERT_EQ(0, pthread_create(&th, NULL, wfi_vcpu1, &w));
	ASSERT_EQ(0, gic_dist_edit(g, 40, 3, 0, 0, 1));
	/* vCPU 0 EOIs SPI 40 and must not see it again */
	gic_quiet(_metadata, g, 0, 100);
	for (i = 0; i < 2000 && !__atomic_load_n(&w.done, __ATOMIC_SEQ_CST);
	     i++)
		usleep(1000);
	if (!__atomic_load_n(&w.done, __ATOMIC_SEQ_CST))
		pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	ASSERT_EQ(0, w.err) TH_LOG("vCPU 1 got no interrupt (errno %d)",
				   w.err);
	EXPECT_EQ(40, w.intid);
	EXPECT_EQ(1, w.cpu);
	ASSERT_EQ(0, gic_line(g, 40, 0));
}

TEST(gic_without_irqchip)
{
	int dev = hv_open_dev();
	int vm = hv_create_vm(dev);
	struct hv_irq_level l = { .irq = 40, .level = 1 };
	struct hv_arm64_gic_addr a = { .dist_base = 0, .redist_base = 0x100000 };
	struct hv_arm64_vgic_dist_state d;
	struct hv_arm64_state_buf b = { .addr = (uintptr_t)&d,
					.size = sizeof(d) };
	struct hv_run *run;
	int vcpu;

	ASSERT_LE(0, vm);
	EXPECT_EQ(-ENXIO, __hv_ioctl(vm, HV_IRQ_LINE, &l));
	/* the same line left in the run structure */
	vcpu = hv_create_vcpu(vm, 0);
	ASSERT_LE(0, vcpu);
	run = hv_map_run(vcpu);
	ASSERT_NE(NULL, run);
	run->irq_lines[0] = (struct hv_run_irq_line){ .irq = 40, .level = 1 };
	run->irq_line_count = 1;
	EXPECT_EQ(-ENXIO, __hv_ioctl(vcpu, HV_RUN, NULL));
	EXPECT_EQ(1, run->irq_line_count);
	munmap(run, HV_RUN_MMAP_SIZE);
	close(vcpu);
	EXPECT_EQ(-ENXIO, __hv_ioctl(vm, HV_ARM64_SET_GIC_ADDR, &a));
	EXPECT_EQ(-ENXIO, __hv_ioctl(vm, HV_ARM64_GET_VGIC_DIST, &b));
	close(vm);
	close(dev);
}

TEST_HARNESS_MAIN
