// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench on /dev/hv, arm64: start a payload at EL1h with DAIF masked.
 * The payload turns its MMU on itself (guest_arm64.S), so both
 * hypervisors see the same guest from the first instruction.
 */
#include <linux/hv.h>

#include "arch.h"

int hvb_arch_enter(struct bench_vm *vm, const struct bench_entry *e)
{
	struct hv_regs r;
	int err = bench_ioctl(vm->vcpu, HV_GET_REGS, &r);

	if (err)
		return err;
	r.pc = e->pc;
	r.pstate = HV_ARM64_PSTATE_EL1h | HV_ARM64_PSTATE_D |
		   HV_ARM64_PSTATE_A | HV_ARM64_PSTATE_I | HV_ARM64_PSTATE_F;
	r.sp_el1 = e->sp;
	r.x[0] = e->arg0;
	r.x[1] = e->arg1;
	return bench_ioctl(vm->vcpu, HV_SET_REGS, &r);
}
