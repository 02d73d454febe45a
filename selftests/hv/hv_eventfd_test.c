// SPDX-License-Identifier: GPL-2.0
/*
 * HV_IOEVENTFD and HV_IRQFD.
 *
 * The guest is a set of tiny blocks, one per access: the test points the
 * vCPU at a block with the address and value in registers, and the block
 * does that one access and then a "sync" access that always exits (x86:
 * OUT to port 0x10; arm64: a write to SYNC_ADDR). When the first exit is
 * the sync, the access never reached user space: an ioeventfd took it.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hv_tiny_guest.h"

#define MMIO_BASE	0xe0000ULL	/* no RAM there (RAM_SIZE is 64 KiB) */
#define PIO_PORT	0x510

#if defined(__x86_64__)
/*
 * Real mode, CS = 0: DS = BX, the access at DS:DI, then out %al,$0x10.
 * Offsets from GUEST_LOAD: see the BLK_* below.
 */
static const unsigned char guest_blocks[] = {
	/* 0x00 MMIO write 1: mov %bx,%ds; mov %al,(%di); out; jmp . */
	0x8e, 0xdb, 0x88, 0x05, 0xe6, 0x10, 0xeb, 0xfe,
	0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x10 MMIO write 2: mov %ax,(%di) */
	0x8e, 0xdb, 0x89, 0x05, 0xe6, 0x10, 0xeb, 0xfe,
	0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x20 MMIO write 4: mov %eax,(%di) */
	0x8e, 0xdb, 0x66, 0x89, 0x05, 0xe6, 0x10, 0xeb, 0xfe,
	0, 0, 0, 0, 0, 0, 0,
	/* 0x30 MMIO write 8: none in real mode */
	0xeb, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x40 MMIO read 1: mov (%di),%al */
	0x8e, 0xdb, 0x8a, 0x05, 0xe6, 0x10, 0xeb, 0xfe,
	0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x50 OUT 1: out %al,(%dx) */
	0xee, 0xe6, 0x10, 0xeb, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x60 OUT 2: out %ax,(%dx) */
	0xef, 0xe6, 0x10, 0xeb, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x70 OUT 4: out %eax,(%dx) */
	0x66, 0xef, 0xe6, 0x10, 0xeb, 0xfe,
};

#define HAVE_PIO	1
#define MAX_WRITE_LEN	4

static bool is_sync(const struct hv_run *run)
{
	return run->exit_reason == HV_EXIT_IO && run->io.port == 0x10;
}

static int set_block(int vcpu_fd, unsigned int block, __u64 addr,
		     __u64 value)
{
	struct hv_regs regs;

	if (ioctl(vcpu_fd, HV_GET_REGS, &regs))
		return -1;
	regs.rip = GUEST_LOAD + block;
	regs.gpr[HV_X86_RAX] = value;
	regs.gpr[HV_X86_RBX] = addr >> 4;
	regs.gpr[HV_X86_RDI] = addr & 0xf;
	regs.gpr[HV_X86_RDX] = addr;
	return ioctl(vcpu_fd, HV_SET_REGS, &regs);
}
#elif defined(__aarch64__)
#define SYNC_ADDR	0xf0000ULL

/* EL1, MMU off: the access at [x1] of x0/w0, then strb w0,[x2]; b . */
static const unsigned int guest_blocks[] = {
	0x39000020, 0x39000040, 0x14000000, 0,	/* 0x00 strb w0,[x1] */
	0x79000020, 0x39000040, 0x14000000, 0,	/* 0x10 strh w0,[x1] */
	0xb9000020, 0x39000040, 0x14000000, 0,	/* 0x20 str w0,[x1] */
	0xf9000020, 0x39000040, 0x14000000, 0,	/* 0x30 str x0,[x1] */
	0x39400020, 0x39000040, 0x14000000, 0,	/* 0x40 ldrb w0,[x1] */
};

#define HAVE_PIO	0
#define MAX_WRITE_LEN	8

static bool is_sync(const struct hv_run *run)
{
	return run->exit_reason == HV_EXIT_MMIO &&
	       run->mmio.phys_addr == SYNC_ADDR;
}

static int set_block(int vcpu_fd, unsigned int block, __u64 addr,
		     __u64 value)
{
	struct hv_regs regs;

	if (ioctl(vcpu_fd, HV_GET_REGS, &regs))
		return -1;
	regs.pc = GUEST_LOAD + block;
	regs.x[0] = value;
	regs.x[1] = addr;
	regs.x[2] = SYNC_ADDR;
	return ioctl(vcpu_fd, HV_SET_REGS, &regs);
}
#endif

#define BLK_WRITE(len)	((len) == 1 ? 0x00 : (len) == 2 ? 0x10 : \
			 (len) == 4 ? 0x20 : 0x30)
#define BLK_READ1	0x40
#define BLK_OUT(len)	((len) == 1 ? 0x50 : (len) == 2 ? 0x60 : 0x70)

static int ioeventfd(int vm_fd, __u64 addr, __u32 len, int fd, __u32 flags,
		     __u64 datamatch)
{
	struct hv_ioeventfd a = {
		.addr = addr, .len = len, .fd = fd, .flags = flags,
		.datamatch = datamatch,
	};

	return __hv_ioctl(vm_fd, HV_IOEVENTFD, &a);
}

static int irqfd(int vm_fd, int fd, __u32 irq, __u32 flags, int resamplefd)
{
	struct hv_irqfd a = {
		.fd = fd, .irq = irq, .flags = flags, .resamplefd = resamplefd,
	};

	return __hv_ioctl(vm_fd, HV_IRQFD, &a);
}

