/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arm64 guest's platform in the hvctl VMM: QEMU virt's address map
 * (virt.h, Documentation/arm64.rst), the devices' state and what the
 * files of vmm/arm64/ share. Included by vmm.h.
 */
#ifndef HVCTL_VMM_ARM64_H
#define HVCTL_VMM_ARM64_H

#include <stdint.h>

#include "virt.h"

#define HVCTL_PL011_BASE	HVCTL_VIRT_PL011_BASE	/* the console */
#define HVCTL_PL011_SIZE	HVCTL_VIRT_PL011_SIZE
/* hvctl's own registers: 32-bit reads, writes ignored */
#define HVCTL_CTRL_BASE		HVCTL_VIRT_CTRL_BASE
#define HVCTL_CTRL_SIZE		HVCTL_VIRT_CTRL_SIZE
#define HVCTL_CTRL_STOPREQ	0x0	/* 1 when a stop was requested */

#define HVCTL_PL011_NR_REGS	(0x50 / 4)	/* DR .. DMACR */

/*
 * struct hvctl_pl061 - the PL061 GPIO controller (pl061.c): its registers
 * as last written (one bit per pin), @in the levels driven from outside,
 * @edges the latched edge interrupts, @line the level last given to its
 * SPI, @pressed: the power key is down until the guest reads it.
 */
struct hvctl_pl061 {
	uint8_t data, dir, is, ibe, iev, ie, afsel;
	uint8_t in, edges;
	int line, pressed;
};

/*
 * struct hvctl_arch_vmm - the arm64 platform's state.
 * @pl011: the UART's control registers as last written, by offset / 4
 *	(under vmm->lock, as the three fields after it).
 * @pl011_tx: the transmit interrupt is raised (RIS.TXRIS): set when a
 *	byte goes out, cleared by ICR.
 * @pl011_line: the level last given to the UART's SPI.
 * @irqchip: the VM has hv's GICv3 (HV_VM_IRQCHIP); its lines, else 0.
 * @boot_x0: X0 of the boot vCPU: the device tree's address for a kernel.
 * @boot_sp: SP_EL1 of the boot vCPU (0x8000 for an --image guest).
 * @nr_virtio: the virtio-mmio slots the device tree describes.
 * @reset: each vCPU's system registers as hv created it, for a restart;
 *	@reset_ok once read.
 * @gpio: the PL061 with the power key (under vmm->lock).
 */
struct hvctl_arch_vmm {
	uint32_t pl011[HVCTL_PL011_NR_REGS];
	int pl011_tx;
	int pl011_line;
	uint32_t irqchip;
	uint64_t boot_x0;
	uint64_t boot_sp;
	unsigned int nr_virtio;
	struct hv_sysregs reset[HV_MAX_VCPUS];
	uint8_t reset_ok[HV_MAX_VCPUS];
	struct hvctl_pl061 gpio;
};

struct hvctl_vmm;
/* pl011.c: a 32-bit (or narrower) access at @off in the UART's page */
uint32_t hvctl_pl011_read(struct hvctl_vmm *vmm, uint64_t off);
void hvctl_pl011_write(struct hvctl_vmm *vmm, uint64_t off, uint32_t val);
/* pl011.c: back to its reset state (a restart); vmm->lock not held */
void hvctl_pl011_reset(struct hvctl_vmm *vmm);
/* pl011.c: console input arrived (vmm->rx_notify), vmm->lock held */
void hvctl_pl011_rx(struct hvctl_vmm *vmm);

/* pl061.c: an access at @off in the GPIO controller's page */
uint32_t hvctl_pl061_read(struct hvctl_vmm *vmm, uint64_t off);
void hvctl_pl061_write(struct hvctl_vmm *vmm, uint64_t off, uint32_t val);
/* pl061.c: back to its reset state (a restart); vmm->lock not held */
void hvctl_pl061_reset(struct hvctl_vmm *vmm);
/* pl061.c: press the power key (`hvctl stop`); vmm->lock not held */
void hvctl_pl061_press_power(struct hvctl_vmm *vmm);

struct hvctl_vcpu;
/*
 * reset_gic.c: the GIC's state of @vcpu (and with vCPU 0 the
 * distributor's) as hv created it, read on the first call and put back on
 * each later one (a restart). 0, or -1 (logged).
 */
int hvctl_arm64_gic_reset(struct hvctl_vcpu *vcpu);

/* vmm_arm64.c: drives SPI @intid of hv's GICv3 (with @irqchip only) */
void hvctl_arm64_irq_line(struct hvctl_vmm *vmm, uint32_t intid, int level);

#endif /* HVCTL_VMM_ARM64_H */
