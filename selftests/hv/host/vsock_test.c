// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the hvctl VMM's virtio-vsock device (tools/hvctl/vmm/
 * virtio/vsock.c, vsock_host.c), compiled into this program. The test is
 * the guest's driver: it owns a buffer standing in for guest RAM, writes
 * the transport's registers as MMIO exits would, lays out the three
 * queues, posts receive buffers and sends packets on the transmit queue;
 * the host's side is real unix sockets in a temporary directory. Built
 * with -fsanitize=address,undefined.
 *
 * Covered: both directions of connection set-up (REQUEST/RESPONSE, the
 * CONNECT/OK handshake), data both ways with checksums, SHUTDOWN and the
 * RST that ends a close, refusals, credit in both directions (the device
 * never sends more than the guest's credit, and asks for more once per
 * stall with CREDIT_REQUEST; it keeps what the host has
 * not read and loses none of it; it resets a guest that sends beyond its
 * credit), many connections at once, the connection table's limit, a
 * driver reset that releases every connection, and the guest's hostile
 * packets (short header, length beyond the buffer, unknown op, wrong type
 * or addresses, packets for no connection): RST or needs-reset, never a
 * crash.
 *
 * Waits poll the used rings and sockets with a bound of many seconds, a
 * guard against a hang only: nothing depends on how fast the device is.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "kselftest_harness.h"
#include "virtio.h"
#include "vsock.h"

#define RAM_GPA		0x40000000ULL
#define RAM_SIZE	0x400000ULL
#define NUM		64
#define CID		3
#define RXBUF		(4096 + VSOCK_HDR_SIZE)

/* guest-physical layout, as offsets into RAM: queue q at 0x10000 * q */
#define Q_DESC(q)	(0x10000 * (q))
#define Q_AVAIL(q)	(0x10000 * (q) + 0x1000)
#define Q_USED(q)	(0x10000 * (q) + 0x2000)
#define RX_BUFS		0x40000		/* NUM * RXBUF */
#define TX_BUF		0x100000	/* one packet at a time, 1 MiB */
#define EV_BUFS		0x30000

#define G(off)		(RAM_GPA + (off))
#define WAIT_MS		20000		/* a hang guard, not a timing */

FIXTURE(vsock) {
	uint8_t *ram;
	struct hvctl_gmem mem;
	struct virtio_mmio_dev dev;
	struct hvctl_vsock *vs;
	char dir[32], path[64];
	uint16_t avail[3], used_seen[3];
	char why[256];
};

static void test_log(struct virtio_mmio_dev *dev, const char *msg)
{
	FIXTURE_DATA(vsock) *t = dev->opaque;

	snprintf(t->why, sizeof(t->why), "%s", msg);
}

static void test_irq(struct virtio_mmio_dev *dev, int level)
{
	(void)dev;
	(void)level;
}

static void *gp(FIXTURE_DATA(vsock) *t, uint64_t off)
{
	return t->ram + off;
}

static void wr(FIXTURE_DATA(vsock) *t, uint32_t off, uint32_t val)
{
	virtio_mmio_write(&t->dev, off, &val, 4);
}