/* The eventfd's counter, reset to 0; 0 when it was not signalled. */
static __u64 efd_take(int efd)
{
	__u64 v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static long check_cap(int dev_fd, __u32 cap)
{
	return ioctl(dev_fd, HV_CHECK_CAP, &cap);
}

/*
 * Run one guest access of @len bytes (@pio: an OUT to port @addr; @read:
 * a 1-byte MMIO read), then its sync. Return: true when the access exited
 * to user space (checked to be that access), false when the first exit
 * was the sync.
 */
static bool guest_access(struct __test_metadata *_metadata,
			 struct hv_test_vm *t, bool pio, bool read,
			 __u32 len, __u64 addr, __u64 value)
{
	struct hv_run *run = t->run;
	unsigned int block;
	__u64 data = 0;

	block = pio ? BLK_OUT(len) : read ? BLK_READ1 : BLK_WRITE(len);
	ASSERT_EQ(0, set_block(t->vcpu_fd, block, addr, value));
	ASSERT_EQ(0, ioctl(t->vcpu_fd, HV_RUN, 0));
	if (is_sync(run))
		return false;
	if (pio) {
		ASSERT_EQ(HV_EXIT_IO, run->exit_reason);
		ASSERT_EQ(addr, run->io.port);
		ASSERT_EQ(len, run->io.size);
		ASSERT_EQ(HV_IO_OUT, run->io.direction);
		memcpy(&data, hv_io_data(run), len);
	} else {
		ASSERT_EQ(HV_EXIT_MMIO, run->exit_reason);
		ASSERT_EQ(addr, run->mmio.phys_addr);
		ASSERT_EQ(len, run->mmio.len);
		ASSERT_EQ(!read, run->mmio.is_write);
		memcpy(&data, run->mmio.data, len);
	}
	if (!read) {
		ASSERT_EQ(value, data);
	}
	ASSERT_EQ(0, ioctl(t->vcpu_fd, HV_RUN, 0));
	ASSERT_TRUE(is_sync(run));
	return true;
}

#define mmio_write(len, addr, value) \
	guest_access(_metadata, &self->t, false, false, len, addr, value)

FIXTURE(evfd) {
	struct hv_test_vm t;
	int efd;
};

FIXTURE_SETUP(evfd)
{
	self->t.dev_fd = hv_open_dev();
	tiny_vm(_metadata, &self->t, (const unsigned char *)guest_blocks,
		sizeof(guest_blocks), 0);
	self->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(evfd)
{
	close(self->efd);
	tiny_vm_close(&self->t);
	close(self->t.dev_fd);
}

TEST(caps)
{
	int dev_fd = hv_open_dev();
	long irqchip = check_cap(dev_fd, HV_CAP_IRQCHIP);

	EXPECT_EQ(HV_MAX_IOEVENTFDS, check_cap(dev_fd, HV_CAP_IOEVENTFD));
	EXPECT_EQ(irqchip ? HV_MAX_IRQFDS : 0, check_cap(dev_fd, HV_CAP_IRQFD));
	close(dev_fd);
}

/* A registered write signals the eventfd and never exits; others do. */
TEST_F(evfd, mmio_write_no_exit)
{
	int i;

	/* before registering: an ordinary MMIO exit */
	ASSERT_TRUE(mmio_write(4, MMIO_BASE, 0x11223344));
	ASSERT_EQ(0, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, self->efd, 0, 0));
	for (i = 0; i < 3; i++)
		ASSERT_FALSE(mmio_write(4, MMIO_BASE, 0x11223344 + i));
	EXPECT_EQ(3, efd_take(self->efd));
	/* another address, another length, a read: exits as before */
	EXPECT_TRUE(mmio_write(4, MMIO_BASE + 4, 1));
	EXPECT_TRUE(mmio_write(2, MMIO_BASE, 1));
	EXPECT_TRUE(guest_access(_metadata, &self->t, false, true, 1,
				 MMIO_BASE, 0));
	EXPECT_EQ(0, efd_take(self->efd));
	/* removed: exits again */
	ASSERT_EQ(0, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, self->efd,
			       HV_IOEVENTFD_DEASSIGN, 0));
	EXPECT_TRUE(mmio_write(4, MMIO_BASE, 5));
	EXPECT_EQ(0, efd_take(self->efd));
}

/* Every access size the arch can do, and len 0 matching all of them. */
TEST_F(evfd, mmio_lengths)
{
	__u32 len;

	for (len = 1; len <= MAX_WRITE_LEN; len *= 2) {
		__u64 addr = MMIO_BASE + 0x100 + len * 8;

		ASSERT_EQ(0, ioeventfd(self->t.vm_fd, addr, len, self->efd,
				       0, 0));
		EXPECT_FALSE(mmio_write(len, addr, len));
		EXPECT_EQ(1, efd_take(self->efd)) TH_LOG("len %u", len);
	}
	ASSERT_EQ(0, ioeventfd(self->t.vm_fd, MMIO_BASE, 0, self->efd, 0, 0));
	for (len = 1; len <= MAX_WRITE_LEN; len *= 2)
		EXPECT_FALSE(mmio_write(len, MMIO_BASE, 0x55)) TH_LOG("len %u", len);
	EXPECT_EQ(MAX_WRITE_LEN == 8 ? 4 : 3, efd_take(self->efd));
	/* len 0 covers every length: any other registration there collides */
	EXPECT_EQ(-EEXIST, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, self->efd,
				     0, 0));
}

