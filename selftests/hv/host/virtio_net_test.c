// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the hvctl VMM's virtio-net (tools/hvctl/vmm/virtio/net.c),
 * compiled into this program, in two parts.
 *
 * The rules, without a device: which features the device offers for what
 * the tap accepts, which tap offloads a negotiation turns on, which
 * transmitted headers may reach the tap, how a received header is fixed up
 * or refused, the default MAC, and the --net syntax.
 *
 * The device, on a real tap: each case runs in a network namespace of its
 * own (unshare(CLONE_NEWNET); it skips where that or /dev/net/tun is
 * missing), so the host's network never sees it. The test is the guest
 * driver, as in virtio_test.c: a buffer stands in for guest RAM, the
 * transport's registers are written as MMIO exits would, and the rings are
 * laid out here (no indirect descriptors, no event index). The other end
 * of the tap is two packet sockets on its interface: frames the guest
 * transmits arrive on one, frames sent on the other reach the guest. Only
 * frames of EtherType 0x88b5 (IEEE 802 local experimental) are the test's;
 * IPv6 is off in the namespace, so the kernel sends nothing of its own.
 * Built with -fsanitize=address,undefined like virtio_test.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "net.h"
#include "ratelimit.h"

#define RAM_GPA		0x40000000ULL
#define RAM_SIZE	0x100000ULL
#define NUM		16
#define G(off)		(RAM_GPA + (off))
/* per queue q: descriptors, available and used rings */
#define DESC(q)		(0x1000 + 0x3000 * (q))
#define AVAIL(q)	(0x2000 + 0x3000 * (q))
#define USED(q)		(0x3000 + 0x3000 * (q))
#define RXBUF(i)	(0x10000 + 0x1000 * (i))	/* 4 KiB each */
#define TXBUF		0x30000
#define RXQ		VIRTIO_NET_RXQ
#define TXQ		VIRTIO_NET_TXQ
#define ETH_TEST	0x88b5
#define TAP		"hvtest0"

static const uint8_t mac0[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* the CLI's error printer, for hvctl_parse_net(): the last message */
static char last_err[256];
void hvctl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
}

/* --- the rules ------------------------------------------------------------- */

static uint64_t bit(unsigned int f)
{
	return VIRTIO_BIT(f);
}

TEST(features_follow_the_tap)
{
	uint64_t base = bit(VIRTIO_NET_F_MAC) | bit(VIRTIO_NET_F_STATUS);
	uint64_t csum = bit(VIRTIO_NET_F_CSUM) | bit(VIRTIO_NET_F_GUEST_CSUM);
	uint64_t all = hvctl_net_features(TUN_F_CSUM | TUN_F_TSO4 |
					  TUN_F_TSO6 | TUN_F_TSO_ECN);

	EXPECT_EQ(base, hvctl_net_features(0));
	/* TSO without the checksum offload is no offload at all */
	EXPECT_EQ(base, hvctl_net_features(TUN_F_TSO4 | TUN_F_TSO6));
	EXPECT_EQ(base | csum, hvctl_net_features(TUN_F_CSUM));
	EXPECT_EQ(base | csum | bit(VIRTIO_NET_F_HOST_TSO4) |
		  bit(VIRTIO_NET_F_GUEST_TSO4) | bit(VIRTIO_NET_F_HOST_TSO6) |
		  bit(VIRTIO_NET_F_GUEST_TSO6) | bit(VIRTIO_NET_F_HOST_ECN) |
		  bit(VIRTIO_NET_F_GUEST_ECN), all);
	/* never mergeable buffers, never anything the device does not do */
	EXPECT_EQ(0, all & bit(VIRTIO_NET_F_MRG_RXBUF));
	EXPECT_EQ(0, all & ~(base | csum | (0x7ULL << 7) | (0x7ULL << 11)));
}

TEST(tap_offloads_follow_the_driver)
{
	uint64_t gcsum = bit(VIRTIO_NET_F_GUEST_CSUM);

	EXPECT_EQ(0, hvctl_net_tun_offloads(0));
	/* the host-side bits are not the tap's receive offloads */
	EXPECT_EQ(0, hvctl_net_tun_offloads(bit(VIRTIO_NET_F_CSUM) |
					    bit(VIRTIO_NET_F_HOST_TSO4)));
	/* a TSO bit without the checksum bit it needs: nothing */
	EXPECT_EQ(0, hvctl_net_tun_offloads(bit(VIRTIO_NET_F_GUEST_TSO4)));
	EXPECT_EQ(TUN_F_CSUM, hvctl_net_tun_offloads(gcsum));
	EXPECT_EQ(TUN_F_CSUM | TUN_F_TSO4,
		  hvctl_net_tun_offloads(gcsum | bit(VIRTIO_NET_F_GUEST_TSO4)));
	/* ECN without a TSO type means nothing */
	EXPECT_EQ(TUN_F_CSUM,
		  hvctl_net_tun_offloads(gcsum | bit(VIRTIO_NET_F_GUEST_ECN)));
	EXPECT_EQ(TUN_F_CSUM | TUN_F_TSO6 | TUN_F_TSO_ECN,
		  hvctl_net_tun_offloads(gcsum | bit(VIRTIO_NET_F_GUEST_TSO6) |
					 bit(VIRTIO_NET_F_GUEST_ECN)));
}

