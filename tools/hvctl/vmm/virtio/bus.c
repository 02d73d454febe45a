// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM's virtio-mmio slots: one per --disk of the definition, 0x200
 * bytes each from HVCTL_VIRTIO_BASE (x86: 0xd0000000, below 4 GiB and
 * above any RAM hvctl gives a guest today; arm64: 0x0a000000, where QEMU's
 * virt board has its virtio-mmio slots). MMIO exits inside a used slot
 * reach the transport (mmio.c); every other address goes to the arch as
 * before, so a VM without disks is unchanged.
 *
 * Each device's interrupt is one line of the in-kernel interrupt
 * controller: x86 IOAPIC GSI 16 + slot, arm64 SPI INTID 48 + slot. A VM
 * without HV_VM_IRQCHIP refuses the ioctl; the VMM says so once, and a
 * driver that polls still works.
 *
 * The notification fast path (hv's HV_IOEVENTFD and HV_IRQFD, when
 * HV_CHECK_CAP has them):
 * - QueueNotify of queue q is an ioeventfd (4-byte write at the slot's
 *   0x050, data match q), so the driver's kick wakes the device's I/O
 *   thread from inside hv, and the vCPU goes on in the guest without an
 *   exit to the VMM. The eventfd is the device's own (ops->queue_eventfd)
 *   or, for a device that only has ops->queue_notify, one of the bus's,
 *   whose thread calls queue_notify. Any other value written to
 *   QueueNotify still exits and reaches the transport as before.
 * - The line is edge-triggered on both arches (arm64: the device tree's
 *   IRQ_EDGE_RISING, as on QEMU's virt board; x86: the DSDT's Edge,
 *   ActiveHigh), so the interrupt is an irqfd without resample: a pulse
 *   each time InterruptStatus goes from 0 to non-zero. Edge is right
 *   there: the vGIC and the local APIC latch each rising edge, and Linux's
 *   virtio-mmio handler reads InterruptStatus and writes InterruptACK
 *   before it walks the rings, so a request completed after the ACK makes
 *   a new edge and one completed before it is found by that walk;
 *   InterruptACK has no line to lower (the pulse did). An edge also costs
 *   the guest less than a level line: no EOI to broadcast to the IOAPIC
 *   (an exit even with virtual-interrupt delivery) and no resample wake-up
 *   of this thread per interrupt. Firecracker's virtio-mmio does the same.
 * - A level-triggered line (x86 with HVCTL_VIRTIO_IRQ=level, to compare)
 *   is a resampling irqfd (HV_IRQFD_RESAMPLE): a signal when
 *   InterruptStatus goes from 0 to non-zero asserts the line, and it
 *   stays up until the guest's EOI reaches the IOAPIC pin; hv then lowers
 *   it and signals the slot's resample eventfd. The bus's thread reads
 *   that and signals the irqfd again when InterruptStatus is still
 *   non-zero: a request that completed between the driver's InterruptACK
 *   and its EOI (the pin's remote IRR still set, so that signal made no
 *   new interrupt) is not lost, as level semantics want. InterruptACK to 0
 *   needs nothing: the EOI lowers the line. A pulse there would lose that
 *   completion.
 * Without the capabilities (or with HVCTL_VIRTIO_NO_FASTPATH=1 in the
 * VMM's environment, to compare; =ioeventfd or =irqfd turns off that half
 * only) everything goes as before: QueueNotify exits to the vCPU thread,
 * the line is set with HV_IRQ_LINE (raised and lowered: two ioctls per
 * interrupt). The VMM's log says per slot at the end how many interrupts
 * took which way.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "vmm.h"
#include "ioquota.h"
#include "virtio/virtio.h"
#include "virtio/net.h"
#include "virtio/vsock.h"
#include "virtio/console.h"
#include "virtio/input.h"

