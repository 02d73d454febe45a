// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits (SDM Vol. 3C, Table 28-5 "Exit Qualification for I/O
 * Instructions"): every IN/OUT goes to user space. String I/O (INS/OUTS,
 * with REP) moves as many elements per exit as fit in the run page's data
 * area and in one guest page.
 */
#include <linux/mm.h>
#include <asm/vmx.h>

#include "hv_core.h"
#include "vmx.h"
#include "vmx_ops.h"

#define IO_SIZE(q)	(((q) & 7) + 1)
#define IO_IN		BIT(3)
#define IO_STRING	BIT(4)
#define IO_REP		BIT(5)
#define IO_PORT(q)	(((q) >> 16) & 0xffff)

/* Where string data lives in the run page, after struct hv_run. */
#define IO_DATA_OFFSET	ALIGN(sizeof(struct hv_run), 64)
#define IO_DATA_SIZE	(HV_RUN_MMAP_SIZE - IO_DATA_OFFSET)

static_assert(IO_DATA_SIZE >= 2048);

static u64 vmx_addr_mask(void)
{
	/* VM-exit instruction information bits 9:7: address size */
	switch ((vmcs_read32(VMX_INSTRUCTION_INFO) >> 7) & 7) {
	case 0:
		return 0xffff;
	case 1:
		return 0xffffffff;
	default:
		return ~0ULL;
	}
}

/*
 * How many elements this exit moves. Descending strings (DF = 1) move one
 * element per exit; ascending REP strings as many whole elements as fit
 * before the page end. An element that straddles the page end moves alone
 * (count 1), its bytes split between the two pages (vmx_string_pages()).
 */
static u32 vmx_string_count(struct hv_vcpu *vcpu, u64 qual, u64 gva)
{
	u64 mask = vmx_addr_mask(), rcx = vcpu->arch.gpr[HV_X86_RCX] & mask;
	unsigned int size = IO_SIZE(qual);
	u32 count = 1;

	if ((qual & IO_REP) && !(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF)) {
		count = min_t(u64, rcx, IO_DATA_SIZE / size);
		count = min_t(u32, count,
			      (PAGE_SIZE - offset_in_page(gva)) / size);
		count = max_t(u32, count, 1);
	}
	return count;
}

/* Bytes of [@gva, @gva + @bytes) in the page of @gva; the rest is in the next. */
static unsigned int vmx_string_first_part(u64 gva, unsigned int bytes)
{
	return min_t(unsigned int, bytes, PAGE_SIZE - offset_in_page(gva));
}

/*
 * An INS destination page: RAM the guest may write, present before the
 * next entry (where the data is stored and nothing may sleep).
 * Return: 1 when it is, else what the exit handler returns.
 */
static int vmx_ins_page(struct hv_vcpu *vcpu, u64 gva)
{
	struct page *page;
	u64 gfn;
	u32 flags;

	if (vmx_guest_virt_gfn(vcpu, gva, &gfn))
		return vmx_exit_internal(vcpu, HV_INTERNAL_EMULATION);
	page = hv_vcpu_gfn_page(vcpu, gfn, &flags);
	/* INS into MMIO or ROM is not emulated */
	if (IS_ERR(page) || (flags & HV_MEM_READONLY))
		return vmx_exit_internal(vcpu, HV_INTERNAL_EMULATION);
	if (!page)
		return hv_vcpu_need_page(vcpu, gfn);
	return 1;
}

static void vmx_string_advance(struct hv_vcpu *vcpu, u64 qual, int index,
			       u32 count)
{
	u64 mask = vmx_addr_mask(), *gpr = vcpu->arch.gpr;
	s64 step = (s64)count * IO_SIZE(qual);

	if (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF)
		step = -step;
	gpr[index] = (gpr[index] & ~mask) | ((gpr[index] + step) & mask);
	if (qual & IO_REP) {
		gpr[HV_X86_RCX] = (gpr[HV_X86_RCX] & ~mask) |
				  ((gpr[HV_X86_RCX] - count) & mask);
		/* repeat the instruction until RCX reaches 0 */
		if (gpr[HV_X86_RCX] & mask)
			return;
	}
	vmx_skip_instruction(vcpu);
}

