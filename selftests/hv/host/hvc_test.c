// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the hvctl VMM's virtio console (tools/hvctl/vmm/virtio/
 * console.c) on the VMM's console (vmm/console.c), compiled into this
 * program, which is the guest's driver: it sets the two queues up in a
 * buffer standing in for guest RAM, writes on the transmit queue and
 * posts receive buffers. What the guest writes must reach the console's
 * output; what is typed must reach the receive buffers alone (the UART
 * gets none while the device exists), in order, none lost when the
 * buffers are fewer or smaller than the input, and the UART gets the
 * input back once the device is gone. Built with ASan and UBSan.
 *
 * Waits poll the used rings with a bound of many seconds, a guard against
 * a hang only.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "vmm.h"
#include "virtio/virtio.h"
#include "virtio/console.h"

#define RAM_GPA		0x40000000ULL
#define RAM_SIZE	0x100000ULL
#define NUM		16
#define Q_DESC(q)	(0x10000 * (q))
#define Q_AVAIL(q)	(0x10000 * (q) + 0x1000)
#define Q_USED(q)	(0x10000 * (q) + 0x2000)
#define BUFS		0x40000
#define G(off)		(RAM_GPA + (off))
#define WAIT_MS		20000

FIXTURE(hvc) {
	struct hvctl_vmm vmm;
	struct hvctl_def def;
	uint8_t *ram;
	struct hvctl_gmem mem;
	struct virtio_mmio_dev dev;
	struct hvctl_vcon *vc;
	uint16_t avail[2], used_seen[2];
};

