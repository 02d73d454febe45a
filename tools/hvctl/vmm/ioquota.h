/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O quotas of the VM's devices (vmm/ioquota.c): the registry's
 * values, applied to each device's token buckets (virtio/ratelimit.h),
 * and the devices' statistics in NAME.io for `hvctl info` (the vsock
 * device's too).
 *
 * A device model registers its struct hvctl_iolimit once, before the
 * guest runs (from hvctl_virtio_setup() or its own set-up), then calls
 * hvctl_iolimit_take() per request or packet with its byte count:
 *   - a disk (virtio/blk.c) per request, with its data bytes;
 *   - a NIC per packet it moves (either direction), with the packet's
 *     length: on a wait it leaves the packet in the ring (TX) or the tap
 *     (RX) and tries again after that many ns.
 * The quotas of the kind apply to each device on its own: disk-iops /
 * disk-bw to each disk, net-pps / net-bw to each NIC.
 */
#ifndef HVCTL_IOQUOTA_H
#define HVCTL_IOQUOTA_H

struct hvctl_vmm;
struct hvctl_iolimit;
struct hvctl_vsock;

#define HVCTL_IOQUOTA_MAX_DEVS	16

enum hvctl_io_kind {
	HVCTL_IO_DISK,
	HVCTL_IO_NET,
};

/* 0, or -1 when there are too many devices (it then has no quota). */
int hvctl_ioquota_register(struct hvctl_vmm *vmm, enum hvctl_io_kind kind,
			   const char *name, struct hvctl_iolimit *limit);
/*
 * The VM's virtio-vsock device (no quota): its statistics go to NAME.io
 * too, as a line "vsock 0 cid=N open=N conns=N to_host=N to_guest=N
 * rst_sent=N rst_recv=N credit_stalls=N". 0, or -1 for a second one.
 */
int hvctl_ioquota_register_vsock(struct hvctl_vmm *vmm,
				 struct hvctl_vsock *vs);
/*
 * After the devices registered, before the guest runs: reads the quotas
 * and starts the thread that follows them. 0, or -1 (logged).
 */
int hvctl_ioquota_start(struct hvctl_vmm *vmm);
/* Before the devices go: stops the thread, writes the last statistics. */
void hvctl_ioquota_stop(struct hvctl_vmm *vmm);

#endif /* HVCTL_IOQUOTA_H */
