// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net on a tap device (virtio 1.2, 5.1): queue 0 receives, queue
 * 1 transmits, no control queue, no multiqueue. Each frame, both ways,
 * carries a struct virtio_net_hdr_v1 (12 bytes with VIRTIO_F_VERSION_1,
 * 5.1.6), which is also the tap's vnet header (IFF_VNET_HDR with
 * TUNSETVNETHDRSZ 12): the tap reads and writes the first 10 bytes and
 * leaves num_buffers to us.
 *
 * No VIRTIO_NET_F_MRG_RXBUF: every received frame goes into one
 * descriptor chain, read by one readv() from the tap straight into guest
 * memory, so a frame is never split over chains that the ring may not have
 * yet. With the guest TSO offloads, Linux's driver then posts "big"
 * buffers (a header and 17 pages through one indirect descriptor each,
 * 5.1.6.3.1: at least 65562 bytes), which costs the guest about 17 MiB
 * per 256-entry queue instead of mergeable buffers' 1.5 KiB each; in
 * return the device side is one chain per frame, with nothing to roll
 * back when the ring runs dry in the middle of a frame.
 *
 * Offloads: at creation the tap is asked what it accepts (TUNSETOFFLOAD
 * with checksum, TSO4/6 and ECN, then less), and only those are offered,
 * for both directions. Once the driver is up, the tap is told the guest's
 * receive offloads (GUEST_CSUM, GUEST_TSO4/6, GUEST_ECN), so that it
 * hands over only frames the driver can take; a frame queued before that
 * which still needs one is dropped (hvctl_net_rx_hdr_fix()). Transmitted
 * headers are copied out of guest memory and checked against the
 * negotiated features before the tap sees them (hvctl_net_tx_hdr_ok()).
 *
 * One I/O thread per device: woken by the queues' notify eventfds, it
 * sends every transmit chain, then receives while the guest has buffers
 * and the tap has frames. It reads the tap only with a buffer in hand:
 * without one it waits for the receive queue's notify and leaves the
 * frames in the tap's queue (the kernel's backlog), and a chain taken when
 * the tap turned out empty goes back to the ring. Each pass handles at
 * most NET_BUDGET chains per queue, so neither direction starves the
 * other. The NIC's quotas (net-pps, net-bw: vmm/ioquota.c) are asked
 * before each frame: a transmit chain over quota waits in the ring, a
 * received frame in the tap (charged once read, when its size is known),
 * and the thread passes again when the bucket allows.
 *
 * A chain a correct driver never makes (a writable buffer to transmit, a
 * readable one to receive into, less than a header) puts the device into
 * DEVICE_NEEDS_RESET, as the transport does for corrupt rings.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "net.h"
#include "ratelimit.h"

#define NET_BUDGET		64	/* chains per queue and pass */
#define NET_TUN_ALL		(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | \
				 TUN_F_TSO_ECN)

/* what the thread waits for after a pass over the receive queue */
enum net_wait {
	NET_WAIT_KICK,		/* the driver (no buffers, device not live) */
	NET_WAIT_TAP,		/* a frame (the tap is empty) */
	NET_AGAIN,		/* nothing: the budget ran out, go on */
	NET_WAIT_QUOTA,		/* the quota: net->wait_ns, or a notify */
};

/* one-time complaints, so that a hostile guest cannot flood the log */
enum {
	NET_LOG_RX_SMALL = 1 << 0,
	NET_LOG_RX_OFFLOAD = 1 << 1,
	NET_LOG_RX_ERR = 1 << 2,
	NET_LOG_TX_HDR = 1 << 3,
	NET_LOG_TX_ERR = 1 << 4,
	NET_LOG_OFFLOAD = 1 << 5,
};

