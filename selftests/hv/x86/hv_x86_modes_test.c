// SPDX-License-Identifier: GPL-2.0
/*
 * x86 guests in every mode on hv: 32-bit protected mode and 64-bit long
 * mode set up by the VMM, real mode switching itself to protected and to
 * long mode, each running the same exit sequence (port I/O, MMIO in many
 * encodings, hypercall, CPUID, HLT); and triple faults.
 */
#include "hv_x86_util.h"

#define R8_MAGIC	0x8877665544332211ULL

FIXTURE(x86) {
	struct hv_test_vm t;
};

FIXTURE_SETUP(x86)
{
	x86_vm_create(_metadata, &self->t, 0);
	/*
	 * The VMM touches the page that rep insb fills: INS into a page
	 * nobody touched yet is lost (hv_x86_known_bugs_test,
	 * ins_untouched_page).
	 */
	memset(x86_gpa(&self->t, X86_DATA), 0, 4096);
}

FIXTURE_TEARDOWN(x86)
{
	x86_vm_destroy(&self->t);
}

TEST_F(x86, pm32_every_exit)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs s;

	X86_LOAD(t, pm32);
	x86_set_pm32(_metadata, t);
	x86_set_r8(_metadata, t, R8_MAGIC);
	x86_check_seq32(_metadata, t, R8_MAGIC);

	/* still in the mode the test set */
	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	EXPECT_EQ(X86_SEL_CODE32, s.cs.selector);
	EXPECT_EQ(X86_CR0_PE | X86_CR0_ET | X86_CR0_NE, s.cr0);
	EXPECT_EQ(0U, s.efer);
}

TEST_F(x86, lm64_every_exit)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs s;

	X86_LOAD(t, lm64);
	x86_set_lm64(_metadata, t);
	x86_set_r8(_metadata, t, R8_MAGIC);
	x86_check_extra64(_metadata, t, R8_MAGIC);
	x86_check_seq32(_metadata, t, R8_MAGIC);

	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	EXPECT_EQ(X86_SEL_CODE64, s.cs.selector);
	EXPECT_EQ(X86_EFER_LME | X86_EFER_LMA, s.efer);
	EXPECT_EQ(X86_CR4_PAE, s.cr4);
}

/* 32-bit paging with 4 MiB pages: hv walks the guest's tables for MMIO. */
TEST_F(x86, paged32_every_exit)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs s;

	X86_LOAD(t, pm32);
	x86_set_pm32(_metadata, t);
	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	s.cr0 |= X86_CR0_PG;
	s.cr4 = X86_CR4_PSE;
	s.cr3 = X86_PD32;
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &s);
	x86_set_r8(_metadata, t, R8_MAGIC);
	x86_check_seq32(_metadata, t, R8_MAGIC);
}

/* 32-bit PAE paging: the PDPTEs come from the VMCS. */
TEST_F(x86, pae32_every_exit)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs s;

	X86_LOAD(t, pm32);
	x86_set_pm32(_metadata, t);
	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	s.cr0 |= X86_CR0_PG;
	s.cr4 = X86_CR4_PAE;
	s.cr3 = X86_PAE_PDPT;
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &s);
	x86_set_r8(_metadata, t, R8_MAGIC);
	x86_check_seq32(_metadata, t, R8_MAGIC);

	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	EXPECT_EQ(X86_PAE_PDPT, s.cr3);
	EXPECT_EQ(0U, s.efer & X86_EFER_LMA);
}

/*
 * String I/O longer than one exit moves: REP OUTSB / INSB of 3000 bytes
 * across pages come in several exits whose data add up; REP OUTSW with
 * DF=1 goes down one element per exit.
 */