static uint32_t rd(FIXTURE_DATA(vsock) *t, uint32_t off)
{
	uint32_t v;

	virtio_mmio_read(&t->dev, off, &v, 4);
	return v;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_nsec = ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void set_desc(FIXTURE_DATA(vsock) *t, unsigned int q, unsigned int i,
		     uint64_t addr, uint32_t len, uint16_t flags)
{
	struct virtq_desc *d = gp(t, Q_DESC(q) + 16 * i);

	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = 0;
}

static void post(FIXTURE_DATA(vsock) *t, unsigned int q, uint16_t head)
{
	uint16_t *avail = gp(t, Q_AVAIL(q));

	avail[2 + t->avail[q] % NUM] = head;
	t->avail[q]++;
	__atomic_store_n(&avail[1], t->avail[q], __ATOMIC_RELEASE);
}

static uint16_t used_idx(FIXTURE_DATA(vsock) *t, unsigned int q)
{
	return __atomic_load_n((uint16_t *)gp(t, Q_USED(q) + 2),
			       __ATOMIC_ACQUIRE);
}

/* ACKNOWLEDGE .. DRIVER_OK with VERSION_1 (and stream), 3 queues, buffers */
static void driver_up(FIXTURE_DATA(vsock) *t)
{
	unsigned int q, i;

	wr(t, VIRTIO_MMIO_STATUS, 0);
	memset(t->ram, 0, 0x40000);
	memset(t->avail, 0, sizeof(t->avail));
	memset(t->used_seen, 0, sizeof(t->used_seen));
	wr(t, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE);
	wr(t, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 1 << VIRTIO_VSOCK_F_STREAM);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	wr(t, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
	   VIRTIO_S_FEATURES_OK);
	for (q = 0; q < 3; q++) {
		wr(t, VIRTIO_MMIO_QUEUE_SEL, q);
		wr(t, VIRTIO_MMIO_QUEUE_NUM, NUM);
		wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, G(Q_DESC(q)));
		wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
		wr(t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, G(Q_AVAIL(q)));
		wr(t, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
		wr(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, G(Q_USED(q)));
		wr(t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
		wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	for (i = 0; i < NUM; i++) {
		set_desc(t, VSOCK_Q_RX, i, G(RX_BUFS + RXBUF * i), RXBUF,
			 VIRTQ_DESC_F_WRITE);
		post(t, VSOCK_Q_RX, i);
		set_desc(t, VSOCK_Q_EVENT, i, G(EV_BUFS + 8 * i), 8,
			 VIRTQ_DESC_F_WRITE);
		post(t, VSOCK_Q_EVENT, i);
	}
	wr(t, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
	   VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VSOCK_Q_RX);
}

FIXTURE_SETUP(vsock)
{
	char err[256];

	self->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ram);
	self->mem = (struct hvctl_gmem){ .base = self->ram, .gpa = RAM_GPA,
					 .size = RAM_SIZE };
	snprintf(self->dir, sizeof(self->dir), "/tmp/hv-vsock-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/vm.vsock", self->dir);
	self->vs = hvctl_vsock_create(CID, self->path, &self->dev, &self->mem,
				      err, sizeof(err));
	ASSERT_NE(NULL, self->vs) TH_LOG("%s", err);
	pthread_mutex_lock(&self->dev.lock);
	self->dev.opaque = self;
	self->dev.log = test_log;
	self->dev.irq = test_irq;
	pthread_mutex_unlock(&self->dev.lock);
	driver_up(self);
}

FIXTURE_TEARDOWN(vsock)
{
	char cmd[160];

	hvctl_vsock_destroy(self->vs);
	/* everything released: the host socket's path too */
	EXPECT_NE(0, access(self->path, F_OK));
	munmap(self->ram, RAM_SIZE);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	EXPECT_EQ(0, system(cmd));
}

/* --- packets ------------------------------------------------------------------ */

static struct vsock_hdr hdr(uint16_t op, uint32_t src_port, uint32_t dst_port)
{
	return (struct vsock_hdr){
		.src_cid = CID, .dst_cid = VSOCK_HOST_CID,
		.src_port = src_port, .dst_port = dst_port,
		.type = VIRTIO_VSOCK_TYPE_STREAM, .op = op,
		.buf_alloc = 1 << 20,
	};
}

/*
 * Sends a packet of @out_len bytes (header then @data) on the transmit
 * queue and waits until the device took it. 0, or -1 on a hang.
 */
static int tx_raw(FIXTURE_DATA(vsock) *t, const struct vsock_hdr *h,
		  const void *data, uint32_t data_len, uint32_t out_len)
{
	uint16_t want = t->used_seen[VSOCK_Q_TX] + 1;
	unsigned int ms;

	memcpy(gp(t, TX_BUF), h, sizeof(*h) < out_len ? sizeof(*h) : out_len);
	if (data_len)
		memcpy(gp(t, TX_BUF + VSOCK_HDR_SIZE), data, data_len);
	set_desc(t, VSOCK_Q_TX, 0, G(TX_BUF), out_len, 0);
	post(t, VSOCK_Q_TX, 0);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VSOCK_Q_TX);
	for (ms = 0; used_idx(t, VSOCK_Q_TX) != want; ms++) {
		if (ms == WAIT_MS || (rd(t, VIRTIO_MMIO_STATUS) &
				      VIRTIO_S_NEEDS_RESET))
			return -1;
		sleep_ms(1);
	}
	t->used_seen[VSOCK_Q_TX] = want;
	return 0;
}

static int tx(FIXTURE_DATA(vsock) *t, struct vsock_hdr h, const void *data,
	      uint32_t len)
{
	h.len = len;
	return tx_raw(t, &h, data, len, VSOCK_HDR_SIZE + len);
}

/* The next packet from the device (its payload into @data); the buffer goes back. */
static int rx(FIXTURE_DATA(vsock) *t, struct vsock_hdr *h, void *data,
	      uint32_t max)
{
	uint16_t slot = t->used_seen[VSOCK_Q_RX] % NUM;
	unsigned int ms;
	uint32_t id, len;

	for (ms = 0; used_idx(t, VSOCK_Q_RX) == t->used_seen[VSOCK_Q_RX]; ms++) {
		if (ms == WAIT_MS)
			return -1;
		sleep_ms(1);
	}
	id = *(uint32_t *)gp(t, Q_USED(VSOCK_Q_RX) + 4 + 8 * slot);
	len = *(uint32_t *)gp(t, Q_USED(VSOCK_Q_RX) + 8 + 8 * slot);
	t->used_seen[VSOCK_Q_RX]++;
	if (id >= NUM || len < VSOCK_HDR_SIZE)
		return -1;
	memcpy(h, gp(t, RX_BUFS + RXBUF * id), sizeof(*h));
	if (h->len != len - VSOCK_HDR_SIZE || h->len > max)
		return -1;
	if (data)
		memcpy(data, gp(t, RX_BUFS + RXBUF * id + VSOCK_HDR_SIZE),
		       h->len);
	post(t, VSOCK_Q_RX, id);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VSOCK_Q_RX);
	return 0;
}