struct hvctl_net {
	struct virtio_mmio_dev *dev;
	int tap;
	uint8_t mac[6];
	uint8_t config[VIRTIO_NET_CFG_SIZE];
	unsigned int tun_ok;		/* TUN_F_* the tap accepted */
	unsigned int tun_set;		/* TUN_F_* set on it now */
	int kick[2];			/* eventfds: RX, TX QueueNotify */
	int stop;			/* atomic: the I/O thread ends */
	pthread_t thread;
	int thread_ok;
	int dev_ok;			/* virtio_mmio_init() done */
	unsigned int logged;		/* NET_LOG_* said once */
	struct hvctl_net_stats stats;	/* atomics */
	struct hvctl_iolimit limit;	/* net-pps, net-bw (vmm/ioquota.c) */
	uint64_t wait_ns;		/* over quota: a pass again in this long */
	struct virtq_elem elem;
	struct iovec iov[VIRTQ_NUM_MAX + 1];
};

/* --- the rules ---------------------------------------------------------------- */

uint64_t hvctl_net_features(unsigned int tun_ok)
{
	uint64_t f = VIRTIO_BIT(VIRTIO_NET_F_MAC) |
		     VIRTIO_BIT(VIRTIO_NET_F_STATUS);

	if (!(tun_ok & TUN_F_CSUM))
		return f;
	f |= VIRTIO_BIT(VIRTIO_NET_F_CSUM) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM);
	/* TSO needs the checksum offload (5.1.3.1), the tap too (set_offload) */
	if (tun_ok & TUN_F_TSO4)
		f |= VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) |
		     VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4);
	if (tun_ok & TUN_F_TSO6)
		f |= VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6) |
		     VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6);
	if ((tun_ok & TUN_F_TSO_ECN) && (tun_ok & (TUN_F_TSO4 | TUN_F_TSO6)))
		f |= VIRTIO_BIT(VIRTIO_NET_F_HOST_ECN) |
		     VIRTIO_BIT(VIRTIO_NET_F_GUEST_ECN);
	return f;
}

/*
 * A driver may take a TSO bit without the checksum bit it depends on
 * (5.1.3.1 forbids it, the transport cannot tell): the tap then gets
 * neither, and the frames stay whole and checksummed.
 */
unsigned int hvctl_net_tun_offloads(uint64_t features)
{
	unsigned int t = 0;

	if (!(features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM)))
		return 0;
	t |= TUN_F_CSUM;
	if (features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4))
		t |= TUN_F_TSO4;
	if (features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6))
		t |= TUN_F_TSO6;
	if ((features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_ECN)) &&
	    (t & (TUN_F_TSO4 | TUN_F_TSO6)))
		t |= TUN_F_TSO_ECN;
	return t;
}

static int net_has(uint64_t features, unsigned int bit)
{
	return !!(features & VIRTIO_BIT(bit));
}

int hvctl_net_tx_hdr_ok(const struct virtio_net_hdr_v1 *h, uint64_t features,
			size_t len, const char **why)
{
	unsigned int gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	uint64_t start = le16toh(h->csum_start), off = le16toh(h->csum_offset);

	if (len < 14 || len > VIRTIO_NET_MAX_FRAME) {
		*why = "frame shorter than an Ethernet header or longer than 64 KiB";
		return 0;
	}
	/* DATA_VALID and RSC_INFO are the device's to set (5.1.6.2.1) */
	if (h->flags & ~VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		*why = "header flags other than NEEDS_CSUM";
		return 0;
	}
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (!net_has(features, VIRTIO_NET_F_CSUM)) {
			*why = "NEEDS_CSUM without VIRTIO_NET_F_CSUM";
			return 0;
		}
		if (start + off + 2 > len) {
			*why = "checksum field outside the frame";
			return 0;
		}
	}
	if (gso == VIRTIO_NET_HDR_GSO_NONE) {
		if (h->gso_type & VIRTIO_NET_HDR_GSO_ECN) {
			*why = "GSO ECN bit without a GSO type";
			return 0;
		}
		return 1;
	}
	if (!((gso == VIRTIO_NET_HDR_GSO_TCPV4 &&
	       net_has(features, VIRTIO_NET_F_HOST_TSO4)) ||
	      (gso == VIRTIO_NET_HDR_GSO_TCPV6 &&
	       net_has(features, VIRTIO_NET_F_HOST_TSO6)))) {
		*why = "a GSO type not negotiated";
		return 0;
	}
	if ((h->gso_type & VIRTIO_NET_HDR_GSO_ECN) &&
	    !net_has(features, VIRTIO_NET_F_HOST_ECN)) {
		*why = "GSO with ECN without VIRTIO_NET_F_HOST_ECN";
		return 0;
	}
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || !h->gso_size ||
	    le16toh(h->gso_size) > len || le16toh(h->hdr_len) > len) {
		*why = "GSO frame without NEEDS_CSUM, or a size or header length that does not fit";
		return 0;
	}
	return 1;
}