/* virtio-mmio's QueueNotify: one address, one eventfd per queue index. */
TEST_F(evfd, datamatch)
{
	int efd2 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_LE(0, efd2);
	ASSERT_EQ(0, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, self->efd,
			       HV_IOEVENTFD_DATAMATCH, 0));
	ASSERT_EQ(0, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, efd2,
			       HV_IOEVENTFD_DATAMATCH, 1));
	EXPECT_FALSE(mmio_write(4, MMIO_BASE, 1));
	EXPECT_FALSE(mmio_write(4, MMIO_BASE, 1));
	EXPECT_FALSE(mmio_write(4, MMIO_BASE, 0));
	EXPECT_EQ(1, efd_take(self->efd));
	EXPECT_EQ(2, efd_take(efd2));
	/* a miss is an ordinary exit with the data */
	EXPECT_TRUE(mmio_write(4, MMIO_BASE, 2));
	EXPECT_TRUE(mmio_write(4, MMIO_BASE, 0x100));
	EXPECT_EQ(0, efd_take(self->efd));
	EXPECT_EQ(0, efd_take(efd2));
	/* same match again, or a wildcard over them: EEXIST */
	EXPECT_EQ(-EEXIST, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, efd2,
				     HV_IOEVENTFD_DATAMATCH, 1));
	EXPECT_EQ(-EEXIST, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, efd2, 0, 0));
	/* deassign needs the same match and eventfd */
	EXPECT_EQ(-ENOENT, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, self->efd,
				     HV_IOEVENTFD_DATAMATCH |
				     HV_IOEVENTFD_DEASSIGN, 1));
	EXPECT_EQ(0, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, efd2,
			       HV_IOEVENTFD_DATAMATCH |
			       HV_IOEVENTFD_DEASSIGN, 1));
	EXPECT_TRUE(mmio_write(4, MMIO_BASE, 1));
	EXPECT_FALSE(mmio_write(4, MMIO_BASE, 0));
	EXPECT_EQ(1, efd_take(self->efd));
	close(efd2);
}

/* A single byte write with a data match: the byte, not the register. */
TEST_F(evfd, datamatch_byte)
{
	ASSERT_EQ(0, ioeventfd(self->t.vm_fd, MMIO_BASE, 1, self->efd,
			       HV_IOEVENTFD_DATAMATCH, 0xab));
	EXPECT_FALSE(mmio_write(1, MMIO_BASE, 0x12ab));
	EXPECT_TRUE(mmio_write(1, MMIO_BASE, 0xac));
	EXPECT_EQ(1, efd_take(self->efd));
}

