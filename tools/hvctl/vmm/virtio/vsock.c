// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock (virtio 1.2, 5.10), the device: the guest's packets on the
 * transmit queue, the device's on the receive queue, stream connections
 * (REQUEST/RESPONSE, RW, SHUTDOWN, RST, CREDIT_UPDATE/CREDIT_REQUEST) to
 * the host's unix sockets of vsock_host.c. The event queue is never
 * used: the device has no transport reset to report (5.10.6.7 is for a
 * migration).
 *
 * Flow control (5.10.6.3), both ways:
 * - to the guest: the device reads a host socket only into a receive
 *   buffer the guest posted, and never more than the guest's credit,
 *   buf_alloc - (tx_cnt - fwd_cnt) from the guest's last header;
 * - from the guest: the device offers VSOCK_BUF_ALLOC bytes per
 *   connection and counts as forwarded (fwd_cnt) only what the host's
 *   socket took; a CREDIT_UPDATE goes out when the guest's view of its
 *   credit dropped below half and the device has freed some since.
 * - a stall: the guest's credit is used up and the host has more. The
 *   spec lets the guest send its update only when asked, so the device
 *   asks (CREDIT_REQUEST, 5.10.6.3), once per stall: an answer still
 *   without credit is not asked again (that would be a storm of
 *   request/answer pairs); any packet of the guest carries its credit,
 *   and once it is back the next stall is asked again.
 *
 * The guest is not trusted: a chain too short for a header puts the
 * device into DEVICE_NEEDS_RESET; every other mistake (a length beyond
 * the buffer, a type other than stream, addresses that are not guest ->
 * host, unknown ops, data beyond its credit or after its SHUTDOWN, a
 * packet for no connection, more connections than VSOCK_MAX_CONNS) is
 * answered with an RST, the connection's host socket closed, and the
 * device goes on.
 *
 * One I/O thread per device serves both queues and every host socket
 * (poll); it alone touches the connection table. A driver reset (from a
 * vCPU thread, under the transport's I/O lock) only counts; the thread
 * drops every connection the next time it takes that lock.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "vsock.h"

#define VSOCK_STAT(vs, f, n) \
	__atomic_fetch_add(&(vs)->stats.f, (n), __ATOMIC_RELAXED)

static void vsock_kick(struct hvctl_vsock *vs)
{
	uint64_t one = 1;

	/* an eventfd write fails only at a count of 2^64 - 2 */
	if (write(vs->kick, &one, sizeof(one)) != sizeof(one))
		abort();
}

/* --- the device's answers to the transport -------------------------------- */

static uint64_t vsock_features(struct virtio_mmio_dev *dev)
{
	(void)dev;
	return VIRTIO_BIT(VIRTIO_VSOCK_F_STREAM);
}

static void vsock_config_read(struct virtio_mmio_dev *dev, uint32_t off,
			      void *data, uint32_t len)
{
	struct hvctl_vsock *vs = dev->priv;

	/* guest_cid, le64 (5.10.4); the transport zeroed the rest */
	if (off < sizeof(vs->config))
		memcpy(data, vs->config + off,
		       len < sizeof(vs->config) - off ? len :
		       sizeof(vs->config) - off);
}

static void vsock_queue_notify(struct virtio_mmio_dev *dev, unsigned int q)
{
	(void)q;
	vsock_kick(dev->priv);
}

static void vsock_reset(struct virtio_mmio_dev *dev)
{
	struct hvctl_vsock *vs = dev->priv;

	__atomic_fetch_add(&vs->resets, 1, __ATOMIC_RELEASE);
	vsock_kick(vs);
}

static const struct virtio_dev_ops vsock_ops = {
	.device_id = VIRTIO_ID_VSOCK,
	.nr_queues = 3,
	.features = vsock_features,
	.config_read = vsock_config_read,
	.queue_notify = vsock_queue_notify,
	.reset = vsock_reset,
};

/* --- connections ---------------------------------------------------------- */

int vsock_conn_wants_data(struct hvctl_vsock *vs, const struct vsock_conn *c)
{
	return vs->live && !vs->rx_wait && c->fd >= 0 &&
	       c->state == VSOCK_ESTABLISHED && !c->pending && !c->host_eof &&
	       !(c->guest_shut & VIRTIO_VSOCK_SHUTDOWN_RCV) &&
	       vsock_conn_credit(c) > 0;
}

/*
 * The guest's credit for @c ran out or came back: a CREDIT_REQUEST when it
 * is out, the host has data (or its EOF) waiting, and none was asked in
 * this stall.
 */
static void vsock_conn_check_credit(struct hvctl_vsock *vs,
				    struct vsock_conn *c)
{
	char b;

	if (vsock_conn_credit(c)) {
		c->credit_asked = 0;
		return;
	}
	if (c->credit_asked || c->state != VSOCK_ESTABLISHED || c->fd < 0 ||
	    c->host_eof || (c->pending & VSOCK_P_RST) ||
	    (c->guest_shut & VIRTIO_VSOCK_SHUTDOWN_RCV))
		return;
	/* the device keeps no host data: the socket says if there is some */
	if (recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) < 0)
		return;
	c->credit_asked = 1;
	c->pending |= VSOCK_P_CREDIT_REQUEST;
	VSOCK_STAT(vs, credit_stalls, 1);
}

