/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net on a tap device (net.c): the device, and the header and
 * offload rules it applies, exported for the host test
 * (selftests/hv/host/virtio_net_test.c). Facts from the virtio 1.2
 * specification, 5.1 (network device), and Linux's tun driver
 * (Documentation/networking/tuntap.rst, include/uapi/linux/if_tun.h).
 */
#ifndef HVCTL_VIRTIO_NET_H
#define HVCTL_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

#include "hvctl.h"
#include "virtio.h"

#define VIRTIO_ID_NET			1

/* feature bits (5.1.3) */
#define VIRTIO_NET_F_CSUM		0
#define VIRTIO_NET_F_GUEST_CSUM		1
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_GUEST_TSO4		7
#define VIRTIO_NET_F_GUEST_TSO6		8
#define VIRTIO_NET_F_GUEST_ECN		9
#define VIRTIO_NET_F_HOST_TSO4		11
#define VIRTIO_NET_F_HOST_TSO6		12
#define VIRTIO_NET_F_HOST_ECN		13
#define VIRTIO_NET_F_MRG_RXBUF		15
#define VIRTIO_NET_F_STATUS		16

#define VIRTIO_NET_S_LINK_UP		1

/* struct virtio_net_config (5.1.4): the offsets the guest reads */
#define VIRTIO_NET_CFG_MAC		0
#define VIRTIO_NET_CFG_STATUS		6	/* le16 */
#define VIRTIO_NET_CFG_MAX_VQ_PAIRS	8	/* le16, 1 */
#define VIRTIO_NET_CFG_SIZE		10

/* struct virtio_net_hdr_v1 (5.1.6): before every frame, both ways */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1
#define VIRTIO_NET_HDR_F_DATA_VALID	2
#define VIRTIO_NET_HDR_GSO_NONE		0
#define VIRTIO_NET_HDR_GSO_TCPV4	1
#define VIRTIO_NET_HDR_GSO_TCPV6	4
#define VIRTIO_NET_HDR_GSO_ECN		0x80

struct virtio_net_hdr_v1 {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;	/* little-endian, as every field below */
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};

#define VIRTIO_NET_HDR_LEN		12
#define VIRTIO_NET_RXQ			0
#define VIRTIO_NET_TXQ			1
/* the largest frame either way: 64 KiB of IP, the Ethernet and VLAN headers */
#define VIRTIO_NET_MAX_FRAME		(65535 + 14 + 4)

/* --- the rules, without a device (the host test calls them) ------------ */

/*
 * The features the device offers for the tap's accepted offloads
 * @tun_ok (TUN_F_* that TUNSETOFFLOAD took): MAC and STATUS always; the
 * checksum and TSO offloads of both directions only with the tap's.
 */
uint64_t hvctl_net_features(unsigned int tun_ok);
/* The TUN_F_* offloads to set on the tap for the negotiated @features. */
unsigned int hvctl_net_tun_offloads(uint64_t features);
/*
 * Whether a transmitted frame of @len bytes (after the header) with
 * header @h may go to the tap under the negotiated @features: 1, or 0
 * with *@why set (the frame is dropped).
 */
int hvctl_net_tx_hdr_ok(const struct virtio_net_hdr_v1 *h, uint64_t features,
			size_t len, const char **why);
/*
 * Makes the header the tap wrote before a received frame right for the
 * driver (num_buffers 1, no flags without GUEST_CSUM): 1, or 0 with
 * *@why when the frame needs an offload the driver did not take (dropped).
 */
int hvctl_net_rx_hdr_fix(struct virtio_net_hdr_v1 *h, uint64_t features,
			 const char **why);
/* A locally administered unicast MAC from the VM's name and NIC index. */
void hvctl_net_default_mac(const char *vm, unsigned int index,
			   uint8_t mac[6]);
/*
 * "tap=IFNAME[,mac=XX:XX:XX:XX:XX:XX]" into @nic; -1 on a bad one (the
 * reason printed).
 */
int hvctl_parse_net(const char *s, struct hvctl_nic *nic);

/* --- the device ------------------------------------------------------------- */

struct hvctl_net;

/*
 * struct hvctl_net_stats - what went through a NIC.
 * @rx_*: frames given to the guest; @rx_dropped: frames read from the tap
 *	  that the guest could not take (buffer too small, offload missing).
 * @tx_*: frames the guest sent that passed the header rules (counted
 *	  before the tap sees them); @tx_dropped: frames the header rules or
 *	  the tap refused.
 */
struct hvctl_net_stats {
	uint64_t rx_packets, rx_bytes, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_dropped;
};

/*
 * Opens (and creates when missing) the tap @nic->tap with a vnet header,
 * probes its offloads and makes @dev a virtio-net device on it
 * (virtio_mmio_init()) with its I/O thread running; the caller then sets
 * @dev's irq, log and opaque. @vm and @index give the default MAC. NULL
 * with the reason in @err when it cannot. hvctl_net_destroy() stops the
 * thread, closes the tap (a tap created here goes with it) and destroys
 * @dev.
 */
struct hvctl_net *hvctl_net_create(const struct hvctl_nic *nic,
				   const char *vm, unsigned int index,
				   struct virtio_mmio_dev *dev,
				   const struct hvctl_gmem *mem, char *err,
				   size_t err_len);
/*
 * The first half of hvctl_net_create(), for the VMM to do before it
 * attaches to its VM (so that `hvctl start` fails on a bad tap): opens
 * the tap. Its descriptor, or -1 with the reason in @err.
 * hvctl_net_create_fd() then makes the device on it (and owns it, even
 * when it fails).
 */
int hvctl_net_open(const struct hvctl_nic *nic, char *err, size_t err_len);
struct hvctl_net *hvctl_net_create_fd(const struct hvctl_nic *nic, int fd,
				      const char *vm, unsigned int index,
				      struct virtio_mmio_dev *dev,
				      const struct hvctl_gmem *mem, char *err,
				      size_t err_len);
void hvctl_net_destroy(struct hvctl_net *net);
/* The NIC's I/O quotas and counters (net-pps, net-bw; vmm/ioquota.h). */
struct hvctl_iolimit *hvctl_net_iolimit(struct hvctl_net *net);
void hvctl_net_get_stats(struct hvctl_net *net, struct hvctl_net_stats *st);
/* The MAC the guest sees, and TUN_F_* the tap accepted (for the log). */
const uint8_t *hvctl_net_mac(const struct hvctl_net *net);
unsigned int hvctl_net_tap_offloads(const struct hvctl_net *net);

#endif /* HVCTL_VIRTIO_NET_H */
