/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The EL2 backend's per-VM and per-vCPU state, embedded in struct hv_vm and
 * struct hv_vcpu (module/hv_core.h).
 */
#ifndef HV_ARM64_ARCH_TYPES_H
#define HV_ARM64_ARCH_TYPES_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/linux/hv.h>

#include "vgic_types.h"

struct hv_arch_vm {
	spinlock_t s2_lock;	/* stage-2 table updates of this VM */
	u64 *s2_root;		/* the starting-level table */
	u64 vttbr;		/* root | VMID << 48, for VTTBR_EL2 */
	u16 vmid;		/* 0: none allocated */
	/* PSCI power state changes of the VM's vCPUs (CPU_ON/OFF) */
	spinlock_t power_lock;
	struct vgic_vm vgic;	/* HV_VM_IRQCHIP only */
};

/*
 * The guest GPRs while the guest does not run; entry.S loads and saves
 * them at these fixed offsets (checked in el2_vm.c).
 */
struct el2_gprs {
	u64 x[31];
	u64 sp_el0;
};

/* FP/SIMD registers, saved and loaded by entry.S (checked in el2_vm.c). */
struct el2_fpsimd {
	__uint128_t v[32];
	u64 fpsr;
	u64 fpcr;
};

/* Guest EL1/EL0 system registers, live in the CPU only inside HV_RUN. */
struct el2_sysregs {
	u64 sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, cpacr, contextidr;
	u64 tpidr_el1, tpidr_el0, tpidrro_el0;
	u64 esr, far, par, afsr0, afsr1, cntkctl;
	u64 sp_el1, elr_el1, spsr_el1;
	u64 cntv_ctl, cntv_cval, cntvoff;
	u64 cntp_ctl, cntp_cval;	/* emulated (ptimer.c) */
};

/* Number of breakpoints and of watchpoints ID_AA64DFR0_EL1 gives a guest. */
#define EL2_DBG_NR_BP	2
#define EL2_DBG_NR_WP	2

/*
 * The guest's self-hosted debug registers (el2_sysreg.c): kept here, never
 * loaded into the CPU (MDCR_EL2.TDA/TDOSA trap every access), so that
 * the guest can program them but not the host's debug state.
 */
struct el2_debug_regs {
	u64 mdscr, mdccint;
	u64 bvr[EL2_DBG_NR_BP], bcr[EL2_DBG_NR_BP];
	u64 wvr[EL2_DBG_NR_WP], wcr[EL2_DBG_NR_WP];
	bool oslk;		/* OSLSR_EL1.OSLK, set by OSLAR_EL1 */
	bool dlk;		/* OSDLR_EL1.DLK */
	bool corenpdrq;		/* DBGPRCR_EL1.CORENPDRQ */
};

/* What a vCPU must finish on its next entry, after user space answered. */
enum el2_pending {
	EL2_PENDING_NONE,
	EL2_PENDING_MMIO_READ,	/* merge run->mmio.data into a GPR */
	EL2_PENDING_HYPERCALL,	/* store run->hypercall.ret in X0 */
};

/* The exit information, read once per exit with IRQs still off. */
struct el2_exit_info {
	u32 code;		/* EL2_EXIT_* from the vector */
	u64 esr;
	u64 far;
	u64 hpfar;
};

enum el2_power {
	EL2_POWER_ON,
	EL2_POWER_OFF,
	EL2_POWER_ON_PENDING,	/* CPU_ON done, the vCPU has not run yet */
};

struct hv_arch_vcpu {
	struct el2_gprs gprs;
	u64 pc;
	u64 pstate;
	struct el2_sysregs sys;
	struct el2_debug_regs dbg;
	struct el2_fpsimd fp;
	/* fp is in the CPU's registers, inside kernel_neon_begin/end */
	bool fp_live;
	u64 hcr;		/* HCR_EL2 while the guest runs (VI/VF) */
	u64 mpidr;

	struct el2_exit_info exit;
	enum el2_pending pending;
	u8 mmio_rt;		/* MMIO read: target register, 31 = XZR */
	u8 mmio_len;
	bool mmio_sign_extend;
	bool mmio_64bit;
	bool mmio_be;		/* the guest's data accesses are big-endian */

	/* PSCI: under vm->arch.power_lock */
	enum el2_power power;
	u64 on_entry, on_context;	/* CPU_ON arguments */
	wait_queue_head_t power_wq;

	struct vgic_cpu vgic;	/* HV_VM_IRQCHIP only */
};

#endif /* HV_ARM64_ARCH_TYPES_H */
