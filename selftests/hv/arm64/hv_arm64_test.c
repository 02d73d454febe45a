// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 guests on hv: each exit a VMM handles (HVC, MMIO, WFI, PSCI,
 * trapped system registers), memory, and the register interface.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>

#include "../hv_util.h"
#include "hv_arm64_guest.h"

#define DECLARE_PAYLOAD(name) \
	extern const unsigned char guest_##name##_start[], guest_##name##_end[]

DECLARE_PAYLOAD(hvc);
DECLARE_PAYLOAD(mmio);
DECLARE_PAYLOAD(mmio_pair);
DECLARE_PAYLOAD(rom);
DECLARE_PAYLOAD(wfi);
DECLARE_PAYLOAD(psci);
DECLARE_PAYLOAD(sysreg);
DECLARE_PAYLOAD(mem);
DECLARE_PAYLOAD(fp);
DECLARE_PAYLOAD(irq);
DECLARE_PAYLOAD(mmio_load);
DECLARE_PAYLOAD(be_mmio);
DECLARE_PAYLOAD(el0_store);
DECLARE_PAYLOAD(debug);
DECLARE_PAYLOAD(probe);

#define LOAD(t, name) a64_load(_metadata, t, guest_##name##_start, \
			       guest_##name##_end)

/* ESR_ELx.EC of an Unknown-reason exception (ARM ARM D19.2.45) */
#define ESR_EC(esr)		((esr) >> 26)
#define ESR_IL			(1ULL << 25)

FIXTURE(a64) {
	struct hv_test_vm t;
};

FIXTURE_SETUP(a64)
{
	struct hv_test_vm *t = &self->t;

	t->dev_fd = hv_open_dev();
	t->vm_fd = hv_create_vm(t->dev_fd);
	ASSERT_LE(0, t->vm_fd) TH_LOG("HV_CREATE_VM: %s", strerror(-t->vm_fd));
	t->ram_gpa = 0;
	t->ram_size = A64_RAM_SIZE;
	ASSERT_EQ(0, hv_set_region(t->vm_fd, 0, 0, t->ram_size, 0));
	ASSERT_EQ(0, hv_set_region(t->vm_fd, 1, A64_ROM, A64_ROM_SIZE,
				   HV_MEM_READONLY));
	t->ram = hv_map_ram(t->vm_fd, 0, t->ram_size);
	ASSERT_NE(NULL, t->ram);
	t->vcpu_fd = hv_create_vcpu(t->vm_fd, 0);
	ASSERT_LE(0, t->vcpu_fd) TH_LOG("HV_CREATE_VCPU: %s",
					strerror(-t->vcpu_fd));
	t->run = hv_map_run(t->vcpu_fd);
	ASSERT_NE(NULL, t->run);
}

FIXTURE_TEARDOWN(a64)
{
	munmap(self->t.run, HV_RUN_MMAP_SIZE);
	munmap(self->t.ram, self->t.ram_size);
	close(self->t.vcpu_fd);
	close(self->t.vm_fd);
	close(self->t.dev_fd);
}

/* Copy a payload to A64_CODE and start the vCPU there, SP_EL1 set. */
static void a64_load(struct __test_metadata *_metadata, struct hv_test_vm *t,
		     const unsigned char *start, const unsigned char *end)
{
	struct hv_regs regs;

	memcpy((char *)t->ram + A64_CODE, start, end - start);
	hv_ioctl(t->vcpu_fd, HV_GET_REGS, &regs);
	regs.pc = A64_CODE;
	regs.sp_el1 = A64_STACK_TOP;
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs);
}

