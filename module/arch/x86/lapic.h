/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC and IOAPIC models of HV_VM_IRQCHIP VMs (lapic.c,
 * ioapic.c). They know nothing of VMX: the backend (vmx_lapic.c) feeds
 * them the guest's register accesses and asks them which vector to
 * inject, so that another x86 backend (SVM) could use them unchanged.
 *
 * Threads: a vCPU's APIC registers are written only by its own thread
 * (in HV_RUN or an ioctl, vcpu->lock held). Other threads (IPIs, the
 * IOAPIC, the timer's hrtimer in hard-IRQ context) post into pir[] and
 * events with atomic bit operations and kick the vCPU, which merges them
 * (hv_lapic_sync()) before it looks for an interrupt to inject.
 */
#ifndef HV_X86_LAPIC_H
#define HV_X86_LAPIC_H

#include <linux/hrtimer.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/apicdef.h>

struct hv_vcpu;
struct hv_vm;
struct hv_lapic_state;
struct hv_ioapic_state;

#define HV_LAPIC_DEFAULT_BASE	0xfee00000ULL
#define HV_APIC_BASE_BSP	BIT_ULL(8)
#define HV_APIC_BASE_EXTD	BIT_ULL(10)
#define HV_APIC_BASE_EN		BIT_ULL(11)

/* x2APIC MSRs: register at xAPIC offset (msr - 0x800) << 4 (SDM 11.12.1.2) */
#define HV_X2APIC_MSR_FIRST	0x800
#define HV_X2APIC_MSR_LAST	0x8ff

/* Posted events (hv_lapic.events) */
enum {
	HV_LAPIC_EV_PIR,	/* vectors in pir[] */
	HV_LAPIC_EV_TIMER,	/* the timer expired */
	HV_LAPIC_EV_NMI,
	HV_LAPIC_EV_INIT,
	HV_LAPIC_EV_SIPI,	/* vector in posted_sipi */
	HV_LAPIC_EV_RX_ILLEGAL,	/* a fixed IPI with vector 0-15 arrived */
	HV_LAPIC_EV_LINT1,	/* an edge on LINT1: the NMI line */
};

struct hv_lapic {
	struct hv_vcpu *vcpu;
	u32 *reg;		/* the xAPIC page (lapic.c); vCPU thread only */
	u64 base;		/* IA32_APIC_BASE */
	u32 esr_pending;	/* errors the next ESR write latches */
	bool vregs_changed;	/* IRR or ISR changed since the backend looked */
	bool tmr_changed;	/* ... TMR */
	u64 tsc_deadline;	/* in guest TSC ticks; 0: not armed */
	u64 tsc_offset;		/* the VMCS's TSC offset, for the guest's TSC */

	/* read by other threads to match destinations (WRITE_ONCE here) */
	u32 id;			/* APIC ID (= the vCPU id) */
	u32 ldr, dfr;
	bool x2apic;		/* EXTD and EN */
	bool enabled;		/* EN and SVR.APIC-enable: takes fixed IRQs */

	/* posted by any thread */
	unsigned long pir[4];		/* vectors to set in IRR */
	unsigned long pir_level[4];	/* ... level-triggered: set TMR */
	unsigned long events;		/* HV_LAPIC_EV_* */
	u8 posted_sipi;

	/* the vCPU's state as interrupts see it (vCPU thread only) */
	u8 mp_state;		/* HV_MP_STATE_* */
	u8 sipi_vector;
	bool sipi_pending;
	bool init_pending;
	bool nmi_pending;
	bool halt_if;		/* RFLAGS.IF at HLT */

	struct hrtimer timer;
	u64 period_ns;		/* periodic: the (clamped) period */
	bool timer_periodic;	/* read by the hrtimer callback */
};

/*
 * The timer counts an APIC bus clock of 1 GHz (1 ns per tick before the
 * divider), as KVM's does; the guest learns nothing else (CPUID 0x15/0x16
 * give the TSC's rate, which TSC-deadline mode uses).
 */
#define HV_LAPIC_BUS_NS		1

/*
 * The shortest period of the periodic timer mode: a guest that asks for
 * less gets this, so that it cannot keep a host CPU busy in hrtimer
 * interrupts (KVM's min_timer_period_us is 200 too). One-shot and
 * TSC-deadline timers are not clamped: each needs a guest exit to re-arm.
 */
#define HV_LAPIC_MIN_PERIOD_NS	(200 * NSEC_PER_USEC)

/* An interrupt message on the APIC bus (ICR or IOAPIC redirection entry). */
struct hv_apic_irq {
	u32 dest;
	u32 broadcast;		/* dest value meaning all: 0xff or 0xffffffff */
	u8 vector;
	u8 delivery;		/* APIC_DM_* >> 8 */
	u8 shorthand;		/* 0 none, 1 self, 2 all, 3 all but self */
	bool logical;
	bool level;		/* trigger mode: level */
	bool assert;		/* level bit of the ICR (INIT de-assert) */
};

int hv_lapic_init(struct hv_lapic *a, struct hv_vcpu *vcpu);
void hv_lapic_destroy(struct hv_lapic *a);
void hv_lapic_reset(struct hv_lapic *a, bool init);

bool hv_lapic_mmio_page(const struct hv_lapic *a, u64 gpa);
void hv_lapic_mmio_read(struct hv_lapic *a, u32 off, u32 *val);
void hv_lapic_mmio_write(struct hv_lapic *a, u32 off, u32 val);
int hv_lapic_msr_read(struct hv_lapic *a, u32 msr, u64 *val);
int hv_lapic_msr_write(struct hv_lapic *a, u32 msr, u64 val);
int hv_lapic_set_base(struct hv_lapic *a, u64 val, bool host);
u64 hv_lapic_get_tsc_deadline(struct hv_lapic *a);
void hv_lapic_set_tsc_offset(struct hv_lapic *a, u64 offset);
void hv_lapic_set_tsc_deadline(struct hv_lapic *a, u64 val, u64 guest_tsc,
			       u32 tsc_khz);
void hv_lapic_set_cr8(struct hv_lapic *a, u64 cr8);
u64 hv_lapic_get_cr8(struct hv_lapic *a);

void hv_lapic_sync(struct hv_lapic *a);
int hv_lapic_pending(struct hv_lapic *a, u8 *tpr_threshold);
int hv_lapic_pending_vector(struct hv_lapic *a);
void hv_lapic_ack(struct hv_lapic *a, int vector);
void hv_lapic_unack(struct hv_lapic *a, int vector);
void hv_lapic_eoi_vector(struct hv_lapic *a, u8 vector);
int hv_lapic_highest_irr(const struct hv_lapic *a);
int hv_lapic_highest_isr(const struct hv_lapic *a);
void hv_lapic_get_vectors(const struct hv_lapic *a, u32 reg, u32 vec[8]);
void hv_lapic_get_tmr(const struct hv_lapic *a, u64 tmr[4]);
void hv_lapic_apic_write(struct hv_lapic *a, u32 off);
bool hv_lapic_runnable(struct hv_lapic *a);

/* IRR's vectors 32 * @i to 32 * @i + 31 (the page's layout, SDM 11.4.1) */
static inline u32 hv_lapic_irr_word(const struct hv_lapic *a, int i)
{
	return a->reg[(APIC_IRR >> 2) + 4 * i];
}

/* Anything posted since the last hv_lapic_sync()? (with IRQs off) */
static inline bool hv_lapic_has_posted(const struct hv_lapic *a)
{
	return READ_ONCE(a->events);
}

void hv_lapic_get_state(struct hv_lapic *a, struct hv_lapic_state *s);
int hv_lapic_set_state(struct hv_lapic *a, const struct hv_lapic_state *s,
		       u64 guest_tsc, u32 tsc_khz);

void hv_apic_deliver(struct hv_vm *vm, const struct hv_apic_irq *irq,
		     struct hv_lapic *src);
void hv_apic_nmi_line(struct hv_vm *vm);

/* ioapic.c */
struct hv_ioapic {
	spinlock_t lock;	/* the registers; taken with IRQs off */
	struct hv_vm *vm;
	u32 id, ioregsel, lines;
	u64 redir[24];
};

struct hv_ioapic *hv_ioapic_create(struct hv_vm *vm);
void hv_ioapic_destroy(struct hv_ioapic *io);
int hv_ioapic_set_line(struct hv_ioapic *io, u32 pin, bool level);
bool hv_ioapic_mmio_page(u64 gpa);
void hv_ioapic_mmio_read(struct hv_ioapic *io, u32 off, u32 *val);
void hv_ioapic_mmio_write(struct hv_ioapic *io, u32 off, u32 val);
void hv_ioapic_eoi(struct hv_ioapic *io, u8 vector);
void hv_ioapic_get_state(struct hv_ioapic *io, struct hv_ioapic_state *s);
int hv_ioapic_set_state(struct hv_ioapic *io,
			const struct hv_ioapic_state *s);

/* The backend's hooks for the models (vmx_lapic.c). */
struct hv_ioapic *hv_x86_vm_ioapic(struct hv_vm *vm);
struct hv_lapic *hv_x86_vcpu_lapic(struct hv_vcpu *vcpu);

#endif /* HV_X86_LAPIC_H */
