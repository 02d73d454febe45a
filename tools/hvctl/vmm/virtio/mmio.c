// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, version 2 (virtio 1.2, 4.2.2): the register
 * file of one slot, device status and feature negotiation (2.1, 3.1), the
 * queue set-up registers and the interrupt status. Legacy (version 1)
 * registers are not offered: a driver that needs them sees Version 2 and
 * gives up.
 *
 * The driver's mistakes in the order of status bits, and every ring it
 * corrupts, put the device into DEVICE_NEEDS_RESET (2.1.2) with a
 * configuration change interrupt; the device then ignores its queues until
 * the driver writes 0 to Status. Feature sets the device cannot accept
 * (no VERSION_1, bits it did not offer) leave FEATURES_OK clear, as 3.1.1
 * asks, so that the driver sees the refusal when it reads Status back.
 */
#include <stdio.h>
#include <string.h>

#include "virtio.h"

/* what the transport and the split ring implement for every device */
#define VIRTIO_TRANSPORT_FEATURES \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | \
	 VIRTIO_BIT(VIRTIO_F_EVENT_IDX))

void virtio_mmio_init(struct virtio_mmio_dev *dev,
		      const struct virtio_dev_ops *ops, void *priv,
		      const struct hvctl_gmem *mem)
{
	memset(dev, 0, sizeof(*dev));
	dev->ops = ops;
	dev->priv = priv;
	dev->mem = mem;
	pthread_mutex_init(&dev->io_lock, NULL);
	pthread_mutex_init(&dev->lock, NULL);
}

void virtio_mmio_destroy(struct virtio_mmio_dev *dev)
{
	pthread_mutex_destroy(&dev->lock);
	pthread_mutex_destroy(&dev->io_lock);
}

static uint64_t virtio_mmio_offered(struct virtio_mmio_dev *dev)
{
	return dev->ops->features(dev) | VIRTIO_TRANSPORT_FEATURES;
}

int virtio_mmio_has_feature(struct virtio_mmio_dev *dev, unsigned int bit)
{
	return !!(dev->features & VIRTIO_BIT(bit));
}

/* Sets the line to what InterruptStatus says. Called with dev->lock held. */
static void __virtio_mmio_update_irq(struct virtio_mmio_dev *dev)
{
	int level = dev->int_status != 0;

	if (level == dev->line)
		return;
	dev->line = level;
	if (dev->irq)
		dev->irq(dev, level);
}

static void virtio_mmio_log(struct virtio_mmio_dev *dev, const char *fmt,
			    const char *arg)
{
	char msg[160];

	if (!dev->log)
		return;
	snprintf(msg, sizeof(msg), fmt, arg);
	dev->log(dev, msg);
}

/* Called with dev->lock held. */
static void __virtio_mmio_needs_reset(struct virtio_mmio_dev *dev,
				      const char *why)
{
	if (dev->status & VIRTIO_S_NEEDS_RESET)
		return;
	virtio_mmio_log(dev, "the driver broke the device (%s): it needs a reset",
			why);
	dev->status |= VIRTIO_S_NEEDS_RESET;
	/* the interrupt only means something to a driver that is up */
	if (dev->status & VIRTIO_S_DRIVER_OK) {
		dev->int_status |= VIRTIO_MMIO_INT_CONFIG;
		__virtio_mmio_update_irq(dev);
	}
}

void virtio_mmio_needs_reset(struct virtio_mmio_dev *dev, const char *why)
{
	pthread_mutex_lock(&dev->lock);
	__virtio_mmio_needs_reset(dev, why);
	pthread_mutex_unlock(&dev->lock);
}

static int __virtio_mmio_live(struct virtio_mmio_dev *dev)
{
	return (dev->status & (VIRTIO_S_DRIVER_OK | VIRTIO_S_NEEDS_RESET |
			       VIRTIO_S_FAILED)) == VIRTIO_S_DRIVER_OK;
}

struct virtq *virtio_mmio_io_begin(struct virtio_mmio_dev *dev,
				   unsigned int q)
{
	int live;

	if (q >= dev->ops->nr_queues)
		return NULL;
	pthread_mutex_lock(&dev->io_lock);
	pthread_mutex_lock(&dev->lock);
	live = __virtio_mmio_live(dev) && dev->vq[q].ready;
	pthread_mutex_unlock(&dev->lock);
	if (live)
		return &dev->vq[q];
	pthread_mutex_unlock(&dev->io_lock);
	return NULL;
}

void virtio_mmio_io_end(struct virtio_mmio_dev *dev)
{
	pthread_mutex_unlock(&dev->io_lock);
}

void virtio_mmio_queue_interrupt(struct virtio_mmio_dev *dev,
				 struct virtq *vq)
{
	if (!virtq_need_interrupt(vq))
		return;
	pthread_mutex_lock(&dev->lock);
	dev->int_status |= VIRTIO_MMIO_INT_VRING;
	__virtio_mmio_update_irq(dev);
	pthread_mutex_unlock(&dev->lock);
}