/* The next packet must be @op between @host_port and @guest_port. */
static int rx_op(FIXTURE_DATA(vsock) *t, uint16_t op, uint32_t host_port,
		 uint32_t guest_port)
{
	static uint8_t buf[RXBUF];
	struct vsock_hdr h;

	if (rx(t, &h, buf, sizeof(buf)))
		return -1;
	if (h.op != op || h.src_port != host_port || h.dst_port != guest_port ||
	    h.src_cid != VSOCK_HOST_CID || h.dst_cid != CID ||
	    h.type != VIRTIO_VSOCK_TYPE_STREAM) {
		fprintf(stderr, "# got op %u %u -> %u, wanted op %u %u -> %u\n",
			h.op, h.src_port, h.dst_port, op, host_port, guest_port);
		return -1;
	}
	return 0;
}

static int host_listen(FIXTURE_DATA(vsock) *t, unsigned int port)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s_%u", t->path, port);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 512))
		return -1;
	return fd;
}

static int host_connect(FIXTURE_DATA(vsock) *t, const char *line)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", t->path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	/* (a client the device closed at once may find the socket gone) */
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0 && errno != EPIPE)
		return -1;
	return fd;
}

/* Reads exactly @len bytes (blocking, bounded by the hang guard). */
static int read_all(int fd, void *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t done = 0;
	ssize_t r;

	while (done < len) {
		if (poll(&p, 1, WAIT_MS) != 1)
			return -1;
		r = read(fd, (char *)buf + done, len - done);
		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

/* 1 when @fd reaches the end of its stream (after nothing more). */
static int read_eof(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, WAIT_MS) != 1)
		return 0;
	return read(fd, &c, 1) == 0;
}

static void pattern(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed * 13 + (i >> 8));
}

static uint32_t sum(const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261U;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619U;
	return h;
}

/* A guest connection to host port @port from guest port @gport, accepted. */
static int guest_open(FIXTURE_DATA(vsock) *t, int lfd, uint32_t gport,
		      uint32_t port)
{
	if (tx(t, hdr(VIRTIO_VSOCK_OP_REQUEST, gport, port), NULL, 0) ||
	    rx_op(t, VIRTIO_VSOCK_OP_RESPONSE, port, gport))
		return -1;
	return accept(lfd, NULL, NULL);
}

/* --- tests -------------------------------------------------------------------- */

TEST_F(vsock, config_has_the_guest_cid)
{
	uint64_t cid = 0;

	virtio_mmio_read(&self->dev, VIRTIO_MMIO_CONFIG, &cid, 8);
	EXPECT_EQ(CID, cid);
	EXPECT_EQ(VIRTIO_ID_VSOCK, rd(self, VIRTIO_MMIO_DEVICE_ID));
}

