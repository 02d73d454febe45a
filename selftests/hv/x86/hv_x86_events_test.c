// SPDX-License-Identifier: GPL-2.0
/*
 * Event injection on hv: external interrupts into a 32-bit guest with an
 * IDT (guest_events), the interrupt window, exceptions and NMIs, the
 * exceptions hv raises itself (#GP for an MSR it does not have), and the
 * events HV_INJECT_EVENT must refuse.
 */
#include "hv_x86_util.h"

FIXTURE(ev) {
	struct hv_test_vm t;
};

FIXTURE_SETUP(ev)
{
	x86_vm_create(_metadata, &self->t, 0);
}

FIXTURE_TEARDOWN(ev)
{
	x86_vm_destroy(&self->t);
}

#define V_EXTINT	0x30

/* sti; hlt: the interrupt wakes the guest, the handler runs, then 0x42. */
TEST_F(ev, extint_wakes_hlt)
{
	struct hv_test_vm *t = &self->t;

	x86_events_setup(_metadata, t, guest_ev_sti_hlt, false);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
	EXPECT_EQ(1, t->run->if_flag);
	EXPECT_EQ(1, t->run->ready_for_interrupt);

	ASSERT_EQ(0, x86_inject(t, HV_EVENT_EXTINT, V_EXTINT, false, 0));
	x86_expect_handler(_metadata, t, V_EXTINT, 0, 0);
	x86_expect_out(_metadata, t, 0x42, 1, 0);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);

	/* again, another vector, the highest */
	ASSERT_EQ(0, x86_inject(t, HV_EVENT_EXTINT, 255, false, 0));
	x86_expect_handler(_metadata, t, 255, 0, 0);
	x86_expect_out(_metadata, t, 0x42, 1, 0);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
}

/* Injected before the guest halts: taken at once, the halt then exits. */
TEST_F(ev, extint_before_hlt)
{
	struct hv_test_vm *t = &self->t;

	x86_events_setup(_metadata, t, guest_ev_loop, false);
	x86_run_out(_metadata, t, 0x53, 1);
	ASSERT_EQ(0, x86_inject(t, HV_EVENT_EXTINT, 32, false, 0));
	x86_expect_handler(_metadata, t, 32, 0, 0);
	x86_run_out(_metadata, t, 0x53, 1);
	x86_run_out(_metadata, t, 0x53, 1);
}

/*
 * An interrupt injected while the guest runs its handler (IF=0) waits
 * for the IRET, without an exit of its own.
 */
TEST_F(ev, extint_pending_until_iret)
{
	struct hv_test_vm *t = &self->t;

	x86_events_setup(_metadata, t, guest_ev_loop, false);
	x86_run_out(_metadata, t, 0x53, 1);
	ASSERT_EQ(0, x86_inject(t, HV_EVENT_EXTINT, 0x40, false, 0));
	x86_expect_out(_metadata, t, PORT_VECTOR, 4, 0x40);
	EXPECT_EQ(0, t->run->if_flag);
	EXPECT_EQ(0, t->run->ready_for_interrupt);

	ASSERT_EQ(0, x86_inject(t, HV_EVENT_EXTINT, 0x41, false, 0));
	EXPECT_EQ(0, t->run->ready_for_interrupt);
	x86_expect_out(_metadata, t, PORT_ERROR, 4, 0);
	x86_answer_in(_metadata, t, PORT_SKIP, 4, 0);
	x86_expect_handler(_metadata, t, 0x41, 0, 0);
	x86_run_out(_metadata, t, 0x53, 1);
	EXPECT_EQ(1, t->run->if_flag);
	EXPECT_EQ(1, t->run->ready_for_interrupt);
}

/* One external interrupt can be pending; a second one is EBUSY. */
TEST_F(ev, extint_busy)
{
	struct hv_test_vm *t = &self->t;
	struct hv_regs regs;

	x86_events_setup(_metadata, t, guest_ev_cli_loop, false);
	x86_run_out(_metadata, t, 0x54, 1);
	ASSERT_EQ(0, x86_inject(t, HV_EVENT_EXTINT, 0x30, false, 0));
	EXPECT_EQ(-EBUSY, x86_inject(t, HV_EVENT_EXTINT, 0x31, false, 0));
	EXPECT_EQ(-EBUSY, x86_inject(t, HV_EVENT_EXTINT, 0x30, false, 0));

	/* IF=0: it stays pending across exits */
	x86_run_out(_metadata, t, 0x54, 1);
	EXPECT_EQ(0, t->run->ready_for_interrupt);
	x86_run_out(_metadata, t, 0x54, 1);
	EXPECT_EQ(-EBUSY, x86_inject(t, HV_EVENT_EXTINT, 0x31, false, 0));

	/* the VMM sets IF: delivered at the next entry */
	x86_get_regs(_metadata, t, &regs);
	regs.rflags |= X86_RFLAGS_IF;
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs);
	x86_expect_out(_metadata, t, PORT_VECTOR, 4, 0x30);
	/* delivered: the next one is accepted */
	EXPECT_EQ(0, x86_inject(t, HV_EVENT_EXTINT, 0x31, false, 0));
	x86_expect_out(_metadata, t, PORT_ERROR, 4, 0);
	x86_answer_in(_metadata, t, PORT_SKIP, 4, 0);
	/* the IRET restores IF=1: 0x31 */
	x86_expect_handler(_metadata, t, 0x31, 0, 0);
}

