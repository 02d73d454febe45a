#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves that virtio_net_test's cases can fail: each runs against a copy
# of tools/hvctl/vmm/virtio/ with one check of net.c disabled, and must
# fail there. Not part of `make check` (one build per mutation); run it
# after changing net.c's checks or the cases. Needs root and /dev/net/tun
# (the device cases skip without them, and a skipped case passes).
#   selftests/hv/host/virtio_net_provoke.sh     exit 0: every mutation caught
PROVOKE_TEST=virtio_net_test
# shellcheck source=selftests/hv/host/provoke.lib.sh
. "$(dirname "$0")/provoke.lib.sh"

mutate tx_writable net.c 's/if \(e->nr_in \|\| e->out_len < VIRTIO_NET_HDR_LEN\)/if (e->out_len < VIRTIO_NET_HDR_LEN)/' \
	hostile_writable_transmit_buffer
mutate tx_short net.c 's/if \(e->nr_in \|\| e->out_len < VIRTIO_NET_HDR_LEN\)/if (e->nr_in)/' \
	hostile_short_transmit_chain
mutate rx_readable net.c 's/if \(e->nr_out \|\| e->in_len < VIRTIO_NET_HDR_LEN\)/if (e->in_len < VIRTIO_NET_HDR_LEN)/' \
	hostile_readable_receive_buffer
mutate spare_byte net.c 's/e->nr_in \+ 1\)/e->nr_in)/' receive_buffer_too_small
mutate unpop net.c 's/vq->last_avail--;/(void)vq;/' no_buffers_no_loss receive_buffer_too_small
mutate offloads net.c 's/if \(want == net->tun_set\)/if (1)/' identity_config_and_offloads
mutate rx_flags net.c 's/h->flags = 0;/;/' receive_headers
mutate tx_csum_range net.c 's/if \(start \+ off \+ 2 > len\)/if (start + off + 2 > len + 100000)/' \
	transmit_headers transmit_header_refused
exit $missed
