// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the hvctl VMM's virtio devices (tools/hvctl/vmm/virtio/:
 * the virtio-mmio transport, split virtqueues, virtio-blk), compiled into
 * this program. The test is the guest driver: it owns a buffer standing in
 * for guest RAM (at guest-physical 0x40000000, so that an address below
 * RAM is as wrong as one above it), writes the transport's registers the
 * way an MMIO exit would, lays out the rings, posts requests and waits for
 * the device's I/O thread to complete them. The disk is a temporary file
 * in $TMPDIR (default /var/tmp).
 *
 * The hostile-ring cases each corrupt one thing; the device must answer
 * with DEVICE_NEEDS_RESET (and a configuration interrupt once DRIVER_OK
 * was set), survive, and serve requests again after a reset. Built with
 * -fsanitize=address,undefined, so that a read or write outside the RAM
 * buffer or the device's own arrays fails the case even when it would not
 * crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "vmm.h"
#include "ioquota.h"
#include "ratelimit.h"
#include "virtio.h"

#define RAM_GPA		0x40000000ULL
#define RAM_SIZE	0x100000ULL
#define DISK_SIZE	(1ULL << 20)
#define NUM		16

/* guest-physical layout, as offsets into RAM */
#define DESC		0x1000
#define AVAIL		0x2000
#define USED		0x3000
#define INDIRECT	0x4000		/* up to 0x1000 entries: 64 KiB */
#define INDIRECT2	0x16000
#define HDR		0x18000
#define STATUS		0x18100
#define SEGS		0x18200
#define DATA		0x20000		/* up to 256 KiB */
#define DATA2		0x70000

#define G(off)		(RAM_GPA + (off))

FIXTURE(vblk) {
	uint8_t *ram;
	struct hvctl_gmem mem;
	struct virtio_mmio_dev dev;
	struct hvctl_blk *blk;
	char path[PATH_MAX];
	uint16_t avail_idx;
	pthread_mutex_t m;
	pthread_cond_t c;
	unsigned int irqs;
	int line;
	int no_ack;	/* wait_device() leaves InterruptStatus alone */
	char why[256];	/* the device's last complaint */
};

static void test_irq(struct virtio_mmio_dev *dev, int level)
{
	FIXTURE_DATA(vblk) *t = dev->opaque;

	pthread_mutex_lock(&t->m);
	t->line = level;
	t->irqs += level;
	pthread_cond_broadcast(&t->c);
	pthread_mutex_unlock(&t->m);
}

static void test_log(struct virtio_mmio_dev *dev, const char *msg)
{
	FIXTURE_DATA(vblk) *t = dev->opaque;

	pthread_mutex_lock(&t->m);
	snprintf(t->why, sizeof(t->why), "%s", msg);
	pthread_mutex_unlock(&t->m);
}

struct hvctl_vcpu;
static int mmio_exit(struct hvctl_vcpu *vcpu, uint64_t gpa, int write,
		     uint32_t *val);

/* ACKNOWLEDGE to DRIVER_OK through MMIO exits (no queue): 0 when up. */
static int driver_up_bus(struct hvctl_vcpu *vcpu, uint64_t slot)
{
	uint32_t v, s = VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER;

	mmio_exit(vcpu, slot + VIRTIO_MMIO_STATUS, 1, &s);
	v = 1;
	mmio_exit(vcpu, slot + VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1, &v);
	mmio_exit(vcpu, slot + VIRTIO_MMIO_DRIVER_FEATURES, 1, &v);
	s |= VIRTIO_S_FEATURES_OK;
	mmio_exit(vcpu, slot + VIRTIO_MMIO_STATUS, 1, &s);
	s |= VIRTIO_S_DRIVER_OK;
	mmio_exit(vcpu, slot + VIRTIO_MMIO_STATUS, 1, &s);
	mmio_exit(vcpu, slot + VIRTIO_MMIO_STATUS, 0, &v);
	return v == s ? 0 : -1;
}

static uint32_t rd(FIXTURE_DATA(vblk) *t, uint64_t off)
{
	uint32_t v;

	virtio_mmio_read(&t->dev, off, &v, 4);
	return v;
}

static void wr(FIXTURE_DATA(vblk) *t, uint64_t off, uint32_t v)
{
	virtio_mmio_write(&t->dev, off, &v, 4);
}

static void *gp(FIXTURE_DATA(vblk) *t, uint64_t off)
{
	return t->ram + off;
}

static struct virtq_desc *desc(FIXTURE_DATA(vblk) *t, uint64_t table,
			       unsigned int i)
{
	return (struct virtq_desc *)gp(t, table) + i;
}

static void set_desc(FIXTURE_DATA(vblk) *t, uint64_t table, unsigned int i,
		     uint64_t gpa, uint32_t len, uint16_t flags, uint16_t next)
{
	*desc(t, table, i) = (struct virtq_desc){ .addr = gpa, .len = len,
						  .flags = flags, .next = next };
}

static uint16_t used_idx(FIXTURE_DATA(vblk) *t)
{
	return __atomic_load_n((uint16_t *)gp(t, USED + 2), __ATOMIC_ACQUIRE);
}

/* Makes @t's disk a device; 0 or -1 with the reason in @err. */
static int open_blk(FIXTURE_DATA(vblk) *t, uint32_t flags, char *err,
		    size_t len)
{
	struct hvctl_disk d = { .flags = flags };

	snprintf(d.path, sizeof(d.path), "%s", t->path);
	t->blk = hvctl_blk_create(&d, &t->dev, &t->mem, err, len);
	if (!t->blk)
		return -1;
	pthread_mutex_lock(&t->dev.lock);
	t->dev.opaque = t;
	t->dev.irq = test_irq;
	t->dev.log = test_log;
	pthread_mutex_unlock(&t->dev.lock);
	return 0;
}

/*
 * The driver's initialisation (virtio 1.2, 3.1.1) with the features in
 * @want that the device offers: the status after it, or -1 when the
 * device refused FEATURES_OK.
 */
static int driver_up(FIXTURE_DATA(vblk) *t, uint64_t want)
{
	uint64_t offered;
	uint32_t s;

	wr(t, VIRTIO_MMIO_STATUS, 0);
	wr(t, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE);
	wr(t, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
	wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered = (uint64_t)rd(t, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered |= rd(t, VIRTIO_MMIO_DEVICE_FEATURES);
	want &= offered;
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, want);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, want >> 32);
	s = VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK;
	wr(t, VIRTIO_MMIO_STATUS, s);
	if (!(rd(t, VIRTIO_MMIO_STATUS) & VIRTIO_S_FEATURES_OK))
		return -1;
	memset(gp(t, DESC), 0, 0x3000);
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(t, VIRTIO_MMIO_QUEUE_NUM, NUM);
	wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, G(DESC));
	wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, G(DESC) >> 32);
	wr(t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, G(AVAIL));
	wr(t, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, G(AVAIL) >> 32);
	wr(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, G(USED));
	wr(t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, G(USED) >> 32);
	wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
	wr(t, VIRTIO_MMIO_STATUS, s | VIRTIO_S_DRIVER_OK);
	t->avail_idx = 0;
	return rd(t, VIRTIO_MMIO_STATUS);
}

#define ALL_FEATURES	(~0ULL)

/* Puts chain @head on the available ring and notifies. */
static void submit(FIXTURE_DATA(vblk) *t, uint16_t head)
{
	uint16_t *avail = gp(t, AVAIL);

	avail[2 + t->avail_idx % NUM] = head;
	t->avail_idx++;
	__atomic_store_n(&avail[1], t->avail_idx, __ATOMIC_RELEASE);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/*
 * Waits until the device used everything submitted (0) or needs a reset
 * (1); -1 after 10 s, which only a broken device takes. Interrupts are
 * acknowledged as a driver would.
 */
static int wait_device(FIXTURE_DATA(vblk) *t)
{
	struct timespec end, now;
	uint32_t isr;
	int ret;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += 10;
	for (;;) {
		if (rd(t, VIRTIO_MMIO_STATUS) & VIRTIO_S_NEEDS_RESET)
			ret = 1;
		else if (used_idx(t) == t->avail_idx)
			ret = 0;
		else
			ret = -1;
		if (ret >= 0)
			break;
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec > end.tv_sec)
			return -1;
		now.tv_nsec += 20 * 1000 * 1000;
		if (now.tv_nsec >= 1000000000) {
			now.tv_sec++;
			now.tv_nsec -= 1000000000;
		}
		/* the interrupt wakes us; the short wait covers suppressed ones */
		pthread_mutex_lock(&t->m);
		pthread_cond_timedwait(&t->c, &t->m, &now);
		pthread_mutex_unlock(&t->m);
	}
	/* the I/O thread is done with its pass: the interrupt is decided */
	pthread_mutex_lock(&t->dev.io_lock);
	pthread_mutex_unlock(&t->dev.io_lock);
	isr = rd(t, VIRTIO_MMIO_INTERRUPT_STATUS);
	if (isr && !ret && !t->no_ack)
		wr(t, VIRTIO_MMIO_INTERRUPT_ACK, isr);
	return ret;
}

