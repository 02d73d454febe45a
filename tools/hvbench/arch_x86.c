// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench, x86-64: the guest image (an identity map of the first 4 GiB,
 * a GDT and an IDT), the payloads of guest_x86.S, and the interrupt rows
 * on each hypervisor's in-kernel interrupt controller.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "irq_x86.h"

extern const unsigned char bench_cpuid[], bench_pio[], bench_mmio[];
extern const unsigned char bench_touch[], bench_compute_guest[];
extern const unsigned char bench_timer_irq[], bench_gsi_irq[], bench_ipi[];
extern const unsigned char bench_ipi_peer[], bench_isr_count[];
extern const unsigned char bench_isr_reply[];
extern const unsigned char bench_timer_irq_xapic[], bench_isr_xapic[];

/* a payload's guest-physical address */
static uint64_t blob_gpa(const unsigned char *p)
{
	return BENCH_CODE + (p - bench_blob_start);
}

/* 64-bit interrupt gate, present, DPL 0, to @handler in code segment 0x8 */
static void idt_gate(uint64_t *gate, uint64_t handler)
{
	gate[0] = (handler & 0xffff) | 0x8ULL << 16 | 0x8eULL << 40 |
		  ((handler >> 16) & 0xffff) << 48;
	gate[1] = handler >> 32;
}

/* The tables of the interrupt payloads (irq_x86.h); LGDT/LIDT load them. */
static void bench_x86_tables(struct bench_vm *vm)
{
	char *ram = vm->ram;
	uint64_t *gdt = (uint64_t *)(ram + BENCH_X86_GDT);
	uint64_t *idt = (uint64_t *)(ram + BENCH_X86_IDT);
	int v;

	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffULL;		/* 64-bit code */
	gdt[2] = 0x00cf93000000ffffULL;		/* data */
	*(uint16_t *)(ram + BENCH_X86_GDTR) = 3 * 8 - 1;
	*(uint64_t *)(ram + BENCH_X86_GDTR + 2) = BENCH_X86_GDT;
	*(uint16_t *)(ram + BENCH_X86_IDTR) = BENCH_X86_IDT_VECS * 16 - 1;
	*(uint64_t *)(ram + BENCH_X86_IDTR + 2) = BENCH_X86_IDT;
	memset(idt, 0, BENCH_X86_IDT_VECS * 16);
	for (v = BENCH_X86_VEC_TIMER; v <= BENCH_X86_VEC_PONG; v++)
		idt_gate(idt + 2 * v, blob_gpa(bench_isr_count));
	idt_gate(idt + 2 * BENCH_X86_VEC_PING, blob_gpa(bench_isr_reply));
	idt_gate(idt + 2 * BENCH_X86_VEC_XTIMER, blob_gpa(bench_isr_xapic));
}

/* PML4, one PDPT, four PDs of 2 MiB pages: present, writable */
void bench_arch_image(struct bench_vm *vm)
{
	uint64_t *pml4 = (uint64_t *)((char *)vm->ram + BENCH_PGTABLE);
	uint64_t *pdpt = pml4 + 512, *pd = pdpt + 512;
	int i;

	pml4[0] = (BENCH_PGTABLE + 0x1000) | 3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (BENCH_PGTABLE + 0x2000 + i * 0x1000) | 3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;	/* present, rw, 2 MiB */
	bench_x86_tables(vm);
}

static const struct bench_payload x86_exits[] = {
	/* CPUID leaf 0: an exit the kernel handles */
	{ "cpuid_exit", bench_cpuid },
	/* OUT: an exit to user space and back through HV_RUN */
	{ "pio_exit", bench_pio },
	/* a write to unbacked memory: EPT violation, decode, user space */
	{ "mmio_exit", bench_mmio },
};

static uint64_t irq_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The watchdog of the interrupt rows: an interrupt a hypervisor loses
 * leaves a vCPU halted for good, and its run ioctl never returns. After
 * IRQ_LIMIT_S plus IRQ_LIMIT_MS_PER_ITER per iteration (a row takes at
 * most about 110 us per iteration in Bochs, whose clock follows the
 * instructions run and not the machine's load: 22 ms for bench.smoke's
 * 200, a limit 450 times that) the watchdog thread signals the vCPU
 * threads until the row ends; their run ioctls return EINTR and the row
 * fails with an error instead of hanging.
 */