static void wr(FIXTURE_DATA(hvc) *t, uint32_t off, uint32_t val)
{
	virtio_mmio_write(&t->dev, off, &val, 4);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_nsec = ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void post(FIXTURE_DATA(hvc) *t, unsigned int q, uint16_t i,
		 uint64_t off, uint32_t len, uint16_t flags)
{
	struct virtq_desc *d = (void *)(t->ram + Q_DESC(q) + 16 * i);
	uint16_t *avail = (void *)(t->ram + Q_AVAIL(q));

	*d = (struct virtq_desc){ .addr = G(off), .len = len, .flags = flags };
	avail[2 + t->avail[q] % NUM] = i;
	t->avail[q]++;
	__atomic_store_n(&avail[1], t->avail[q], __ATOMIC_RELEASE);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* Waits for the next used entry of queue @q: its length, or -1. */
static int used(FIXTURE_DATA(hvc) *t, unsigned int q)
{
	uint16_t *idx = (void *)(t->ram + Q_USED(q) + 2);
	unsigned int ms;
	uint32_t len;

	for (ms = 0; __atomic_load_n(idx, __ATOMIC_ACQUIRE) ==
		     t->used_seen[q]; ms++) {
		if (ms == WAIT_MS)
			return -1;
		sleep_ms(1);
	}
	len = *(uint32_t *)(t->ram + Q_USED(q) + 8 +
			    8 * (t->used_seen[q] % NUM));
	t->used_seen[q]++;
	return len;
}

FIXTURE_SETUP(hvc)
{
	char err[256];
	unsigned int q;

	memset(&self->vmm, 0, sizeof(self->vmm));
	memset(&self->def, 0, sizeof(self->def));
	self->vmm.def = &self->def;
	self->vmm.input_fd = self->vmm.listen_fd = self->vmm.console_fd = -1;
	self->vmm.con_wake[0] = self->vmm.con_wake[1] = -1;
	for (q = 0; q < HVCTL_VMM_MAX_CLIENTS; q++)
		self->vmm.clients[q] = -1;
	pthread_mutex_init(&self->vmm.lock, NULL);
	ASSERT_EQ(0, hvctl_console_init(&self->vmm));
	self->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ram);
	self->mem = (struct hvctl_gmem){ .base = self->ram, .gpa = RAM_GPA,
					 .size = RAM_SIZE };
	self->vc = hvctl_vcon_create(&self->vmm, &self->dev, &self->mem, err,
				     sizeof(err));
	ASSERT_NE(NULL, self->vc) TH_LOG("%s", err);
	ASSERT_EQ(VIRTIO_ID_CONSOLE, ({ uint32_t v;
		virtio_mmio_read(&self->dev, VIRTIO_MMIO_DEVICE_ID, &v, 4); v; }));
	wr(self, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE);
	wr(self, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
	wr(self, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(self, VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	wr(self, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
	   VIRTIO_S_FEATURES_OK);
	for (q = 0; q < 2; q++) {
		wr(self, VIRTIO_MMIO_QUEUE_SEL, q);
		wr(self, VIRTIO_MMIO_QUEUE_NUM, NUM);
		wr(self, VIRTIO_MMIO_QUEUE_DESC_LOW, G(Q_DESC(q)));
		wr(self, VIRTIO_MMIO_QUEUE_DRIVER_LOW, G(Q_AVAIL(q)));
		wr(self, VIRTIO_MMIO_QUEUE_DEVICE_LOW, G(Q_USED(q)));
		wr(self, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	wr(self, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
	   VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK);
}

FIXTURE_TEARDOWN(hvc)
{
	hvctl_vcon_destroy(self->vc);
	munmap(self->ram, RAM_SIZE);
	hvctl_console_fini(&self->vmm);
}

/* The guest's writes (two buffers of one chain, then another) are output. */
TEST_F(hvc, output_reaches_the_console)
{
	static const char a[] = "hello ", b[] = "hvc0\n";

	memcpy(self->ram + BUFS, a, 6);
	post(self, 1, 0, BUFS, 6, 0);
	ASSERT_EQ(0, used(self, 1));
	memcpy(self->ram + BUFS + 0x100, b, 5);
	post(self, 1, 1, BUFS + 0x100, 5, 0);
	ASSERT_EQ(0, used(self, 1));
	ASSERT_EQ(11, self->vmm.out_total);
	EXPECT_EQ(0, memcmp(self->vmm.ring, "hello hvc0\n", 11));
}

/*
 * Typed input goes to the receive buffers, not the UART: 10 bytes into
 * 4-byte buffers posted one at a time, in order, none lost.
 */
TEST_F(hvc, input_goes_to_hvc0_only)
{
	char got[16] = { 0 };
	unsigned int n = 0, i;
	int len;

	hvctl_console_in(&self->vmm, (const uint8_t *)"0123456789", 10);
	pthread_mutex_lock(&self->vmm.lock);
	EXPECT_EQ(-1, __hvctl_console_getc(&self->vmm));
	EXPECT_EQ(0, __hvctl_console_rx_ready(&self->vmm));
	pthread_mutex_unlock(&self->vmm.lock);
	for (i = 0; n < 10; i++) {
		post(self, 0, i % NUM, BUFS + 0x1000 + 16 * i, 4,
		     VIRTQ_DESC_F_WRITE);
		len = used(self, 0);
		ASSERT_LT(0, len);
		ASSERT_GE(4, len);
		memcpy(got + n, self->ram + BUFS + 0x1000 + 16 * i, len);
		n += len;
	}
	EXPECT_STREQ("0123456789", got);
	EXPECT_EQ(3, i);
	/* nothing waits now: a new buffer stays until input comes */
	post(self, 0, 5, BUFS + 0x2000, 64, VIRTQ_DESC_F_WRITE);
	hvctl_console_in(&self->vmm, (const uint8_t *)"x", 1);
	ASSERT_EQ(1, used(self, 0));
	EXPECT_EQ('x', self->ram[BUFS + 0x2000]);
}

/* Once the device is gone the UART reads the input again. */
TEST_F(hvc, input_back_to_the_uart)
{
	hvctl_vcon_destroy(self->vc);
	self->vc = NULL;
	EXPECT_EQ(NULL, self->vmm.hvc_rx);
	hvctl_console_in(&self->vmm, (const uint8_t *)"u", 1);
	pthread_mutex_lock(&self->vmm.lock);
	EXPECT_EQ(1, __hvctl_console_rx_ready(&self->vmm));
	EXPECT_EQ('u', __hvctl_console_getc(&self->vmm));
	pthread_mutex_unlock(&self->vmm.lock);
}

TEST_HARNESS_MAIN