static struct virtio_net_hdr_v1 hdr(uint8_t flags, uint8_t gso, uint16_t size,
				    uint16_t start, uint16_t off)
{
	return (struct virtio_net_hdr_v1){
		.flags = flags, .gso_type = gso, .hdr_len = htole16(54),
		.gso_size = htole16(size), .csum_start = htole16(start),
		.csum_offset = htole16(off),
	};
}

TEST(transmit_headers)
{
	uint64_t none = 0, csum = bit(VIRTIO_NET_F_CSUM);
	uint64_t tso4 = csum | bit(VIRTIO_NET_F_HOST_TSO4);
	struct virtio_net_hdr_v1 h;
	const char *why = NULL;

	h = hdr(0, 0, 0, 0, 0);
	EXPECT_EQ(1, hvctl_net_tx_hdr_ok(&h, none, 60, &why));
	/* lengths: an Ethernet header at least, 64 KiB of IP at most */
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, none, 13, &why));
	EXPECT_EQ(1, hvctl_net_tx_hdr_ok(&h, none, VIRTIO_NET_MAX_FRAME, &why));
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, none, VIRTIO_NET_MAX_FRAME + 1, &why));
	/* the device's flags are not the driver's */
	h = hdr(VIRTIO_NET_HDR_F_DATA_VALID, 0, 0, 0, 0);
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, csum, 60, &why));
	/* a partial checksum: negotiated, and its field inside the frame */
	h = hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 34, 16);
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, none, 60, &why));
	EXPECT_STREQ("NEEDS_CSUM without VIRTIO_NET_F_CSUM", why);
	EXPECT_EQ(1, hvctl_net_tx_hdr_ok(&h, csum, 60, &why));
	EXPECT_EQ(1, hvctl_net_tx_hdr_ok(&h, csum, 52, &why));
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, csum, 51, &why));
	h = hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 0xffff, 0xffff);
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, csum, 60, &why));
	/* GSO: the type negotiated, with NEEDS_CSUM and a size */
	h = hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 1448, 34, 16);
	EXPECT_EQ(1, hvctl_net_tx_hdr_ok(&h, tso4, 3000, &why));
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, csum, 3000, &why));
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, tso4, 3000, &why));
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, tso4, 3000, &why));
	EXPECT_EQ(1, hvctl_net_tx_hdr_ok(&h, tso4 | bit(VIRTIO_NET_F_HOST_ECN),
					 3000, &why));
	h.gso_type = 3;	/* UDP (UFO): never offered */
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, ~0ULL, 3000, &why));
	h = hdr(0, VIRTIO_NET_HDR_GSO_TCPV4, 1448, 34, 16);
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, tso4, 3000, &why));
	h = hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 0, 34, 16);
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, tso4, 3000, &why));
	h = hdr(0, VIRTIO_NET_HDR_GSO_ECN, 0, 0, 0);
	EXPECT_EQ(0, hvctl_net_tx_hdr_ok(&h, ~0ULL, 60, &why));
}

TEST(receive_headers)
{
	uint64_t gcsum = bit(VIRTIO_NET_F_GUEST_CSUM);
	struct virtio_net_hdr_v1 h;
	const char *why = NULL;

	/* no GUEST_CSUM: no flags at all, DATA_VALID included; one buffer */
	h = hdr(VIRTIO_NET_HDR_F_DATA_VALID, 0, 0, 0, 0);
	h.num_buffers = 0xdead;
	EXPECT_EQ(1, hvctl_net_rx_hdr_fix(&h, 0, &why));
	EXPECT_EQ(0, h.flags);
	EXPECT_EQ(1, le16toh(h.num_buffers));
	h = hdr(VIRTIO_NET_HDR_F_DATA_VALID, 0, 0, 0, 0);
	EXPECT_EQ(1, hvctl_net_rx_hdr_fix(&h, gcsum, &why));
	EXPECT_EQ(VIRTIO_NET_HDR_F_DATA_VALID, h.flags);
	/* what a driver without the offload cannot take is refused */
	h = hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 34, 16);
	EXPECT_EQ(0, hvctl_net_rx_hdr_fix(&h, 0, &why));
	EXPECT_EQ(1, hvctl_net_rx_hdr_fix(&h, gcsum, &why));
	h = hdr(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 1448, 34, 16);
	EXPECT_EQ(0, hvctl_net_rx_hdr_fix(&h, 0, &why));
	EXPECT_EQ(0, hvctl_net_rx_hdr_fix(&h, gcsum, &why));
	EXPECT_EQ(0, hvctl_net_rx_hdr_fix(&h, gcsum | bit(VIRTIO_NET_F_GUEST_TSO6), &why));
	EXPECT_EQ(1, hvctl_net_rx_hdr_fix(&h, gcsum | bit(VIRTIO_NET_F_GUEST_TSO4), &why));
	h.gso_type |= VIRTIO_NET_HDR_GSO_ECN;
	EXPECT_EQ(0, hvctl_net_rx_hdr_fix(&h, gcsum | bit(VIRTIO_NET_F_GUEST_TSO4), &why));
	EXPECT_EQ(1, hvctl_net_rx_hdr_fix(&h, gcsum | bit(VIRTIO_NET_F_GUEST_TSO4) |
					  bit(VIRTIO_NET_F_GUEST_ECN), &why));
	h.gso_type = 3;	/* UDP */
	EXPECT_EQ(0, hvctl_net_rx_hdr_fix(&h, ~0ULL, &why));
}

