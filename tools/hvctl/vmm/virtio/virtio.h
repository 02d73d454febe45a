/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio devices of the hvctl VMM: the virtio-mmio transport (mmio.c,
 * version 2 registers only), split virtqueues (virtqueue.c), the devices
 * (blk.c) and the glue to the VMM (bus.c). Everything here but bus.c
 * depends only on this header and libc, so that the host tests
 * (selftests/hv/host/virtio_test.c) build it without a VM.
 *
 * Facts from the virtio 1.2 specification (OASIS, "Virtual I/O Device
 * Version 1.2"): 2.1 device status, 2.2 feature bits, 2.7 split
 * virtqueues, 4.2.2 the MMIO register layout, 5.2 the block device.
 */
#ifndef HVCTL_VIRTIO_H
#define HVCTL_VIRTIO_H

#include <pthread.h>
#include <stdint.h>
#include <sys/uio.h>

/* --- guest memory ------------------------------------------------------------ */

/*
 * struct hvctl_gmem - the guest's RAM as the VMM maps it: @size bytes at
 * guest-physical @gpa, mapped at @base.
 */
struct hvctl_gmem {
	uint8_t *base;
	uint64_t gpa;
	uint64_t size;
};

/*
 * The only way virtio code reaches guest memory: a pointer to @len bytes
 * at guest-physical @gpa, or NULL unless all of them are RAM (an address
 * below or above RAM, or a length that runs past its end or wraps).
 */
static inline void *hvctl_gmem_ptr(const struct hvctl_gmem *m, uint64_t gpa,
				   uint64_t len)
{
	uint64_t off = gpa - m->gpa;

	if (gpa < m->gpa || off > m->size || len > m->size - off)
		return NULL;
	return m->base + off;
}

/* --- feature bits and status (spec 2.1, 6) ----------------------------------- */

#define VIRTIO_S_ACKNOWLEDGE	0x01
#define VIRTIO_S_DRIVER		0x02
#define VIRTIO_S_DRIVER_OK	0x04
#define VIRTIO_S_FEATURES_OK	0x08
#define VIRTIO_S_NEEDS_RESET	0x40
#define VIRTIO_S_FAILED		0x80

#define VIRTIO_F_INDIRECT_DESC	28
#define VIRTIO_F_EVENT_IDX	29
#define VIRTIO_F_VERSION_1	32

#define VIRTIO_BIT(f)		(1ULL << (f))

/* --- split virtqueues (spec 2.7) --------------------------------------------- */

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* the largest queue hvctl offers (QueueNumMax) */
#define VIRTQ_NUM_MAX		256

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/*
 * struct virtq_elem - one descriptor chain taken from the available ring.
 * @head: its head index, given back with virtq_push().
 * @iov: @nr_out device-readable buffers, then @nr_in device-writable ones,
 *	 pointing into guest RAM (all checked to lie in it).
 * @out_len, @in_len: the bytes of each kind.
 */
struct virtq_elem {
	uint16_t head;
	unsigned int nr_out, nr_in;
	uint64_t out_len, in_len;
	struct iovec iov[VIRTQ_NUM_MAX];
};

/*
 * struct virtq - a split virtqueue. The transport sets @num, the ring
 * addresses and @ready under its locks; the device's I/O thread owns the
 * rest while it processes the queue (virtio_mmio_io_begin()).
 */
struct virtq {
	uint16_t num;
	uint8_t ready;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	/* set by virtq_start() */
	const struct hvctl_gmem *mem;
	struct virtq_desc *desc;
	uint16_t *avail;	/* flags, idx, ring[num], used_event */
	uint8_t *used;		/* flags, idx, {id, len}[num], avail_event */
	int event_idx, indirect;
	uint16_t last_avail;	/* the next available entry to take */
	uint16_t used_idx;	/* what we last published in used->idx */
	uint16_t signalled;	/* used_idx at the last interrupt */
	int signalled_valid;
};

/*
 * Checks and maps the rings of @vq (num, addresses, alignment) for the
 * negotiated @features. 0, or -1 with *why set when the driver's layout is
 * unusable (the device then needs a reset).
 */
int virtq_start(struct virtq *vq, const struct hvctl_gmem *mem,
		uint64_t features, const char **why);
void virtq_reset(struct virtq *vq);
/*
 * Takes the next chain: 1 with @e filled, 0 when the ring is empty, -1
 * with *why set when the ring is corrupt (loop, chain longer than the
 * queue, address outside RAM, overflowing length, nested indirect, ...).
 */
int virtq_pop(struct virtq *vq, struct virtq_elem *e, const char **why);
/*
 * Puts back the chain the last virtq_pop() took, unserved: the next pop
 * takes it again (a device over its I/O quota leaves it in the ring).
 */
void virtq_unpop(struct virtq *vq);
/* Returns chain @head with @len bytes written to the used ring. */
void virtq_push(struct virtq *vq, uint16_t head, uint32_t len);
/*
 * With EVENT_IDX: publishes avail_event and re-reads avail->idx; returns
 * 1 when entries arrived meanwhile (process again), else 0.
 */
int virtq_enable_notify(struct virtq *vq);
/* Whether the driver wants an interrupt for what was pushed since. */
int virtq_need_interrupt(struct virtq *vq);

/* Copies between a byte range of an iovec array and a buffer. */
size_t hvctl_iov_to_buf(const struct iovec *iov, unsigned int n, size_t skip,
			void *buf, size_t len);
size_t hvctl_iov_from_buf(const struct iovec *iov, unsigned int n, size_t skip,
			  const void *buf, size_t len);
/* The sub-array of @len bytes from @skip into @out (at most @max). */
unsigned int hvctl_iov_slice(const struct iovec *iov, unsigned int n,
			     size_t skip, size_t len, struct iovec *out,
			     unsigned int max);

/* --- the virtio-mmio transport (spec 4.2.2) ---------------------------------- */

#define VIRTIO_MMIO_MAGIC_VALUE		0x000	/* "virt" */
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100
#define VIRTIO_MMIO_SIZE		0x200	/* one slot */

#define VIRTIO_MMIO_MAGIC		0x74726976
#define VIRTIO_MMIO_INT_VRING		0x1
#define VIRTIO_MMIO_INT_CONFIG		0x2
/* "hv" as a vendor id: not a PCI vendor, virtio-mmio does not need one */
#define VIRTIO_MMIO_VENDOR		0x00007668

#define VIRTIO_MAX_QUEUES		4

struct virtio_mmio_dev;

/*
 * struct virtio_dev_ops - what a device model gives the transport.
 * @device_id: the virtio device type (2: block).
 * @nr_queues: how many virtqueues it has (up to VIRTIO_MAX_QUEUES).
 * @features: the feature bits it offers (the transport adds VERSION_1,
 *	      INDIRECT_DESC and EVENT_IDX).
 * @config_read: @len bytes of its configuration space at @off, which the
 *		 transport has checked to lie in the first 0x100 bytes.
 * @config_write: a driver write there (NULL: ignored).
 * @queue_notify: the driver notified queue @q: wake the device's I/O
 *		  thread, do not process here. Called from a vCPU thread (an
 *		  MMIO exit) or, when hv has ioeventfds and the device gives
 *		  no @queue_eventfd, from the bus's thread (bus.c); never
 *		  with a transport lock held. May be NULL with @queue_eventfd.
 * @queue_eventfd: optional: the eventfd the device's I/O thread sleeps on
 *		   for queue @q (a read of it is what a @queue_notify would
 *		   have woken), or -1. Asked once, after the device is made
 *		   and before the guest runs. The bus registers it with hv as
 *		   the ioeventfd of QueueNotify for @q (HV_IOEVENTFD, data
 *		   match @q): the guest's notify then wakes the thread with
 *		   no exit to the VMM and no other thread in between. Where
 *		   hv has no ioeventfd, QueueNotify exits and @queue_notify
 *		   is called as before, so a device with @queue_eventfd
 *		   keeps @queue_notify too (writing the same eventfd).
 * @reset: the driver reset the device; the transport holds the device's
 *	   I/O lock, so no request is in flight.
 *
 * Threads, whichever path notifies: the transport's register accesses run
 * on vCPU threads; @queue_notify runs on a vCPU thread or the bus's
 * thread; the device's requests run on its own I/O thread between
 * virtio_mmio_io_begin() and virtio_mmio_io_end(). A device written for
 * MMIO-exit notifies (only @queue_notify, which wakes its thread) works
 * unchanged: it gets the fast path through the bus's thread.
 */
struct virtio_dev_ops {
	uint32_t device_id;
	unsigned int nr_queues;
	uint64_t (*features)(struct virtio_mmio_dev *dev);
	void (*config_read)(struct virtio_mmio_dev *dev, uint32_t off,
			    void *data, uint32_t len);
	void (*config_write)(struct virtio_mmio_dev *dev, uint32_t off,
			     const void *data, uint32_t len);
	void (*queue_notify)(struct virtio_mmio_dev *dev, unsigned int q);
	int (*queue_eventfd)(struct virtio_mmio_dev *dev, unsigned int q);
	void (*reset)(struct virtio_mmio_dev *dev);
};

/*
 * struct virtio_mmio_dev - one virtio-mmio slot.
 * @ops, @priv: the device model and its state.
 * @mem: guest RAM.
 * @irq: sets the device's interrupt line (level: 1 while InterruptStatus
 *	 is non-zero); from any thread, under @lock. With an irqfd (bus.c),
 *	 1 signals it (a pulse on an edge line, the line asserted on a
 *	 level one until the guest's EOI) and 0 does nothing.
 * @log: a message about the guest's misuse of the device (may be NULL).
 * @opaque: for @irq and @log.
 * @io_lock: held by the I/O thread while it processes queues and by the
 *	     transport for writes that change queues or status, so that a
 *	     reset never races a request. Taken before @lock.
 * @lock: the registers below.
 */
struct virtio_mmio_dev {
	const struct virtio_dev_ops *ops;
	void *priv;
	const struct hvctl_gmem *mem;
	void (*irq)(struct virtio_mmio_dev *dev, int level);
	void (*log)(struct virtio_mmio_dev *dev, const char *msg);
	void *opaque;

	pthread_mutex_t io_lock;
	pthread_mutex_t lock;
	uint32_t status;
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t drv_features;		/* as the driver wrote them */
	uint64_t features;		/* negotiated, valid with FEATURES_OK */
	uint32_t queue_sel;
	uint32_t int_status;
	int line;
	uint32_t config_generation;
	struct virtq vq[VIRTIO_MAX_QUEUES];
};

void virtio_mmio_init(struct virtio_mmio_dev *dev,
		      const struct virtio_dev_ops *ops, void *priv,
		      const struct hvctl_gmem *mem);
void virtio_mmio_destroy(struct virtio_mmio_dev *dev);
/* A guest access of @len (1, 2, 4 or 8) bytes at @off in the slot. */
void virtio_mmio_read(struct virtio_mmio_dev *dev, uint64_t off, void *data,
		      unsigned int len);
void virtio_mmio_write(struct virtio_mmio_dev *dev, uint64_t off,
		       const void *data, unsigned int len);

/*
 * For the device's I/O thread: virtio_mmio_io_begin() takes @io_lock and
 * returns the queue @q to process, or NULL (lock released) when the device
 * is not live (no DRIVER_OK, needs reset, failed, queue not ready).
 */
struct virtq *virtio_mmio_io_begin(struct virtio_mmio_dev *dev,
				   unsigned int q);
void virtio_mmio_io_end(struct virtio_mmio_dev *dev);
/* The used ring of a queue changed: raise the interrupt if wanted. */
void virtio_mmio_queue_interrupt(struct virtio_mmio_dev *dev,
				 struct virtq *vq);
/*
 * The guest corrupted something (@why): set DEVICE_NEEDS_RESET, stop
 * processing and send a configuration change interrupt (spec 2.1.2).
 */
void virtio_mmio_needs_reset(struct virtio_mmio_dev *dev, const char *why);
/*
 * virtq_pop() for a device's loop, with what every device does around it:
 * 1 with @e filled; 0 when the ring is empty (notifications back on, the
 * ring read once more); -1 after a corrupt ring put @dev into
 * DEVICE_NEEDS_RESET. `while (virtq_next(dev, vq, e) > 0) { serve; }`
 */
int virtq_next(struct virtio_mmio_dev *dev, struct virtq *vq,
	       struct virtq_elem *e);
int virtio_mmio_has_feature(struct virtio_mmio_dev *dev, unsigned int bit);

/* --- virtio-blk (spec 5.2) ------------------------------------------------------ */

#define VIRTIO_ID_BLOCK			2

#define VIRTIO_BLK_F_SIZE_MAX		1
#define VIRTIO_BLK_F_SEG_MAX		2
#define VIRTIO_BLK_F_RO			5
#define VIRTIO_BLK_F_BLK_SIZE		6
#define VIRTIO_BLK_F_FLUSH		9
#define VIRTIO_BLK_F_DISCARD		13
#define VIRTIO_BLK_F_WRITE_ZEROES	14

#define VIRTIO_BLK_T_IN			0
#define VIRTIO_BLK_T_OUT		1
#define VIRTIO_BLK_T_FLUSH		4
#define VIRTIO_BLK_T_GET_ID		8
#define VIRTIO_BLK_T_DISCARD		11
#define VIRTIO_BLK_T_WRITE_ZEROES	13

#define VIRTIO_BLK_S_OK			0
#define VIRTIO_BLK_S_IOERR		1
#define VIRTIO_BLK_S_UNSUPP		2

#define VIRTIO_BLK_ID_BYTES		20
#define VIRTIO_BLK_WZ_UNMAP		1	/* write-zeroes flags */

/* struct virtio_blk_config: the offsets the guest reads (spec 5.2.4) */
#define VIRTIO_BLK_CFG_CAPACITY		0	/* u64, 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX		8
#define VIRTIO_BLK_CFG_SEG_MAX		12
#define VIRTIO_BLK_CFG_BLK_SIZE		20
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS	36
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG		40
#define VIRTIO_BLK_CFG_DISCARD_ALIGN		44
#define VIRTIO_BLK_CFG_MAX_WZ_SECTORS		48
#define VIRTIO_BLK_CFG_MAX_WZ_SEG		52
#define VIRTIO_BLK_CFG_WZ_MAY_UNMAP		56
#define VIRTIO_BLK_CFG_SIZE			60

struct hvctl_disk;	/* hvctl.h: a --disk of the definition */
struct hvctl_blk;
struct hvctl_iolimit;	/* ratelimit.h */

/*
 * Opens the disk (@disk->path, flags), locks it against other VMs and
 * makes @dev a virtio-blk device on it (virtio_mmio_init()), with its I/O
 * thread running; the caller then sets @dev's irq, log and opaque. NULL
 * with the reason in @err (one line) when it cannot. hvctl_blk_destroy()
 * stops the thread, closes the disk and destroys @dev.
 */
struct hvctl_blk *hvctl_blk_create(const struct hvctl_disk *disk,
				   struct virtio_mmio_dev *dev,
				   const struct hvctl_gmem *mem, char *err,
				   size_t err_len);
void hvctl_blk_destroy(struct hvctl_blk *blk);
/*
 * The disk's I/O quotas and statistics (ratelimit.h): every request is
 * charged one operation and its data bytes (reads and writes; 0 for the
 * others) before it is served; over quota, it waits in the ring.
 */
struct hvctl_iolimit *hvctl_blk_iolimit(struct hvctl_blk *blk);
/*
 * The first half of hvctl_blk_create(), for the VMM to do before it
 * attaches to its VM: opens @disk and takes its lock. The descriptor, or
 * -1 with the reason in @err ("... is in use by another VM").
 * hvctl_blk_create_fd() then makes the device on it (and owns it, even
 * when it fails); hvctl_blk_create() is both in one.
 */
int hvctl_blk_open(const struct hvctl_disk *disk, char *err, size_t err_len);
struct hvctl_blk *hvctl_blk_create_fd(const struct hvctl_disk *disk, int fd,
				      struct virtio_mmio_dev *dev,
				      const struct hvctl_gmem *mem, char *err,
				      size_t err_len);

/* --- the VMM's virtio slots (bus.c) ------------------------------------------ */

/*
 * Slot n of the virtio-mmio window, and its interrupt: x86 IOAPIC GSI
 * 16 + n, arm64 SPI 16 + n (INTID 48 + n), as on QEMU's virt board. The
 * line is edge-triggered (the device tree on arm64, the DSDT on x86):
 * bus.c raises it with an irqfd without resample, one pulse per new
 * interrupt. hvctl_virtio_irq_edge() says which; on x86,
 * HVCTL_VIRTIO_IRQ=level in the VMM's environment announces a level line
 * instead (a resampling irqfd), to compare.
 */
#define HVCTL_VIRTIO_SLOTS		8
#if defined(__aarch64__)
#define HVCTL_VIRTIO_BASE		0x0a000000ULL
#define HVCTL_VIRTIO_IRQ0		48
#else
#define HVCTL_VIRTIO_BASE		0xd0000000ULL
#define HVCTL_VIRTIO_IRQ0		16
#endif

int hvctl_virtio_irq_edge(void);

struct hvctl_vmm;
struct hvctl_vcpu;
struct hvctl_def;
/*
 * The slots a definition uses: its disks first (slot n: --disk n), then
 * the vsock device (--vsock), then the virtio console (hvctl_virtio_hvc()).
 */
unsigned int hvctl_virtio_nr_slots(const struct hvctl_def *def);
/*
 * Whether the guest gets a virtio console, which then owns the console's
 * input: --console hvc, or no --console and a "console=hvc..." word in
 * --cmdline.
 */
int hvctl_virtio_hvc(const struct hvctl_def *def);
/*
 * Before the VM is attached (so before `hvctl start` reports it running):
 * opens and locks every --disk, so that an image in use by another VM
 * fails the start with that reason, and opens every --net's tap
 * (hvctl_net_open()). 0, or -1 (said).
 */
int hvctl_virtio_lock_disks(struct hvctl_vmm *vmm);
/*
 * A virtio-blk device per --disk, in slots 0, 1, ... Nothing when the
 * definition has no disks. 0, or -1 (logged).
 */
int hvctl_virtio_setup(struct hvctl_vmm *vmm);
/*
 * (hvctl_virtio_setup() also sets up the notification fast path: each
 * QueueNotify an ioeventfd, each interrupt an irqfd (resampling on a
 * level line), as far as hv has them; HVCTL_VIRTIO_NO_FASTPATH=1 in the VMM's environment
 * turns it off.)
 */
/* Stops the devices' threads; before the guest's RAM is unmapped. */
void hvctl_virtio_teardown(struct hvctl_vmm *vmm);
/* An MMIO exit: 1 when it hit a virtio slot (handled), else 0. */
int hvctl_virtio_exit(struct hvctl_vcpu *vcpu);

#endif /* HVCTL_VIRTIO_H */
