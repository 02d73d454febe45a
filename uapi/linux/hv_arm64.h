/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hv: the arm64 part of the ABI (EL2 backend). Included by <linux/hv.h>.
 *
 * A vCPU is an AArch64 EL1 (and EL0) guest. Its reset state is EL1h with
 * DAIF masked, PC 0, the MMU and caches off (SCTLR_EL1 at its
 * architectural reset value), all other registers 0, powered on.
 * Documentation/arm64.rst describes what the guest sees.
 */
#ifndef _UAPI_LINUX_HV_ARM64_H
#define _UAPI_LINUX_HV_ARM64_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* PSTATE (SPSR_ELx layout) bits the VMM usually needs */
#define HV_ARM64_PSTATE_MODE_MASK	0xf
#define HV_ARM64_PSTATE_EL0t		0x0
#define HV_ARM64_PSTATE_EL1t		0x4
#define HV_ARM64_PSTATE_EL1h		0x5
#define HV_ARM64_PSTATE_F		_BITUL(6)
#define HV_ARM64_PSTATE_I		_BITUL(7)
#define HV_ARM64_PSTATE_A		_BITUL(8)
#define HV_ARM64_PSTATE_D		_BITUL(9)

/*
 * Core registers. HV_SET_REGS refuses (EINVAL) a PSTATE whose mode is not
 * EL0t, EL1t or EL1h, or that asks for AArch32 (bit 4).
 */
struct hv_regs {
	__u64 x[31];		/* X0..X30 */
	__u64 sp_el0;
	__u64 sp_el1;
	__u64 pc;
	__u64 pstate;
	__u64 elr_el1;
	__u64 spsr_el1;
	__u64 reserved[7];	/* must be 0 */
};

#define HV_GET_REGS		_IOR(HVIO, 0x21, struct hv_regs)
#define HV_SET_REGS		_IOW(HVIO, 0x22, struct hv_regs)

/*
 * The EL1 (and EL0 thread) system registers a VMM sets to boot a guest,
 * plus the guest's virtual timer. mpidr is read-only: HV_SET_SYSREGS
 * ignores it (Aff0 is the vCPU id). HV_SET_SYSREGS refuses (EINVAL) a
 * CPACR_EL1 that enables SVE or SME, which the guest does not have.
 */
struct hv_sysregs {
	__u64 sctlr_el1;
	__u64 ttbr0_el1;
	__u64 ttbr1_el1;
	__u64 tcr_el1;
	__u64 mair_el1;
	__u64 amair_el1;
	__u64 vbar_el1;
	__u64 cpacr_el1;
	__u64 contextidr_el1;
	__u64 tpidr_el1;
	__u64 tpidr_el0;
	__u64 tpidrro_el0;
	__u64 esr_el1;
	__u64 far_el1;
	__u64 par_el1;
	__u64 afsr0_el1;
	__u64 afsr1_el1;
	__u64 cntkctl_el1;
	__u64 cntv_ctl_el0;
	__u64 cntv_cval_el0;
	__u64 cntvoff;		/* virtual counter = physical counter - cntvoff */
	__u64 mpidr_el1;	/* read-only */
	__u64 reserved[10];	/* must be 0 */
};

#define HV_GET_SYSREGS		_IOR(HVIO, 0x23, struct hv_sysregs)
#define HV_SET_SYSREGS		_IOW(HVIO, 0x24, struct hv_sysregs)

/*
 * FP/SIMD state: V0..V31 (each as two little-endian 64-bit halves, low
 * first), FPSR and FPCR. Passed by address, like the x86 XSAVE area:
 * struct hv_fpu points at a struct hv_fpsimd of size HV_FPSIMD_SIZE.
 */
struct hv_fpsimd {
	__u64 vregs[32][2];
	__u32 fpsr;
	__u32 fpcr;
	__u64 reserved;		/* must be 0 */
};

#define HV_FPSIMD_SIZE		528