TEST(default_mac)
{
	uint8_t a[6], b[6], c[6], d[6];

	hvctl_net_default_mac("vm1", 0, a);
	hvctl_net_default_mac("vm1", 0, b);
	hvctl_net_default_mac("vm1", 1, c);
	hvctl_net_default_mac("vm2", 0, d);
	EXPECT_EQ(0, memcmp(a, b, 6));
	EXPECT_NE(0, memcmp(a, c, 6));
	EXPECT_NE(0, memcmp(a, d, 6));
	/* locally administered, unicast */
	EXPECT_EQ(0x02, a[0]);
	EXPECT_EQ(0x02, c[0]);
}

TEST(net_option)
{
	struct hvctl_nic n;

	ASSERT_EQ(0, hvctl_parse_net("tap=tap0", &n));
	EXPECT_STREQ("tap0", n.tap);
	EXPECT_EQ(0, n.flags);
	ASSERT_EQ(0, hvctl_parse_net("tap=hv-net.1,mac=52:54:00:AB:cd:01", &n));
	EXPECT_STREQ("hv-net.1", n.tap);
	EXPECT_EQ(HVCTL_NIC_MAC, n.flags);
	EXPECT_EQ(0xab, n.mac[3]);
	EXPECT_EQ(0x01, n.mac[5]);
	ASSERT_EQ(0, hvctl_parse_net("mac=02:00:00:00:00:01,tap=t", &n));
	EXPECT_STREQ("t", n.tap);
	EXPECT_EQ(-1, hvctl_parse_net("", &n));
	EXPECT_EQ(-1, hvctl_parse_net("mac=02:00:00:00:00:01", &n));
	EXPECT_NE(NULL, strstr(last_err, "tap=IFNAME"));
	EXPECT_EQ(-1, hvctl_parse_net("tap=", &n));
	EXPECT_EQ(-1, hvctl_parse_net("tap=0123456789abcdef", &n));
	EXPECT_EQ(-1, hvctl_parse_net("tap=a/b", &n));
	EXPECT_EQ(-1, hvctl_parse_net("tap=a:b", &n));
	EXPECT_EQ(-1, hvctl_parse_net("tap=a b", &n));
	EXPECT_EQ(-1, hvctl_parse_net("tap=..", &n));
	EXPECT_EQ(-1, hvctl_parse_net("tap=t,mac=01:00:00:00:00:01", &n));
	EXPECT_EQ(-1, hvctl_parse_net("tap=t,mac=00:00:00:00:00:00", &n));
	EXPECT_EQ(-1, hvctl_parse_net("tap=t,mac=02:00:00:00:00", &n));
	EXPECT_EQ(-1, hvctl_parse_net("tap=t,mac=02:00:00:00:00:01:02", &n));
	EXPECT_EQ(-1, hvctl_parse_net("tap=t,mac=02-00-00-00-00-01", &n));
	EXPECT_EQ(-1, hvctl_parse_net("tap=t,vhost=on", &n));
	EXPECT_NE(NULL, strstr(last_err, "vhost=on"));
}

/* --- the device on a tap ------------------------------------------------------ */

FIXTURE(vnet) {
	uint8_t *ram;
	struct hvctl_gmem mem;
	struct virtio_mmio_dev dev;
	struct hvctl_net *net;
	uint16_t avail_idx[2], used_seen[2];
	int ifindex;
	int tx_sock, rx_sock;	/* packet sockets: send to the guest, see its frames */
	char why[256];
	pthread_mutex_t m;
};