/*
 * One request as Linux lays it out: header, data (device-readable for
 * OUT, DISCARD, WRITE_ZEROES; writable for IN, GET_ID), status. With
 * @indirect, the three descriptors sit in an indirect table. The status
 * byte, or -1 (timeout) / -2 (needs reset).
 */
static int blk_req(FIXTURE_DATA(vblk) *t, uint32_t type, uint64_t sector,
		   uint64_t data, uint32_t len, int indirect)
{
	uint32_t hdr[4] = { type, 0, (uint32_t)sector, sector >> 32 };
	int dev_writes = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	uint64_t table = indirect ? INDIRECT : DESC;
	unsigned int n = 0;
	int r;

	memcpy(gp(t, HDR), hdr, sizeof(hdr));
	*(uint8_t *)gp(t, STATUS) = 0xee;
	set_desc(t, table, n, G(HDR), 16, VIRTQ_DESC_F_NEXT, n + 1);
	n++;
	if (len) {
		set_desc(t, table, n, G(data), len, VIRTQ_DESC_F_NEXT |
			 (dev_writes ? VIRTQ_DESC_F_WRITE : 0), n + 1);
		n++;
	}
	set_desc(t, table, n, G(STATUS), 1, VIRTQ_DESC_F_WRITE, 0);
	if (indirect)
		set_desc(t, DESC, 0, G(INDIRECT), 16 * (n + 1),
			 VIRTQ_DESC_F_INDIRECT, 0);
	submit(t, 0);
	r = wait_device(t);
	if (r)
		return r < 0 ? -1 : -2;
	return *(uint8_t *)gp(t, STATUS);
}

static uint64_t checksum(const uint8_t *p, size_t len)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	srand(seed);
	for (i = 0; i < len; i++)
		p[i] = rand();
}

FIXTURE_SETUP(vblk)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	self->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ram);
	self->mem = (struct hvctl_gmem){ .base = self->ram, .gpa = RAM_GPA,
					 .size = RAM_SIZE };
	pthread_mutex_init(&self->m, NULL);
	pthread_cond_init(&self->c, NULL);
	snprintf(self->path, sizeof(self->path), "%s/hv-virtio-disk-XXXXXX",
		 dir && *dir ? dir : "/var/tmp");
	fd = mkstemp(self->path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, DISK_SIZE));
	close(fd);
}

FIXTURE_TEARDOWN(vblk)
{
	hvctl_blk_destroy(self->blk);
	unlink(self->path);
	munmap(self->ram, RAM_SIZE);
}

/* --- the transport ------------------------------------------------------------ */

TEST_F(vblk, identity_and_features)
{
	char err[256];

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	EXPECT_EQ(VIRTIO_MMIO_MAGIC, rd(self, VIRTIO_MMIO_MAGIC_VALUE));
	EXPECT_EQ(2, rd(self, VIRTIO_MMIO_VERSION));
	EXPECT_EQ(VIRTIO_ID_BLOCK, rd(self, VIRTIO_MMIO_DEVICE_ID));
	EXPECT_EQ(VIRTQ_NUM_MAX, rd(self, VIRTIO_MMIO_QUEUE_NUM_MAX));
	wr(self, VIRTIO_MMIO_QUEUE_SEL, 1);	/* one queue only */
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_QUEUE_NUM_MAX));
	/* a legacy driver (no VERSION_1) gets no FEATURES_OK */
	EXPECT_EQ(-1, driver_up(self, ~VIRTIO_BIT(VIRTIO_F_VERSION_1)));
	/* nor one that takes what was not offered */
	wr(self, VIRTIO_MMIO_STATUS, 0);
	wr(self, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE);
	wr(self, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
	wr(self, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(self, VIRTIO_MMIO_DRIVER_FEATURES, 1 | 1u << 31);
	wr(self, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
	   VIRTIO_S_FEATURES_OK);
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_STATUS) & VIRTIO_S_FEATURES_OK);
	EXPECT_EQ(VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
		  VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK,
		  driver_up(self, ALL_FEATURES));
	/* capacity in the configuration space, in 512-byte sectors */
	EXPECT_EQ(DISK_SIZE / 512, rd(self, VIRTIO_MMIO_CONFIG));
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_CONFIG + 4));
	/* reset: everything back to 0 */
	wr(self, VIRTIO_MMIO_STATUS, 0);
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_STATUS));
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_QUEUE_READY));
}

/* --- virtio-blk requests -------------------------------------------------------- */

static void roundtrip(struct __test_metadata *_metadata,
		      FIXTURE_DATA(vblk) *self, uint32_t flags, uint64_t want)
{
	const size_t len = 64 * 1024;
	uint8_t *file = malloc(len);
	uint64_t sum;
	char err[256];
	int fd;

	ASSERT_NE(NULL, file);
	ASSERT_EQ(0, open_blk(self, flags, err, sizeof(err))) {
		TH_LOG("%s", err);
	}
	ASSERT_LT(0, driver_up(self, want));
	fill(gp(self, DATA), len, 17);
	sum = checksum(gp(self, DATA), len);
	/* written through a direct chain, read back through an indirect one */
	ASSERT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_OUT, 24, DATA, len, 0));
	ASSERT_EQ(VIRTIO_BLK_S_OK, blk_req(self, VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0));
	memset(gp(self, DATA2), 0, len);
	ASSERT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_IN, 24, DATA2, len,
			  !!(want & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC))));
	EXPECT_EQ(sum, checksum(gp(self, DATA2), len));
	/* the used ring says the data and the status byte were written */
	EXPECT_EQ(len + 1, *(uint32_t *)gp(self, USED + 4 + 8 * 2 + 4));
	/* and the file holds it, at 24 * 512 */
	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)len, pread(fd, file, len, 24 * 512));
	close(fd);
	EXPECT_EQ(sum, checksum(file, len));
	free(file);
}

TEST_F(vblk, read_write_roundtrip)
{
	roundtrip(_metadata, self, 0, ALL_FEATURES);
}

TEST_F(vblk, read_write_no_indirect_no_event_idx)
{
	roundtrip(_metadata, self, 0,
		  ~(VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		    VIRTIO_BIT(VIRTIO_F_EVENT_IDX)));
}

TEST_F(vblk, read_write_cache_none)
{
	roundtrip(_metadata, self, HVCTL_DISK_DIRECT, ALL_FEATURES);
	/* 4 KiB blocks announced for O_DIRECT */
	EXPECT_EQ(4096, rd(self, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_BLK_SIZE));
	/* an unaligned request takes the buffered path and still works */
	fill(gp(self, DATA), 512, 3);
	ASSERT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_OUT, 3, DATA, 512, 0));
	ASSERT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_IN, 0, DATA2, 4096, 0));
	EXPECT_EQ(0, memcmp(gp(self, DATA), gp(self, DATA2 + 3 * 512), 512));
}

/*
 * The I/O quota (ratelimit.h): at 2 requests per second (a burst of 0.2),
 * the first request goes at once and the second waits in the ring for its
 * turn, half a second later (never sooner: the bucket's own clock), then
 * completes; the counters hold both, with their data bytes.
 */
TEST_F(vblk, quota_holds_request_in_ring)
{
	struct hvctl_iolimit *lim;
	struct timespec t0, t1;
	char err[256];
	long ms;

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	ASSERT_LT(0, driver_up(self, ALL_FEATURES));
	lim = hvctl_blk_iolimit(self->blk);
	hvctl_iolimit_set(lim, 2, 0, hvctl_iolimit_now());
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_IN, 0, DATA, 4096, 0));
	ASSERT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_IN, 8, DATA, 512, 0));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	EXPECT_LE(400, ms);	/* 500 ms, less the burst's 100 */
	EXPECT_EQ(2, lim->nr_ops);
	EXPECT_EQ(4096 + 512, lim->nr_bytes);
	EXPECT_LE(1, lim->throttled);
	/* no quota: no wait, still counted */
	hvctl_iolimit_set(lim, 0, 0, hvctl_iolimit_now());
	ASSERT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_GET_ID, 0, DATA, 20, 0));
	EXPECT_EQ(3, lim->nr_ops);
	EXPECT_EQ(4096 + 512, lim->nr_bytes);	/* GET_ID moves no disk data */
}

TEST_F(vblk, out_of_range_is_ioerr)
{
	char err[256];

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	ASSERT_LT(0, driver_up(self, ALL_FEATURES));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR,
		  blk_req(self, VIRTIO_BLK_T_IN, DISK_SIZE / 512 - 1, DATA,
			  1024, 0));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR,
		  blk_req(self, VIRTIO_BLK_T_IN, ~0ULL, DATA, 512, 0));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR,
		  blk_req(self, VIRTIO_BLK_T_OUT, 0, DATA, 100, 0));
	EXPECT_EQ(VIRTIO_BLK_S_UNSUPP,
		  blk_req(self, 0x1234, 0, DATA, 512, 0));
	/* the device is fine after all of them */
	EXPECT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_IN, 0, DATA, 512, 0));
}

static int put_seg(FIXTURE_DATA(vblk) *t, unsigned int i, uint64_t sector,
		   uint32_t count, uint32_t flags)
{
	uint8_t *s = gp(t, SEGS + 16 * i);

	memcpy(s, &sector, 8);
	memcpy(s + 8, &count, 4);
	memcpy(s + 12, &flags, 4);
	return 16 * (i + 1);
}

