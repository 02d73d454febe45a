// SPDX-License-Identifier: GPL-2.0
/*
 * x86 regression tests: each one failed against a bug hv once had, and
 * says what the bug was and where.
 */
#include "hv_x86_util.h"

FIXTURE(regress) {
	struct hv_test_vm t;
};

FIXTURE_SETUP(regress)
{
	x86_vm_create(_metadata, &self->t, 0);
}

FIXTURE_TEARDOWN(regress)
{
	x86_vm_destroy(&self->t);
}

/*
 * (hv_x86_modes_test) REP INSB into a guest page nothing touched yet: the
 * data is lost. vmx_complete_io_in_string() writes with
 * vmx_write_guest_virt(), which looks the page up with hv_mem_lookup()
 * and drops the data (a pr_debug only) when the page is not allocated
 * yet, instead of allocating it as a guest store would.
 */
TEST_F(regress, ins_untouched_page)
{
	struct hv_test_vm *t = &self->t;

	X86_LOAD(t, pm32);
	x86_set_pm32(_metadata, t);
	x86_set_r8(_metadata, t, 0);
	x86_check_seq32(_metadata, t, 0);
}

/*
 * (hv_x86_regs_test) The guest sets CR4.OSFXSR and CR0.TS itself, bits hv
 * does not own, so MOV to CR does not exit. vmx_ioctl_get_sregs() returns
 * CR0_READ_SHADOW and CR4_READ_SHADOW as they are, while the guest-owned
 * bits live in GUEST_CR0 / GUEST_CR4; it must merge them,
 * (GUEST_CRn & ~mask) | (CRn_READ_SHADOW & mask).
 */
TEST_F(regress, sregs_after_guest_cr_writes)
{
	struct hv_test_vm *t = &self->t;
	__u64 cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_TS;
	struct hv_sregs s;

	X86_LOAD(t, crwrite);
	x86_set_pm32(_metadata, t);
	/* what the guest reads itself */
	x86_expect_out(_metadata, t, 0x72, 4, cr0);
	x86_expect_out(_metadata, t, 0x73, 4, X86_CR4_OSFXSR);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);

	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	EXPECT_EQ(cr0, s.cr0);
	EXPECT_EQ(X86_CR4_OSFXSR, s.cr4);
}

#define R8_MAGIC	0x8877665544332211ULL

/*
 * (hv_x86_modes_test) Real mode to protected mode to long mode, all by
 * the guest: CR4.PAE, CR3, EFER.LME by WRMSR, CR0.PG, far jump to 64-bit
 * code. The MOV to CR0 that sets PG gets #GP (and, without an IDT, a
 * triple fault): vmx_mov_to_cr() checks PAE in CR4_READ_SHADOW, which a
 * guest MOV to CR4 does not update (PAE is not a bit hv owns); it must
 * look at the guest's CR4 (GUEST_CR4 for guest-owned bits). Same root
 * cause as sregs_after_guest_cr_writes.
 */
TEST_F(regress, real_to_long)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs s;

	memset(x86_gpa(t, X86_DATA), 0, 4096);	/* not ins_untouched_page */
	x86_build_tables(t);
	X86_LOAD(t, rm_lm);
	x86_set_real(_metadata, t);
	x86_set_r8(_metadata, t, R8_MAGIC);
	x86_expect_out(_metadata, t, 0x60, 4,
		       X86_CR0_PE | X86_CR0_ET | X86_CR0_NE);
	/* CR0, CR4 and EFER as the 64-bit guest reads them */
	x86_expect_out(_metadata, t, 0x61, 4,
		       X86_CR0_PG | X86_CR0_PE | X86_CR0_ET | X86_CR0_NE);
	x86_expect_out(_metadata, t, 0x61, 4, X86_CR4_PAE);
	x86_expect_out(_metadata, t, 0x61, 4, X86_EFER_LME | X86_EFER_LMA);

	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	EXPECT_EQ(X86_SEL_CODE64, s.cs.selector);
	EXPECT_EQ(X86_CR0_PG | X86_CR0_PE | X86_CR0_ET | X86_CR0_NE, s.cr0);
	EXPECT_EQ(X86_PML4, s.cr3);
	EXPECT_EQ(X86_EFER_LME | X86_EFER_LMA, s.efer);
	EXPECT_EQ(X86_CR4_PAE, s.cr4);

	x86_check_extra64(_metadata, t, R8_MAGIC);
	x86_check_seq32(_metadata, t, R8_MAGIC);
}

/*
 * (hv_x86_events_test) The VMM asked for the interrupt window while IF=0,
 * then withdrew the request: still an HV_EXIT_IRQ_WINDOW when the guest
 * sets IF. vmx_inject_pending_irq() arms interrupt-window exiting and
 * only handle_interrupt_window() disarms it; that handler reports the
 * exit without looking at run->request_interrupt_window.
 */
