/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state of the in-kernel GICv3 and virtual timer (HV_VM_IRQCHIP),
 * embedded in struct hv_arch_vm and struct hv_arch_vcpu (arch_types.h).
 * Every field of struct vgic_irq and the ap bitmaps are under the VM's
 * vgic lock.
 */
#ifndef HV_ARM64_VGIC_TYPES_H
#define HV_ARM64_VGIC_TYPES_H

#include <linux/hrtimer.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/hv.h>

#define VGIC_NR_PRIVATE		32	/* SGIs 0-15, PPIs 16-31 */
#define VGIC_NR_SPIS		96	/* SPIs 32-127 */
#define VGIC_NR_IRQS		(VGIC_NR_PRIVATE + VGIC_NR_SPIS)
#define VGIC_MAX_LRS		16	/* ICH_VTR_EL2.ListRegs is 4 bits */
#define VGIC_NO_TARGET		U32_MAX

/* One interrupt as the distributor/redistributor models it. */
struct vgic_irq {
	u8 priority;		/* the implemented bits only */
	bool enabled;
	bool latch;		/* pending by an edge, ISPENDR or an SGI */
	bool line;		/* the input's level */
	bool active;
	bool edge;		/* ICFGR: edge-triggered */
	bool group1;
	bool in_lr;		/* SPI: in a list register of owner */
	u32 target;		/* SPI: the vCPU id IROUTER names */
	/*
	 * SPI: the vCPU id whose ap bitmap has it (VGIC_NO_TARGET: none).
	 * It follows target except while the SPI is active or in a list
	 * register: only that vCPU's CPU interface can end it then.
	 */
	u32 owner;
	u64 irouter;		/* SPI: IROUTER as the guest wrote it */
};

struct vgic_vm {
	raw_spinlock_t lock;
	u32 ctlr;		/* GICD_CTLR.EnableGrp0/1 */
	u64 dist_base;		/* guest-physical, 64 KiB */
	u64 redist_base;	/* one 128 KiB frame per vCPU id */
	bool started;		/* a vCPU ran: the addresses are fixed */
	struct vgic_irq spi[VGIC_NR_SPIS];
	/*
	 * Per vCPU id, the INTIDs that are pending or active for it. Kept
	 * by id, not in the vCPU, so that an SPI raised for a vCPU that is
	 * being created (not yet visible to HV_IRQ_LINE) is not lost: the
	 * new vCPU finds it here at its first entry.
	 */
	unsigned long ap[HV_MAX_VCPUS][BITS_TO_LONGS(VGIC_NR_IRQS)];
};

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	u32 waker;		/* GICR_WAKER.ProcessorSleep */
	/* the guest's CPU interface while it is not loaded */
	u64 vmcr;
	u32 ap0r[4], ap1r[4];
	/* the list registers of the last entry: written, and read back */
	u8 nr_lr;
	u64 lr[VGIC_MAX_LRS];
	u64 lr_out[VGIC_MAX_LRS];
	/* the virtual timer */
	struct hrtimer timer;	/* wakes the vCPU from WFI */
	/* the physical timer: kicks the vCPU at CVAL (ptimer.c) */
	struct hrtimer ptimer;
	u64 ptimer_cval;	/* the CVAL it is armed for */
	bool phys_active;	/* we made the host's vtimer PPI active here */
	bool wfi;		/* halt before the next entry */
};

#endif /* HV_ARM64_VGIC_TYPES_H */
