// SPDX-License-Identifier: GPL-2.0
/*
 * Host state a VM exit clobbers or a guest could change (PKRU, DR7, LDTR)
 * is the VMM's again when HV_RUN returns.
 */
#include <asm/ldt.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>

#include "hv_x86_state.h"

FIXTURE(host) {
	struct hv_test_vm t;
};

FIXTURE_SETUP(host)
{
	x86_vm_create(_metadata, &self->t, 0);
	state_cmd_setup(_metadata, &self->t);
}

FIXTURE_TEARDOWN(host)
{
	x86_vm_destroy(&self->t);
}

/* One guest command with an exit the kernel handles (CPUID) in it. */
static void host_guest_cpuid(struct __test_metadata *_metadata,
			     struct hv_test_vm *t)
{
	__u32 r[4];

	state_cpuid(_metadata, t, 0, 0, r);
	EXPECT_LE(1U, r[0]);
}

/*
 * Issue 11 item 5: CR4.PKE was not in the CR4 guest/host mask, so a guest
 * MOV to CR4 set it without an exit (hv's ban on PKE was never asked),
 * and WRPKRU then changed the PKRU of the VMM. It must be #GP.
 */
TEST_F(host, cr4_pke_refused)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs s;
	__u32 cr4 = 0;
	int ret;

	ret = state_mov_cr4(_metadata, t, X86_CR4_PKE, &cr4);
	EXPECT_EQ(-13, ret) TH_LOG("MOV to CR4.PKE: %s, CR4 %#x",
				  ret ? "other fault" : "accepted", cr4);
	/* nor can the VMM set it */
	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	EXPECT_EQ(0ULL, s.cr4 & X86_CR4_PKE);
	s.cr4 |= X86_CR4_PKE;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &s));
	/* the guest still runs, with CR4 as it was */
	ASSERT_EQ(0, state_mov_cr4(_metadata, t, 0, &cr4));
	EXPECT_EQ(0U, cr4);
}

static bool host_ospke(void)
{
	unsigned int a, b, c, d;

	__cpuid_count(7, 0, a, b, c, d);
	(void)a; (void)b; (void)d;
	return c & (1U << 4);
}

static __u32 host_rdpkru(void)
{
	__u32 pkru, edx;

	asm volatile("rdpkru" : "=a" (pkru), "=d" (edx) : "c" (0));
	return pkru;
}

static void host_wrpkru(__u32 pkru)
{
	asm volatile("wrpkru" : : "a" (pkru), "c" (0), "d" (0) : "memory");
}

/*
 * Item 5, with protection keys in the host: the VMM's PKRU survives a
 * guest that tries CR4.PKE and WRPKRU (#GP, then #UD).
 */
TEST_F(host, vmm_pkru_kept)
{
	struct hv_test_vm *t = &self->t;
	__u32 old, cr4 = 0, v = 0;
	/* keys 1-15 access-disabled; key 0 (all our memory) stays usable */
	const __u32 mine = 0x55555554;

	if (!host_ospke())
		SKIP(return, "the host kernel does not use protection keys");
	old = host_rdpkru();
	host_wrpkru(mine);
	EXPECT_EQ(-13, state_mov_cr4(_metadata, t, X86_CR4_PKE, &cr4));
	state_cmd(_metadata, t, CMD_WRPKRU, 1, &v);
	EXPECT_FALSE(state_next_out(_metadata, t, &v));
	EXPECT_EQ(6U, v);
	host_guest_cpuid(_metadata, t);
	EXPECT_EQ(mine, host_rdpkru());
	host_wrpkru(old);
}

static volatile __u64 host_watched;

/*
 * Issue 11 item 14: a VM exit sets DR7 to 0x400 (SDM Vol. 3C, 28.5.1
 * "Loading Host Control Registers, Debug Registers, MSRs"), which disarms
 * the VMM's hardware breakpoints until the next context switch; hv must
 * load the host's DR7 again.
 */
TEST_F(host, watchpoint_survives_run)
{
	struct hv_test_vm *t = &self->t;
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = (uintptr_t)&host_watched,
		.bp_len = HW_BREAKPOINT_LEN_8,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	__u64 count = 0;
	int fd;

	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0)
		SKIP(return, "no hardware breakpoint: %s", strerror(errno));
	host_watched = 1;
	ASSERT_EQ((ssize_t)sizeof(count), read(fd, &count, sizeof(count)));
	ASSERT_EQ(1ULL, count);

	host_guest_cpuid(_metadata, t);
	host_watched = 2;
	ASSERT_EQ((ssize_t)sizeof(count), read(fd, &count, sizeof(count)));
	EXPECT_EQ(2ULL, count) TH_LOG("the watchpoint did not fire after HV_RUN");
	close(fd);
}

/* LAR of @sel: the access rights, or -1 when the descriptor is not usable. */
static long host_lar(__u16 sel)
{
	unsigned long ar;
	bool ok;

	asm volatile("lar %[sel], %[ar]" : [ar] "=r" (ar), "=@ccz" (ok)
		     : [sel] "r" ((unsigned long)sel));
	return ok ? (long)(ar & 0xffff00) : -1;
}

/*
 * Item 14: a VM exit leaves LDTR null (SDM 28.5.2); the kernel loads the
 * LDT only when it switches address spaces, so a VMM that uses
 * modify_ldt() lost its LDT segments after HV_RUN.
 */
TEST_F(host, ldt_survives_run)
{
	struct hv_test_vm *t = &self->t;
	struct user_desc d = {
		.entry_number = 0, .base_addr = 0, .limit = 0xfffff,
		.seg_32bit = 1, .contents = 0, .read_exec_only = 0,
		.limit_in_pages = 1, .seg_not_present = 0, .useable = 1,
	};
	const __u16 sel = 0 << 3 | 4 | 3;	/* LDT entry 0, RPL 3 */
	long before;

	ASSERT_EQ(0, syscall(SYS_modify_ldt, 1, &d, sizeof(d)));
	before = host_lar(sel);
	ASSERT_NE(-1, before);

	host_guest_cpuid(_metadata, t);
	EXPECT_EQ(before, host_lar(sel)) TH_LOG("the LDT is gone after HV_RUN");
}

TEST_HARNESS_MAIN
