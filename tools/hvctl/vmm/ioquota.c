// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O quotas of the VM's devices (disks, NICs) and their statistics.
 *
 * The registry in hv.ko holds the quotas (HV_A_VM_DISK_IOPS, _DISK_BW,
 * _NET_PPS, _NET_BW: per device, 0 for none), set by `hvctl create` and
 * changed by `hvctl set` while the VM runs; the VMM enforces them with a
 * token bucket per device (virtio/ratelimit.c). The VMM learns a change
 * by reading its own registry entry (vm-get) every HVCTL_IOQUOTA_POLL_MS,
 * not from the events group: that group is for CAP_SYS_ADMIN only, and a
 * VMM runs as the VM's owner, who need not be an admin. One small request
 * a period costs nothing next to the guest, and a change applies within
 * one period.
 *
 * Each period the thread also writes the devices' statistics to NAME.io
 * in the state directory (renamed into place, so that a reader never sees
 * half a file), and once more when the VMM ends: `hvctl info` shows them.
 * A line per device:
 *   KIND INDEX ops=N bytes=N waits=N ops_limit=N bytes_limit=N name=NAME
 * and one for the virtio-vsock device, which has no quota (ioquota.h):
 *   vsock 0 cid=N open=N conns=N to_host=N to_guest=N rst_sent=N ...
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <netlink/genl/genl.h>
#include <linux/hv_genl.h>

#include "vmm.h"
#include "ioquota.h"
#include "virtio/ratelimit.h"
#include "virtio/vsock.h"

#define HVCTL_IOQUOTA_POLL_MS	500

struct hvctl_ioquota_dev {
	enum hvctl_io_kind kind;
	unsigned int index;
	char name[PATH_MAX];
	struct hvctl_iolimit *limit;
};

struct hvctl_ioquota {
	struct hvctl_vmm *vmm;
	unsigned int nr;
	struct hvctl_ioquota_dev dev[HVCTL_IOQUOTA_MAX_DEVS];
	struct hvctl_vsock *vsock;
	uint64_t applied[HVCTL_IO_NR_QUOTAS];
	int applied_ok;
	struct hvctl_nl nl;
	int nl_ok;
	int stopfd;
	pthread_t thread;
	int thread_ok;
};

static const char *const hvctl_io_kind_names[] = {
	[HVCTL_IO_DISK] = "disk",
	[HVCTL_IO_NET] = "net",
};

static struct hvctl_ioquota *hvctl_ioquota_of(struct hvctl_vmm *vmm)
{
	if (vmm->ioquota)
		return vmm->ioquota;
	vmm->ioquota = calloc(1, sizeof(*vmm->ioquota));
	if (vmm->ioquota) {
		vmm->ioquota->vmm = vmm;
		vmm->ioquota->stopfd = -1;
	}
	return vmm->ioquota;
}

int hvctl_ioquota_register(struct hvctl_vmm *vmm, enum hvctl_io_kind kind,
			   const char *name, struct hvctl_iolimit *limit)
{
	struct hvctl_ioquota *q = hvctl_ioquota_of(vmm);
	struct hvctl_ioquota_dev *d;
	unsigned int i, index = 0;

	if (!q || q->nr == HVCTL_IOQUOTA_MAX_DEVS)
		return -1;
	for (i = 0; i < q->nr; i++)
		index += q->dev[i].kind == kind;
	d = &q->dev[q->nr++];
	d->kind = kind;
	d->index = index;
	d->limit = limit;
	snprintf(d->name, sizeof(d->name), "%s", name);
	return 0;
}

int hvctl_ioquota_register_vsock(struct hvctl_vmm *vmm,
				 struct hvctl_vsock *vs)
{
	struct hvctl_ioquota *q = hvctl_ioquota_of(vmm);

	if (!q || q->vsock)
		return -1;
	q->vsock = vs;
	return 0;
}

static void hvctl_ioquota_vm_cb(struct nlattr **tb, void *arg)
{
	struct hvctl_vminfo *vi = arg;

	hvctl_nl_parse_vm(tb, vi);
}

/* Reads the registry's quotas and gives them to the devices if new. */
static void hvctl_ioquota_poll(struct hvctl_ioquota *q)
{
	struct hvctl_vminfo vi = { 0 };
	uint64_t now = hvctl_iolimit_now(), ops, bytes;
	unsigned int i;
	int err;

	if (!q->nl_ok || !q->nr)
		return;
	err = hvctl_nl_call(&q->nl, hvctl_nl_msg(&q->nl, HV_CMD_VM_GET, 0,
						 q->vmm->def->name),
			    hvctl_ioquota_vm_cb, &vi);
	if (err || !vi.has_io)
		return;
	if (q->applied_ok &&
	    !memcmp(q->applied, vi.io_quota, sizeof(q->applied)))
		return;
	memcpy(q->applied, vi.io_quota, sizeof(q->applied));
	q->applied_ok = 1;
	for (i = 0; i < q->nr; i++) {
		if (q->dev[i].kind == HVCTL_IO_DISK) {
			ops = vi.io_quota[HVCTL_IO_DISK_IOPS];
			bytes = vi.io_quota[HVCTL_IO_DISK_BW];
		} else {
			ops = vi.io_quota[HVCTL_IO_NET_PPS];
			bytes = vi.io_quota[HVCTL_IO_NET_BW];
		}
		hvctl_iolimit_set(q->dev[i].limit, ops, bytes, now);
	}
	hvctl_vmm_log(q->vmm, "I/O quotas per device: disk %llu op/s, %llu B/s; net %llu packet/s, %llu B/s (0: none)",
		      (unsigned long long)vi.io_quota[HVCTL_IO_DISK_IOPS],
		      (unsigned long long)vi.io_quota[HVCTL_IO_DISK_BW],
		      (unsigned long long)vi.io_quota[HVCTL_IO_NET_PPS],
		      (unsigned long long)vi.io_quota[HVCTL_IO_NET_BW]);
}