/* guest -> host: REQUEST, RESPONSE, data both ways, SHUTDOWN, RST */
TEST_F(vsock, guest_connects_to_host)
{
	uint8_t out[3000], back[3000];
	struct vsock_hdr h;
	int lfd, fd;

	lfd = host_listen(self, 1234);
	ASSERT_LE(0, lfd);
	fd = guest_open(self, lfd, 5000, 1234);
	ASSERT_LE(0, fd);
	pattern(out, sizeof(out), 1);
	ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RW, 5000, 1234), out,
			sizeof(out)));
	ASSERT_EQ(0, read_all(fd, back, sizeof(back)));
	EXPECT_EQ(sum(out, sizeof(out)), sum(back, sizeof(back)));
	/* the host answers; the guest gets it on port 5000 from 1234 */
	pattern(out, sizeof(out), 2);
	ASSERT_EQ((ssize_t)sizeof(out), write(fd, out, sizeof(out)));
	memset(back, 0, sizeof(back));
	{
		size_t got = 0;

		while (got < sizeof(out)) {
			ASSERT_EQ(0, rx(self, &h, back + got, sizeof(back) - got));
			ASSERT_EQ(VIRTIO_VSOCK_OP_RW, h.op);
			ASSERT_EQ(1234, h.src_port);
			ASSERT_EQ(5000, h.dst_port);
			got += h.len;
		}
	}
	EXPECT_EQ(sum(out, sizeof(out)), sum(back, sizeof(back)));
	/* the guest's close: SHUTDOWN both ways, answered by RST; host EOF */
	h = hdr(VIRTIO_VSOCK_OP_SHUTDOWN, 5000, 1234);
	h.flags = VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND;
	ASSERT_EQ(0, tx(self, h, NULL, 0));
	EXPECT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_RST, 1234, 5000));
	EXPECT_EQ(1, read_eof(fd));
	/* what `hvctl info` shows: the connection made and gone, the bytes */
	{
		struct vsock_stats st;

		hvctl_vsock_stats(self->vs, &st);
		EXPECT_EQ(1, st.conns);
		EXPECT_EQ(0, st.conns_open);
		EXPECT_EQ(sizeof(out), st.tx_bytes);
		EXPECT_EQ(sizeof(out), st.rx_bytes);
		EXPECT_EQ(1, st.rst_sent);
		EXPECT_EQ(0, st.rst_recv);
		EXPECT_EQ(0, st.credit_stalls);
	}
	close(fd);
	close(lfd);
}

/* host -> guest: CONNECT P, REQUEST, RESPONSE, "OK PORT", data, host EOF */
TEST_F(vsock, host_connects_to_guest)
{
	uint8_t out[5000], back[5000];
	struct vsock_hdr h;
	unsigned int hport;
	char ok[32];
	size_t got;
	int fd;

	fd = host_connect(self, "CONNECT 77\n");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rx(self, &h, NULL, 0));
	ASSERT_EQ(VIRTIO_VSOCK_OP_REQUEST, h.op);
	ASSERT_EQ(77, h.dst_port);
	ASSERT_EQ(CID, h.dst_cid);
	ASSERT_EQ(VSOCK_HOST_CID, h.src_cid);
	hport = h.src_port;
	ASSERT_LE(VSOCK_HOST_PORT_FIRST, hport);
	ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RESPONSE, 77, hport), NULL, 0));
	snprintf(ok, sizeof(ok), "OK %u\n", hport);
	memset(back, 0, sizeof(back));
	ASSERT_EQ(0, read_all(fd, back, strlen(ok)));
	EXPECT_STREQ(ok, (char *)back);
	pattern(out, sizeof(out), 3);
	ASSERT_EQ((ssize_t)sizeof(out), write(fd, out, sizeof(out)));
	for (got = 0; got < sizeof(out); got += h.len) {
		ASSERT_EQ(0, rx(self, &h, back + got, sizeof(back) - got));
		ASSERT_EQ(VIRTIO_VSOCK_OP_RW, h.op);
	}
	EXPECT_EQ(sum(out, sizeof(out)), sum(back, sizeof(back)));
	ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RW, 77, hport), out, 100));
	ASSERT_EQ(0, read_all(fd, back, 100));
	EXPECT_EQ(0, memcmp(out, back, 100));
	/* the host's end of stream: SHUTDOWN(SEND) to the guest */
	shutdown(fd, SHUT_WR);
	ASSERT_EQ(0, rx(self, &h, NULL, 0));
	EXPECT_EQ(VIRTIO_VSOCK_OP_SHUTDOWN, h.op);
	EXPECT_EQ(VIRTIO_VSOCK_SHUTDOWN_SEND, h.flags);
	/* the guest resets: the host sees the end */
	EXPECT_EQ(1, self->vs->stats.conns_open);
	ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RST, 77, hport), NULL, 0));
	EXPECT_EQ(1, read_eof(fd));
	EXPECT_EQ(1, self->vs->stats.rst_recv);
	EXPECT_EQ(0, self->vs->stats.conns_open);
	close(fd);
}

/* nothing listens on the host's port, or in the guest */
TEST_F(vsock, refusals)
{
	struct vsock_hdr h;
	char c;
	int fd;

	ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_REQUEST, 5001, 999), NULL, 0));
	EXPECT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_RST, 999, 5001));
	fd = host_connect(self, "CONNECT 78\n");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rx(self, &h, NULL, 0));
	ASSERT_EQ(VIRTIO_VSOCK_OP_REQUEST, h.op);
	ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RST, 78, h.src_port), NULL, 0));
	/* closed without an OK */
	EXPECT_EQ(1, read_eof(fd));
	close(fd);
	/* a bad CONNECT line is closed at once */
	fd = host_connect(self, "CONNECT x\n");
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, read(fd, &c, 1));
	close(fd);
}

