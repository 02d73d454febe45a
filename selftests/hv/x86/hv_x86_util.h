/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the x86 selftests: a VM with X86_RAM_SIZE of RAM and one
 * vCPU, put in flat 32-bit protected mode or 64-bit long mode with
 * HV_SET_SREGS, and checks of the exits its guest makes. Every helper
 * asserts through the kselftest harness (it takes _metadata), so a failed
 * check ends the test where it happened.
 */
#ifndef HV_X86_UTIL_H
#define HV_X86_UTIL_H

#include <cpuid.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "../hv_util.h"
#include "hv_x86_guest.h"

/* The payloads (guest_*.S): each from NAME_start to NAME_end. */
#define X86_GUEST(name)							\
	extern const unsigned char guest_##name##_start[],		\
				   guest_##name##_end[]
X86_GUEST(real);
X86_GUEST(pm32);
X86_GUEST(lm64);
X86_GUEST(rm_pm);
X86_GUEST(rm_lm);
X86_GUEST(int3);
X86_GUEST(badidt);
X86_GUEST(probe);
X86_GUEST(events);
X86_GUEST(incregs);
X86_GUEST(msrs);
X86_GUEST(fpu);
X86_GUEST(cpuid);
X86_GUEST(tsc);
X86_GUEST(out_hlt);
X86_GUEST(mmio_fetch);
X86_GUEST(mmio_add);
X86_GUEST(crwrite);
X86_GUEST(strio);

/* Entry points inside guest_events. */
extern const unsigned char guest_events_stubs[], guest_ev_sti_hlt[],
	guest_ev_window[], guest_ev_window_out[], guest_ev_rdmsr[],
	guest_ev_insns[], guest_ev_loop[], guest_ev_cli_loop[];

