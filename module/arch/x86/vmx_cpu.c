// SPDX-License-Identifier: GPL-2.0
/*
 * VMX per physical CPU.
 *
 * VMX operation is turned on in every CPU when the first VM is created and
 * off when the last one goes, through a CPU hotplug state so that CPUs that
 * come online meanwhile turn it on too, and CPUs that go offline first
 * VMCLEAR every VMCS they hold (SDM Vol. 3C, 25.11.1 "Software Use of
 * Virtual-Machine Control Structures": a VMCS must be cleared before it is
 * loaded on another processor, and before VMXOFF).
 *
 * VMX operation blocks INIT, which firmware uses to take the CPUs back on
 * reboot, and does not survive suspend: while VMX is on, hv also turns it
 * off on the way down (SDM Vol. 3C, 24.7 "Enabling and Entering VMX
 * Operation", 25.11.1):
 *  - suspend: every CPU but the last goes offline (the hotplug state),
 *    the last one in the syscore suspend callback; resume turns it on;
 *  - reboot, halt, power off: the rebooting CPU in the syscore shutdown
 *    callback, the others when the kernel stops them (stop_other_cpus())
 *    through the emergency callback, which also serves crash kexec and
 *    emergency restarts. From the shutdown on, vCPUs no longer enter.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/syscore_ops.h>
#include <linux/workqueue.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/reboot.h>
#include <asm/tlbflush.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "vmx.h"
#include "vmx_cpu.h"
#include "vmx_ops.h"

struct vmx_cpu {
	void *vmxon_region;
	void *current_vmcs;	/* the VMCS VMPTRLD made current here */
	struct list_head loaded;	/* hv_arch_vcpu.loaded_link */
};

static DEFINE_PER_CPU(struct vmx_cpu, vmx_cpu);

static DEFINE_MUTEX(vmx_users_lock);
static unsigned int vmx_users;
static int vmx_hp_state;
static DEFINE_IDA(vmx_vpids);

void *vmx_alloc_vmcs(void)
{
	u32 *vmcs = (u32 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

	/* SDM Vol. 3C, 25.2 "Format of the VMCS Region": revision first. */
	if (vmcs)
		*vmcs = vmx_config.revision_id;
	return vmcs;
}

void vmx_free_vmcs(void *vmcs)
{
	free_page((unsigned long)vmcs);
}

/* VMCLEAR on the CPU that holds the VMCS; IRQs off (IPI or caller). */
static void __vmx_vcpu_clear(struct hv_arch_vcpu *arch)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);

	if (arch->cpu != smp_processor_id())
		return;
	vmx_vmclear(__pa(arch->vmcs));
	if (vc->current_vmcs == arch->vmcs)
		vc->current_vmcs = NULL;
	list_del(&arch->loaded_link);
	arch->launched = false;
	/* the list update must be seen before another CPU may load it */
	smp_store_release(&arch->cpu, -1);
}

static void vmx_vcpu_clear_ipi(void *arg)
{
	__vmx_vcpu_clear(arg);
}

/**
 * vmx_vcpu_clear() - VMCLEAR a vCPU's VMCS wherever it is loaded.
 * @vcpu: the vCPU. IRQs must be enabled (it may send an IPI).
 */
void vmx_vcpu_clear(struct hv_vcpu *vcpu)
{
	/* pairs with the release in __vmx_vcpu_clear() */
	int cpu = smp_load_acquire(&vcpu->arch.cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, vmx_vcpu_clear_ipi, &vcpu->arch,
					 1);
}

/* Host state that differs between CPUs (SDM Vol. 3C, 25.5 "Host-State Area"). */
static void vmx_set_host_cpu_state(int cpu)
{
	struct desc_ptr gdt;
	u64 msr;

	native_store_gdt(&gdt);
	vmcs_writel(HOST_GDTR_BASE, gdt.address);
	vmcs_writel(HOST_TR_BASE,
		    (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	rdmsrl(MSR_GS_BASE, msr);
	vmcs_writel(HOST_GS_BASE, msr);
	rdmsrl(MSR_IA32_SYSENTER_ESP, msr);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, msr);
}

/**
 * vmx_vcpu_load() - make @vcpu's VMCS current on this CPU.
 * @vcpu: the vCPU. Called with preemption disabled and IRQs enabled.
 *
 * When the vCPU thread moved here from another CPU, the VMCS is first
 * cleared there, the per-CPU host fields are rewritten, and the TLB entries
 * tagged with the vCPU's VPID are flushed (they may be stale from an
 * earlier stay on this CPU).
 */
void vmx_vcpu_load(struct hv_vcpu *vcpu)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	struct hv_arch_vcpu *arch = &vcpu->arch;
	int cpu = smp_processor_id();
	bool moved = READ_ONCE(arch->cpu) != cpu;

	if (moved) {
		vmx_vcpu_clear(vcpu);
		local_irq_disable();
		list_add(&arch->loaded_link, &vc->loaded);
		WRITE_ONCE(arch->cpu, cpu);
		local_irq_enable();
	}
	if (vc->current_vmcs != arch->vmcs) {
		if (!vmx_vmptrld(__pa(arch->vmcs)))
			pr_err_ratelimited("VMPTRLD failed on CPU %d\n", cpu);
		vc->current_vmcs = arch->vmcs;
		/* another vCPU, maybe another VM, runs here now */
		vmx_mitig_vmcs_switch();
	}
	if (moved) {
		vmx_set_host_cpu_state(cpu);
		vmx_invvpid(VMX_INVVPID_SINGLE, arch->vpid);
	}
}