TEST_F(vblk, discard_and_write_zeroes)
{
	uint8_t *buf = malloc(DISK_SIZE), zero[4096] = { 0 };
	char err[256];
	int fd, len;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	ASSERT_LT(0, driver_up(self, ALL_FEATURES));
	fill(gp(self, DATA), 64 * 1024, 5);
	ASSERT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_OUT, 0, DATA, 64 * 1024, 0));
	/* zeroes at sectors 8..15 and (unmap) 40..47, a discard at 64..71 */
	put_seg(self, 0, 8, 8, 0);
	len = put_seg(self, 1, 40, 8, VIRTIO_BLK_WZ_UNMAP);
	EXPECT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_WRITE_ZEROES, 0, SEGS, len, 0));
	len = put_seg(self, 0, 64, 8, 0);
	EXPECT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_DISCARD, 0, SEGS, len, 0));
	/* discard has no unmap flag; ranges past the end fail */
	len = put_seg(self, 0, 64, 8, VIRTIO_BLK_WZ_UNMAP);
	EXPECT_EQ(VIRTIO_BLK_S_UNSUPP,
		  blk_req(self, VIRTIO_BLK_T_DISCARD, 0, SEGS, len, 0));
	len = put_seg(self, 0, DISK_SIZE / 512 - 4, 8, 0);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR,
		  blk_req(self, VIRTIO_BLK_T_WRITE_ZEROES, 0, SEGS, len, 0));
	fd = open(self->path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)(64 * 1024), pread(fd, buf, 64 * 1024, 0));
	close(fd);
	EXPECT_EQ(0, memcmp(buf + 8 * 512, zero, 4096));
	EXPECT_EQ(0, memcmp(buf + 40 * 512, zero, 4096));
	/* the data around the ranges is untouched */
	EXPECT_EQ(0, memcmp(buf, gp(self, DATA), 8 * 512));
	EXPECT_EQ(0, memcmp(buf + 16 * 512, gp(self, DATA + 16 * 512),
			    24 * 512));
	EXPECT_EQ(0, memcmp(buf + 48 * 512, gp(self, DATA + 48 * 512),
			    16 * 512));
	free(buf);
}

TEST_F(vblk, get_id)
{
	const char *base = strrchr(self->path, '/') + 1;
	char err[256], want[VIRTIO_BLK_ID_BYTES] = { 0 };

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	ASSERT_LT(0, driver_up(self, ALL_FEATURES));
	memset(gp(self, DATA), 0xaa, 64);
	strncpy(want, base, sizeof(want));
	ASSERT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_GET_ID, 0, DATA, 20, 0));
	EXPECT_EQ(0, memcmp(gp(self, DATA), want, 20));
	EXPECT_EQ(0xaa, *(uint8_t *)gp(self, DATA + 20));
}

TEST_F(vblk, read_only)
{
	char err[256];
	int len;

	ASSERT_EQ(0, open_blk(self, HVCTL_DISK_RO, err, sizeof(err)));
	EXPECT_TRUE(rd(self, VIRTIO_MMIO_DEVICE_FEATURES) &
		    VIRTIO_BIT(VIRTIO_BLK_F_RO));
	ASSERT_LT(0, driver_up(self, ALL_FEATURES));
	fill(gp(self, DATA), 4096, 9);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR,
		  blk_req(self, VIRTIO_BLK_T_OUT, 0, DATA, 4096, 0));
	len = put_seg(self, 0, 0, 8, 0);
	EXPECT_EQ(VIRTIO_BLK_S_IOERR,
		  blk_req(self, VIRTIO_BLK_T_WRITE_ZEROES, 0, SEGS, len, 0));
	EXPECT_EQ(VIRTIO_BLK_S_IOERR,
		  blk_req(self, VIRTIO_BLK_T_DISCARD, 0, SEGS, len, 0));
	/* nothing reached the file; reads work */
	EXPECT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_IN, 0, DATA, 4096, 0));
	EXPECT_EQ(0, *(uint64_t *)gp(self, DATA));
}

TEST_F(vblk, image_lock)
{
	struct virtio_mmio_dev dev2;
	struct hvctl_disk d = { 0 };
	struct hvctl_blk *b;
	char err[512];

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	snprintf(d.path, sizeof(d.path), "%s", self->path);
	/* a second user, writable or not, is refused with a clear message */
	err[0] = 0;
	EXPECT_EQ(NULL, hvctl_blk_create(&d, &dev2, &self->mem, err,
					 sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "in use by another VM"));
	d.flags = HVCTL_DISK_RO;
	EXPECT_EQ(NULL, hvctl_blk_create(&d, &dev2, &self->mem, err,
					 sizeof(err)));
	/* once the first goes, the image is free; two read-only users share */
	hvctl_blk_destroy(self->blk);
	self->blk = NULL;
	ASSERT_EQ(0, open_blk(self, HVCTL_DISK_RO, err, sizeof(err)));
	b = hvctl_blk_create(&d, &dev2, &self->mem, err, sizeof(err));
	EXPECT_NE(NULL, b);
	hvctl_blk_destroy(b);
}

TEST_F(vblk, event_idx_suppresses_interrupts)
{
	uint16_t *used_event = gp(self, AVAIL + 4 + 2 * NUM);
	uint16_t *avail_event = gp(self, USED + 4 + 8 * NUM);
	char err[256];

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	ASSERT_LT(0, driver_up(self, ALL_FEATURES));
	self->no_ack = 1;
	/* the first completion always interrupts */
	ASSERT_EQ(VIRTIO_BLK_S_OK, blk_req(self, VIRTIO_BLK_T_IN, 0, DATA, 512, 0));
	EXPECT_EQ(VIRTIO_MMIO_INT_VRING, rd(self, VIRTIO_MMIO_INTERRUPT_STATUS));
	EXPECT_EQ(1, self->line);
	wr(self, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	EXPECT_EQ(0, self->line);
	EXPECT_EQ(1, *avail_event);	/* the device asks to hear of entry 1 */
	/* used_event far ahead: no interrupt for the next completion */
	*used_event = 100;
	ASSERT_EQ(VIRTIO_BLK_S_OK, blk_req(self, VIRTIO_BLK_T_IN, 0, DATA, 512, 0));
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_INTERRUPT_STATUS));
	EXPECT_EQ(2, *avail_event);
	/* used_event at the next entry: the interrupt comes */
	*used_event = used_idx(self);
	ASSERT_EQ(VIRTIO_BLK_S_OK, blk_req(self, VIRTIO_BLK_T_IN, 0, DATA, 512, 0));
	EXPECT_EQ(VIRTIO_MMIO_INT_VRING, rd(self, VIRTIO_MMIO_INTERRUPT_STATUS));
	EXPECT_EQ(1, self->line);
}

/*
 * Five requests at a time (15 of the 16 descriptors), in four rounds, so
 * that the rings wrap: writes of distinct data to distinct sectors, then
 * reads of them all in one batch. Every head comes back once.
 */
TEST_F(vblk, batches_wrap_the_rings)
{
	unsigned int round, k, seen;
	char err[256];
	uint16_t start;

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	ASSERT_LT(0, driver_up(self, ALL_FEATURES));
	for (round = 0; round < 4; round++) {
		uint32_t type = round & 1 ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT;
		uint16_t *avail = gp(self, AVAIL);

		if (type == VIRTIO_BLK_T_OUT)
			fill(gp(self, DATA), 5 * 4096, round);
		else
			memset(gp(self, DATA2), 0, 5 * 4096);
		start = self->avail_idx;
		for (k = 0; k < 5; k++) {
			uint32_t *hdr = gp(self, HDR + 16 * k);
			uint64_t buf = (type == VIRTIO_BLK_T_IN ? DATA2 : DATA) +
				       4096 * k;

			hdr[0] = type;
			hdr[1] = 0;
			hdr[2] = 8 * (k + 5 * (round / 2));
			hdr[3] = 0;
			set_desc(self, DESC, 3 * k, G(HDR + 16 * k), 16,
				 VIRTQ_DESC_F_NEXT, 3 * k + 1);
			set_desc(self, DESC, 3 * k + 1, G(buf), 4096,
				 VIRTQ_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ?
				 VIRTQ_DESC_F_WRITE : 0), 3 * k + 2);
			set_desc(self, DESC, 3 * k + 2, G(STATUS + k), 1,
				 VIRTQ_DESC_F_WRITE, 0);
			*(uint8_t *)gp(self, STATUS + k) = 0xee;
			avail[2 + (start + k) % NUM] = 3 * k;
		}
		self->avail_idx += 5;
		__atomic_store_n(&avail[1], self->avail_idx, __ATOMIC_RELEASE);
		wr(self, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		ASSERT_EQ(0, wait_device(self));
		for (k = 0, seen = 0; k < 5; k++) {
			uint32_t id = *(uint32_t *)gp(self, USED + 4 +
						      8 * ((start + k) % NUM));

			EXPECT_EQ(VIRTIO_BLK_S_OK, *(uint8_t *)gp(self, STATUS + k));
			ASSERT_EQ(0, id % 3);
			ASSERT_GT(15, id);
			seen |= 1 << (id / 3);
		}
		EXPECT_EQ(0x1f, seen);
		if (type == VIRTIO_BLK_T_IN)
			EXPECT_EQ(0, memcmp(gp(self, DATA), gp(self, DATA2),
					    5 * 4096));
	}
	EXPECT_EQ(20, used_idx(self));
}

