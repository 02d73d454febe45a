// SPDX-License-Identifier: GPL-2.0
/*
 * x86 guests on hv: real mode, each exit type a VMM handles.
 */
#include <stdint.h>
#include <unistd.h>
#include <cpuid.h>

#include "../hv_util.h"

extern const unsigned char guest_real_start[], guest_real_end[];

#define GUEST_LOAD	0x1000
#define MMIO_BASE	0xd0000

FIXTURE(real) {
	struct hv_test_vm t;
};

FIXTURE_SETUP(real)
{
	struct hv_test_vm *t = &self->t;
	struct hv_sregs sregs;
	struct hv_regs regs = { 0 };

	t->dev_fd = hv_open_dev();
	t->vm_fd = hv_create_vm(t->dev_fd);
	ASSERT_LE(0, t->vm_fd) TH_LOG("HV_CREATE_VM: %s", strerror(-t->vm_fd));
	t->ram_gpa = 0;
	t->ram_size = 0x80000;
	ASSERT_EQ(0, hv_set_region(t->vm_fd, 0, 0, t->ram_size, 0));
	t->ram = hv_map_ram(t->vm_fd, 0, t->ram_size);
	ASSERT_NE(NULL, t->ram);
	memcpy((char *)t->ram + GUEST_LOAD, guest_real_start,
	       guest_real_end - guest_real_start);
	t->vcpu_fd = hv_create_vcpu(t->vm_fd, 0);
	ASSERT_LE(0, t->vcpu_fd) TH_LOG("HV_CREATE_VCPU: %s",
					strerror(-t->vcpu_fd));
	t->run = hv_map_run(t->vcpu_fd);
	ASSERT_NE(NULL, t->run);

	hv_ioctl(t->vcpu_fd, HV_GET_SREGS, &sregs);
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	hv_ioctl(t->vcpu_fd, HV_SET_SREGS, &sregs);
	regs.rip = GUEST_LOAD;
	regs.rflags = 2;
	hv_ioctl(t->vcpu_fd, HV_SET_REGS, &regs);
}

FIXTURE_TEARDOWN(real)
{
	close(self->t.vcpu_fd);
	close(self->t.vm_fd);
	close(self->t.dev_fd);
}

static void expect_out(struct __test_metadata *_metadata, struct hv_run *run,
		       __u16 port, __u8 size, __u32 value)
{
	__u32 got = 0;

	ASSERT_EQ(HV_EXIT_IO, run->exit_reason);
	ASSERT_EQ(HV_IO_OUT, run->io.direction);
	ASSERT_EQ(port, run->io.port);
	ASSERT_EQ(size, run->io.size);
	ASSERT_EQ(1U, run->io.count);
	memcpy(&got, hv_io_data(run), size);
	ASSERT_EQ(value, got);
}

TEST_F(real, every_exit)
{
	struct hv_test_vm *t = &self->t;
	struct hv_run *run = t->run;
	unsigned int a, b, c, d;
	__u16 mmio_data = 0xbeef;

	ASSERT_EQ(0, hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	expect_out(_metadata, run, 0x10, 1, 0x42);
	ASSERT_EQ(0, hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	expect_out(_metadata, run, 0x20, 2, 0x1234);

	ASSERT_EQ(0, hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	ASSERT_EQ(HV_EXIT_IO, run->exit_reason);
	ASSERT_EQ(HV_IO_IN, run->io.direction);
	ASSERT_EQ(0x11, run->io.port);
	*(__u8 *)hv_io_data(run) = 0x99;
	ASSERT_EQ(0, hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	expect_out(_metadata, run, 0x12, 1, 0x99);

	ASSERT_EQ(0, hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	ASSERT_EQ(HV_EXIT_MMIO, run->exit_reason);
	ASSERT_EQ(MMIO_BASE + 0x10, run->mmio.phys_addr);
	ASSERT_EQ(1U, run->mmio.len);
	ASSERT_EQ(1, run->mmio.is_write);
	ASSERT_EQ(0x77, run->mmio.data[0]);

	ASSERT_EQ(0, hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	ASSERT_EQ(HV_EXIT_MMIO, run->exit_reason);
	ASSERT_EQ(MMIO_BASE + 0x20, run->mmio.phys_addr);
	ASSERT_EQ(2U, run->mmio.len);
	ASSERT_EQ(0, run->mmio.is_write);
	memcpy(run->mmio.data, &mmio_data, 2);
	ASSERT_EQ(0, hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	expect_out(_metadata, run, 0x13, 2, 0xbeef);

	ASSERT_EQ(0, hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	ASSERT_EQ(HV_EXIT_HYPERCALL, run->exit_reason);
	ASSERT_EQ(5U, run->hypercall.nr);
	ASSERT_EQ(7U, run->hypercall.args[0]);
	run->hypercall.ret = 12;
	ASSERT_EQ(0, hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	expect_out(_metadata, run, 0x14, 1, 12);

	/* CPUID leaf 0 in the guest: the host's vendor string */
	__cpuid(0, a, b, c, d);
	ASSERT_EQ(0, hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	expect_out(_metadata, run, 0x15, 4, b);

	ASSERT_EQ(0, hv_ioctl(t->vcpu_fd, HV_RUN, NULL));
	ASSERT_EQ(HV_EXIT_HLT, run->exit_reason);
}

TEST_HARNESS_MAIN
