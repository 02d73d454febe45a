/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the arch's stage-2 fault handlers (EPT violations on x86, stage-2
 * aborts on arm64) share: map the RAM behind the fault, or hand an access
 * that no in-kernel device takes to an ioeventfd or to user space. Inline:
 * every MMIO exit passes through both, and out of line they cost the x86
 * mmio_exit row 25 instructions (hvbench: 3,551 with the code in each
 * arch, 3,576 with two calls, 3,548 inline).
 */
#ifndef HV_FAULT_H
#define HV_FAULT_H

#include <linux/err.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "hv_arch.h"
#include "hv_core.h"

/**
 * hv_vcpu_map_fault() - map the RAM behind a stage-2 fault (an EPT
 * violation on x86).
 * @vcpu: the vCPU, in its exit path (preemption disabled).
 * @gfn: the guest frame the guest touched.
 * @write: whether the access was a write.
 *
 * The arch handles what is not RAM: MMIO, its interrupt controller's
 * pages, instruction fetches from either.
 *
 * Return: 1 when the frame is mapped (resume the guest); 0 when there is no
 * RAM at @gfn or the write is to ROM (emulate the access); -EAGAIN when the
 * run loop must first refill the table cache or allocate the page (or
 * report the memory quota), or RAM changed meanwhile: the guest faults
 * again.
 */
static inline int hv_vcpu_map_fault(struct hv_vcpu *vcpu, u64 gfn, bool write)
{
	unsigned long generation = READ_ONCE(vcpu->vm->mem_generation);
	struct page *page;
	u32 flags;

	smp_rmb();	/* the slot lookup is not older than the generation */
	page = hv_vcpu_gfn_page(vcpu, gfn, &flags);
	if (IS_ERR(page) || (write && (flags & HV_MEM_READONLY)))
		return 0;
	if (hv_table_cache_short(&vcpu->table_cache))
		return -EAGAIN;
	if (!page)
		page = hv_vcpu_first_touch(vcpu, gfn);
	if (!page)
		return -EAGAIN;
	return hv_arch_mem_map(vcpu, gfn, page, !(flags & HV_MEM_READONLY),
			       generation) ?: 1;
}

/**
 * hv_vcpu_exit_mmio() - an MMIO access that no in-kernel device takes:
 * an ioeventfd's write, or an exit to user space.
 * @vcpu: the vCPU, in its exit path, the instruction already skipped (a
 *	read's target register noted by the arch, for its completion).
 * @gpa: the guest-physical address.
 * @len: 1, 2, 4 or 8 bytes.
 * @is_write: a write of @value, or a read that user space answers.
 * @value: a write's data as a little-endian number: mmio.data holds its
 *	@len low bytes in memory order (data[i] is the byte at @gpa + i).
 *
 * Return: 1 to resume the guest (an ioeventfd took the write); 0 to exit
 * with vcpu->run filled in.
 */
static inline int hv_vcpu_exit_mmio(struct hv_vcpu *vcpu, u64 gpa, u32 len,
				    bool is_write, u64 value)
{
	struct hv_exit_mmio *mmio = &vcpu->run->mmio;
	__le64 data = cpu_to_le64(value);

	if (is_write && hv_ioeventfd_mmio(vcpu, gpa, len, value))
		return 1;
	vcpu->run->exit_reason = HV_EXIT_MMIO;
	mmio->phys_addr = gpa;
	mmio->len = len;
	mmio->is_write = is_write;
	memset(mmio->data, 0, sizeof(mmio->data));
	if (is_write)
		memcpy(mmio->data, &data, len);
	return 0;
}

#endif /* HV_FAULT_H */