/* --- the --disk option and its line in NAME.conf ------------------------------ */

void hvctl_err(const char *fmt, ...)
{
	(void)fmt;
}

TEST(disk_option)
{
	char dir[] = "/var/tmp/hv-virtio-state-XXXXXX", file[PATH_MAX];
	char arg[PATH_MAX + 64];
	struct hvctl_def def = { .name = "vm0", .vcpus = 1, .memory = 1 << 20 };
	struct hvctl_def back;
	struct hvctl_disk d;
	int fd;

	ASSERT_NE(NULL, mkdtemp(dir));
	/* a space in the path survives NAME.conf */
	snprintf(file, sizeof(file), "%s/my disk.img", dir);
	fd = open(file, O_CREAT | O_RDWR, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, hvctl_parse_disk(file, &d));
	EXPECT_STREQ(file, d.path);
	EXPECT_EQ(0, d.flags);
	snprintf(arg, sizeof(arg), "%s,ro,cache=none", file);
	ASSERT_EQ(0, hvctl_parse_disk(arg, &d));
	EXPECT_EQ(HVCTL_DISK_RO | HVCTL_DISK_DIRECT, d.flags);
	def.disks[0] = d;
	snprintf(arg, sizeof(arg), "%s,cache=none,cache=writeback", file);
	ASSERT_EQ(0, hvctl_parse_disk(arg, &d));
	EXPECT_EQ(0, d.flags);
	def.disks[1] = d;
	def.nr_disks = 2;
	snprintf(arg, sizeof(arg), "%s,rw", file);
	EXPECT_EQ(-1, hvctl_parse_disk(arg, &d));
	snprintf(arg, sizeof(arg), "%s/none,ro", dir);
	EXPECT_EQ(-1, hvctl_parse_disk(arg, &d));
	/* NAME.conf keeps them, in order */
	setenv("HVCTL_STATE_DIR", dir, 1);
	ASSERT_EQ(0, hvctl_def_save(&def));
	ASSERT_EQ(0, hvctl_def_load("vm0", &back));
	ASSERT_EQ(2, back.nr_disks);
	EXPECT_STREQ(file, back.disks[0].path);
	EXPECT_EQ(HVCTL_DISK_RO | HVCTL_DISK_DIRECT, back.disks[0].flags);
	EXPECT_STREQ(file, back.disks[1].path);
	EXPECT_EQ(0, back.disks[1].flags);
	hvctl_def_remove("vm0");
	unlink(file);
	rmdir(dir);
}

/*
 * The I/O quotas live in NAME.conf next to the CPU and memory quotas, so
 * that a VM the kernel forgot (module reloaded) is made again with them by
 * `hvctl start`, and `hvctl set` keeps them there.
 */
TEST(io_quotas_in_conf)
{
	char dir[] = "/var/tmp/hv-virtio-state-XXXXXX", path[PATH_MAX];
	struct hvctl_def def = { .name = "vm1", .vcpus = 1, .memory = 1 << 20,
				 .mem_quota = 1 << 19, .cpu_quota = 50 };
	struct hvctl_def back;
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(dir));
	setenv("HVCTL_STATE_DIR", dir, 1);
	def.io_quota[HVCTL_IO_DISK_IOPS] = 50;
	def.io_quota[HVCTL_IO_DISK_BW] = 2 << 20;
	def.io_quota[HVCTL_IO_NET_PPS] = 1000;
	/* the largest bandwidth the module takes survives too */
	def.io_quota[HVCTL_IO_NET_BW] = 1ULL << 40;
	ASSERT_EQ(0, hvctl_def_save(&def));
	ASSERT_EQ(0, hvctl_def_load("vm1", &back));
	EXPECT_EQ(50, back.cpu_quota);
	EXPECT_EQ(1 << 19, back.mem_quota);
	EXPECT_EQ(50, back.io_quota[HVCTL_IO_DISK_IOPS]);
	EXPECT_EQ(2 << 20, back.io_quota[HVCTL_IO_DISK_BW]);
	EXPECT_EQ(1000, back.io_quota[HVCTL_IO_NET_PPS]);
	EXPECT_EQ(1ULL << 40, back.io_quota[HVCTL_IO_NET_BW]);
	/* a conf of an older hvctl has none: no quotas, not an error */
	snprintf(path, sizeof(path), "%s/vm2.conf", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "name=vm2\nvcpus=1\nmemory=1048576\nkernel=/k\n");
	fclose(f);
	ASSERT_EQ(0, hvctl_def_load("vm2", &back));
	EXPECT_EQ(0, back.io_quota[HVCTL_IO_DISK_IOPS]);
	EXPECT_EQ(0, back.io_quota[HVCTL_IO_NET_BW]);
	hvctl_def_remove("vm1");
	hvctl_def_remove("vm2");
	rmdir(dir);
}

/* xorshift64: the fuzz case's own generator, the same on every run */
static uint64_t fuzz_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Mostly a buffer in the data area, sometimes any 64-bit address. */
static uint64_t fuzz_addr(uint64_t *x)
{
	uint64_t r = fuzz_next(x);

	if (r % 8)
		return G(DATA) + (r >> 8) % (DATA2 - DATA);
	return fuzz_next(x);
}

static uint32_t fuzz_len(uint64_t *x)
{
	uint64_t r = fuzz_next(x);

	return r % 8 ? (r >> 8) % 8193 : (uint32_t)(r >> 16);
}

static void fuzz_table(uint64_t *x, struct virtq_desc *d, unsigned int n,
		       unsigned int next_max)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		d[i].addr = fuzz_addr(x);
		d[i].len = fuzz_len(x);
		d[i].flags = fuzz_next(x) % 8;
		d[i].next = fuzz_next(x) % next_max;
	}
}

/*
 * Random rings: descriptor tables (direct and indirect) with random
 * addresses, lengths, flags and links, random heads and header types,
 * and now and then an available index far ahead. Whatever the content,
 * every notification ends in completions or DEVICE_NEEDS_RESET within
 * the wait, and the process (under ASan) survives. Both outcomes must
 * show up, or the rings were not random enough to mean anything.
 */
TEST_F(vblk, fuzz_rings)
{
	static const uint32_t types[] = {
		VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH,
		VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_DISCARD,
		VIRTIO_BLK_T_WRITE_ZEROES, 99,
	};
	unsigned int round, k, n, done = 0, resets = 0;
	uint16_t *avail = gp(self, AVAIL);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char err[256];
	int r;

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	ASSERT_LT(0, driver_up(self, ALL_FEATURES));
	for (round = 0; round < 3000; round++) {
		uint32_t *hdr = gp(self, HDR);

		fuzz_table(&x, gp(self, DESC), NUM, NUM + 2);
		fuzz_table(&x, gp(self, INDIRECT), 64, 66);
		/*
		 * Half the time a well-formed request (header, data, status;
		 * direct or indirect) with up to two fields then made random.
		 */
		if (fuzz_next(&x) % 2) {
			struct virtq_desc *t = gp(self, DESC);
			int ind = fuzz_next(&x) % 2;

			if (ind) {
				t = gp(self, INDIRECT);
				set_desc(self, DESC, 0, G(INDIRECT), 48,
					 VIRTQ_DESC_F_INDIRECT, 0);
			}
			t[0] = (struct virtq_desc){ G(HDR), 16, VIRTQ_DESC_F_NEXT, 1 };
			t[1] = (struct virtq_desc){ G(DATA), 512 * (fuzz_next(&x) % 9),
				VIRTQ_DESC_F_NEXT | (fuzz_next(&x) % 2 ?
				VIRTQ_DESC_F_WRITE : 0), 2 };
			t[2] = (struct virtq_desc){ G(STATUS), 1, VIRTQ_DESC_F_WRITE, 0 };
			for (k = fuzz_next(&x) % 3; k; k--) {
				struct virtq_desc *d = &t[fuzz_next(&x) % 3];

				switch (fuzz_next(&x) % 4) {
				case 0:
					d->addr = fuzz_addr(&x);
					break;
				case 1:
					d->len = fuzz_len(&x);
					break;
				case 2:
					d->flags = fuzz_next(&x) % 8;
					break;
				default:
					d->next = fuzz_next(&x) % (NUM + 2);
				}
			}
		}
		hdr[0] = types[fuzz_next(&x) % 7];
		hdr[2] = fuzz_next(&x) % 4 ? fuzz_next(&x) % 2048 : fuzz_next(&x);
		hdr[3] = fuzz_next(&x) % 4 ? 0 : fuzz_next(&x);
		n = 1 + fuzz_next(&x) % 3;
		for (k = 0; k < n; k++)
			avail[2 + (self->avail_idx + k) % NUM] =
				fuzz_next(&x) % 8 ? 0 : fuzz_next(&x);
		self->avail_idx += fuzz_next(&x) % 64 ? n : 1000;
		__atomic_store_n(&avail[1], self->avail_idx, __ATOMIC_RELEASE);
		wr(self, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		r = wait_device(self);
		ASSERT_LE(0, r) {
			TH_LOG("round %u: no completion and no needs-reset", round);
		}
		if (!r) {
			done++;
			continue;
		}
		resets++;
		ASSERT_LT(0, driver_up(self, ALL_FEATURES));
	}
	TH_LOG("3000 random rings: %u completed, %u needed a reset", done, resets);
	EXPECT_LT(100, done);
	EXPECT_LT(100, resets);
	/* and the device still works */
	EXPECT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_IN, 0, DATA, 4096, 0));
}