static void a64_run(struct __test_metadata *_metadata, struct hv_test_vm *t,
		    __u32 reason)
{
	ASSERT_EQ(0, __hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	ASSERT_EQ(reason, t->run->exit_reason)
		TH_LOG("exit %u, internal suberror %u data %llx %llx %llx %llx",
		       t->run->exit_reason, t->run->internal.suberror,
		       (unsigned long long)t->run->internal.data[0],
		       (unsigned long long)t->run->internal.data[1],
		       (unsigned long long)t->run->internal.data[2],
		       (unsigned long long)t->run->internal.data[3]);
}

static void a64_expect_hc(struct __test_metadata *_metadata,
			  struct hv_test_vm *t, __u64 nr)
{
	a64_run(_metadata, t, HV_EXIT_HYPERCALL);
	ASSERT_EQ(nr, t->run->hypercall.nr);
}

static __u64 a64_mmio_data(struct hv_run *run)
{
	__u64 v = 0;

	memcpy(&v, run->mmio.data, run->mmio.len);
	return v;
}

static void a64_expect_mmio(struct __test_metadata *_metadata,
			    struct hv_test_vm *t, __u64 gpa, __u32 len,
			    int write, __u64 data)
{
	a64_run(_metadata, t, HV_EXIT_MMIO);
	EXPECT_EQ(gpa, t->run->mmio.phys_addr);
	EXPECT_EQ(len, t->run->mmio.len);
	EXPECT_EQ(write, t->run->mmio.is_write);
	if (write) {
		EXPECT_EQ(data, a64_mmio_data(t->run));
	} else {
		memcpy(t->run->mmio.data, &data, sizeof(data));
	}
}

TEST_F(a64, hypercall_args_and_return)
{
	struct hv_test_vm *t = &self->t;
	int i;

	LOAD(t, hvc);
	a64_expect_hc(_metadata, t, 0x1234);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(i + 1, t->run->hypercall.args[i]);
	t->run->hypercall.ret = 0x55aa;
	/* the guest calls again with the returned value as nr */
	a64_expect_hc(_metadata, t, 0x55aa);
}

TEST_F(a64, mmio_widths_and_sign_extension)
{
	struct hv_test_vm *t = &self->t;
	struct hv_run *run = t->run;

	LOAD(t, mmio);
	a64_expect_mmio(_metadata, t, A64_MMIO, 4, 1, 0x55667788);
	a64_expect_mmio(_metadata, t, A64_MMIO + 1, 1, 1, 0x88);
	a64_expect_mmio(_metadata, t, A64_MMIO + 2, 2, 1, 0x7788);
	a64_expect_mmio(_metadata, t, A64_MMIO + 8, 8, 1,
			0x1122334455667788ULL);
	a64_expect_mmio(_metadata, t, A64_MMIO, 4, 0, 0xffffffff80000001ULL);
	a64_expect_mmio(_metadata, t, A64_MMIO + 1, 1, 0, 0x80);
	a64_expect_mmio(_metadata, t, A64_MMIO + 2, 2, 0, 0x8000);
	a64_expect_mmio(_metadata, t, A64_MMIO + 8, 8, 0,
			0x8877665544332211ULL);
	a64_expect_hc(_metadata, t, A64_HC_DONE);
	/* ldr w: 32 bits, zero-extended */
	EXPECT_EQ(0x80000001ULL, run->hypercall.args[0]);
	/* ldrsb x: sign-extended to 64 bits */
	EXPECT_EQ(0xffffffffffffff80ULL, run->hypercall.args[1]);
	/* ldrsh w: sign-extended to 32 bits, upper half zero */
	EXPECT_EQ(0xffff8000ULL, run->hypercall.args[2]);
	EXPECT_EQ(0x8877665544332211ULL, run->hypercall.args[3]);
}

TEST_F(a64, mmio_without_syndrome_is_internal_error)
{
	struct hv_test_vm *t = &self->t;

	LOAD(t, mmio_pair);
	a64_run(_metadata, t, HV_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(HV_INTERNAL_EMULATION, t->run->internal.suberror);
	EXPECT_EQ(A64_CODE + 16, t->run->internal.data[2]);
}

TEST_F(a64, rom_reads_as_ram_writes_exit)
{
	struct hv_test_vm *t = &self->t;
	__u32 *rom = mmap(NULL, A64_ROM_SIZE, PROT_READ | PROT_WRITE,
			  MAP_SHARED, t->vm_fd, A64_ROM);

	ASSERT_NE(MAP_FAILED, rom);
	rom[4] = 0xabcd1234;
	LOAD(t, rom);
	a64_expect_mmio(_metadata, t, A64_ROM + 16, 4, 1, 0xabcd1234);
	a64_expect_hc(_metadata, t, A64_HC_DONE);
	EXPECT_EQ(0xabcd1234, t->run->hypercall.args[0]);
	/* the write did not reach the ROM */
	EXPECT_EQ(0xabcd1234, t->run->hypercall.args[1]);
	munmap(rom, A64_ROM_SIZE);
}

TEST_F(a64, wfi_halts_then_resumes)
{
	struct hv_test_vm *t = &self->t;
	struct hv_regs regs;

	LOAD(t, wfi);
	a64_run(_metadata, t, HV_EXIT_HLT);
	hv_ioctl(t->vcpu_fd, HV_GET_REGS, &regs);
	EXPECT_EQ(A64_CODE + 4, regs.pc);
	EXPECT_EQ(0, t->run->if_flag);	/* DAIF masked since reset */
	a64_expect_hc(_metadata, t, A64_HC_DONE);
}

TEST_F(a64, psci_version_features_system_off)
{
	struct hv_test_vm *t = &self->t;

	LOAD(t, psci);
	a64_expect_hc(_metadata, t, A64_HC_STEP);
	EXPECT_EQ(0x10000, t->run->hypercall.args[0]);	/* PSCI 1.0 */
	EXPECT_EQ(0, t->run->hypercall.args[1]);	/* SYSTEM_OFF: yes */
	EXPECT_EQ(-1ULL, t->run->hypercall.args[2]);	/* NOT_SUPPORTED */
	a64_run(_metadata, t, HV_EXIT_SYSTEM_EVENT);
	EXPECT_EQ(HV_SYSTEM_EVENT_SHUTDOWN, t->run->system_event.type);
	EXPECT_EQ(0x84000008, t->run->system_event.data[0]);
}

TEST_F(a64, id_registers_and_undef_injection)
{
	struct hv_test_vm *t = &self->t;
	struct hv_run *run = t->run;
	static const int pa_bits[8] = { 32, 36, 40, 42, 44, 48, 52, 56 };
	__u32 cap = HV_CAP_GPA_BITS;
	__u64 pfr0, mmfr0, isar1;

	LOAD(t, sysreg);
	a64_expect_hc(_metadata, t, A64_HC_STEP);
	pfr0 = run->hypercall.args[0];
	mmfr0 = run->hypercall.args[1];
	isar1 = run->hypercall.args[4];
	TH_LOG("PFR0 %llx MMFR0 %llx ISAR0 %llx PFR1 %llx ISAR1 %llx",
	       (unsigned long long)pfr0, (unsigned long long)mmfr0,
	       (unsigned long long)run->hypercall.args[2],
	       (unsigned long long)run->hypercall.args[3],
	       (unsigned long long)isar1);
	EXPECT_EQ(1, pfr0 & 0xf);		/* EL0: AArch64 only */
	EXPECT_EQ(1, (pfr0 >> 4) & 0xf);	/* EL1: AArch64 only */
	EXPECT_EQ(0, (pfr0 >> 8) & 0xf);	/* no EL2 */
	EXPECT_EQ(0, (pfr0 >> 24) & 0xf);	/* no GIC system registers */
	EXPECT_EQ(0, (pfr0 >> 32) & 0xf);	/* no SVE */
	EXPECT_EQ(0, (run->hypercall.args[3] >> 24) & 0xf);	/* no SME */
	EXPECT_EQ(0, (isar1 >> 4) & 0xff);	/* no pointer auth */
	/* PARange matches HV_CAP_GPA_BITS */
	EXPECT_EQ(hv_ioctl(t->dev_fd, HV_CHECK_CAP, &cap),
		  pa_bits[mmfr0 & 7]);

	/* PMCR_EL0, then SMC: both UNDEF, EC 0 with IL, seen by the guest */
	a64_expect_mmio(_metadata, t, A64_MMIO + A64_MMIO_UNDEF, 8, 1,
			ESR_IL);
	a64_expect_mmio(_metadata, t, A64_MMIO + A64_MMIO_UNDEF, 8, 1,
			ESR_IL);
	a64_expect_hc(_metadata, t, A64_HC_DONE);
}

/*
 * The debug registers Linux's early boot writes (MDSCR_EL1 in __cpu_setup,
 * the OS lock, breakpoints and watchpoints) work without an UNDEF: each is
 * kept per vCPU as the ARM ARM describes it (D19.3), none reaches the
 * hardware (host_watchpoint_does_not_reach_guest covers the other way).
 */
TEST_F(a64, debug_registers_of_linux_boot)
{
	struct hv_test_vm *t = &self->t;
	struct hv_run *run = t->run;
	__u64 dfr0;

	LOAD(t, debug);
	a64_run(_metadata, t, HV_EXIT_HYPERCALL);
	ASSERT_EQ(A64_HC_DONE, run->hypercall.nr)
		TH_LOG("hypercall %llx", (unsigned long long)run->hypercall.nr);
	dfr0 = run->hypercall.args[3];
	TH_LOG("MDSCR %llx OSLSR unlocked %llx locked %llx DFR0 %llx DBGBVR1 %llx",
	       (unsigned long long)run->hypercall.args[0],
	       (unsigned long long)run->hypercall.args[1],
	       (unsigned long long)run->hypercall.args[2],
	       (unsigned long long)dfr0,
	       (unsigned long long)run->hypercall.args[4]);
	/* SS, TDCC, KDE, MDE as written */
	EXPECT_EQ(0xb001, run->hypercall.args[0]);
	/* OSLSR_EL1: OSLM 0b10 (bit 3), OSLK (bit 1) as OSLAR_EL1 set it */
	EXPECT_EQ(0x8, run->hypercall.args[1]);
	EXPECT_EQ(0xa, run->hypercall.args[2]);
	EXPECT_EQ(6, dfr0 & 0xf);			/* DebugVer: v8.0 */
	EXPECT_LE(1, (dfr0 >> 12) & 0xf);		/* BRPs: at least 2 */
	EXPECT_LE(1, (dfr0 >> 20) & 0xf);		/* WRPs: at least 2 */
	EXPECT_EQ(0x1234560, run->hypercall.args[4]);
	EXPECT_EQ(0, run->hypercall.args[5]);		/* MDCCINT_EL1 */
}

TEST_F(a64, memory_shared_with_vmm_and_beyond_ram_is_mmio)
{
	struct hv_test_vm *t = &self->t;
	__u64 *data = (__u64 *)((char *)t->ram + A64_DATA);

	data[1] = 0xfedcba9876543210ULL;
	LOAD(t, mem);
	a64_expect_hc(_metadata, t, A64_HC_STEP);
	EXPECT_EQ(0xfedcba9876543210ULL, t->run->hypercall.args[0]);
	EXPECT_EQ(0x0123456789abcdefULL, data[0]);
	a64_expect_mmio(_metadata, t, A64_RAM_SIZE, 8, 0, 0x77);
	a64_expect_hc(_metadata, t, A64_HC_DONE);
	EXPECT_EQ(0x77, t->run->hypercall.args[0]);
}

/*
 * Payload probe, stopped at its A64_HC_STEP: a 32-bit store of @value at
 * @gpa (through the word at A64_DATA), or a load from @gpa.
 */
static void a64_probe_write(struct __test_metadata *_metadata,
			    struct hv_test_vm *t, __u64 gpa, __u32 value)
{
	*(__u32 *)((char *)t->ram + A64_DATA) = value;
	t->run->hypercall.ret = gpa | 1;
	a64_expect_hc(_metadata, t, A64_HC_STEP);
}

static __u32 a64_probe_read(struct __test_metadata *_metadata,
			    struct hv_test_vm *t, __u64 gpa)
{
	t->run->hypercall.ret = gpa;
	a64_expect_hc(_metadata, t, A64_HC_STEP);
	return t->run->hypercall.args[0];
}

/* The load at @gpa must be an MMIO exit; @value answers it. */
static void a64_probe_read_mmio(struct __test_metadata *_metadata,
				struct hv_test_vm *t, __u64 gpa, __u32 value)
{
	t->run->hypercall.ret = gpa;
	a64_expect_mmio(_metadata, t, gpa, 4, 0, value);
	a64_expect_hc(_metadata, t, A64_HC_STEP);
	EXPECT_EQ(value, t->run->hypercall.args[0]);
}

/*
 * Removing a region whose pages the guest has mapped takes them away at
 * once: every page it touched is MMIO again (the stage-2 leaves cleared,
 * the VMID's TLB entries invalidated), and the same range in a new region
 * is fresh, zeroed memory.
 */
TEST_F(a64, region_removed_while_mapped_by_guest)
{
	struct hv_test_vm *t = &self->t;
	const __u64 gpa = 0x600000, size = 0x200000;
	__u64 off;

	ASSERT_EQ(0, hv_set_region(t->vm_fd, 3, gpa, size, 0));
	LOAD(t, probe);
	a64_expect_hc(_metadata, t, A64_HC_STEP);
	/* a page of each 4 KiB of the first 64 KiB, and the last page */
	for (off = 0; off < 0x10000; off += 0x1000)
		a64_probe_write(_metadata, t, gpa + off, (__u32)off | 1);
	a64_probe_write(_metadata, t, gpa + size - 4, 0x600df00d);
	for (off = 0; off < 0x10000; off += 0x1000)
		EXPECT_EQ((__u32)off | 1, a64_probe_read(_metadata, t, gpa + off));
	EXPECT_EQ(0x600df00d, a64_probe_read(_metadata, t, gpa + size - 4));

	ASSERT_EQ(0, hv_set_region(t->vm_fd, 3, 0, 0, 0));
	for (off = 0; off < 0x10000; off += 0x1000)
		a64_probe_read_mmio(_metadata, t, gpa + off, 0x5555aaaa);
	a64_probe_read_mmio(_metadata, t, gpa + size - 4, 0x5555aaaa);

	ASSERT_EQ(0, hv_set_region(t->vm_fd, 4, gpa, size, 0));
	EXPECT_EQ(0, a64_probe_read(_metadata, t, gpa + 0x1000));
	EXPECT_EQ(0, a64_probe_read(_metadata, t, gpa + size - 4));
}

TEST_F(a64, fp_registers_in_and_out)
{
	struct hv_test_vm *t = &self->t;
	struct hv_fpsimd fp = { 0 };
	struct hv_fpu f = { .addr = (__u64)(uintptr_t)&fp,
			    .size = HV_FPSIMD_SIZE };
	struct hv_sysregs sys;

	hv_ioctl(t->vcpu_fd, HV_GET_SYSREGS, &sys);
	sys.cpacr_el1 = 3 << 20;	/* FPEN: no FP traps at EL1/EL0 */
	hv_ioctl(t->vcpu_fd, HV_SET_SYSREGS, &sys);
	fp.vregs[0][0] = 0x1111222233334444ULL;
	fp.vregs[31][1] = 0x5555666677778888ULL;
	fp.fpcr = 0x03000000;		/* RMode towards zero, FZ */
	hv_ioctl(t->vcpu_fd, HV_SET_FPU, &f);
	LOAD(t, fp);
	a64_expect_hc(_metadata, t, A64_HC_DONE);
	EXPECT_EQ(0x1111222233334444ULL, t->run->hypercall.args[0]);
	EXPECT_EQ(0x5555666677778888ULL, t->run->hypercall.args[1]);
	EXPECT_EQ(0x03000000, t->run->hypercall.args[2]);
	memset(&fp, 0, sizeof(fp));
	hv_ioctl(t->vcpu_fd, HV_GET_FPU, &f);
	EXPECT_EQ(0xfeedfacecafebeefULL, fp.vregs[1][0]);
	EXPECT_EQ(0xfeedfacecafebeefULL, fp.vregs[1][1]);
	f.size = 512;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_GET_FPU, &f));
}