/*
 * The guest's credit: never more in flight than its buf_alloc (not a
 * multiple of the 4 KiB receive buffers, so that a device that ignored it
 * would overshoot).
 */
#define GUEST_CREDIT	6000

/*
 * A guest with GUEST_CREDIT of buffer connects from @gport to the host's
 * @hport; the host writes @len bytes of @out at once on the accepted
 * socket (non-blocking; its buffer holds more). Returns that socket and
 * the listener in @lfd, or -1.
 */
static int host_data_waiting(struct __test_metadata *_metadata,
			     FIXTURE_DATA(vsock) *self, uint32_t hport,
			     uint32_t gport, const uint8_t *out, size_t len,
			     int *lfd)
{
	struct vsock_hdr g = hdr(VIRTIO_VSOCK_OP_REQUEST, gport, hport);
	int fd;

	*lfd = host_listen(self, hport);
	if (*lfd < 0)
		return -1;
	g.buf_alloc = GUEST_CREDIT;
	if (tx(self, g, NULL, 0) ||
	    rx_op(self, VIRTIO_VSOCK_OP_RESPONSE, hport, gport))
		return -1;
	fd = accept(*lfd, NULL, NULL);
	if (fd < 0)
		return -1;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	EXPECT_EQ((ssize_t)len, write(fd, out, len));
	return fd;
}
TEST_F(vsock, device_respects_guest_credit)
{
	static uint8_t out[60000], back[60000];
	struct vsock_hdr h, g;
	uint32_t got = 0, fwd = 0;
	int lfd, fd;

	pattern(out, sizeof(out), 4);
	/* all of it waits in the host socket */
	fd = host_data_waiting(_metadata, self, 1300, 6000, out, sizeof(out),
			       &lfd);
	ASSERT_LE(0, fd);
	while (got < sizeof(out)) {
		/* up to the credit, then a CREDIT_REQUEST must see an update */
		while (got - fwd < GUEST_CREDIT) {
			ASSERT_EQ(0, rx(self, &h, back + got, sizeof(back) - got));
			ASSERT_EQ(VIRTIO_VSOCK_OP_RW, h.op);
			got += h.len;
			ASSERT_GE(GUEST_CREDIT, got - fwd) TH_LOG("%u bytes in flight", got - fwd);
			if (got == sizeof(out))
				break;
		}
		if (got == sizeof(out))
			break;
		/* the device asks for credit (the host has more) ... */
		ASSERT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_CREDIT_REQUEST, 1300, 6000));
		/* ... and answers the guest's request */
		g = hdr(VIRTIO_VSOCK_OP_CREDIT_REQUEST, 6000, 1300);
		g.buf_alloc = GUEST_CREDIT;
		g.fwd_cnt = fwd;
		ASSERT_EQ(0, tx(self, g, NULL, 0));
		/* no RW beyond the credit came before the answer */
		ASSERT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 1300, 6000));
		/* the guest consumed it all */
		fwd = got;
		g = hdr(VIRTIO_VSOCK_OP_CREDIT_UPDATE, 6000, 1300);
		g.buf_alloc = GUEST_CREDIT;
		g.fwd_cnt = fwd;
		ASSERT_EQ(0, tx(self, g, NULL, 0));
	}
	EXPECT_EQ(sum(out, sizeof(out)), sum(back, sizeof(back)));
	close(fd);
	close(lfd);
}

/*
 * A guest that never sends a CREDIT_UPDATE of its own (the spec does not
 * make it): once the device has host data and the guest's credit is
 * used up, the device asks with CREDIT_REQUEST (5.10.6.3), once per
 * stall: an answer that gives no credit is not asked again (the guest's
 * own CREDIT_REQUEST then gets its CREDIT_UPDATE first, which a second
 * request queued by the device would come before), and the next stall,
 * after the guest freed its buffer, is asked once more. With no host data
 * left there is nothing to ask for.
 */
