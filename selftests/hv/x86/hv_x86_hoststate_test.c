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

/* A write watchpoint of this thread on host_watched: a perf fd, or -1. */
static int host_watch(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = (uintptr_t)&host_watched,
		.bp_len = HW_BREAKPOINT_LEN_8,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};

	return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

/*
 * Issue 11 item 14: a VM exit sets DR7 to 0x400 (SDM Vol. 3C, 28.5.1
 * "Loading Host Control Registers, Debug Registers, MSRs"), which disarms
 * the VMM's hardware breakpoints until the next context switch; hv must
 * load the host's DR7 again.
 */
TEST_F(host, watchpoint_survives_run)
{
	struct hv_test_vm *t = &self->t;
	__u64 count = 0;
	int fd;

	fd = host_watch();
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

/*
 * A debug exception taken inside the guest (here a single step) sets DR6,
 * which VM exits do not switch: without #DB in the exception bitmap its
 * BS bit stayed in the host's DR6, and the VMM's next watchpoint hit,
 * read with it, was taken for a stray trap: SIGTRAP killed the VMM. The
 * guest must see its own DR6 (BS set) in its #DB handler all the same.
 */
TEST_F(host, guest_single_step_leaves_host_dr6)
{
	struct hv_test_vm *t = &self->t;
	__u64 count = 0;
	__u32 v = 0;
	int fd;

	/* no breakpoint of ours yet: nothing resets DR6 after the exits */
	state_cmd(_metadata, t, CMD_STEP, 0, NULL);
	ASSERT_TRUE(state_next_out(_metadata, t, &v));
	EXPECT_EQ(0xffff4ff0U, v) TH_LOG("the guest's DR6 in its #DB handler");
	ASSERT_TRUE(state_next_out(_metadata, t, &v));
	EXPECT_EQ(0x57e9U, v);

	fd = host_watch();
	if (fd < 0)
		SKIP(return, "no hardware breakpoint: %s", strerror(errno));
	host_watched = 3;	/* a stale DR6.BS makes this SIGTRAP */
	ASSERT_EQ((ssize_t)sizeof(count), read(fd, &count, sizeof(count)));
	EXPECT_EQ(1ULL, count);
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

#define MITIG_DIR	"/sys/module/hv/parameters/"
#define MITIG_NR	5

static const char *const mitig_names[MITIG_NR] = {
	"verw", "l1d_flush", "ibpb", "bhb_clear", "spec_ctrl",
};

/* Reads NAME=VALUE words of a parameter file: value of @name, in @out. */
static bool mitig_read(const char *file, const char *name, char *out,
		       size_t size)
{
	char buf[512], *w, *save = NULL;
	size_t len = strlen(name);
	FILE *f = fopen(file, "r");
	bool found = false;

	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		for (w = strtok_r(buf, " \n", &save); w;
		     w = strtok_r(NULL, " \n", &save)) {
			if (!strncmp(w, name, len) && w[len] == '=') {
				snprintf(out, size, "%s", w + len + 1);
				found = true;
			}
		}
	}
	fclose(f);
	return found;
}

static unsigned long long mitig_count(struct __test_metadata *_metadata,
				      const char *name)
{
	char v[64];

	EXPECT_TRUE(mitig_read(MITIG_DIR "mitigation_counts", name, v,
			       sizeof(v)));
	return strtoull(v, NULL, 10);
}

static int mitig_force(unsigned int mask)
{
	FILE *f = fopen(MITIG_DIR "mitigations_force", "w");
	int ret;

	if (!f)
		return -1;
	ret = fprintf(f, "%u\n", mask) > 0 ? 0 : -1;
	return fclose(f) ? -1 : ret;
}

/*
 * Issue 11 item 8: the mitigations around entry and exit follow the host
 * kernel's choices and say so (hv.mitigations); every one the CPU can run
 * does run when forced (the emulator reports no CPU bug), for every entry
 * (ibpb: for every switch to another vCPU's VMCS, here a second VM's).
 */
TEST_F(host, mitigations_run)
{
	struct hv_test_vm *t = &self->t, t2;
	unsigned long long before[MITIG_NR], after[MITIG_NR];
	char state[MITIG_NR][16];
	int i;

	for (i = 0; i < MITIG_NR; i++) {
		ASSERT_TRUE(mitig_read(MITIG_DIR "mitigations", mitig_names[i],
				       state[i], sizeof(state[i])))
			TH_LOG("no %s in " MITIG_DIR "mitigations",
			       mitig_names[i]);
		TH_LOG("%s: %s", mitig_names[i], state[i]);
	}
	/* VERW and the BHB clearing loop run on every CPU */
	ASSERT_EQ(0, mitig_force(0x1f));
	for (i = 0; i < MITIG_NR; i++) {
		ASSERT_TRUE(mitig_read(MITIG_DIR "mitigations", mitig_names[i],
				       state[i], sizeof(state[i])));
		TH_LOG("forced: %s: %s", mitig_names[i], state[i]);
	}
	EXPECT_NE(0, strcmp(state[0], "off"));
	EXPECT_NE(0, strcmp(state[3], "off"));

	for (i = 0; i < MITIG_NR; i++)
		before[i] = mitig_count(_metadata, mitig_names[i]);
	host_guest_cpuid(_metadata, t);
	/* another VM's vCPU on this CPU, then this one again */
	x86_vm_create(_metadata, &t2, 0);
	state_cmd_setup(_metadata, &t2);
	host_guest_cpuid(_metadata, &t2);
	host_guest_cpuid(_metadata, t);
	x86_vm_destroy(&t2);
	for (i = 0; i < MITIG_NR; i++)
		after[i] = mitig_count(_metadata, mitig_names[i]);

	for (i = 0; i < MITIG_NR; i++) {
		bool runs = strcmp(state[i], "off") && strcmp(state[i], "n/a");
		/* entries: 3 CPUID commands, 8 exits to user space each */
		unsigned long long need = i == 2 ? 2 : 24;

		if (runs)
			EXPECT_LE(before[i] + need, after[i])
				TH_LOG("%s (%s) ran %llu times for %llu entries",
				       mitig_names[i], state[i],
				       after[i] - before[i], need);
	}

	/* not forced: only the host's choices run */
	ASSERT_EQ(0, mitig_force(0));
	for (i = 0; i < MITIG_NR; i++) {
		ASSERT_TRUE(mitig_read(MITIG_DIR "mitigations", mitig_names[i],
				       state[i], sizeof(state[i])));
		EXPECT_NE(0, strcmp(state[i], "forced"));
		before[i] = mitig_count(_metadata, mitig_names[i]);
	}
	host_guest_cpuid(_metadata, t);
	for (i = 0; i < MITIG_NR; i++) {
		after[i] = mitig_count(_metadata, mitig_names[i]);
		if (!strcmp(state[i], "off") || !strcmp(state[i], "n/a"))
			EXPECT_EQ(before[i], after[i])
				TH_LOG("%s is %s but ran", mitig_names[i],
				       state[i]);
	}
}

TEST_HARNESS_MAIN