/* The guest-physical address of a label of the payload at X86_CODE. */
#define X86_GADDR(label, name)						\
	((__u64)X86_CODE + (uintptr_t)(label) -				\
	 (uintptr_t)guest_##name##_start)

/* VMX access rights (HV_SET_SREGS segments) */
#define X86_AR_CODE32	0xc09b	/* G, D, P, S, execute/read, accessed */
#define X86_AR_CODE64	0xa09b	/* G, L, P, S, execute/read, accessed */
#define X86_AR_DATA	0xc093	/* G, B, P, S, read/write, accessed */
#define X86_AR_TSS	0x008b	/* P, busy 32/64-bit TSS */

#define X86_CR0_PE	0x1UL
#define X86_CR0_MP	0x2UL
#define X86_CR0_TS	0x8UL
#define X86_CR0_ET	0x10UL
#define X86_CR0_NE	0x20UL
#define X86_CR0_PG	0x80000000UL
#define X86_CR4_PSE	0x10UL
#define X86_CR4_PAE	0x20UL
#define X86_CR4_OSFXSR	0x200UL
#define X86_CR4_OSXMMEXCPT 0x400UL
#define X86_EFER_SCE	0x1UL
#define X86_EFER_LME	0x100UL
#define X86_EFER_LMA	0x400UL
#define X86_EFER_NX	0x800UL
#define X86_RFLAGS_FIXED 0x2UL
#define X86_RFLAGS_IF	0x200UL

/* A VM with slot 0 = [0, X86_RAM_SIZE) mapped at t->ram, and vCPU @id. */
static inline void x86_vm_create(struct __test_metadata *_metadata,
				 struct hv_test_vm *t, __u32 id)
{
	t->dev_fd = hv_open_dev();
	t->vm_fd = hv_create_vm(t->dev_fd);
	ASSERT_LE(0, t->vm_fd) TH_LOG("HV_CREATE_VM: %s", strerror(-t->vm_fd));
	t->ram_gpa = 0;
	t->ram_size = X86_RAM_SIZE;
	ASSERT_EQ(0, hv_set_region(t->vm_fd, 0, 0, t->ram_size, 0));
	t->ram = hv_map_ram(t->vm_fd, 0, t->ram_size);
	ASSERT_NE(NULL, t->ram);
	t->vcpu_fd = hv_create_vcpu(t->vm_fd, id);
	ASSERT_LE(0, t->vcpu_fd) TH_LOG("HV_CREATE_VCPU: %s",
					strerror(-t->vcpu_fd));
	t->run = hv_map_run(t->vcpu_fd);
	ASSERT_NE(NULL, t->run);
}

static inline void x86_vm_destroy(struct hv_test_vm *t)
{
	if (t->run)
		munmap(t->run, HV_RUN_MMAP_SIZE);
	if (t->ram)
		munmap(t->ram, t->ram_size);
	close(t->vcpu_fd);
	close(t->vm_fd);
	close(t->dev_fd);
}

static inline void *x86_gpa(struct hv_test_vm *t, __u64 gpa)
{
	return (char *)t->ram + gpa;
}

/* Copy a payload to X86_CODE. */
static inline void x86_load(struct hv_test_vm *t, const unsigned char *start,
			    const unsigned char *end)
{
	memcpy(x86_gpa(t, X86_CODE), start, end - start);
}

#define X86_LOAD(t, name)						\
	x86_load(t, guest_##name##_start, guest_##name##_end)

/* A legacy segment descriptor (SDM Vol. 3A, 3.4.5). */
static inline __u64 x86_desc(__u32 base, __u32 limit, __u16 flags)
{
	return (limit & 0xffffULL) | ((__u64)(base & 0xffffff) << 16) |
	       ((__u64)(flags & 0xf0ff) << 40) |
	       ((__u64)((limit >> 16) & 0xf) << 48) |
	       ((__u64)(base >> 24) << 56);
}

/*
 * The GDT of hv_x86_guest.h and identity-mapping page tables for long
 * mode, 32-bit PAE paging and 32-bit paging.
 */
static inline void x86_build_tables(struct hv_test_vm *t)
{
	__u64 *gdt = x86_gpa(t, X86_GDT);
	__u64 *pml4 = x86_gpa(t, X86_PML4);
	__u64 *pdpt = x86_gpa(t, X86_PDPT);
	__u64 *pd = x86_gpa(t, X86_PD);
	__u64 *pae_pdpt = x86_gpa(t, X86_PAE_PDPT);
	__u32 *pd32 = x86_gpa(t, X86_PD32);
	int i;

	memset(gdt, 0, X86_GDT_SIZE);
	gdt[X86_SEL_CODE32 / 8] = x86_desc(0, 0xfffff, X86_AR_CODE32);
	gdt[X86_SEL_DATA / 8] = x86_desc(0, 0xfffff, X86_AR_DATA);
	gdt[X86_SEL_CODE64 / 8] = x86_desc(0, 0xfffff, X86_AR_CODE64);
	gdt[X86_SEL_TSS / 8] = x86_desc(X86_TSS, 0x67, X86_AR_TSS);

	pml4[0] = X86_PDPT | 3;
	pdpt[0] = X86_PD | 3;
	for (i = 0; i < 512; i++)
		pd[i] = ((__u64)i << 21) | 0x83;	/* P, RW, PS */
	pae_pdpt[0] = X86_PD | 1;	/* PDPTEs have no RW bit */
	for (i = 0; i < 1024; i++)
		pd32[i] = ((__u32)i << 22) | 0x83;
}

static inline void x86_seg(struct hv_segment *s, __u16 sel, __u32 ar)
{
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->ar = ar;
}

/* Flat 32-bit protected mode, no paging. */
static inline void x86_sregs_pm32(struct hv_sregs *s)
{
	memset(s, 0, sizeof(*s));
	x86_seg(&s->cs, X86_SEL_CODE32, X86_AR_CODE32);
	x86_seg(&s->ds, X86_SEL_DATA, X86_AR_DATA);
	x86_seg(&s->es, X86_SEL_DATA, X86_AR_DATA);
	x86_seg(&s->fs, X86_SEL_DATA, X86_AR_DATA);
	x86_seg(&s->gs, X86_SEL_DATA, X86_AR_DATA);
	x86_seg(&s->ss, X86_SEL_DATA, X86_AR_DATA);
	s->tr.selector = X86_SEL_TSS;
	s->tr.base = X86_TSS;
	s->tr.limit = 0x67;
	s->tr.ar = X86_AR_TSS;
	s->ldt.ar = HV_AR_UNUSABLE;
	s->gdt.base = X86_GDT;
	s->gdt.limit = X86_GDT_SIZE - 1;
	s->idt.base = X86_IDT;
	s->idt.limit = 256 * 8 - 1;
	s->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE;
}

/* 64-bit long mode with the identity map of x86_build_tables(). */
static inline void x86_sregs_lm64(struct hv_sregs *s)
{
	x86_sregs_pm32(s);
	x86_seg(&s->cs, X86_SEL_CODE64, X86_AR_CODE64);
	s->idt.limit = 256 * 16 - 1;
	s->cr0 |= X86_CR0_PG;
	s->cr3 = X86_PML4;
	s->cr4 = X86_CR4_PAE;
	s->efer = X86_EFER_LME | X86_EFER_LMA;
}

/* RIP = @rip, RSP = X86_STACK_TOP, RFLAGS = 2, other GPRs 0. */
static inline void x86_set_entry(struct __test_metadata *_metadata,
				 struct hv_test_vm *t, __u64 rip)
{
	struct hv_regs regs = { 0 };

	regs.rip = rip;
	regs.rflags = X86_RFLAGS_FIXED;
	regs.gpr[HV_X86_RSP] = X86_STACK_TOP;
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs);
}

static inline void x86_set_pm32(struct __test_metadata *_metadata,
				struct hv_test_vm *t)
{
	struct hv_sregs s;

	x86_build_tables(t);
	x86_sregs_pm32(&s);
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &s);
	x86_set_entry(_metadata, t, X86_CODE);
}