static void test_log(struct virtio_mmio_dev *dev, const char *msg)
{
	FIXTURE_DATA(vnet) *t = dev->opaque;

	pthread_mutex_lock(&t->m);
	snprintf(t->why, sizeof(t->why), "%s", msg);
	pthread_mutex_unlock(&t->m);
}

static uint32_t rd(FIXTURE_DATA(vnet) *t, uint64_t off)
{
	uint32_t v;

	virtio_mmio_read(&t->dev, off, &v, 4);
	return v;
}

static void wr(FIXTURE_DATA(vnet) *t, uint64_t off, uint32_t v)
{
	virtio_mmio_write(&t->dev, off, &v, 4);
}

static void *gp(FIXTURE_DATA(vnet) *t, uint64_t off)
{
	return t->ram + off;
}

static void set_desc(FIXTURE_DATA(vnet) *t, unsigned int q, unsigned int i,
		     uint64_t off, uint32_t len, uint16_t flags, uint16_t next)
{
	((struct virtq_desc *)gp(t, DESC(q)))[i] = (struct virtq_desc){
		.addr = G(off), .len = len, .flags = flags, .next = next };
}

static void submit(FIXTURE_DATA(vnet) *t, unsigned int q, uint16_t head)
{
	uint16_t *avail = gp(t, AVAIL(q));

	avail[2 + t->avail_idx[q] % NUM] = head;
	t->avail_idx[q]++;
	__atomic_store_n(&avail[1], t->avail_idx[q], __ATOMIC_RELEASE);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static uint16_t used_idx(FIXTURE_DATA(vnet) *t, unsigned int q)
{
	return __atomic_load_n((uint16_t *)gp(t, USED(q) + 2), __ATOMIC_ACQUIRE);
}

static void used_elem(FIXTURE_DATA(vnet) *t, unsigned int q, uint16_t i,
		      uint32_t *id, uint32_t *len)
{
	uint8_t *e = gp(t, USED(q) + 4 + 8 * (i % NUM));

	memcpy(id, e, 4);
	memcpy(len, e + 4, 4);
}

static int needs_reset(FIXTURE_DATA(vnet) *t)
{
	return !!(rd(t, VIRTIO_MMIO_STATUS) & VIRTIO_S_NEEDS_RESET);
}

/*
 * Waits until queue @q used @n more chains than seen so far (0), or the
 * device needs a reset (1); -1 after 10 s, which only a broken device
 * takes.
 */
static int wait_used(FIXTURE_DATA(vnet) *t, unsigned int q, uint16_t n)
{
	struct timespec d = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 10000; i++) {
		if (needs_reset(t))
			return 1;
		if ((uint16_t)(used_idx(t, q) - t->used_seen[q]) >= n) {
			t->used_seen[q] += n;
			return 0;
		}
		nanosleep(&d, NULL);
	}
	return -1;
}

/* The driver's initialisation (3.1.1) with @want & offered; the status. */
static uint32_t driver_up(FIXTURE_DATA(vnet) *t, uint64_t want)
{
	uint64_t offered;
	uint32_t s = VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER;
	unsigned int q;

	wr(t, VIRTIO_MMIO_STATUS, 0);
	wr(t, VIRTIO_MMIO_STATUS, s);
	wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered = (uint64_t)rd(t, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered |= rd(t, VIRTIO_MMIO_DEVICE_FEATURES);
	want = (want & offered & ~(bit(VIRTIO_F_EVENT_IDX) |
				   bit(VIRTIO_F_INDIRECT_DESC))) |
	       bit(VIRTIO_F_VERSION_1);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, want);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, want >> 32);
	s |= VIRTIO_S_FEATURES_OK;
	wr(t, VIRTIO_MMIO_STATUS, s);
	memset(gp(t, DESC(0)), 0, 0x6000);
	for (q = 0; q < 2; q++) {
		wr(t, VIRTIO_MMIO_QUEUE_SEL, q);
		wr(t, VIRTIO_MMIO_QUEUE_NUM, NUM);
		wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, G(DESC(q)));
		wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, G(DESC(q)) >> 32);
		wr(t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, G(AVAIL(q)));
		wr(t, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, G(AVAIL(q)) >> 32);
		wr(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, G(USED(q)));
		wr(t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, G(USED(q)) >> 32);
		wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
		t->avail_idx[q] = t->used_seen[q] = 0;
	}
	wr(t, VIRTIO_MMIO_STATUS, s | VIRTIO_S_DRIVER_OK);
	return rd(t, VIRTIO_MMIO_STATUS);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

/* The tap's interface up (so that packet sockets can send on it). */
static int link_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	r = ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	r = r ?: ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
	return r;
}

/* The tap's TSO as ethtool sees it: 1, 0, or -1. */
static int tap_tso(const char *name)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GTSO };
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = (void *)&ev;
	r = ioctl(s, SIOCETHTOOL, &ifr);
	close(s);
	return r ? -1 : !!ev.data;
}