/* --- the VMM's slots (bus.c): MMIO exits reach the right device --------------- */

static char vmm_log_last[512];
/* every line since the last reset, for the bus's counts at teardown */
static char vmm_log_all[16384];

void hvctl_vmm_log(struct hvctl_vmm *vmm, const char *fmt, ...)
{
	va_list ap;

	(void)vmm;
	va_start(ap, fmt);
	vsnprintf(vmm_log_last, sizeof(vmm_log_last), fmt, ap);
	va_end(ap);
	if (strlen(vmm_log_all) + strlen(vmm_log_last) + 2 <
	    sizeof(vmm_log_all)) {
		strcat(vmm_log_all, vmm_log_last);
		strcat(vmm_log_all, "\n");
	}
}

/* vmm/ioquota.c's side: bus.c registers each disk's quotas (none here). */
int hvctl_ioquota_register(struct hvctl_vmm *vmm, enum hvctl_io_kind kind,
			   const char *name, struct hvctl_iolimit *limit)
{
	(void)vmm;
	(void)kind;
	(void)name;
	(void)limit;
	return 0;
}

int hvctl_ioquota_register_vsock(struct hvctl_vmm *vmm, struct hvctl_vsock *vs)
{
	(void)vmm;
	(void)vs;
	return 0;
}

/* An MMIO exit of @vcpu: 1 when a virtio slot took it; *val for a read. */
static int mmio_exit(struct hvctl_vcpu *vcpu, uint64_t gpa, int write,
		     uint32_t *val)
{
	struct hv_exit_mmio *m = &vcpu->run->mmio;
	int r;

	vcpu->run->exit_reason = HV_EXIT_MMIO;
	memset(m, 0, sizeof(*m));
	m->phys_addr = gpa;
	m->len = 4;
	m->is_write = write;
	if (write)
		memcpy(m->data, val, 4);
	r = hvctl_virtio_exit(vcpu);
	if (!write)
		memcpy(val, m->data, 4);
	return r;
}

TEST(bus_routes_mmio_exits)
{
	static struct hvctl_def def = { .name = "vm0", .vcpus = 1 };
	static struct hvctl_vmm vmm;
	static struct hv_run run;
	struct hvctl_vcpu vcpu = { .vmm = &vmm, .run = &run };
	uint64_t slot1 = HVCTL_VIRTIO_BASE + VIRTIO_MMIO_SIZE;
	uint32_t v;
	int fd, i;

	def.memory = RAM_SIZE;
	vmm = (struct hvctl_vmm){ .def = &def, .vm = -1 };
	vmm.mem = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, vmm.mem);
	/* no disks: no slots, every MMIO exit stays the arch's */
	ASSERT_EQ(0, hvctl_virtio_setup(&vmm));
	EXPECT_EQ(NULL, vmm.virtio);
	EXPECT_EQ(0, mmio_exit(&vcpu, HVCTL_VIRTIO_BASE, 0, &v));
	for (i = 0; i < 2; i++) {
		snprintf(def.disks[i].path, sizeof(def.disks[i].path),
			 "/var/tmp/hv-virtio-bus-XXXXXX");
		fd = mkstemp(def.disks[i].path);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, ftruncate(fd, 4096 * (i + 1)));
		close(fd);
	}
	def.nr_disks = 2;
	/* RAM that reaches the slots is refused */
	def.memory = HVCTL_VIRTIO_BASE + 4096;
	EXPECT_EQ(-1, hvctl_virtio_setup(&vmm));
	def.memory = RAM_SIZE;
	ASSERT_EQ(0, hvctl_virtio_setup(&vmm));
	/* slot 1 is the second disk: 8 sectors; slot 2 is nobody's */
	EXPECT_EQ(1, mmio_exit(&vcpu, slot1 + VIRTIO_MMIO_MAGIC_VALUE, 0, &v));
	EXPECT_EQ(VIRTIO_MMIO_MAGIC, v);
	EXPECT_EQ(1, mmio_exit(&vcpu, slot1 + VIRTIO_MMIO_CONFIG, 0, &v));
	EXPECT_EQ(16, v);
	EXPECT_EQ(1, mmio_exit(&vcpu, HVCTL_VIRTIO_BASE + VIRTIO_MMIO_CONFIG,
			       0, &v));
	EXPECT_EQ(8, v);
	EXPECT_EQ(0, mmio_exit(&vcpu, slot1 + VIRTIO_MMIO_SIZE, 0, &v));
	EXPECT_EQ(0, mmio_exit(&vcpu, HVCTL_VIRTIO_BASE - 4, 0, &v));
	/* writes reach the device; its interrupt goes to HV_IRQ_LINE */
	v = VIRTIO_S_ACKNOWLEDGE;
	EXPECT_EQ(1, mmio_exit(&vcpu, slot1 + VIRTIO_MMIO_STATUS, 1, &v));
	EXPECT_EQ(1, mmio_exit(&vcpu, slot1 + VIRTIO_MMIO_STATUS, 0, &v));
	EXPECT_EQ(VIRTIO_S_ACKNOWLEDGE, v);
	EXPECT_EQ(0, driver_up_bus(&vcpu, slot1));
	v = VIRTIO_S_ACKNOWLEDGE;	/* clears bits: needs a reset */
	EXPECT_EQ(1, mmio_exit(&vcpu, slot1 + VIRTIO_MMIO_STATUS, 1, &v));
	EXPECT_NE(NULL, strstr(vmm_log_last, "cannot raise interrupt line")) {
		TH_LOG("last log: %s", vmm_log_last);
	}
	EXPECT_NE(NULL, strstr(vmm_log_last, "line 17"));
	hvctl_virtio_teardown(&vmm);
	EXPECT_EQ(NULL, vmm.virtio);
	for (i = 0; i < 2; i++)
		unlink(def.disks[i].path);
	munmap(vmm.mem, RAM_SIZE);
}

/* A register write through an MMIO exit, for the bus tests. */
static void bus_wr(struct hvctl_vcpu *vcpu, uint64_t gpa, uint32_t v)
{
	mmio_exit(vcpu, gpa, 1, &v);
}