/* The guest sent RST: it forgot @c; the host still gets what it sent. */
static void vsock_conn_gone(struct hvctl_vsock *vs, struct vsock_conn *c)
{
	c->pending = 0;
	if (!c->buf_len || c->fd < 0) {
		vsock_conn_free(vs, c);
		return;
	}
	c->state = VSOCK_CLOSING;
}

void vsock_conn_reset(struct hvctl_vsock *vs, struct vsock_conn *c)
{
	if (c->state == VSOCK_CLOSING) {
		vsock_conn_free(vs, c);
		return;
	}
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	c->buf_len = 0;
	c->pending = VSOCK_P_RST;	/* freed once the RST is out */
}

void vsock_conn_update(struct hvctl_vsock *vs, struct vsock_conn *c)
{
	if (c->state == VSOCK_CLOSING) {
		if (!c->buf_len)
			vsock_conn_free(vs, c);
		return;
	}
	if (c->pending & VSOCK_P_RST)
		return;
	/* the guest's SHUTDOWN reaches the host after its data */
	if ((c->guest_shut & VIRTIO_VSOCK_SHUTDOWN_SEND) && !c->buf_len &&
	    !c->wr_shut && c->fd >= 0) {
		shutdown(c->fd, SHUT_WR);
		c->wr_shut = 1;
	}
	/*
	 * Both ways shut by the guest (its close()): it waits for the
	 * peer's RST to free its socket (Linux: virtio_transport_close()).
	 */
	if (c->guest_shut == (VIRTIO_VSOCK_SHUTDOWN_RCV |
			      VIRTIO_VSOCK_SHUTDOWN_SEND) && !c->buf_len) {
		vsock_conn_reset(vs, c);
		return;
	}
	if (c->fwd_cnt != c->fwd_sent &&
	    c->rx_cnt - c->fwd_sent > VSOCK_BUF_ALLOC / 2)
		c->pending |= VSOCK_P_CREDIT_UPDATE;
}

/*
 * An RST for a packet that has no connection (queued, bounded); @bad: the
 * guest's mistake, not a refusal.
 */
static void vsock_rst_reply(struct hvctl_vsock *vs, const struct vsock_hdr *h,
			    int bad)
{
	struct vsock_hdr *r;

	if (bad)
		VSOCK_STAT(vs, bad_pkts, 1);
	if (h->op == VIRTIO_VSOCK_OP_RST)
		return;		/* never answer an RST */
	if (vs->rst_n == VSOCK_RST_QUEUE)
		return;		/* a flood: its RSTs are dropped */
	r = &vs->rst[(vs->rst_head + vs->rst_n++) % VSOCK_RST_QUEUE];
	memset(r, 0, sizeof(*r));
	r->src_cid = h->dst_cid;
	r->dst_cid = h->src_cid;
	r->src_port = h->dst_port;
	r->dst_port = h->src_port;
	r->type = h->type;
	r->op = VIRTIO_VSOCK_OP_RST;
}

