// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/hv: the device node, the API version, HV_CHECK_CAP and the ioctl
 * dispatcher's rejection of commands it does not know.
 */
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "hv_selftest.h"
#include "hv_util.h"

TEST(node_is_a_root_only_char_device)
{
	struct stat st;

	ASSERT_EQ(0, stat(HV_DEVICE_PATH, &st)) {
		TH_LOG("%s: %s (is hv.ko loaded?)", HV_DEVICE_PATH,
		       strerror(errno));
	}
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	/* Like /dev/kvm: access is granted by mode and group, not by hv. */
	EXPECT_EQ((mode_t)0600, st.st_mode & 07777);
	EXPECT_EQ((uid_t)0, st.st_uid);
	/* misc devices have major 10 */
	EXPECT_EQ(10U, major(st.st_rdev));
}

FIXTURE(hv_dev) {
	int fd;
};

FIXTURE_SETUP(hv_dev)
{
	self->fd = -1;
	self->fd = hv_open_dev();
}

FIXTURE_TEARDOWN(hv_dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(hv_dev, api_version)
{
	EXPECT_EQ(HV_API_VERSION, hv_ioctl(self->fd, HV_GET_API_VERSION, NULL));
	/* The argument of an _IO command is ignored, whatever it is. */
	EXPECT_EQ(HV_API_VERSION,
		  hv_ioctl(self->fd, HV_GET_API_VERSION, (void *)-1L));
}

/*
 * HV_CHECK_CAP reads the capability number through a pointer. The number
 * itself, passed as KVM_CHECK_EXTENSION takes it, is an address in the
 * first page, which is never mapped: EFAULT, never a wrong answer.
 */
TEST_F(hv_dev, check_cap_takes_a_pointer)
{
	static const struct {
		__u32 cap;
		long value;
	} caps[] = {
		{ HV_CAP_MAX_VCPUS, HV_MAX_VCPUS },
		{ HV_CAP_MAX_MEM_REGIONS, HV_MAX_MEM_REGIONS },
		{ HV_CAP_RUN_SIZE, HV_RUN_MMAP_SIZE },
#if defined(__x86_64__)
		{ HV_CAP_ARCH, HV_ARCH_X86_64 },
#else
		{ HV_CAP_ARCH, HV_ARCH_ARM64 },
#endif
		{ 0, 0 },		/* unknown: absent */
		{ 0x7fffffff, 0 },
	};
	__u32 cap = HV_CAP_GPA_BITS;
	size_t i;
	int bits;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		cap = caps[i].cap;
		EXPECT_EQ(caps[i].value, __hv_ioctl(self->fd, HV_CHECK_CAP, &cap))
			TH_LOG("capability %u", caps[i].cap);
	}
	cap = HV_CAP_GPA_BITS;
	bits = __hv_ioctl(self->fd, HV_CHECK_CAP, &cap);
	EXPECT_LE(32, bits);
	EXPECT_GE(52, bits);
	for (cap = HV_CAP_MAX_VCPUS; cap <= HV_CAP_GPA_BITS; cap++)
		EXPECT_EQ(-EFAULT, __hv_ioctl(self->fd, HV_CHECK_CAP,
					      (void *)(unsigned long)cap))
			TH_LOG("capability %u passed by value", cap);
}

TEST_F(hv_dev, unknown_ioctls_are_enotty)
{
	char big[64] = { 0 };
	const unsigned long bad[] = {
		_IO(0xAE, 0x00),			/* KVM_GET_API_VERSION */
		_IO(HVIO, 0x7f),			/* unused number */
		_IO(HVIO, 0xff),
		_IOR(HVIO, 0x00, int),			/* right number, wrong dir */
		_IOW(HVIO, 0x00, int),
		_IOWR(HVIO, 0x00, char[64]),		/* ... and wrong size */
		_IOC(_IOC_READ, HVIO, 0x00, 0x3fff),	/* largest size */
		0,
		~0UL,
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-ENOTTY, __hv_ioctl(self->fd, bad[i], big)) {
			TH_LOG("cmd %#lx", bad[i]);
		}
	}
}

/*
 * HV_VM_IRQCHIP is taken when HV_CAP_IRQCHIP says so and refused with
 * EOPNOTSUPP otherwise; unknown VM flags stay EINVAL. HV_IRQ_LINE needs the
 * in-kernel controller (ENXIO without) and checks level and reserved first.
 */
TEST_F(hv_dev, irqchip_flag_and_irq_line)
{
	struct hv_vm_create vc = { .flags = HV_VM_IRQCHIP };
	struct hv_irq_level line = { .irq = 0, .level = 1 };
	__u32 cap = HV_CAP_IRQCHIP;
	long lines = __hv_ioctl(self->fd, HV_CHECK_CAP, &cap);
	int vm, vm_irq;

	ASSERT_LE(0, lines);
	vm = hv_create_vm(self->fd);
	EXPECT_EQ(-ENXIO, __hv_ioctl(vm, HV_IRQ_LINE, &line));
	line.level = 2;
	EXPECT_EQ(-EINVAL, __hv_ioctl(vm, HV_IRQ_LINE, &line));
	line.level = 1;
	line.reserved[2] = 1;
	EXPECT_EQ(-EINVAL, __hv_ioctl(vm, HV_IRQ_LINE, &line));
	line.reserved[2] = 0;
	close(vm);

	vc.flags = 1u << 31;
	EXPECT_EQ(-EINVAL, __hv_ioctl(self->fd, HV_CREATE_VM, &vc));
	vc.flags = HV_VM_IRQCHIP;
	vm_irq = __hv_ioctl(self->fd, HV_CREATE_VM, &vc);
	if (!lines) {
		EXPECT_EQ(-EOPNOTSUPP, vm_irq);
		return;
	}
	ASSERT_LE(0, vm_irq);
	line.irq = 0x7fffffff;
	EXPECT_EQ(-EINVAL, __hv_ioctl(vm_irq, HV_IRQ_LINE, &line));
	close(vm_irq);
}

TEST(open_close_10k)
{
	int i, fd;

	for (i = 0; i < 10000; i++) {
		fd = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("open #%d: %s", i, strerror(errno));
		ASSERT_EQ(0, close(fd));
	}
}

TEST(many_open_files)
{
	enum { NFDS = 512 };
	int fds[NFDS], i;

	for (i = 0; i < NFDS; i++) {
		fds[i] = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fds[i]) TH_LOG("open #%d: %s", i, strerror(errno));
	}
	for (i = 0; i < NFDS; i++)
		EXPECT_EQ(HV_API_VERSION,
			  __hv_ioctl(fds[i], HV_GET_API_VERSION, NULL));
	for (i = 0; i < NFDS; i++)
		ASSERT_EQ(0, close(fds[i]));
}

TEST_HARNESS_MAIN