static inline void x86_set_lm64(struct __test_metadata *_metadata,
				struct hv_test_vm *t)
{
	struct hv_sregs s;

	x86_build_tables(t);
	x86_sregs_lm64(&s);
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &s);
	x86_set_entry(_metadata, t, X86_CODE);
}

/* Real mode at X86_CODE with CS = 0 (the reset state otherwise). */
static inline void x86_set_real(struct __test_metadata *_metadata,
				struct hv_test_vm *t)
{
	struct hv_sregs s;

	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &s);
	s.cs.selector = 0;
	s.cs.base = 0;
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &s);
	x86_set_entry(_metadata, t, X86_CODE);
}

static inline const char *x86_exit_name(__u32 reason)
{
	static const char *const names[] = {
		"UNKNOWN", "IO", "MMIO", "HYPERCALL", "HLT", "SHUTDOWN",
		"FAIL_ENTRY", "INTERNAL_ERROR", "INTR", "IRQ_WINDOW",
		"SYSTEM_EVENT",
	};

	return reason < ARRAY_SIZE(names) ? names[reason] : "?";
}

/* One line about the last exit, for failure messages. */
static inline const char *x86_exit_str(struct hv_test_vm *t, char *buf,
				       size_t size)
{
	struct hv_run *run = t->run;
	struct hv_regs regs;
	__u64 data = 0;
	int n;

	n = snprintf(buf, size, "exit %u (%s)", run->exit_reason,
		     x86_exit_name(run->exit_reason));
	switch (run->exit_reason) {
	case HV_EXIT_IO:
		memcpy(&data, hv_io_data(run), run->io.size < 8 ?
		       run->io.size : 8);
		n += snprintf(buf + n, size - n,
			      ": %s port 0x%x size %u count %u data 0x%llx",
			      run->io.direction == HV_IO_OUT ? "out" : "in",
			      run->io.port, run->io.size, run->io.count,
			      (unsigned long long)data);
		break;
	case HV_EXIT_MMIO:
		memcpy(&data, run->mmio.data, 8);
		n += snprintf(buf + n, size - n,
			      ": %s 0x%llx len %u data 0x%llx",
			      run->mmio.is_write ? "write" : "read",
			      (unsigned long long)run->mmio.phys_addr,
			      run->mmio.len, (unsigned long long)data);
		break;
	case HV_EXIT_HYPERCALL:
		n += snprintf(buf + n, size - n, ": nr 0x%llx arg0 0x%llx",
			      (unsigned long long)run->hypercall.nr,
			      (unsigned long long)run->hypercall.args[0]);
		break;
	case HV_EXIT_FAIL_ENTRY:
		n += snprintf(buf + n, size - n,
			      ": hardware reason 0x%llx qualification 0x%llx",
			      (unsigned long long)
			      run->fail_entry.hardware_entry_failure_reason,
			      (unsigned long long)run->fail_entry.qualification);
		break;
	case HV_EXIT_INTERNAL_ERROR:
		n += snprintf(buf + n, size - n,
			      ": suberror %u data 0x%llx 0x%llx rip 0x%llx 0x%llx",
			      run->internal.suberror,
			      (unsigned long long)run->internal.data[0],
			      (unsigned long long)run->internal.data[1],
			      (unsigned long long)run->internal.data[2],
			      (unsigned long long)run->internal.data[3]);
		break;
	case HV_EXIT_UNKNOWN:
		n += snprintf(buf + n, size - n, ": hw reason 0x%llx",
			      (unsigned long long)run->hw.reason);
		break;
	}
	if (__hv_ioctl(t->vcpu_fd, HV_GET_REGS, &regs) == 0)
		snprintf(buf + n, size - n, ", rip 0x%llx",
			 (unsigned long long)regs.rip);
	return buf;
}