TEST_F(x86, string_io)
{
	struct hv_test_vm *t = &self->t;
	unsigned char *src = x86_gpa(t, 0x20f00), *dst = x86_gpa(t, 0x30f00);
	__u16 *words = x86_gpa(t, X86_DATA);
	unsigned int done, exits, i;
	unsigned char got[3000];

	X86_LOAD(t, strio);
	x86_set_pm32(_metadata, t);
	for (i = 0; i < 3000; i++)
		src[i] = i * 7;
	memset(x86_gpa(t, 0x30000), 0, 0x2000);	/* see ins_untouched_page */
	words[0] = 0x1111;
	words[1] = 0x2222;
	words[2] = 0x3333;

	for (done = 0, exits = 0; done < 3000; exits++) {
		x86_run_expect(_metadata, t, HV_EXIT_IO);
		ASSERT_EQ(HV_IO_OUT, t->run->io.direction);
		ASSERT_EQ(0x18, t->run->io.port);
		ASSERT_EQ(1, t->run->io.size);
		ASSERT_LT(0U, t->run->io.count);
		ASSERT_GE(3000U - done, t->run->io.count);
		ASSERT_GE((__u64)HV_RUN_MMAP_SIZE,
			  t->run->io.data_offset + t->run->io.count);
		memcpy(got + done, hv_io_data(t->run), t->run->io.count);
		done += t->run->io.count;
	}
	EXPECT_EQ(0, memcmp(got, src, 3000));
	EXPECT_LT(1U, exits);

	for (done = 0, exits = 0; done < 3000; exits++) {
		x86_run_expect(_metadata, t, HV_EXIT_IO);
		ASSERT_EQ(HV_IO_IN, t->run->io.direction);
		ASSERT_EQ(0x19, t->run->io.port);
		ASSERT_LT(0U, t->run->io.count);
		ASSERT_GE(3000U - done, t->run->io.count);
		for (i = 0; i < t->run->io.count; i++)
			((unsigned char *)hv_io_data(t->run))[i] =
				(done + i) * 13;
		done += t->run->io.count;
	}
	EXPECT_LT(1U, exits);

	for (i = 0; i < 3; i++) {
		x86_run_expect(_metadata, t, HV_EXIT_IO);
		ASSERT_EQ(0x1b, t->run->io.port);
		ASSERT_EQ(2, t->run->io.size);
		ASSERT_EQ(1U, t->run->io.count);
		EXPECT_EQ(0x3333 - 0x1111 * i, *(__u16 *)hv_io_data(t->run));
	}
	x86_expect_out(_metadata, t, 0x1a, 4, 0);
	x86_expect_out(_metadata, t, 0x1a, 4, X86_DATA - 2);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
	for (i = 0; i < 3000; i++)
		ASSERT_EQ((unsigned char)(i * 13), dst[i]) TH_LOG("byte %u", i);
}

/* The real-mode guest enters protected mode itself: CR0 write, far jump. */
TEST_F(x86, real_to_protected)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs s;

	X86_LOAD(t, rm_pm);
	x86_set_real(_metadata, t);
	x86_set_r8(_metadata, t, R8_MAGIC);
	/* CR0 as the guest reads it after its own write: PE | ET | NE */
	x86_expect_out(_metadata, t, 0x60, 4,
		       X86_CR0_PE | X86_CR0_ET | X86_CR0_NE);

	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	EXPECT_EQ(X86_CR0_PE | X86_CR0_ET | X86_CR0_NE, s.cr0);
	EXPECT_EQ(X86_SEL_CODE32, s.cs.selector);
	EXPECT_EQ(0U, s.cs.base);
	EXPECT_EQ(0xffffffffU, s.cs.limit);
	/* D (32-bit) and G set by the descriptor the guest loaded */
	EXPECT_EQ(0xc000U, s.cs.ar & 0xc000);
	EXPECT_EQ(X86_SEL_DATA, s.ss.selector);
	EXPECT_EQ(31, s.gdt.limit);

	x86_check_seq32(_metadata, t, R8_MAGIC);
}

TEST_F(x86, triple_fault_pm32)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs s;

	X86_LOAD(t, int3);
	x86_set_pm32(_metadata, t);
	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	s.idt.limit = 0;
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &s);

	x86_expect_out(_metadata, t, 0x70, 1, 0);
	x86_run_expect(_metadata, t, HV_EXIT_SHUTDOWN);
	/* nothing changed: running again faults again */
	x86_run_expect(_metadata, t, HV_EXIT_SHUTDOWN);
}

TEST_F(x86, triple_fault_real)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs s;

	X86_LOAD(t, int3);	/* the same bytes in 16-bit code */
	x86_set_real(_metadata, t);
	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	s.idt.limit = 0;
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &s);

	x86_expect_out(_metadata, t, 0x70, 1, 0);
	x86_run_expect(_metadata, t, HV_EXIT_SHUTDOWN);
}

/* The 64-bit guest loads an IDT with limit 0 itself, then raises #UD. */
TEST_F(x86, triple_fault_lm64)
{
	struct hv_test_vm *t = &self->t;

	X86_LOAD(t, badidt);
	x86_set_lm64(_metadata, t);
	x86_expect_out(_metadata, t, 0x70, 1, 0);
	x86_run_expect(_metadata, t, HV_EXIT_SHUTDOWN);
}

TEST_HARNESS_MAIN