/* A guest's REQUEST to the host's port h->dst_port. */
static void vsock_guest_connect(struct hvctl_vsock *vs,
				const struct vsock_hdr *h)
{
	struct vsock_conn *c;
	int fd;

	fd = vsock_host_connect(vs, h->dst_port);
	if (fd < 0) {
		vsock_rst_reply(vs, h, 0);	/* nobody listens */
		return;
	}
	c = vsock_conn_new(vs, fd, h->dst_port, h->src_port);
	if (!c) {
		close(fd);
		vsock_rst_reply(vs, h, 0);	/* VSOCK_MAX_CONNS */
		return;
	}
	c->state = VSOCK_ESTABLISHED;
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	c->pending = VSOCK_P_RESPONSE;
}

/* The guest accepted a host-initiated connection: "OK PORT\n" to the host. */
static void vsock_guest_accepted(struct hvctl_vsock *vs, struct vsock_conn *c)
{
	char ok[VSOCK_CONNECT_LINE];
	int n;

	if (c->state != VSOCK_CONNECTING || (c->pending & VSOCK_P_REQUEST)) {
		vsock_conn_reset(vs, c);
		return;
	}
	c->state = VSOCK_ESTABLISHED;
	n = snprintf(ok, sizeof(ok), "OK %u\n", c->host_port);
	/* a new socket's buffer is empty: a short line always fits */
	if (send(c->fd, ok, n, MSG_DONTWAIT | MSG_NOSIGNAL) != n)
		vsock_conn_reset(vs, c);
}

static void vsock_guest_data(struct hvctl_vsock *vs, struct vsock_conn *c,
			     const struct virtq_elem *e, uint32_t len)
{
	if (c->state != VSOCK_ESTABLISHED ||
	    (c->guest_shut & VIRTIO_VSOCK_SHUTDOWN_SEND) ||
	    len > VSOCK_BUF_ALLOC - (c->rx_cnt - c->fwd_cnt)) {
		/* data before RESPONSE, after SHUTDOWN, or beyond its credit */
		VSOCK_STAT(vs, bad_pkts, 1);
		vsock_conn_reset(vs, c);
		return;
	}
	if (vsock_host_write(vs, c, e->iov, e->nr_out, VSOCK_HDR_SIZE, len)) {
		vsock_conn_reset(vs, c);
		return;
	}
	c->rx_cnt += len;
	VSOCK_STAT(vs, tx_bytes, len);
	vsock_conn_update(vs, c);
}

static void vsock_hdr_to_cpu(struct vsock_hdr *h)
{
	h->src_cid = le64toh(h->src_cid);
	h->dst_cid = le64toh(h->dst_cid);
	h->src_port = le32toh(h->src_port);
	h->dst_port = le32toh(h->dst_port);
	h->len = le32toh(h->len);
	h->type = le16toh(h->type);
	h->op = le16toh(h->op);
	h->flags = le32toh(h->flags);
	h->buf_alloc = le32toh(h->buf_alloc);
	h->fwd_cnt = le32toh(h->fwd_cnt);
}

