// SPDX-License-Identifier: GPL-2.0
/*
 * The IOAPIC of HV_VM_IRQCHIP VMs: an 82093AA-like I/O APIC with 24 pins
 * at HV_IOAPIC_BASE (Intel 82093AA datasheet, 3.0 "Register
 * Description"; the register window IOREGSEL at 0x00 and IOWIN at 0x10).
 * Lines are set with HV_IRQ_LINE from any thread; a level-triggered pin
 * sends again after the guest's EOI while its line stays asserted (remote
 * IRR). The level the VMM sets is the asserted state, whatever the pin's
 * polarity bit says. No VMX here (lapic.h).
 */
#include <linux/slab.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "hv_ioctl.h"
#include "lapic.h"

#define IOAPIC_VERSION		0x11
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_ARB		0x02
#define IOAPIC_REG_REDIR	0x10

#define IOREGSEL		0x00
#define IOWIN			0x10

#define REDIR_VECTOR		0xffULL
#define REDIR_DELIVERY		(7ULL << 8)
#define REDIR_LOGICAL		BIT_ULL(11)
#define REDIR_STATUS		BIT_ULL(12)
#define REDIR_POLARITY		BIT_ULL(13)
#define REDIR_REMOTE_IRR	BIT_ULL(14)
#define REDIR_LEVEL		BIT_ULL(15)
#define REDIR_MASKED		BIT_ULL(16)
#define REDIR_DEST		GENMASK_ULL(63, 56)
/* what the guest may write: not delivery status, not remote IRR */
#define REDIR_WRITABLE		(REDIR_VECTOR | REDIR_DELIVERY | REDIR_LOGICAL | \
				 REDIR_POLARITY | REDIR_LEVEL | REDIR_MASKED | \
				 REDIR_DEST)

struct hv_ioapic *hv_ioapic_create(struct hv_vm *vm)
{
	struct hv_ioapic *io = kzalloc(sizeof(*io), GFP_KERNEL_ACCOUNT);
	int i;

	if (!io)
		return NULL;
	spin_lock_init(&io->lock);
	io->vm = vm;
	for (i = 0; i < HV_IOAPIC_PINS; i++)
		io->redir[i] = REDIR_MASKED;
	return io;
}

void hv_ioapic_destroy(struct hv_ioapic *io)
{
	kfree(io);
}

/* Send pin @pin's message (io->lock held). */
static void ioapic_send(struct hv_ioapic *io, u32 pin)
{
	u64 e = io->redir[pin];
	struct hv_apic_irq irq = {
		.dest = e >> 56,
		.broadcast = 0xff,
		.vector = e & REDIR_VECTOR,
		.delivery = (e & REDIR_DELIVERY) >> 8,
		.logical = e & REDIR_LOGICAL,
		.level = e & REDIR_LEVEL,
		.assert = true,
	};

	if (e & REDIR_LEVEL)
		io->redir[pin] |= REDIR_REMOTE_IRR;
	hv_apic_deliver(io->vm, &irq, NULL);
}

/* A level pin whose line is up sends when nothing holds it back. */
static void ioapic_service(struct hv_ioapic *io, u32 pin)
{
	u64 e = io->redir[pin];

	if ((e & REDIR_LEVEL) && !(e & (REDIR_MASKED | REDIR_REMOTE_IRR)) &&
	    (io->lines & BIT(pin)))
		ioapic_send(io, pin);
}

/**
 * hv_ioapic_set_line() - HV_IRQ_LINE for a GSI.
 * @io: the IOAPIC.
 * @pin: the GSI, 0..23.
 * @level: asserted or not.
 *
 * An edge pin sends on a rising edge, a level pin while asserted (once
 * per EOI). Any thread and context (IRQs are off under the lock).
 *
 * Return: 0, or -EINVAL for a pin the IOAPIC does not have.
 */
int hv_ioapic_set_line(struct hv_ioapic *io, u32 pin, bool level)
{
	unsigned long flags;
	bool old;

	if (pin >= HV_IOAPIC_PINS)
		return -EINVAL;
	spin_lock_irqsave(&io->lock, flags);
	old = io->lines & BIT(pin);
	if (level)
		io->lines |= BIT(pin);
	else
		io->lines &= ~BIT(pin);
	if (io->redir[pin] & REDIR_LEVEL)
		ioapic_service(io, pin);
	else if (level && !old && !(io->redir[pin] & REDIR_MASKED))
		ioapic_send(io, pin);
	spin_unlock_irqrestore(&io->lock, flags);
	return 0;
}

/**
 * hv_ioapic_eoi() - a local APIC's EOI of a level-triggered vector: the
 * pins that sent it may send again (82093AA 3.2.4, remote IRR).
 * @io: the IOAPIC.
 * @vector: the vector.
 */
