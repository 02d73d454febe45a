// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console (virtio 1.2, 5.3) with one port and no features: the
 * guest's hvc0. What the guest writes on its transmit queue goes where
 * the UART's output goes (console.c: the console log, the clients of
 * NAME.sock, `hvctl run`'s terminal); while the device exists it owns the
 * console's input (vmm->hvc_rx), which it puts into the receive buffers
 * the guest posted, as many bytes as they hold and no more: the rest
 * waits in the console's queue, and the typist is held back there as for
 * the UART.
 *
 * One I/O thread, woken by QueueNotify and by new input. Linux's hvc
 * driver waits for each transmit buffer to come back before it writes
 * the next (drivers/char/virtio_console.c, __send_to_port()), so the
 * thread gives them back at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "vmm.h"
#include "virtio/virtio.h"
#include "virtio/console.h"

#define VCON_Q_RX	0
#define VCON_Q_TX	1

struct hvctl_vcon {
	struct virtio_mmio_dev *dev;
	struct hvctl_vmm *vmm;
	int kick;		/* eventfd: QueueNotify, input, stop */
	int stop;		/* atomic */
	pthread_t thread;
	int thread_ok, dev_ok;
	struct virtq_elem elem;
	uint8_t buf[4096];
};

static void vcon_kick(struct hvctl_vcon *vc)
{
	uint64_t one = 1;

	/* an eventfd write fails only at a count of 2^64 - 2 */
	if (write(vc->kick, &one, sizeof(one)) != sizeof(one))
		abort();
}

static uint64_t vcon_features(struct virtio_mmio_dev *dev)
{
	(void)dev;
	return 0;	/* no size, no multiport, no emergency write */
}

static void vcon_config_read(struct virtio_mmio_dev *dev, uint32_t off,
			     void *data, uint32_t len)
{
	/* no feature uses the configuration space: it reads as 0 */
	(void)dev;
	(void)off;
	(void)data;
	(void)len;
}

static void vcon_queue_notify(struct virtio_mmio_dev *dev, unsigned int q)
{
	(void)q;
	vcon_kick(dev->priv);
}

static const struct virtio_dev_ops vcon_ops = {
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.features = vcon_features,
	.config_read = vcon_config_read,
	.queue_notify = vcon_queue_notify,
};

/* new console input (console.c, vmm->lock held) */
static void vcon_input(struct hvctl_vmm *vmm)
{
	vcon_kick(vmm->hvc);
}

/* The guest's output: every buffer of every chain, to the console. */
static void vcon_tx(struct hvctl_vcon *vc)
{
	struct virtq *vq = virtio_mmio_io_begin(vc->dev, VCON_Q_TX);
	struct virtq_elem *e = &vc->elem;
	unsigned int i;
	int done = 0;
	size_t j;

	if (!vq)
		return;
	while (virtq_next(vc->dev, vq, e) > 0) {
		for (i = 0; i < e->nr_out; i++)
			for (j = 0; j < e->iov[i].iov_len; j++)
				hvctl_console_out(vc->vmm,
						  ((uint8_t *)e->iov[i].iov_base)[j]);
		virtq_push(vq, e->head, 0);
		done = 1;
	}
	if (done)
		virtio_mmio_queue_interrupt(vc->dev, vq);
	virtio_mmio_io_end(vc->dev);
}

/* Input into the guest's receive buffers while both are there. */
static void vcon_rx(struct hvctl_vcon *vc)
{
	struct virtq *vq;
	struct virtq_elem *e = &vc->elem;
	const char *why;
	size_t n, room;
	int r, done = 0;

	if (!hvctl_console_hvc_pending(vc->vmm))
		return;
	vq = virtio_mmio_io_begin(vc->dev, VCON_Q_RX);
	if (!vq)
		return;
	/* only this thread takes input: what is pending stays */
	while (hvctl_console_hvc_pending(vc->vmm)) {
		r = virtq_pop(vq, e, &why);
		if (r < 0) {
			virtio_mmio_needs_reset(vc->dev, why);
			break;
		}
		if (!r) {
			if (virtq_enable_notify(vq))
				continue;
			break;	/* the driver kicks when it posts buffers */
		}
		room = e->in_len < sizeof(vc->buf) ? e->in_len : sizeof(vc->buf);
		n = hvctl_console_hvc_read(vc->vmm, vc->buf, room);
		hvctl_iov_from_buf(e->iov + e->nr_out, e->nr_in, 0, vc->buf, n);
		virtq_push(vq, e->head, n);
		done = 1;
	}
	if (done)
		virtio_mmio_queue_interrupt(vc->dev, vq);
	virtio_mmio_io_end(vc->dev);
}

static void *vcon_thread(void *arg)
{
	struct hvctl_vcon *vc = arg;
	uint64_t v;

	while (!__atomic_load_n(&vc->stop, __ATOMIC_ACQUIRE)) {
		if (read(vc->kick, &v, sizeof(v)) < 0 && errno != EINTR)
			break;
		if (__atomic_load_n(&vc->stop, __ATOMIC_ACQUIRE))
			break;
		vcon_tx(vc);
		vcon_rx(vc);
	}
	return NULL;
}

struct hvctl_vcon *hvctl_vcon_create(struct hvctl_vmm *vmm,
				     struct virtio_mmio_dev *dev,
				     const struct hvctl_gmem *mem, char *err,
				     size_t err_len)
{
	struct hvctl_vcon *vc = calloc(1, sizeof(*vc));
	int e;

	if (!vc) {
		snprintf(err, err_len, "virtio-console: out of memory");
		return NULL;
	}
	vc->vmm = vmm;
	vc->dev = dev;
	virtio_mmio_init(dev, &vcon_ops, vc, mem);
	vc->dev_ok = 1;
	vc->kick = eventfd(0, EFD_CLOEXEC);
	if (vc->kick < 0) {
		snprintf(err, err_len, "virtio-console: eventfd: %s",
			 strerror(errno));
		goto fail;
	}
	e = pthread_create(&vc->thread, NULL, vcon_thread, vc);
	if (e) {
		snprintf(err, err_len, "virtio-console: cannot start its I/O thread: %s",
			 strerror(e));
		goto fail;
	}
	vc->thread_ok = 1;
	pthread_mutex_lock(&vmm->lock);
	vmm->hvc = vc;
	vmm->hvc_rx = vcon_input;
	pthread_mutex_unlock(&vmm->lock);
	return vc;
fail:
	hvctl_vcon_destroy(vc);
	return NULL;
}

void hvctl_vcon_destroy(struct hvctl_vcon *vc)
{
	struct hvctl_vmm *vmm;

	if (!vc)
		return;
	vmm = vc->vmm;
	pthread_mutex_lock(&vmm->lock);
	if (vmm->hvc == vc) {
		vmm->hvc_rx = NULL;
		vmm->hvc = NULL;
	}
	pthread_mutex_unlock(&vmm->lock);
	if (vc->thread_ok) {
		__atomic_store_n(&vc->stop, 1, __ATOMIC_RELEASE);
		vcon_kick(vc);
		pthread_join(vc->thread, NULL);
	}
	if (vc->kick >= 0)
		close(vc->kick);
	if (vc->dev_ok)
		virtio_mmio_destroy(vc->dev);
	free(vc);
}
