// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk on a file or block device (virtio 1.2, 5.2): read, write,
 * flush (fdatasync), discard (a hole punched), write-zeroes (a zeroed
 * range, or a hole with the unmap flag) and GET_ID (the serial: the first
 * 20 bytes of the file's name). One queue, one I/O thread per device,
 * woken by an eventfd: hv's ioeventfd for QueueNotify signals it from the
 * guest's write (bus.c), or the transport's queue_notify after an MMIO
 * exit where hv has none.
 *
 * ,ro opens the file read-only, offers VIRTIO_BLK_F_RO and answers every
 * write, discard and write-zeroes with VIRTIO_BLK_S_IOERR. ,cache=none
 * adds an O_DIRECT descriptor: requests aligned to 4 KiB (the block size
 * the device then announces) go through it via an aligned bounce buffer,
 * as guest buffers carry no alignment; others take the buffered one
 * (Linux keeps the page cache coherent with direct I/O on the same file).
 *
 * The image is locked with an open file description lock (F_OFD_SETLK):
 * a shared lock for ,ro, an exclusive one otherwise, so that no second VM
 * writes a disk in use, nor reads one being written. The lock goes with
 * the descriptor when the VMM ends, however it ends.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <linux/fs.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "hvctl.h"
#include "ratelimit.h"
#include "virtio.h"

#define BLK_SECTOR		512ULL
#define BLK_DIRECT_ALIGN	4096ULL
#define BLK_BOUNCE		(1ULL << 20)
#define BLK_HDR			16	/* type, reserved, sector */
#define BLK_MAX_SEG		16	/* discard / write-zeroes segments */
#define BLK_MAX_RANGE		(1U << 22)	/* sectors per segment: 2 GiB */

struct hvctl_blk {
	struct virtio_mmio_dev *dev;
	int fd;			/* the image, buffered */
	int dfd;		/* the image with O_DIRECT, or -1 */
	uint32_t flags;		/* HVCTL_DISK_* */
	uint64_t sectors;
	char serial[VIRTIO_BLK_ID_BYTES];
	uint8_t config[VIRTIO_BLK_CFG_SIZE];
	int kick;		/* eventfd: QueueNotify (an ioeventfd) */
	int stop;		/* atomic: the I/O thread ends */
	pthread_t thread;
	int thread_ok;
	int dev_ok;		/* virtio_mmio_init() done */
	uint8_t *bounce;	/* BLK_BOUNCE bytes, BLK_DIRECT_ALIGN-aligned */
	struct hvctl_iolimit limit;	/* the I/O quotas, the statistics */
	uint64_t wait_ns;	/* over quota: try the ring again in this long */
	struct virtq_elem elem;
	struct iovec data[VIRTQ_NUM_MAX];
};

/* --- the device's answers to the transport ---------------------------------- */

static uint64_t blk_features(struct virtio_mmio_dev *dev)
{
	struct hvctl_blk *blk = dev->priv;
	uint64_t f = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
		     VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
		     VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);

	if (blk->flags & HVCTL_DISK_RO)
		return f | VIRTIO_BIT(VIRTIO_BLK_F_RO);
	return f | VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) |
	       VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
}

static void blk_config_read(struct virtio_mmio_dev *dev, uint32_t off,
			    void *data, uint32_t len)
{
	struct hvctl_blk *blk = dev->priv;

	/* the transport zeroed @data; bytes past the structure read as 0 */
	if (off < sizeof(blk->config))
		memcpy(data, blk->config + off,
		       len < sizeof(blk->config) - off ? len :
		       sizeof(blk->config) - off);
}

static void blk_queue_notify(struct virtio_mmio_dev *dev, unsigned int q)
{
	struct hvctl_blk *blk = dev->priv;
	uint64_t one = 1;

	(void)q;
	if (write(blk->kick, &one, sizeof(one)) < 0 && dev->log)
		dev->log(dev, "virtio-blk: cannot wake the I/O thread");
}

static int blk_queue_eventfd(struct virtio_mmio_dev *dev, unsigned int q)
{
	struct hvctl_blk *blk = dev->priv;

	(void)q;
	return blk->kick;
}

/* No reset op: a reset only forgets the queue, which the transport owns. */
static const struct virtio_dev_ops blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.features = blk_features,
	.config_read = blk_config_read,
	.queue_notify = blk_queue_notify,
	.queue_eventfd = blk_queue_eventfd,
};