struct hvctl_virtio_bus {
	struct hvctl_vmm *vmm;
	struct hvctl_gmem mem;
	unsigned int nr;
	struct virtio_mmio_dev dev[HVCTL_VIRTIO_SLOTS];
	struct hvctl_blk *blk[HVCTL_VIRTIO_SLOTS];
	/* --net n is slot nr_disks + n; NULL in the other slots */
	struct hvctl_net *net[HVCTL_VIRTIO_SLOTS];
	/* hvctl_virtio_lock_disks(): the taps, until their devices take them */
	int tap[HVCTL_MAX_NICS];
	/* --vnc: the keyboard and the tablet, in the slots after the disks */
	struct hvctl_input *input[2];
	/* hvctl_virtio_lock_disks(): the disks, until their devices take them */
	int fd[HVCTL_VIRTIO_SLOTS];
	int irq_warned;
	/* the fast path: hv has ioeventfds / irqfds for this VM */
	int ioeventfd_ok, irqfd_ok;
	/* per slot: the irqfd, or -1; its resample eventfd (level lines), or -1 */
	int irqfd[HVCTL_VIRTIO_SLOTS];
	int resamplefd[HVCTL_VIRTIO_SLOTS];
	/* per slot, for the log at the end (atomic: any thread) */
	struct {
		unsigned long raised;	/* InterruptStatus 0 -> non-zero */
		unsigned long ioctls;	/* HV_IRQ_LINE */
		unsigned long signals;	/* irqfd writes */
		unsigned long resamples, again;	/* resample events; re-signals */
	} count[HVCTL_VIRTIO_SLOTS];
	/* the bus's ioeventfds, for devices without their own, or -1 */
	int notifyfd[HVCTL_VIRTIO_SLOTS][VIRTIO_MAX_QUEUES];
	int stopfd;		/* ends the bus thread */
	pthread_t thread;
	int thread_ok;
	/* --vsock and the virtio console, in the slots after the disks */
	struct hvctl_vsock *vsock;
	struct hvctl_vcon *vcon;
};

static unsigned int hvctl_virtio_slot(struct virtio_mmio_dev *dev)
{
	struct hvctl_virtio_bus *bus = dev->opaque;

	return dev - bus->dev;
}

/* An eventfd's counter + 1; an eventfd write fails only at 2^64 - 2. */
static void hvctl_virtio_signal(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		abort();
}

#define hvctl_virtio_count(bus, slot, what) \
	__atomic_add_fetch(&(bus)->count[slot].what, 1, __ATOMIC_RELAXED)

/* Called with dev->lock held (mmio.c), from any thread. */
static void hvctl_virtio_irq(struct virtio_mmio_dev *dev, int level)
{
	struct hvctl_virtio_bus *bus = dev->opaque;
	unsigned int slot = hvctl_virtio_slot(dev);
	struct hv_irq_level irq = {
		.irq = HVCTL_VIRTIO_IRQ0 + slot,
		.level = level,
	};

	if (level)
		hvctl_virtio_count(bus, slot, raised);
	/*
	 * An irqfd: an edge line gets a pulse per rising edge, nothing to
	 * lower; a resampling one goes down at the guest's EOI
	 */
	if (bus->irqfd[slot] >= 0) {
		if (level) {
			hvctl_virtio_signal(bus->irqfd[slot]);
			hvctl_virtio_count(bus, slot, signals);
		}
		return;
	}
	hvctl_virtio_count(bus, slot, ioctls);
	if (!ioctl(bus->vmm->vm, HV_IRQ_LINE, &irq))
		return;
	if (!__atomic_exchange_n(&bus->irq_warned, 1, __ATOMIC_RELAXED))
		hvctl_vmm_log(bus->vmm, "virtio: cannot raise interrupt line %u: %s (no in-kernel interrupt controller?): drivers must poll",
			      irq.irq, strerror(errno));
}

static void hvctl_virtio_log(struct virtio_mmio_dev *dev, const char *msg)
{
	struct hvctl_virtio_bus *bus = dev->opaque;
	unsigned int slot = hvctl_virtio_slot(dev);
	const struct hvctl_def *def = bus->vmm->def;

	hvctl_vmm_log(bus->vmm, "virtio slot %u (%s): %s", slot,
		      slot < def->nr_disks ? def->disks[slot].path :
		      slot < def->nr_disks + def->nr_nics ?
		      def->nics[slot - def->nr_disks].tap :
		      bus->vsock && dev == bus->vsock->dev ? "vsock" :
		      slot + hvctl_virtio_input_slots(def) <
		      hvctl_virtio_nr_slots(def) ? "console" :
		      "virtio-input", msg);
}