/* HV_RUN, which must return 0 with exit @reason. */
static inline void x86_run_expect(struct __test_metadata *_metadata,
				  struct hv_test_vm *t, __u32 reason)
{
	char buf[256];
	int ret = __hv_ioctl(t->vcpu_fd, HV_RUN, NULL);

	ASSERT_EQ(0, ret) TH_LOG("HV_RUN: %s", strerror(-ret));
	ASSERT_EQ(reason, t->run->exit_reason)
		TH_LOG("expected exit %s, got %s", x86_exit_name(reason),
		       x86_exit_str(t, buf, sizeof(buf)));
}

/* Run to an OUT of @size bytes to @port; returns the value written. */
static inline __u64 x86_run_out(struct __test_metadata *_metadata,
				struct hv_test_vm *t, __u16 port, __u8 size)
{
	struct hv_run *run = t->run;
	char buf[256];
	__u64 value = 0;

	x86_run_expect(_metadata, t, HV_EXIT_IO);
	ASSERT_TRUE(run->io.direction == HV_IO_OUT && run->io.port == port &&
		    run->io.size == size && run->io.count == 1)
		TH_LOG("expected out port 0x%x size %u, got %s", port, size,
		       x86_exit_str(t, buf, sizeof(buf)));
	memcpy(&value, hv_io_data(run), size);
	return value;
}

static inline void x86_expect_out(struct __test_metadata *_metadata,
				  struct hv_test_vm *t, __u16 port, __u8 size,
				  __u64 value)
{
	__u64 got = x86_run_out(_metadata, t, port, size);

	ASSERT_EQ(value, got) TH_LOG("out port 0x%x: 0x%llx, expected 0x%llx",
				     port, (unsigned long long)got,
				     (unsigned long long)value);
}

/* Run to an IN of @size bytes from @port and answer @value. */
static inline void x86_answer_in(struct __test_metadata *_metadata,
				 struct hv_test_vm *t, __u16 port, __u8 size,
				 __u32 value)
{
	struct hv_run *run = t->run;
	char buf[256];

	x86_run_expect(_metadata, t, HV_EXIT_IO);
	ASSERT_TRUE(run->io.direction == HV_IO_IN && run->io.port == port &&
		    run->io.size == size && run->io.count == 1)
		TH_LOG("expected in port 0x%x size %u, got %s", port, size,
		       x86_exit_str(t, buf, sizeof(buf)));
	memcpy(hv_io_data(run), &value, size);
}

static inline void x86_expect_mmio_write(struct __test_metadata *_metadata,
					 struct hv_test_vm *t, __u64 gpa,
					 __u32 len, __u64 value)
{
	struct hv_run *run = t->run;
	char buf[256];
	__u64 got = 0;

	x86_run_expect(_metadata, t, HV_EXIT_MMIO);
	memcpy(&got, run->mmio.data, sizeof(got));
	ASSERT_TRUE(run->mmio.is_write && run->mmio.phys_addr == gpa &&
		    run->mmio.len == len && got == value)
		TH_LOG("expected mmio write 0x%llx len %u data 0x%llx, got %s",
		       (unsigned long long)gpa, len, (unsigned long long)value,
		       x86_exit_str(t, buf, sizeof(buf)));
}

