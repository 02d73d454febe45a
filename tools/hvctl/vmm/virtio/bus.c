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
 * controller (HV_IRQ_LINE): x86 IOAPIC GSI 16 + slot, arm64 SPI INTID
 * 48 + slot. A VM without HV_VM_IRQCHIP refuses the ioctl; the VMM says so
 * once, and a driver that polls still works.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "vmm.h"
#include "virtio/virtio.h"
#include "virtio/vsock.h"
#include "virtio/console.h"

struct hvctl_virtio_bus {
	struct hvctl_vmm *vmm;
	struct hvctl_gmem mem;
	unsigned int nr;
	struct virtio_mmio_dev dev[HVCTL_VIRTIO_SLOTS];
	struct hvctl_blk *blk[HVCTL_VIRTIO_SLOTS];
	/* hvctl_virtio_lock_disks(): the disks, until their devices take them */
	int fd[HVCTL_VIRTIO_SLOTS];
	int irq_warned;
	/* --vsock and the virtio console, in the slots after the disks */
	struct hvctl_vsock *vsock;
	struct hvctl_vcon *vcon;
};

static unsigned int hvctl_virtio_slot(struct virtio_mmio_dev *dev)
{
	struct hvctl_virtio_bus *bus = dev->opaque;

	return dev - bus->dev;
}

static void hvctl_virtio_irq(struct virtio_mmio_dev *dev, int level)
{
	struct hvctl_virtio_bus *bus = dev->opaque;
	struct hv_irq_level irq = {
		.irq = HVCTL_VIRTIO_IRQ0 + hvctl_virtio_slot(dev),
		.level = level,
	};

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

	hvctl_vmm_log(bus->vmm, "virtio slot %u (%s): %s", slot,
		      slot < bus->vmm->def->nr_disks ?
		      bus->vmm->def->disks[slot].path :
		      bus->vsock && dev == bus->vsock->dev ? "vsock" :
		      "console", msg);
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
	for (i = 0; i < HVCTL_VIRTIO_SLOTS; i++)
		bus->fd[i] = -1;
	vmm->virtio = bus;
	return bus;
}

int hvctl_virtio_lock_disks(struct hvctl_vmm *vmm)
{
	const struct hvctl_def *def = vmm->def;
	struct hvctl_virtio_bus *bus;
	char err[PATH_MAX + 128];
	unsigned int i;

	if (!def->nr_disks)
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
	return 0;
}

unsigned int hvctl_virtio_nr_slots(const struct hvctl_def *def)
{
	return def->nr_disks + !!def->vsock_cid + !!hvctl_virtio_hvc(def);
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

/* --vsock and the virtio console, after the disks. 0, or -1 (said). */
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
		hvctl_vmm_log(vmm, "virtio slot %u: virtio-console (hvc0), the console's input goes there, interrupt %u",
			      i, HVCTL_VIRTIO_IRQ0 + i);
	}
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
		pthread_mutex_lock(&dev->lock);
		dev->opaque = bus;
		dev->irq = hvctl_virtio_irq;
		dev->log = hvctl_virtio_log;
		pthread_mutex_unlock(&dev->lock);
		bus->nr++;
		hvctl_vmm_log(vmm, "virtio slot %u: virtio-blk %s%s%s at 0x%llx, interrupt %u",
			      i, def->disks[i].path,
			      def->disks[i].flags & HVCTL_DISK_RO ? ", ro" : "",
			      def->disks[i].flags & HVCTL_DISK_DIRECT ?
			      ", cache=none" : "",
			      HVCTL_VIRTIO_BASE + i * VIRTIO_MMIO_SIZE,
			      HVCTL_VIRTIO_IRQ0 + i);
	}
	return hvctl_virtio_setup_more(vmm, bus);
}

void hvctl_virtio_teardown(struct hvctl_vmm *vmm)
{
	struct hvctl_virtio_bus *bus = vmm->virtio;
	unsigned int i;

	if (!bus)
		return;
	for (i = 0; i < bus->nr; i++)
		hvctl_blk_destroy(bus->blk[i]);
	hvctl_vsock_destroy(bus->vsock);
	hvctl_vcon_destroy(bus->vcon);
	for (i = 0; i < HVCTL_VIRTIO_SLOTS; i++)
		if (bus->fd[i] >= 0)
			close(bus->fd[i]);
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