/* The VMM's bus, made by the first of the two calls below. */
static struct hvctl_virtio_bus *hvctl_virtio_bus(struct hvctl_vmm *vmm)
{
	const struct hvctl_def *def = vmm->def;
	struct hvctl_virtio_bus *bus = vmm->virtio;
	unsigned int i;

	if (bus)
		return bus;
	if (hvctl_virtio_nr_slots(def) > HVCTL_VIRTIO_SLOTS) {
		hvctl_err("start %s: %u virtio devices: hvctl has %d virtio slots",
			  def->name, hvctl_virtio_nr_slots(def),
			  HVCTL_VIRTIO_SLOTS);
		return NULL;
	}
	bus = calloc(1, sizeof(*bus));
	if (!bus) {
		hvctl_err("start %s: out of memory", def->name);
		return NULL;
	}
	bus->vmm = vmm;
	for (i = 0; i < HVCTL_VIRTIO_SLOTS; i++) {
		bus->fd[i] = bus->irqfd[i] = bus->resamplefd[i] = -1;
		memset(bus->notifyfd[i], 0xff, sizeof(bus->notifyfd[i]));
	}
	for (i = 0; i < HVCTL_MAX_NICS; i++)
		bus->tap[i] = -1;
	bus->stopfd = -1;
	vmm->virtio = bus;
	return bus;
}

/* --- the fast path: ioeventfd and irqfd --------------------------------------- */

static int hvctl_virtio_cap(struct hvctl_vmm *vmm, __u32 cap)
{
	int r = ioctl(vmm->dev, HV_CHECK_CAP, &cap);

	return r > 0 ? r : 0;
}

/* Which halves of the fast path hv gives this VM. */
static void hvctl_virtio_fast_caps(struct hvctl_virtio_bus *bus)
{
	struct hvctl_vmm *vmm = bus->vmm;
	const char *off = getenv("HVCTL_VIRTIO_NO_FASTPATH");
	int no_ioeventfd = 0, no_irqfd = 0;

	/* "ioeventfd" or "irqfd": that half off; any other word: both */
	if (off && *off) {
		no_ioeventfd = !strcmp(off, "ioeventfd") || strcmp(off, "irqfd");
		no_irqfd = !strcmp(off, "irqfd") || strcmp(off, "ioeventfd");
	}
	/* one per queue of every slot */
	bus->ioeventfd_ok = !no_ioeventfd &&
			    hvctl_virtio_cap(vmm, HV_CAP_IOEVENTFD) >=
			    HVCTL_VIRTIO_SLOTS * VIRTIO_MAX_QUEUES;
	/* hv's irqfds resample since they exist (both controllers) */
	bus->irqfd_ok = !no_irqfd && vmm->irq_lines &&
			hvctl_virtio_cap(vmm, HV_CAP_IRQFD) >= HVCTL_VIRTIO_SLOTS;
}

/* Is the virtio line edge-triggered (virtio.h)? Asked at setup only. */
int hvctl_virtio_irq_edge(void)
{
#if defined(__aarch64__)
	return 1;
#else
	const char *t = getenv("HVCTL_VIRTIO_IRQ");

	return !t || strcmp(t, "level");
#endif
}

/*
 * The device's interrupt as an irqfd: a pulse on an edge line, a
 * resampling irqfd on a level one. -1 leaves HV_IRQ_LINE.
 */
