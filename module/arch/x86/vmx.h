/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the files of the VT-x backend.
 */
#ifndef HV_X86_VMX_H
#define HV_X86_VMX_H

#include <linux/types.h>
#include <asm/cpufeature.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "insn_decode.h"
#include "vmx_cpu.h"

struct hv_vcpu;
struct hv_vm;

/* Segment registers in VMCS field order: field = GUEST_ES_* + 2 * seg. */
enum vmx_seg {
	VMX_SEG_ES, VMX_SEG_CS, VMX_SEG_SS, VMX_SEG_DS, VMX_SEG_FS,
	VMX_SEG_GS, VMX_SEG_LDTR, VMX_SEG_TR,
};

/*
 * The longest guest stay, in ms: the VMX preemption timer makes the guest
 * leave at least this often, so the run loop notices signals and
 * need_resched() even when no host interrupt arrives. Converted to timer
 * ticks (TSC >> the rate in IA32_VMX_MISC) at probe time.
 */
#define VMX_MAX_STAY_MS		10

/*
 * The exceptions that exit: machine checks, which are the host's (see
 * vmx_exit_is_mce()); #DB, because a debug exception taken in the guest
 * would leave its status in the host's DR6, which VM exits do not switch
 * (a #DB that exits does not touch DR6: SDM Vol. 3C, 27.1); and #AC, which
 * a guest can make recur forever during its own delivery, a loop in which
 * the CPU takes no host interrupt (the cause of CVE-2015-5307). hv
 * reflects both into the guest. The guest handles all others itself.
 */
#define VMX_EXCEPTION_BITMAP	(BIT(X86_TRAP_MC) | BIT(X86_TRAP_DB) | \
				 BIT(X86_TRAP_AC))

/* DR6 with no debug condition (its reserved bits read as 1). */
#define VMX_DR6_INIT		0xffff0ff0UL

/*
 * The host's XCR0. XGETBV faults when the kernel did not turn XSAVE on
 * (CR4.OSXSAVE clear), as on some emulated CPUs: then only x87/SSE exist.
 */
static inline u64 vmx_host_xcr0(void)
{
	if (!boot_cpu_has(X86_FEATURE_OSXSAVE))
		return XFEATURE_MASK_FPSSE;
	return xgetbv(XCR_XFEATURE_ENABLED_MASK);
}

/* CR0/CR4 bits the VMX fixed-bit MSRs force (SDM Vol. 3C, A.7 and A.8). */
unsigned long vmx_cr0_host_owned(void);
unsigned long vmx_cr4_host_owned(void);
unsigned long vmx_get_cr0(void);
unsigned long vmx_get_cr4(void);
void vmx_set_cr0(struct hv_vcpu *vcpu, unsigned long cr0);
void vmx_set_cr4(struct hv_vcpu *vcpu, unsigned long cr4);
void vmx_set_efer(struct hv_vcpu *vcpu, u64 efer);

void vmx_vmcs_setup(struct hv_vcpu *vcpu);
void vmx_setup_guest_reset_state(struct hv_vcpu *vcpu);

int __vmx_vcpu_run(u64 *gprs, unsigned int flags);
void vmx_host_nmi(void);
struct vmx_exit_info;
bool vmx_exit_is_mce(const struct vmx_exit_info *e);
void vmx_host_machine_check(void);
void vmx_mitig_init(void);
unsigned int vmx_mitig_entry(void);
void vmx_mitig_vmcs_switch(void);
/* where a VM exit lands (HOST_RIP), in vmenter.S */
extern char vmx_vmexit[];

/*
 * Exit handlers. Contract of every entry of vmx_exit_handlers[] and of the
 * helpers they call: > 0 resume the guest, 0 exit to user space with
 * vcpu->run filled in, < 0 -errno; -EAGAIN means "sleep-capable work is
 * needed" (an allocation), after which the guest re-runs the instruction.
 * Handlers run with the VMCS loaded, preemption off and IRQs on.
 */
typedef int (*vmx_exit_fn)(struct hv_vcpu *vcpu);
int vmx_handle_exit(struct hv_vcpu *vcpu);
void vmx_skip_instruction(struct hv_vcpu *vcpu);
int vmx_exit_internal(struct hv_vcpu *vcpu, u32 suberror);
void vmx_complete_pending(struct hv_vcpu *vcpu);
void vmx_inject_pending_irq(struct hv_vcpu *vcpu);
void vmx_set_irq_window(struct hv_vcpu *vcpu, bool on);