struct hv_fpu {
	__u64 addr;		/* user pointer to struct hv_fpsimd */
	__u32 size;		/* HV_FPSIMD_SIZE */
	__u32 flags;		/* must be 0 */
	__u64 reserved[2];	/* must be 0 */
};

#define HV_GET_FPU		_IOW(HVIO, 0x25, struct hv_fpu)
#define HV_SET_FPU		_IOW(HVIO, 0x26, struct hv_fpu)

/*
 * Interrupt lines of the vCPU, level-triggered: while a line is high the
 * guest takes a virtual IRQ (FIQ) whenever PSTATE.I (F) is clear, and WFI
 * does not halt. hv has no interrupt controller: the VMM emulates one and
 * drives these lines. hv_run.if_flag is !PSTATE.I, ready_for_interrupt is
 * set when PSTATE.I is clear and the IRQ line is low.
 */
#define HV_ARM64_IRQ_LINE	0
#define HV_ARM64_FIQ_LINE	1

struct hv_irq_line {
	__u32 line;		/* HV_ARM64_IRQ_LINE or HV_ARM64_FIQ_LINE */
	__u32 level;		/* 0 or 1 */
	__u64 reserved[3];	/* must be 0 */
};

#define HV_SET_IRQ_LINE		_IOW(HVIO, 0x27, struct hv_irq_line)

/*
 * Power state (PSCI). A vCPU that is off waits inside HV_RUN (a signal
 * ends the wait with EINTR) until another vCPU powers it on with PSCI
 * CPU_ON, which also sets its entry point and context id. A VMM starts
 * secondary vCPUs off with HV_SET_POWER.
 */
#define HV_ARM64_POWER_ON	0
#define HV_ARM64_POWER_OFF	1

struct hv_power {
	__u32 state;		/* HV_ARM64_POWER_* */
	__u32 flags;		/* must be 0 */
	__u64 reserved[3];	/* must be 0 */
};

#define HV_GET_POWER		_IOR(HVIO, 0x28, struct hv_power)
#define HV_SET_POWER		_IOW(HVIO, 0x29, struct hv_power)

/*
 * The in-kernel GICv3 and virtual timer of a VM created with HV_VM_IRQCHIP
 * (Documentation/arm64.rst, "The in-kernel GICv3"). HV_IRQ_LINE drives its
 * SPIs, INTIDs 32 .. 32 + HV_CAP_IRQCHIP - 1; the per-vCPU lines of
 * HV_SET_IRQ_LINE do not exist then (EBUSY).
 *
 * HV_ARM64_SET_GIC_ADDR (VM) places the distributor (64 KiB) and the
 * redistributors (one 128 KiB frame per vCPU id, HV_MAX_VCPUS frames) in
 * the guest-physical space, each 64 KiB aligned, before any vCPU ran
 * (EBUSY after). The defaults are QEMU virt's.
 */
#define HV_ARM64_GIC_DIST_DEFAULT	0x08000000ULL
#define HV_ARM64_GIC_REDIST_DEFAULT	0x080a0000ULL
#define HV_ARM64_GIC_DIST_SIZE		0x10000ULL
#define HV_ARM64_GIC_REDIST_FRAME	0x20000ULL

struct hv_arm64_gic_addr {
	__u64 dist_base;
	__u64 redist_base;
	__u32 flags;		/* must be 0 */
	__u32 reserved[3];	/* must be 0 */
};

#define HV_ARM64_SET_GIC_ADDR	_IOW(HVIO, 0x30, struct hv_arm64_gic_addr)

/*
 * GIC state, for saving and restoring a VM: the distributor (VM ioctls)
 * and each vCPU's redistributor, CPU interface and timer (vCPU ioctls).
 * Passed by address like HV_GET_FPU: struct hv_arm64_state_buf points at
 * a struct of exactly the size it names. Take and restore it while no
 * vCPU of the VM runs.
 */