static int hvctl_virtio_irqfd(struct hvctl_virtio_bus *bus, unsigned int slot)
{
	struct hv_irqfd req = { .irq = HVCTL_VIRTIO_IRQ0 + slot };
	int fd, rfd = -1;

	fd = eventfd(0, EFD_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (!hvctl_virtio_irq_edge()) {
		rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (rfd < 0)
			goto fail;
		req.flags = HV_IRQFD_RESAMPLE;
		req.resamplefd = rfd;
	}
	req.fd = fd;
	if (ioctl(bus->vmm->vm, HV_IRQFD, &req))
		goto fail;
	bus->irqfd[slot] = fd;
	bus->resamplefd[slot] = rfd;
	return 0;
fail:
	hvctl_vmm_log(bus->vmm, "virtio slot %u: no irqfd (%s): the interrupt goes through HV_IRQ_LINE",
		      slot, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (rfd >= 0)
		close(rfd);
	return -1;
}

/*
 * The guest ended the interrupt of @slot's level line and hv lowered it:
 * up again while the device still has InterruptStatus bits (a request
 * completed after the driver's InterruptACK).
 */
static void hvctl_virtio_resample(struct hvctl_virtio_bus *bus,
				  unsigned int slot)
{
	struct virtio_mmio_dev *dev = &bus->dev[slot];

	hvctl_virtio_count(bus, slot, resamples);
	pthread_mutex_lock(&dev->lock);
	if (dev->int_status) {
		hvctl_virtio_signal(bus->irqfd[slot]);
		hvctl_virtio_count(bus, slot, again);
	}
	pthread_mutex_unlock(&dev->lock);
}

/*
 * QueueNotify of queue @q as an ioeventfd on @fd. 0, or -1 (logged): the
 * write then exits as before.
 */
static int hvctl_virtio_ioeventfd(struct hvctl_virtio_bus *bus,
				  unsigned int slot, unsigned int q, int fd)
{
	struct hv_ioeventfd req = {
		.addr = HVCTL_VIRTIO_BASE + slot * VIRTIO_MMIO_SIZE +
			VIRTIO_MMIO_QUEUE_NOTIFY,
		.len = 4,
		.fd = fd,
		.flags = HV_IOEVENTFD_DATAMATCH,
		.datamatch = q,
	};

	if (!ioctl(bus->vmm->vm, HV_IOEVENTFD, &req))
		return 0;
	hvctl_vmm_log(bus->vmm, "virtio slot %u queue %u: no ioeventfd (%s): QueueNotify exits",
		      slot, q, strerror(errno));
	return -1;
}

/* The fast path for slot @slot, as far as hv and the device allow. */
static void hvctl_virtio_fast_setup(struct hvctl_virtio_bus *bus,
				    unsigned int slot)
{
	struct virtio_mmio_dev *dev = &bus->dev[slot];
	const struct virtio_dev_ops *ops = dev->ops;
	unsigned int q;
	int fd;

	if (bus->irqfd_ok)
		hvctl_virtio_irqfd(bus, slot);
	if (!bus->ioeventfd_ok)
		return;
	for (q = 0; q < ops->nr_queues && q < VIRTIO_MAX_QUEUES; q++) {
		if (ops->queue_eventfd) {
			fd = ops->queue_eventfd(dev, q);
			if (fd >= 0)
				hvctl_virtio_ioeventfd(bus, slot, q, fd);
			continue;
		}
		if (!ops->queue_notify)
			continue;
		fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fd < 0)
			continue;
		if (hvctl_virtio_ioeventfd(bus, slot, q, fd)) {
			close(fd);
			continue;
		}
		bus->notifyfd[slot][q] = fd;
	}
}

/* who[] of the bus thread: a slot's resample eventfd, not a queue's */
#define HVCTL_VIRTIO_WHO_RESAMPLE	(HVCTL_VIRTIO_SLOTS * VIRTIO_MAX_QUEUES)

/*
 * The bus's thread: the ioeventfds of devices that take notifies through
 * ops->queue_notify (they wake their own I/O thread from it), and the
 * resample eventfds of level lines.
 */
static void *hvctl_virtio_thread(void *arg)
{
	struct pollfd pfd[1 + HVCTL_VIRTIO_SLOTS * (VIRTIO_MAX_QUEUES + 1)];
	unsigned int who[sizeof(pfd) / sizeof(pfd[0])];
	struct hvctl_virtio_bus *bus = arg;
	struct virtio_mmio_dev *dev;
	unsigned int i, q, n = 1;
	uint64_t v;

	pfd[0] = (struct pollfd){ .fd = bus->stopfd, .events = POLLIN };
	for (i = 0; i < bus->nr; i++) {
		for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
			if (bus->notifyfd[i][q] < 0)
				continue;
			who[n] = i * VIRTIO_MAX_QUEUES + q;
			pfd[n++] = (struct pollfd){ .fd = bus->notifyfd[i][q],
						    .events = POLLIN };
		}
		if (bus->resamplefd[i] >= 0) {
			who[n] = HVCTL_VIRTIO_WHO_RESAMPLE + i;
			pfd[n++] = (struct pollfd){ .fd = bus->resamplefd[i],
						    .events = POLLIN };
		}
	}
	for (;;) {
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents)
			break;
		for (i = 1; i < n; i++) {
			if (!(pfd[i].revents & POLLIN) ||
			    read(pfd[i].fd, &v, sizeof(v)) != sizeof(v))
				continue;
			if (who[i] >= HVCTL_VIRTIO_WHO_RESAMPLE) {
				hvctl_virtio_resample(bus, who[i] -
						      HVCTL_VIRTIO_WHO_RESAMPLE);
				continue;
			}
			dev = &bus->dev[who[i] / VIRTIO_MAX_QUEUES];
			dev->ops->queue_notify(dev, who[i] % VIRTIO_MAX_QUEUES);
		}
	}
	return NULL;
}

