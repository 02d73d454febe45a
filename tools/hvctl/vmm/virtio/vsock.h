/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-vsock (virtio 1.2, 5.10) in the hvctl VMM: stream sockets between
 * the guest and unix sockets of the host, with credit-based flow control
 * both ways. vsock.c is the device (its queues, the packets, the state of
 * each connection), vsock_host.c the host's side (the unix sockets, the
 * CONNECT handshake, the buffer of guest data the host has not read yet).
 * Both depend only on virtio.h and libc, so that the host test
 * (selftests/hv/host/vsock_test.c) builds them without a VM.
 *
 * The host's side, for a VM whose sockets are named PATH (NAME.vsock in
 * the state directory):
 * - the guest connects to CID 2 (the host), port P: the device connects
 *   to the unix socket PATH_P (NAME.vsock_P); nothing listening there
 *   refuses the guest's connection (RST);
 * - a host program connects to PATH and sends "CONNECT P\n": the device
 *   asks the guest's port P (REQUEST) and, once the guest accepted,
 *   answers "OK HOSTPORT\n" (HOSTPORT: the port the guest sees as the
 *   peer's); a refusal closes the socket without an answer (Firecracker's
 *   convention). Then the socket is the stream.
 */
#ifndef HVCTL_VSOCK_H
#define HVCTL_VSOCK_H

#include <limits.h>
#include <poll.h>
#include <stdint.h>

#include "virtio.h"

#define VIRTIO_ID_VSOCK			19
#define VIRTIO_VSOCK_F_STREAM		0

#define VSOCK_HOST_CID			2
#define VSOCK_GUEST_CID_DEFAULT		3

#define VIRTIO_VSOCK_TYPE_STREAM	1

#define VIRTIO_VSOCK_OP_INVALID		0
#define VIRTIO_VSOCK_OP_REQUEST		1
#define VIRTIO_VSOCK_OP_RESPONSE	2
#define VIRTIO_VSOCK_OP_RST		3
#define VIRTIO_VSOCK_OP_SHUTDOWN	4
#define VIRTIO_VSOCK_OP_RW		5
#define VIRTIO_VSOCK_OP_CREDIT_UPDATE	6
#define VIRTIO_VSOCK_OP_CREDIT_REQUEST	7

#define VIRTIO_VSOCK_SHUTDOWN_RCV	1
#define VIRTIO_VSOCK_SHUTDOWN_SEND	2

/* the queues (5.10.2) */
#define VSOCK_Q_RX			0
#define VSOCK_Q_TX			1
#define VSOCK_Q_EVENT			2

/*
 * Limits (documented in Documentation/hvctl.rst): connections at once
 * (both directions, including those being closed), host clients that have
 * not sent their CONNECT line yet, and the bytes of a connection's data
 * from the guest that the host has not read yet (the credit the device
 * gives the guest: buf_alloc).
 */
#define VSOCK_MAX_CONNS			256
#define VSOCK_MAX_PENDING		16
#define VSOCK_BUF_ALLOC			(64 * 1024)
/* the largest payload the device puts in one packet to the guest */
#define VSOCK_MAX_PKT			(64 * 1024)
/* RSTs for packets of no connection, waiting for receive buffers */
#define VSOCK_RST_QUEUE			64
/* host ports the device gives host-initiated connections */
#define VSOCK_HOST_PORT_FIRST		1024U
#define VSOCK_CONNECT_LINE		32

/* struct virtio_vsock_hdr, little-endian, packed: 44 bytes (5.10.6) */
struct vsock_hdr {
	uint64_t src_cid;
	uint64_t dst_cid;
	uint32_t src_port;
	uint32_t dst_port;
	uint32_t len;
	uint16_t type;
	uint16_t op;
	uint32_t flags;
	uint32_t buf_alloc;
	uint32_t fwd_cnt;
} __attribute__((packed));

#define VSOCK_HDR_SIZE			44