#define IRQ_LIMIT_S		10
#define IRQ_LIMIT_MS_PER_ITER	1

static volatile int irq_timed_out;

struct irq_watchdog {
	pthread_t th, vcpu[2];
	pthread_mutex_t lock;	/* vcpu[] and nr_vcpus: no signal to a gone thread */
	int nr_vcpus;
	uint64_t deadline_ns;
	volatile int done;
};

static void *irq_watchdog_fn(void *arg)
{
	struct irq_watchdog *w = arg;
	int i;

	while (!w->done) {
		usleep(10000);
		if (irq_now_ns() < w->deadline_ns)
			continue;
		irq_timed_out = 1;
		pthread_mutex_lock(&w->lock);
		for (i = 0; i < w->nr_vcpus; i++)
			pthread_kill(w->vcpu[i], SIGUSR1);
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

static void irq_sig(int sig)
{
	(void)sig;
}

/* Arms the watchdog for @n iterations on the calling thread's vCPU. */
static int irq_watchdog_start(struct irq_watchdog *w, uint64_t n)
{
	/* no SA_RESTART: the signal makes a sleeping run ioctl return */
	struct sigaction sa = { .sa_handler = irq_sig };

	sigaction(SIGUSR1, &sa, NULL);
	irq_timed_out = 0;
	pthread_mutex_init(&w->lock, NULL);
	w->done = 0;
	w->vcpu[0] = pthread_self();
	w->nr_vcpus = 1;
	w->deadline_ns = irq_now_ns() + IRQ_LIMIT_S * 1000000000ULL +
			 n * IRQ_LIMIT_MS_PER_ITER * 1000000ULL;
	return -pthread_create(&w->th, NULL, irq_watchdog_fn, w);
}

static void irq_watchdog_stop(struct irq_watchdog *w)
{
	w->done = 1;
	pthread_join(w->th, NULL);
	pthread_mutex_destroy(&w->lock);
}

static void irq_watchdog_vcpus(struct irq_watchdog *w, pthread_t *peer)
{
	pthread_mutex_lock(&w->lock);
	if (peer)
		w->vcpu[1] = *peer;
	w->nr_vcpus = peer ? 2 : 1;
	pthread_mutex_unlock(&w->lock);
}

/*
 * Runs a payload on vCPU 0 to its end: an OUT to BENCH_PORT_GSI is the
 * guest asking for an edge on the GSI (assert, deassert; or one write()
 * to @efd, an irqfd of the GSI, when it is not -1); the payload must
 * have counted exactly @n interrupts. @host_ns: the host's time from the
 * first run to the end, without setup and teardown (closing a vCPU of an
 * hv irqchip VM waits for an RCU grace period, for instance).
 */
/* how the VMM pulses the GSI at BENCH_PORT_GSI (@efd: GSI_IRQFD's) */
enum gsi_way { GSI_LINE_IOCTLS, GSI_FROM_EXIT, GSI_IRQFD };

static int irq_run(const struct bench_backend *b,
		   const struct bench_irq_ops *ops, struct bench_vm *vm,
		   const unsigned char *entry, uint64_t n, enum gsi_way way,
		   int efd, uint64_t *cycles, uint64_t *host_ns)
{
	uint64_t one = 1;
	struct bench_entry e = { .pc = blob_gpa(entry), .sp = BENCH_STACK_TOP,
				 .arg0 = n };
	uint64_t count, t0 = irq_now_ns();
	struct bench_exit x;
	int err = b->enter(vm, &e);

	while (!err) {
		err = b->run(vm, &x);
		if (err == -EINTR && irq_timed_out) {
			fprintf(stderr, "hvbench: %s: %llu of %llu interrupts after the watchdog's limit: one was lost\n",
				b->name,
				(unsigned long long)*(uint64_t *)((char *)vm->ram + BENCH_X86_COUNT),
				(unsigned long long)n);
			return -ETIMEDOUT;
		}
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err)
			break;
		if (x.kind != BENCH_EXIT_IO) {
			fprintf(stderr, "hvbench: %s: unexpected exit %u\n",
				b->name, x.raw_reason);
			return -EIO;
		}
		if (x.port == BENCH_PORT_DONE)
			break;
		if (x.port != BENCH_PORT_GSI)
			continue;
		if (way == GSI_IRQFD)
			err = write(efd, &one, sizeof(one)) == sizeof(one) ?
			      0 : -errno;
		else if (way == GSI_FROM_EXIT)
			err = ops->pulse_from_exit(vm, BENCH_X86_GSI);
		else
			err = ops->irq_line(vm, BENCH_X86_GSI, 1) ?:
			      ops->irq_line(vm, BENCH_X86_GSI, 0);
	}
	if (err)
		return err;
	*host_ns = irq_now_ns() - t0;
	*cycles = *(uint64_t *)((char *)vm->ram + BENCH_RESULT);
	count = *(uint64_t *)((char *)vm->ram + BENCH_X86_COUNT);
	if (count != n) {
		fprintf(stderr, "hvbench: %s: %llu interrupts, not %llu\n",
			b->name, (unsigned long long)count,
			(unsigned long long)n);
		return -EIO;
	}
	return 0;
}

/* vCPU 1 of the IPI row, in a thread until asked to stop */
struct irq_peer {
	const struct bench_backend *b;
	struct bench_vm vm;
	volatile int stop;
	int err;
};

static void *irq_peer_fn(void *arg)
{
	struct irq_peer *p = arg;
	struct bench_exit x;

	while (!p->stop) {
		p->err = p->b->run(&p->vm, &x);
		if (p->err == -EINTR)
			continue;
		if (!p->err)
			p->err = -EIO;	/* its payload never exits */
		break;
	}
	if (p->stop)
		p->err = 0;
	return NULL;
}

static int irq_ipi(const struct bench_backend *b,
		   const struct bench_irq_ops *ops, struct bench_vm *vm,
		   uint64_t n, uint64_t *cycles, uint64_t *host_ns,
		   struct irq_watchdog *w)
{
	struct irq_peer p = { .b = b };
	struct bench_entry e = { .pc = blob_gpa(bench_ipi_peer),
				 .sp = BENCH_STACK_TOP - 0x10000 };
	pthread_t th;
	int err;

	*(uint32_t *)((char *)vm->ram + BENCH_X86_PEER_READY) = 0;
	err = ops->vcpu_add(vm, &p.vm) ?: b->enter(&p.vm, &e);
	if (err)
		goto out;
	err = -pthread_create(&th, NULL, irq_peer_fn, &p);
	if (err)
		goto out;
	/* the watchdog signals the peer too (irq_run() reports a timeout) */
	irq_watchdog_vcpus(w, &th);
	/*
	 * vCPU 0 starts once vCPU 1's APIC takes IPIs: on one host CPU a
	 * vCPU 0 that spun in the guest on PEER_READY would hold the CPU
	 * until the scheduler preempted it (ticks later), and the row's
	 * host time would count that wait.
	 */
	while (!*(volatile uint32_t *)((char *)vm->ram + BENCH_X86_PEER_READY) &&
	       !irq_timed_out && !p.err)
		usleep(1000);
	err = irq_run(b, ops, vm, bench_ipi, n, GSI_LINE_IOCTLS, -1, cycles,
		      host_ns);
	irq_watchdog_vcpus(w, NULL);
	p.stop = 1;
	while (pthread_tryjoin_np(th, NULL)) {
		pthread_kill(th, SIGUSR1);
		usleep(1000);
	}
	err = err ?: p.err;
out:
	if (p.vm.run && p.vm.run != MAP_FAILED && p.vm.run != vm->run)
		munmap(p.vm.run, p.vm.run_size);
	if (p.vm.vcpu > 0 && p.vm.vcpu != vm->vcpu)
		close(p.vm.vcpu);
	return err;
}

/*
 * The interrupt rows, each in a fresh VM with the hypervisor's in-kernel
 * interrupt controller (x2APIC, edge vectors, EOI by WRMSR):
 *   timer_irq      TSC-deadline timer armed in the past, delivered, EOI
 *   gsi_irq        the guest asks (OUT), the VMM pulses a GSI, the IOAPIC
 *                  sends it, the handler runs and EOIs (includes the OUT)
 *   gsi_irq_irqfd  the same, the pulse one write() to an irqfd of the GSI
 *                  (HV_IRQFD / KVM_IRQFD) instead of two line ioctls
 *   gsi_irq_from_vmm  the same, the pulse each hypervisor's cheapest way
 *                  from the exit (bench_irq_ops.pulse_from_exit: hv's
 *                  hv_run.irq_lines[], KVM's two line ioctls)
 *   ipi_roundtrip  vCPU 0 -> vCPU 1 (another thread), whose handler sends
 *                  one back; both EOI
 *   timer_irq_xapic  timer_irq in xAPIC mode: SVR, LVT and EOI by MMIO at
 *                  0xfee00000 (the deadline still by WRMSR)
 */
static int x86_irq_rows(const struct bench_backend *b, uint64_t n)
{
	static const char *const names[] = {
		"timer_irq", "gsi_irq", "gsi_irq_irqfd", "ipi_roundtrip",
		"timer_irq_xapic", "gsi_irq_from_vmm",
	};
	static const enum gsi_way ways[] = {
		GSI_LINE_IOCTLS, GSI_LINE_IOCTLS, GSI_IRQFD, GSI_LINE_IOCTLS,
		GSI_LINE_IOCTLS, GSI_FROM_EXIT,
	};
	const struct bench_irq_ops *ops = b == &bench_kvm ? &kvmb_x86_irq :
							     &hvb_x86_irq;
	const unsigned char *entries[] = {
		bench_timer_irq, bench_gsi_irq, bench_gsi_irq, NULL,
		bench_timer_irq_xapic, bench_gsi_irq,
	};
	char host_name[40];
	int i, err = 0;

	for (i = 0; !err && i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		struct irq_watchdog w;
		struct bench_vm vm;
		uint64_t cycles = 0, ns = 0;
		int efd = -1;

		memset(&vm, 0, sizeof(vm));
		err = ops->vm_create(&vm, BENCH_RAM_SIZE);
		if (err) {
			fprintf(stderr, "hvbench: %s: no VM with an interrupt controller: %s\n",
				b->name, strerror(-err));
			bench_vm_destroy(&vm);
			return err;
		}
		bench_arch_image(&vm);
		memcpy((char *)vm.ram + BENCH_CODE, bench_blob_start,
		       bench_blob_end - bench_blob_start);
		if (ways[i] == GSI_IRQFD) {
			efd = eventfd(0, EFD_CLOEXEC);
			err = efd < 0 ? -errno :
			      ops->irqfd(&vm, BENCH_X86_GSI, efd);
		}
		if (!err)
			err = irq_watchdog_start(&w, n);
		if (!err) {
			err = i != 3 ? irq_run(b, ops, &vm, entries[i], n,
					       ways[i], efd, &cycles, &ns) :
				       irq_ipi(b, ops, &vm, n, &cycles, &ns,
					       &w);
			irq_watchdog_stop(&w);
		}
		if (!err) {
			snprintf(host_name, sizeof(host_name), "%s_host",
				 names[i]);
			bench_sample(names[i], "cycles", 0, (double)cycles / n);
			bench_sample(host_name, "ns", 0, (double)ns / n);
		} else {
			fprintf(stderr, "hvbench: %s: %s failed: %s\n",
				b->name, names[i], strerror(-err));
		}
		bench_vm_destroy(&vm);
		if (efd >= 0)
			close(efd);
	}
	return err;
}

/*
 * The compute loop is timed by the host's clock in the guest and here:
 * the guest's TSC depends on how each hypervisor offsets or scales it.
 */
const struct bench_arch bench_arch = {
	.exits = x86_exits,
	.nr_exits = sizeof(x86_exits) / sizeof(x86_exits[0]),
	.touch = bench_touch,
	.compute = bench_compute_guest,
	.counter_name = "TSC",
	.extra = x86_irq_rows,
};