TEST_F(evfd, pio)
{
	if (!HAVE_PIO) {
		EXPECT_EQ(-EINVAL, ioeventfd(self->t.vm_fd, PIO_PORT, 2,
					     self->efd, HV_IOEVENTFD_PIO, 0));
		SKIP(return, "port I/O is x86 only");
	}
	ASSERT_TRUE(guest_access(_metadata, &self->t, true, false, 2,
				 PIO_PORT, 0x1234));
	ASSERT_EQ(0, ioeventfd(self->t.vm_fd, PIO_PORT, 2, self->efd,
			       HV_IOEVENTFD_PIO, 0));
	EXPECT_FALSE(guest_access(_metadata, &self->t, true, false, 2,
				  PIO_PORT, 0x1234));
	EXPECT_EQ(1, efd_take(self->efd));
	/* other sizes are not it */
	EXPECT_TRUE(guest_access(_metadata, &self->t, true, false, 1,
				 PIO_PORT, 0x12));
	EXPECT_TRUE(guest_access(_metadata, &self->t, true, false, 4,
				 PIO_PORT, 0x12345678));
	EXPECT_EQ(0, efd_take(self->efd));
	/* with a data match: only AX's value, not EAX's upper half */
	ASSERT_EQ(0, ioeventfd(self->t.vm_fd, PIO_PORT + 4, 1, self->efd,
			       HV_IOEVENTFD_PIO | HV_IOEVENTFD_DATAMATCH, 7));
	EXPECT_FALSE(guest_access(_metadata, &self->t, true, false, 1,
				  PIO_PORT + 4, 0xff07));
	EXPECT_TRUE(guest_access(_metadata, &self->t, true, false, 1,
				 PIO_PORT + 4, 8));
	EXPECT_EQ(1, efd_take(self->efd));
	/* the last port, and past it */
	EXPECT_EQ(0, ioeventfd(self->t.vm_fd, 0xfffe, 2, self->efd,
			       HV_IOEVENTFD_PIO, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(self->t.vm_fd, 0xffff, 2, self->efd,
				     HV_IOEVENTFD_PIO, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(self->t.vm_fd, 0x10000, 1, self->efd,
				     HV_IOEVENTFD_PIO, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(self->t.vm_fd, PIO_PORT, 8, self->efd,
				     HV_IOEVENTFD_PIO, 0));
}

TEST_F(evfd, errors)
{
	struct hv_ioeventfd a = {
		.addr = MMIO_BASE, .len = 4, .fd = self->efd,
	};
	long gpa_bits = check_cap(self->t.dev_fd, HV_CAP_GPA_BITS);
	int vm = self->t.vm_fd, pipefd[2], i;
	unsigned long bad_size_cmd =
		_IOW(HVIO, 0x14, struct { __u64 x[7]; });

	for (i = 0; i < 9; i++) {
		a.reserved[i] = 1;
		EXPECT_EQ(-EINVAL, __hv_ioctl(vm, HV_IOEVENTFD, &a));
		a.reserved[i] = 0;
	}
	a.flags = 1u << 3;
	EXPECT_EQ(-EINVAL, __hv_ioctl(vm, HV_IOEVENTFD, &a));
	a.flags = 1u << 31;
	EXPECT_EQ(-EINVAL, __hv_ioctl(vm, HV_IOEVENTFD, &a));
	EXPECT_EQ(-ENOTTY, __hv_ioctl(vm, bad_size_cmd, &a));
	for (i = 3; i <= 16; i++) {
		if (i == 4 || i == 8)
			continue;
		EXPECT_EQ(-EINVAL, ioeventfd(vm, MMIO_BASE, i, self->efd, 0, 0));
	}
	EXPECT_EQ(-EINVAL, ioeventfd(vm, MMIO_BASE, 0, self->efd,
				     HV_IOEVENTFD_DATAMATCH, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, MMIO_BASE, 1, self->efd,
				     HV_IOEVENTFD_DATAMATCH, 0x100));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, MMIO_BASE, 4, self->efd,
				     HV_IOEVENTFD_DATAMATCH, 1ULL << 32));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ~0ULL, 1, self->efd, 0, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, ~0ULL - 3, 8, self->efd, 0, 0));
	/* the guest-physical address space ends at 1 << HV_CAP_GPA_BITS */
	ASSERT_LT(31, gpa_bits);
	EXPECT_EQ(-EINVAL, ioeventfd(vm, 1ULL << gpa_bits, 4, self->efd, 0, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, (1ULL << gpa_bits) - 2, 4, self->efd,
				     0, 0));
	EXPECT_EQ(0, ioeventfd(vm, (1ULL << gpa_bits) - 4, 4, self->efd, 0, 0));
	EXPECT_EQ(0, ioeventfd(vm, (1ULL << gpa_bits) - 4, 4, self->efd,
			       HV_IOEVENTFD_DEASSIGN, 0));
	EXPECT_EQ(-EBADF, ioeventfd(vm, MMIO_BASE, 4, -1, 0, 0));
	EXPECT_EQ(-EBADF, ioeventfd(vm, MMIO_BASE, 4, 100000, 0, 0));
	ASSERT_EQ(0, pipe(pipefd));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, MMIO_BASE, 4, pipefd[0], 0, 0));
	EXPECT_EQ(-EINVAL, ioeventfd(vm, MMIO_BASE, 4, vm, 0, 0));
	close(pipefd[0]);
	close(pipefd[1]);
	/* removing what is not there */
	EXPECT_EQ(-ENOENT, ioeventfd(vm, MMIO_BASE, 4, self->efd,
				     HV_IOEVENTFD_DEASSIGN, 0));
	ASSERT_EQ(0, ioeventfd(vm, MMIO_BASE, 4, self->efd, 0, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, MMIO_BASE, 4, self->efd, 0, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(vm, MMIO_BASE, 0, self->efd, 0, 0));
	EXPECT_EQ(-ENOENT, ioeventfd(vm, MMIO_BASE, 2, self->efd,
				     HV_IOEVENTFD_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, ioeventfd(vm, MMIO_BASE + 4, 4, self->efd,
				     HV_IOEVENTFD_DEASSIGN, 0));
	EXPECT_EQ(0, ioeventfd(vm, MMIO_BASE, 4, self->efd,
			       HV_IOEVENTFD_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, ioeventfd(vm, MMIO_BASE, 4, self->efd,
				     HV_IOEVENTFD_DEASSIGN, 0));
}

/* HV_MAX_IOEVENTFDS of them, each found; one more is ENOSPC. */
TEST_F(evfd, limit)
{
	int efds[HV_MAX_IOEVENTFDS], extra, i;

	for (i = 0; i < HV_MAX_IOEVENTFDS; i++) {
		efds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ASSERT_LE(0, efds[i]);
		/* registered from the top down: each one sorts in first */
		ASSERT_EQ(0, ioeventfd(self->t.vm_fd,
				       MMIO_BASE + 8 * (HV_MAX_IOEVENTFDS - 1 - i),
				       4, efds[i], 0, 0)) TH_LOG("#%d", i);
	}
	extra = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, extra);
	EXPECT_EQ(-ENOSPC, ioeventfd(self->t.vm_fd, MMIO_BASE + 0x1000, 4,
				     extra, 0, 0));
	for (i = 0; i < HV_MAX_IOEVENTFDS; i += 37) {
		__u64 addr = MMIO_BASE + 8 * (HV_MAX_IOEVENTFDS - 1 - i);

		EXPECT_FALSE(mmio_write(4, addr, i)) TH_LOG("#%d", i);
		EXPECT_EQ(1, efd_take(efds[i])) TH_LOG("#%d", i);
	}
	EXPECT_FALSE(mmio_write(4, MMIO_BASE, 1));
	EXPECT_EQ(1, efd_take(efds[HV_MAX_IOEVENTFDS - 1]));
	/* between two registrations: not one */
	EXPECT_TRUE(mmio_write(4, MMIO_BASE + 4, 1));
	/* one out, one in */
	ASSERT_EQ(0, ioeventfd(self->t.vm_fd, MMIO_BASE, 4,
			       efds[HV_MAX_IOEVENTFDS - 1],
			       HV_IOEVENTFD_DEASSIGN, 0));
	EXPECT_EQ(0, ioeventfd(self->t.vm_fd, MMIO_BASE + 0x1000, 4, extra,
			       0, 0));
	EXPECT_FALSE(mmio_write(4, MMIO_BASE + 0x1000, 1));
	EXPECT_EQ(1, efd_take(extra));
	close(extra);
	/* the VM goes with all of them registered (teardown) */
	for (i = 0; i < HV_MAX_IOEVENTFDS; i++)
		close(efds[i]);
}

/* The registration holds the eventfd: closing it changes nothing. */
TEST_F(evfd, close_eventfd)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), efd2;

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, efd, 0, 0));
	close(efd);
	EXPECT_FALSE(mmio_write(4, MMIO_BASE, 1));
	EXPECT_FALSE(mmio_write(4, MMIO_BASE, 2));
	/* a new eventfd (perhaps with the same number) is another one */
	efd2 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, efd2);
	EXPECT_EQ(-ENOENT, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, efd2,
				     HV_IOEVENTFD_DEASSIGN, 0));
	EXPECT_EQ(-EEXIST, ioeventfd(self->t.vm_fd, MMIO_BASE, 4, efd2, 0, 0));
	close(efd2);
}