TEST_F(a64, irq_line_wakes_wfi_and_is_delivered)
{
	struct hv_test_vm *t = &self->t;
	struct hv_irq_line line = { .line = HV_ARM64_IRQ_LINE, .level = 1 };

	LOAD(t, irq);
	a64_run(_metadata, t, HV_EXIT_HLT);
	EXPECT_EQ(1, t->run->if_flag);
	EXPECT_EQ(1, t->run->ready_for_interrupt);
	hv_ioctl(t->vcpu_fd, HV_SET_IRQ_LINE, &line);
	a64_expect_mmio(_metadata, t, A64_MMIO + A64_MMIO_IRQ, 8, 1, 0);
	line.level = 0;
	hv_ioctl(t->vcpu_fd, HV_SET_IRQ_LINE, &line);
	a64_expect_hc(_metadata, t, A64_HC_DONE);
	EXPECT_EQ(1, t->run->hypercall.args[0]);	/* one IRQ taken */
}

TEST_F(a64, register_ioctls_reject_bad_input)
{
	struct hv_test_vm *t = &self->t;
	struct hv_regs regs;
	struct hv_sysregs sys;
	struct hv_irq_line line = { .line = 2 };
	struct hv_power power = { .state = HV_ARM64_POWER_OFF };

	hv_ioctl(t->vcpu_fd, HV_GET_REGS, &regs);
	/* reset state: EL1h, DAIF masked, PC 0 */
	EXPECT_EQ(0x3c5, regs.pstate);
	EXPECT_EQ(0, regs.pc);
	hv_ioctl(t->vcpu_fd, HV_GET_SYSREGS, &sys);
	EXPECT_EQ(0, sys.sctlr_el1 & 1);		/* MMU off */
	EXPECT_EQ(1ULL << 31, sys.mpidr_el1);		/* vCPU 0 */
	regs.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs));
	regs.reserved[0] = 0;
	regs.pstate = 0x3c9;				/* EL2h */
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs));
	regs.pstate = 0x3d0;				/* AArch32 */
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs));
	sys.cpacr_el1 = 3 << 16;			/* SVE */
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_SYSREGS, &sys));
	sys.cpacr_el1 = 0;
	sys.reserved[9] = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_SYSREGS, &sys));
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_IRQ_LINE, &line));
	line.line = 0;
	line.level = 2;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_IRQ_LINE, &line));
	power.flags = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_SET_POWER, &power));
	EXPECT_EQ(-ENOTTY, __hv_ioctl(t->vcpu_fd, _IO(HVIO, 0x3f), NULL));
}