TEST_F(vsock, credit_request_once_per_stall)
{
	static uint8_t out[20000], back[20000];
	struct vsock_hdr h, g;
	uint32_t got = 0, fwd = 0;
	int lfd, fd, stalls = 0;

	pattern(out, sizeof(out), 6);
	fd = host_data_waiting(_metadata, self, 1800, 9000, out, sizeof(out),
			       &lfd);
	ASSERT_LE(0, fd);
	while (got < sizeof(out)) {
		ASSERT_EQ(0, rx(self, &h, back + got, sizeof(back) - got));
		if (h.op == VIRTIO_VSOCK_OP_RW) {
			got += h.len;
			ASSERT_GE(GUEST_CREDIT, got - fwd);
			continue;
		}
		/* only once the credit is used up, with data still waiting */
		ASSERT_EQ(VIRTIO_VSOCK_OP_CREDIT_REQUEST, h.op) TH_LOG("op %u", h.op);
		ASSERT_EQ(GUEST_CREDIT, got - fwd);
		ASSERT_GT(sizeof(out), got);
		stalls++;
		/* an answer without credit: the application read nothing yet */
		g = hdr(VIRTIO_VSOCK_OP_CREDIT_UPDATE, 9000, 1800);
		g.buf_alloc = GUEST_CREDIT;
		g.fwd_cnt = fwd;
		ASSERT_EQ(0, tx(self, g, NULL, 0));
		/* not asked again: our request's answer is the next packet */
		g.op = VIRTIO_VSOCK_OP_CREDIT_REQUEST;
		ASSERT_EQ(0, tx(self, g, NULL, 0));
		ASSERT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 1800, 9000));
		/* then it reads it all: the next stall is a new one */
		fwd = got;
		g.op = VIRTIO_VSOCK_OP_CREDIT_UPDATE;
		g.fwd_cnt = fwd;
		ASSERT_EQ(0, tx(self, g, NULL, 0));
	}
	EXPECT_EQ(sum(out, sizeof(out)), sum(back, sizeof(back)));
	/* 20000 bytes through 6000 of credit: three stalls, each asked once */
	EXPECT_EQ(3, stalls);
	EXPECT_EQ(3, self->vs->stats.credit_stalls);
	/* the last 2000 left credit over and no data: nothing was asked */
	g = hdr(VIRTIO_VSOCK_OP_CREDIT_REQUEST, 9000, 1800);
	g.buf_alloc = GUEST_CREDIT;
	g.fwd_cnt = fwd;
	ASSERT_EQ(0, tx(self, g, NULL, 0));
	EXPECT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 1800, 9000));
	close(fd);
	close(lfd);
}

/*
 * The device's credit: a host that does not read makes the device keep
 * the guest's data (up to its buf_alloc beyond what the socket holds);
 * an honest guest waits for CREDIT_UPDATE, and the host reads every byte;
 * a guest that sends beyond its credit is reset.
 */
TEST_F(vsock, guest_data_kept_until_host_reads)
{
	static uint8_t out[1 << 20], back[1 << 20];
	uint32_t sent = 0, credit_fwd = 0, buf_alloc = 0, chunk;
	struct vsock_hdr h;
	int lfd, fd, rst = 0;
	size_t got = 0;
	ssize_t r;

	lfd = host_listen(self, 1400);
	ASSERT_LE(0, lfd);
	fd = guest_open(self, lfd, 7000, 1400);
	ASSERT_LE(0, fd);
	pattern(out, sizeof(out), 5);
	/* honest: never beyond the device's credit; the host reads late */
	buf_alloc = VSOCK_BUF_ALLOC;
	while (sent < sizeof(out)) {
		chunk = 32768;
		/* every CREDIT_UPDATE there is */
		while (used_idx(self, VSOCK_Q_RX) != self->used_seen[VSOCK_Q_RX]) {
			ASSERT_EQ(0, rx(self, &h, NULL, 0));
			ASSERT_EQ(VIRTIO_VSOCK_OP_CREDIT_UPDATE, h.op);
			credit_fwd = h.fwd_cnt;
			buf_alloc = h.buf_alloc;
		}
		if (sent + chunk - credit_fwd <= buf_alloc) {
			ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RW, 7000, 1400),
					out + sent, chunk));
			sent += chunk;
			continue;
		}
		/* out of credit: the host reads what is there, then an update */
		while ((r = recv(fd, back + got, sizeof(back) - got,
				 MSG_DONTWAIT)) > 0)
			got += r;
		ASSERT_EQ(0, rx(self, &h, NULL, 0));
		ASSERT_EQ(VIRTIO_VSOCK_OP_CREDIT_UPDATE, h.op);
		credit_fwd = h.fwd_cnt;
		buf_alloc = h.buf_alloc;
	}
	ASSERT_EQ(0, read_all(fd, back + got, sizeof(out) - got));
	EXPECT_EQ(sum(out, sizeof(out)), sum(back, sizeof(back)));
	EXPECT_EQ(0, self->vs->stats.bad_pkts);
	/* hostile: beyond the credit while the host reads nothing */
	for (sent = 0; sent < 4 * (1 << 20) / 32768 && !rst; sent++) {
		ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RW, 7000, 1400),
				out, 32768));
		while (used_idx(self, VSOCK_Q_RX) != self->used_seen[VSOCK_Q_RX]) {
			ASSERT_EQ(0, rx(self, &h, NULL, 0));
			if (h.op == VIRTIO_VSOCK_OP_RST)
				rst = 1;
		}
	}
	/* (the RST may still be on its way) */
	while (!rst) {
		ASSERT_EQ(0, rx(self, &h, NULL, 0));
		rst = h.op == VIRTIO_VSOCK_OP_RST;
	}
	EXPECT_LT(0, self->vs->stats.bad_pkts);
	close(fd);
	close(lfd);
}