/*
 * request_interrupt_window with IF=0: no window exit until the guest
 * executes STI and the instruction after it.
 */
TEST_F(ev, irq_window_after_sti)
{
	struct hv_test_vm *t = &self->t;
	struct hv_regs regs;

	x86_events_setup(_metadata, t, guest_ev_window, false);
	t->run->request_interrupt_window = 1;
	x86_expect_out(_metadata, t, 0x50, 1, 0);
	EXPECT_EQ(0, t->run->if_flag);
	EXPECT_EQ(0, t->run->ready_for_interrupt);

	x86_run_expect(_metadata, t, HV_EXIT_IRQ_WINDOW);
	EXPECT_EQ(1, t->run->if_flag);
	EXPECT_EQ(1, t->run->ready_for_interrupt);
	x86_get_regs(_metadata, t, &regs);
	EXPECT_EQ(X86_GADDR(guest_ev_window_out, events), regs.rip);

	t->run->request_interrupt_window = 0;
	ASSERT_EQ(0, x86_inject(t, HV_EVENT_EXTINT, 0x35, false, 0));
	x86_expect_handler(_metadata, t, 0x35, 0, 0);
	x86_expect_out(_metadata, t, 0x51, 1, 0);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
}

/* With IF=1 already, the window exit comes at once. */
TEST_F(ev, irq_window_open)
{
	struct hv_test_vm *t = &self->t;
	struct hv_regs before, after;

	x86_events_setup(_metadata, t, guest_ev_loop, false);
	x86_run_out(_metadata, t, 0x53, 1);
	x86_get_regs(_metadata, t, &before);
	t->run->request_interrupt_window = 1;
	x86_run_expect(_metadata, t, HV_EXIT_IRQ_WINDOW);
	EXPECT_EQ(1, t->run->ready_for_interrupt);
	x86_get_regs(_metadata, t, &after);
	EXPECT_EQ(before.rip, after.rip);
	t->run->request_interrupt_window = 0;
	x86_run_out(_metadata, t, 0x53, 1);
	x86_run_out(_metadata, t, 0x53, 1);
}

/* Exceptions the VMM injects, with and without error codes, and NMIs. */
TEST_F(ev, exceptions)
{
	struct hv_test_vm *t = &self->t;
	static const struct {
		__u32 vector;
		bool has_error;
		__u32 error;
	} ex[] = {
		{ 6, false, 0 },	/* #UD */
		{ 13, true, 0x1234 },	/* #GP */
		{ 14, true, 0x2 },	/* #PF */
		{ 0, false, 0 },	/* #DE */
		{ 17, true, 0 },	/* #AC */
		{ 10, true, 0xfff8 },	/* #TS */
		{ 19, false, 0 },	/* #XM */
		{ 31, false, 0 },
	};
	unsigned int i;

	x86_events_setup(_metadata, t, guest_ev_loop, false);
	x86_run_out(_metadata, t, 0x53, 1);
	for (i = 0; i < ARRAY_SIZE(ex); i++) {
		ASSERT_EQ(0, x86_inject(t, HV_EVENT_EXCEPTION, ex[i].vector,
					ex[i].has_error, ex[i].error));
		x86_expect_handler(_metadata, t, ex[i].vector, ex[i].error, 0);
		x86_run_out(_metadata, t, 0x53, 1);
	}

	/* an NMI, twice: the IRET unblocks NMIs */
	ASSERT_EQ(0, x86_inject(t, HV_EVENT_NMI, 2, false, 0));
	x86_expect_handler(_metadata, t, 2, 0, 0);
	x86_run_out(_metadata, t, 0x53, 1);
	ASSERT_EQ(0, x86_inject(t, HV_EVENT_NMI, 2, false, 0));
	x86_expect_handler(_metadata, t, 2, 0, 0);
	x86_run_out(_metadata, t, 0x53, 1);
}

