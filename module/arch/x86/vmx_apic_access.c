// SPDX-License-Identifier: GPL-2.0
/*
 * The APIC-access page (SDM Vol. 3C, 30.4 "Virtualizing Memory-Mapped
 * APIC Accesses"): an xAPIC guest's MMIO to its APIC page without an EPT
 * violation and an instruction decode for each access.
 *
 * One zeroed host page per irqchip VM, never read or written by anyone:
 * its address only tells the CPU which accesses are APIC accesses. The EPT
 * maps it at the guest's xAPIC base while a vCPU's APIC is enabled in
 * xAPIC mode there, and such a vCPU runs with "virtualize APIC accesses"
 * (and without "virtualize x2APIC mode": the two are exclusive, SDM
 * 26.2.1.1). With the APIC-register virtualization and virtual-interrupt
 * delivery that vid gives (vmx_lapic.c), the CPU then:
 *
 * - answers reads of ID, version, TPR, EOI, LDR, DFR, SVR, ISR, TMR, IRR,
 *   ESR, ICR, the LVT, initial count and divide configuration from the
 *   virtual-APIC page, lapic.c's reg[] (SDM 30.4.2.1), which lapic.c
 *   keeps equal to what its own read returns;
 * - completes TPR writes (TPR virtualization), EOI writes (EOI
 *   virtualization: an exit only for a vector whose EOI-exit bit, TMR, is
 *   set) and self IPIs (an ICR write with the self shorthand, fixed,
 *   edge, vector 16 or above) and ICR-high writes (it clears bits 23:0)
 *   without an exit (SDM 30.4.3.2, 30.4.3.3);
 * - writes the other registers' new value into the page and exits after
 *   the instruction (APIC-write exit, trap-like, SDM 30.4.3.3), which hv
 *   hands to lapic.c as the write it is (ICR sends the IPI, LVT, timer,
 *   ESR, SVR, LDR, DFR, ID);
 * - exits before any other access (APIC-access exit, fault-like, SDM
 *   30.4.2, 30.4.3.1: PPR, current count, a register that does not exist,
 *   an access not 32 bits wide at the register), which hv emulates as it
 *   did the EPT violation: decode, hv_lapic_mmio_read() / _write().
 *
 * The vCPU looks at IA32_APIC_BASE before each entry: a relocated base
 * moves the mapping, a disabled APIC or x2APIC mode drops the control
 * (and the mapping when no vCPU uses it any more), and the access exits as
 * before (EPT violation: emulated while the xAPIC is there, else RAM or an
 * MMIO exit to user space). The EPT has one mapping per VM: a vCPU whose
 * xAPIC sits elsewhere while another's is mapped keeps the EPT-violation
 * path.
 */
#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include <asm/vmx.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "ept.h"
#include "lapic.h"
#include "vmx.h"
#include "vmx_ops.h"

/* apic_access=0 keeps xAPIC MMIO on the EPT-violation path; read at load */
static bool apic_access = true;
module_param(apic_access, bool, 0444);
MODULE_PARM_DESC(apic_access, "with vid: the APIC-access page for xAPIC guests when the CPU has it; 0: xAPIC MMIO exits on EPT violations");

/*
 * The exits this path still takes, over all VMs (read-only parameters):
 * a test counts them to tell the paths apart.
 */
static atomic_long_t apic_access_exits, apic_write_exits;

static int vmx_apic_access_count_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(kp->arg));
}

static const struct kernel_param_ops vmx_apic_access_count_ops = {
	.get = vmx_apic_access_count_get,
};

module_param_cb(apic_access_exits, &vmx_apic_access_count_ops,
		&apic_access_exits, 0444);
MODULE_PARM_DESC(apic_access_exits, "APIC-access exits (xAPIC accesses the CPU did not virtualize; read-only)");
module_param_cb(apic_write_exits, &vmx_apic_access_count_ops,
		&apic_write_exits, 0444);
MODULE_PARM_DESC(apic_write_exits, "APIC-write exits (xAPIC and x2APIC; read-only)");

/**
 * vmx_apic_access_probe() - may hv use the APIC-access page?
 * @sec: IA32_VMX_PROCBASED_CTLS2.
 * @vid: hv uses virtual-interrupt delivery (and register virtualization).
 *
 * Turns the parameter off when not, so that it tells which path runs.
 */
void vmx_apic_access_probe(u64 sec, bool vid)
{
	if (!vid || !((sec >> 32) & SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES))
		apic_access = false;
}

/* A new VM: the page, for an irqchip VM on this path. */
int vmx_apic_access_vm_init(struct hv_vm *vm)
{
	spin_lock_init(&vm->arch.apic_access_lock);
	if (!vm->irqchip || !apic_access)
		return 0;
	vm->arch.apic_access_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	return vm->arch.apic_access_page ? 0 : -ENOMEM;
}

/* After the EPT is gone and flushed (no CPU translates to the page). */
void vmx_apic_access_vm_destroy(struct hv_vm *vm)
{
	if (vm->arch.apic_access_page)
		__free_page(vm->arch.apic_access_page);
	vm->arch.apic_access_page = NULL;
}