static inline void x86_answer_mmio_read(struct __test_metadata *_metadata,
					struct hv_test_vm *t, __u64 gpa,
					__u32 len, __u64 value)
{
	struct hv_run *run = t->run;
	char buf[256];

	x86_run_expect(_metadata, t, HV_EXIT_MMIO);
	ASSERT_TRUE(!run->mmio.is_write && run->mmio.phys_addr == gpa &&
		    run->mmio.len == len)
		TH_LOG("expected mmio read 0x%llx len %u, got %s",
		       (unsigned long long)gpa, len,
		       x86_exit_str(t, buf, sizeof(buf)));
	memcpy(run->mmio.data, &value, sizeof(value));
}

/* Run to a hypercall @nr and return with @ret; the args are in t->run. */
static inline void x86_expect_hypercall(struct __test_metadata *_metadata,
					struct hv_test_vm *t, __u64 nr,
					__u64 ret)
{
	char buf[256];

	x86_run_expect(_metadata, t, HV_EXIT_HYPERCALL);
	ASSERT_EQ(nr, t->run->hypercall.nr)
		TH_LOG("got %s", x86_exit_str(t, buf, sizeof(buf)));
	t->run->hypercall.ret = ret;
}

static inline void x86_get_regs(struct __test_metadata *_metadata,
				struct hv_test_vm *t, struct hv_regs *regs)
{
	hv_ioctl(t->vcpu_fd, HV_GET_REGS, regs);
}

/*
 * Check the exit sequence of SEQ32 (guest_modes.S): @r8 is the value the
 * test gave R8 (the sixth hypercall argument).
 */
static inline void x86_check_seq32(struct __test_metadata *_metadata,
				   struct hv_test_vm *t, __u64 r8)
{
	struct hv_exit_hypercall *hc = &t->run->hypercall;
	unsigned int a, b, c, d;

	x86_expect_out(_metadata, t, 0x10, 1, 0x42);
	x86_expect_out(_metadata, t, 0x20, 2, 0x1234);
	x86_expect_out(_metadata, t, 0x21, 4, 0x12345678);
	x86_answer_in(_metadata, t, 0x11, 1, 0x99);
	x86_expect_out(_metadata, t, 0x12, 1, 0x99);
	x86_answer_in(_metadata, t, 0x22, 4, 0xcafef00d);
	x86_expect_out(_metadata, t, 0x16, 4, 0xcafef00d);

	x86_expect_mmio_write(_metadata, t, X86_MMIO + 0x10, 1, 0x77);
	x86_answer_mmio_read(_metadata, t, X86_MMIO + 0x20, 2, 0xbeef);
	x86_expect_out(_metadata, t, 0x13, 2, 0xbeef);
	x86_expect_mmio_write(_metadata, t, X86_MMIO + 0x30, 4, 0xdeadbeef);
	x86_expect_mmio_write(_metadata, t, X86_MMIO + 0x34, 4, 0x5a5a5a5a);
	x86_expect_mmio_write(_metadata, t, X86_MMIO + 0x40, 4, 0x11223344);
	/* the answers have bits above the access size: they must not leak */
	x86_answer_mmio_read(_metadata, t, X86_MMIO + 0x50, 1, 0xffffff80);
	x86_expect_out(_metadata, t, 0x17, 4, 0x80);
	x86_answer_mmio_read(_metadata, t, X86_MMIO + 0x58, 2, 0x12348001);
	x86_expect_out(_metadata, t, 0x17, 4, 0xffff8001);
	x86_answer_mmio_read(_metadata, t, X86_MMIO + 0x5c, 1, 0x80);
	x86_expect_out(_metadata, t, 0x17, 4, 0x5555ff80);
	x86_answer_mmio_read(_metadata, t, X86_MMIO + 0x5e, 1, 0x77ab);
	x86_expect_out(_metadata, t, 0x17, 4, 0x1122ab44);
	x86_answer_mmio_read(_metadata, t, X86_MMIO + 0x24, 4, 0x01020304);
	x86_expect_out(_metadata, t, 0x17, 4, 0x01020304);