/* 16 connections at once each way, data interleaved, checksums */
TEST_F(vsock, many_connections)
{
	static uint8_t out[16][2048], back[16][2048], tmp[RXBUF];
	unsigned int i, hport[16], got[16] = { 0 }, left = 16;
	int lfd, fd[16], hfd[16];
	struct vsock_hdr h;
	char ok[32];

	lfd = host_listen(self, 1500);
	ASSERT_LE(0, lfd);
	for (i = 0; i < 16; i++) {
		fd[i] = guest_open(self, lfd, 8000 + i, 1500);
		ASSERT_LE(0, fd[i]);
		hfd[i] = host_connect(self, "CONNECT 90\n");
		ASSERT_LE(0, hfd[i]);
		ASSERT_EQ(0, rx(self, &h, NULL, 0));
		ASSERT_EQ(VIRTIO_VSOCK_OP_REQUEST, h.op);
		hport[i] = h.src_port;
		ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RESPONSE, 90, hport[i]),
				NULL, 0));
		snprintf(ok, sizeof(ok), "OK %u\n", hport[i]);
		memset(back[i], 0, sizeof(back[i]));
		ASSERT_EQ(0, read_all(hfd[i], back[i], strlen(ok)));
		ASSERT_STREQ(ok, (char *)back[i]);
		pattern(out[i], sizeof(out[i]), 10 + i);
	}
	/* guest -> host on the first 16, host -> guest on the other 16 */
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RW, 8000 + i, 1500),
				out[i], 1024));
		ASSERT_EQ((ssize_t)sizeof(out[i]), write(hfd[i], out[i],
							 sizeof(out[i])));
		ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RW, 8000 + i, 1500),
				out[i] + 1024, 1024));
	}
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(0, read_all(fd[i], back[i], sizeof(back[i])));
		EXPECT_EQ(sum(out[i], sizeof(out[i])), sum(back[i], sizeof(back[i])));
		memset(back[i], 0, sizeof(back[i]));
	}
	while (left) {
		ASSERT_EQ(0, rx(self, &h, tmp, sizeof(tmp)));
		if (h.op != VIRTIO_VSOCK_OP_RW)
			continue;
		for (i = 0; i < 16 && hport[i] != h.src_port; i++)
			;
		ASSERT_GT(16, i);
		ASSERT_GE(sizeof(back[i]), got[i] + h.len);
		memcpy(back[i] + got[i], tmp, h.len);
		got[i] += h.len;
		if (got[i] == sizeof(back[i]))
			left--;
	}
	for (i = 0; i < 16; i++) {
		EXPECT_EQ(sum(out[i], sizeof(out[i])), sum(back[i], sizeof(back[i])));
		close(fd[i]);
		close(hfd[i]);
	}
	close(lfd);
}

/* VSOCK_MAX_CONNS at once, one more refused; a reset frees them all */
TEST_F(vsock, table_limit_and_reset)
{
	static int fd[VSOCK_MAX_CONNS];
	unsigned int i;
	int lfd;

	lfd = host_listen(self, 1600);
	ASSERT_LE(0, lfd);
	for (i = 0; i < VSOCK_MAX_CONNS; i++) {
		fd[i] = guest_open(self, lfd, 10000 + i, 1600);
		ASSERT_LE(0, fd[i]) TH_LOG("connection %u", i);
	}
	ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_REQUEST, 20000, 1600), NULL, 0));
	EXPECT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_RST, 1600, 20000));
	/* the driver resets the device: every host socket is closed */
	wr(self, VIRTIO_MMIO_STATUS, 0);
	for (i = 0; i < VSOCK_MAX_CONNS; i++) {
		EXPECT_EQ(1, read_eof(fd[i])) TH_LOG("connection %u", i);
		close(fd[i]);
	}
	/* and works again */
	driver_up(self);
	fd[0] = guest_open(self, lfd, 30000, 1600);
	EXPECT_LE(0, fd[0]);
	close(fd[0]);
	close(lfd);
}