/* --- reads ---------------------------------------------------------------- */

static uint32_t __virtio_mmio_reg_read(struct virtio_mmio_dev *dev,
				       uint64_t off)
{
	struct virtq *vq = dev->queue_sel < dev->ops->nr_queues ?
			   &dev->vq[dev->queue_sel] : NULL;

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return 2;
	case VIRTIO_MMIO_DEVICE_ID:
		return dev->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (dev->dev_features_sel > 1)
			return 0;
		return virtio_mmio_offered(dev) >> (32 * dev->dev_features_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq ? VIRTQ_NUM_MAX : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return dev->int_status;
	case VIRTIO_MMIO_STATUS:
		return dev->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return dev->config_generation;
	default:
		/* write-only and reserved registers read as 0 */
		return 0;
	}
}

void virtio_mmio_read(struct virtio_mmio_dev *dev, uint64_t off, void *data,
		      unsigned int len)
{
	uint32_t val;

	memset(data, 0, len);
	if (off >= VIRTIO_MMIO_SIZE || len > VIRTIO_MMIO_SIZE - off)
		return;
	if (off >= VIRTIO_MMIO_CONFIG) {
		pthread_mutex_lock(&dev->lock);
		dev->ops->config_read(dev, off - VIRTIO_MMIO_CONFIG, data, len);
		pthread_mutex_unlock(&dev->lock);
		return;
	}
	/* registers: aligned 32-bit accesses only (4.2.2.2) */
	if (len != 4 || (off & 3))
		return;
	pthread_mutex_lock(&dev->lock);
	val = __virtio_mmio_reg_read(dev, off);
	pthread_mutex_unlock(&dev->lock);
	memcpy(data, &val, 4);
}

/* --- writes --------------------------------------------------------------- */

/*
 * The driver wrote 0 to Status: back to the state after power-on. Called
 * with both locks held; the I/O thread is outside its queues.
 */
static void __virtio_mmio_reset(struct virtio_mmio_dev *dev)
{
	unsigned int i;

	for (i = 0; i < VIRTIO_MAX_QUEUES; i++)
		virtq_reset(&dev->vq[i]);
	dev->status = 0;
	dev->dev_features_sel = dev->drv_features_sel = 0;
	dev->drv_features = dev->features = 0;
	dev->queue_sel = 0;
	dev->int_status = 0;
	__virtio_mmio_update_irq(dev);
	if (dev->ops->reset)
		dev->ops->reset(dev);
}

/*
 * FEATURES_OK: the driver's choice must be a subset of the offer and
 * include VERSION_1 (this device has no legacy interface).
 */