int vmx_handle_io(struct hv_vcpu *vcpu);
int vmx_handle_ept_violation(struct hv_vcpu *vcpu);
int vmx_handle_cr_access(struct hv_vcpu *vcpu);
int vmx_handle_rdmsr(struct hv_vcpu *vcpu);
int vmx_handle_wrmsr(struct hv_vcpu *vcpu);
int vmx_handle_cpuid(struct hv_vcpu *vcpu);
int vmx_handle_dr_access(struct hv_vcpu *vcpu);
int vmx_handle_xsetbv(struct hv_vcpu *vcpu);
u64 vmx_guest_xcr0_supported(void);
int vmx_inject_gp(struct hv_vcpu *vcpu);
int vmx_inject_ud(struct hv_vcpu *vcpu);
void vmx_complete_io_in(struct hv_vcpu *vcpu);
void vmx_complete_io_in_string(struct hv_vcpu *vcpu);
void vmx_fill_run_flags(struct hv_vcpu *vcpu);
bool vmx_cr0_valid(unsigned long cr0);
bool vmx_cr4_valid(unsigned long cr4);
int vmx_get_msr(struct hv_vcpu *vcpu, u32 index, u64 *val);
int vmx_set_msr(struct hv_vcpu *vcpu, u32 index, u64 val);
enum hv_cpu_mode vmx_cpu_mode(void);

struct file;
long vmx_ioctl_get_supported_cpuid(struct file *filp, void *arg);
long vmx_ioctl_set_cpuid(struct file *filp, void *arg);
long vmx_ioctl_inject_event(struct file *filp, void *arg);

/* vmx_mmio.c: the guest's view of its own memory, for MMIO decode. */
int vmx_read_guest_virt(struct hv_vcpu *vcpu, u64 gva, void *buf,
			unsigned int len);
int vmx_write_guest_virt(struct hv_vcpu *vcpu, u64 gva, const void *buf,
			 unsigned int len);
int vmx_guest_virt_gfn(struct hv_vcpu *vcpu, u64 gva, u64 *gfn);
int vmx_mmio_decode(struct hv_vcpu *vcpu);

/* vmx_vid.c: virtual-interrupt delivery for vmx_lapic.c */
void vmx_vid_probe(void);
bool vmx_vid_guarded(void);
bool vmx_vid_sync(struct hv_vcpu *vcpu);
bool vmx_vid_undo_delivery(struct hv_vcpu *vcpu);
int vmx_vid_eoi_induced(struct hv_vcpu *vcpu);

/* vmx_lapic.c: the interrupt controller of HV_VM_IRQCHIP VMs */
void vmx_lapic_probe(bool true_ctls);
int vmx_lapic_vcpu_init(struct hv_vcpu *vcpu);
void vmx_lapic_vcpu_destroy(struct hv_vcpu *vcpu);
void vmx_lapic_vmcs_setup(struct hv_vcpu *vcpu);
void vmx_lapic_nmi_window(struct hv_vcpu *vcpu, bool on);
int vmx_lapic_prepare(struct hv_vcpu *vcpu);
bool vmx_lapic_events(struct hv_vcpu *vcpu);
int vmx_lapic_hlt(struct hv_vcpu *vcpu);
int vmx_lapic_inject(struct hv_vcpu *vcpu);
int vmx_lapic_mmio(struct hv_vcpu *vcpu, u64 gpa);
int vmx_lapic_mmio_access(struct hv_vcpu *vcpu, u64 gpa, bool ioapic);
int vmx_lapic_get_msr(struct hv_vcpu *vcpu, u32 index, u64 *val);
int vmx_lapic_set_msr(struct hv_vcpu *vcpu, u32 index, u64 val);
void vmx_set_tsc_offset(struct hv_vcpu *vcpu, u64 offset);
void vmx_lapic_cpuid(struct hv_vcpu *vcpu, u32 function, u32 index,
		     u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);
long vmx_ioctl_get_lapic(struct file *filp, void *arg);
long vmx_ioctl_set_lapic(struct file *filp, void *arg);
long vmx_ioctl_get_ioapic(struct file *filp, void *arg);
long vmx_ioctl_set_ioapic(struct file *filp, void *arg);

/* vmx_apic_access.c: the APIC-access page of xAPIC guests (vid) */
void vmx_apic_access_probe(u64 sec, bool vid);
int vmx_apic_access_vm_init(struct hv_vm *vm);
void vmx_apic_access_vm_destroy(struct hv_vm *vm);
void vmx_apic_access_vmcs_setup(struct hv_vcpu *vcpu);
void vmx_apic_access_sync(struct hv_vcpu *vcpu);
int vmx_apic_access_exit(struct hv_vcpu *vcpu);
int vmx_apic_write_exit(struct hv_vcpu *vcpu);

#endif /* HV_X86_VMX_H */
