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
#include "virtio/input.h"

struct hvctl_virtio_bus {
	struct hvctl_vmm *vmm;
	struct hvctl_gmem mem;
	unsigned int nr;
	struct virtio_mmio_dev dev[HVCTL_VIRTIO_SLOTS];
	struct hvctl_blk *blk[HVCTL_VIRTIO_SLOTS];
	/* --vnc: the keyboard and the tablet, in the slots after the disks */
	struct hvctl_input *input[2];
	/* hvctl_virtio_lock_disks(): the disks, until their devices take them */
	int fd[HVCTL_VIRTIO_SLOTS];
	int irq_warned;
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
		      bus->vmm->def->disks[slot].path : "virtio-input", msg);
}

/* The VMM's bus, made by the first of the two calls below. */
static struct hvctl_virtio_bus *hvctl_virtio_bus(struct hvctl_vmm *vmm)
{
	const struct hvctl_def *def = vmm->def;
	struct hvctl_virtio_bus *bus = vmm->virtio;
	unsigned int i;

	if (bus)
		return bus;
	if (def->nr_disks > HVCTL_VIRTIO_SLOTS) {
		hvctl_err("start %s: %u disks: hvctl has %d virtio slots",
			  def->name, def->nr_disks, HVCTL_VIRTIO_SLOTS);
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

unsigned int hvctl_virtio_input_slots(const struct hvctl_def *def)
{
	return def->vnc[0] ? 2 : 0;
}

/* The keyboard and the tablet of --vnc, in the slots after the disks. */
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
		pthread_mutex_lock(&dev->lock);
		dev->opaque = bus;
		dev->irq = hvctl_virtio_irq;
		dev->log = hvctl_virtio_log;
		pthread_mutex_unlock(&dev->lock);
		bus->nr++;
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

	if (!def->nr_disks && !hvctl_virtio_input_slots(def))
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
	return hvctl_virtio_setup_input(vmm, bus);
}

void hvctl_virtio_teardown(struct hvctl_vmm *vmm)
{
	struct hvctl_virtio_bus *bus = vmm->virtio;
	unsigned int i;

	if (!bus)
		return;
	for (i = 0; i < 2; i++)
		hvctl_input_destroy(bus->input[i]);
	for (i = 0; i < bus->nr; i++)
		hvctl_blk_destroy(bus->blk[i]);
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