int hvctl_net_rx_hdr_fix(struct virtio_net_hdr_v1 *h, uint64_t features,
			 const char **why)
{
	unsigned int gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	/* one chain per frame: no MRG_RXBUF, num_buffers is 1 (5.1.6.4) */
	h->num_buffers = htole16(1);
	if (!net_has(features, VIRTIO_NET_F_GUEST_CSUM)) {
		if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM ||
		    h->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
			*why = "a partial checksum or GSO frame for a driver without VIRTIO_NET_F_GUEST_CSUM";
			return 0;
		}
		/* no flags at all then, DATA_VALID included (5.1.6.4.1) */
		h->flags = 0;
		return 1;
	}
	if (gso == VIRTIO_NET_HDR_GSO_NONE &&
	    !(h->gso_type & VIRTIO_NET_HDR_GSO_ECN))
		return 1;
	if (!((gso == VIRTIO_NET_HDR_GSO_TCPV4 &&
	       net_has(features, VIRTIO_NET_F_GUEST_TSO4)) ||
	      (gso == VIRTIO_NET_HDR_GSO_TCPV6 &&
	       net_has(features, VIRTIO_NET_F_GUEST_TSO6))) ||
	    ((h->gso_type & VIRTIO_NET_HDR_GSO_ECN) &&
	     !net_has(features, VIRTIO_NET_F_GUEST_ECN))) {
		*why = "a GSO frame of a type the driver did not take";
		return 0;
	}
	return 1;
}

/* FNV-1a, 64 bits: the same name and index give the same MAC every start */
void hvctl_net_default_mac(const char *vm, unsigned int index, uint8_t mac[6])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *p;
	unsigned int i;

	for (p = vm; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
	h = (h ^ index) * 0x100000001b3ULL;
	/* 02: locally administered, unicast (IEEE 802, the U/L and I/G bits) */
	mac[0] = 0x02;
	for (i = 1; i < 6; i++)
		mac[i] = h >> (8 * i);
}

static int net_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6], i;
	char end;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	/* a NIC's own address: unicast, not all zeroes */
	if (mac[0] & 1 || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return -1;
	return 0;
}

/* Linux's dev_valid_name(): 1 to 15 bytes, no '/', ':' or space, not . or .. */
static int net_valid_ifname(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return 1;
}