/* A driver's initialisation (3.1.1) of the device at @slot, MMIO exits only. */
static void bus_driver_up(struct hvctl_vcpu *vcpu, uint64_t slot)
{
	uint32_t s = VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER;

	bus_wr(vcpu, slot + VIRTIO_MMIO_STATUS, s);
	bus_wr(vcpu, slot + VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	bus_wr(vcpu, slot + VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	s |= VIRTIO_S_FEATURES_OK;
	bus_wr(vcpu, slot + VIRTIO_MMIO_STATUS, s);
	bus_wr(vcpu, slot + VIRTIO_MMIO_QUEUE_SEL, 0);
	bus_wr(vcpu, slot + VIRTIO_MMIO_QUEUE_NUM, NUM);
	bus_wr(vcpu, slot + VIRTIO_MMIO_QUEUE_DESC_LOW, G(DESC));
	bus_wr(vcpu, slot + VIRTIO_MMIO_QUEUE_DRIVER_LOW, G(AVAIL));
	bus_wr(vcpu, slot + VIRTIO_MMIO_QUEUE_DEVICE_LOW, G(USED));
	bus_wr(vcpu, slot + VIRTIO_MMIO_QUEUE_READY, 1);
	s |= VIRTIO_S_DRIVER_OK;
	bus_wr(vcpu, slot + VIRTIO_MMIO_STATUS, s);
}


/*
 * The one request these bus tests post: GET_ID (header, 20 bytes of
 * serial, status) as descriptors 0-2, avail index 1. Returns the used
 * ring, whose index becomes 1 when the device completed it.
 */
static uint16_t *queue_get_id(uint8_t *ram)
{
	struct virtq_desc *d = (struct virtq_desc *)(ram + DESC);
	uint16_t *avail = (uint16_t *)(ram + AVAIL);

	*(uint32_t *)(ram + HDR) = VIRTIO_BLK_T_GET_ID;
	d[0] = (struct virtq_desc){ G(HDR), 16, VIRTQ_DESC_F_NEXT, 1 };
	d[1] = (struct virtq_desc){ G(DATA), 20,
				    VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2 };
	d[2] = (struct virtq_desc){ G(STATUS), 1, VIRTQ_DESC_F_WRITE, 0 };
	avail[2] = 0;
	__atomic_store_n(&avail[1], 1, __ATOMIC_RELEASE);
	return (uint16_t *)(ram + USED);
}
/*
 * RAM that does not start at 0 (arm64: 0x40000000, the slots below it):
 * the devices find the rings and buffers at their guest-physical
 * addresses, and RAM above the slots does not count as reaching them.
 * One GET_ID request from a driver that speaks only MMIO exits.
 */
TEST(bus_ram_not_at_zero)
{
	static struct hvctl_def def = { .name = "vm0", .vcpus = 1 };
	static struct hvctl_vmm vmm;
	static struct hv_run run;
	struct hvctl_vcpu vcpu = { .vmm = &vmm, .run = &run };
	uint64_t slot = HVCTL_VIRTIO_BASE;
	const char *base;
	uint16_t *used;
	uint8_t *ram;
	uint32_t v;
	int fd, i;

	vmm = (struct hvctl_vmm){ .def = &def, .vm = -1 };
	snprintf(def.disks[0].path, sizeof(def.disks[0].path),
		 "/var/tmp/hv-virtio-ram-XXXXXX");
	fd = mkstemp(def.disks[0].path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4096));
	close(fd);
	def.nr_disks = 1;
	/* RAM that ends in the slots is refused; RAM above them is not */
	vmm.ram_base = HVCTL_VIRTIO_BASE - 4096;
	def.memory = 8192;
	EXPECT_EQ(-1, hvctl_virtio_setup(&vmm));
	vmm.ram_base = HVCTL_VIRTIO_BASE + 0x10000000;
	def.memory = HVCTL_VIRTIO_BASE + 4096;
	EXPECT_EQ(0, hvctl_virtio_setup(&vmm));
	hvctl_virtio_teardown(&vmm);

	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ram);
	vmm.mem = ram;
	vmm.ram_base = RAM_GPA;
	def.memory = RAM_SIZE;
	ASSERT_EQ(0, hvctl_virtio_setup(&vmm));
	bus_driver_up(&vcpu, slot);
	ram[STATUS] = 0xee;
	used = queue_get_id(ram);
	bus_wr(&vcpu, slot + VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	/* polled: the interrupt line has no VM here (10 s: a broken device) */
	for (i = 0; i < 1000; i++) {
		mmio_exit(&vcpu, slot + VIRTIO_MMIO_STATUS, 0, &v);
		if (__atomic_load_n(&used[1], __ATOMIC_ACQUIRE) == 1 ||
		    v & VIRTIO_S_NEEDS_RESET)
			break;
		usleep(10000);
	}
	EXPECT_EQ(0, v & VIRTIO_S_NEEDS_RESET) {
		TH_LOG("the device needs a reset: %s", vmm_log_last);
	}
	ASSERT_EQ(1, __atomic_load_n(&used[1], __ATOMIC_ACQUIRE));
	EXPECT_EQ(VIRTIO_BLK_S_OK, ram[STATUS]);
	base = strrchr(def.disks[0].path, '/') + 1;
	EXPECT_EQ(0, strncmp((char *)ram + DATA, base, 20));
	hvctl_virtio_teardown(&vmm);
	unlink(def.disks[0].path);
	munmap(ram, RAM_SIZE);
}

/*
 * The VMM locks its disks before it attaches to the VM: a second VMM on
 * an image in use fails there, with the reason, before `hvctl start`
 * could call it running; the first VMM's devices then use the locked
 * descriptors (no second open that its own lock would refuse).
 */
TEST(bus_locks_disks_before_attach)
{
	static struct hvctl_def def = { .name = "vm0", .vcpus = 1 };
	static struct hvctl_def def2 = { .name = "vm1", .vcpus = 1 };
	static struct hvctl_vmm vmm, vmm2;
	int fd;

	vmm = (struct hvctl_vmm){ .def = &def, .vm = -1 };
	vmm2 = (struct hvctl_vmm){ .def = &def2, .vm = -1 };
	snprintf(def.disks[0].path, sizeof(def.disks[0].path),
		 "/var/tmp/hv-virtio-lock-XXXXXX");
	fd = mkstemp(def.disks[0].path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4096));
	close(fd);
	def.nr_disks = 1;
	def2.disks[0] = def.disks[0];
	def2.disks[0].flags = HVCTL_DISK_RO;
	def2.nr_disks = 1;
	ASSERT_EQ(0, hvctl_virtio_lock_disks(&vmm));
	EXPECT_EQ(-1, hvctl_virtio_lock_disks(&vmm2));
	hvctl_virtio_teardown(&vmm2);
	/* the first VMM goes on to make its device on the locked image */
	def.memory = RAM_SIZE;
	vmm.mem = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, vmm.mem);
	EXPECT_EQ(0, hvctl_virtio_setup(&vmm));
	EXPECT_EQ(-1, hvctl_virtio_lock_disks(&vmm2));
	hvctl_virtio_teardown(&vmm2);
	hvctl_virtio_teardown(&vmm);
	/* gone with the first VMM's devices */
	EXPECT_EQ(0, hvctl_virtio_lock_disks(&vmm2));
	hvctl_virtio_teardown(&vmm2);
	unlink(def.disks[0].path);
	munmap(vmm.mem, RAM_SIZE);
}

/* --- the notification fast path (bus.c) -------------------------------------- */

/*
 * hv's side, faked: the test links with -Wl,--wrap=ioctl, so that bus.c's
 * HV_CHECK_CAP on FAKE_DEV and HV_IOEVENTFD / HV_IRQFD / HV_IRQ_LINE on
 * FAKE_VM land here; every other ioctl goes to the real one.
 */
#define FAKE_DEV	9990
#define FAKE_VM		9991

int __real_ioctl(int fd, unsigned long req, void *arg);

static struct {
	int caps;		/* HV_CAP_IOEVENTFD / HV_CAP_IRQFD have values */
	int refuse;		/* HV_IOEVENTFD fails with EEXIST */
	int nr_ioeventfd, nr_irqfd, nr_irq_line;
	struct hv_ioeventfd ioeventfd[8];
	struct hv_irqfd irqfd;	/* the last HV_IRQFD */
} fake_hv;

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd == FAKE_DEV && req == HV_CHECK_CAP) {
		__u32 cap = *(__u32 *)arg;

		if (!fake_hv.caps)
			return 0;
		return cap == HV_CAP_IOEVENTFD ? HV_MAX_IOEVENTFDS :
		       cap == HV_CAP_IRQFD ? HV_MAX_IRQFDS : 0;
	}
	if (fd == FAKE_VM && req == HV_IOEVENTFD) {
		if (fake_hv.refuse) {
			errno = EEXIST;
			return -1;
		}
		if (fake_hv.nr_ioeventfd < 8)
			fake_hv.ioeventfd[fake_hv.nr_ioeventfd] =
				*(struct hv_ioeventfd *)arg;
		fake_hv.nr_ioeventfd++;
		return 0;
	}
	if (fd == FAKE_VM && req == HV_IRQFD) {
		fake_hv.irqfd = *(struct hv_irqfd *)arg;
		fake_hv.nr_irqfd++;
		return 0;
	}
	if (fd == FAKE_VM && req == HV_IRQ_LINE) {
		fake_hv.nr_irq_line++;
		return 0;
	}
	return __real_ioctl(fd, req, arg);
}

/*
 * The bus tests' VM: one 4 KiB disk image made from @tmpl (mkstemp) in
 * @def, and RAM_SIZE bytes of RAM at RAM_GPA in @vmm. NULL on failure.
 */
static uint8_t *bus_one_disk(struct hvctl_def *def, struct hvctl_vmm *vmm,
			     const char *tmpl)
{
	uint8_t *ram;
	int fd;

	snprintf(def->disks[0].path, sizeof(def->disks[0].path), "%s", tmpl);
	fd = mkstemp(def->disks[0].path);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, 4096)) {
		close(fd);
		return NULL;
	}
	close(fd);
	def->nr_disks = 1;
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		return NULL;
	vmm->mem = ram;
	vmm->ram_base = RAM_GPA;
	def->memory = RAM_SIZE;
	return ram;
}

/*
 * One disk on a bus whose VM has (or not) hv's ioeventfd: set up, a
 * driver brings the device up over MMIO exits and posts a GET_ID request,
 * then kicks it by signalling the registered eventfd as hv would for the
 * guest's QueueNotify write (@by_eventfd) or with that write as an MMIO
 * exit. 1 when the request completed, 0 when not (within 2 s).
 */