/* Starts the bus's thread when a slot needs it. 0, or -1 (logged). */
static int hvctl_virtio_fast_start(struct hvctl_virtio_bus *bus)
{
	unsigned int i, q;
	int need = 0, e;

	for (i = 0; i < bus->nr; i++) {
		for (q = 0; q < VIRTIO_MAX_QUEUES; q++)
			need |= bus->notifyfd[i][q] >= 0;
		need |= bus->resamplefd[i] >= 0;
	}
	if (!need)
		return 0;
	bus->stopfd = eventfd(0, EFD_CLOEXEC);
	if (bus->stopfd < 0) {
		hvctl_vmm_log(bus->vmm, "virtio: eventfd: %s", strerror(errno));
		return -1;
	}
	e = pthread_create(&bus->thread, NULL, hvctl_virtio_thread, bus);
	if (e) {
		hvctl_vmm_log(bus->vmm, "virtio: cannot start the bus thread: %s",
			      strerror(e));
		return -1;
	}
	bus->thread_ok = 1;
	return 0;
}

/* Stops the bus's thread and closes the fast path's eventfds. */
static void hvctl_virtio_fast_teardown(struct hvctl_virtio_bus *bus)
{
	unsigned int i, q;

	if (bus->thread_ok) {
		hvctl_virtio_signal(bus->stopfd);
		pthread_join(bus->thread, NULL);
		bus->thread_ok = 0;
	}
	if (bus->stopfd >= 0)
		close(bus->stopfd);
	/* hv keeps its references until the VM goes: nothing fires after */
	for (i = 0; i < HVCTL_VIRTIO_SLOTS; i++) {
		if (bus->irqfd[i] >= 0)
			close(bus->irqfd[i]);
		if (bus->resamplefd[i] >= 0)
			close(bus->resamplefd[i]);
		for (q = 0; q < VIRTIO_MAX_QUEUES; q++)
			if (bus->notifyfd[i][q] >= 0)
				close(bus->notifyfd[i][q]);
	}
}

int hvctl_virtio_lock_disks(struct hvctl_vmm *vmm)
{
	const struct hvctl_def *def = vmm->def;
	struct hvctl_virtio_bus *bus;
	char err[PATH_MAX + 128];
	unsigned int i;

	if (!def->nr_disks && !def->nr_nics)
		return 0;
	bus = hvctl_virtio_bus(vmm);
	if (!bus)
		return -1;
	for (i = 0; i < def->nr_disks; i++) {
		bus->fd[i] = hvctl_blk_open(&def->disks[i], err, sizeof(err));
		if (bus->fd[i] < 0) {
			hvctl_err("start %s: %s", def->name, err);
			return -1;
		}
	}
	/* the taps too: a start on a tap it cannot have fails with the reason */
	for (i = 0; i < def->nr_nics; i++) {
		bus->tap[i] = hvctl_net_open(&def->nics[i], err, sizeof(err));
		if (bus->tap[i] < 0) {
			hvctl_err("start %s: %s", def->name, err);
			return -1;
		}
	}
	return 0;
}

