#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves that virtio_net_test's cases can fail: each runs against a copy
# of tools/hvctl/vmm/virtio/ with one check of net.c disabled, and must
# fail there. Not part of `make check` (one build per mutation); run it
# after changing net.c's checks or the cases. Needs root and /dev/net/tun
# (the device cases skip without them, and a skipped case passes).
#   selftests/hv/host/virtio_net_provoke.sh     exit 0: every mutation caught
set -u
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=/dev/null
KSFT=$(. "$REPO/tools/testing/hvtest/versions.env" && echo "$KSFT_DIR")
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/hv-net-provoke.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
missed=0

# mutate NAME PERL-SUBSTITUTION TEST...: every TEST must fail.
mutate() {
	local name=$1 sub=$2 d=$WORK/$1 t
	shift 2
	cp -a "$REPO/tools/hvctl/vmm/virtio" "$d"
	perl -0pi -e "$sub" "$d/net.c"
	if cmp -s "$d/net.c" "$REPO/tools/hvctl/vmm/virtio/net.c"; then
		echo "not ok $name: the mutation no longer applies"
		missed=1
		return
	fi
	if ! make -s -C "$REPO/selftests/hv/host" OUTPUT="$d/out" \
	     KSFT_DIR="$KSFT" VIRTIO_DIR="$d" "$d/out/virtio_net_test" >"$d/build.log" 2>&1; then
		echo "not ok $name: does not build"
		missed=1
		return
	fi
	for t in "$@"; do
		if "$d/out/virtio_net_test" -t "$t" >"$d/$t.log" 2>&1; then
			echo "not ok $name: $t passed without its check"
			missed=1
		else
			echo "ok $name: $t fails without its check"
		fi
	done
}

mutate tx_writable 's/if \(e->nr_in \|\| e->out_len < VIRTIO_NET_HDR_LEN\)/if (e->out_len < VIRTIO_NET_HDR_LEN)/' \
	hostile_writable_transmit_buffer
mutate tx_short 's/if \(e->nr_in \|\| e->out_len < VIRTIO_NET_HDR_LEN\)/if (e->nr_in)/' \
	hostile_short_transmit_chain
mutate rx_readable 's/if \(e->nr_out \|\| e->in_len < VIRTIO_NET_HDR_LEN\)/if (e->in_len < VIRTIO_NET_HDR_LEN)/' \
	hostile_readable_receive_buffer
mutate spare_byte 's/e->nr_in \+ 1\)/e->nr_in)/' receive_buffer_too_small
mutate unpop 's/vq->last_avail--;/(void)vq;/' no_buffers_no_loss receive_buffer_too_small
mutate offloads 's/if \(want == net->tun_set\)/if (1)/' identity_config_and_offloads
mutate rx_flags 's/h->flags = 0;/;/' receive_headers
mutate tx_csum_range 's/if \(start \+ off \+ 2 > len\)/if (start + off + 2 > len + 100000)/' \
	transmit_headers transmit_header_refused
exit $missed
