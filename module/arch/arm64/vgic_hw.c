// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of the in-kernel GICv3: the GICv3 CPU interface's
 * virtualization registers (ICH_*_EL2, IHI 0069 chapter 12.4) and the two
 * host interrupts the guest's run depends on.
 *
 * While a guest runs, a physical interrupt exits to EL2 (HCR_EL2.IMO), but
 * only if the host's GIC has it enabled. Two PPIs must therefore be
 * enabled on every CPU that runs an irqchip VM, though the host never
 * handles them: the virtual timer's (the guest's CNTV, so that its expiry
 * exits) and the GIC's maintenance interrupt (underflow and EOI of a
 * level interrupt, so that list registers are refilled and lines
 * resampled at once). Their Linux numbers come from the device tree (the
 * timer node's third interrupt, the GIC node's first), as the kernel's
 * own drivers take them. Both are level-sensitive and low again before
 * the host unmasks interrupts after an exit (the guest's timer is
 * stopped, ICH_HCR_EL2 cleared), so their handler has nothing to do.
 * Without the maintenance interrupt (a device tree without it) refills
 * wait for the next exit of any kind.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqchip/arm-gic-v3.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/percpu.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include "hv_core.h"
#include "vgic.h"

/* ICH_VTR_EL2 (IHI 0069 12.4.9) */
#define ICH_VTR_LISTREGS	GENMASK(4, 0)
#define ICH_VTR_PREBITS_SHIFT	26

/* ICC_SRE_EL2 (IHI 0069 12.2.24) */
#define VGIC_SRE_EL2_SRE	BIT(0)
#define VGIC_SRE_EL2_ENABLE	BIT(3)

/* The arch timer node's interrupts: secure, non-secure, virtual, hyp. */
#define VGIC_TIMER_VIRT_INDEX	2

static DEFINE_MUTEX(vgic_hw_lock);
static unsigned int vgic_hw_users;
static unsigned int vgic_vtimer_irq, vgic_maint_irq;
static int __percpu *vgic_hw_dev;
static int vgic_hw_hp_state;
static DEFINE_PER_CPU(bool, vgic_hw_cpu_on);
/* the vtimer PPI's irq_data whose chip sets its active state, or NULL */
static struct irq_data *vgic_vtimer_data;

static irqreturn_t vgic_hw_irq(int irq, void *dev)
{
	return IRQ_HANDLED;
}

/*
 * Can this host run an in-kernel GICv3? Its GIC has the system register
 * interface with the virtualization extension, EL1 may use the system
 * registers (ICC_SRE_EL2.SRE and .Enable, as booting.rst asks of the
 * boot loader), and the device tree names the virtual timer's PPI.
 */
static bool vgic_hw_usable(void)
{
	u64 pfr0 = read_sanitised_ftr_reg(SYS_ID_AA64PFR0_EL1);
	struct device_node *np;
	u64 sre;

	if (!cpuid_feature_extract_unsigned_field(pfr0,
						  ID_AA64PFR0_EL1_GIC_SHIFT))
		return false;
	sre = read_sysreg_s(SYS_ICC_SRE_EL2);
	if ((sre & (VGIC_SRE_EL2_SRE | VGIC_SRE_EL2_ENABLE)) !=
	    (VGIC_SRE_EL2_SRE | VGIC_SRE_EL2_ENABLE))
		return false;
	np = of_find_compatible_node(NULL, NULL, "arm,armv8-timer");
	of_node_put(np);
	return np;
}

/* HV_CAP_IRQCHIP: the SPIs hv emulates, or 0. */
long vgic_hw_nr_spis(void)
{
	static int usable = -1;

	if (usable < 0)
		usable = vgic_hw_usable();
	return usable ? VGIC_NR_SPIS : 0;
}

unsigned int vgic_hw_nr_lrs(void)
{
	u32 n = (read_sysreg_s(SYS_ICH_VTR_EL2) & ICH_VTR_LISTREGS) + 1;

	return min_t(u32, n, VGIC_MAX_LRS);
}