static void a64_sig_nop(int sig)
{
	(void)sig;
}

TEST_F(a64, powered_off_vcpu_waits_in_run)
{
	struct hv_test_vm *t = &self->t;
	struct hv_power power = { .state = HV_ARM64_POWER_OFF };
	struct sigaction sa = { .sa_handler = a64_sig_nop };
	struct itimerval it = { .it_value = { .tv_usec = 50000 } };

	LOAD(t, hvc);
	hv_ioctl(t->vcpu_fd, HV_SET_POWER, &power);
	hv_ioctl(t->vcpu_fd, HV_GET_POWER, &power);
	EXPECT_EQ(HV_ARM64_POWER_OFF, power.state);
	/* it waits until a signal ends the wait */
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	EXPECT_EQ(-EINTR, __hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	EXPECT_EQ(HV_EXIT_INTR, t->run->exit_reason);
	power.state = HV_ARM64_POWER_ON;
	hv_ioctl(t->vcpu_fd, HV_SET_POWER, &power);
	a64_expect_hc(_metadata, t, 0x1234);
}

/*
 * HV_SET_REGS cancels a pending completion. Without it, the hypercall's
 * return value reaches X0 and the MMIO data the target register; with it,
 * the registers the VMM set win. Meanwhile HV_GET_REGS shows the PC past
 * the instruction and the target register not yet written.
 */
TEST_F(a64, set_regs_cancels_hypercall_return)
{
	struct hv_test_vm *t = &self->t;
	struct hv_regs regs;

	LOAD(t, hvc);
	a64_expect_hc(_metadata, t, 0x1234);
	hv_ioctl(t->vcpu_fd, HV_GET_REGS, &regs);
	EXPECT_EQ(0x1234, regs.x[0]);		/* not yet the return value */
	EXPECT_EQ(A64_CODE + 11 * 4, regs.pc);	/* past the HVC */
	t->run->hypercall.ret = 0x55aa;
	regs.x[0] = 0x4321;
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs);
	/* the second HVC's nr is X0: the VMM's value, not hypercall.ret */
	a64_expect_hc(_metadata, t, 0x4321);
}