/* One packet of the guest. -1: not even a header (the device needs a reset). */
static int vsock_tx_packet(struct hvctl_vsock *vs, const struct virtq_elem *e)
{
	struct vsock_conn *c;
	struct vsock_hdr h;

	if (e->out_len < VSOCK_HDR_SIZE)
		return -1;
	hvctl_iov_to_buf(e->iov, e->nr_out, 0, &h, VSOCK_HDR_SIZE);
	vsock_hdr_to_cpu(&h);
	VSOCK_STAT(vs, tx_pkts, 1);
	if (h.op == VIRTIO_VSOCK_OP_RST)
		VSOCK_STAT(vs, rst_recv, 1);
	if (h.type != VIRTIO_VSOCK_TYPE_STREAM || h.src_cid != vs->cid ||
	    h.dst_cid != VSOCK_HOST_CID) {
		vsock_rst_reply(vs, &h, 1);
		return 0;
	}
	c = vsock_conn_find(vs, h.dst_port, h.src_port);
	if (h.len > e->out_len - VSOCK_HDR_SIZE) {
		/* a length beyond the buffer: its connection is broken */
		if (c && c->state != VSOCK_CLOSING && !(c->pending & VSOCK_P_RST)) {
			VSOCK_STAT(vs, bad_pkts, 1);
			vsock_conn_reset(vs, c);
		} else if (!c) {
			vsock_rst_reply(vs, &h, 1);
		}
		return 0;
	}
	if (!c || c->state == VSOCK_CLOSING) {
		if (h.op == VIRTIO_VSOCK_OP_REQUEST && !c)
			vsock_guest_connect(vs, &h);
		else
			vsock_rst_reply(vs, &h, 1);
		return 0;
	}
	if (c->pending & VSOCK_P_RST)
		return 0;	/* being reset: the RST answers this too */
	c->peer_buf_alloc = h.buf_alloc;
	c->peer_fwd_cnt = h.fwd_cnt;
	switch (h.op) {
	case VIRTIO_VSOCK_OP_RESPONSE:
		vsock_guest_accepted(vs, c);
		break;
	case VIRTIO_VSOCK_OP_RST:
		vsock_conn_gone(vs, c);
		return 0;	/* (@c may be freed) */
	case VIRTIO_VSOCK_OP_SHUTDOWN:
		c->guest_shut |= h.flags & (VIRTIO_VSOCK_SHUTDOWN_RCV |
					    VIRTIO_VSOCK_SHUTDOWN_SEND);
		vsock_conn_update(vs, c);
		break;
	case VIRTIO_VSOCK_OP_RW:
		vsock_guest_data(vs, c, e, h.len);
		break;
	case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
		break;
	case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
		c->pending |= VSOCK_P_CREDIT_UPDATE;
		break;
	default:
		/* a second REQUEST, INVALID, an unknown op */
		VSOCK_STAT(vs, bad_pkts, 1);
		vsock_conn_reset(vs, c);
	}
	/* every packet carries the guest's credit: a stall begins or ends */
	vsock_conn_check_credit(vs, c);
	return 0;
}

/* --- packets to the guest --------------------------------------------------- */

static void vsock_hdr_init(struct hvctl_vsock *vs, struct vsock_hdr *h,
			   struct vsock_conn *c, uint16_t op)
{
	memset(h, 0, sizeof(*h));
	h->src_cid = VSOCK_HOST_CID;
	h->dst_cid = vs->cid;
	h->src_port = c->host_port;
	h->dst_port = c->guest_port;
	h->type = VIRTIO_VSOCK_TYPE_STREAM;
	h->op = op;
	h->buf_alloc = VSOCK_BUF_ALLOC;
	h->fwd_cnt = c->fwd_cnt;
	c->fwd_sent = c->fwd_cnt;
}

/* The first control packet @c owes; the RST frees @c once written. */
static void vsock_ctrl(struct hvctl_vsock *vs, struct vsock_conn *c,
		       struct vsock_hdr *h)
{
	static const struct { unsigned int bit; uint16_t op; } order[] = {
		{ VSOCK_P_RST, VIRTIO_VSOCK_OP_RST },
		{ VSOCK_P_REQUEST, VIRTIO_VSOCK_OP_REQUEST },
		{ VSOCK_P_RESPONSE, VIRTIO_VSOCK_OP_RESPONSE },
		{ VSOCK_P_CREDIT_REQUEST, VIRTIO_VSOCK_OP_CREDIT_REQUEST },
		{ VSOCK_P_CREDIT_UPDATE, VIRTIO_VSOCK_OP_CREDIT_UPDATE },
		{ VSOCK_P_SHUTDOWN, VIRTIO_VSOCK_OP_SHUTDOWN },
	};
	unsigned int i;

	for (i = 0; !(c->pending & order[i].bit); i++)
		;
	c->pending &= ~order[i].bit;
	vsock_hdr_init(vs, h, c, order[i].op);
	if (order[i].op == VIRTIO_VSOCK_OP_SHUTDOWN)
		h->flags = VIRTIO_VSOCK_SHUTDOWN_SEND;
	if (order[i].op == VIRTIO_VSOCK_OP_RST) {
		VSOCK_STAT(vs, rst_sent, 1);
		vsock_conn_free(vs, c);
	}
}

/*
 * Host data of @c into the receive buffer @in (@n buffers, @room bytes
 * after the header): an RW packet, or SHUTDOWN at the host's EOF, or RST
 * when its socket failed. Returns the payload length.
 */