	/* rep outsb: one exit with the five bytes */
	x86_run_expect(_metadata, t, HV_EXIT_IO);
	ASSERT_EQ(HV_IO_OUT, t->run->io.direction);
	ASSERT_EQ(0x18, t->run->io.port);
	ASSERT_EQ(1, t->run->io.size);
	ASSERT_EQ(5U, t->run->io.count);
	ASSERT_EQ(0, memcmp(hv_io_data(t->run), "hello", 5));
	/* rep insb: one exit for three bytes */
	x86_run_expect(_metadata, t, HV_EXIT_IO);
	ASSERT_EQ(HV_IO_IN, t->run->io.direction);
	ASSERT_EQ(0x19, t->run->io.port);
	ASSERT_EQ(1, t->run->io.size);
	ASSERT_EQ(3U, t->run->io.count);
	memcpy(hv_io_data(t->run), "abc", 3);
	x86_expect_out(_metadata, t, 0x1a, 4, X86_DATA + 0x103);
	x86_expect_out(_metadata, t, 0x1a, 4, 0);
	ASSERT_EQ(0, memcmp(x86_gpa(t, X86_DATA + 0x100), "abc", 3))
		TH_LOG("rep insb: guest memory has %02x %02x %02x",
		       ((__u8 *)x86_gpa(t, X86_DATA + 0x100))[0],
		       ((__u8 *)x86_gpa(t, X86_DATA + 0x100))[1],
		       ((__u8 *)x86_gpa(t, X86_DATA + 0x100))[2]);

	x86_expect_hypercall(_metadata, t, HC_SEQ, 12);
	ASSERT_EQ(7U, hc->args[0]);
	ASSERT_EQ(0x102U, hc->args[1]);
	ASSERT_EQ(0x103U, hc->args[2]);
	ASSERT_EQ(0x104U, hc->args[3]);
	ASSERT_EQ(0x105U, hc->args[4]);
	ASSERT_EQ(r8, hc->args[5]);
	x86_expect_out(_metadata, t, 0x14, 1, 12);

	__cpuid(0, a, b, c, d);
	(void)a;
	(void)c;
	(void)d;
	x86_expect_out(_metadata, t, 0x15, 4, b);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
}

/* Check EXTRA64 (guest_modes.S), which comes before SEQ32. */
static inline void x86_check_extra64(struct __test_metadata *_metadata,
				     struct hv_test_vm *t, __u64 r8)
{
	struct hv_exit_hypercall *hc = &t->run->hypercall;

	x86_expect_mmio_write(_metadata, t, X86_MMIO + 0x60, 8,
			      0x0123456789abcdefULL);
	x86_answer_mmio_read(_metadata, t, X86_MMIO + 0x68, 8,
			     0xfedcba9876543210ULL);
	x86_expect_mmio_write(_metadata, t, X86_MMIO + 0x70, 8,
			      0xfffffffffffffffeULL);
	x86_answer_mmio_read(_metadata, t, X86_MMIO + 0x78, 4,
			     0xaaaaaaaa8badf00dULL);
	x86_answer_mmio_read(_metadata, t, X86_MMIO + 0x88, 4,
			     0x76543210);
	x86_answer_mmio_read(_metadata, t, X86_MMIO + 0x90, 1, 0xab);
	x86_expect_mmio_write(_metadata, t, X86_MMIO + 0x80, 8,
			      0x0f0e0d0c0b0a0908ULL);
	x86_answer_mmio_read(_metadata, t, X86_MMIO + 0xa0, 4, 0x600df00d);
	x86_expect_hypercall(_metadata, t, 0x100000000ULL + HC_SEQ64, 0);
	EXPECT_EQ(0xfedcba9876543210ULL, hc->args[0]);
	EXPECT_EQ(0x8badf00dULL, hc->args[1]);
	EXPECT_EQ(0x76543210ULL, hc->args[2]);
	EXPECT_EQ(0x11111111111111abULL, hc->args[3]);
	EXPECT_EQ(0x600df00dULL, hc->args[4]);
	EXPECT_EQ(r8, hc->args[5]);
}

/* R8, the sixth hypercall argument, which the guests never write. */
static inline void x86_set_r8(struct __test_metadata *_metadata,
			      struct hv_test_vm *t, __u64 r8)
{
	struct hv_regs regs;