/* VMXON with this CPU's region; IRQs off or the CPU's hotplug callback. */
static bool vmx_cpu_vmxon(struct vmx_cpu *vc)
{
	cr4_set_bits(X86_CR4_VMXE);
	if (!vmx_vmxon(__pa(vc->vmxon_region))) {
		cr4_clear_bits(X86_CR4_VMXE);
		return false;
	}
	/* Translations cached by whoever used VMX before us are not ours. */
	vmx_invept(VMX_INVEPT_ALL, 0);
	vc->current_vmcs = NULL;
	return true;
}

/* VMCLEAR what this CPU holds, then VMXOFF; IRQs off (or in NMI). */
static void vmx_cpu_vmxoff(struct vmx_cpu *vc)
{
	struct hv_arch_vcpu *arch, *tmp;

	list_for_each_entry_safe(arch, tmp, &vc->loaded, loaded_link)
		__vmx_vcpu_clear(arch);
	vmx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
}

static int vmx_cpu_online(unsigned int cpu)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	u32 *region;

	/* Another hypervisor got here first (kvm_intel loaded meanwhile). */
	if (cr4_read_shadow() & X86_CR4_VMXE) {
		pr_err("CPU %u: VMX already in use by another hypervisor\n",
		       cpu);
		return -EBUSY;
	}
	region = (u32 *)get_zeroed_page(GFP_KERNEL);
	if (!region)
		return -ENOMEM;
	*region = vmx_config.revision_id;

	vc->vmxon_region = region;
	INIT_LIST_HEAD(&vc->loaded);
	if (!vmx_cpu_vmxon(vc)) {
		vc->vmxon_region = NULL;
		free_page((unsigned long)region);
		pr_err("CPU %u: VMXON failed\n", cpu);
		return -EBUSY;
	}
	return 0;
}

static int vmx_cpu_offline(unsigned int cpu)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);

	local_irq_disable();
	vmx_cpu_vmxoff(vc);
	local_irq_enable();
	free_page((unsigned long)vc->vmxon_region);
	vc->vmxon_region = NULL;
	return 0;
}

/* Set by the shutdown callback: no vCPU enters any more (vmx_cpus_down()). */
static bool vmx_shutting_down;

bool vmx_cpus_down(void)
{
	return READ_ONCE(vmx_shutting_down);
}

/*
 * The kernel stops the other CPUs, or crashes, or restarts in an emergency
 * (NMI or IPI context, IRQs off, the CPU never returns to what it ran).
 */
static void vmx_emergency_off(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);

	/* only what hv turned on: the callback outlives the last VM a bit */
	if (vc->vmxon_region && (__read_cr4() & X86_CR4_VMXE))
		vmx_cpu_vmxoff(vc);
}

/*
 * The emergency callback slot is the machine's (kvm_intel takes it too,
 * and warns if it is taken), so hv holds it only while VMX may be on. But
 * releasing it waits for an RCU grace period (the kernel's
 * cpu_emergency_unregister_virt_callback() calls synchronize_rcu()), which
 * made destroying the last VM 350 times slower: a work item releases it
 * a second later instead (so that VMs made and destroyed in a row keep
 * it). The next VM takes over a pending release; a module that comes
 * (kvm_intel registers in its init) waits for it; module unload finishes it.
 */
static bool vmx_emergency_registered;	/* vmx_users_lock */

static void vmx_emergency_release(struct work_struct *work)
{
	bool release;

	mutex_lock(&vmx_users_lock);
	release = !vmx_users && vmx_emergency_registered;
	if (release)
		vmx_emergency_registered = false;
	mutex_unlock(&vmx_users_lock);
	if (release)
		cpu_emergency_unregister_virt_callback(vmx_emergency_off);
}

static DECLARE_DELAYED_WORK(vmx_emergency_work, vmx_emergency_release);

/* vmx_users_lock held; the first VM after none. */
static void vmx_emergency_take(void)
{
	/* a release that has not started yet is not needed any more */
	cancel_delayed_work(&vmx_emergency_work);
	if (vmx_emergency_registered)
		return;
	/*
	 * One may be running, past the lock (it does not take it again):
	 * the slot must be free before it is taken.
	 */
	flush_delayed_work(&vmx_emergency_work);
	cpu_emergency_register_virt_callback(vmx_emergency_off);
	vmx_emergency_registered = true;
}