static uint32_t vsock_data(struct hvctl_vsock *vs, struct vsock_conn *c,
			   struct vsock_hdr *h, const struct iovec *in,
			   unsigned int n, uint64_t room)
{
	uint64_t max = vsock_conn_credit(c);
	unsigned int k;
	ssize_t r;

	if (max > room)
		max = room;
	if (max > VSOCK_MAX_PKT)
		max = VSOCK_MAX_PKT;
	if (!max) {
		/* a buffer with room for the header only */
		vsock_hdr_init(vs, h, c, VIRTIO_VSOCK_OP_CREDIT_UPDATE);
		return 0;
	}
	k = hvctl_iov_slice(in, n, VSOCK_HDR_SIZE, max, vs->iov, VIRTQ_NUM_MAX);
	do {
		r = readv(c->fd, vs->iov, k);
	} while (r < 0 && errno == EINTR);
	if (r > 0) {
		if ((uint64_t)r < max)
			c->host_readable = 0;
		vsock_hdr_init(vs, h, c, VIRTIO_VSOCK_OP_RW);
		h->len = r;
		c->tx_cnt += r;
		VSOCK_STAT(vs, rx_bytes, r);
		vsock_conn_check_credit(vs, c);
		return r;
	}
	c->host_readable = 0;
	if (!r) {
		c->host_eof = 1;
		vsock_hdr_init(vs, h, c, VIRTIO_VSOCK_OP_SHUTDOWN);
		h->flags = VIRTIO_VSOCK_SHUTDOWN_SEND;
	} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
		/* poll was wrong: the buffer still serves, as a credit update */
		vsock_hdr_init(vs, h, c, VIRTIO_VSOCK_OP_CREDIT_UPDATE);
	} else {
		c->pending = VSOCK_P_RST;
		vsock_ctrl(vs, c, h);
	}
	return 0;
}

/*
 * What goes into the next receive buffer: a queued RST (@c NULL, 1), a
 * connection's control packet (2) or its data (3); 0: nothing.
 */
static int vsock_next(struct hvctl_vsock *vs, struct vsock_conn **cp)
{
	struct vsock_conn *c;
	unsigned int i, j;

	*cp = NULL;
	if (vs->rst_n)
		return 1;
	for (j = 0; j < 2; j++) {
		for (i = 0; i < VSOCK_MAX_CONNS; i++) {
			c = vs->conns[(vs->rr + i) % VSOCK_MAX_CONNS];
			if (!c || c->state == VSOCK_CLOSING)
				continue;
			if (j ? !(c->host_readable && vsock_conn_wants_data(vs, c)) :
			    !c->pending)
				continue;
			/* the next round starts after it: fair to every one */
			vs->rr = (vs->rr + i + 1) % VSOCK_MAX_CONNS;
			*cp = c;
			return 2 + j;
		}
	}
	return 0;
}

static uint32_t vsock_rx_one(struct hvctl_vsock *vs, int kind,
			     struct vsock_conn *c, struct virtq_elem *e)
{
	const struct iovec *in = e->iov + e->nr_out;
	struct vsock_hdr h;
	uint32_t len = 0;

	if (kind == 1) {
		h = vs->rst[vs->rst_head];
		vs->rst_head = (vs->rst_head + 1) % VSOCK_RST_QUEUE;
		vs->rst_n--;
		VSOCK_STAT(vs, rst_sent, 1);
	} else if (kind == 2) {
		vsock_ctrl(vs, c, &h);
	} else {
		len = vsock_data(vs, c, &h, in, e->nr_in,
				 e->in_len - VSOCK_HDR_SIZE);
	}
	VSOCK_STAT(vs, rx_pkts, 1);
	h.src_cid = htole64(h.src_cid);
	h.dst_cid = htole64(h.dst_cid);
	h.src_port = htole32(h.src_port);
	h.dst_port = htole32(h.dst_port);
	h.len = htole32(h.len);
	h.type = htole16(h.type);
	h.op = htole16(h.op);
	h.flags = htole32(h.flags);
	h.buf_alloc = htole32(h.buf_alloc);
	h.fwd_cnt = htole32(h.fwd_cnt);
	hvctl_iov_from_buf(in, e->nr_in, 0, &h, VSOCK_HDR_SIZE);
	return VSOCK_HDR_SIZE + len;
}