#define HV_ARM64_VGIC_NR_SPIS		96

/* One interrupt's state. */
#define HV_ARM64_VGIC_IRQ_ENABLED	_BITUL(0)
#define HV_ARM64_VGIC_IRQ_PENDING	_BITUL(1)	/* latched: edge, ISPENDR, SGI */
#define HV_ARM64_VGIC_IRQ_ACTIVE	_BITUL(2)
#define HV_ARM64_VGIC_IRQ_EDGE		_BITUL(3)	/* SPIs only; SGIs are edge */
#define HV_ARM64_VGIC_IRQ_GROUP1	_BITUL(4)
#define HV_ARM64_VGIC_IRQ_LINE		_BITUL(5)	/* the input's level */

struct hv_arm64_vgic_irq {
	__u8 priority;		/* the 5 implemented bits: 0xf8 */
	__u8 flags;		/* HV_ARM64_VGIC_IRQ_* */
	__u16 reserved0;	/* must be 0 */
	__u32 reserved1;	/* must be 0 */
	__u64 irouter;		/* SPIs: GICD_IROUTER (Aff3.Aff2.Aff1.Aff0); else 0 */
};

struct hv_arm64_vgic_dist_state {
	__u32 ctlr;		/* GICD_CTLR: EnableGrp0 (bit 0), EnableGrp1 (bit 1) */
	__u32 nr_spis;		/* HV_ARM64_VGIC_NR_SPIS */
	__u64 reserved[7];	/* must be 0 */
	struct hv_arm64_vgic_irq spi[HV_ARM64_VGIC_NR_SPIS];
};

struct hv_arm64_vgic_cpu_state {
	__u32 waker;		/* GICR_WAKER.ProcessorSleep (bit 1) */
	__u32 reserved0;	/* must be 0 */
	__u64 vmcr;		/* ICH_VMCR_EL2: the virtual CPU interface */
	__u32 ap0r[4];		/* ICH_AP0R<n>_EL2 (those that exist) */
	__u32 ap1r[4];		/* ICH_AP1R<n>_EL2 */
	__u64 cntv_ctl;		/* CNTV_CTL_EL0, as in struct hv_sysregs */
	__u64 cntv_cval;	/* CNTV_CVAL_EL0, as in struct hv_sysregs */
	__u64 cntp_ctl;		/* CNTP_CTL_EL0: ENABLE (bit 0), IMASK (bit 1) */
	__u64 cntp_cval;	/* CNTP_CVAL_EL0 (the physical count's) */
	__u64 reserved[6];	/* must be 0 */
	struct hv_arm64_vgic_irq priv[32];	/* SGIs 0-15, PPIs 16-31 */
};

struct hv_arm64_state_buf {
	__u64 addr;		/* user pointer to the state struct */
	__u32 size;		/* sizeof that struct */
	__u32 flags;		/* must be 0 */
	__u64 reserved[2];	/* must be 0 */
};

#define HV_ARM64_GET_VGIC_DIST	_IOW(HVIO, 0x31, struct hv_arm64_state_buf)
#define HV_ARM64_SET_VGIC_DIST	_IOW(HVIO, 0x32, struct hv_arm64_state_buf)
#define HV_ARM64_GET_VGIC_CPU	_IOW(HVIO, 0x2a, struct hv_arm64_state_buf)
#define HV_ARM64_SET_VGIC_CPU	_IOW(HVIO, 0x2b, struct hv_arm64_state_buf)

/*
 * hv_run.internal on arm64: data[0] is ESR_EL2, data[1] FAR_EL2, data[2]
 * the guest PC, data[3] the fault's guest-physical address (HPFAR_EL2)
 * when there is one. hv_run.hw.reason of HV_EXIT_UNKNOWN is not used.
 * HV_EXIT_SYSTEM_EVENT: data[0] is the PSCI function id.
 */

#endif /* _UAPI_LINUX_HV_ARM64_H */
