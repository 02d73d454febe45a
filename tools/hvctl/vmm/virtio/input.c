// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-input (virtio 1.2, 5.8): a keyboard and a tablet (absolute
 * pointer) that the VNC server feeds (display/vnc.c). Two queues: eventq
 * (0), the driver's empty 8-byte buffers that the device fills with
 * events, and statusq (1), the driver's LED and similar events, which the
 * device takes and drops (it announces no LEDs). The configuration space
 * is the select/subsel window of 5.8.4: the driver writes select and
 * subsel, reads size and the union; this file builds the answer for each
 * pair when it is read.
 *
 * Events go into a bounded queue of the device first (the VNC thread must
 * never wait for the guest) and to the guest's buffers from the device's
 * own I/O thread, woken by an eventfd: when an event arrives, or when the
 * driver adds buffers (QueueNotify). A guest that gives no buffers loses
 * the oldest events past HVCTL_INPUT_PENDING, nothing else; a corrupt ring
 * or a buffer shorter than an event puts the device into NEEDS_RESET.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/input-event-codes.h>
#include <sys/eventfd.h>

#include "input.h"

#define HVCTL_INPUT_PENDING	256	/* events waiting for guest buffers */
#define HVCTL_INPUT_BITMAP	128	/* bytes of a config bitmap: 1024 bits */
/* ID_DEVIDS: the virtual bus, and "hv" as the vendor as in virtio-mmio */
#define HVCTL_INPUT_BUS_VIRTUAL	0x06
#define HVCTL_INPUT_VENDOR	0x7668

struct hvctl_input_ev {
	uint16_t type, code;
	int32_t value;
};

struct hvctl_input {
	enum hvctl_input_kind kind;
	struct virtio_mmio_dev *dev;
	int dev_ok;
	/* the config window: under dev->lock */
	uint8_t select, subsel;
	uint8_t keys[HVCTL_INPUT_BITMAP];	/* EV_KEY bits it can send */
	/* the pending events and the pointer's buttons: under @lock */
	pthread_mutex_t lock;
	struct hvctl_input_ev pending[HVCTL_INPUT_PENDING];
	unsigned int head, count;
	unsigned long dropped;
	uint8_t buttons;
	int kick;		/* eventfd: an event, or QueueNotify */
	int stop;
	pthread_t thread;
	int thread_ok;
	struct virtq_elem elem;
};

/* --- the configuration space (5.8.4) ---------------------------------------- */

static void set_bit8(uint8_t *map, unsigned int bit)
{
	if (bit < HVCTL_INPUT_BITMAP * 8)
		map[bit / 8] |= 1 << (bit % 8);
}

static void input_key_bit(uint16_t key, void *arg)
{
	set_bit8(arg, key);
}

/* A bitmap's size: up to its last non-zero byte. */
static uint8_t bitmap_size(const uint8_t *map)
{
	int n = HVCTL_INPUT_BITMAP;

	while (n > 0 && !map[n - 1])
		n--;
	return n;
}

static void put_le(uint8_t *p, uint32_t v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		p[i] = v >> (8 * i);
}