static int vmx_handle_string_io(struct hv_vcpu *vcpu, u64 qual)
{
	struct hv_exit_io *io = &vcpu->run->io;
	u64 gva = vmcs_readl(GUEST_LINEAR_ADDRESS);
	u8 *data = (u8 *)vcpu->run + IO_DATA_OFFSET;
	u32 count = vmx_string_count(vcpu, qual, gva);
	unsigned int bytes = count * IO_SIZE(qual);

	io->count = count;
	vcpu->arch.io_bytes = bytes;
	if (qual & IO_IN) {
		unsigned int first = vmx_string_first_part(gva, bytes);
		int ret;

		/*
		 * The data is stored on the next entry, where nothing may
		 * sleep: make sure the destination pages (two when the
		 * element straddles a page end) exist first. Otherwise the
		 * guest re-executes INS and exits again.
		 */
		ret = vmx_ins_page(vcpu, gva);
		if (ret == 1 && first < bytes)
			ret = vmx_ins_page(vcpu, gva + first);
		if (ret != 1)
			return ret;
		/* data arrives from user space: stored on the next entry */
		vcpu->arch.string_gva = gva;
		vcpu->arch.pending = VMX_PENDING_IO_IN_STRING;
		vmx_string_advance(vcpu, qual, HV_X86_RDI, count);
		return 0;
	}
	if (vmx_read_guest_virt(vcpu, gva, data, bytes) != bytes)
		return vmx_exit_internal(vcpu, HV_INTERNAL_EMULATION);
	vmx_string_advance(vcpu, qual, HV_X86_RSI, count);
	return 0;
}

int vmx_handle_io(struct hv_vcpu *vcpu)
{
	u64 qual = vcpu->arch.exit.qualification;
	struct hv_exit_io *io = &vcpu->run->io;
	u64 rax = vcpu->arch.gpr[HV_X86_RAX];

	vcpu->run->exit_reason = HV_EXIT_IO;
	io->direction = (qual & IO_IN) ? HV_IO_IN : HV_IO_OUT;
	io->size = IO_SIZE(qual);
	io->port = IO_PORT(qual);
	io->data_offset = IO_DATA_OFFSET;
	if (qual & IO_STRING)
		return vmx_handle_string_io(vcpu, qual);

	io->count = 1;
	vcpu->arch.io_bytes = io->size;
	if (qual & IO_IN)
		vcpu->arch.pending = VMX_PENDING_IO_IN;
	else
		memcpy((u8 *)vcpu->run + IO_DATA_OFFSET, &rax, io->size);
	vmx_skip_instruction(vcpu);
	return (qual & IO_IN) ? 0 :
	       hv_ioeventfd_pio(vcpu, IO_PORT(qual), IO_SIZE(qual), rax);
}

/*
 * The completions below trust nothing user space could have changed in the
 * shared run page but the data: sizes come from vcpu->arch.
 */

/* IN: the value user space put in the data area goes to AL/AX/EAX. */
void vmx_complete_io_in(struct hv_vcpu *vcpu)
{
	unsigned int size = vcpu->arch.io_bytes;
	u64 *rax = &vcpu->arch.gpr[HV_X86_RAX];
	u32 value = 0;

	memcpy(&value, (u8 *)vcpu->run + IO_DATA_OFFSET, size);
	switch (size) {
	case 1:
		*rax = (*rax & ~0xffULL) | (u8)value;
		break;
	case 2:
		*rax = (*rax & ~0xffffULL) | (u16)value;
		break;
	default:
		/* a 32-bit destination clears bits 63:32 */
		*rax = value;
	}
}

/*
 * INS: copy the data user space supplied into guest memory at ES:RDI, a
 * page at a time (vmx_write_guest_virt() writes within one page): an
 * element that straddles a page end goes on at the start of the next
 * guest-linear page, wherever the guest maps that.
 */
void vmx_complete_io_in_string(struct hv_vcpu *vcpu)
{
	u64 gva = vcpu->arch.string_gva;
	unsigned int bytes = vcpu->arch.io_bytes;
	unsigned int first = vmx_string_first_part(gva, bytes);
	const u8 *data = (u8 *)vcpu->run + IO_DATA_OFFSET;

	if (vmx_write_guest_virt(vcpu, gva, data, first) ||
	    (first < bytes &&
	     vmx_write_guest_virt(vcpu, gva + first, data + first,
				  bytes - first)))
		/* only if the VMM rewrote the guest's page tables meanwhile */
		pr_debug("hv: INS data dropped: destination no longer mapped\n");
}