enum vsock_state {
	VSOCK_CONNECTING,	/* host-initiated: REQUEST sent or to send */
	VSOCK_ESTABLISHED,
	VSOCK_CLOSING,		/* the guest is gone: flushing to the host */
};

/* control packets a connection owes the guest (vsock_conn.pending) */
#define VSOCK_P_REQUEST		0x01
#define VSOCK_P_RESPONSE	0x02
#define VSOCK_P_CREDIT_REQUEST	0x04
#define VSOCK_P_CREDIT_UPDATE	0x08
#define VSOCK_P_SHUTDOWN	0x10
#define VSOCK_P_RST		0x20

/*
 * struct vsock_conn - one stream connection, keyed by its two ports.
 * @fd: the host's unix socket (non-blocking), or -1 once closed.
 * @buf, @buf_head, @buf_len: guest data (and the "OK" line) the host has
 *	not read yet, a ring of VSOCK_BUF_ALLOC + VSOCK_CONNECT_LINE bytes,
 *	allocated when first needed.
 * @rx_cnt: bytes of data received from the guest; @fwd_cnt: of those,
 *	written to the host; @fwd_sent: @fwd_cnt as the guest last heard it.
 * @tx_cnt: bytes sent to the guest; @peer_buf_alloc, @peer_fwd_cnt: the
 *	guest's receive buffer and what it consumed of @tx_cnt (its credit).
 * @guest_shut: VIRTIO_VSOCK_SHUTDOWN_* the guest sent.
 * @host_eof: the host will send no more; @host_readable: poll said so;
 *	@wr_shut: the host's socket was shut for writing.
 * @credit_asked: a CREDIT_REQUEST went out (or is owed) since the guest's
 *	credit ran out; cleared when it comes back.
 */
struct vsock_conn {
	int fd;
	uint32_t host_port, guest_port;
	enum vsock_state state;
	unsigned int pending;
	uint8_t *buf;
	uint32_t buf_head, buf_len;
	uint32_t rx_cnt, fwd_cnt, fwd_sent;
	uint32_t tx_cnt, peer_buf_alloc, peer_fwd_cnt;
	unsigned int guest_shut;
	int host_eof, host_readable, wr_shut;
	int credit_asked;
};

/*
 * struct vsock_stats - what the device did, for `hvctl info` (NAME.io,
 * vmm/ioquota.c) and the host test: packets from the guest (tx) and to it
 * (rx), RSTs sent (the guest's mistakes, refusals, closes) and received,
 * packets the guest got wrong, connections made (@conns) and open now
 * (@conns_open), data bytes each way, and credit stalls: the times the
 * device had host data for a connection whose guest credit was used up,
 * and asked for more (CREDIT_REQUEST).
 */
struct vsock_stats {
	uint64_t tx_pkts, rx_pkts, rst_sent, rst_recv, bad_pkts;
	uint64_t conns, conns_open;
	uint64_t tx_bytes, rx_bytes;
	uint64_t credit_stalls;
};

struct hvctl_vsock {
	struct virtio_mmio_dev *dev;
	uint64_t cid;
	char path[PATH_MAX];	/* the host's socket; PATH_P for guest connects */
	int listen_fd;
	int kick;		/* eventfd: QueueNotify, reset, stop */
	int stop;		/* atomic */
	unsigned int resets;	/* atomic: driver resets seen by the transport */
	unsigned int resets_done;
	pthread_t thread;
	int thread_ok, dev_ok;
	int live;		/* the queues were usable last time */
	int rx_wait;		/* no receive buffer: wait for a kick */
	uint8_t config[8];
	struct vsock_conn *conns[VSOCK_MAX_CONNS];
	unsigned int rr;	/* where the next receive-buffer round starts */
	int pending[VSOCK_MAX_PENDING];
	char line[VSOCK_MAX_PENDING][VSOCK_CONNECT_LINE];
	unsigned int line_len[VSOCK_MAX_PENDING];
	struct vsock_hdr rst[VSOCK_RST_QUEUE];
	unsigned int rst_head, rst_n;
	uint32_t next_port;
	struct vsock_stats stats;	/* atomic counters */
	struct virtq_elem elem;
	struct iovec iov[VIRTQ_NUM_MAX];
};