static void put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		p[i] = v >> (8 * i);
}

static void blk_make_config(struct hvctl_blk *blk)
{
	uint8_t *c = blk->config;

	put_le(c + VIRTIO_BLK_CFG_CAPACITY, blk->sectors, 8);
	put_le(c + VIRTIO_BLK_CFG_SEG_MAX, VIRTQ_NUM_MAX - 2, 4);
	put_le(c + VIRTIO_BLK_CFG_BLK_SIZE,
	       blk->dfd >= 0 ? BLK_DIRECT_ALIGN : BLK_SECTOR, 4);
	put_le(c + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, BLK_MAX_RANGE, 4);
	put_le(c + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, BLK_MAX_SEG, 4);
	put_le(c + VIRTIO_BLK_CFG_DISCARD_ALIGN, 8, 4);	/* 4 KiB */
	put_le(c + VIRTIO_BLK_CFG_MAX_WZ_SECTORS, BLK_MAX_RANGE, 4);
	put_le(c + VIRTIO_BLK_CFG_MAX_WZ_SEG, BLK_MAX_SEG, 4);
	c[VIRTIO_BLK_CFG_WZ_MAY_UNMAP] = 1;
}

/* --- data transfers ------------------------------------------------------------ */

/* preadv/pwritev of all of @iov at @off, through short transfers. */
static int blk_rw_iov(int fd, struct iovec *iov, unsigned int n, uint64_t off,
		      int write)
{
	ssize_t r;

	while (n) {
		r = write ? pwritev(fd, iov, n, off) : preadv(fd, iov, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)	/* an error, or the file shrank under us */
			return -1;
		off += r;
		while (n && (size_t)r >= iov->iov_len) {
			r -= iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= r;
		}
	}
	return 0;
}

static int blk_rw_buf(int fd, uint8_t *buf, size_t len, uint64_t off,
		      int write)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	return blk_rw_iov(fd, &iov, 1, off, write);
}

/* @len bytes at sector @sector to or from the guest buffers @iov. */
static int blk_transfer(struct hvctl_blk *blk, struct iovec *iov,
			unsigned int n, uint64_t sector, size_t len, int write)
{
	uint64_t off = sector * BLK_SECTOR;
	size_t done, chunk;

	if (blk->dfd < 0 || (off | len) & (BLK_DIRECT_ALIGN - 1))
		return blk_rw_iov(blk->fd, iov, n, off, write);
	for (done = 0; done < len; done += chunk) {
		chunk = len - done < BLK_BOUNCE ? len - done : BLK_BOUNCE;
		if (write)
			hvctl_iov_to_buf(iov, n, done, blk->bounce, chunk);
		if (blk_rw_buf(blk->dfd, blk->bounce, chunk, off + done, write))
			return -1;
		if (!write)
			hvctl_iov_from_buf(iov, n, done, blk->bounce, chunk);
	}
	return 0;
}

static int blk_in_range(struct hvctl_blk *blk, uint64_t sector, uint64_t count)
{
	return sector <= blk->sectors && count <= blk->sectors - sector;
}

/* Zeroes by writing, where the file system cannot punch or zero ranges. */
static int blk_write_zeroes_slow(struct hvctl_blk *blk, uint64_t off,
				 uint64_t len)
{
	static const uint8_t zero[65536];
	size_t chunk;

	for (; len; len -= chunk, off += chunk) {
		chunk = len < sizeof(zero) ? len : sizeof(zero);
		if (blk_rw_buf(blk->fd, (uint8_t *)zero, chunk, off, 1))
			return -1;
	}
	return 0;
}