TEST_F(regress, irq_window_withdrawn)
{
	struct hv_test_vm *t = &self->t;

	x86_events_setup(_metadata, t, guest_ev_window, false);
	t->run->request_interrupt_window = 1;
	x86_expect_out(_metadata, t, 0x50, 1, 0);
	t->run->request_interrupt_window = 0;
	x86_expect_out(_metadata, t, 0x51, 1, 0);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
}

/*
 * (hv_x86_errors_test) A VM entry that fails on the guest state on the
 * vCPU's first entry: once the state is fixed, every HV_RUN still fails,
 * with HV_X86_FAIL_VMINSTR | 5 ("VMRESUME with non-launched VMCS").
 * vmx_enter_exit() sets arch->launched after any VM exit, but a VM-entry
 * failure (exit reason bit 31) leaves the VMCS clear (SDM Vol. 3C, 27.8
 * and the VMLAUNCH pseudo-code: "launched" only when the entry succeeds).
 */
FIXTURE(first_entry) {
	struct hv_test_vm t;
};

FIXTURE_VARIANT(first_entry) {
	enum x86_bad_state bad;
};

FIXTURE_VARIANT_ADD(first_entry, cs_dpl) { .bad = BAD_CS_DPL };
FIXTURE_VARIANT_ADD(first_entry, tr_unusable) { .bad = BAD_TR_UNUSABLE };
FIXTURE_VARIANT_ADD(first_entry, gs_base) { .bad = BAD_GS_BASE };

FIXTURE_SETUP(first_entry)
{
	x86_vm_create(_metadata, &self->t, 0);
}

FIXTURE_TEARDOWN(first_entry)
{
	x86_vm_destroy(&self->t);
}

TEST_F(first_entry, fails_then_fixed)
{
	x86_fail_entry_then_fixed(_metadata, &self->t, variant->bad, false);
}

/*
 * (hv_x86_events_test) Exceptions with an error code VM entry refuses
 * (SDM Vol. 3C, 27.2.1.3: in protected mode the error code is delivered
 * exactly for vectors 8, 10-14 and 17, and bits 31:16 of it must be 0).
 * vmx_ioctl_inject_event() checks neither. VT-x then fails every entry
 * with "invalid control field" (VM-instruction error 7), and the event
 * cannot be taken back: the vCPU never runs again. Bochs delivers the
 * first two anyway, so they are required to be refused outright here;
 * the third fails on Bochs too.
 */
FIXTURE(ev_code) {
	struct hv_test_vm t;
};

FIXTURE_VARIANT(ev_code) {
	__u32 vector;
	bool has_error;
	__u32 error;
	bool may_deliver;	/* EINVAL or the low 16 bits delivered */
};

FIXTURE_VARIANT_ADD(ev_code, ud_with_code) {
	.vector = 6, .has_error = true, .error = 0,
};

FIXTURE_VARIANT_ADD(ev_code, gp_without_code) {
	.vector = 13, .has_error = false,
};

FIXTURE_VARIANT_ADD(ev_code, gp_code_above_16_bits) {
	.vector = 13, .has_error = true, .error = 0x12345,
	.may_deliver = true,
};

FIXTURE_SETUP(ev_code)
{
	x86_vm_create(_metadata, &self->t, 0);
}

FIXTURE_TEARDOWN(ev_code)
{
	x86_vm_destroy(&self->t);
}

TEST_F(ev_code, refused)
{
	struct hv_test_vm *t = &self->t;
	char buf[256];
	int ret;

	x86_events_setup(_metadata, t, guest_ev_loop, false);
	x86_run_out(_metadata, t, 0x53, 1);
	ret = x86_inject(t, HV_EVENT_EXCEPTION, variant->vector,
			 variant->has_error, variant->error);
	if (ret == -EINVAL) {
		x86_run_out(_metadata, t, 0x53, 1);
		return;
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, __hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	if (t->run->exit_reason == HV_EXIT_FAIL_ENTRY) {
		TH_LOG("accepted, then %s",
		       x86_exit_str(t, buf, sizeof(buf)));
		ASSERT_EQ(0, __hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
		TH_LOG("and again: %s", x86_exit_str(t, buf, sizeof(buf)));
	}
	ASSERT_TRUE(variant->may_deliver)
		TH_LOG("accepted; expected EINVAL (%s)",
		       x86_exit_str(t, buf, sizeof(buf)));
	ASSERT_EQ(HV_EXIT_IO, t->run->exit_reason);
	x86_expect_out(_metadata, t, PORT_ERROR, 4, variant->error & 0xffff);
}

TEST_HARNESS_MAIN