/**
 * vmx_apic_access_vmcs_setup() - a new vCPU's APIC-access address.
 * @vcpu: the vCPU of an irqchip VM with vid, VMCS loaded.
 *
 * The control stays off until the first entry finds the xAPIC enabled.
 */
void vmx_apic_access_vmcs_setup(struct hv_vcpu *vcpu)
{
	struct page *page = vcpu->vm->arch.apic_access_page;

	vcpu->arch.apic_access = !!page;
	vcpu->arch.apic_access_on = false;
	vcpu->arch.apic_access_base = 0;
	if (page)
		vmcs_write64(APIC_ACCESS_ADDR, page_to_phys(page));
}

/* Become a user of the VM's mapping at @gfn, mapping it if none is. */
static void vmx_apic_access_get(struct hv_vcpu *vcpu, u64 gfn)
{
	struct hv_arch_vm *avm = &vcpu->vm->arch;

	spin_lock(&avm->apic_access_lock);
	if (!avm->apic_access_users) {
		avm->apic_access_gfn = gfn;
		ept_map_apic_access(vcpu, gfn, avm->apic_access_page);
	}
	if (avm->apic_access_gfn == gfn) {
		avm->apic_access_users++;
		vcpu->arch.apic_access_on = true;
	}
	spin_unlock(&avm->apic_access_lock);
}

/* ... and stop being one: the last user unmaps it (RAM shows again). */
static void vmx_apic_access_put(struct hv_vcpu *vcpu)
{
	struct hv_arch_vm *avm = &vcpu->vm->arch;

	spin_lock(&avm->apic_access_lock);
	vcpu->arch.apic_access_on = false;
	if (!--avm->apic_access_users)
		hv_arch_mem_unmap(vcpu->vm, avm->apic_access_gfn, 1);
	spin_unlock(&avm->apic_access_lock);
}

/**
 * vmx_apic_access_sync() - before an entry: the APIC-access page for the
 * APIC's mode and base, when IA32_APIC_BASE changed since the last look.
 * @vcpu: the vCPU of an irqchip VM with vid, VMCS loaded, interrupts on
 * (unmapping flushes every CPU's EPT translations).
 */
void vmx_apic_access_sync(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	u64 base = READ_ONCE(arch->lapic.base);
	bool want = (base & HV_APIC_BASE_EN) && !(base & HV_APIC_BASE_EXTD);
	u64 gfn = base >> PAGE_SHIFT;
	bool was_on = arch->apic_access_on;
	u32 sec;

	if (likely(base == arch->apic_access_base) || !arch->apic_access)
		return;
	if (arch->apic_access_on &&
	    (!want || gfn != vcpu->vm->arch.apic_access_gfn))
		vmx_apic_access_put(vcpu);
	if (want && !arch->apic_access_on &&
	    !hv_table_cache_short(&vcpu->table_cache))
		vmx_apic_access_get(vcpu, gfn);
	/* no page for new tables here: look again at the next entry */
	if (!want || arch->apic_access_on ||
	    !hv_table_cache_short(&vcpu->table_cache))
		arch->apic_access_base = base;
	sec = vmcs_read32(SECONDARY_VM_EXEC_CONTROL);
	if (arch->apic_access_on)
		sec = (sec & ~SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE) |
		      SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES;
	else
		sec = (sec & ~SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES) |
		      SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE;
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, sec);
	/*
	 * this CPU may have cached translations made under the other
	 * setting of the control (SDM 29.4.1: tagged by EPTP, not by it)
	 */
	if (was_on != arch->apic_access_on)
		vmx_invept(VMX_INVEPT_SINGLE, vcpu->vm->arch.eptp);
}

/*
 * APIC-access exit (fault-like, SDM 30.4.2, 30.4.3.1, 28.2.1 Table 28-6):
 * bits 11:0 of the qualification are the offset, 15:12 the access type.
 * A data read or write (types 0 and 1) is emulated from the instruction
 * as the EPT-violation path does; a fetch, or an access during event
 * delivery (the guest's IDT or stack on its APIC page), is beyond hv.
 */
int vmx_apic_access_exit(struct hv_vcpu *vcpu)
{
	struct hv_arch_vcpu *arch = &vcpu->arch;
	u64 qual = arch->exit.qualification;
	u32 type = (qual & APIC_ACCESS_TYPE) >> 12;

	atomic_long_inc(&apic_access_exits);
	if (type > 1 || !arch->apic_access_on)
		return vmx_exit_internal(vcpu, HV_INTERNAL_EMULATION);
	return vmx_lapic_mmio_access(vcpu, (arch->apic_access_base & PAGE_MASK) |
				     (qual & APIC_ACCESS_OFFSET), false);
}

/*
 * APIC-write exit (trap-like, SDM 30.4.3.3): the CPU wrote the register
 * at the qualification's offset into the virtual-APIC page; lapic.c acts
 * on it (an x2APIC write: a SELF IPI below vector 16).
 */
int vmx_apic_write_exit(struct hv_vcpu *vcpu)
{
	atomic_long_inc(&apic_write_exits);
	hv_lapic_apic_write(&vcpu->arch.lapic,
			    vcpu->arch.exit.qualification & 0xfff);
	return 1;
}
