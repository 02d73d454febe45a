// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench, arm64: the guest image (stage-1 tables for an identity map) and
 * the payloads of guest_arm64.S. Guest cycles are CNTVCT_EL0 ticks.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "arch.h"

extern const unsigned char bench_hvc[], bench_sysreg[], bench_mmio[];
extern const unsigned char bench_touch[], bench_compute_guest[];
extern const unsigned char bench_irq_vtimer[], bench_irq_spi[];
extern const unsigned char bench_irq_sgi[], bench_irq_sgi_peer[];

/*
 * How the VMM raises the SPI at the guest's store to BENCH_MMIO_SPI (an
 * edge-triggered SPI: one edge per store):
 * - SPI_VMM_CHEAPEST: each hypervisor's cheapest way from the exit. hv:
 *   a pulse in hv_run.irq_lines[], set by the HV_RUN that resumes the
 *   guest, no call of its own. KVM: one KVM_IRQ_LINE with level 1 (its
 *   vGIC makes an edge SPI pending at each level-1 call, whatever the
 *   line's last level: vgic_validate_injection()).
 * - SPI_LINE_IOCTLS: the line up and down, two HV_IRQ_LINE / KVM_IRQ_LINE
 *   calls, as QEMU (qemu_irq_pulse()) and kvmtool raise an edge.
 * - SPI_IRQFD: one write() to an eventfd that is an irqfd of the SPI.
 */
enum spi_way { SPI_VMM_CHEAPEST, SPI_LINE_IOCTLS, SPI_IRQFD };

/* gic_run()'s @efd when there is no irqfd */
#define GIC_NO_IRQFD	-1

/* Stage-1 level-1 block descriptors (ARM ARM D8.3, 4 KiB granule) */
#define S1_BLOCK	0x1UL
#define S1_ATTR(idx)	((uint64_t)(idx) << 2)	/* MAIR_EL1 index */
#define S1_SH_INNER	(3UL << 8)
#define S1_AF		(1UL << 10)
#define S1_PXN		(1UL << 53)
#define S1_UXN		(1UL << 54)
#define S1_1G		(1UL << 30)

/*
 * One level-1 table, four 1 GiB blocks (TCR_EL1.T0SZ = 32 in
 * guest_arm64.S): RAM's gigabyte is Normal write-back (MAIR index 0), the
 * MMIO gigabyte Device-nGnRE (index 1), the rest unmapped. The payloads
 * turn the MMU on so that the stores of first_touch are Normal memory, as
 * a real guest's are: with the MMU off every data access is Device-nGnRnE.
 */
void bench_arch_image(struct bench_vm *vm)
{
	uint64_t *l1 = (uint64_t *)((char *)vm->ram + BENCH_PGTABLE);

	l1[0] = S1_BLOCK | S1_ATTR(0) | S1_SH_INNER | S1_AF;
	l1[BENCH_MMIO / S1_1G] = (BENCH_MMIO & ~(S1_1G - 1)) | S1_BLOCK |
				 S1_ATTR(1) | S1_AF | S1_PXN | S1_UXN;
}

static uint64_t cntfrq(void)
{
	uint64_t hz;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(hz));
	return hz;
}

/* CNTVCT_EL0 as the guest reads it: the ISB keeps it after older work */
static uint64_t cntvct(void)
{
	uint64_t t;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(t) : : "memory");
	return t;
}

static const struct bench_payload arm64_exits[] = {
	/* HVC PSCI_VERSION: both hypervisors answer it in the kernel */
	{ "hvc_exit", bench_hvc },
	/* MRS ID_AA64PFR0_EL1: trapped (HCR_EL2.TID3), emulated in the kernel */
	{ "sysreg_exit", bench_sysreg },
	/* STR to unbacked memory: stage-2 abort, exit to user space */
	{ "mmio_exit", bench_mmio },
};

/* The interrupt benchmarks' SPI (guest_arm64.S BENCH_SPI) */
#define BENCH_SPI	40

/* A VM with the in-kernel GICv3 and two vCPUs, on backend @b. */
static int gic_vm_new(const struct bench_backend *b, struct bench_vm v[2])
{
	int err;

	memset(v, 0, 2 * sizeof(*v));
	err = b == &bench_hv ? hvb_gic_vm_create(v, BENCH_RAM_SIZE) :
			       kvmb_gic_vm_create(v, BENCH_RAM_SIZE);
	if (err)
		return err;
	v[1].ram = v[0].ram;
	bench_arch_image(&v[0]);
	memcpy((char *)v[0].ram + BENCH_CODE, bench_blob_start,
	       bench_blob_end - bench_blob_start);
	return 0;
}

static void gic_vm_destroy(struct bench_vm v[2])
{
	/* v[1] shares the VM, its RAM and the device with v[0] */
	v[1].dev = 0;
	v[1].vm = 0;
	v[1].ram = NULL;
	bench_vm_destroy(&v[1]);
	bench_vm_destroy(&v[0]);
}

static int gic_irq_line(const struct bench_backend *b, struct bench_vm *vm,
			uint32_t intid, int level)
{
	return b == &bench_hv ? hvb_irq_line(vm, intid, level) :
				kvmb_irq_line(vm, intid, level);
}