/* The slot's device is made: its interrupt and log are the bus's. */
static void hvctl_virtio_attach(struct hvctl_virtio_bus *bus,
				struct virtio_mmio_dev *dev)
{
	pthread_mutex_lock(&dev->lock);
	dev->opaque = bus;
	dev->irq = hvctl_virtio_irq;
	dev->log = hvctl_virtio_log;
	pthread_mutex_unlock(&dev->lock);
	bus->nr++;
}

/* A virtio-net device per --net, in the slots after the disks. */
static int hvctl_virtio_setup_nets(struct hvctl_vmm *vmm,
				   struct hvctl_virtio_bus *bus)
{
	const struct hvctl_def *def = vmm->def;
	unsigned int i, slot = def->nr_disks;
	struct virtio_mmio_dev *dev;
	char err[256];
	const uint8_t *m;

	int fd;

	for (i = 0; i < def->nr_nics; i++, slot++) {
		dev = &bus->dev[slot];
		/* the device owns the tap from here, even if it fails */
		fd = bus->tap[i];
		bus->tap[i] = -1;
		bus->net[slot] = hvctl_net_create_fd(&def->nics[i], fd,
						     def->name, i, dev,
						     &bus->mem, err,
						     sizeof(err));
		if (!bus->net[slot]) {
			hvctl_err("start %s: %s", def->name, err);
			return -1;
		}
		hvctl_virtio_attach(bus, dev);
		hvctl_ioquota_register(vmm, HVCTL_IO_NET, def->nics[i].tap,
				       hvctl_net_iolimit(bus->net[slot]));
		/* before the guest runs: no interrupt is raised yet */
		hvctl_virtio_fast_setup(bus, slot);
		m = hvctl_net_mac(bus->net[slot]);
		hvctl_vmm_log(vmm, "virtio slot %u: virtio-net on tap %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, tap offloads 0x%x, at 0x%llx, interrupt %u%s%s",
			      slot, def->nics[i].tap, m[0], m[1], m[2], m[3],
			      m[4], m[5], hvctl_net_tap_offloads(bus->net[slot]),
			      HVCTL_VIRTIO_BASE + slot * VIRTIO_MMIO_SIZE,
			      HVCTL_VIRTIO_IRQ0 + slot,
			      bus->ioeventfd_ok ? ", ioeventfd" : "",
			      bus->irqfd[slot] >= 0 ? ", irqfd" : "");
	}
	return 0;
}

unsigned int hvctl_virtio_nr_slots(const struct hvctl_def *def)
{
	return def->nr_disks + def->nr_nics + !!def->vsock_cid +
	       !!hvctl_virtio_hvc(def) + hvctl_virtio_input_slots(def);
}

int hvctl_virtio_hvc(const struct hvctl_def *def)
{
	const char *p = def->cmdline;

	if (def->console)
		return def->console == HVCTL_CONSOLE_HVC;
	/* a word of the command line, not a part of one */
	while ((p = strstr(p, "console=hvc"))) {
		if (p == def->cmdline || p[-1] == ' ')
			return 1;
		p++;
	}
	return 0;
}

/* --vsock and the virtio console, after the disks and NICs. 0, or -1 (said). */
static int hvctl_virtio_setup_more(struct hvctl_vmm *vmm,
				   struct hvctl_virtio_bus *bus)
{
	const struct hvctl_def *def = vmm->def;
	char err[PATH_MAX + 128], path[PATH_MAX];
	unsigned int i;