/* The VM goes (vCPU and VM fds closed) with registrations. */
TEST(vm_destroy)
{
	struct hv_test_vm t = { .dev_fd = hv_open_dev() };
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), round;
	__u64 v = 0;

	ASSERT_LE(0, efd);
	for (round = 0; round < 3; round++) {
		tiny_vm(_metadata, &t, (const unsigned char *)guest_blocks,
			sizeof(guest_blocks), 0);
		ASSERT_EQ(0, ioeventfd(t.vm_fd, MMIO_BASE, 4, efd, 0, 0));
		ASSERT_EQ(0, ioeventfd(t.vm_fd, MMIO_BASE + 8, 0, efd, 0, 0));
		ASSERT_FALSE(guest_access(_metadata, &t, false, false, 4,
					  MMIO_BASE, 1));
		/* the vCPU first, then the VM; the other way round next */
		if (round & 1) {
			close(t.vm_fd);
			close(t.vcpu_fd);
		} else {
			close(t.vcpu_fd);
			close(t.vm_fd);
		}
		munmap(t.run, HV_RUN_MMAP_SIZE);
		munmap(t.ram, RAM_SIZE);
	}
	/* the eventfd outlives the VMs that held it */
	EXPECT_EQ(sizeof(v), read(efd, &v, sizeof(v)));
	EXPECT_EQ(3, v);
	v = 1;
	EXPECT_EQ(sizeof(v), write(efd, &v, sizeof(v)));
	close(efd);
	close(t.dev_fd);
}

/* irqfd on a VM without the in-kernel interrupt controller. */
TEST_F(evfd, irqfd_no_irqchip)
{
	struct hv_irqfd a = { .fd = self->efd, .irq = 5 };
	int vm = self->t.vm_fd, i;

	EXPECT_EQ(-ENXIO, __hv_ioctl(vm, HV_IRQFD, &a));
	EXPECT_EQ(-ENXIO, irqfd(vm, self->efd, 5, HV_IRQFD_DEASSIGN, 0));
	/* argument checks come first */
	for (i = 0; i < 2; i++) {
		a.reserved[i] = 1;
		EXPECT_EQ(-EINVAL, __hv_ioctl(vm, HV_IRQFD, &a));
		a.reserved[i] = 0;
	}
	EXPECT_EQ(-EINVAL, irqfd(vm, self->efd, 5, 1u << 2, 0));
	EXPECT_EQ(-EINVAL, irqfd(vm, self->efd, 5, 0, self->efd));
	EXPECT_EQ(-EINVAL, irqfd(vm, self->efd, 5,
				 HV_IRQFD_DEASSIGN | HV_IRQFD_RESAMPLE, 0));
}

/* An irqchip VM with a vCPU, or SKIP when the backend has none. */
static int irqchip_vm(struct __test_metadata *_metadata, int dev_fd,
		      int *vcpu_fd)
{
	struct hv_vm_create args = { .flags = HV_VM_IRQCHIP };
	int vm_fd;

	vm_fd = __hv_ioctl(dev_fd, HV_CREATE_VM, &args);
	ASSERT_LE(0, vm_fd);
	*vcpu_fd = hv_create_vcpu(vm_fd, 0);
	ASSERT_LE(0, *vcpu_fd);
	return vm_fd;
}

/* An IRQ line the controller has (HV_IRQ_LINE numbering). */
#if defined(__aarch64__)
#define TEST_IRQ	33
#else
#define TEST_IRQ	5
#endif

TEST(irqfd_rules)
{
	int dev_fd = hv_open_dev(), vm, vcpu, efd, r1, pipefd[2], i;
	int efds[HV_MAX_IRQFDS + 1];

	if (!check_cap(dev_fd, HV_CAP_IRQCHIP))
		SKIP(close(dev_fd); return, "no in-kernel interrupt controller");
	vm = irqchip_vm(_metadata, dev_fd, &vcpu);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r1 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_LE(0, r1);

	EXPECT_EQ(-EBADF, irqfd(vm, -1, TEST_IRQ, 0, 0));
	EXPECT_EQ(-EBADF, irqfd(vm, efd, TEST_IRQ, HV_IRQFD_RESAMPLE, -1));
	ASSERT_EQ(0, pipe(pipefd));
	EXPECT_EQ(-EINVAL, irqfd(vm, pipefd[0], TEST_IRQ, 0, 0));
	EXPECT_EQ(-EINVAL, irqfd(vm, efd, TEST_IRQ, HV_IRQFD_RESAMPLE,
				 pipefd[0]));
	EXPECT_EQ(-EINVAL, irqfd(vm, efd, TEST_IRQ, HV_IRQFD_RESAMPLE, efd));
	EXPECT_EQ(-ENOENT, irqfd(vm, efd, TEST_IRQ, HV_IRQFD_DEASSIGN, 0));

	ASSERT_EQ(0, irqfd(vm, efd, TEST_IRQ, 0, 0));
	EXPECT_EQ(-EEXIST, irqfd(vm, efd, TEST_IRQ, 0, 0));
	EXPECT_EQ(-EEXIST, irqfd(vm, efd, TEST_IRQ + 1, HV_IRQFD_RESAMPLE, r1));
	EXPECT_EQ(-ENOENT, irqfd(vm, efd, TEST_IRQ + 1, HV_IRQFD_DEASSIGN, 0));
	EXPECT_EQ(0, irqfd(vm, efd, TEST_IRQ, HV_IRQFD_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, irqfd(vm, efd, TEST_IRQ, HV_IRQFD_DEASSIGN, 0));

	/* the limit; closing an eventfd frees its slot */
	for (i = 0; i < HV_MAX_IRQFDS; i++) {
		efds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ASSERT_LE(0, efds[i]);
		ASSERT_EQ(0, irqfd(vm, efds[i], TEST_IRQ, 0, 0)) TH_LOG("#%d", i);
	}
	EXPECT_EQ(-ENOSPC, irqfd(vm, efd, TEST_IRQ, 0, 0));
	close(efds[7]);
	EXPECT_EQ(0, irqfd(vm, efd, TEST_IRQ, HV_IRQFD_RESAMPLE, r1));
	EXPECT_EQ(-ENOSPC, irqfd(vm, r1, TEST_IRQ, 0, 0));
	/* signal them all while the VM goes */
	for (i = 0; i < HV_MAX_IRQFDS; i++) {
		__u64 one = 1;

		if (i != 7)
			EXPECT_EQ(sizeof(one), write(efds[i], &one, sizeof(one)));
	}
	close(vcpu);
	close(vm);
	for (i = 0; i < HV_MAX_IRQFDS; i++)
		if (i != 7)
			close(efds[i]);
	close(pipefd[0]);
	close(pipefd[1]);
	close(efd);
	close(r1);
	close(dev_fd);
}

struct signaller {
	int efd;
	volatile bool stop;
	unsigned long n;
};

static void *signal_loop(void *arg)
{
	struct signaller *s = arg;
	__u64 one = 1;

	while (!s->stop) {
		if (write(s->efd, &one, sizeof(one)) == sizeof(one))
			s->n++;
	}
	return NULL;
}

/* A thread signals an irqfd while the VM is created and destroyed. */
TEST(irqfd_signal_during_destroy)
{
	struct signaller s = { 0 };
	int dev_fd = hv_open_dev(), round;
	pthread_t thread;

	if (!check_cap(dev_fd, HV_CAP_IRQCHIP))
		SKIP(close(dev_fd); return, "no in-kernel interrupt controller");
	s.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, s.efd);
	ASSERT_EQ(0, pthread_create(&thread, NULL, signal_loop, &s));
	for (round = 0; round < 20; round++) {
		int vcpu, vm = irqchip_vm(_metadata, dev_fd, &vcpu);

		ASSERT_EQ(0, irqfd(vm, s.efd, TEST_IRQ, 0, 0));
		usleep(1000);
		close(vcpu);
		close(vm);
	}
	s.stop = true;
	pthread_join(thread, NULL);
	EXPECT_LT(0, s.n);
	close(s.efd);
	close(dev_fd);
}