/* How many ICH_AP0Rn/AP1Rn exist: 1, 2 or 4 for 5, 6 or 7 preemption bits */
static unsigned int vgic_hw_nr_aprs(void)
{
	u32 pre = ((read_sysreg_s(SYS_ICH_VTR_EL2) >> ICH_VTR_PREBITS_SHIFT) &
		   7) + 1;

	return pre >= 5 ? 1U << (pre - 5) : 1;
}

static unsigned int vgic_hw_map(const char *compat, int index)
{
	struct device_node *np = of_find_compatible_node(NULL, NULL, compat);
	unsigned int irq;

	if (!np)
		return 0;
	irq = irq_of_parse_and_map(np, index);
	of_node_put(np);
	return irq;
}

/* Disable the two PPIs on this CPU if it enabled them. */
static void vgic_hw_cpu_off(void *unused)
{
	if (!this_cpu_read(vgic_hw_cpu_on))
		return;
	disable_percpu_irq(vgic_vtimer_irq);
	if (vgic_maint_irq)
		disable_percpu_irq(vgic_maint_irq);
	this_cpu_write(vgic_hw_cpu_on, false);
}

/*
 * The CPU hotplug teardown, run on the CPU going offline: on_each_cpu()
 * in vgic_hw_put() cannot reach an offline CPU, and free_percpu_irq()
 * refuses (WARN, and keeps the interrupt) while any CPU has it enabled.
 * It comes back with the flag clear: vgic_hw_cpu_enable() enables them
 * again when a vCPU next runs there.
 */
static int vgic_hw_cpu_dying(unsigned int cpu)
{
	vgic_hw_cpu_off(NULL);
	return 0;
}

/*
 * The level of @irq's hierarchy whose chip changes its state, as
 * irq_set_irqchip_state() looks for it; NULL if none does.
 */
static struct irq_data *vgic_hw_state_data(unsigned int irq)
{
	struct irq_data *d = irq_get_irq_data(irq);

	while (d && !(d->chip && d->chip->irq_set_irqchip_state))
		d = d->parent_data;
	return d;
}

static void vgic_hw_free_irqs(void)
{
	vgic_vtimer_data = NULL;
	if (vgic_maint_irq)
		free_percpu_irq(vgic_maint_irq, vgic_hw_dev);
	free_percpu_irq(vgic_vtimer_irq, vgic_hw_dev);
	free_percpu(vgic_hw_dev);
}

static int vgic_hw_setup(void)
{
	int err;

	vgic_vtimer_irq = vgic_hw_map("arm,armv8-timer", VGIC_TIMER_VIRT_INDEX);
	if (!vgic_vtimer_irq)
		return -ENODEV;
	vgic_hw_dev = alloc_percpu(int);
	if (!vgic_hw_dev)
		return -ENOMEM;
	err = request_percpu_irq(vgic_vtimer_irq, vgic_hw_irq, "hv-vtimer",
				 vgic_hw_dev);
	if (err) {
		pr_warn("cannot take the virtual timer's PPI: %d\n", err);
		free_percpu(vgic_hw_dev);
		return err;
	}
	vgic_vtimer_data = vgic_hw_state_data(vgic_vtimer_irq);
	vgic_maint_irq = vgic_hw_map("arm,gic-v3", 0);
	if (vgic_maint_irq &&
	    request_percpu_irq(vgic_maint_irq, vgic_hw_irq, "hv-vgic-maint",
			       vgic_hw_dev))
		vgic_maint_irq = 0;
	/* a CPU that goes offline gives them back on its way out */
	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "hv/vgic:online",
					NULL, vgic_hw_cpu_dying);
	if (err < 0) {
		vgic_hw_free_irqs();
		return err;
	}
	vgic_hw_hp_state = err;
	return 0;
}

/**
 * vgic_hw_get() - the first irqchip VM takes the host interrupts.
 *
 * Return: 0 or -errno. Process context.
 */