/* Exceptions go in even with IF=0; a second one is EBUSY. */
TEST_F(ev, exception_busy)
{
	struct hv_test_vm *t = &self->t;

	x86_events_setup(_metadata, t, guest_ev_cli_loop, false);
	x86_run_out(_metadata, t, 0x54, 1);
	ASSERT_EQ(0, x86_inject(t, HV_EVENT_EXCEPTION, 6, false, 0));
	EXPECT_EQ(-EBUSY, x86_inject(t, HV_EVENT_EXCEPTION, 0, false, 0));
	EXPECT_EQ(-EBUSY, x86_inject(t, HV_EVENT_NMI, 2, false, 0));
	x86_expect_handler(_metadata, t, 6, 0, 0);
	x86_run_out(_metadata, t, 0x54, 1);
	EXPECT_EQ(0, x86_inject(t, HV_EVENT_EXCEPTION, 0, false, 0));
	x86_expect_handler(_metadata, t, 0, 0, 0);
}

/* An exception and an interrupt at once: the exception first. */
TEST_F(ev, exception_and_extint)
{
	struct hv_test_vm *t = &self->t;

	x86_events_setup(_metadata, t, guest_ev_loop, false);
	x86_run_out(_metadata, t, 0x53, 1);
	ASSERT_EQ(0, x86_inject(t, HV_EVENT_EXTINT, 0x60, false, 0));
	ASSERT_EQ(0, x86_inject(t, HV_EVENT_EXCEPTION, 6, false, 0));
	x86_expect_handler(_metadata, t, 6, 0, 0);
	x86_expect_handler(_metadata, t, 0x60, 0, 0);
	x86_run_out(_metadata, t, 0x53, 1);
}

/* RDMSR of an MSR hv does not offer: #GP(0) in the guest. */
TEST_F(ev, rdmsr_gp)
{
	struct hv_test_vm *t = &self->t;

	x86_events_setup(_metadata, t, guest_ev_rdmsr, false);
	x86_expect_handler(_metadata, t, 13, 0, 2);	/* skip the RDMSR */
	x86_expect_out(_metadata, t, 0x52, 1, 0);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
}

/*
 * Exits the kernel handles without user space: MOV DR (remembered, never
 * armed), INVD, WBINVD, PAUSE (skipped); VMX, MONITOR and MWAIT raise #UD,
 * RDPMC #GP(0).
 */
TEST_F(ev, in_kernel_instructions)
{
	struct hv_test_vm *t = &self->t;

	x86_events_setup(_metadata, t, guest_ev_insns, false);
	x86_expect_out(_metadata, t, 0x55, 4, 0x1234);
	x86_run_out(_metadata, t, 0x56, 1);
	x86_expect_handler(_metadata, t, 6, 0, 4);	/* vmxon */
	x86_expect_handler(_metadata, t, 6, 0, 3);	/* monitor */
	x86_expect_handler(_metadata, t, 6, 0, 3);	/* mwait */
	x86_expect_handler(_metadata, t, 13, 0, 2);	/* rdpmc */
	x86_run_out(_metadata, t, 0x57, 1);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
}

TEST_F(ev, invalid_events)
{
	struct hv_test_vm *t = &self->t;
	struct hv_event ev = { .type = HV_EVENT_EXTINT, .vector = 0x30 };

	EXPECT_EQ(-EINVAL, x86_inject(t, 1, 0x30, false, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, 4, 0x30, false, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, ~0U, 0x30, false, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, HV_EVENT_EXTINT, 256, false, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, HV_EVENT_EXTINT, ~0U, false, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, HV_EVENT_EXTINT, 0, false, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, HV_EVENT_EXTINT, 31, false, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, HV_EVENT_EXTINT, 0x30, true, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, HV_EVENT_NMI, 3, false, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, HV_EVENT_NMI, 2, true, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, HV_EVENT_EXCEPTION, 32, false, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, HV_EVENT_EXCEPTION, 2, false, 0));
	EXPECT_EQ(-EINVAL, x86_inject(t, HV_EVENT_EXCEPTION, 255, false, 0));
	ev.flags = 2;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_INJECT_EVENT, &ev));
	ev.flags = 0;
	ev.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_INJECT_EVENT, &ev));
	ev.reserved[0] = 0;
	ev.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_INJECT_EVENT, &ev));

	/* nothing of it is pending: the guest runs without a handler */
	x86_events_setup(_metadata, t, guest_ev_loop, false);
	x86_run_out(_metadata, t, 0x53, 1);
	x86_run_out(_metadata, t, 0x53, 1);
	EXPECT_EQ(0, x86_inject(t, HV_EVENT_EXTINT, 0x30, false, 0));
}

TEST_HARNESS_MAIN