/*
 * TEST_IRQ as an edge-triggered line to vCPU 0, its pending state read and
 * cleared in the controller (no guest runs): x86: IOAPIC pin -> vector
 * EDGE_VECTOR in the LAPIC's IRR (SDM Vol. 3A, 11.8.4); arm64: the SPI's
 * pending latch in the distributor state (IHI 0069, 4.1: a rising edge
 * of an edge-triggered interrupt makes it pending).
 */
#if defined(__x86_64__) && defined(HV_GET_IOAPIC)
#define HAVE_LINE_STATE	1
#define EDGE_VECTOR	0x40

static int line_setup_edge(int vm, int vcpu)
{
	struct hv_ioapic_state io;
	struct hv_lapic_state a;

	if (ioctl(vcpu, HV_GET_LAPIC, &a))
		return -1;
	a.regs[0xf0 / 16] |= 0x100;	/* SVR: software-enabled */
	if (ioctl(vcpu, HV_SET_LAPIC, &a) || ioctl(vm, HV_GET_IOAPIC, &io))
		return -1;
	io.redirtbl[TEST_IRQ] = EDGE_VECTOR;	/* edge, fixed, APIC 0 */
	return ioctl(vm, HV_SET_IOAPIC, &io);
}

/* 1 pending, 0 not, -1 error; @clear: and clear it */
static int line_pending(int vm, int vcpu, bool clear)
{
	unsigned int irr = 0x200 / 16 + EDGE_VECTOR / 32;
	__u32 bit = 1u << (EDGE_VECTOR % 32);
	struct hv_lapic_state a;
	int pending;

	(void)vm;
	if (ioctl(vcpu, HV_GET_LAPIC, &a))
		return -1;
	pending = !!(a.regs[irr] & bit);
	if (clear && pending) {
		a.regs[irr] &= ~bit;
		if (ioctl(vcpu, HV_SET_LAPIC, &a))
			return -1;
	}
	return pending;
}
#elif defined(__aarch64__)
#define HAVE_LINE_STATE	1

static int dist_state(int vm, struct hv_arm64_vgic_dist_state *st, bool set)
{
	struct hv_arm64_state_buf b = {
		.addr = (unsigned long)st, .size = sizeof(*st),
	};

	return ioctl(vm, set ? HV_ARM64_SET_VGIC_DIST : HV_ARM64_GET_VGIC_DIST,
		     &b);
}

static int line_setup_edge(int vm, int vcpu)
{
	struct hv_arm64_vgic_dist_state st;

	(void)vcpu;
	if (dist_state(vm, &st, false))
		return -1;
	st.ctlr |= 2;			/* EnableGrp1 */
	st.spi[TEST_IRQ - 32].flags = HV_ARM64_VGIC_IRQ_ENABLED |
				      HV_ARM64_VGIC_IRQ_EDGE |
				      HV_ARM64_VGIC_IRQ_GROUP1;
	st.spi[TEST_IRQ - 32].irouter = 0;	/* vCPU 0 */
	return dist_state(vm, &st, true);
}

static int line_pending(int vm, int vcpu, bool clear)
{
	struct hv_arm64_vgic_dist_state st;
	__u8 *flags = &st.spi[TEST_IRQ - 32].flags;
	int pending;

	(void)vcpu;
	if (dist_state(vm, &st, false))
		return -1;
	pending = !!(*flags & HV_ARM64_VGIC_IRQ_PENDING);
	if (clear && pending) {
		*flags &= ~HV_ARM64_VGIC_IRQ_PENDING;
		if (dist_state(vm, &st, true))
			return -1;
	}
	return pending;
}
#endif

