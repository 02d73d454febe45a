// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 guest's power key: an Arm PL061 GPIO controller (PrimeCell
 * GPIO TRM, DDI 0190) with a button on pin 3, as on QEMU's virt board,
 * which the device tree describes as a gpio-keys KEY_POWER key (fdt.c).
 * The stock Debian kernel drives it with gpio-pl061 (built in) and
 * gpio-keys (a module); a guest's acpid (busybox's, systemd-logind, ...)
 * turns the key into a clean shutdown. `hvctl stop` presses it
 * (hvctl_arch_stop_requested()).
 *
 * Registers (TRM 3.3): GPIODATA at 0x000-0x3fc, the address bits [9:2]
 * masking which pins an access sees; DIR, IS (level), IBE (both edges),
 * IEV (rising/high), IE (mask), RIS, MIS, IC (clears edges), AFSEL; the
 * ID registers read as a PL061's, which the AMBA bus checks. The pins are
 * inputs at reset, all low, the interrupt (GPIOINTR: the OR of MIS) on
 * SPI 7 (INTID 39), level-high.
 *
 * A press holds the pin high until the guest has read it high (the key's
 * driver reads the level after its debounce delay), then lets it go: the
 * guest sees a press and a release, whatever the time between them.
 */
#include <string.h>

#include "vmm.h"

#define PL061_DATA_END	0x400		/* GPIODATA, address-masked */
#define PL061_DIR	0x400
#define PL061_IS	0x404
#define PL061_IBE	0x408
#define PL061_IEV	0x40c
#define PL061_IE	0x410
#define PL061_RIS	0x414
#define PL061_MIS	0x418
#define PL061_IC	0x41c
#define PL061_AFSEL	0x420
#define PL061_PERIPHID0	0xfe0

/* PeriphID0-3 (part 0x061, designer 0x41, revision 0) then CellID0-3 */
static const uint8_t pl061_ids[8] = {
	0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

/* The level of each pin: outputs drive their data, inputs the outside. */
static uint8_t pl061_pins(const struct hvctl_pl061 *g)
{
	return (g->data & g->dir) | (g->in & ~g->dir);
}

/* RIS: latched edges plus the level-sensitive pins at their level. */
static uint8_t pl061_ris(const struct hvctl_pl061 *g)
{
	uint8_t level = ~(pl061_pins(g) ^ g->iev) & g->is;

	return (g->edges & ~g->is) | level;
}

/* GPIOINTR to the GIC, when it changed. Called with vmm->lock held. */
static void pl061_update(struct hvctl_vmm *vmm)
{
	struct hvctl_pl061 *g = &vmm->arch.gpio;
	int level = !!(pl061_ris(g) & g->ie);

	if (!vmm->arch.irqchip || level == g->line)
		return;
	g->line = level;
	hvctl_arm64_irq_line(vmm, HVCTL_VIRT_SPI_INTID(HVCTL_VIRT_GPIO_SPI),
			     level);
}

/* The pins went from @old to their levels now: latch the edges (TRM 2.3). */
static void pl061_edges(struct hvctl_pl061 *g, uint8_t old)
{
	uint8_t now = pl061_pins(g), changed = now ^ old;

	g->edges |= changed & (g->ibe | ~(now ^ g->iev));
}

/* An input pin driven from outside. Called with vmm->lock held. */
static void pl061_set_input(struct hvctl_vmm *vmm, unsigned int pin, int high)
{
	struct hvctl_pl061 *g = &vmm->arch.gpio;
	uint8_t old = pl061_pins(g);

	if (high)
		g->in |= 1U << pin;
	else
		g->in &= ~(1U << pin);
	pl061_edges(g, old);
	pl061_update(vmm);
}

/* The control register at @off that keeps what is written, or NULL. */
static uint8_t *pl061_reg(struct hvctl_pl061 *g, uint64_t off)
{
	switch (off) {
	case PL061_DIR:
		return &g->dir;
	case PL061_IS:
		return &g->is;
	case PL061_IBE:
		return &g->ibe;
	case PL061_IEV:
		return &g->iev;
	case PL061_IE:
		return &g->ie;
	case PL061_AFSEL:
		return &g->afsel;
	}
	return NULL;
}

void hvctl_pl061_reset(struct hvctl_vmm *vmm)
{
	pthread_mutex_lock(&vmm->lock);
	memset(&vmm->arch.gpio, 0, sizeof(vmm->arch.gpio));
	if (vmm->arch.irqchip)
		hvctl_arm64_irq_line(vmm,
				     HVCTL_VIRT_SPI_INTID(HVCTL_VIRT_GPIO_SPI), 0);
	pthread_mutex_unlock(&vmm->lock);
}

void hvctl_pl061_press_power(struct hvctl_vmm *vmm)
{
	pthread_mutex_lock(&vmm->lock);
	if (!vmm->arch.gpio.pressed) {
		vmm->arch.gpio.pressed = 1;
		pl061_set_input(vmm, HVCTL_VIRT_GPIO_POWER_PIN, 1);
	}
	pthread_mutex_unlock(&vmm->lock);
}

uint32_t hvctl_pl061_read(struct hvctl_vmm *vmm, uint64_t off)
{
	struct hvctl_pl061 *g = &vmm->arch.gpio;
	uint8_t mask = off >> 2, val = 0;

	if (off >= PL061_PERIPHID0)
		return off & 3 ? 0 : pl061_ids[(off - PL061_PERIPHID0) / 4];
	if (off & 3)
		return 0;
	pthread_mutex_lock(&vmm->lock);
	if (off < PL061_DATA_END) {
		val = pl061_pins(g) & mask;
		/* the guest saw the key down: release it */
		if (g->pressed &&
		    (val & (1U << HVCTL_VIRT_GPIO_POWER_PIN))) {
			g->pressed = 0;
			pl061_set_input(vmm, HVCTL_VIRT_GPIO_POWER_PIN, 0);
		}
	} else if (off == PL061_RIS) {
		val = pl061_ris(g);
	} else if (off == PL061_MIS) {
		val = pl061_ris(g) & g->ie;
	} else if (pl061_reg(g, off)) {
		val = *pl061_reg(g, off);
	}
	pthread_mutex_unlock(&vmm->lock);
	return val;
}

void hvctl_pl061_write(struct hvctl_vmm *vmm, uint64_t off, uint32_t val)
{
	struct hvctl_pl061 *g = &vmm->arch.gpio;
	uint8_t old, mask = off >> 2;

	if ((off & 3) || off >= PL061_PERIPHID0)
		return;
	pthread_mutex_lock(&vmm->lock);
	old = pl061_pins(g);
	if (off < PL061_DATA_END) {
		/* only the masked pins, and of those only the outputs, change */
		g->data = (g->data & ~mask) | (val & mask);
	} else if (off == PL061_IC) {
		g->edges &= ~val;
	} else if (pl061_reg(g, off)) {
		*pl061_reg(g, off) = val;
	}
	pl061_edges(g, old);
	pl061_update(vmm);
	pthread_mutex_unlock(&vmm->lock);
}