TEST_F(a64, mmio_read_completion_and_set_regs)
{
	struct hv_test_vm *t = &self->t;
	struct hv_regs regs;

	/* no HV_SET_REGS: the data reaches X3 */
	LOAD(t, mmio_load);
	a64_expect_mmio(_metadata, t, A64_MMIO, 8, 0, 0x1111222233334444ULL);
	a64_expect_hc(_metadata, t, A64_HC_DONE);
	EXPECT_EQ(0x1111222233334444ULL, t->run->hypercall.args[0]);

	/* HV_SET_REGS in between: the VMM's X3 wins over the data */
	LOAD(t, mmio_load);
	a64_expect_mmio(_metadata, t, A64_MMIO, 8, 0, 0x1111222233334444ULL);
	hv_ioctl(t->vcpu_fd, HV_GET_REGS, &regs);
	EXPECT_EQ(0x5555555555555555ULL, regs.x[3]);	/* not yet loaded */
	EXPECT_EQ(A64_CODE + A64_MMIO_LOAD_PC + 4, regs.pc);
	regs.x[3] = 0x77;
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs);
	a64_expect_hc(_metadata, t, A64_HC_DONE);
	EXPECT_EQ(0x77, t->run->hypercall.args[0]);

	/* the PC set back on the load: it runs again, a new MMIO exit */
	LOAD(t, mmio_load);
	a64_expect_mmio(_metadata, t, A64_MMIO, 8, 0, 0x1111222233334444ULL);
	hv_ioctl(t->vcpu_fd, HV_GET_REGS, &regs);
	regs.pc = A64_CODE + A64_MMIO_LOAD_PC;
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs);
	a64_expect_mmio(_metadata, t, A64_MMIO, 8, 0, 0x9999ULL);
	a64_expect_hc(_metadata, t, A64_HC_DONE);
	EXPECT_EQ(0x9999ULL, t->run->hypercall.args[0]);
}