int vgic_hw_get(void)
{
	int err = 0;

	mutex_lock(&vgic_hw_lock);
	if (!vgic_hw_users)
		err = vgic_hw_setup();
	if (!err)
		vgic_hw_users++;
	mutex_unlock(&vgic_hw_lock);
	return err;
}

/* The last irqchip VM is gone: give them back. Process context. */
void vgic_hw_put(void)
{
	mutex_lock(&vgic_hw_lock);
	if (!--vgic_hw_users) {
		/* no CPU comes or goes until every one has them disabled */
		cpus_read_lock();
		on_each_cpu(vgic_hw_cpu_off, NULL, 1);
		cpuhp_remove_state_nocalls_cpuslocked(vgic_hw_hp_state);
		cpus_read_unlock();
		vgic_hw_free_irqs();
	}
	mutex_unlock(&vgic_hw_lock);
}

/* Enable the two PPIs on this CPU, once (preemption off). */
void vgic_hw_cpu_enable(void)
{
	if (this_cpu_read(vgic_hw_cpu_on))
		return;
	enable_percpu_irq(vgic_vtimer_irq, IRQ_TYPE_NONE);
	if (vgic_maint_irq)
		enable_percpu_irq(vgic_maint_irq, IRQ_TYPE_NONE);
	this_cpu_write(vgic_hw_cpu_on, true);
}

/* The active state of this CPU's vtimer PPI (preemption off). */
void vgic_hw_set_vtimer_active(bool active)
{
	WARN_ON_ONCE(irq_set_irqchip_state(vgic_vtimer_irq,
					   IRQCHIP_STATE_ACTIVE, active));
}

/**
 * vgic_hw_vtimer_active_irqoff() - the same before an entry, IRQs off.
 * @active: the state.
 *
 * After every fire the guest's deactivation through the hardware list
 * register deactivates the host's PPI too, so the next entry makes it
 * active again: once per timer interrupt. irq_set_irqchip_state() spent
 * about 400 instructions there (hvbench irq_vtimer), most of them finding
 * the descriptor and taking its lock, which serialise chip calls on one
 * interrupt. That is not needed for this one, so the chip's callback is
 * called directly: the PPI is hv's alone while any irqchip VM exists
 * (request_percpu_irq() in vgic_hw_get(), free_percpu_irq() in
 * vgic_hw_put(), so the irq_data outlives every caller); its state is per
 * CPU, and the GICv3 callback only writes this CPU's redistributor
 * (GICR_ISACTIVER0/ICACTIVER0, write-one-to-set/clear: no read-modify-
 * write) and reads it back; with IRQs off nothing else runs on this CPU,
 * and genirq's calls for the other CPUs (enable_percpu_irq() and
 * disable_percpu_irq()) write their own redistributors.
 */
void vgic_hw_vtimer_active_irqoff(bool active)
{
	struct irq_data *d = vgic_vtimer_data;

	lockdep_assert_irqs_disabled();
	if (unlikely(!d)) {
		vgic_hw_set_vtimer_active(active);
		return;
	}
	WARN_ON_ONCE(d->chip->irq_set_irqchip_state(d, IRQCHIP_STATE_ACTIVE,
						    active));
}

/* The list registers are encoded in the instruction: one case each. */
#define VGIC_LR_READ(n)	case n: return read_sysreg_s(SYS_ICH_LR##n##_EL2)
#define VGIC_LR_WRITE(n) case n: write_sysreg_s(v, SYS_ICH_LR##n##_EL2); break

u64 vgic_hw_read_lr(unsigned int i)
{
	switch (i) {
	VGIC_LR_READ(0);
	VGIC_LR_READ(1);
	VGIC_LR_READ(2);
	VGIC_LR_READ(3);
	VGIC_LR_READ(4);
	VGIC_LR_READ(5);
	VGIC_LR_READ(6);
	VGIC_LR_READ(7);
	VGIC_LR_READ(8);
	VGIC_LR_READ(9);
	VGIC_LR_READ(10);
	VGIC_LR_READ(11);
	VGIC_LR_READ(12);
	VGIC_LR_READ(13);
	VGIC_LR_READ(14);
	VGIC_LR_READ(15);
	default:
		return 0;
	}
}