	if (def->vsock_cid) {
		i = bus->nr;
		hvctl_state_path(def->name, "vsock", path, sizeof(path));
		bus->vsock = hvctl_vsock_create(def->vsock_cid, path,
						&bus->dev[i], &bus->mem, err,
						sizeof(err));
		if (!bus->vsock) {
			hvctl_err("start %s: %s", def->name, err);
			return -1;
		}
		hvctl_virtio_attach(bus, &bus->dev[i]);
		hvctl_virtio_fast_setup(bus, i);
		hvctl_ioquota_register_vsock(vmm, bus->vsock);	/* statistics */
		hvctl_vmm_log(vmm, "virtio slot %u: virtio-vsock, guest CID %llu, host sockets %s and %s_PORT, interrupt %u",
			      i, (unsigned long long)def->vsock_cid, path, path,
			      HVCTL_VIRTIO_IRQ0 + i);
	}
	if (hvctl_virtio_hvc(def)) {
		i = bus->nr;
		bus->vcon = hvctl_vcon_create(vmm, &bus->dev[i], &bus->mem,
					      err, sizeof(err));
		if (!bus->vcon) {
			hvctl_err("start %s: %s", def->name, err);
			return -1;
		}
		hvctl_virtio_attach(bus, &bus->dev[i]);
		hvctl_virtio_fast_setup(bus, i);
		hvctl_vmm_log(vmm, "virtio slot %u: virtio-console (hvc0), the console's input goes there, interrupt %u",
			      i, HVCTL_VIRTIO_IRQ0 + i);
	}
	return 0;
}

unsigned int hvctl_virtio_input_slots(const struct hvctl_def *def)
{
	return def->vnc[0] ? 2 : 0;
}

/* The keyboard and the tablet of --vnc, in the last slots. */
static int hvctl_virtio_setup_input(struct hvctl_vmm *vmm,
				    struct hvctl_virtio_bus *bus)
{
	static const char *const what[2] = { "keyboard", "tablet" };
	const struct hvctl_def *def = vmm->def;
	struct virtio_mmio_dev *dev;
	unsigned int i, slot;
	char err[128];

	if (!hvctl_virtio_input_slots(def))
		return 0;
	if (bus->nr + 2 > HVCTL_VIRTIO_SLOTS) {
		hvctl_err("start %s: no virtio slots left for the keyboard and the tablet",
			  def->name);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		slot = bus->nr;
		dev = &bus->dev[slot];
		bus->input[i] = hvctl_input_create(i ? HVCTL_INPUT_TABLET :
						   HVCTL_INPUT_KEYBOARD, dev,
						   &bus->mem, err, sizeof(err));
		if (!bus->input[i]) {
			hvctl_err("start %s: %s", def->name, err);
			return -1;
		}
		hvctl_virtio_attach(bus, dev);
		hvctl_virtio_fast_setup(bus, slot);
		hvctl_vmm_log(vmm, "virtio slot %u: virtio-input %s at 0x%llx, interrupt %u",
			      slot, what[i],
			      HVCTL_VIRTIO_BASE + slot * VIRTIO_MMIO_SIZE,
			      HVCTL_VIRTIO_IRQ0 + slot);
	}
	hvctl_input_register(bus->input[0], bus->input[1]);
	return 0;
}

int hvctl_virtio_setup(struct hvctl_vmm *vmm)
{
	const struct hvctl_def *def = vmm->def;
	struct hvctl_virtio_bus *bus;
	struct virtio_mmio_dev *dev;
	char err[PATH_MAX + 128];
	unsigned int i;
	int fd;

	if (!hvctl_virtio_nr_slots(def))
		return 0;
	/* RAM is [ram_base, ram_base + memory): at 0x40000000 on arm64 */
	if (vmm->ram_base < HVCTL_VIRTIO_BASE + HVCTL_VIRTIO_SLOTS * VIRTIO_MMIO_SIZE &&
	    vmm->ram_base + def->memory > HVCTL_VIRTIO_BASE) {
		hvctl_err("start %s: %llu bytes of RAM at 0x%llx reach the virtio slots at 0x%llx: give the VM less memory",
			  def->name, (unsigned long long)def->memory,
			  (unsigned long long)vmm->ram_base, HVCTL_VIRTIO_BASE);
		return -1;
	}
	bus = hvctl_virtio_bus(vmm);
	if (!bus)
		return -1;
	bus->mem = (struct hvctl_gmem){ .base = vmm->mem,
					.gpa = vmm->ram_base,
					.size = def->memory };
	hvctl_virtio_fast_caps(bus);
	for (i = 0; i < def->nr_disks; i++) {
		dev = &bus->dev[i];
		/* the device owns the descriptor from here, even if it fails */
		fd = bus->fd[i];
		bus->fd[i] = -1;
		bus->blk[i] = hvctl_blk_create_fd(&def->disks[i], fd, dev,
						  &bus->mem, err, sizeof(err));
		if (!bus->blk[i]) {
			hvctl_err("start %s: %s", def->name, err);
			return -1;
		}
		hvctl_virtio_attach(bus, dev);
		hvctl_ioquota_register(vmm, HVCTL_IO_DISK, def->disks[i].path,
				       hvctl_blk_iolimit(bus->blk[i]));
		/* before the guest runs: no interrupt is raised yet */
		hvctl_virtio_fast_setup(bus, i);
		hvctl_vmm_log(vmm, "virtio slot %u: virtio-blk %s%s%s at 0x%llx, interrupt %u%s%s",
			      i, def->disks[i].path,
			      def->disks[i].flags & HVCTL_DISK_RO ? ", ro" : "",
			      def->disks[i].flags & HVCTL_DISK_DIRECT ?
			      ", cache=none" : "",
			      HVCTL_VIRTIO_BASE + i * VIRTIO_MMIO_SIZE,
			      HVCTL_VIRTIO_IRQ0 + i,
			      bus->ioeventfd_ok ? ", ioeventfd" : "",
			      bus->irqfd[i] >= 0 ? ", irqfd" : "");
	}
	if (hvctl_virtio_setup_nets(vmm, bus) ||
	    hvctl_virtio_setup_more(vmm, bus) ||
	    hvctl_virtio_setup_input(vmm, bus))
		return -1;
	return hvctl_virtio_fast_start(bus);
}