/* Fills the guest's receive buffers while there is something to send. */
static void vsock_rx(struct hvctl_vsock *vs, struct virtq *vq)
{
	struct virtio_mmio_dev *dev = vs->dev;
	struct virtq_elem *e = &vs->elem;
	struct vsock_conn *c;
	const char *why;
	int kind, r, done = 0;

	while ((kind = vsock_next(vs, &c))) {
		r = virtq_pop(vq, e, &why);
		if (r < 0) {
			virtio_mmio_needs_reset(dev, why);
			vs->live = 0;
			break;
		}
		if (!r) {
			if (virtq_enable_notify(vq))
				continue;
			vs->rx_wait = 1;	/* until the driver kicks */
			break;
		}
		if (e->nr_out || e->in_len < VSOCK_HDR_SIZE ||
		    e->in_len > UINT32_MAX) {
			virtio_mmio_needs_reset(dev, "virtio-vsock receive buffer without room for a header, or readable");
			vs->live = 0;
			break;
		}
		virtq_push(vq, e->head, vsock_rx_one(vs, kind, c, e));
		done = 1;
	}
	if (done)
		virtio_mmio_queue_interrupt(dev, vq);
}

static void vsock_tx(struct hvctl_vsock *vs, struct virtq *vq)
{
	struct virtio_mmio_dev *dev = vs->dev;
	const char *why;
	int r, done = 0;

	for (;;) {
		r = virtq_pop(vq, &vs->elem, &why);
		if (r < 0) {
			virtio_mmio_needs_reset(dev, why);
			vs->live = 0;
			break;
		}
		if (!r) {
			if (virtq_enable_notify(vq))
				continue;
			break;
		}
		if (vsock_tx_packet(vs, &vs->elem)) {
			virtio_mmio_needs_reset(dev, "virtio-vsock packet shorter than its header");
			vs->live = 0;
			break;
		}
		virtq_push(vq, vs->elem.head, 0);
		done = 1;
	}
	if (done)
		virtio_mmio_queue_interrupt(dev, vq);
}

/* After a driver reset: nothing of the old connections survives. */
static void vsock_check_reset(struct hvctl_vsock *vs)
{
	unsigned int n = __atomic_load_n(&vs->resets, __ATOMIC_ACQUIRE);

	if (n == vs->resets_done)
		return;
	vs->resets_done = n;
	vsock_host_close_all(vs);
	vs->rst_n = 0;
	vs->rx_wait = 0;
}

static struct virtq *vsock_begin(struct hvctl_vsock *vs, unsigned int q)
{
	struct virtq *vq = virtio_mmio_io_begin(vs->dev, q);

	/* (under the I/O lock: a reset cannot come between) */
	vsock_check_reset(vs);
	if (!vq)
		vs->live = 0;
	return vq;
}

static void vsock_process(struct hvctl_vsock *vs)
{
	struct virtq *vq;

	vq = vsock_begin(vs, VSOCK_Q_TX);
	if (!vq)
		return;
	vs->live = 1;
	vsock_tx(vs, vq);
	virtio_mmio_io_end(vs->dev);
	if (!vs->live)
		return;
	vq = vsock_begin(vs, VSOCK_Q_RX);
	if (!vq)
		return;
	vsock_rx(vs, vq);
	virtio_mmio_io_end(vs->dev);
}

#define VSOCK_NR_POLL	(2 + VSOCK_MAX_PENDING + VSOCK_MAX_CONNS)