/*
 * A big-endian guest (SCTLR_EL1.EE = 1): hv_run.mmio.data holds the bytes
 * in memory order, as the same store puts them in RAM, and read data is
 * taken in memory order too.
 */
TEST_F(a64, mmio_data_of_big_endian_guest)
{
	struct hv_test_vm *t = &self->t;
	struct hv_run *run = t->run;
	const unsigned char *ram = (unsigned char *)t->ram + A64_DATA;
	static const unsigned char rd4[4] = { 0x80, 0, 0, 1 };
	static const unsigned char rd2[2] = { 0x80, 0x01 };
	static const unsigned char rd8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	LOAD(t, be_mmio);
	a64_expect_mmio(_metadata, t, A64_MMIO, 4, 1, 0x88776655);
	a64_expect_mmio(_metadata, t, A64_MMIO + 2, 2, 1, 0x8877);
	a64_expect_mmio(_metadata, t, A64_MMIO + 8, 8, 1,
			0x8877665544332211ULL);
	/* the same store to RAM: the bytes the MMIO exit showed */
	a64_run(_metadata, t, HV_EXIT_MMIO);
	EXPECT_EQ(0, memcmp(ram, "\x11\x22\x33\x44\x55\x66\x77\x88", 8));
	EXPECT_EQ(A64_MMIO, run->mmio.phys_addr);
	EXPECT_EQ(0, run->mmio.is_write);
	memcpy(run->mmio.data, rd4, sizeof(rd4));
	a64_run(_metadata, t, HV_EXIT_MMIO);
	memcpy(run->mmio.data, rd2, sizeof(rd2));
	a64_run(_metadata, t, HV_EXIT_MMIO);
	memcpy(run->mmio.data, rd8, sizeof(rd8));
	a64_expect_hc(_metadata, t, A64_HC_DONE);
	EXPECT_EQ(0x80000001ULL, run->hypercall.args[0]);
	EXPECT_EQ(0xffffffffffff8001ULL, run->hypercall.args[1]);
	EXPECT_EQ(0x0102030405060708ULL, run->hypercall.args[2]);
}