/*
 * Makes @dev a virtio-vsock device for guest CID @cid (virtio_mmio_init()),
 * listening on the unix socket @path (removed first if it exists), with
 * its I/O thread running; the caller then sets @dev's irq, log and opaque.
 * NULL with the reason in @err. hvctl_vsock_destroy() stops the thread,
 * closes every socket, removes @path and destroys @dev.
 */
struct hvctl_vsock *hvctl_vsock_create(uint64_t cid, const char *path,
				       struct virtio_mmio_dev *dev,
				       const struct hvctl_gmem *mem,
				       char *err, size_t err_len);
void hvctl_vsock_destroy(struct hvctl_vsock *vs);
void hvctl_vsock_stats(struct hvctl_vsock *vs, struct vsock_stats *st);

/* vsock_host.c, for vsock.c (the I/O thread only) */
int vsock_host_listen(struct hvctl_vsock *vs, char *err, size_t err_len);
/* Frees every connection (a driver reset). */
void vsock_host_close_all(struct hvctl_vsock *vs);
/* Closes every socket and removes the listening one's path. */
void vsock_host_fini(struct hvctl_vsock *vs);
/* The host's socket for a guest's REQUEST to port @port: fd, or -1. */
int vsock_host_connect(struct hvctl_vsock *vs, uint32_t port);
/* The I/O thread's poll set and what it reports (host sockets only). */
unsigned int vsock_host_pollfds(struct hvctl_vsock *vs, struct pollfd *pfd,
				unsigned int max);
void vsock_host_poll(struct hvctl_vsock *vs, const struct pollfd *pfd,
		     unsigned int n);
/*
 * Guest data of connection @c (@len bytes from byte @skip of @iov) to the
 * host: written at once where the socket takes it, the rest kept. 0, or
 * -1 when the host's socket is gone.
 */
int vsock_host_write(struct hvctl_vsock *vs, struct vsock_conn *c,
		     const struct iovec *iov, unsigned int n, size_t skip,
		     size_t len);
/* Writes what @c keeps to its socket; 0, or -1 when the socket is gone. */
int vsock_host_flush(struct hvctl_vsock *vs, struct vsock_conn *c);
/* Frees @c (closing its socket) and its slot. */
void vsock_conn_free(struct hvctl_vsock *vs, struct vsock_conn *c);
struct vsock_conn *vsock_conn_new(struct hvctl_vsock *vs, int fd,
				  uint32_t host_port, uint32_t guest_port);
struct vsock_conn *vsock_conn_find(struct hvctl_vsock *vs, uint32_t host_port,
				   uint32_t guest_port);

/*
 * The credit the guest gives the device on @c: what its receive buffer
 * has room for, 0 when the guest claims to have consumed more than was
 * sent or shrank its buffer below what is in flight.
 */
static inline uint32_t vsock_conn_credit(const struct vsock_conn *c)
{
	uint32_t in_flight = c->tx_cnt - c->peer_fwd_cnt;

	return in_flight > c->peer_buf_alloc ? 0 : c->peer_buf_alloc - in_flight;
}

/* vsock.c, for vsock_host.c */
/* Whether the device may read host data for @c now. */
int vsock_conn_wants_data(struct hvctl_vsock *vs, const struct vsock_conn *c);
/* The host's side of @c moved on (data flushed, EOF): owed packets. */
void vsock_conn_update(struct hvctl_vsock *vs, struct vsock_conn *c);
/* The host side gave up on @c (write error): RST to the guest. */
void vsock_conn_reset(struct hvctl_vsock *vs, struct vsock_conn *c);

#endif /* HVCTL_VSOCK_H */