	x86_get_regs(_metadata, t, &regs);
	regs.gpr[8] = r8;
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs);
}

/*
 * The memory probe (guest_probe in 32-bit protected mode): loads and
 * stores at guest-physical addresses, each either in RAM (no exit but the
 * probe's own) or MMIO (one MMIO exit the test answers or checks).
 */
static inline void x86_probe_cmd(struct __test_metadata *_metadata,
				 struct hv_test_vm *t, __u32 cmd, __u32 addr)
{
	x86_answer_in(_metadata, t, PORT_PROBE_CMD, 4, cmd);
	x86_answer_in(_metadata, t, PORT_PROBE_ARG, 4, addr);
}

static inline __u32 x86_probe_read(struct __test_metadata *_metadata,
				   struct hv_test_vm *t, __u32 addr)
{
	x86_probe_cmd(_metadata, t, PROBE_READ32, addr);
	return x86_run_out(_metadata, t, PORT_PROBE_VAL, 4);
}

static inline __u8 x86_probe_read8(struct __test_metadata *_metadata,
				   struct hv_test_vm *t, __u32 addr)
{
	x86_probe_cmd(_metadata, t, PROBE_READ8, addr);
	return x86_run_out(_metadata, t, PORT_PROBE_VAL, 4);
}

static inline void x86_probe_write(struct __test_metadata *_metadata,
				   struct hv_test_vm *t, __u32 addr, __u32 val)
{
	x86_probe_cmd(_metadata, t, PROBE_WRITE32, addr);
	x86_answer_in(_metadata, t, PORT_PROBE_ARG, 4, val);
	x86_run_out(_metadata, t, PORT_PROBE_ACK, 1);
}

static inline void x86_probe_write8(struct __test_metadata *_metadata,
				    struct hv_test_vm *t, __u32 addr, __u8 val)
{
	x86_probe_cmd(_metadata, t, PROBE_WRITE8, addr);
	x86_answer_in(_metadata, t, PORT_PROBE_ARG, 4, val);
	x86_run_out(_metadata, t, PORT_PROBE_ACK, 1);
}

/* A 32-bit load that must become an MMIO read, answered with @val. */
static inline void x86_probe_read_mmio(struct __test_metadata *_metadata,
				       struct hv_test_vm *t, __u32 addr,
				       __u32 val)
{
	x86_probe_cmd(_metadata, t, PROBE_READ32, addr);
	x86_answer_mmio_read(_metadata, t, addr, 4, val);
	x86_expect_out(_metadata, t, PORT_PROBE_VAL, 4, val);
}

/* A 32-bit store that must become an MMIO write of @val. */
static inline void x86_probe_write_mmio(struct __test_metadata *_metadata,
					struct hv_test_vm *t, __u32 addr,
					__u32 val)
{
	x86_probe_cmd(_metadata, t, PROBE_WRITE32, addr);
	x86_answer_in(_metadata, t, PORT_PROBE_ARG, 4, val);
	x86_expect_mmio_write(_metadata, t, addr, 4, val);
	x86_run_out(_metadata, t, PORT_PROBE_ACK, 1);
}

static inline void x86_probe_setup(struct __test_metadata *_metadata,
				   struct hv_test_vm *t)
{
	X86_LOAD(t, probe);
	x86_set_pm32(_metadata, t);
}

/*
 * The events payload: an IDT of 32-bit interrupt gates to its stubs, in
 * flat protected mode, entered at @entry (a label of guest_events).
 */
static inline void x86_events_setup(struct __test_metadata *_metadata,
				    struct hv_test_vm *t,
				    const unsigned char *entry, bool irq_on)
{
	__u64 *idt = x86_gpa(t, X86_IDT);
	__u64 stubs = X86_GADDR(guest_events_stubs, events);
	struct hv_regs regs;
	int v;

	X86_LOAD(t, events);
	for (v = 0; v < 256; v++) {
		__u64 off = stubs + 16 * v;

		idt[v] = (off & 0xffff) | ((__u64)X86_SEL_CODE32 << 16) |
			 (0x8eULL << 40) | ((off >> 16) << 48);
	}
	x86_set_pm32(_metadata, t);
	x86_get_regs(_metadata, t, &regs);
	regs.rip = X86_GADDR(entry, events);
	if (irq_on)
		regs.rflags |= X86_RFLAGS_IF;
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs);
}

