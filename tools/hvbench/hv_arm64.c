// SPDX-License-Identifier: GPL-2.0
/*
 * hvbench on /dev/hv, arm64: start a payload at EL1h with DAIF masked.
 * The payload turns its MMU on itself (guest_arm64.S), so both
 * hypervisors see the same guest from the first instruction.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
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

int hvb_gic_vm_create(struct bench_vm v[2], size_t ram_size)
{
	struct hv_vm_create create = { .flags = HV_VM_IRQCHIP };
	struct hv_mem_region r = { .size = ram_size };
	int i, err;

	v[0].dev = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (v[0].dev < 0)
		return -errno;
	v[0].vm = bench_ioctl(v[0].dev, HV_CREATE_VM, &create);
	if (v[0].vm < 0)
		return v[0].vm;
	err = bench_ioctl(v[0].vm, HV_SET_MEM_REGION, &r);
	if (err)
		return err;
	v[0].ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			v[0].vm, 0);
	if (v[0].ram == MAP_FAILED)
		return -errno;
	v[0].ram_size = ram_size;
	for (i = 0; i < 2; i++) {
		struct hv_vcpu_create vc = { .id = i };

		v[i].vcpu = bench_ioctl(v[0].vm, HV_CREATE_VCPU, &vc);
		if (v[i].vcpu < 0)
			return v[i].vcpu;
		v[i].run_size = HV_RUN_MMAP_SIZE;
		v[i].run = mmap(NULL, v[i].run_size, PROT_READ | PROT_WRITE,
				MAP_SHARED, v[i].vcpu, 0);
		if (v[i].run == MAP_FAILED)
			return -errno;
	}
	v[1].vm = v[0].vm;
	return 0;
}

int hvb_irq_line(struct bench_vm *vm, uint32_t intid, int level)
{
	struct hv_irq_level l = { .irq = intid, .level = level };

	return bench_ioctl(vm->vm, HV_IRQ_LINE, &l);
}

int hvb_irqfd(struct bench_vm *vm, uint32_t intid, int efd)
{
	struct hv_irqfd f = { .fd = efd, .irq = intid };

	return bench_ioctl(vm->vm, HV_IRQFD, &f);
}