/* Raise the SPI the way @way says (@efd: the irqfd of SPI_IRQFD). */
static int gic_raise_spi(const struct bench_backend *b, struct bench_vm *vm,
			 enum spi_way way, int efd)
{
	uint64_t one = 1;

	switch (way) {
	case SPI_VMM_CHEAPEST:
		if (b != &bench_hv)
			return kvmb_irq_line(vm, BENCH_SPI, 1);
		hvb_pulse_at_next_run(vm, BENCH_SPI);
		return 0;
	case SPI_LINE_IOCTLS:
		return gic_irq_line(b, vm, BENCH_SPI, 1) ?:
		       gic_irq_line(b, vm, BENCH_SPI, 0);
	case SPI_IRQFD:
		break;
	}
	return write(efd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

/*
 * Run vCPU @vm at @entry until it is done; a store to BENCH_MMIO_SPI is
 * answered with an edge on the SPI, raised as @way says.
 */
static int gic_run(const struct bench_backend *b, struct bench_vm *vm,
		   const unsigned char *entry, uint64_t arg0, enum spi_way way,
		   int efd)
{
	struct bench_entry start = {
		.pc = BENCH_CODE + (entry - bench_blob_start),
		.sp = BENCH_STACK_TOP,
		.arg0 = arg0,
	};
	struct bench_exit e;
	int err = b->enter(vm, &start);

	while (!err) {
		err = b->run(vm, &e);
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err || e.kind != BENCH_EXIT_MMIO)
			break;
		if (e.addr == BENCH_MMIO_DONE)
			return 0;
		if (e.addr != BENCH_MMIO_SPI)
			break;
		err = gic_raise_spi(b, vm, way, efd);
	}
	if (!err) {
		fprintf(stderr, "hvbench: %s: unexpected exit %u\n", b->name,
			e.raw_reason);
		err = -EIO;
	}
	return err;
}

struct peer {
	const struct bench_backend *b;
	struct bench_vm *vm;
	int err;
};

static void *peer_thread(void *arg)
{
	struct peer *p = arg;

	p->err = gic_run(p->b, p->vm, bench_irq_sgi_peer, 0, SPI_LINE_IOCTLS,
			 GIC_NO_IRQFD);
	return NULL;
}

/*
 * One interrupt payload on vCPU 0 (with vCPU 1 in a thread for SGIs);
 * @way: how the VMM raises the SPI (bench_irq_spi).
 */
static int gic_bench(const struct bench_backend *b, const char *name,
		     const unsigned char *entry, uint64_t n, enum spi_way way)
{
	struct bench_vm v[2];
	struct peer p = { .b = b, .vm = &v[1] };
	pthread_t th;
	int err = gic_vm_new(b, v), peer = entry == bench_irq_sgi;
	int efd = GIC_NO_IRQFD;

	if (!err && way == SPI_IRQFD) {
		efd = eventfd(0, EFD_CLOEXEC);
		err = efd < 0 ? -errno :
		      b == &bench_hv ? hvb_irqfd(&v[0], BENCH_SPI, efd) :
				       kvmb_irqfd(&v[0], BENCH_SPI, efd);
	}
	if (!err && peer)
		err = -pthread_create(&th, NULL, peer_thread, &p);
	err = err ?: gic_run(b, &v[0], entry, n, way, efd);
	if (peer) {
		pthread_join(th, NULL);
		err = err ?: p.err;
	}
	if (!err)
		bench_sample(name, "cycles", 0,
			     (double)*(uint64_t *)((char *)v[0].ram +
						   BENCH_RESULT) / n);
	else
		fprintf(stderr, "hvbench: %s: %s: %s\n", b->name, name,
			strerror(-err));
	gic_vm_destroy(v);
	if (efd >= 0)
		close(efd);
	return err;
}

/*
 * The in-kernel GIC and timer, each in a fresh VM: a virtual timer
 * interrupt taken and deactivated, an SPI the VMM raises at an MMIO exit
 * (that exit included) in each of the ways of enum spi_way, an SGI to
 * another vCPU and its answer back.
 */
static int arm64_irq_benches(const struct bench_backend *b, uint64_t n)
{
	return gic_bench(b, "irq_vtimer", bench_irq_vtimer, n,
			 SPI_LINE_IOCTLS) ?:
	       gic_bench(b, "irq_spi_from_vmm", bench_irq_spi, n,
			 SPI_VMM_CHEAPEST) ?:
	       gic_bench(b, "irq_spi_line_ioctls", bench_irq_spi, n,
			 SPI_LINE_IOCTLS) ?:
	       gic_bench(b, "irq_spi_irqfd", bench_irq_spi, n, SPI_IRQFD) ?:
	       gic_bench(b, "irq_sgi_roundtrip", bench_irq_sgi, n,
			 SPI_LINE_IOCTLS);
}

/*
 * The virtual counter is the physical one minus an offset on both
 * hypervisors, so the guest's CNTVCT deltas and the host's compare.
 */
const struct bench_arch bench_arch = {
	.exits = arm64_exits,
	.nr_exits = sizeof(arm64_exits) / sizeof(arm64_exits[0]),
	.touch = bench_touch,
	.compute = bench_compute_guest,
	.counter_name = "CNTVCT_EL0",
	.counter_hz = cntfrq,
	.counter_native = cntvct,
	.extra = arm64_irq_benches,
};