/* The whole structure for the current select/subsel, into @cfg. */
static void input_config(struct hvctl_input *in, uint8_t *cfg)
{
	uint8_t *u = cfg + VIRTIO_INPUT_CFG_U;
	int tablet = in->kind == HVCTL_INPUT_TABLET;
	const char *s;
	uint8_t size = 0;

	memset(cfg, 0, VIRTIO_INPUT_CFG_BYTES);
	cfg[VIRTIO_INPUT_CFG_SELECT] = in->select;
	cfg[VIRTIO_INPUT_CFG_SUBSEL] = in->subsel;
	switch (in->select) {
	case VIRTIO_INPUT_CFG_ID_NAME:
	case VIRTIO_INPUT_CFG_ID_SERIAL:
		if (in->subsel)
			break;
		if (in->select == VIRTIO_INPUT_CFG_ID_NAME)
			s = tablet ? "hv virtio tablet" : "hv virtio keyboard";
		else
			s = tablet ? "hv-tablet-0" : "hv-keyboard-0";
		size = strlen(s);
		memcpy(u, s, size);
		break;
	case VIRTIO_INPUT_CFG_ID_DEVIDS:
		if (in->subsel)
			break;
		put_le(u, HVCTL_INPUT_BUS_VIRTUAL, 2);
		put_le(u + 2, HVCTL_INPUT_VENDOR, 2);
		put_le(u + 4, tablet ? 2 : 1, 2);	/* product */
		put_le(u + 6, 1, 2);			/* version */
		size = 8;
		break;
	case VIRTIO_INPUT_CFG_EV_BITS:
		switch (in->subsel) {
		case EV_KEY:
			if (tablet) {
				set_bit8(u, BTN_LEFT);
				set_bit8(u, BTN_RIGHT);
				set_bit8(u, BTN_MIDDLE);
			} else {
				memcpy(u, in->keys, HVCTL_INPUT_BITMAP);
			}
			break;
		case EV_REL:
			if (tablet)
				set_bit8(u, REL_WHEEL);
			break;
		case EV_ABS:
			if (tablet) {
				set_bit8(u, ABS_X);
				set_bit8(u, ABS_Y);
			}
			break;
		}
		size = bitmap_size(u);
		break;
	case VIRTIO_INPUT_CFG_ABS_INFO:
		if (!tablet || (in->subsel != ABS_X && in->subsel != ABS_Y))
			break;
		put_le(u, 0, 4);			/* min */
		put_le(u + 4, HVCTL_INPUT_ABS_MAX, 4);	/* max */
		size = 20;		/* min, max, fuzz, flat, res */
		break;
	}
	cfg[VIRTIO_INPUT_CFG_SIZE] = size;
}

static void input_config_read(struct virtio_mmio_dev *dev, uint32_t off,
			      void *data, uint32_t len)
{
	uint8_t cfg[VIRTIO_INPUT_CFG_BYTES];

	/* the transport zeroed @data; bytes past the structure read as 0 */
	if (off >= sizeof(cfg))
		return;
	input_config(dev->priv, cfg);
	memcpy(data, cfg + off, len < sizeof(cfg) - off ? len : sizeof(cfg) - off);
}

/* Only select and subsel are the driver's to write (5.8.5). */
static void input_config_write(struct virtio_mmio_dev *dev, uint32_t off,
			       const void *data, uint32_t len)
{
	struct hvctl_input *in = dev->priv;
	const uint8_t *p = data;
	uint32_t i;

	for (i = 0; i < len; i++) {
		if (off + i == VIRTIO_INPUT_CFG_SELECT)
			in->select = p[i];
		else if (off + i == VIRTIO_INPUT_CFG_SUBSEL)
			in->subsel = p[i];
	}
}

static uint64_t input_features(struct virtio_mmio_dev *dev)
{
	(void)dev;
	return 0;
}

static void input_wake(struct hvctl_input *in)
{
	uint64_t one = 1;

	if (write(in->kick, &one, sizeof(one)) < 0 && in->dev->log)
		in->dev->log(in->dev, "virtio-input: cannot wake the I/O thread");
}

static void input_queue_notify(struct virtio_mmio_dev *dev, unsigned int q)
{
	(void)q;
	input_wake(dev->priv);
}

/* A reset forgets the window and the events meant for the old driver. */
static void input_reset(struct virtio_mmio_dev *dev)
{
	struct hvctl_input *in = dev->priv;

	in->select = 0;
	in->subsel = 0;
	pthread_mutex_lock(&in->lock);
	in->count = 0;
	pthread_mutex_unlock(&in->lock);
}

static const struct virtio_dev_ops input_ops = {
	.device_id = VIRTIO_ID_INPUT,
	.nr_queues = 2,
	.features = input_features,
	.config_read = input_config_read,
	.config_write = input_config_write,
	.queue_notify = input_queue_notify,
	.reset = input_reset,
};

/* --- events ------------------------------------------------------------------ */

/* Called with in->lock held. */
static void __input_push(struct hvctl_input *in, uint16_t type, uint16_t code,
			 int32_t value)
{
	if (in->count == HVCTL_INPUT_PENDING) {
		in->head = (in->head + 1) % HVCTL_INPUT_PENDING;
		in->count--;
		in->dropped++;
	}
	in->pending[(in->head + in->count) % HVCTL_INPUT_PENDING] =
		(struct hvctl_input_ev){ type, code, value };
	in->count++;
}