void hv_ioapic_eoi(struct hv_ioapic *io, u8 vector)
{
	unsigned long flags;
	u32 pin;

	spin_lock_irqsave(&io->lock, flags);
	for (pin = 0; pin < HV_IOAPIC_PINS; pin++) {
		u64 e = io->redir[pin];

		if ((e & REDIR_VECTOR) != vector || !(e & REDIR_REMOTE_IRR))
			continue;
		io->redir[pin] &= ~REDIR_REMOTE_IRR;
		/* a resampling irqfd's line: down until the VMM says again */
		if (hv_irqfd_resample(io->vm, pin))
			io->lines &= ~BIT(pin);
		ioapic_service(io, pin);
	}
	spin_unlock_irqrestore(&io->lock, flags);
}

bool hv_ioapic_mmio_page(u64 gpa)
{
	return (gpa & ~0xfffULL) == HV_IOAPIC_BASE;
}

static u32 ioapic_read_reg(struct hv_ioapic *io)
{
	u32 idx = io->ioregsel, pin;

	switch (idx) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		return io->id << 24;
	case IOAPIC_REG_VER:
		return IOAPIC_VERSION | ((HV_IOAPIC_PINS - 1) << 16);
	}
	pin = (idx - IOAPIC_REG_REDIR) / 2;
	if (idx < IOAPIC_REG_REDIR || pin >= HV_IOAPIC_PINS)
		return 0xffffffff;	/* no register: the bus floats */
	return idx & 1 ? io->redir[pin] >> 32 : (u32)io->redir[pin];
}

static void ioapic_write_reg(struct hv_ioapic *io, u32 val)
{
	u32 idx = io->ioregsel, pin;
	u64 e;

	if (idx == IOAPIC_REG_ID) {
		io->id = (val >> 24) & 0xf;
		return;
	}
	pin = (idx - IOAPIC_REG_REDIR) / 2;
	if (idx < IOAPIC_REG_REDIR || pin >= HV_IOAPIC_PINS)
		return;		/* read-only or absent: ignored */
	e = io->redir[pin];
	if (idx & 1)
		e = (e & 0xffffffffULL) | ((u64)val << 32);
	else
		e = (e & ~0xffffffffULL) | val;
	e = (e & REDIR_WRITABLE) | (io->redir[pin] & REDIR_REMOTE_IRR);
	/* an edge pin has no remote IRR */
	if (!(e & REDIR_LEVEL))
		e &= ~REDIR_REMOTE_IRR;
	io->redir[pin] = e;
	ioapic_service(io, pin);
}

/* 32-bit accesses at IOREGSEL and IOWIN; anything else reads 0. */
void hv_ioapic_mmio_read(struct hv_ioapic *io, u32 off, u32 *val)
{
	unsigned long flags;

	spin_lock_irqsave(&io->lock, flags);
	if (off == IOREGSEL)
		*val = io->ioregsel;
	else if (off == IOWIN)
		*val = ioapic_read_reg(io);
	else
		*val = 0;
	spin_unlock_irqrestore(&io->lock, flags);
}

void hv_ioapic_mmio_write(struct hv_ioapic *io, u32 off, u32 val)
{
	unsigned long flags;

	spin_lock_irqsave(&io->lock, flags);
	if (off == IOREGSEL)
		io->ioregsel = val & 0xff;
	else if (off == IOWIN)
		ioapic_write_reg(io, val);
	spin_unlock_irqrestore(&io->lock, flags);
}

void hv_ioapic_get_state(struct hv_ioapic *io, struct hv_ioapic_state *s)
{
	unsigned long flags;

	memset(s, 0, sizeof(*s));
	spin_lock_irqsave(&io->lock, flags);
	s->id = io->id;
	s->ioregsel = io->ioregsel;
	s->lines = io->lines;
	memcpy(s->redirtbl, io->redir, sizeof(s->redirtbl));
	spin_unlock_irqrestore(&io->lock, flags);
}

/* HV_SET_IOAPIC: nothing is sent; level pins send on the next EOI/line. */
int hv_ioapic_set_state(struct hv_ioapic *io, const struct hv_ioapic_state *s)
{
	unsigned long flags;
	int i;

	if (s->pad || s->id > 0xf || s->ioregsel > 0xff ||
	    s->lines >> HV_IOAPIC_PINS ||
	    !hv_is_zero(s->reserved, sizeof(s->reserved)))
		return -EINVAL;
	for (i = 0; i < HV_IOAPIC_PINS; i++)
		if (s->redirtbl[i] & ~(REDIR_WRITABLE | REDIR_REMOTE_IRR))
			return -EINVAL;
	spin_lock_irqsave(&io->lock, flags);
	io->id = s->id;
	io->ioregsel = s->ioregsel;
	io->lines = s->lines;
	memcpy(io->redir, s->redirtbl, sizeof(io->redir));
	spin_unlock_irqrestore(&io->lock, flags);
	return 0;
}
