/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VT-x backend's per-VM and per-vCPU state, embedded in struct hv_vm and
 * struct hv_vcpu (module/hv_core.h).
 */
#ifndef HV_X86_ARCH_TYPES_H
#define HV_X86_ARCH_TYPES_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/hv.h>

#include "insn_decode.h"
#include "lapic.h"

struct fpu_guest;
struct page;

struct hv_arch_vm {
	spinlock_t ept_lock;	/* EPT table updates of this VM */
	u64 *ept_root;		/* PML4 of the EPT tables */
	u64 eptp;		/* EPT pointer for the VMCS */
	struct hv_ioapic *ioapic;	/* HV_VM_IRQCHIP only */
	/* the APIC-access page (vmx_apic_access.c) */
	struct page *apic_access_page;
	spinlock_t apic_access_lock;	/* the two below */
	u64 apic_access_gfn;	/* where the EPT maps it, while users */
	u32 apic_access_users;	/* vCPUs whose xAPIC is there */
};

/* What a vCPU must finish on its next entry, after user space answered. */
enum vmx_pending {
	VMX_PENDING_NONE,
	VMX_PENDING_IO_IN,	/* copy run->io data to RAX */
	VMX_PENDING_IO_IN_STRING, /* copy run->io data to guest memory */
	VMX_PENDING_MMIO_READ,	/* merge run->mmio.data into a GPR */
	VMX_PENDING_HYPERCALL,	/* store run->hypercall.ret in RAX */
};

/* The exit information, read once per exit while the VMCS is loaded. */
struct vmx_exit_info {
	u32 reason;		/* basic exit reason, bits 15:0 */
	u32 full_reason;	/* with the entry-failure bit */
	u64 qualification;
	u64 gpa;		/* EPT violations */
	u32 intr_info;
	u32 intr_error_code;
	u32 idt_vectoring_info;
	u32 idt_vectoring_error_code;
	u32 instr_len;
};

struct hv_arch_vcpu {
	/* guest GPRs while not in the guest; indexed by HV_X86_RAX.. */
	u64 gpr[HV_X86_NR_GPRS];

	void *vmcs;		/* one page, the VMCS region */
	int cpu;		/* CPU whose cache holds the VMCS, or -1 */
	struct list_head loaded_link;	/* on that CPU's loaded list */
	bool launched;		/* VMLAUNCH done since the last VMCLEAR */
	u16 vpid;

	struct vmx_exit_info exit;
	enum vmx_pending pending;
	struct hv_mmio_insn mmio_insn;	/* for VMX_PENDING_MMIO_READ */
	u32 io_bytes;		/* I/O data bytes of the last IN/INS exit */
	u64 string_gva;		/* INS destination */
	u64 dr[4];		/* DR0-3 as the guest wrote them (never loaded) */
	u64 dr6;		/* the guest's DR6 (never loaded either) */
	u64 cr8;		/* the task priority the guest set */
	u64 cr2;		/* not in the VMCS: switched by hand */
	u64 tsc_aux, apic_base, mtrr_def_type;
	bool guest_msrs_loaded;	/* the real syscall MSRs hold the guest's */

	/* an external interrupt waiting for the guest to accept it */
	bool irq_pending;
	bool irq_window_armed;	/* interrupt-window exiting is on */
	bool vmm_irq_entry;	/* the entry injects it (vmx_exit.c) */
	u8 irq_vector;

	u64 host_kernel_gs_base;	/* swapped around each entry */
	u64 guest_kernel_gs_base;
	u64 guest_star, guest_lstar, guest_cstar, guest_sfmask;
	u64 host_tsc_aux;
	u64 host_debugctl;	/* IA32_DEBUGCTL of the host, for VM exits */
	u64 guest_xcr0;
	struct fpu_guest *fpu;		/* guest FPU/XSAVE state */

	struct hv_cpuid_entry *cpuid;	/* table set by HV_SET_CPUID */
	u32 cpuid_nent;

	struct hv_lapic lapic;		/* HV_VM_IRQCHIP only */
	bool apicv;		/* ... with APIC virtualization (vmx_lapic.c) */
	bool vid;		/* ... and virtual-interrupt delivery */
	bool vid_guard;		/* ... with the IF guard (vmx_vid.c) */
	bool x2apic_msrs;	/* ... the MSR bitmap lets x2APIC MSRs through */
	u8 tpr_threshold;	/* ... its TPR_THRESHOLD */
	unsigned long *msr_bitmap;	/* ... (vid only) */
	u64 eoi_exit[4];	/* ... the EOI-exit bitmap in the VMCS */
	u64 eoi_tmr[4];		/* ... TMR, its part for the IOAPIC */
	bool eoi_guard;		/* ... with the IF guard's vectors too */
	u8 vid_entry_svi;	/* ... SVI at the last entry */
	u32 vid_entry_isr[8];	/* ... and ISR, when SVI was not 0 */
	u32 vid_entry_irr[8];	/* ... and IRR, then too */
	bool nmi_window_armed;	/* ... NMI-window exiting is on */
	bool apic_access;	/* ... may use the APIC-access page (vid) */
	bool apic_access_on;	/* ... uses it: one of the VM's users */
	u64 apic_access_base;	/* ... IA32_APIC_BASE it was chosen for */
};

#endif /* HV_X86_ARCH_TYPES_H */