/* One discard or write-zeroes segment (spec 5.2.6). */
static uint8_t blk_segment(struct hvctl_blk *blk, const uint8_t *seg,
			   uint32_t type)
{
	uint64_t sector, off, len;
	uint32_t count, flags;
	int mode;

	memcpy(&sector, seg, 8);
	memcpy(&count, seg + 8, 4);
	memcpy(&flags, seg + 12, 4);
	sector = le64toh(sector);
	count = le32toh(count);
	flags = le32toh(flags);
	/* discard has no flags: UNSUPP for unmap (5.2.6.2) */
	if (type == VIRTIO_BLK_T_DISCARD && flags)
		return VIRTIO_BLK_S_UNSUPP;
	if (flags & ~VIRTIO_BLK_WZ_UNMAP)
		return VIRTIO_BLK_S_UNSUPP;
	if (count > BLK_MAX_RANGE || !blk_in_range(blk, sector, count))
		return VIRTIO_BLK_S_IOERR;
	off = sector * BLK_SECTOR;
	len = count * BLK_SECTOR;
	if (!len)
		return VIRTIO_BLK_S_OK;
	if (type == VIRTIO_BLK_T_DISCARD || (flags & VIRTIO_BLK_WZ_UNMAP))
		mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	else
		mode = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	if (!fallocate(blk->fd, mode, off, len))
		return VIRTIO_BLK_S_OK;
	if (errno != EOPNOTSUPP)
		return VIRTIO_BLK_S_IOERR;
	/* a discard is a hint: the data may stay (5.2.6.2) */
	if (type == VIRTIO_BLK_T_DISCARD)
		return VIRTIO_BLK_S_OK;
	if (mode & FALLOC_FL_PUNCH_HOLE &&
	    !fallocate(blk->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
		       off, len))
		return VIRTIO_BLK_S_OK;
	return blk_write_zeroes_slow(blk, off, len) ?
	       VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

static uint8_t blk_ranges(struct hvctl_blk *blk, struct virtq_elem *e,
			  uint32_t type, uint64_t len)
{
	uint8_t seg[16], st;
	uint64_t i;

	if (blk->flags & HVCTL_DISK_RO)
		return VIRTIO_BLK_S_IOERR;
	if (!len || len % 16 || len / 16 > BLK_MAX_SEG)
		return VIRTIO_BLK_S_IOERR;
	for (i = 0; i < len / 16; i++) {
		hvctl_iov_to_buf(e->iov, e->nr_out, BLK_HDR + 16 * i, seg, 16);
		st = blk_segment(blk, seg, type);
		if (st != VIRTIO_BLK_S_OK)
			return st;
	}
	return VIRTIO_BLK_S_OK;
}

/* --- requests --------------------------------------------------------------------- */

/*
 * IN: @len bytes from sector @sector into the writable buffers before the
 * status byte; OUT (@write): the readable buffers after the header.
 */
static uint8_t blk_read_write(struct hvctl_blk *blk, struct virtq_elem *e,
			      uint64_t sector, uint64_t len, int write)
{
	unsigned int n;

	if (write && (blk->flags & HVCTL_DISK_RO))
		return VIRTIO_BLK_S_IOERR;
	if (len % BLK_SECTOR || !blk_in_range(blk, sector, len / BLK_SECTOR))
		return VIRTIO_BLK_S_IOERR;
	if (write)
		n = hvctl_iov_slice(e->iov, e->nr_out, BLK_HDR, len, blk->data,
				    VIRTQ_NUM_MAX);
	else
		n = hvctl_iov_slice(e->iov + e->nr_out, e->nr_in, 0, len,
				    blk->data, VIRTQ_NUM_MAX);
	if (blk_transfer(blk, blk->data, n, sector, len, write))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/*
 * Serves one request: *@used is what the device wrote (data and status).
 * -1 when the chain cannot be a request (no header, no status byte): the
 * device then needs a reset.
 */
static int blk_request(struct hvctl_blk *blk, struct virtq_elem *e,
		       uint32_t *used)
{
	struct iovec *in = e->iov + e->nr_out;
	uint64_t out_data, in_data, sector;
	uint8_t hdr[BLK_HDR], st = VIRTIO_BLK_S_OK;
	uint32_t type;
	unsigned int n;

	if (e->out_len < BLK_HDR || e->in_len < 1 || e->in_len > UINT32_MAX)
		return -1;
	hvctl_iov_to_buf(e->iov, e->nr_out, 0, hdr, BLK_HDR);
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	type = le32toh(type);
	sector = le64toh(sector);
	out_data = e->out_len - BLK_HDR;
	in_data = e->in_len - 1;
	*used = 1;

	switch (type) {
	case VIRTIO_BLK_T_IN:
		st = blk_read_write(blk, e, sector, in_data, 0);
		if (st == VIRTIO_BLK_S_OK)
			*used += in_data;
		break;
	case VIRTIO_BLK_T_OUT:
		st = blk_read_write(blk, e, sector, out_data, 1);
		break;
	case VIRTIO_BLK_T_FLUSH:
		if (fdatasync(blk->fd))
			st = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID:
		n = in_data < VIRTIO_BLK_ID_BYTES ? in_data : VIRTIO_BLK_ID_BYTES;
		hvctl_iov_from_buf(in, e->nr_in, 0, blk->serial, n);
		*used += n;
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		st = blk_ranges(blk, e, type, out_data);
		break;
	default:
		st = VIRTIO_BLK_S_UNSUPP;
	}
	hvctl_iov_from_buf(in, e->nr_in, e->in_len - 1, &st, 1);
	return 0;
}

/* The data bytes of request @e, for the bandwidth quota: 0 but for IN/OUT. */
static uint64_t blk_cost(const struct virtq_elem *e)
{
	uint8_t hdr[BLK_HDR];
	uint32_t type;

	if (e->out_len < BLK_HDR || e->in_len < 1)
		return 0;
	hvctl_iov_to_buf(e->iov, e->nr_out, 0, hdr, BLK_HDR);
	memcpy(&type, hdr, 4);
	switch (le32toh(type)) {
	case VIRTIO_BLK_T_IN:
		return e->in_len - 1;
	case VIRTIO_BLK_T_OUT:
		return e->out_len - BLK_HDR;
	}
	return 0;
}

/*
 * Serves the queue until it is empty or the I/O quota says wait (then
 * blk->wait_ns is set and the request stays in the ring); the device may
 * need a reset after.
 */
static void blk_process(struct hvctl_blk *blk)
{
	struct virtio_mmio_dev *dev = blk->dev;
	struct virtq *vq = virtio_mmio_io_begin(dev, 0);
	uint32_t used;
	int done = 0;

	blk->wait_ns = 0;
	if (!vq)
		return;
	while (virtq_next(dev, vq, &blk->elem) > 0) {
		blk->wait_ns = hvctl_iolimit_take(&blk->limit, hvctl_iolimit_now(),
						  blk_cost(&blk->elem));
		if (blk->wait_ns) {
			virtq_unpop(vq);
			break;
		}
		if (blk_request(blk, &blk->elem, &used)) {
			virtio_mmio_needs_reset(dev, "virtio-blk request without a header or a status byte");
			break;
		}
		virtq_push(vq, blk->elem.head, used);
		done = 1;
	}
	if (done)
		virtio_mmio_queue_interrupt(dev, vq);
	virtio_mmio_io_end(dev);
}

/*
 * Sleeps until a notify, or until the quota lets the request that waits
 * go (whichever comes first). -1 when the eventfd fails.
 */
static int blk_sleep(struct hvctl_blk *blk)
{
	struct pollfd pfd = { .fd = blk->kick, .events = POLLIN };
	uint64_t v;
	int ms, r;

	if (blk->wait_ns) {
		ms = (int)((blk->wait_ns + 999999) / 1000000);
		r = poll(&pfd, 1, ms);
		if (r <= 0)
			return r < 0 && errno != EINTR ? -1 : 0;
	}
	if (read(blk->kick, &v, sizeof(v)) < 0 && errno != EINTR)
		return -1;
	return 0;
}

static void *blk_thread(void *arg)
{
	struct hvctl_blk *blk = arg;

	while (!__atomic_load_n(&blk->stop, __ATOMIC_ACQUIRE)) {
		if (blk_sleep(blk))
			break;
		if (!__atomic_load_n(&blk->stop, __ATOMIC_ACQUIRE))
			blk_process(blk);
	}
	return NULL;
}

/* --- set-up -------------------------------------------------------------------- */

static int blk_size(struct hvctl_blk *blk, uint64_t *bytes)
{
	struct stat st;

	if (fstat(blk->fd, &st))
		return -1;
	if (S_ISREG(st.st_mode)) {
		*bytes = st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode))
		return ioctl(blk->fd, BLKGETSIZE64, bytes);
	errno = EINVAL;
	return -1;
}

static void blk_serial(struct hvctl_blk *blk, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	memcpy(blk->serial, base, n < VIRTIO_BLK_ID_BYTES ? n : VIRTIO_BLK_ID_BYTES);
}

int hvctl_blk_open(const struct hvctl_disk *disk, char *err, size_t err_len)
{
	int mode = (disk->flags & HVCTL_DISK_RO ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	struct flock fl = {
		.l_type = disk->flags & HVCTL_DISK_RO ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,
	};
	int fd;

	fd = open(disk->path, mode);
	if (fd < 0) {
		snprintf(err, err_len, "disk %s: %s", disk->path, strerror(errno));
		return -1;
	}
	if (fcntl(fd, F_OFD_SETLK, &fl)) {
		if (errno == EAGAIN || errno == EACCES)
			snprintf(err, err_len, "disk %s is in use by another VM (it holds the image's lock)",
				 disk->path);
		else
			snprintf(err, err_len, "disk %s: cannot lock it: %s",
				 disk->path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int blk_open(struct hvctl_blk *blk, const struct hvctl_disk *disk,
		    int fd, char *err, size_t err_len)
{
	int mode = (disk->flags & HVCTL_DISK_RO ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	uint64_t bytes;

	blk->fd = fd >= 0 ? fd : hvctl_blk_open(disk, err, err_len);
	if (blk->fd < 0)
		return -1;
	if (blk_size(blk, &bytes)) {
		snprintf(err, err_len, "disk %s: not a file or block device: %s",
			 disk->path, strerror(errno));
		return -1;
	}
	blk->sectors = bytes / BLK_SECTOR;
	if (!(disk->flags & HVCTL_DISK_DIRECT))
		return 0;
	blk->dfd = open(disk->path, mode | O_DIRECT);
	if (blk->dfd < 0) {
		snprintf(err, err_len, "disk %s: cache=none: %s", disk->path,
			 errno == EINVAL ? "the file system has no O_DIRECT" :
			 strerror(errno));
		return -1;
	}
	if (posix_memalign((void **)&blk->bounce, BLK_DIRECT_ALIGN, BLK_BOUNCE)) {
		blk->bounce = NULL;
		snprintf(err, err_len, "disk %s: no memory for its bounce buffer",
			 disk->path);
		return -1;
	}
	return 0;
}

struct hvctl_blk *hvctl_blk_create_fd(const struct hvctl_disk *disk, int fd,
				      struct virtio_mmio_dev *dev,
				      const struct hvctl_gmem *mem, char *err,
				      size_t err_len)
{
	struct hvctl_blk *blk = calloc(1, sizeof(*blk));
	int e;

	if (!blk) {
		snprintf(err, err_len, "disk %s: out of memory", disk->path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	blk->fd = blk->dfd = blk->kick = -1;
	blk->flags = disk->flags;
	blk->dev = dev;
	hvctl_iolimit_init(&blk->limit);
	if (blk_open(blk, disk, fd, err, err_len))
		goto fail;
	blk_serial(blk, disk->path);
	blk_make_config(blk);
	virtio_mmio_init(dev, &blk_ops, blk, mem);
	blk->dev_ok = 1;
	blk->kick = eventfd(0, EFD_CLOEXEC);
	if (blk->kick < 0) {
		snprintf(err, err_len, "disk %s: eventfd: %s", disk->path,
			 strerror(errno));
		goto fail;
	}
	e = pthread_create(&blk->thread, NULL, blk_thread, blk);
	if (e) {
		snprintf(err, err_len, "disk %s: cannot start its I/O thread: %s",
			 disk->path, strerror(e));
		goto fail;
	}
	blk->thread_ok = 1;
	return blk;
fail:
	hvctl_blk_destroy(blk);
	return NULL;
}

struct hvctl_blk *hvctl_blk_create(const struct hvctl_disk *disk,
				   struct virtio_mmio_dev *dev,
				   const struct hvctl_gmem *mem, char *err,
				   size_t err_len)
{
	return hvctl_blk_create_fd(disk, -1, dev, mem, err, err_len);
}

void hvctl_blk_destroy(struct hvctl_blk *blk)
{
	uint64_t one = 1;

	if (!blk)
		return;
	if (blk->thread_ok) {
		__atomic_store_n(&blk->stop, 1, __ATOMIC_RELEASE);
		/* an eventfd write fails only at a count of 2^64 - 2 */
		if (write(blk->kick, &one, sizeof(one)) != sizeof(one))
			abort();
		pthread_join(blk->thread, NULL);
	}
	if (blk->kick >= 0)
		close(blk->kick);
	if (blk->dfd >= 0)
		close(blk->dfd);
	if (blk->fd >= 0)
		close(blk->fd);
	if (blk->dev_ok)
		virtio_mmio_destroy(blk->dev);
	hvctl_iolimit_destroy(&blk->limit);
	free(blk->bounce);
	free(blk);
}

struct hvctl_iolimit *hvctl_blk_iolimit(struct hvctl_blk *blk)
{
	return &blk->limit;
}
