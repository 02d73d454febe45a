#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves that virtio_test's hostile cases can fail: each runs against a
# copy of tools/hvctl/vmm/virtio/ with the check it relies on disabled,
# and must fail there. Not part of `make check` (40 s, one build per
# mutation); run it after changing the checks or the cases.
#   selftests/hv/host/virtio_provoke.sh     exit 0: every mutation caught
PROVOKE_TEST=virtio_test
# shellcheck source=selftests/hv/host/provoke.lib.sh
. "$(dirname "$0")/provoke.lib.sh"

mutate loop virtqueue.c 's/if \(\+\+count > size\)/if (++count > size && 0)/' \
	hostile_descriptor_loop hostile_loop_in_indirect_table
mutate chain_limit virtqueue.c 's/if \(n >= VIRTQ_NUM_MAX\)/if (0)/' \
	hostile_chain_longer_than_queue
mutate gmem_length virtio.h 's/ \|\| len > m->size - off\)/ || (len && 0))/' \
	hostile_address_outside_ram hostile_huge_length fuzz_rings
mutate nested_indirect virtqueue.c 's/if \(nested\)/if (nested && 0)/' \
	hostile_indirect_in_indirect
mutate indirect_feature virtqueue.c 's/if \(!vq->indirect\) \{/if (0) {/' \
	hostile_indirect_not_negotiated
mutate index_range virtqueue.c 's/if \(idx >= size\)/if (0)/' \
	hostile_ring_indices
mutate avail_jump virtqueue.c 's/if \(\(uint16_t\)\(avail_idx - vq->last_avail\) > vq->num\)/if (0)/' \
	hostile_ring_indices
mutate status_byte blk.c 's/ \|\| e->in_len < 1 / /' \
	hostile_request_without_status
mutate ring_in_ram virtqueue.c 's/if \(!vq->desc \|\| !vq->avail \|\| !vq->used\)/if (0)/' \
	hostile_ring_outside_ram
mutate status_order mmio.c 's/else if \(\(new & VIRTIO_S_DRIVER_OK\) && !\(old & VIRTIO_S_FEATURES_OK\)\)/else if (0)/' \
	hostile_status_order
exit $missed