void hvctl_input_event(struct hvctl_input *in, uint16_t type, uint16_t code,
		       int32_t value, int sync)
{
	pthread_mutex_lock(&in->lock);
	__input_push(in, type, code, value);
	if (sync)
		__input_push(in, EV_SYN, SYN_REPORT, 0);
	pthread_mutex_unlock(&in->lock);
	input_wake(in);
}

unsigned int hvctl_input_pending(struct hvctl_input *in)
{
	unsigned int n;

	pthread_mutex_lock(&in->lock);
	n = in->count;
	pthread_mutex_unlock(&in->lock);
	return n;
}

/* statusq: the driver's events to the device, taken and dropped. */
static void input_drain_status(struct hvctl_input *in)
{
	struct virtio_mmio_dev *dev = in->dev;
	struct virtq *vq = virtio_mmio_io_begin(dev, 1);
	int done = 0;

	if (!vq)
		return;
	while (virtq_next(dev, vq, &in->elem) > 0) {
		virtq_push(vq, in->elem.head, 0);
		done = 1;
	}
	if (done)
		virtio_mmio_queue_interrupt(dev, vq);
	virtio_mmio_io_end(dev);
}

/* eventq: the pending events into the driver's buffers, one per buffer. */
static void input_deliver(struct hvctl_input *in)
{
	struct virtio_mmio_dev *dev = in->dev;
	struct virtq *vq = virtio_mmio_io_begin(dev, 0);
	struct hvctl_input_ev *ev;
	uint8_t buf[VIRTIO_INPUT_EVENT_BYTES];
	const char *why = NULL;
	int r, done = 0;

	if (!vq)
		return;
	/* in->lock before dev->lock is never taken: why is said after it */
	pthread_mutex_lock(&in->lock);
	while (in->count) {
		r = virtq_pop(vq, &in->elem, &why);
		if (r < 0)
			break;
		why = NULL;
		if (!r) {
			if (virtq_enable_notify(vq))
				continue;
			break;
		}
		if (in->elem.in_len < sizeof(buf)) {
			why = "virtio-input event buffer shorter than an event";
			break;
		}
		ev = &in->pending[in->head];
		put_le(buf, ev->type, 2);
		put_le(buf + 2, ev->code, 2);
		put_le(buf + 4, (uint32_t)ev->value, 4);
		hvctl_iov_from_buf(in->elem.iov + in->elem.nr_out,
				   in->elem.nr_in, 0, buf, sizeof(buf));
		virtq_push(vq, in->elem.head, sizeof(buf));
		in->head = (in->head + 1) % HVCTL_INPUT_PENDING;
		in->count--;
		done = 1;
	}
	pthread_mutex_unlock(&in->lock);
	if (why)
		virtio_mmio_needs_reset(dev, why);
	if (done)
		virtio_mmio_queue_interrupt(dev, vq);
	virtio_mmio_io_end(dev);
}

static void *input_thread(void *arg)
{
	struct hvctl_input *in = arg;
	uint64_t v;

	while (!__atomic_load_n(&in->stop, __ATOMIC_ACQUIRE)) {
		if (read(in->kick, &v, sizeof(v)) < 0 && errno != EINTR)
			break;
		if (__atomic_load_n(&in->stop, __ATOMIC_ACQUIRE))
			break;
		input_drain_status(in);
		input_deliver(in);
	}
	return NULL;
}

/* --- the VNC server's side ---------------------------------------------------- */

static pthread_mutex_t hvctl_input_reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hvctl_input *hvctl_input_kbd, *hvctl_input_tablet;

void hvctl_input_register(struct hvctl_input *kbd, struct hvctl_input *tablet)
{
	pthread_mutex_lock(&hvctl_input_reg_lock);
	hvctl_input_kbd = kbd;
	hvctl_input_tablet = tablet;
	pthread_mutex_unlock(&hvctl_input_reg_lock);
}

void hvctl_input_key(uint32_t keysym, int down)
{
	uint16_t key = hvctl_keysym_to_key(keysym);

	pthread_mutex_lock(&hvctl_input_reg_lock);
	if (key && hvctl_input_kbd)
		hvctl_input_event(hvctl_input_kbd, EV_KEY, key, !!down, 1);
	pthread_mutex_unlock(&hvctl_input_reg_lock);
}