/* The guest's mistakes: an RST, or a reset for a chain without a header */
TEST_F(vsock, hostile_packets)
{
	struct vsock_hdr h;
	uint8_t data[64] = { 0 };
	int lfd, fd;

	lfd = host_listen(self, 1700);
	ASSERT_LE(0, lfd);
	/* a packet for no connection */
	ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RW, 40000, 1700), data, 10));
	EXPECT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_RST, 1700, 40000));
	/* an RST for no connection: no answer (the next answer is the next RST) */
	ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RST, 40001, 1700), NULL, 0));
	/* a type other than stream */
	h = hdr(VIRTIO_VSOCK_OP_REQUEST, 40002, 1700);
	h.type = 2;
	ASSERT_EQ(0, tx(self, h, NULL, 0));
	ASSERT_EQ(0, rx(self, &h, NULL, 0));
	EXPECT_EQ(VIRTIO_VSOCK_OP_RST, h.op);
	EXPECT_EQ(40002, h.dst_port);
	/* a source that is not the guest */
	h = hdr(VIRTIO_VSOCK_OP_REQUEST, 40003, 1700);
	h.src_cid = 77;
	ASSERT_EQ(0, tx(self, h, NULL, 0));
	ASSERT_EQ(0, rx(self, &h, NULL, 0));
	EXPECT_EQ(VIRTIO_VSOCK_OP_RST, h.op);
	EXPECT_EQ(40003, h.dst_port);
	/* a length beyond the buffer: its connection is reset */
	fd = guest_open(self, lfd, 40004, 1700);
	ASSERT_LE(0, fd);
	h = hdr(VIRTIO_VSOCK_OP_RW, 40004, 1700);
	h.len = 1 << 20;
	ASSERT_EQ(0, tx_raw(self, &h, data, 64, VSOCK_HDR_SIZE + 64));
	EXPECT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_RST, 1700, 40004));
	EXPECT_EQ(1, read_eof(fd));
	close(fd);
	/* an unknown op on a live connection: RST, the host sees the end */
	fd = guest_open(self, lfd, 40005, 1700);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tx(self, hdr(99, 40005, 1700), NULL, 0));
	EXPECT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_RST, 1700, 40005));
	EXPECT_EQ(1, read_eof(fd));
	close(fd);
	/* a second REQUEST on a live connection */
	fd = guest_open(self, lfd, 40006, 1700);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_REQUEST, 40006, 1700), NULL, 0));
	EXPECT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_RST, 1700, 40006));
	EXPECT_EQ(1, read_eof(fd));
	close(fd);
	/* a RESPONSE nobody asked for */
	fd = guest_open(self, lfd, 40007, 1700);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tx(self, hdr(VIRTIO_VSOCK_OP_RESPONSE, 40007, 1700), NULL, 0));
	EXPECT_EQ(0, rx_op(self, VIRTIO_VSOCK_OP_RST, 1700, 40007));
	close(fd);
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_STATUS) & VIRTIO_S_NEEDS_RESET);
	/* a chain too short for a header: the device needs a reset */
	h = hdr(VIRTIO_VSOCK_OP_RW, 1, 2);
	EXPECT_EQ(-1, tx_raw(self, &h, NULL, 0, 10));
	EXPECT_NE(0, rd(self, VIRTIO_MMIO_STATUS) & VIRTIO_S_NEEDS_RESET);
	EXPECT_NE(NULL, strstr(self->why, "shorter than its header"));
	/* a reset, and it works again */
	driver_up(self);
	fd = guest_open(self, lfd, 40008, 1700);
	EXPECT_LE(0, fd);
	close(fd);
	close(lfd);
}

/* Host clients that never finish their CONNECT line are bounded. */
TEST_F(vsock, pending_clients_bounded)
{
	int fd[VSOCK_MAX_PENDING + 4], i, closed = 0;
	char c;

	for (i = 0; i < VSOCK_MAX_PENDING + 4; i++) {
		fd[i] = host_connect(self, "CONN");
		ASSERT_LE(0, fd[i]);
	}
	/* the ones beyond the limit are closed, the others wait */
	for (i = 0; i < VSOCK_MAX_PENDING; i++) {
		struct pollfd p = { .fd = fd[i], .events = POLLIN };

		EXPECT_EQ(0, poll(&p, 1, 0)) TH_LOG("client %d closed", i);
	}
	for (i = 0; i < VSOCK_MAX_PENDING + 4; i++) {
		struct pollfd p = { .fd = fd[i], .events = POLLIN };

		/* (closed with its line unread: ECONNRESET, not EOF) */
		if (i >= VSOCK_MAX_PENDING && poll(&p, 1, WAIT_MS) == 1 &&
		    read(fd[i], &c, 1) <= 0)
			closed++;
	}
	EXPECT_EQ(4, closed);
	for (i = 0; i < VSOCK_MAX_PENDING + 4; i++)
		close(fd[i]);
}

TEST_HARNESS_MAIN