FIXTURE_SETUP(vnet)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct hvctl_nic nic = { .tap = TAP, .flags = HVCTL_NIC_MAC };
	char err[256];

	self->tx_sock = self->rx_sock = -1;
	if (unshare(CLONE_NEWNET))
		SKIP(return, "no network namespace of our own: %s", strerror(errno));
	if (access("/dev/net/tun", R_OK | W_OK))
		SKIP(return, "no /dev/net/tun");
	/* nothing of the kernel's own on the link: no IPv6 */
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	self->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ram);
	self->mem = (struct hvctl_gmem){ .base = self->ram, .gpa = RAM_GPA,
					 .size = RAM_SIZE };
	pthread_mutex_init(&self->m, NULL);
	memcpy(nic.mac, mac0, 6);
	self->net = hvctl_net_create(&nic, "vm", 0, &self->dev, &self->mem,
				     err, sizeof(err));
	ASSERT_NE(NULL, self->net) TH_LOG("%s", err);
	pthread_mutex_lock(&self->dev.lock);
	self->dev.opaque = self;
	self->dev.log = test_log;
	pthread_mutex_unlock(&self->dev.lock);
	self->ifindex = if_nametoindex(TAP);
	ASSERT_NE(0, self->ifindex);
	ASSERT_EQ(0, link_up(TAP));
	self->tx_sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->tx_sock);
	self->rx_sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_TEST));
	ASSERT_LE(0, self->rx_sock);
	sll.sll_protocol = htons(ETH_TEST);
	sll.sll_ifindex = self->ifindex;
	ASSERT_EQ(0, bind(self->rx_sock, (struct sockaddr *)&sll, sizeof(sll)));
}

FIXTURE_TEARDOWN(vnet)
{
	if (self->tx_sock >= 0)
		close(self->tx_sock);
	if (self->rx_sock >= 0)
		close(self->rx_sock);
	if (self->net) {
		hvctl_net_destroy(self->net);
		/* the tap the device created went with it */
		EXPECT_EQ(0, if_nametoindex(TAP));
	}
	if (self->ram)
		munmap(self->ram, RAM_SIZE);
}

/* A test frame of @len bytes: to @dst, EtherType 0x88b5, @seed's bytes. */
static void frame(uint8_t *p, size_t len, const uint8_t *dst, unsigned int seed)
{
	size_t i;

	memcpy(p, dst, 6);
	memcpy(p + 6, "\x02\x00\x00\x00\x00\x09", 6);
	p[12] = ETH_TEST >> 8;
	p[13] = ETH_TEST & 0xff;
	for (i = 14; i < len; i++)
		p[i] = seed + i * 7;
}

/* Sends @len bytes of frame @seed to the guest through the tap. */
static int host_send(FIXTURE_DATA(vnet) *t, size_t len, unsigned int seed)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_ifindex = t->ifindex,
		.sll_halen = 6,
	};
	uint8_t buf[2048];

	frame(buf, len, mac0, seed);
	memcpy(sll.sll_addr, mac0, 6);
	return sendto(t->tx_sock, buf, len, 0, (struct sockaddr *)&sll,
		      sizeof(sll)) == (ssize_t)len ? 0 : -1;
}

/* Posts receive buffer @i (@len bytes, one descriptor) as chain @i. */
static void post_rx(FIXTURE_DATA(vnet) *t, unsigned int i, uint32_t len)
{
	memset(gp(t, RXBUF(i)), 0xee, 0x1000);
	set_desc(t, RXQ, i, RXBUF(i), len, VIRTQ_DESC_F_WRITE, 0);
	submit(t, RXQ, i);
}

/* The next used receive chain holds frame @seed of @len bytes. */
static int check_rx(FIXTURE_DATA(vnet) *t, size_t len, unsigned int seed,
		    unsigned int *buf)
{
	struct virtio_net_hdr_v1 h;
	uint8_t want[2048];
	uint32_t id, used;

	used_elem(t, RXQ, t->used_seen[RXQ] - 1, &id, &used);
	*buf = id;
	if (used != VIRTIO_NET_HDR_LEN + len) {
		printf("# used %u bytes of chain %u, not %zu\n", used, id,
		       VIRTIO_NET_HDR_LEN + len);
		return -1;
	}
	memcpy(&h, gp(t, RXBUF(id)), sizeof(h));
	if (le16toh(h.num_buffers) != 1 || h.flags || h.gso_type)
		return -2;
	frame(want, len, mac0, seed);
	return memcmp(gp(t, RXBUF(id) + VIRTIO_NET_HDR_LEN), want, len) ? -3 : 0;
}