void vgic_hw_write_lr(unsigned int i, u64 v)
{
	switch (i) {
	VGIC_LR_WRITE(0);
	VGIC_LR_WRITE(1);
	VGIC_LR_WRITE(2);
	VGIC_LR_WRITE(3);
	VGIC_LR_WRITE(4);
	VGIC_LR_WRITE(5);
	VGIC_LR_WRITE(6);
	VGIC_LR_WRITE(7);
	VGIC_LR_WRITE(8);
	VGIC_LR_WRITE(9);
	VGIC_LR_WRITE(10);
	VGIC_LR_WRITE(11);
	VGIC_LR_WRITE(12);
	VGIC_LR_WRITE(13);
	VGIC_LR_WRITE(14);
	VGIC_LR_WRITE(15);
	}
}

/* The active priority registers that exist: 1, 2 or 4 of each group. */
static void vgic_hw_apr_load(const struct vgic_cpu *c, unsigned int n)
{
	switch (n) {
	case 4:
		write_sysreg_s(c->ap0r[3], SYS_ICH_AP0R3_EL2);
		write_sysreg_s(c->ap1r[3], SYS_ICH_AP1R3_EL2);
		write_sysreg_s(c->ap0r[2], SYS_ICH_AP0R2_EL2);
		write_sysreg_s(c->ap1r[2], SYS_ICH_AP1R2_EL2);
		fallthrough;
	case 2:
		write_sysreg_s(c->ap0r[1], SYS_ICH_AP0R1_EL2);
		write_sysreg_s(c->ap1r[1], SYS_ICH_AP1R1_EL2);
		fallthrough;
	default:
		write_sysreg_s(c->ap0r[0], SYS_ICH_AP0R0_EL2);
		write_sysreg_s(c->ap1r[0], SYS_ICH_AP1R0_EL2);
	}
}

static void vgic_hw_apr_save(struct vgic_cpu *c, unsigned int n)
{
	switch (n) {
	case 4:
		c->ap0r[3] = read_sysreg_s(SYS_ICH_AP0R3_EL2);
		c->ap1r[3] = read_sysreg_s(SYS_ICH_AP1R3_EL2);
		c->ap0r[2] = read_sysreg_s(SYS_ICH_AP0R2_EL2);
		c->ap1r[2] = read_sysreg_s(SYS_ICH_AP1R2_EL2);
		fallthrough;
	case 2:
		c->ap0r[1] = read_sysreg_s(SYS_ICH_AP0R1_EL2);
		c->ap1r[1] = read_sysreg_s(SYS_ICH_AP1R1_EL2);
		fallthrough;
	default:
		c->ap0r[0] = read_sysreg_s(SYS_ICH_AP0R0_EL2);
		c->ap1r[0] = read_sysreg_s(SYS_ICH_AP1R0_EL2);
	}
}

/**
 * vgic_load() - the guest's CPU interface state into this CPU: ICH_VMCR_EL2
 * (priority mask, binary points, group enables, EOI mode) and the active
 * priorities. The list registers are filled at every entry.
 * @vcpu: the vCPU, about to run here (preemption off).
 */
void vgic_load(struct hv_vcpu *vcpu)
{
	struct vgic_cpu *c = &vcpu->arch.vgic;

	vgic_hw_cpu_enable();
	write_sysreg_s(c->vmcr, SYS_ICH_VMCR_EL2);
	vgic_hw_apr_load(c, vgic_hw_nr_aprs());
}

/* Save it back; give this CPU's vtimer PPI its active state back. */
void vgic_put(struct hv_vcpu *vcpu)
{
	struct vgic_cpu *c = &vcpu->arch.vgic;

	c->vmcr = read_sysreg_s(SYS_ICH_VMCR_EL2);
	vgic_hw_apr_save(c, vgic_hw_nr_aprs());
	if (c->phys_active) {
		vgic_hw_set_vtimer_active(false);
		c->phys_active = false;
	}
}