static int fast_path_request(struct __test_metadata *_metadata,
			     int by_eventfd)
{
	static struct hvctl_def def = { .name = "vm0", .vcpus = 1 };
	static struct hvctl_vmm vmm;
	static struct hv_run run;
	struct hvctl_vcpu vcpu = { .vmm = &vmm, .run = &run };
	uint64_t slot = HVCTL_VIRTIO_BASE, one = 1;
	uint16_t *used;
	uint8_t *ram;
	int i, done;

	vmm = (struct hvctl_vmm){ .def = &def, .dev = FAKE_DEV, .vm = FAKE_VM,
				  .irq_lines = 24 };
	vmm_log_all[0] = 0;
	ram = bus_one_disk(&def, &vmm, "/var/tmp/hv-virtio-fast-XXXXXX");
	if (!ram)
		return -1;
	if (hvctl_virtio_setup(&vmm))
		return -1;
	bus_driver_up(&vcpu, slot);
	used = queue_get_id(ram);
	if (by_eventfd) {
		EXPECT_EQ(sizeof(one), write(fake_hv.ioeventfd[0].fd, &one,
					     sizeof(one)));
	} else {
		bus_wr(&vcpu, slot + VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	}
	for (i = 0; i < 200; i++) {
		if (__atomic_load_n(&used[1], __ATOMIC_ACQUIRE) == 1)
			break;
		usleep(10000);
	}
	done = __atomic_load_n(&used[1], __ATOMIC_ACQUIRE) == 1;
	hvctl_virtio_teardown(&vmm);
	unlink(def.disks[0].path);
	munmap(ram, RAM_SIZE);
	return done;
}

/*
 * With hv's HV_CAP_IOEVENTFD, QueueNotify of the disk's queue 0 is an
 * ioeventfd (4 bytes at the slot's 0x050, data match 0) on the eventfd its
 * I/O thread sleeps on: signalling it serves the request with no MMIO
 * exit. The interrupt is an irqfd without resample on both arches (the
 * line is edge-triggered; x86's level variant: bus_level_irqfd_resample).
 */
TEST(bus_fast_path_ioeventfd)
{
	fake_hv = (typeof(fake_hv)){ .caps = 1 };
	unsetenv("HVCTL_VIRTIO_NO_FASTPATH");
	ASSERT_EQ(1, fast_path_request(_metadata, 1));
	ASSERT_EQ(1, fake_hv.nr_ioeventfd);
	EXPECT_EQ(HVCTL_VIRTIO_BASE + VIRTIO_MMIO_QUEUE_NOTIFY,
		  fake_hv.ioeventfd[0].addr);
	EXPECT_EQ(4, fake_hv.ioeventfd[0].len);
	EXPECT_EQ(HV_IOEVENTFD_DATAMATCH, fake_hv.ioeventfd[0].flags);
	EXPECT_EQ(0, fake_hv.ioeventfd[0].datamatch);
	EXPECT_EQ(1, fake_hv.nr_irqfd);
	EXPECT_EQ(HVCTL_VIRTIO_IRQ0, fake_hv.irqfd.irq);
	/* an edge line on both arches: a pulse, no resample */
	EXPECT_EQ(0, fake_hv.irqfd.flags);
	/* the slot's line at setup (the bus's counts come last) */
	EXPECT_NE(NULL, strstr(vmm_log_all, ", ioeventfd, irqfd")) {
		TH_LOG("log: %s", vmm_log_all);
	}
	/* a QueueNotify that exits anyway (another value) still works */
	fake_hv = (typeof(fake_hv)){ .caps = 1 };
	EXPECT_EQ(1, fast_path_request(_metadata, 0));
}

/*
 * No fast path without the capabilities, with HVCTL_VIRTIO_NO_FASTPATH,
 * or when hv refuses the registration: QueueNotify exits as before and
 * the interrupt goes through HV_IRQ_LINE.
 */
TEST(bus_fast_path_fallback)
{
	fake_hv = (typeof(fake_hv)){ .caps = 0 };
	EXPECT_EQ(1, fast_path_request(_metadata, 0));
	EXPECT_EQ(0, fake_hv.nr_ioeventfd);
	EXPECT_EQ(0, fake_hv.nr_irqfd);
	EXPECT_LT(0, fake_hv.nr_irq_line);

	fake_hv = (typeof(fake_hv)){ .caps = 1 };
	setenv("HVCTL_VIRTIO_NO_FASTPATH", "1", 1);
	EXPECT_EQ(1, fast_path_request(_metadata, 0));
	unsetenv("HVCTL_VIRTIO_NO_FASTPATH");
	EXPECT_EQ(0, fake_hv.nr_ioeventfd);
	EXPECT_EQ(0, fake_hv.nr_irqfd);

	fake_hv = (typeof(fake_hv)){ .caps = 1, .refuse = 1 };
	EXPECT_EQ(1, fast_path_request(_metadata, 0));
	EXPECT_EQ(0, fake_hv.nr_ioeventfd);
}

/* 1 when @fd (an eventfd) was signalled within @ms, its counter read. */
static int efd_signalled(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return 0;
	return read(fd, &v, sizeof(v)) == sizeof(v);
}

/*
 * A level line (x86 with HVCTL_VIRTIO_IRQ=level) as a resampling irqfd:
 * a completion signals the irqfd, no HV_IRQ_LINE at all; hv's resample event (the guest's EOI,
 * faked by writing the resample eventfd) signals it again while
 * InterruptStatus is still set (a completion after the driver's
 * InterruptACK), and not after the ACK cleared it. The bus's counts in
 * the log at teardown say so too.
 */
TEST(bus_level_irqfd_resample)
{
	static struct hvctl_def def = { .name = "vm0", .vcpus = 1 };
	static struct hvctl_vmm vmm;
	static struct hv_run run;
	struct hvctl_vcpu vcpu = { .vmm = &vmm, .run = &run };
	uint64_t slot = HVCTL_VIRTIO_BASE, one = 1;
	uint16_t *used;
	int efd, rfd, i;
	uint8_t *ram;

#if defined(__aarch64__)
	SKIP(return, "the virtio line is always edge-triggered on arm64");
#endif
	setenv("HVCTL_VIRTIO_IRQ", "level", 1);
	fake_hv = (typeof(fake_hv)){ .caps = 1 };
	unsetenv("HVCTL_VIRTIO_NO_FASTPATH");
	vmm = (struct hvctl_vmm){ .def = &def, .dev = FAKE_DEV, .vm = FAKE_VM,
				  .irq_lines = 24 };
	ram = bus_one_disk(&def, &vmm, "/var/tmp/hv-virtio-resample-XXXXXX");
	ASSERT_NE(NULL, ram);
	ASSERT_EQ(0, hvctl_virtio_setup(&vmm));
	ASSERT_EQ(1, fake_hv.nr_irqfd);
	ASSERT_EQ(HV_IRQFD_RESAMPLE, fake_hv.irqfd.flags);
	EXPECT_EQ(HVCTL_VIRTIO_IRQ0, fake_hv.irqfd.irq);
	/* ours: the bus closes its own at teardown */
	efd = dup(fake_hv.irqfd.fd);
	rfd = dup(fake_hv.irqfd.resamplefd);
	ASSERT_LE(0, efd);
	ASSERT_LE(0, rfd);

	bus_driver_up(&vcpu, slot);
	used = queue_get_id(ram);
	EXPECT_EQ(sizeof(one), write(fake_hv.ioeventfd[0].fd, &one,
				     sizeof(one)));
	for (i = 0; i < 200 && __atomic_load_n(&used[1], __ATOMIC_ACQUIRE) != 1; i++)
		usleep(10000);
	ASSERT_EQ(1, __atomic_load_n(&used[1], __ATOMIC_ACQUIRE));
	/* the completion: one signal, no ioctl */
	EXPECT_EQ(1, efd_signalled(efd, 2000));
	EXPECT_EQ(0, fake_hv.nr_irq_line);
	/* the EOI before InterruptACK: the line must go up again */
	EXPECT_EQ(sizeof(one), write(rfd, &one, sizeof(one)));
	EXPECT_EQ(1, efd_signalled(efd, 2000));
	/* InterruptACK: nothing to lower (the EOI does), no ioctl */
	bus_wr(&vcpu, slot + VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	EXPECT_EQ(0, fake_hv.nr_irq_line);
	EXPECT_EQ(0, efd_signalled(efd, 0));
	/* the EOI after it: the bus thread reads it and signals nothing */
	EXPECT_EQ(sizeof(one), write(rfd, &one, sizeof(one)));
	for (i = 0; i < 200; i++) {
		struct pollfd p = { .fd = rfd, .events = POLLIN };

		/* read by the bus thread (bounded: 2 s) */
		if (poll(&p, 1, 0) == 0)
			break;
		usleep(10000);
	}
	vmm_log_all[0] = 0;
	/* joins the bus thread, which has handled what it read, then counts */
	hvctl_virtio_teardown(&vmm);
	EXPECT_EQ(0, efd_signalled(efd, 0));
	EXPECT_EQ(0, fake_hv.nr_irq_line);
	EXPECT_NE(NULL, strstr(vmm_log_all,
			       "virtio slot 0: 1 interrupts: 0 HV_IRQ_LINE ioctls, 1 irqfd signals, 2 resamples (1 signalled again)")) {
		TH_LOG("log: %s", vmm_log_all);
	}
	close(efd);
	close(rfd);
	unlink(def.disks[0].path);
	munmap(ram, RAM_SIZE);
}

/* --- hostile drivers --------------------------------------------------------- */

/*
 * The device needs a reset because of @why (a part of its message), told
 * by a configuration interrupt when @driver_ok; after a reset it works again (the process is alive, and so
 * is the I/O thread).
 */
static void expect_needs_reset(struct __test_metadata *_metadata,
			       FIXTURE_DATA(vblk) *self, int driver_ok,
			       const char *why)
{
	uint32_t isr = rd(self, VIRTIO_MMIO_INTERRUPT_STATUS);

	EXPECT_TRUE(rd(self, VIRTIO_MMIO_STATUS) & VIRTIO_S_NEEDS_RESET);
	/* and for the reason the case provoked, not another */
	pthread_mutex_lock(&self->m);
	EXPECT_NE(NULL, strstr(self->why, why)) {
		TH_LOG("the device said: '%s'; expected '%s'", self->why, why);
	}
	self->why[0] = 0;
	pthread_mutex_unlock(&self->m);
	if (driver_ok)
		EXPECT_TRUE(isr & VIRTIO_MMIO_INT_CONFIG);
	wr(self, VIRTIO_MMIO_STATUS, 0);
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_STATUS));
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_INTERRUPT_STATUS));
	ASSERT_LT(0, driver_up(self, ALL_FEATURES));
	EXPECT_EQ(VIRTIO_BLK_S_OK,
		  blk_req(self, VIRTIO_BLK_T_IN, 0, DATA, 4096, 0));
}

