// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues, the device side (virtio 1.2, 2.7): taking descriptor
 * chains from the available ring and giving them back on the used ring.
 *
 * The rings are guest memory that the guest may change at any moment. So
 * every descriptor is copied out before it is checked and used, every
 * address goes through hvctl_gmem_ptr(), and anything a correct driver
 * never does is reported as a corrupt ring (the caller then puts the
 * device into DEVICE_NEEDS_RESET): a head or next index outside the table,
 * a chain longer than the queue (which is also how a loop shows), a
 * buffer outside RAM or one whose length runs past its end, an indirect
 * table inside an indirect table (2.7.5.3.1), INDIRECT with NEXT, an
 * indirect table whose length is not a multiple of 16, a readable buffer
 * after a writable one (2.7.4.2), an available index that moved by more
 * than the queue size.
 *
 * Ordering (2.7.7, 2.7.8): the available index is read with acquire
 * semantics before the ring entries and descriptors it covers; the used
 * element is written before the used index, which is a release store;
 * a full barrier separates publishing the used index from reading
 * used_event, and publishing avail_event from re-reading the available
 * index, so that neither side misses the other's notification.
 */
#include <stdbool.h>
#include <string.h>

#include "virtio.h"

#define VIRTQ_USED_ELEM(vq, i)	((vq)->used + 4 + 8 * (i))

static inline uint16_t virtq_load16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void virtq_reset(struct virtq *vq)
{
	memset(vq, 0, sizeof(*vq));
}

int virtq_start(struct virtq *vq, const struct hvctl_gmem *mem,
		uint64_t features, const char **why)
{
	uint64_t n = vq->num;

	if (!n || n > VIRTQ_NUM_MAX || (n & (n - 1))) {
		*why = "queue size not a power of 2 up to QueueNumMax";
		return -1;
	}
	if ((vq->desc_gpa & 15) || (vq->avail_gpa & 1) || (vq->used_gpa & 3)) {
		*why = "misaligned ring";
		return -1;
	}
	vq->desc = hvctl_gmem_ptr(mem, vq->desc_gpa, 16 * n);
	vq->avail = hvctl_gmem_ptr(mem, vq->avail_gpa, 6 + 2 * n);
	vq->used = hvctl_gmem_ptr(mem, vq->used_gpa, 6 + 8 * n);
	if (!vq->desc || !vq->avail || !vq->used) {
		*why = "ring outside RAM";
		return -1;
	}
	vq->mem = mem;
	vq->event_idx = !!(features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	vq->indirect = !!(features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	vq->last_avail = vq->used_idx = vq->signalled = 0;
	vq->signalled_valid = 0;
	vq->ready = 1;
	return 0;
}

/* A stable copy of a descriptor the guest may be rewriting. */
static void virtq_read_desc(const struct virtq_desc *table, unsigned int i,
			    struct virtq_desc *d)
{
	memcpy(d, &table[i], sizeof(*d));
	/* the checks below look at the copy, never at guest memory again */
	__asm__ __volatile__("" : : : "memory");
}

static int virtq_add_buf(struct virtq *vq, struct virtq_elem *e,
			 const struct virtq_desc *d, const char **why)
{
	unsigned int n = e->nr_out + e->nr_in;
	void *p;

	if (d->flags & VIRTQ_DESC_F_WRITE) {
		e->in_len += d->len;
	} else {
		if (e->nr_in) {
			*why = "device-readable buffer after a writable one";
			return -1;
		}
		e->out_len += d->len;
	}
	if (!d->len)
		return 0;
	p = hvctl_gmem_ptr(vq->mem, d->addr, d->len);
	if (!p) {
		*why = "buffer outside RAM (address or length)";
		return -1;
	}
	if (n >= VIRTQ_NUM_MAX) {
		*why = "more buffers in a chain than QueueNumMax";
		return -1;
	}
	e->iov[n].iov_base = p;
	e->iov[n].iov_len = d->len;
	if (d->flags & VIRTQ_DESC_F_WRITE)
		e->nr_in++;
	else
		e->nr_out++;
	return 0;
}

/*
 * The table an INDIRECT descriptor @d points to, with its entry count in
 * *@size; NULL with *why when it is not usable.
 */
static const struct virtq_desc *virtq_indirect(struct virtq *vq,
					       const struct virtq_desc *d,
					       int nested, unsigned int *size,
					       const char **why)
{
	const struct virtq_desc *table;

	if (!vq->indirect) {
		*why = "indirect descriptor without VIRTIO_F_INDIRECT_DESC";
		return NULL;
	}
	if (nested) {
		*why = "indirect descriptor inside an indirect table";
		return NULL;
	}
	if (d->flags & VIRTQ_DESC_F_NEXT) {
		*why = "indirect descriptor with NEXT";
		return NULL;
	}
	if (!d->len || (d->len & 15) || d->len / 16 > VIRTQ_NUM_MAX) {
		*why = "indirect table length not 16 to 16 * QueueNumMax in steps of 16";
		return NULL;
	}
	table = hvctl_gmem_ptr(vq->mem, d->addr, d->len);
	if (!table) {
		*why = "indirect table outside RAM";
		return NULL;
	}
	*size = d->len / 16;
	return table;
}

int virtq_pop(struct virtq *vq, struct virtq_elem *e, const char **why)
{
	const struct virtq_desc *table = vq->desc;
	unsigned int size = vq->num, count = 0, idx;
	uint16_t avail_idx;
	struct virtq_desc d;
	int nested = 0;

	avail_idx = __atomic_load_n(&vq->avail[1], __ATOMIC_ACQUIRE);
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
		*why = "available index moved by more than the queue size";
		return -1;
	}
	if (avail_idx == vq->last_avail)
		return 0;
	idx = virtq_load16(&vq->avail[2 + vq->last_avail % vq->num]);
	e->head = idx;
	e->nr_out = e->nr_in = 0;
	e->out_len = e->in_len = 0;
	for (;;) {
		if (idx >= size) {
			*why = "descriptor index outside the table";
			return -1;
		}
		/* a loop never ends: it shows as a chain longer than the table */
		if (++count > size) {
			*why = "descriptor chain longer than the queue (a loop?)";
			return -1;
		}
		virtq_read_desc(table, idx, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			table = virtq_indirect(vq, &d, nested, &size, why);
			if (!table)
				return -1;
			nested = 1;
			idx = 0;
			count = 0;
			continue;
		}
		if (virtq_add_buf(vq, e, &d, why))
			return -1;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		idx = d.next;
	}
	vq->last_avail++;
	return 1;
}

void virtq_unpop(struct virtq *vq)
{
	vq->last_avail--;
}

void virtq_push(struct virtq *vq, uint16_t head, uint32_t len)
{
	uint8_t *elem = VIRTQ_USED_ELEM(vq, vq->used_idx % vq->num);
	uint32_t id = head;

	__atomic_store_n((uint32_t *)elem, id, __ATOMIC_RELAXED);
	__atomic_store_n((uint32_t *)(elem + 4), len, __ATOMIC_RELAXED);
	vq->used_idx++;
	/* the element is visible before the index that covers it */
	__atomic_store_n((uint16_t *)(vq->used + 2), vq->used_idx,
			 __ATOMIC_RELEASE);
}

int virtq_enable_notify(struct virtq *vq)
{
	uint16_t *avail_event = (uint16_t *)VIRTQ_USED_ELEM(vq, vq->num);

	if (!vq->event_idx)
		return 0;
	__atomic_store_n(avail_event, vq->last_avail, __ATOMIC_RELAXED);
	/* avail_event is visible before we look at the index again */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&vq->avail[1], __ATOMIC_ACQUIRE) !=
	       vq->last_avail;
}