/* How each slot's interrupts went, for the VMM's log at the end. */
static void hvctl_virtio_log_counts(struct hvctl_virtio_bus *bus)
{
	unsigned int i;

	for (i = 0; i < bus->nr; i++) {
		if (!bus->count[i].raised)
			continue;
		hvctl_vmm_log(bus->vmm, "virtio slot %u: %lu interrupts: %lu HV_IRQ_LINE ioctls, %lu irqfd signals, %lu resamples (%lu signalled again)",
			      i, bus->count[i].raised, bus->count[i].ioctls,
			      bus->count[i].signals, bus->count[i].resamples,
			      bus->count[i].again);
	}
}

void hvctl_virtio_teardown(struct hvctl_vmm *vmm)
{
	struct hvctl_virtio_bus *bus = vmm->virtio;
	unsigned int i;

	if (!bus)
		return;
	/* the thread calls into the devices: it ends first */
	hvctl_virtio_fast_teardown(bus);
	hvctl_virtio_log_counts(bus);
	for (i = 0; i < 2; i++)
		hvctl_input_destroy(bus->input[i]);
	for (i = 0; i < bus->nr; i++)
		hvctl_blk_destroy(bus->blk[i]);
	for (i = 0; i < bus->nr; i++)
		hvctl_net_destroy(bus->net[i]);
	hvctl_vsock_destroy(bus->vsock);
	hvctl_vcon_destroy(bus->vcon);
	for (i = 0; i < HVCTL_VIRTIO_SLOTS; i++)
		if (bus->fd[i] >= 0)
			close(bus->fd[i]);
	for (i = 0; i < HVCTL_MAX_NICS; i++)
		if (bus->tap[i] >= 0)
			close(bus->tap[i]);
	free(bus);
	vmm->virtio = NULL;
}

int hvctl_virtio_exit(struct hvctl_vcpu *vcpu)
{
	struct hvctl_virtio_bus *bus = vcpu->vmm->virtio;
	struct hv_exit_mmio *mmio = &vcpu->run->mmio;
	uint64_t off = mmio->phys_addr - HVCTL_VIRTIO_BASE;
	struct virtio_mmio_dev *dev;

	if (!bus || mmio->phys_addr < HVCTL_VIRTIO_BASE ||
	    off >= (uint64_t)bus->nr * VIRTIO_MMIO_SIZE ||
	    !mmio->len || mmio->len > sizeof(mmio->data))
		return 0;
	dev = &bus->dev[off / VIRTIO_MMIO_SIZE];
	off %= VIRTIO_MMIO_SIZE;
	if (mmio->is_write)
		virtio_mmio_write(dev, off, mmio->data, mmio->len);
	else
		virtio_mmio_read(dev, off, mmio->data, mmio->len);
	return 1;
}