/* Transmits frame @seed of @len bytes as a header and a data buffer. */
static void guest_send(FIXTURE_DATA(vnet) *t, size_t len, unsigned int seed)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct virtio_net_hdr_v1 h = { 0 };

	memcpy(gp(t, TXBUF), &h, sizeof(h));
	frame(gp(t, TXBUF + 0x100), len, bcast, seed);
	set_desc(t, TXQ, 0, TXBUF, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
	set_desc(t, TXQ, 1, TXBUF + 0x100, len, 0, 0);
	submit(t, TXQ, 0);
}

TEST_F(vnet, identity_config_and_offloads)
{
	uint64_t offered;
	uint8_t cfg[VIRTIO_NET_CFG_SIZE];
	unsigned int i;

	EXPECT_EQ(VIRTIO_ID_NET, rd(self, VIRTIO_MMIO_DEVICE_ID));
	wr(self, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered = rd(self, VIRTIO_MMIO_DEVICE_FEATURES);
	/* the tap of a current kernel takes checksum, TSO4/6 and ECN */
	EXPECT_EQ(hvctl_net_features(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
				     TUN_F_TSO_ECN) | bit(VIRTIO_F_INDIRECT_DESC) |
		  bit(VIRTIO_F_EVENT_IDX), offered);
	for (i = 0; i < sizeof(cfg); i++)
		virtio_mmio_read(&self->dev, VIRTIO_MMIO_CONFIG + i, &cfg[i], 1);
	EXPECT_EQ(0, memcmp(cfg, mac0, 6));
	EXPECT_EQ(VIRTIO_NET_S_LINK_UP, cfg[VIRTIO_NET_CFG_STATUS]);
	/* no receive offloads on the tap until a driver takes them */
	EXPECT_EQ(0, tap_tso(TAP));
	ASSERT_EQ(0x0f, driver_up(self, bit(VIRTIO_NET_F_GUEST_CSUM) |
				  bit(VIRTIO_NET_F_GUEST_TSO4)) & 0xcf);
	/* the I/O thread applies them on its next pass: a transmit is one */
	guest_send(self, 60, 1);
	ASSERT_EQ(0, wait_used(self, TXQ, 1));
	EXPECT_EQ(1, tap_tso(TAP));
	ASSERT_EQ(0x0f, driver_up(self, 0) & 0xcf);
	guest_send(self, 60, 2);
	ASSERT_EQ(0, wait_used(self, TXQ, 1));
	EXPECT_EQ(0, tap_tso(TAP));
}

TEST_F(vnet, frames_both_ways)
{
	struct hvctl_net_stats st;
	uint8_t got[2048], want[2048];
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned int i, buf;
	ssize_t n;

	ASSERT_EQ(0x0f, driver_up(self, ~0ULL) & 0xcf);
	/* the guest's frame on the host's side of the tap, byte for byte */
	guest_send(self, 1000, 7);
	ASSERT_EQ(0, wait_used(self, TXQ, 1));
	n = recv(self->rx_sock, got, sizeof(got), 0);
	ASSERT_EQ(1000, n);
	frame(want, 1000, bcast, 7);
	EXPECT_EQ(0, memcmp(got, want, 1000));
	/* the host's frames in the guest's buffers, in order */
	for (i = 0; i < 4; i++)
		post_rx(self, i, 0x1000);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, host_send(self, 100 + 300 * i, 20 + i));
		ASSERT_EQ(0, wait_used(self, RXQ, 1));
		EXPECT_EQ(0, check_rx(self, 100 + 300 * i, 20 + i, &buf));
		EXPECT_EQ(i, buf);
	}
	hvctl_net_get_stats(self->net, &st);
	EXPECT_EQ(1, st.tx_packets);
	EXPECT_EQ(1000, st.tx_bytes);
	EXPECT_EQ(4, st.rx_packets);
	EXPECT_EQ(4 * 100 + 300 * 6, st.rx_bytes);
	EXPECT_EQ(0, st.rx_dropped + st.tx_dropped);
}

/* Frames that arrive while the guest has no buffer wait in the tap. */
TEST_F(vnet, no_buffers_no_loss)
{
	struct hvctl_net_stats st;
	unsigned int i, buf;

	ASSERT_EQ(0x0f, driver_up(self, 0) & 0xcf);
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, host_send(self, 200 + i, 40 + i));
	/* a transmit makes the I/O thread pass over the empty receive queue */
	guest_send(self, 60, 3);
	ASSERT_EQ(0, wait_used(self, TXQ, 1));
	EXPECT_EQ(0, used_idx(self, RXQ));
	for (i = 0; i < 5; i++) {
		post_rx(self, i, 0x1000);
		ASSERT_EQ(0, wait_used(self, RXQ, 1));
		EXPECT_EQ(0, check_rx(self, 200 + i, 40 + i, &buf));
	}
	/* a buffer while the tap is empty: taken, given back, used later */
	post_rx(self, 5, 0x1000);
	/* two passes: the second starts after the first's receive half */
	guest_send(self, 60, 4);
	ASSERT_EQ(0, wait_used(self, TXQ, 1));
	guest_send(self, 60, 5);
	ASSERT_EQ(0, wait_used(self, TXQ, 1));
	ASSERT_EQ(0, host_send(self, 300, 45));
	ASSERT_EQ(0, wait_used(self, RXQ, 1));
	EXPECT_EQ(0, check_rx(self, 300, 45, &buf));
	EXPECT_EQ(5, buf);
	hvctl_net_get_stats(self->net, &st);
	EXPECT_EQ(6, st.rx_packets);
	EXPECT_EQ(0, st.rx_dropped);
}