int hvctl_parse_net(const char *s, struct hvctl_nic *nic)
{
	char buf[128], *opt, *next;

	memset(nic, 0, sizeof(*nic));
	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf)) {
		hvctl_err("bad --net '%s': too long", s);
		return -1;
	}
	for (opt = buf; opt; opt = next) {
		next = strchr(opt, ',');
		if (next)
			*next++ = 0;
		if (!strncmp(opt, "tap=", 4)) {
			if (!net_valid_ifname(opt + 4)) {
				hvctl_err("bad --net tap name '%s': 1 to 15 characters, no '/', ':' or spaces",
					  opt + 4);
				return -1;
			}
			snprintf(nic->tap, sizeof(nic->tap), "%s", opt + 4);
		} else if (!strncmp(opt, "mac=", 4)) {
			if (net_parse_mac(opt + 4, nic->mac)) {
				hvctl_err("bad --net mac '%s': six hex bytes XX:XX:XX:XX:XX:XX, unicast, not all zero",
					  opt + 4);
				return -1;
			}
			nic->flags |= HVCTL_NIC_MAC;
		} else {
			hvctl_err("bad --net option '%s': tap=IFNAME or mac=XX:XX:XX:XX:XX:XX",
				  opt);
			return -1;
		}
	}
	if (!nic->tap[0]) {
		hvctl_err("bad --net '%s': it needs tap=IFNAME", s);
		return -1;
	}
	return 0;
}

/* --- the device's answers to the transport ---------------------------------- */

static uint64_t net_features(struct virtio_mmio_dev *dev)
{
	struct hvctl_net *net = dev->priv;

	return hvctl_net_features(net->tun_ok);
}

static void net_config_read(struct virtio_mmio_dev *dev, uint32_t off,
			    void *data, uint32_t len)
{
	struct hvctl_net *net = dev->priv;

	/* the transport zeroed @data; bytes past the structure read as 0 */
	if (off < sizeof(net->config))
		memcpy(data, net->config + off,
		       len < sizeof(net->config) - off ? len :
		       sizeof(net->config) - off);
}

static void net_queue_notify(struct virtio_mmio_dev *dev, unsigned int q)
{
	struct hvctl_net *net = dev->priv;
	uint64_t one = 1;

	if (q > VIRTIO_NET_TXQ)
		return;
	if (write(net->kick[q], &one, sizeof(one)) < 0 && dev->log)
		dev->log(dev, "virtio-net: cannot wake the I/O thread");
}

/* No reset op: the offloads are set again when the driver is up. */
static const struct virtio_dev_ops net_ops = {
	.device_id = VIRTIO_ID_NET,
	.nr_queues = 2,
	.features = net_features,
	.config_read = net_config_read,
	.queue_notify = net_queue_notify,
};

/* --- frames --------------------------------------------------------------------- */

static void net_log_once(struct hvctl_net *net, unsigned int what,
			 const char *fmt, const char *arg)
{
	char msg[256];

	if (__atomic_fetch_or(&net->logged, what, __ATOMIC_RELAXED) & what ||
	    !net->dev->log)
		return;
	snprintf(msg, sizeof(msg), fmt, arg);
	net->dev->log(net->dev, msg);
}

