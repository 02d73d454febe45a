// SPDX-License-Identifier: GPL-2.0
/*
 * A reboot of an arm64 guest with hv's GICv3 (hvctl_vmm_reset(),
 * --on-reboot=restart): the interrupt controller back to its power-on
 * state, without a new VM (the registry keeps the VM running under its
 * name). vmm_arm64.c already puts each vCPU's registers, system registers,
 * FP/SIMD and PSCI power state back; this adds the distributor (GICD_CTLR,
 * every SPI disabled, inactive, not pending, its line low) and each vCPU's
 * redistributor, CPU interface (ICH_VMCR_EL2, the active-priority
 * registers) and virtual timer, as hv created them: the first call for a
 * vCPU (its first boot, before it ever ran) reads them with
 * HV_ARM64_GET_VGIC_CPU (and, for vCPU 0, HV_ARM64_GET_VGIC_DIST), each
 * later call sets them again. hv's state ioctls want no vCPU running,
 * which holds: the VMM has joined every vCPU thread before a restart.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm.h"

/* One VM per VMM process: its distributor and each vCPU's GIC state. */
static struct hv_arm64_vgic_dist_state hvctl_gic_reset_dist;
static struct hv_arm64_vgic_cpu_state hvctl_gic_reset_cpu[HV_MAX_VCPUS];
static uint8_t hvctl_gic_reset_ok[HV_MAX_VCPUS];

static int hvctl_gic_state(int fd, unsigned long req, void *st, size_t size)
{
	struct hv_arm64_state_buf b = {
		.addr = (uintptr_t)st, .size = size,
	};

	return ioctl(fd, req, &b);
}

int hvctl_arm64_gic_reset(struct hvctl_vcpu *vcpu)
{
	struct hvctl_vmm *vmm = vcpu->vmm;
	int put = hvctl_gic_reset_ok[vcpu->id];
	int err = 0;

	if (!vmm->arch.irqchip)
		return 0;
	if (!vcpu->id)
		err = hvctl_gic_state(vmm->vm, put ? HV_ARM64_SET_VGIC_DIST :
				      HV_ARM64_GET_VGIC_DIST,
				      &hvctl_gic_reset_dist,
				      sizeof(hvctl_gic_reset_dist));
	err = err ?: hvctl_gic_state(vcpu->fd, put ? HV_ARM64_SET_VGIC_CPU :
				     HV_ARM64_GET_VGIC_CPU,
				     &hvctl_gic_reset_cpu[vcpu->id],
				     sizeof(hvctl_gic_reset_cpu[vcpu->id]));
	if (err) {
		hvctl_vmm_log(vmm, "vCPU %u: cannot %s the GIC's power-on state: %s",
			      vcpu->id, put ? "restore" : "read",
			      strerror(errno));
		return -1;
	}
	hvctl_gic_reset_ok[vcpu->id] = 1;
	return 0;
}