/* Seconds since @t0 on CLOCK_MONOTONIC. */
static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * The NIC's packet quota (net-pps) holds both ways and loses nothing: at
 * 10 packets/s (GCRA, a burst of 100 ms: two at once) six frames take at
 * least 0.4 s. Only the lower bound is checked: a loaded machine can make
 * the frames later, never earlier.
 */
TEST_F(vnet, packet_quota_both_ways)
{
	struct hvctl_iolimit *lim = hvctl_net_iolimit(self->net);
	struct hvctl_net_stats st;
	struct timespec t0;
	unsigned int i, buf;
	uint8_t got[2048];
	uint64_t ops, bytes;

	ASSERT_EQ(0x0f, driver_up(self, 0) & 0xcf);
	hvctl_iolimit_set(lim, 10, 0, hvctl_iolimit_now());
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 6; i++) {
		guest_send(self, 100, 60 + i);
		ASSERT_EQ(0, wait_used(self, TXQ, 1));
		ASSERT_EQ(100, recv(self->rx_sock, got, sizeof(got), 0));
	}
	EXPECT_LE(0.35, since(&t0)) TH_LOG("6 frames out in %.3f s at 10/s",
					   since(&t0));
	hvctl_iolimit_set(lim, 10, 0, hvctl_iolimit_now());
	for (i = 0; i < 6; i++)
		post_rx(self, i, 0x1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 6; i++)
		ASSERT_EQ(0, host_send(self, 200, 70 + i));
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, wait_used(self, RXQ, 1));
		EXPECT_EQ(0, check_rx(self, 200, 70 + i, &buf));
	}
	EXPECT_LE(0.35, since(&t0)) TH_LOG("6 frames in in %.3f s at 10/s",
					   since(&t0));
	hvctl_iolimit_get(lim, &ops, &bytes);
	EXPECT_EQ(10, ops);
	hvctl_net_get_stats(self->net, &st);
	EXPECT_EQ(6, st.tx_packets);
	EXPECT_EQ(6, st.rx_packets);
	EXPECT_EQ(0, st.rx_dropped + st.tx_dropped);
	EXPECT_EQ(12, __atomic_load_n(&lim->nr_ops, __ATOMIC_RELAXED));
	EXPECT_EQ(6 * 100 + 6 * 200,
		  __atomic_load_n(&lim->nr_bytes, __ATOMIC_RELAXED));
}

/* A buffer smaller than the frame: that frame is dropped, the device lives. */
TEST_F(vnet, receive_buffer_too_small)
{
	struct hvctl_net_stats st;
	unsigned int buf;

	ASSERT_EQ(0x0f, driver_up(self, 0) & 0xcf);
	post_rx(self, 0, VIRTIO_NET_HDR_LEN + 64);
	ASSERT_EQ(0, host_send(self, 1000, 50));
	ASSERT_EQ(0, host_send(self, 60, 51));
	/* the same chain takes the next frame, which fits */
	ASSERT_EQ(0, wait_used(self, RXQ, 1));
	EXPECT_EQ(0, check_rx(self, 60, 51, &buf));
	hvctl_net_get_stats(self->net, &st);
	EXPECT_EQ(1, st.rx_dropped);
	EXPECT_EQ(0, needs_reset(self));
}

/* A header the rules refuse: the frame is dropped, the chain used. */
TEST_F(vnet, transmit_header_refused)
{
	struct virtio_net_hdr_v1 h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				       .csum_start = htole16(2000) };
	struct hvctl_net_stats st;

	ASSERT_EQ(0x0f, driver_up(self, ~0ULL) & 0xcf);
	memcpy(gp(self, TXBUF), &h, sizeof(h));
	frame(gp(self, TXBUF + 0x100), 100, mac0, 1);
	set_desc(self, TXQ, 0, TXBUF, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
	set_desc(self, TXQ, 1, TXBUF + 0x100, 100, 0, 0);
	submit(self, TXQ, 0);
	ASSERT_EQ(0, wait_used(self, TXQ, 1));
	hvctl_net_get_stats(self->net, &st);
	EXPECT_EQ(1, st.tx_dropped);
	EXPECT_EQ(0, st.tx_packets);
	EXPECT_NE(NULL, strstr(self->why, "checksum field outside the frame"));
}