static void net_count(uint64_t *v, uint64_t n)
{
	__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

/*
 * Every frame passes here with its length (without the vnet header), in
 * the direction of @packets/@bytes: statistics now, and the one place
 * where an I/O quota (a token bucket per device) can hold a frame back.
 */
static void net_account(uint64_t *packets, uint64_t *bytes, size_t len)
{
	net_count(packets, 1);
	net_count(bytes, len);
}

/* Over quota for @ns: the thread passes again then (or on a notify). */
static enum net_wait net_quota_wait(struct hvctl_net *net, uint64_t ns)
{
	if (!net->wait_ns || ns < net->wait_ns)
		net->wait_ns = ns;
	return NET_WAIT_QUOTA;
}

/* Gives the chain last taken back to the ring (its entry is read again). */
static void net_unpop(struct virtq *vq)
{
	vq->last_avail--;
}

/*
 * The tap's offloads for what the driver negotiated, once it is up.
 * Called with the device's I/O lock held (features stay put).
 */
static void net_apply_offloads(struct hvctl_net *net)
{
	unsigned int want = hvctl_net_tun_offloads(net->dev->features) &
			    net->tun_ok;

	if (want == net->tun_set)
		return;
	if (ioctl(net->tap, TUNSETOFFLOAD, want)) {
		net_log_once(net, NET_LOG_OFFLOAD, "virtio-net: TUNSETOFFLOAD: %s",
			     strerror(errno));
		return;
	}
	net->tun_set = want;
}

/* One transmit chain to the tap; the header is copied, then checked. */
static void net_tx_one(struct hvctl_net *net, struct virtq_elem *e)
{
	struct virtio_net_hdr_v1 hdr;
	uint64_t len = e->out_len - VIRTIO_NET_HDR_LEN;
	const char *why;
	unsigned int n;
	ssize_t w;

	hvctl_iov_to_buf(e->iov, e->nr_out, 0, &hdr, sizeof(hdr));
	if (!hvctl_net_tx_hdr_ok(&hdr, net->dev->features, len, &why)) {
		net_count(&net->stats.tx_dropped, 1);
		net_log_once(net, NET_LOG_TX_HDR, "virtio-net: transmitted frame dropped: %s",
			     why);
		return;
	}
	net->iov[0].iov_base = &hdr;
	net->iov[0].iov_len = sizeof(hdr);
	n = hvctl_iov_slice(e->iov, e->nr_out, VIRTIO_NET_HDR_LEN, len,
			    net->iov + 1, VIRTQ_NUM_MAX);
	net_account(&net->stats.tx_packets, &net->stats.tx_bytes, len);
	do {
		w = writev(net->tap, net->iov, n + 1);
	} while (w < 0 && errno == EINTR);
	if (w < 0) {
		/* the tap refused it (down, gone, no memory): a lost frame */
		net_count(&net->stats.tx_dropped, 1);
		net_log_once(net, NET_LOG_TX_ERR, "virtio-net: the tap refused a frame: %s",
			     errno == EIO ? "EIO: the tap is down on the host" :
			     strerror(errno));
	}
}

/* Sends up to NET_BUDGET chains; NET_AGAIN when there may be more. */
static enum net_wait net_tx(struct hvctl_net *net, struct virtq *vq)
{
	struct virtq_elem *e = &net->elem;
	enum net_wait ret = NET_WAIT_KICK;
	unsigned int budget = NET_BUDGET;
	const char *why;
	int r, done = 0;
	uint64_t w;

	for (;;) {
		if (!budget--) {
			ret = NET_AGAIN;
			break;
		}
		r = virtq_pop(vq, e, &why);
		if (r < 0) {
			virtio_mmio_needs_reset(net->dev, why);
			break;
		}
		if (!r) {
			if (virtq_enable_notify(vq))
				continue;
			break;
		}
		if (e->nr_in || e->out_len < VIRTIO_NET_HDR_LEN) {
			virtio_mmio_needs_reset(net->dev, e->nr_in ?
						"virtio-net: a device-writable buffer in a transmit chain" :
						"virtio-net: a transmit chain shorter than the header");
			break;
		}
		/* net-pps, net-bw: the chain waits in the ring */
		w = hvctl_iolimit_take(&net->limit, hvctl_iolimit_now(),
				       e->out_len - VIRTIO_NET_HDR_LEN);
		if (w) {
			net_unpop(vq);
			ret = net_quota_wait(net, w);
			break;
		}
		net_tx_one(net, e);
		virtq_push(vq, e->head, 0);
		done = 1;
	}
	if (done)
		virtio_mmio_queue_interrupt(net->dev, vq);
	return ret;
}

/*
 * One frame from the tap into chain @e: its length with the header when
 * given to the guest, 0 when dropped (the chain stays free), -1 when the
 * tap has none, -2 when it failed (the chain stays free in both).
 */
static ssize_t net_rx_one(struct hvctl_net *net, struct virtq_elem *e)
{
	struct virtio_net_hdr_v1 hdr;
	const char *why;
	uint8_t spare;
	ssize_t n;

	/*
	 * The tap cuts a frame to the buffers and returns what it copied, so
	 * one byte more than the chain holds tells a frame that did not fit.
	 */
	memcpy(net->iov, e->iov, e->nr_in * sizeof(*e->iov));
	net->iov[e->nr_in].iov_base = &spare;
	net->iov[e->nr_in].iov_len = 1;
	do {
		n = readv(net->tap, net->iov, e->nr_in + 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return -1;
	if (n < 0) {
		/* gone or broken: poll() would say so forever, wait for the guest */
		net_log_once(net, NET_LOG_RX_ERR, "virtio-net: cannot read the tap: %s",
			     strerror(errno));
		return -2;
	}
	if ((uint64_t)n > e->in_len || n < VIRTIO_NET_HDR_LEN + 14) {
		net_count(&net->stats.rx_dropped, 1);
		net_log_once(net, NET_LOG_RX_SMALL, "virtio-net: %s",
			     "a received frame did not fit the driver's buffer: dropped");
		return 0;
	}
	hvctl_iov_to_buf(e->iov, e->nr_in, 0, &hdr, sizeof(hdr));
	if (!hvctl_net_rx_hdr_fix(&hdr, net->dev->features, &why)) {
		net_count(&net->stats.rx_dropped, 1);
		net_log_once(net, NET_LOG_RX_OFFLOAD, "virtio-net: received frame dropped: %s",
			     why);
		return 0;
	}
	hvctl_iov_from_buf(e->iov, e->nr_in, 0, &hdr, sizeof(hdr));
	net_account(&net->stats.rx_packets, &net->stats.rx_bytes,
		    n - VIRTIO_NET_HDR_LEN);
	return n;
}

/*
 * Receives while the guest has buffers and the tap has frames; what to
 * wait for next.
 */
static enum net_wait net_rx(struct hvctl_net *net, struct virtq *vq)
{
	struct virtq_elem *e = &net->elem;
	unsigned int budget = NET_BUDGET;
	enum net_wait ret;
	const char *why;
	int r, done = 0;
	ssize_t n;
	uint64_t w;

	for (;;) {
		if (!budget--) {
			ret = NET_AGAIN;
			break;
		}
		r = virtq_pop(vq, e, &why);
		if (r < 0) {
			virtio_mmio_needs_reset(net->dev, why);
			ret = NET_WAIT_KICK;
			break;
		}
		if (!r) {
			if (virtq_enable_notify(vq))
				continue;
			/* no buffer: the frames wait in the tap */
			ret = NET_WAIT_KICK;
			break;
		}
		if (e->nr_out || e->in_len < VIRTIO_NET_HDR_LEN) {
			virtio_mmio_needs_reset(net->dev, e->nr_out ?
						"virtio-net: a device-readable buffer in a receive chain" :
						"virtio-net: a receive chain shorter than the header");
			ret = NET_WAIT_KICK;
			break;
		}
		/* the frames wait in the tap; charged once read (their size) */
		w = hvctl_iolimit_check(&net->limit, hvctl_iolimit_now());
		if (w) {
			net_unpop(vq);
			ret = net_quota_wait(net, w);
			break;
		}
		n = net_rx_one(net, e);
		if (n <= 0) {
			net_unpop(vq);
			if (n < 0) {
				ret = n == -1 ? NET_WAIT_TAP : NET_WAIT_KICK;
				break;
			}
			continue;
		}
		hvctl_iolimit_charge(&net->limit, n - VIRTIO_NET_HDR_LEN);
		virtq_push(vq, e->head, n);
		done = 1;
	}
	if (done)
		virtio_mmio_queue_interrupt(net->dev, vq);
	return ret;
}

/* Empties a notify eventfd that poll() found readable. */
static void net_drain(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN && errno != EINTR)
		abort();	/* an eventfd read fails only on a bad buffer */
}

/*
 * The I/O thread: a pass over both queues, then a wait for what the pass
 * ran out of (a notify, or a frame when the guest has buffers).
 */
static void *net_thread(void *arg)
{
	struct hvctl_net *net = arg;
	struct virtio_mmio_dev *dev = net->dev;
	enum net_wait rx, tx;
	struct pollfd pfd[3];
	struct virtq *vq;
	unsigned int i, n;
	int ms;

	while (!__atomic_load_n(&net->stop, __ATOMIC_ACQUIRE)) {
		tx = rx = NET_WAIT_KICK;
		net->wait_ns = 0;
		vq = virtio_mmio_io_begin(dev, VIRTIO_NET_TXQ);
		if (vq) {
			tx = net_tx(net, vq);
			virtio_mmio_io_end(dev);
		}
		vq = virtio_mmio_io_begin(dev, VIRTIO_NET_RXQ);
		if (vq) {
			net_apply_offloads(net);
			rx = net_rx(net, vq);
			virtio_mmio_io_end(dev);
		}
		if (tx == NET_AGAIN || rx == NET_AGAIN)
			continue;
		pfd[0] = (struct pollfd){ .fd = net->kick[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = net->kick[1], .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = net->tap, .events = POLLIN };
		n = rx == NET_WAIT_TAP ? 3 : 2;
		/* over quota: a pass again when the bucket allows (ms, rounded up) */
		ms = tx == NET_WAIT_QUOTA || rx == NET_WAIT_QUOTA ?
		     (int)((net->wait_ns + 999999) / 1000000) : -1;
		if (poll(pfd, n, ms) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 2; i++)
			if (pfd[i].revents & POLLIN)
				net_drain(pfd[i].fd);
	}
	return NULL;
}

/* --- set-up ---------------------------------------------------------------------- */

/*
 * The tap, created when missing (TUNSETIFF), with a 12-byte vnet header
 * and no packet information; non-blocking, for the I/O thread.
 */
int hvctl_net_open(const struct hvctl_nic *nic, char *err, size_t err_len)
{
	struct ifreq ifr = { 0 };
	int hdr = VIRTIO_NET_HDR_LEN, fd;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, err_len, "tap %s: /dev/net/tun: %s%s", nic->tap,
			 strerror(errno),
			 errno == ENOENT || errno == ENODEV ?
			 " (is tun.ko loaded?)" : "");
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", nic->tap);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		snprintf(err, err_len, "tap %s: TUNSETIFF: %s%s", nic->tap,
			 strerror(errno),
			 errno == EINVAL ? " (a device of that name that is not a tap?)" :
			 errno == EBUSY ? " (in use by another process?)" :
			 errno == EPERM ? " (CAP_NET_ADMIN needed)" : "");
		close(fd);
		return -1;
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr)) {
		snprintf(err, err_len, "tap %s: TUNSETVNETHDRSZ: %s", nic->tap,
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * What the tap accepts: all the offloads, or without ECN, or the
 * checksum alone, or none; then none until the driver is up.
 */
static void net_probe_offloads(struct hvctl_net *net)
{
	static const unsigned int tries[] = {
		NET_TUN_ALL, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6, TUN_F_CSUM,
	};
	unsigned int i;

	net->tun_ok = 0;
	for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		if (!ioctl(net->tap, TUNSETOFFLOAD, tries[i])) {
			net->tun_ok = tries[i];
			break;
		}
	}
	if (ioctl(net->tap, TUNSETOFFLOAD, 0))
		net->tun_ok = 0;
	net->tun_set = 0;
}

static void net_make_config(struct hvctl_net *net)
{
	uint8_t *c = net->config;

	memcpy(c + VIRTIO_NET_CFG_MAC, net->mac, 6);
	c[VIRTIO_NET_CFG_STATUS] = VIRTIO_NET_S_LINK_UP;
	c[VIRTIO_NET_CFG_MAX_VQ_PAIRS] = 1;
}

struct hvctl_net *hvctl_net_create_fd(const struct hvctl_nic *nic, int fd,
				      const char *vm, unsigned int index,
				      struct virtio_mmio_dev *dev,
				      const struct hvctl_gmem *mem, char *err,
				      size_t err_len)
{
	struct hvctl_net *net = calloc(1, sizeof(*net));
	unsigned int i;
	int e;

	if (!net) {
		snprintf(err, err_len, "tap %s: out of memory", nic->tap);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	hvctl_iolimit_init(&net->limit);
	net->kick[0] = net->kick[1] = -1;
	net->dev = dev;
	if (nic->flags & HVCTL_NIC_MAC)
		memcpy(net->mac, nic->mac, 6);
	else
		hvctl_net_default_mac(vm, index, net->mac);
	net->tap = fd >= 0 ? fd : hvctl_net_open(nic, err, err_len);
	if (net->tap < 0)
		goto fail;
	net_probe_offloads(net);
	net_make_config(net);
	virtio_mmio_init(dev, &net_ops, net, mem);
	net->dev_ok = 1;
	for (i = 0; i < 2; i++) {
		net->kick[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (net->kick[i] < 0) {
			snprintf(err, err_len, "tap %s: eventfd: %s", nic->tap,
				 strerror(errno));
			goto fail;
		}
	}
	e = pthread_create(&net->thread, NULL, net_thread, net);
	if (e) {
		snprintf(err, err_len, "tap %s: cannot start its I/O thread: %s",
			 nic->tap, strerror(e));
		goto fail;
	}
	net->thread_ok = 1;
	return net;
fail:
	hvctl_net_destroy(net);
	return NULL;
}

struct hvctl_net *hvctl_net_create(const struct hvctl_nic *nic,
				   const char *vm, unsigned int index,
				   struct virtio_mmio_dev *dev,
				   const struct hvctl_gmem *mem, char *err,
				   size_t err_len)
{
	return hvctl_net_create_fd(nic, -1, vm, index, dev, mem, err, err_len);
}

void hvctl_net_destroy(struct hvctl_net *net)
{
	uint64_t one = 1;
	unsigned int i;

	if (!net)
		return;
	if (net->thread_ok) {
		__atomic_store_n(&net->stop, 1, __ATOMIC_RELEASE);
		/* an eventfd write fails only at a count of 2^64 - 2 */
		if (write(net->kick[0], &one, sizeof(one)) != sizeof(one))
			abort();
		pthread_join(net->thread, NULL);
	}
	for (i = 0; i < 2; i++)
		if (net->kick[i] >= 0)
			close(net->kick[i]);
	/* a tap TUNSETIFF created (not persistent) goes with its last file */
	if (net->tap >= 0)
		close(net->tap);
	if (net->dev_ok)
		virtio_mmio_destroy(net->dev);
	hvctl_iolimit_destroy(&net->limit);
	free(net);
}

struct hvctl_iolimit *hvctl_net_iolimit(struct hvctl_net *net)
{
	return &net->limit;
}

void hvctl_net_get_stats(struct hvctl_net *net, struct hvctl_net_stats *st)
{
	st->rx_packets = __atomic_load_n(&net->stats.rx_packets, __ATOMIC_RELAXED);
	st->rx_bytes = __atomic_load_n(&net->stats.rx_bytes, __ATOMIC_RELAXED);
	st->rx_dropped = __atomic_load_n(&net->stats.rx_dropped, __ATOMIC_RELAXED);
	st->tx_packets = __atomic_load_n(&net->stats.tx_packets, __ATOMIC_RELAXED);
	st->tx_bytes = __atomic_load_n(&net->stats.tx_bytes, __ATOMIC_RELAXED);
	st->tx_dropped = __atomic_load_n(&net->stats.tx_dropped, __ATOMIC_RELAXED);
}

const uint8_t *hvctl_net_mac(const struct hvctl_net *net)
{
	return net->mac;
}

unsigned int hvctl_net_tap_offloads(const struct hvctl_net *net)
{
	return net->tun_ok;
}