static int __virtio_mmio_features_ok(struct virtio_mmio_dev *dev)
{
	uint64_t offered = virtio_mmio_offered(dev);

	if (dev->drv_features & ~offered) {
		virtio_mmio_log(dev, "FEATURES_OK refused: %s", "the driver took features the device did not offer");
		return 0;
	}
	if (!(dev->drv_features & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
		virtio_mmio_log(dev, "FEATURES_OK refused: %s", "no VIRTIO_F_VERSION_1 (legacy drivers are not supported)");
		return 0;
	}
	dev->features = dev->drv_features;
	return 1;
}

/*
 * A non-zero Status write. The driver only ever adds bits, in the order
 * ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK (3.1.1); anything else is
 * a broken driver and the device needs a reset. FAILED is always taken.
 */
static void __virtio_mmio_set_status(struct virtio_mmio_dev *dev, uint32_t val)
{
	uint32_t old = dev->status & ~VIRTIO_S_NEEDS_RESET;
	uint32_t new = val & ~VIRTIO_S_NEEDS_RESET, added = new & ~old;
	unsigned int i;
	const char *why;

	if (val & VIRTIO_S_FAILED) {
		dev->status |= VIRTIO_S_FAILED;
		return;
	}
	if (old & ~new)
		why = "status bits cleared without a reset";
	else if ((new & VIRTIO_S_DRIVER) && !(new & VIRTIO_S_ACKNOWLEDGE))
		why = "DRIVER before ACKNOWLEDGE";
	else if ((new & VIRTIO_S_FEATURES_OK) && !(new & VIRTIO_S_DRIVER))
		why = "FEATURES_OK before DRIVER";
	else if ((new & VIRTIO_S_DRIVER_OK) && !(old & VIRTIO_S_FEATURES_OK))
		why = "DRIVER_OK before FEATURES_OK";
	else if (new & ~(VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
			 VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK))
		why = "unknown status bits";
	else
		why = NULL;
	if (why) {
		__virtio_mmio_needs_reset(dev, why);
		return;
	}
	if ((added & VIRTIO_S_FEATURES_OK) && !__virtio_mmio_features_ok(dev))
		added &= ~VIRTIO_S_FEATURES_OK;
	if (added & VIRTIO_S_DRIVER_OK) {
		/* a queue made ready before FEATURES_OK missed its features */
		for (i = 0; i < dev->ops->nr_queues; i++) {
			dev->vq[i].event_idx = virtio_mmio_has_feature(dev, VIRTIO_F_EVENT_IDX);
			dev->vq[i].indirect = virtio_mmio_has_feature(dev, VIRTIO_F_INDIRECT_DESC);
		}
	}
	dev->status |= added;
}

/* QueueReady: 1 maps the rings the driver described, 0 forgets them. */
static void __virtio_mmio_queue_ready(struct virtio_mmio_dev *dev,
				      struct virtq *vq, uint32_t val)
{
	const char *why;

	if (!val) {
		virtq_reset(vq);
		return;
	}
	if (vq->ready)
		return;
	if (virtq_start(vq, dev->mem, dev->features, &why)) {
		__virtio_mmio_needs_reset(dev, why);
		return;
	}
}

static void virtio_mmio_addr(uint64_t *addr, int high, uint32_t val)
{
	if (high)
		*addr = (*addr & 0xffffffffULL) | (uint64_t)val << 32;
	else
		*addr = (*addr & ~0xffffffffULL) | val;
}

/* A write that may change queues or status. Called with both locks held. */
static void __virtio_mmio_reg_write(struct virtio_mmio_dev *dev, uint64_t off,
				    uint32_t val)
{
	struct virtq *vq = dev->queue_sel < dev->ops->nr_queues ?
			   &dev->vq[dev->queue_sel] : NULL;
	int features_open = (dev->status & VIRTIO_S_DRIVER) &&
			    !(dev->status & VIRTIO_S_FEATURES_OK);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		dev->dev_features_sel = val;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		dev->drv_features_sel = val;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* only between DRIVER and FEATURES_OK (3.1.1 step 4) */
		if (!features_open || dev->drv_features_sel > 1)
			return;
		if (dev->drv_features_sel)
			dev->drv_features = (dev->drv_features & 0xffffffffULL) |
					    (uint64_t)val << 32;
		else
			dev->drv_features = (dev->drv_features & ~0xffffffffULL) |
					    val;
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		dev->queue_sel = val;
		return;
	case VIRTIO_MMIO_STATUS:
		__virtio_mmio_set_status(dev, val);
		return;
	}
	/* the queue registers: a ready queue's layout is fixed (4.2.3.2) */
	if (!vq || (off != VIRTIO_MMIO_QUEUE_READY && vq->ready))
		return;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->num = val > 0xffff ? 0 : val;	/* checked when ready */
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		__virtio_mmio_queue_ready(dev, vq, val);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		virtio_mmio_addr(&vq->desc_gpa, off & 4, val);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		virtio_mmio_addr(&vq->avail_gpa, off & 4, val);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		virtio_mmio_addr(&vq->used_gpa, off & 4, val);
		break;
	}
}

void virtio_mmio_write(struct virtio_mmio_dev *dev, uint64_t off,
		       const void *data, unsigned int len)
{
	uint32_t val;

	if (off >= VIRTIO_MMIO_SIZE || len > VIRTIO_MMIO_SIZE - off)
		return;
	if (off >= VIRTIO_MMIO_CONFIG) {
		pthread_mutex_lock(&dev->lock);
		if (dev->ops->config_write)
			dev->ops->config_write(dev, off - VIRTIO_MMIO_CONFIG,
					       data, len);
		pthread_mutex_unlock(&dev->lock);
		return;
	}
	if (len != 4 || (off & 3))
		return;
	memcpy(&val, data, 4);
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* no lock: the I/O thread looks at the queue itself */
		if (val < dev->ops->nr_queues && dev->ops->queue_notify)
			dev->ops->queue_notify(dev, val);
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		pthread_mutex_lock(&dev->lock);
		dev->int_status &= ~val;
		__virtio_mmio_update_irq(dev);
		pthread_mutex_unlock(&dev->lock);
		return;
	}
	pthread_mutex_lock(&dev->io_lock);
	pthread_mutex_lock(&dev->lock);
	if (off == VIRTIO_MMIO_STATUS && !val)
		__virtio_mmio_reset(dev);
	else
		__virtio_mmio_reg_write(dev, off, val);
	pthread_mutex_unlock(&dev->lock);
	pthread_mutex_unlock(&dev->io_lock);
}

/*
 * The next chain of @vq for a device's loop: 1 with @e filled; 0 when the
 * ring is empty, with notifications on again and the ring looked at once
 * more (a chain the driver added meanwhile is not left behind); -1 when
 * the ring is corrupt: the device is then in DEVICE_NEEDS_RESET, with the
 * reason said.
 */
int virtq_next(struct virtio_mmio_dev *dev, struct virtq *vq,
	       struct virtq_elem *e)
{
	const char *why;
	int r;

	for (;;) {
		r = virtq_pop(vq, e, &why);
		if (r < 0) {
			virtio_mmio_needs_reset(dev, why);
			return -1;
		}
		if (r || !virtq_enable_notify(vq))
			return r;
	}
}
