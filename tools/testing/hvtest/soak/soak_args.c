// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl fuzz's commands and the arguments it gives them: every hv
 * ioctl (core, the arch's, HV_IRQ_LINE, ioeventfd, irqfd, the in-kernel
 * interrupt controllers' state, the HV_VM_IRQCHIP flag) with a
 * well-formed struct, the same struct with one field mutated, random
 * bytes, a scalar, a struct that runs into an unmapped page, or a
 * command number with the wrong size or direction.
 *
 * Some structs carry a user pointer the kernel reads or writes through
 * (FPU state, MSR and CPUID arrays, GIC state). Whatever the shape, that
 * pointer ends up in the thread's scratch mapping or where this process
 * has nothing (confine()): hv writing through a mutated pointer that
 * happened to land on the fuzzer's own stack or another thread's data is
 * what the API says it must do, and would make the worker die of its own
 * fuzz (the suspected cause of a SIGSEGV of the worker in a 30-minute
 * soak with no kernel report; not reproduced, reliability.rst).
 */
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "soak_fuzz.h"

static void valid_create_vm(struct soak_fuzz *f, int fd, void *buf)
{
	struct hv_vm_create *c = buf;

	(void)fd;
	c->flags = (soak_rnd(&f->rnd) % 4) ? 0 : HV_VM_IRQCHIP;
}

static void valid_check_cap(struct soak_fuzz *f, int fd, void *buf)
{
	(void)fd;
	*(__u32 *)buf = soak_rnd(&f->rnd) % 10;
}

/* The registry names the netlink workload defines, or anonymous VMs'. */
static void valid_attach(struct soak_fuzz *f, int fd, void *buf)
{
	struct hv_vm_attach *a = buf;

	(void)fd;
	snprintf(a->name, sizeof(a->name), (soak_rnd(&f->rnd) % 4) ?
		 SOAK_GENL_PREFIX "%u" : "anon-%u",
		 (unsigned int)(soak_rnd(&f->rnd) % SOAK_GENL_NAMES));
	a->flags = (soak_rnd(&f->rnd) % 4) ? 0 : HV_VM_IRQCHIP;
}

static void valid_region(struct soak_fuzz *f, int fd, void *buf)
{
	struct hv_mem_region *r = buf;

	(void)fd;
	r->slot = soak_rnd(&f->rnd) % (HV_MAX_MEM_REGIONS + 2);
	r->guest_phys_addr = (soak_rnd(&f->rnd) % 64) << 16;
	r->size = (soak_rnd(&f->rnd) % 4) << 16;
	r->flags = soak_rnd(&f->rnd) % 2;
}

static void valid_create_vcpu(struct soak_fuzz *f, int fd, void *buf)
{
	(void)fd;
	((struct hv_vcpu_create *)buf)->id = soak_rnd(&f->rnd) %
					     (HV_MAX_VCPUS + 2);
}

static void valid_report_stop(struct soak_fuzz *f, int fd, void *buf)
{
	(void)fd;
	((struct hv_stop_report *)buf)->reason = soak_rnd(&f->rnd) % 4;
}

static void valid_irq_line(struct soak_fuzz *f, int fd, void *buf)
{
	struct hv_irq_level *l = buf;

	(void)fd;
	l->irq = soak_rnd(&f->rnd) % 64;
	l->level = soak_rnd(&f->rnd) % 2;
}

/* Where the soak guest writes (guest_<arch>.S): its MMIO and x86 port. */
#if defined(__x86_64__)
#define SOAK_GUEST_MMIO	0xb8000
#define SOAK_GUEST_PORT	0x10
#else
#define SOAK_GUEST_MMIO	0x10000000
#endif

/* Registrations on the guest's own writes, removed as often as made. */
static void valid_ioeventfd(struct soak_fuzz *f, int fd, void *buf)
{
	static const __u32 lens[] = { 0, 1, 2, 4, 8 };
	struct hv_ioeventfd *e = buf;

	(void)fd;
	e->addr = SOAK_GUEST_MMIO + (soak_rnd(&f->rnd) % 4) * 8;
	e->len = lens[soak_rnd(&f->rnd) % ARRAY_SIZE(lens)];
	e->fd = f->evfd[soak_rnd(&f->rnd) % SOAK_EVENTFDS];
	if (soak_rnd(&f->rnd) % 2) {
		e->flags |= HV_IOEVENTFD_DATAMATCH;
		e->datamatch = soak_rnd(&f->rnd) % 4;
	}
#if defined(__x86_64__)
	if (soak_rnd(&f->rnd) % 2) {
		e->flags |= HV_IOEVENTFD_PIO;
		e->addr = SOAK_GUEST_PORT + soak_rnd(&f->rnd) % 2;
	}
#endif
	/* half remove one: registrations come and go, under the limit */
	if (soak_rnd(&f->rnd) % 2)
		e->flags |= HV_IOEVENTFD_DEASSIGN;
}

static void valid_irqfd(struct soak_fuzz *f, int fd, void *buf)
{
	struct hv_irqfd *q = buf;

	(void)fd;
	q->fd = f->evfd[soak_rnd(&f->rnd) % SOAK_EVENTFDS];
	q->irq = soak_rnd(&f->rnd) % 64;
	if (soak_rnd(&f->rnd) % 4 == 0) {
		q->flags |= HV_IRQFD_RESAMPLE;
		q->resamplefd = f->evfd[soak_rnd(&f->rnd) % SOAK_EVENTFDS];
	}
	if (soak_rnd(&f->rnd) % 2)
		q->flags |= HV_IRQFD_DEASSIGN;
}

/* SET_x: what GET_x returns on the same file is well formed. */
static void valid_from_get(int fd, unsigned long get, void *buf)
{
	ioctl(fd, get, buf);
}

#if defined(__x86_64__)
static void valid_set_regs(struct soak_fuzz *f, int fd, void *buf)
{
	(void)f;
	valid_from_get(fd, HV_GET_REGS, buf);
}

static void valid_set_sregs(struct soak_fuzz *f, int fd, void *buf)
{
	(void)f;
	valid_from_get(fd, HV_GET_SREGS, buf);
}

static const __u32 soak_msrs[] = {
	0x10, 0x174, 0x175, 0x176, 0x277, 0xc0000080, 0xc0000081,
	0xc0000100, 0xc0000101, 0xc0000102, 0x6e0, 0x1b,
};

static void valid_msrs(struct soak_fuzz *f, int fd, void *buf)
{
	struct hv_msrs *m = buf;
	struct hv_msr_entry *e = (void *)f->aux;
	unsigned int i;

	(void)fd;
	m->nmsrs = 1 + soak_rnd(&f->rnd) % 4;
	for (i = 0; i < m->nmsrs; i++) {
		memset(&e[i], 0, sizeof(e[i]));
		e[i].index = soak_msrs[soak_rnd(&f->rnd) % ARRAY_SIZE(soak_msrs)];
		e[i].data = soak_rnd(&f->rnd) % 2 ? 0 : soak_rnd(&f->rnd);
	}
	m->entries = (unsigned long)e;
}

static void valid_fpu(struct soak_fuzz *f, int fd, void *buf)
{
	struct hv_fpu *p = buf;

	(void)fd;
	p->addr = (unsigned long)f->aux;
	p->size = HV_XSAVE_SIZE;
}

static void valid_cpuid(struct soak_fuzz *f, int fd, void *buf)
{
	struct hv_cpuid *c = buf;
	struct hv_cpuid_entry *e = (void *)f->aux;
	unsigned int i;

	(void)fd;
	c->nent = soak_rnd(&f->rnd) % 2 ? HV_MAX_CPUID_ENTRIES :
		  soak_rnd(&f->rnd) % 8;
	for (i = 0; i < c->nent && i < 8; i++) {
		memset(&e[i], 0, sizeof(e[i]));
		e[i].function = soak_rnd(&f->rnd) % 2 ? i :
				0x80000000 + (i % 9);
		e[i].eax = soak_rnd(&f->rnd);
	}
	c->entries = (unsigned long)e;
}

static void valid_event(struct soak_fuzz *f, int fd, void *buf)
{
	static const __u32 types[] = { HV_EVENT_EXTINT, HV_EVENT_NMI,
				       HV_EVENT_EXCEPTION };
	struct hv_event *e = buf;

	(void)fd;
	e->type = types[soak_rnd(&f->rnd) % 3];
	e->vector = e->type == HV_EVENT_NMI ? 2 :
		    e->type == HV_EVENT_EXCEPTION ? soak_rnd(&f->rnd) % 32 :
		    32 + soak_rnd(&f->rnd) % 224;
	e->flags = soak_rnd(&f->rnd) % 2;
}

static void valid_set_lapic(struct soak_fuzz *f, int fd, void *buf)
{
	(void)f;
	valid_from_get(fd, HV_GET_LAPIC, buf);
}

static void valid_set_ioapic(struct soak_fuzz *f, int fd, void *buf)
{
	(void)f;
	valid_from_get(fd, HV_GET_IOAPIC, buf);
}

#define FPU_PTR		(1 + offsetof(struct hv_fpu, addr))
#define MSRS_PTR	(1 + offsetof(struct hv_msrs, entries))
#define CPUID_PTR	(1 + offsetof(struct hv_cpuid, entries))
#elif defined(__aarch64__)
static void valid_set_regs(struct soak_fuzz *f, int fd, void *buf)
{
	(void)f;
	valid_from_get(fd, HV_GET_REGS, buf);
}

static void valid_set_sysregs(struct soak_fuzz *f, int fd, void *buf)
{
	(void)f;
	valid_from_get(fd, HV_GET_SYSREGS, buf);
}

static void valid_fpu(struct soak_fuzz *f, int fd, void *buf)
{
	struct hv_fpu *p = buf;

	(void)fd;
	p->addr = (unsigned long)f->aux;
	p->size = HV_FPSIMD_SIZE;
}

static void valid_irq(struct soak_fuzz *f, int fd, void *buf)
{
	struct hv_irq_line *l = buf;

	(void)fd;
	l->line = soak_rnd(&f->rnd) % 2;
	l->level = soak_rnd(&f->rnd) % 2;
}

static void valid_power(struct soak_fuzz *f, int fd, void *buf)
{
	(void)fd;
	((struct hv_power *)buf)->state = soak_rnd(&f->rnd) % 2;
}

static void valid_gic_addr(struct soak_fuzz *f, int fd, void *buf)
{
	struct hv_arm64_gic_addr *a = buf;

	(void)fd;
	a->dist_base = HV_ARM64_GIC_DIST_DEFAULT;
	a->redist_base = HV_ARM64_GIC_REDIST_DEFAULT;
	if (soak_rnd(&f->rnd) % 2)
		a->dist_base += (soak_rnd(&f->rnd) % 16) * HV_ARM64_GIC_DIST_SIZE;
}

/* GIC state: the buffer at aux; SET_x restores what GET_x gave. */
static void valid_state(struct soak_fuzz *f, int fd, void *buf,
			unsigned long get, __u32 size)
{
	struct hv_arm64_state_buf *b = buf;

	b->addr = (unsigned long)f->aux;
	b->size = size;
	if (get)
		ioctl(fd, get, b);
}

static void valid_get_dist(struct soak_fuzz *f, int fd, void *buf)
{
	valid_state(f, fd, buf, 0, sizeof(struct hv_arm64_vgic_dist_state));
}

static void valid_set_dist(struct soak_fuzz *f, int fd, void *buf)
{
	valid_state(f, fd, buf, HV_ARM64_GET_VGIC_DIST,
		    sizeof(struct hv_arm64_vgic_dist_state));
}

static void valid_get_vcpu_gic(struct soak_fuzz *f, int fd, void *buf)
{
	valid_state(f, fd, buf, 0, sizeof(struct hv_arm64_vgic_cpu_state));
}

static void valid_set_vcpu_gic(struct soak_fuzz *f, int fd, void *buf)
{
	valid_state(f, fd, buf, HV_ARM64_GET_VGIC_CPU,
		    sizeof(struct hv_arm64_vgic_cpu_state));
}

#define FPU_PTR		(1 + offsetof(struct hv_fpu, addr))
#define STATE_PTR	(1 + offsetof(struct hv_arm64_state_buf, addr))
#endif

#define CMD(c, fn)		{ c, fn, #c, 0 }
#define CMD_PTR(c, fn, p)	{ c, fn, #c, p }

/* Every ioctl of hv on this arch (Documentation/api.rst). */
const struct soak_cmd soak_cmds[] = {
	CMD(HV_GET_API_VERSION, NULL),
	CMD(HV_CREATE_VM, valid_create_vm),
	CMD(HV_CHECK_CAP, valid_check_cap),
	CMD(HV_ATTACH_VM, valid_attach),
	CMD(HV_SET_MEM_REGION, valid_region),
	CMD(HV_CREATE_VCPU, valid_create_vcpu),
	CMD(HV_REPORT_STOP, valid_report_stop),
	CMD(HV_IRQ_LINE, valid_irq_line),
	CMD(HV_IOEVENTFD, valid_ioeventfd),
	CMD(HV_IRQFD, valid_irqfd),
	CMD(HV_RUN, NULL),
	CMD(HV_GET_REGS, NULL),
	CMD(HV_SET_REGS, valid_set_regs),
#if defined(__x86_64__)
	CMD(HV_GET_SREGS, NULL),
	CMD(HV_SET_SREGS, valid_set_sregs),
	CMD_PTR(HV_GET_MSRS, valid_msrs, MSRS_PTR),
	CMD_PTR(HV_SET_MSRS, valid_msrs, MSRS_PTR),
	CMD_PTR(HV_GET_FPU, valid_fpu, FPU_PTR),
	CMD_PTR(HV_SET_FPU, valid_fpu, FPU_PTR),
	CMD_PTR(HV_GET_SUPPORTED_CPUID, valid_cpuid, CPUID_PTR),
	CMD_PTR(HV_SET_CPUID, valid_cpuid, CPUID_PTR),
	CMD(HV_INJECT_EVENT, valid_event),
	CMD(HV_GET_LAPIC, NULL),
	CMD(HV_SET_LAPIC, valid_set_lapic),
	CMD(HV_GET_IOAPIC, NULL),
	CMD(HV_SET_IOAPIC, valid_set_ioapic),
#elif defined(__aarch64__)
	CMD(HV_GET_SYSREGS, NULL),
	CMD(HV_SET_SYSREGS, valid_set_sysregs),
	CMD_PTR(HV_GET_FPU, valid_fpu, FPU_PTR),
	CMD_PTR(HV_SET_FPU, valid_fpu, FPU_PTR),
	CMD(HV_SET_IRQ_LINE, valid_irq),
	CMD(HV_GET_POWER, NULL),
	CMD(HV_SET_POWER, valid_power),
	CMD(HV_ARM64_SET_GIC_ADDR, valid_gic_addr),
	CMD_PTR(HV_ARM64_GET_VGIC_DIST, valid_get_dist, STATE_PTR),
	CMD_PTR(HV_ARM64_SET_VGIC_DIST, valid_set_dist, STATE_PTR),
	CMD_PTR(HV_ARM64_GET_VGIC_CPU, valid_get_vcpu_gic, STATE_PTR),
	CMD_PTR(HV_ARM64_SET_VGIC_CPU, valid_set_vcpu_gic, STATE_PTR),
#endif
};

const size_t soak_ncmds = ARRAY_SIZE(soak_cmds);

const struct soak_cmd *soak_cmd_find(unsigned long cmd)
{
	size_t i;

	for (i = 0; i < soak_ncmds; i++)
		if (soak_cmds[i].cmd == cmd)
			return &soak_cmds[i];
	return NULL;
}

/*
 * Nothing of this process lies below 64 KiB (no fixed mappings; the static
 * binary starts at 4 MiB) or at or above 2^48 (the top of the user address
 * space on arm64, past it on x86-64; mmap() goes higher only when asked).
 */
#define SOAK_NOTHING_BELOW	0x10000ULL
#define SOAK_NOTHING_ABOVE	(1ULL << 48)

static int nothing_there(uint64_t p)
{
	return p < SOAK_NOTHING_BELOW || p >= SOAK_NOTHING_ABOVE;
}

/*
 * The user pointer of the struct for @cmd (the command that will be
 * issued, whatever built the struct) stays in the scratch mapping, or
 * points where nothing of this process is; elsewhere (a mutated bit sent
 * it to a stack, the heap, another thread's buffers, a mapping of guest
 * RAM or a run page) it moves into the PROT_NONE guard page, keeping its
 * offset in the page: still a pointer hv must refuse (EFAULT), never one
 * it may write through into live memory.
 */
static void confine(struct soak_fuzz *f, unsigned long cmd, unsigned char *buf)
{
	const struct soak_cmd *c = soak_cmd_find(cmd);
	uintptr_t lo = (uintptr_t)f->aux;
	uint64_t p;

	if (!c || !c->ptr || c->ptr - 1 + sizeof(p) > _IOC_SIZE(cmd))
		return;
	memcpy(&p, buf + c->ptr - 1, sizeof(p));
	if ((p >= lo && p < lo + SOAK_SCRATCH) || nothing_there(p))
		return;
	p = (uintptr_t)f->guard + (p & 0xfff);
	memcpy(buf + c->ptr - 1, &p, sizeof(p));
	f->confined++;
}

/* One field of a well-formed struct gets a hostile value. */
static void mutate(struct soak_fuzz *f, unsigned char *buf, size_t size)
{
	size_t off;
	__u32 v;

	if (size < 4)
		return;
	off = (soak_rnd(&f->rnd) % (size / 4)) * 4;
	memcpy(&v, buf + off, 4);
	switch (soak_rnd(&f->rnd) % 6) {
	case 0:
		v = soak_rnd(&f->rnd);
		break;
	case 1:
		v ^= 1U << (soak_rnd(&f->rnd) % 32);
		break;
	case 2:
		v = ~0U;
		break;
	case 3:
		v = 0x80000000U;
		break;
	case 4:
		v += 1;
		break;
	default:
		v -= 1;
		break;
	}
	memcpy(buf + off, &v, 4);
}

/*
 * The argument of @cmd on @fd in the shape @shape: a pointer into the
 * thread's buffers, or a scalar. @cmd may be rewritten (SHAPE_BADCMD).
 */
unsigned long soak_fuzz_arg(struct soak_fuzz *f, int fd, unsigned long *cmd,
			    const struct soak_cmd *c, enum soak_shape shape)
{
	size_t size = _IOC_SIZE(*cmd), i;
	unsigned char *buf = f->buf;

	memset(buf, 0, SOAK_ARG_MAX);
	if (c && c->valid && shape != SHAPE_RANDOM && shape != SHAPE_SCALAR)
		c->valid(f, fd, buf);
	switch (shape) {
	case SHAPE_VALID:
		break;
	case SHAPE_NEARLY:
		mutate(f, buf, size);
		break;
	case SHAPE_RANDOM:
		for (i = 0; i < size + 64 && i < SOAK_ARG_MAX; i++)
			buf[i] = (soak_rnd(&f->rnd) % 3) ? 0 : soak_rnd(&f->rnd);
		break;
	case SHAPE_SCALAR:
		switch (soak_rnd(&f->rnd) % 4) {
		case 0:
			return soak_rnd(&f->rnd) % 64;
		case 1:
			/* random, but never into this process's memory */
			i = soak_rnd(&f->rnd);
			return nothing_there(i) ? i : i | 1UL << 63;
		case 2:
			return 0xffff800000000000UL + (soak_rnd(&f->rnd) % 4096) * 8;
		default:
			return (unsigned long)f->guard;	/* PROT_NONE */
		}
	case SHAPE_EDGE:
		/* the struct's last 1..size bytes fall in the PROT_NONE page */
		if (!size)
			break;
		i = 1 + soak_rnd(&f->rnd) % size;
		memcpy(f->guard - size + i, buf, size - i);
		return (unsigned long)(f->guard - size + i);
	case SHAPE_BADCMD:
		switch (soak_rnd(&f->rnd) % 4) {
		case 0:
			*cmd ^= (unsigned long)(1 + soak_rnd(&f->rnd) % 7) <<
				_IOC_SIZESHIFT;
			break;
		case 1:
			*cmd ^= (unsigned long)(1 + soak_rnd(&f->rnd) % 3) <<
				_IOC_DIRSHIFT;
			break;
		case 2:
			*cmd = _IOC(_IOC_DIR(*cmd), _IOC_TYPE(*cmd),
				    soak_rnd(&f->rnd) % 64, size);
			break;
		default:
			*cmd = soak_rnd(&f->rnd);
			break;
		}
		break;
	default:
		break;
	}
	confine(f, *cmd, buf);
	return (unsigned long)buf;
}

/*
 * hv-soak -C N (soak.sh runs it on the host): N arguments for random
 * commands in random shapes, built as the fuzz builds them but never
 * issued (the well-formed ones' GET_x calls go to fd -1). Every user
 * pointer the kernel would get must be in the scratch mapping, in the
 * guard page or where nothing of the process is: the scalar arguments
 * themselves, and the pointer inside each struct that has one. Prints the
 * figures and returns 1 when one is elsewhere.
 */
int soak_args_check(uint64_t n, uint64_t seed)
{
	static int no_evfd[SOAK_EVENTFDS] = { -1, -1, -1, -1 };
	struct soak_fuzz f = { .rnd = seed, .evfd = no_evfd };
	uint64_t i, ptrs = 0, in = 0, guard = 0, none = 0, bad = 0;
	const struct soak_cmd *c;
	enum soak_shape shape;
	unsigned long cmd, arg;
	uintptr_t g, v;

	if (soak_fuzz_buffers(&f))
		return 2;
	g = (uintptr_t)f.guard;
	for (i = 0; i < n; i++) {
		c = &soak_cmds[soak_rnd(&f.rnd) % soak_ncmds];
		cmd = c->cmd;
		shape = soak_rnd(&f.rnd) % SHAPE_NR;
		arg = soak_fuzz_arg(&f, -1, &cmd, c, shape);
		c = soak_cmd_find(cmd);
		if (shape == SHAPE_SCALAR) {
			v = arg;
		} else if (arg == (uintptr_t)f.buf && c && c->ptr) {
			memcpy(&v, f.buf + c->ptr - 1, sizeof(v));
		} else {
			continue;
		}
		ptrs++;
		if (v >= (uintptr_t)f.aux && v < (uintptr_t)f.aux + SOAK_SCRATCH) {
			in++;
		} else if (v >= g && v < g + 4096) {
			guard++;
		} else if (nothing_there(v)) {
			none++;
		} else {
			if (++bad <= 5)
				printf("soak: argument check: %s %s pointer 0x%lx "
				       "outside scratch 0x%lx\n",
				       c ? c->name : "?",
				       shape == SHAPE_SCALAR ? "scalar" : "struct",
				       (unsigned long)v, (unsigned long)f.aux);
		}
	}
	printf("soak: argument check: %llu arguments, %llu pointers: %llu in "
	       "scratch, %llu in the guard page (%llu moved there), %llu where "
	       "nothing is, %llu elsewhere\n", (unsigned long long)n,
	       (unsigned long long)ptrs, (unsigned long long)in,
	       (unsigned long long)guard, (unsigned long long)f.confined,
	       (unsigned long long)none, (unsigned long long)bad);
	return bad ? 1 : 0;
}