/* arm64 has no interrupt-window exit: HV_RUN refuses the request. */
TEST_F(a64, request_interrupt_window_is_rejected)
{
	struct hv_test_vm *t = &self->t;

	LOAD(t, hvc);
	t->run->request_interrupt_window = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	t->run->request_interrupt_window = 0;
	a64_expect_hc(_metadata, t, 0x1234);
}

/*
 * A hardware watchpoint the host set for the VMM's own user space (perf)
 * must not fire on the guest's EL0 accesses: the host's debug state is
 * not the guest's. The guest's EL0 stores to A64_DATA, the address the
 * watchpoint names, then makes an SVC; the guest's EL1 sees only the SVC.
 */
TEST_F(a64, host_watchpoint_does_not_reach_guest)
{
	struct hv_test_vm *t = &self->t;
	struct perf_event_attr pe = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(pe),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = A64_DATA,
		.bp_len = HW_BREAKPOINT_LEN_8,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	int fd = syscall(__NR_perf_event_open, &pe, 0, -1, -1, 0);

	if (fd < 0)
		SKIP(return, "no hardware watchpoint: %s", strerror(errno));
	LOAD(t, el0_store);
	a64_expect_hc(_metadata, t, A64_HC_DONE);
	EXPECT_EQ(0x15, ESR_EC(t->run->hypercall.args[0]))
		TH_LOG("guest EL1 took ESR %llx at %llx",
		       (unsigned long long)t->run->hypercall.args[0],
		       (unsigned long long)t->run->hypercall.args[1]);
	EXPECT_EQ(0x0123456789abcdefULL,
		  *(__u64 *)((char *)t->ram + A64_DATA));
	close(fd);
}

TEST_HARNESS_MAIN