static void *vsock_thread(void *arg)
{
	struct hvctl_vsock *vs = arg;
	struct pollfd pfd[VSOCK_NR_POLL];
	unsigned int n;
	uint64_t v;

	while (!__atomic_load_n(&vs->stop, __ATOMIC_ACQUIRE)) {
		pfd[0] = (struct pollfd){ .fd = vs->kick, .events = POLLIN };
		n = vsock_host_pollfds(vs, pfd + 1, VSOCK_NR_POLL - 1);
		if (poll(pfd, 1 + n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (__atomic_load_n(&vs->stop, __ATOMIC_ACQUIRE))
			break;
		if (pfd[0].revents && read(vs->kick, &v, sizeof(v)) > 0)
			vs->rx_wait = 0;	/* perhaps new receive buffers */
		vsock_host_poll(vs, pfd + 1, n);
		vsock_process(vs);
	}
	return NULL;
}

/* --- set-up ------------------------------------------------------------------ */

struct hvctl_vsock *hvctl_vsock_create(uint64_t cid, const char *path,
				       struct virtio_mmio_dev *dev,
				       const struct hvctl_gmem *mem,
				       char *err, size_t err_len)
{
	struct hvctl_vsock *vs;
	unsigned int i;
	int e;

	/* CIDs 0-2 are the hypervisor's and the host's; ~0U is reserved */
	if (cid < 3 || cid >= 0xffffffffULL) {
		snprintf(err, err_len, "vsock: guest CID %llu: 3 to 4294967294",
			 (unsigned long long)cid);
		return NULL;
	}
	vs = calloc(1, sizeof(*vs));
	if (!vs) {
		snprintf(err, err_len, "vsock: out of memory");
		return NULL;
	}
	vs->dev = dev;
	vs->cid = cid;
	vs->listen_fd = vs->kick = -1;
	vs->next_port = VSOCK_HOST_PORT_FIRST;
	for (i = 0; i < VSOCK_MAX_PENDING; i++)
		vs->pending[i] = -1;
	for (i = 0; i < 8; i++)
		vs->config[i] = cid >> (8 * i);
	snprintf(vs->path, sizeof(vs->path), "%s", path);
	if (vsock_host_listen(vs, err, err_len))
		goto fail;
	virtio_mmio_init(dev, &vsock_ops, vs, mem);
	vs->dev_ok = 1;
	vs->kick = eventfd(0, EFD_CLOEXEC);
	if (vs->kick < 0) {
		snprintf(err, err_len, "vsock: eventfd: %s", strerror(errno));
		goto fail;
	}
	e = pthread_create(&vs->thread, NULL, vsock_thread, vs);
	if (e) {
		snprintf(err, err_len, "vsock: cannot start its I/O thread: %s",
			 strerror(e));
		goto fail;
	}
	vs->thread_ok = 1;
	return vs;
fail:
	hvctl_vsock_destroy(vs);
	return NULL;
}

void hvctl_vsock_destroy(struct hvctl_vsock *vs)
{
	if (!vs)
		return;
	if (vs->thread_ok) {
		__atomic_store_n(&vs->stop, 1, __ATOMIC_RELEASE);
		vsock_kick(vs);
		pthread_join(vs->thread, NULL);
	}
	vsock_host_fini(vs);
	if (vs->kick >= 0)
		close(vs->kick);
	if (vs->dev_ok)
		virtio_mmio_destroy(vs->dev);
	free(vs);
}

void hvctl_vsock_stats(struct hvctl_vsock *vs, struct vsock_stats *st)
{
	st->tx_pkts = __atomic_load_n(&vs->stats.tx_pkts, __ATOMIC_RELAXED);
	st->rx_pkts = __atomic_load_n(&vs->stats.rx_pkts, __ATOMIC_RELAXED);
	st->rst_sent = __atomic_load_n(&vs->stats.rst_sent, __ATOMIC_RELAXED);
	st->bad_pkts = __atomic_load_n(&vs->stats.bad_pkts, __ATOMIC_RELAXED);
	st->rst_recv = __atomic_load_n(&vs->stats.rst_recv, __ATOMIC_RELAXED);
	st->conns = __atomic_load_n(&vs->stats.conns, __ATOMIC_RELAXED);
	st->conns_open = __atomic_load_n(&vs->stats.conns_open,
					 __ATOMIC_RELAXED);
	st->credit_stalls = __atomic_load_n(&vs->stats.credit_stalls,
					    __ATOMIC_RELAXED);
	st->tx_bytes = __atomic_load_n(&vs->stats.tx_bytes, __ATOMIC_RELAXED);
	st->rx_bytes = __atomic_load_n(&vs->stats.rx_bytes, __ATOMIC_RELAXED);
}