int virtq_need_interrupt(struct virtq *vq)
{
	uint16_t old = vq->signalled, new = vq->used_idx, event;
	int valid = vq->signalled_valid;

	/* the used index is visible before the driver's wish is read */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vq->signalled = new;
	vq->signalled_valid = 1;
	if (!vq->event_idx)
		return !(virtq_load16(&vq->avail[0]) &
			 VIRTQ_AVAIL_F_NO_INTERRUPT);
	if (!valid)
		return 1;
	/* interrupt when used_event lies in [old, new) (2.7.10) */
	event = virtq_load16(&vq->avail[2 + vq->num]);
	return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

/* --- iovec helpers ----------------------------------------------------------- */

/*
 * Copies up to @len bytes between @buf and the iovec, from byte @skip of
 * the iovec on: to_buf true reads the iovec, false writes it.
 */
static size_t hvctl_iov_copy(const struct iovec *iov, unsigned int n,
			     size_t skip, uint8_t *buf, size_t len, bool to_buf)
{
	size_t done = 0, chunk;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - skip;
		if (chunk > len - done)
			chunk = len - done;
		if (to_buf)
			memcpy(buf + done, (uint8_t *)iov[i].iov_base + skip,
			       chunk);
		else
			memcpy((uint8_t *)iov[i].iov_base + skip, buf + done,
			       chunk);
		done += chunk;
		skip = 0;
	}
	return done;
}

size_t hvctl_iov_to_buf(const struct iovec *iov, unsigned int n, size_t skip,
			void *buf, size_t len)
{
	return hvctl_iov_copy(iov, n, skip, buf, len, true);
}

size_t hvctl_iov_from_buf(const struct iovec *iov, unsigned int n, size_t skip,
			  const void *buf, size_t len)
{
	/* the iovec is written, @buf only read */
	return hvctl_iov_copy(iov, n, skip, (uint8_t *)buf, len, false);
}

unsigned int hvctl_iov_slice(const struct iovec *iov, unsigned int n,
			     size_t skip, size_t len, struct iovec *out,
			     unsigned int max)
{
	unsigned int i, k = 0;
	size_t chunk;

	for (i = 0; i < n && len && k < max; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - skip;
		if (chunk > len)
			chunk = len;
		out[k].iov_base = (uint8_t *)iov[i].iov_base + skip;
		out[k++].iov_len = chunk;
		len -= chunk;
		skip = 0;
	}
	return k;
}