#ifdef HAVE_LINE_STATE
/*
 * hv's controllers inject from the eventfd's wake-up: the interrupt is
 * pending in the controller when write() returns, and the irqfd consumed
 * the signal (the counter reads 0). With the work item of before, the
 * line went up a little later, in a kernel thread.
 */
TEST(irqfd_inject_in_write)
{
	int dev_fd = hv_open_dev(), vm, vcpu, efd, i;
	__u64 one = 1;

	if (!check_cap(dev_fd, HV_CAP_IRQCHIP))
		SKIP(close(dev_fd); return, "no in-kernel interrupt controller");
	vm = irqchip_vm(_metadata, dev_fd, &vcpu);
	ASSERT_EQ(0, line_setup_edge(vm, vcpu));
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, irqfd(vm, efd, TEST_IRQ, 0, 0));
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, line_pending(vm, vcpu, true));
		ASSERT_EQ(sizeof(one), write(efd, &one, sizeof(one)));
		ASSERT_EQ(1, line_pending(vm, vcpu, false)) TH_LOG("signal %d", i);
		ASSERT_EQ(0, efd_take(efd));
		ASSERT_EQ(1, line_pending(vm, vcpu, true));
	}
	close(efd);
	close(vcpu);
	close(vm);
	close(dev_fd);
}

#define STORM_THREADS	4

struct storm {
	int fd;			/* what the threads write */
	int writes;		/* per thread and round; 0: until stop */
	volatile bool stop;
	pthread_barrier_t start, done;
	unsigned long n[STORM_THREADS];
};

struct storm_thread {
	struct storm *s;
	int id;
};

static void *storm_rounds(void *arg)
{
	struct storm_thread *t = arg;
	struct storm *s = t->s;
	__u64 one = 1;
	int i;

	for (;;) {
		pthread_barrier_wait(&s->start);
		if (s->stop)
			return NULL;
		for (i = 0; i < s->writes; i++)
			if (write(s->fd, &one, sizeof(one)) == sizeof(one))
				s->n[t->id]++;
		pthread_barrier_wait(&s->done);
	}
}

static void *storm_loop(void *arg)
{
	struct storm_thread *t = arg;
	struct storm *s = t->s;
	__u64 one = 1;

	while (!s->stop)
		if (write(s->fd, &one, sizeof(one)) == sizeof(one))
			s->n[t->id]++;
	return NULL;
}

/*
 * Many threads signal one irqfd at once: every signal goes through the
 * irqfd (none is left on the eventfd's counter) and the interrupt is
 * pending after each round.
 */
TEST(irqfd_many_threads)
{
	struct storm_thread t[STORM_THREADS];
	pthread_t th[STORM_THREADS];
	struct storm s = { .writes = 200 };
	int dev_fd = hv_open_dev(), vm, vcpu, round, i;

	if (!check_cap(dev_fd, HV_CAP_IRQCHIP))
		SKIP(close(dev_fd); return, "no in-kernel interrupt controller");
	vm = irqchip_vm(_metadata, dev_fd, &vcpu);
	ASSERT_EQ(0, line_setup_edge(vm, vcpu));
	s.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, s.fd);
	ASSERT_EQ(0, irqfd(vm, s.fd, TEST_IRQ, 0, 0));
	ASSERT_EQ(0, pthread_barrier_init(&s.start, NULL, STORM_THREADS + 1));
	ASSERT_EQ(0, pthread_barrier_init(&s.done, NULL, STORM_THREADS + 1));
	for (i = 0; i < STORM_THREADS; i++) {
		t[i] = (struct storm_thread){ .s = &s, .id = i };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, storm_rounds, &t[i]));
	}
	for (round = 0; round < 20; round++) {
		ASSERT_LE(0, line_pending(vm, vcpu, true));
		pthread_barrier_wait(&s.start);
		pthread_barrier_wait(&s.done);
		EXPECT_EQ(1, line_pending(vm, vcpu, false)) TH_LOG("round %d", round);
		EXPECT_EQ(0, efd_take(s.fd)) TH_LOG("round %d", round);
	}
	s.stop = true;
	pthread_barrier_wait(&s.start);
	for (i = 0; i < STORM_THREADS; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(20 * s.writes, s.n[i]);
	}
	pthread_barrier_destroy(&s.start);
	pthread_barrier_destroy(&s.done);
	close(s.fd);
	close(vcpu);
	close(vm);
	close(dev_fd);
}

/*
 * Threads signal fd number STORM_FD all the time while the main thread
 * binds a new eventfd there each round (dup2() closes the old one, whose
 * irqfd goes away on EPOLLHUP while it is being signalled), alternates
 * pulse and resampling irqfds and deassigns every resampling one and
 * every third pulse one while they are signalled. A signal of
 * its own reaches the controller each pulse round, and after the storm
 * one more does on a fresh binding. A use after free would show in the
 * kernel log (the harness scans it; KASAN on the debug targets).
 */
#define STORM_FD	200