/* NAME.io: the devices' statistics, replaced whole. */
static void hvctl_ioquota_write(struct hvctl_ioquota *q)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	struct hvctl_ioquota_dev *d;
	uint64_t ops, bytes, waits;
	struct vsock_stats vst;
	unsigned int i;
	FILE *f;

	hvctl_state_path(q->vmm->def->name, "io", path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	for (i = 0; i < q->nr; i++) {
		d = &q->dev[i];
		pthread_mutex_lock(&d->limit->lock);
		waits = d->limit->throttled;
		pthread_mutex_unlock(&d->limit->lock);
		hvctl_iolimit_get(d->limit, &ops, &bytes);
		fprintf(f, "%s %u ops=%llu bytes=%llu waits=%llu ops_limit=%llu bytes_limit=%llu name=%s\n",
			hvctl_io_kind_names[d->kind], d->index,
			(unsigned long long)__atomic_load_n(&d->limit->nr_ops, __ATOMIC_RELAXED),
			(unsigned long long)__atomic_load_n(&d->limit->nr_bytes, __ATOMIC_RELAXED),
			(unsigned long long)waits, (unsigned long long)ops,
			(unsigned long long)bytes, d->name);
	}
	if (q->vsock) {
		hvctl_vsock_stats(q->vsock, &vst);
		fprintf(f, "vsock 0 cid=%llu open=%llu conns=%llu to_host=%llu to_guest=%llu rst_sent=%llu rst_recv=%llu credit_stalls=%llu\n",
			(unsigned long long)q->vsock->cid,
			(unsigned long long)vst.conns_open,
			(unsigned long long)vst.conns,
			(unsigned long long)vst.tx_bytes,
			(unsigned long long)vst.rx_bytes,
			(unsigned long long)vst.rst_sent,
			(unsigned long long)vst.rst_recv,
			(unsigned long long)vst.credit_stalls);
	}
	if (fclose(f) || rename(tmp, path))
		unlink(tmp);
}

static void *hvctl_ioquota_thread(void *arg)
{
	struct hvctl_ioquota *q = arg;
	struct pollfd pfd = { .fd = q->stopfd, .events = POLLIN };

	for (;;) {
		hvctl_ioquota_write(q);
		if (poll(&pfd, 1, HVCTL_IOQUOTA_POLL_MS) > 0)
			break;
		hvctl_ioquota_poll(q);
	}
	return NULL;
}

int hvctl_ioquota_start(struct hvctl_vmm *vmm)
{
	struct hvctl_ioquota *q = vmm->ioquota;
	int e;

	if (!q || (!q->nr && !q->vsock))
		return 0;
	/* without the control plane the devices run without quotas */
	q->nl_ok = q->nr && !hvctl_nl_open(&q->nl);
	if (q->nr && !q->nl_ok)
		hvctl_vmm_log(vmm, "I/O quotas: no netlink: the devices run without quotas");
	/* the quotas hold from the guest's first request */
	hvctl_ioquota_poll(q);
	q->stopfd = eventfd(0, EFD_CLOEXEC);
	if (q->stopfd < 0) {
		hvctl_vmm_log(vmm, "I/O quotas: eventfd: %s", strerror(errno));
		return -1;
	}
	e = pthread_create(&q->thread, NULL, hvctl_ioquota_thread, q);
	if (e) {
		hvctl_vmm_log(vmm, "I/O quotas: cannot start the thread: %s",
			      strerror(e));
		return -1;
	}
	q->thread_ok = 1;
	return 0;
}

void hvctl_ioquota_stop(struct hvctl_vmm *vmm)
{
	struct hvctl_ioquota *q = vmm->ioquota;
	uint64_t one = 1;

	if (!q)
		return;
	if (q->thread_ok) {
		if (write(q->stopfd, &one, sizeof(one)) != sizeof(one))
			abort();
		pthread_join(q->thread, NULL);
		/* the last figures, for `hvctl info` after the VM stopped */
		hvctl_ioquota_write(q);
	}
	if (q->stopfd >= 0)
		close(q->stopfd);
	if (q->nl_ok)
		hvctl_nl_close(&q->nl);
	free(q);
	vmm->ioquota = NULL;
}