/* A name that is not a tap is refused with the reason; a second opener too. */
TEST_F(vnet, open_refusals)
{
	struct hvctl_nic lo = { .tap = "lo" }, same = { .tap = TAP };
	char err[256];

	EXPECT_EQ(-1, hvctl_net_open(&lo, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "tap lo: TUNSETIFF")) TH_LOG("%s", err);
	EXPECT_EQ(-1, hvctl_net_open(&same, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "tap " TAP ": TUNSETIFF")) TH_LOG("%s", err);
}

/* --- hostile chains: the device needs a reset, and works after one ----------- */

static void reset_and_retry(struct __test_metadata *_metadata,
			    FIXTURE_DATA(vnet) *t)
{
	unsigned int buf;

	EXPECT_EQ(1, needs_reset(t));
	ASSERT_EQ(0x0f, driver_up(t, 0) & 0xcf);
	post_rx(t, 0, 0x1000);
	ASSERT_EQ(0, host_send(t, 64, 99));
	ASSERT_EQ(0, wait_used(t, RXQ, 1));
	EXPECT_EQ(0, check_rx(t, 64, 99, &buf));
}

TEST_F(vnet, hostile_writable_transmit_buffer)
{
	ASSERT_EQ(0x0f, driver_up(self, 0) & 0xcf);
	set_desc(self, TXQ, 0, TXBUF, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
	set_desc(self, TXQ, 1, TXBUF + 0x100, 100, VIRTQ_DESC_F_WRITE, 0);
	submit(self, TXQ, 0);
	ASSERT_EQ(1, wait_used(self, TXQ, 1));
	EXPECT_NE(NULL, strstr(self->why, "device-writable buffer in a transmit chain"));
	reset_and_retry(_metadata, self);
}

TEST_F(vnet, hostile_short_transmit_chain)
{
	ASSERT_EQ(0x0f, driver_up(self, 0) & 0xcf);
	set_desc(self, TXQ, 0, TXBUF, VIRTIO_NET_HDR_LEN - 1, 0, 0);
	submit(self, TXQ, 0);
	ASSERT_EQ(1, wait_used(self, TXQ, 1));
	EXPECT_NE(NULL, strstr(self->why, "shorter than the header"));
	reset_and_retry(_metadata, self);
}

TEST_F(vnet, hostile_readable_receive_buffer)
{
	ASSERT_EQ(0x0f, driver_up(self, 0) & 0xcf);
	/* room enough behind it: only the readable buffer is wrong */
	set_desc(self, RXQ, 0, RXBUF(0), 0x100, VIRTQ_DESC_F_NEXT, 1);
	set_desc(self, RXQ, 1, RXBUF(1), 0x1000, VIRTQ_DESC_F_WRITE, 0);
	submit(self, RXQ, 0);
	ASSERT_EQ(1, wait_used(self, RXQ, 1));
	EXPECT_NE(NULL, strstr(self->why, "device-readable buffer in a receive chain"));
	reset_and_retry(_metadata, self);
}

TEST_F(vnet, hostile_short_receive_buffer)
{
	ASSERT_EQ(0x0f, driver_up(self, 0) & 0xcf);
	set_desc(self, RXQ, 0, RXBUF(0), VIRTIO_NET_HDR_LEN - 1,
		 VIRTQ_DESC_F_WRITE, 0);
	submit(self, RXQ, 0);
	ASSERT_EQ(1, wait_used(self, RXQ, 1));
	EXPECT_NE(NULL, strstr(self->why, "receive chain shorter than the header"));
	reset_and_retry(_metadata, self);
}

TEST_F(vnet, hostile_transmit_loop_and_outside_ram)
{
	ASSERT_EQ(0x0f, driver_up(self, 0) & 0xcf);
	set_desc(self, TXQ, 0, TXBUF, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
	set_desc(self, TXQ, 1, TXBUF + 0x100, 100, VIRTQ_DESC_F_NEXT, 0);
	submit(self, TXQ, 0);
	ASSERT_EQ(1, wait_used(self, TXQ, 1));
	EXPECT_NE(NULL, strstr(self->why, "loop"));
	reset_and_retry(_metadata, self);
	/* a receive buffer that runs past the end of RAM */
	set_desc(self, RXQ, 1, RAM_SIZE - 0x100, 0x1000, VIRTQ_DESC_F_WRITE, 0);
	submit(self, RXQ, 1);
	ASSERT_EQ(1, wait_used(self, RXQ, 1));
	EXPECT_NE(NULL, strstr(self->why, "outside RAM"));
	reset_and_retry(_metadata, self);
}

TEST_HARNESS_MAIN