/* Run through one handler of guest_events: vector, error code, skip. */
static inline void x86_expect_handler(struct __test_metadata *_metadata,
				      struct hv_test_vm *t, __u32 vector,
				      __u32 error, __u32 skip)
{
	x86_expect_out(_metadata, t, PORT_VECTOR, 4, vector);
	x86_expect_out(_metadata, t, PORT_ERROR, 4, error);
	x86_answer_in(_metadata, t, PORT_SKIP, 4, skip);
}

static inline int x86_inject(struct hv_test_vm *t, __u32 type, __u32 vector,
			     bool has_error, __u32 error)
{
	struct hv_event ev = {
		.type = type, .vector = vector, .error_code = error,
		.flags = has_error ? HV_EVENT_HAS_ERROR_CODE : 0,
	};

	return __hv_ioctl(t->vcpu_fd, HV_INJECT_EVENT, &ev);
}

/*
 * Guest state HV_SET_SREGS / HV_SET_REGS accept and VM entry refuses
 * (ones Bochs checks too), for x86_fail_entry_then_fixed().
 */
enum x86_bad_state {
	BAD_CS_DPL,		/* CS a data segment (unrestricted guest) with DPL 3 */
	BAD_CS_RPL,		/* non-conforming CS with RPL != DPL */
	BAD_CS_NOT_PRESENT,
	BAD_TR_UNUSABLE,
	BAD_CS_L_AND_D,		/* 64-bit guest, CS.L and CS.D both set */
	BAD_GS_BASE,		/* non-canonical GS base */
};

/*
 * HV_RUN says HV_EXIT_FAIL_ENTRY with the VMX reason "invalid guest state"
 * (33 | bit 31), again on the next try; once the state is fixed the guest
 * (guest_out_hlt) runs where it was. @after_run: the failing entry is not
 * the vCPU's first one (VMRESUME rather than VMLAUNCH).
 */
static inline void x86_fail_entry_then_fixed(struct __test_metadata *_metadata,
					     struct hv_test_vm *t,
					     enum x86_bad_state bad,
					     bool after_run)
{
	bool lm = bad == BAD_CS_L_AND_D || bad == BAD_GS_BASE;
	struct hv_sregs good, s;
	char buf[256];

	X86_LOAD(t, out_hlt);
	if (lm)
		x86_set_lm64(_metadata, t);
	else
		x86_set_pm32(_metadata, t);
	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &good);
	if (after_run)
		x86_expect_out(_metadata, t, 0x70, 1, 0);

	s = good;
	switch (bad) {
	case BAD_CS_DPL:
		s.cs.ar = X86_AR_DATA | 3 << 5;
		break;
	case BAD_CS_RPL:
		s.cs.selector |= 3;
		break;
	case BAD_CS_NOT_PRESENT:
		s.cs.ar &= ~0x80;
		break;
	case BAD_TR_UNUSABLE:
		s.tr.ar = HV_AR_UNUSABLE;
		break;
	case BAD_CS_L_AND_D:
		s.cs.ar |= 1 << 14;
		break;
	case BAD_GS_BASE:
		s.gs.base = 0x8000000000000000ULL;
		break;
	}
	ASSERT_EQ(0, __hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &s));

	x86_run_expect(_metadata, t, HV_EXIT_FAIL_ENTRY);
	ASSERT_EQ(0x80000021ULL,
		  t->run->fail_entry.hardware_entry_failure_reason)
		TH_LOG("%s", x86_exit_str(t, buf, sizeof(buf)));
	x86_run_expect(_metadata, t, HV_EXIT_FAIL_ENTRY);
	ASSERT_EQ(0x80000021ULL,
		  t->run->fail_entry.hardware_entry_failure_reason)
		TH_LOG("second try: %s", x86_exit_str(t, buf, sizeof(buf)));

	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &good);
	if (!after_run)
		x86_expect_out(_metadata, t, 0x70, 1, 0);
	x86_run_expect(_metadata, t, HV_EXIT_HLT);
}

#endif /* HV_X86_UTIL_H */