static int vmx_module_event(struct notifier_block *nb, unsigned long event,
			    void *data)
{
	if (event == MODULE_STATE_COMING)
		flush_delayed_work(&vmx_emergency_work);
	return NOTIFY_DONE;
}

static struct notifier_block vmx_module_nb = {
	.notifier_call = vmx_module_event,
};

/* Suspend: the last CPU, IRQs off, every task frozen. */
static int vmx_pm_suspend(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);

	if (vc->vmxon_region)
		vmx_cpu_vmxoff(vc);
	return 0;
}

static void vmx_pm_resume(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);

	if (vc->vmxon_region && !vmx_cpu_vmxon(vc))
		pr_err("CPU %d: VMXON failed on resume\n", smp_processor_id());
}

/*
 * Reboot, halt or power off, on the CPU that does it, in its task: no
 * VMCS is in use on this CPU now (every user has preemption off), and
 * vmx_cpus_down() keeps vCPUs out from here on.
 */
static void vmx_pm_shutdown(void)
{
	struct vmx_cpu *vc;

	WRITE_ONCE(vmx_shutting_down, true);
	local_irq_disable();
	vc = this_cpu_ptr(&vmx_cpu);
	if (vc->vmxon_region && (__read_cr4() & X86_CR4_VMXE)) {
		vmx_cpu_vmxoff(vc);
		pr_info("CPU %d: VMX off for shutdown\n", smp_processor_id());
	}
	local_irq_enable();
}

/* The syscore API took a struct syscore and a data pointer in 6.12.x. */
#ifdef HV_HAVE_SYSCORE
static int vmx_syscore_suspend(void *data)
{
	return vmx_pm_suspend();
}

static void vmx_syscore_resume(void *data)
{
	vmx_pm_resume();
}

static void vmx_syscore_shutdown(void *data)
{
	vmx_pm_shutdown();
}

static const struct syscore_ops vmx_syscore_ops = {
	.suspend = vmx_syscore_suspend,
	.resume = vmx_syscore_resume,
	.shutdown = vmx_syscore_shutdown,
};

static struct syscore vmx_syscore = { .ops = &vmx_syscore_ops };

static void vmx_syscore_register(void)
{
	register_syscore(&vmx_syscore);
}

static void vmx_syscore_unregister(void)
{
	unregister_syscore(&vmx_syscore);
}
#else
static struct syscore_ops vmx_syscore_ops = {
	.suspend = vmx_pm_suspend,
	.resume = vmx_pm_resume,
	.shutdown = vmx_pm_shutdown,
};

static void vmx_syscore_register(void)
{
	register_syscore_ops(&vmx_syscore_ops);
}

static void vmx_syscore_unregister(void)
{
	unregister_syscore_ops(&vmx_syscore_ops);
}
#endif

/**
 * vmx_get() - a VM is created: turn VMX on in every CPU if it is the first.
 *
 * Return: 0, or -EBUSY / -ENOMEM when a CPU could not enter VMX operation
 * (the CPUs that did are turned off again).
 */
int vmx_get(void)
{
	int ret = 0;

	mutex_lock(&vmx_users_lock);
	if (!vmx_users) {
		ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hv/vmx:online",
					vmx_cpu_online, vmx_cpu_offline);
		if (ret < 0)
			goto out_unlock;
		vmx_hp_state = ret;
		ret = 0;
		vmx_emergency_take();
		vmx_syscore_register();
	}
	vmx_users++;
out_unlock:
	mutex_unlock(&vmx_users_lock);
	return ret;
}

/** vmx_put() - a VM is gone: the last one turns VMX off in every CPU. */
void vmx_put(void)
{
	mutex_lock(&vmx_users_lock);
	if (!--vmx_users) {
		vmx_syscore_unregister();
		cpuhp_remove_state(vmx_hp_state);
		/* VMX is off everywhere: the callback has nothing left to do */
		schedule_delayed_work(&vmx_emergency_work, HZ);
	}
	mutex_unlock(&vmx_users_lock);
}

int vmx_cpu_init(void)
{
	return register_module_notifier(&vmx_module_nb);
}

/* Module unload: no VM is left; finish a pending release. */
void hv_arch_exit(void)
{
	unregister_module_notifier(&vmx_module_nb);
	flush_delayed_work(&vmx_emergency_work);
	WARN_ON_ONCE(vmx_emergency_registered);
}

int vmx_vpid_alloc(void)
{
	/* VPID 0 is the host's (SDM Vol. 3C, 29.1 "Virtual Processor IDs"). */
	return ida_alloc_range(&vmx_vpids, 1, 0xffff, GFP_KERNEL);
}

void vmx_vpid_free(int vpid)
{
	ida_free(&vmx_vpids, vpid);
}