/* Pixel @v of a side of @n pixels on the tablet's 0 .. ABS_MAX. */
static int32_t input_scale(int v, uint32_t n)
{
	if (v <= 0 || n < 2)
		return 0;
	if ((uint32_t)v >= n - 1)
		return HVCTL_INPUT_ABS_MAX;
	return (int64_t)v * HVCTL_INPUT_ABS_MAX / (n - 1);
}

void hvctl_input_pointer(int x, int y, uint32_t w, uint32_t h,
			 uint8_t buttons)
{
	static const uint16_t btn[3] = { BTN_LEFT, BTN_MIDDLE, BTN_RIGHT };
	struct hvctl_input *in;
	uint8_t changed;
	unsigned int i;

	pthread_mutex_lock(&hvctl_input_reg_lock);
	in = hvctl_input_tablet;
	if (!in)
		goto out;
	pthread_mutex_lock(&in->lock);
	__input_push(in, EV_ABS, ABS_X, input_scale(x, w));
	__input_push(in, EV_ABS, ABS_Y, input_scale(y, h));
	changed = buttons ^ in->buttons;
	for (i = 0; i < 3; i++)
		if (changed & (1 << i))
			__input_push(in, EV_KEY, btn[i], !!(buttons & (1 << i)));
	/* the wheel: buttons 4 and 5, a step per press */
	if (changed & buttons & 0x08)
		__input_push(in, EV_REL, REL_WHEEL, 1);
	if (changed & buttons & 0x10)
		__input_push(in, EV_REL, REL_WHEEL, -1);
	__input_push(in, EV_SYN, SYN_REPORT, 0);
	in->buttons = buttons;
	pthread_mutex_unlock(&in->lock);
	input_wake(in);
out:
	pthread_mutex_unlock(&hvctl_input_reg_lock);
}

/* --- set-up -------------------------------------------------------------------- */

struct hvctl_input *hvctl_input_create(enum hvctl_input_kind kind,
				       struct virtio_mmio_dev *dev,
				       const struct hvctl_gmem *mem, char *err,
				       size_t err_len)
{
	struct hvctl_input *in = calloc(1, sizeof(*in));
	int e;

	if (!in) {
		snprintf(err, err_len, "virtio-input: out of memory");
		return NULL;
	}
	in->kind = kind;
	in->dev = dev;
	in->kick = -1;
	pthread_mutex_init(&in->lock, NULL);
	if (kind == HVCTL_INPUT_KEYBOARD)
		hvctl_keymap_for_each(input_key_bit, in->keys);
	virtio_mmio_init(dev, &input_ops, in, mem);
	in->dev_ok = 1;
	in->kick = eventfd(0, EFD_CLOEXEC);
	if (in->kick < 0) {
		snprintf(err, err_len, "virtio-input: eventfd: %s",
			 strerror(errno));
		goto fail;
	}
	e = pthread_create(&in->thread, NULL, input_thread, in);
	if (e) {
		snprintf(err, err_len, "virtio-input: cannot start its thread: %s",
			 strerror(e));
		goto fail;
	}
	in->thread_ok = 1;
	return in;
fail:
	hvctl_input_destroy(in);
	return NULL;
}

void hvctl_input_destroy(struct hvctl_input *in)
{
	uint64_t one = 1;

	if (!in)
		return;
	/* no more events from the VNC server into it */
	pthread_mutex_lock(&hvctl_input_reg_lock);
	if (hvctl_input_kbd == in)
		hvctl_input_kbd = NULL;
	if (hvctl_input_tablet == in)
		hvctl_input_tablet = NULL;
	pthread_mutex_unlock(&hvctl_input_reg_lock);
	if (in->thread_ok) {
		__atomic_store_n(&in->stop, 1, __ATOMIC_RELEASE);
		/* an eventfd write fails only at a count of 2^64 - 2 */
		if (write(in->kick, &one, sizeof(one)) != sizeof(one))
			abort();
		pthread_join(in->thread, NULL);
	}
	if (in->kick >= 0)
		close(in->kick);
	if (in->dev_ok)
		virtio_mmio_destroy(in->dev);
	pthread_mutex_destroy(&in->lock);
	free(in);
}