TEST(irqfd_signal_while_closed)
{
	struct storm_thread t[STORM_THREADS];
	pthread_t th[STORM_THREADS];
	struct storm s = { .fd = STORM_FD };
	int dev_fd = hv_open_dev(), vm, vcpu, rfd, efd, round, i;
	unsigned long total = 0;
	__u64 one = 1;

	if (!check_cap(dev_fd, HV_CAP_IRQCHIP))
		SKIP(close(dev_fd); return, "no in-kernel interrupt controller");
	vm = irqchip_vm(_metadata, dev_fd, &vcpu);
	ASSERT_EQ(0, line_setup_edge(vm, vcpu));
	rfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, rfd);
	ASSERT_LE(0, efd);
	ASSERT_EQ(STORM_FD, dup2(efd, STORM_FD));
	close(efd);
	for (i = 0; i < STORM_THREADS; i++) {
		t[i] = (struct storm_thread){ .s = &s, .id = i };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, storm_loop, &t[i]));
	}
	for (round = 0; round < 60; round++) {
		bool resample = round % 2;

		/* the old eventfd's last reference goes: EPOLLHUP */
		efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ASSERT_LE(0, efd);
		ASSERT_EQ(STORM_FD, dup2(efd, STORM_FD));
		close(efd);
		/* reaps the closed one (a resampling one's line goes down) */
		ASSERT_EQ(0, irqfd(vm, STORM_FD, TEST_IRQ,
				   resample ? HV_IRQFD_RESAMPLE : 0,
				   resample ? rfd : 0));
		if (!resample) {
			ASSERT_LE(0, line_pending(vm, vcpu, true));
			ASSERT_EQ(sizeof(one), write(STORM_FD, &one, sizeof(one)));
			EXPECT_EQ(1, line_pending(vm, vcpu, false)) TH_LOG("round %d", round);
		}
		/*
		 * A resampling one always: closed, it could outlive the next
		 * round (a thread's write() holds the file) with its line up
		 * and the next pulse would make no edge.
		 */
		if (resample || round % 3 == 0)
			ASSERT_EQ(0, irqfd(vm, STORM_FD, TEST_IRQ,
					   HV_IRQFD_DEASSIGN, 0));
	}
	s.stop = true;
	for (i = 0; i < STORM_THREADS; i++) {
		pthread_join(th[i], NULL);
		total += s.n[i];
	}
	EXPECT_LT(0, total);
	/* the last binding ends; a fresh one still delivers */
	close(STORM_FD);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, irqfd(vm, efd, TEST_IRQ, 0, 0));
	ASSERT_LE(0, line_pending(vm, vcpu, true));
	ASSERT_EQ(sizeof(one), write(efd, &one, sizeof(one)));
	EXPECT_EQ(1, line_pending(vm, vcpu, false));
	close(efd);
	close(rfd);
	close(vcpu);
	close(vm);
	close(dev_fd);
}
#endif

#if defined(__x86_64__) && defined(HV_GET_IOAPIC)
/*
 * Delivery through the x86 controller, seen in its state without running
 * the guest: IOAPIC pin -> the LAPIC's IRR (SDM Vol. 3A, 11.8.4: IRR bit
 * n at offset 0x200 + 0x10 * (n / 32)). Built when the uapi has the
 * controller's state ioctls; runs when HV_CAP_IRQCHIP is not 0.
 */
#define LAPIC_SVR	(0xf0 / 16)
#define LAPIC_IRR(v)	(0x200 / 16 + (v) / 32)
#define REDIR_LEVEL	(1ULL << 15)

/*
 * Wait (bounded, 5 s) until the IRR bit of @vector is set: the irqfd's
 * work item injects a little after the signal.
 */
static bool irr_set(int vcpu_fd, unsigned int vector)
{
	struct hv_lapic_state a;
	int i;

	for (i = 0; i < 5000; i++) {
		if (ioctl(vcpu_fd, HV_GET_LAPIC, &a))
			return false;
		if (a.regs[LAPIC_IRR(vector)] & (1u << (vector % 32)))
			return true;
		usleep(1000);
	}
	return false;
}

TEST(irqfd_delivery_x86)
{
	int dev_fd = hv_open_dev(), vm, vcpu, efd, efd2, rfd, i;
	struct hv_ioapic_state io;
	struct hv_lapic_state a;
	__u64 one = 1;

	if (!check_cap(dev_fd, HV_CAP_IRQCHIP))
		SKIP(close(dev_fd); return, "no in-kernel interrupt controller");
	vm = irqchip_vm(_metadata, dev_fd, &vcpu);
	ASSERT_EQ(0, ioctl(vcpu, HV_GET_LAPIC, &a));
	a.regs[LAPIC_SVR] |= 0x100;	/* software-enabled */
	ASSERT_EQ(0, ioctl(vcpu, HV_SET_LAPIC, &a));
	ASSERT_EQ(0, ioctl(vm, HV_GET_IOAPIC, &io));
	io.redirtbl[5] = 0x40;			/* edge, fixed, APIC 0 */
	io.redirtbl[6] = 0x41 | REDIR_LEVEL;	/* level */
	ASSERT_EQ(0, ioctl(vm, HV_SET_IOAPIC, &io));

	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	efd2 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	rfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_EQ(0, irqfd(vm, efd, 5, 0, 0));
	ASSERT_EQ(0, irqfd(vm, efd2, 6, HV_IRQFD_RESAMPLE, rfd));

	/* edge: a pulse, the line goes down again (same work item) */
	ASSERT_EQ(sizeof(one), write(efd, &one, sizeof(one)));
	EXPECT_TRUE(irr_set(vcpu, 0x40));
	for (i = 0; i < 5000; i++) {
		ASSERT_EQ(0, ioctl(vm, HV_GET_IOAPIC, &io));
		if (!(io.lines & (1u << 5)))
			break;
		usleep(1000);
	}
	EXPECT_EQ(0, io.lines & (1u << 5));

	/* level with resample: the line stays up until the guest's EOI */
	ASSERT_EQ(sizeof(one), write(efd2, &one, sizeof(one)));
	EXPECT_TRUE(irr_set(vcpu, 0x41));
	ASSERT_EQ(0, ioctl(vm, HV_GET_IOAPIC, &io));
	EXPECT_EQ(1u << 6, io.lines & (1u << 6));
	/* removing the resampling irqfd takes its line down */
	ASSERT_EQ(0, irqfd(vm, efd2, 6, HV_IRQFD_DEASSIGN, 0));
	ASSERT_EQ(0, ioctl(vm, HV_GET_IOAPIC, &io));
	EXPECT_EQ(0, io.lines & (1u << 6));

	close(efd);
	close(efd2);
	close(rfd);
	close(vcpu);
	close(vm);
	close(dev_fd);
}
#endif

TEST_HARNESS_MAIN
