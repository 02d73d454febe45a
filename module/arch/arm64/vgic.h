/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel GICv3 and virtual timer of HV_VM_IRQCHIP VMs: what the
 * rest of the EL2 backend calls. Nothing here is used for other VMs.
 */
#ifndef HV_ARM64_VGIC_H
#define HV_ARM64_VGIC_H

#include <linux/types.h>

struct hv_vm;
struct hv_vcpu;
struct vgic_irq;

/* QEMU virt's GIC addresses, the default (Documentation/arm64.rst) */
#define VGIC_DIST_BASE		0x08000000ULL
#define VGIC_REDIST_BASE	0x080a0000ULL
#define VGIC_DIST_SIZE		0x10000ULL
#define VGIC_REDIST_FRAME	0x20000ULL
#define VGIC_REDIST_SIZE	(VGIC_REDIST_FRAME * HV_MAX_VCPUS)

#define VGIC_VTIMER_INTID	27
#define VGIC_PTIMER_INTID	30
/* the priority bits hv implements: 5, the architectural minimum */
#define VGIC_PRIO_MASK		0xf8
/* GICD_IIDR/GICR_IIDR: implementer Arm (0x43b), product 'h' */
#define VGIC_IIDR		(0x43b | ('h' << 24))
/* GICD_PIDR2/GICR_PIDR2: ArchRev 3 (GICv3) */
#define VGIC_PIDR2		0x3b

/* vgic_hw.c: the host's GIC and the list registers */
long vgic_hw_nr_spis(void);
int vgic_hw_get(void);
void vgic_hw_put(void);
void vgic_hw_cpu_enable(void);
void vgic_hw_set_vtimer_active(bool active);
void vgic_hw_vtimer_active_irqoff(bool active);
u64 vgic_hw_read_lr(unsigned int i);
void vgic_hw_write_lr(unsigned int i, u64 v);
unsigned int vgic_hw_nr_lrs(void);
void vgic_load(struct hv_vcpu *vcpu);
void vgic_put(struct hv_vcpu *vcpu);

/* vgic.c: the interrupt model */
int vgic_vm_init(struct hv_vm *vm);
void vgic_vm_destroy(struct hv_vm *vm);
void vgic_vcpu_init(struct hv_vcpu *vcpu);
void vgic_start(struct hv_vm *vm);
struct vgic_irq *vgic_get_irq(struct hv_vm *vm, struct hv_vcpu *vcpu,
			      u32 intid);
u32 vgic_changed_locked(struct hv_vm *vm, struct hv_vcpu *vcpu, u32 intid);
void vgic_kick_id(struct hv_vm *vm, u32 id);
void vgic_kick_owner(struct hv_vm *vm, u32 intid);
void vgic_set_line_locked(struct hv_vm *vm, struct hv_vcpu *vcpu, u32 intid,
			  bool level);
void vgic_flush(struct hv_vcpu *vcpu);
void vgic_save(struct hv_vcpu *vcpu);
void vgic_sync(struct hv_vcpu *vcpu);
void vgic_sgi(struct hv_vcpu *vcpu, u64 sgir, bool group1);
bool vgic_pending(const struct vgic_irq *irq);
u32 vgic_spi_target(u64 irouter);

/* vgic_mmio.c: the distributor and redistributors */
bool vgic_mmio_is_gic(struct hv_vm *vm, u64 gpa);
u64 vgic_mmio_read(struct hv_vcpu *vcpu, u64 gpa, unsigned int len);
void vgic_mmio_write(struct hv_vcpu *vcpu, u64 gpa, unsigned int len, u64 val);

/* vgic_uapi.c: the vCPU ioctls (el2_regs.c's table) */
struct file;
long vgic_ioctl_get_cpu(struct file *filp, void *arg);
long vgic_ioctl_set_cpu(struct file *filp, void *arg);

/* vtimer.c: the virtual timer */
void vtimer_vcpu_init(struct hv_vcpu *vcpu);
void vtimer_vcpu_destroy(struct hv_vcpu *vcpu);
bool vtimer_level(struct hv_vcpu *vcpu, u64 now);
int vtimer_halt(struct hv_vcpu *vcpu);
u64 vtimer_ns_until(u64 now, u64 cval);

/* ptimer.c: the physical timer */
void ptimer_vcpu_init(struct hv_vcpu *vcpu);
void ptimer_vcpu_destroy(struct hv_vcpu *vcpu);
bool ptimer_level(struct hv_vcpu *vcpu, u64 now);
void ptimer_set(struct hv_vcpu *vcpu, u64 ctl, u64 cval);
bool ptimer_access(struct hv_vcpu *vcpu, u32 enc, bool read, u64 *val);

#endif /* HV_ARM64_VGIC_H */