/* Submits chain 0 as the caller laid it out; expects a needs-reset. */
static void hostile(struct __test_metadata *_metadata,
		    FIXTURE_DATA(vblk) *self, const char *why)
{
	memset(gp(self, HDR), 0, 16);
	submit(self, 0);
	ASSERT_EQ(1, wait_device(self));
	expect_needs_reset(_metadata, self, 1, why);
}

static void hostile_setup(struct __test_metadata *_metadata,
			  FIXTURE_DATA(vblk) *self)
{
	char err[256];

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	ASSERT_LT(0, driver_up(self, ALL_FEATURES));
}

TEST_F(vblk, hostile_descriptor_loop)
{
	hostile_setup(_metadata, self);
	set_desc(self, DESC, 0, G(HDR), 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(self, DESC, 1, G(DATA), 512,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	set_desc(self, DESC, 2, G(STATUS), 1,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	hostile(_metadata, self, "longer than the queue");
}

TEST_F(vblk, hostile_loop_in_indirect_table)
{
	hostile_setup(_metadata, self);
	set_desc(self, INDIRECT, 0, G(HDR), 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(self, INDIRECT, 1, G(STATUS), 1,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	set_desc(self, DESC, 0, G(INDIRECT), 32, VIRTQ_DESC_F_INDIRECT, 0);
	hostile(_metadata, self, "longer than the queue");
}

TEST_F(vblk, hostile_chain_longer_than_queue)
{
	unsigned int i;

	hostile_setup(_metadata, self);
	/* a header, then an indirect table of QueueNumMax writable bytes */
	set_desc(self, DESC, 0, G(HDR), 16, VIRTQ_DESC_F_NEXT, 1);
	for (i = 0; i < VIRTQ_NUM_MAX; i++)
		set_desc(self, INDIRECT, i, G(DATA + i), 1,
			 VIRTQ_DESC_F_WRITE |
			 (i + 1 < VIRTQ_NUM_MAX ? VIRTQ_DESC_F_NEXT : 0), i + 1);
	set_desc(self, DESC, 1, G(INDIRECT), 16 * VIRTQ_NUM_MAX,
		 VIRTQ_DESC_F_INDIRECT, 0);
	hostile(_metadata, self, "more buffers in a chain than QueueNumMax");
}

TEST_F(vblk, hostile_address_outside_ram)
{
	hostile_setup(_metadata, self);
	set_desc(self, DESC, 0, G(HDR), 16, VIRTQ_DESC_F_NEXT, 1);
	/* the last 8 bytes of RAM and 504 past it */
	set_desc(self, DESC, 1, G(RAM_SIZE - 8), 512,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	set_desc(self, DESC, 2, G(STATUS), 1, VIRTQ_DESC_F_WRITE, 0);
	hostile(_metadata, self, "outside RAM");
	/* below RAM */
	set_desc(self, DESC, 0, RAM_GPA - 4096, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(self, DESC, 1, G(STATUS), 1, VIRTQ_DESC_F_WRITE, 0);
	hostile(_metadata, self, "outside RAM");
}

TEST_F(vblk, hostile_huge_length)
{
	hostile_setup(_metadata, self);
	set_desc(self, DESC, 0, G(HDR), 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(self, DESC, 1, G(DATA), 0xffffffff,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	set_desc(self, DESC, 2, G(STATUS), 1, VIRTQ_DESC_F_WRITE, 0);
	hostile(_metadata, self, "outside RAM");
	/* an address + length that wraps around 2^64 */
	set_desc(self, DESC, 1, ~0ULL - 255, 4096,
		 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	hostile(_metadata, self, "outside RAM");
}

TEST_F(vblk, hostile_indirect_in_indirect)
{
	hostile_setup(_metadata, self);
	set_desc(self, INDIRECT2, 0, G(HDR), 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(self, INDIRECT2, 1, G(STATUS), 1, VIRTQ_DESC_F_WRITE, 0);
	set_desc(self, INDIRECT, 0, G(INDIRECT2), 32, VIRTQ_DESC_F_INDIRECT, 0);
	set_desc(self, DESC, 0, G(INDIRECT), 16, VIRTQ_DESC_F_INDIRECT, 0);
	hostile(_metadata, self, "indirect descriptor inside an indirect table");
}

TEST_F(vblk, hostile_indirect_not_negotiated)
{
	char err[256];

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	ASSERT_LT(0, driver_up(self, ~VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)));
	set_desc(self, INDIRECT, 0, G(HDR), 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(self, INDIRECT, 1, G(STATUS), 1, VIRTQ_DESC_F_WRITE, 0);
	set_desc(self, DESC, 0, G(INDIRECT), 32, VIRTQ_DESC_F_INDIRECT, 0);
	hostile(_metadata, self, "without VIRTIO_F_INDIRECT_DESC");
}

TEST_F(vblk, hostile_ring_indices)
{
	uint16_t *avail = gp(self, AVAIL);

	hostile_setup(_metadata, self);
	/* a head outside the table */
	avail[2] = NUM + 3;
	self->avail_idx = 1;
	__atomic_store_n(&avail[1], self->avail_idx, __ATOMIC_RELEASE);
	wr(self, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_EQ(1, wait_device(self));
	expect_needs_reset(_metadata, self, 1, "descriptor index outside the table");
	/* a next index outside it */
	set_desc(self, DESC, 0, G(HDR), 16, VIRTQ_DESC_F_NEXT, NUM);
	hostile(_metadata, self, "descriptor index outside the table");
	/* the available index a whole queue and more ahead */
	self->avail_idx += NUM + 1;
	__atomic_store_n(&avail[1], self->avail_idx, __ATOMIC_RELEASE);
	wr(self, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ASSERT_EQ(1, wait_device(self));
	expect_needs_reset(_metadata, self, 1, "available index moved");
}

TEST_F(vblk, hostile_request_without_status)
{
	hostile_setup(_metadata, self);
	set_desc(self, DESC, 0, G(HDR), 16, 0, 0);
	hostile(_metadata, self, "without a header or a status byte");
}

TEST_F(vblk, hostile_ring_outside_ram)
{
	char err[256];
	uint32_t s = VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
		     VIRTIO_S_FEATURES_OK;

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	ASSERT_EQ(-1, driver_up(self, 0));	/* just to reach DRIVER */
	wr(self, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(self, VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	wr(self, VIRTIO_MMIO_STATUS, s);
	ASSERT_EQ(s, rd(self, VIRTIO_MMIO_STATUS));
	wr(self, VIRTIO_MMIO_QUEUE_NUM, NUM);
	wr(self, VIRTIO_MMIO_QUEUE_DESC_LOW, G(RAM_SIZE - 64));
	wr(self, VIRTIO_MMIO_QUEUE_DESC_HIGH, G(0) >> 32);
	wr(self, VIRTIO_MMIO_QUEUE_DRIVER_LOW, G(AVAIL));
	wr(self, VIRTIO_MMIO_QUEUE_DEVICE_LOW, G(USED));
	wr(self, VIRTIO_MMIO_QUEUE_READY, 1);
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_QUEUE_READY));
	expect_needs_reset(_metadata, self, 0, "ring outside RAM");
}

TEST_F(vblk, hostile_status_order)
{
	char err[256];

	ASSERT_EQ(0, open_blk(self, 0, err, sizeof(err)));
	/* DRIVER_OK without DRIVER and FEATURES_OK */
	wr(self, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE);
	wr(self, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER_OK);
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_STATUS) & VIRTIO_S_DRIVER_OK);
	expect_needs_reset(_metadata, self, 0, "DRIVER_OK before FEATURES_OK");
	/* FEATURES_OK without DRIVER */
	wr(self, VIRTIO_MMIO_STATUS, 0);
	wr(self, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_FEATURES_OK);
	expect_needs_reset(_metadata, self, 0, "FEATURES_OK before DRIVER");
	/* a running driver clears DRIVER_OK without a reset */
	wr(self, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
	   VIRTIO_S_FEATURES_OK);
	expect_needs_reset(_metadata, self, 1, "status bits cleared without a reset");
}

TEST_HARNESS_MAIN
