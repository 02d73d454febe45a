// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 guest's console: an Arm PL011 UART (PrimeCell UART TRM,
 * DDI 0183) reduced to what Linux's amba-pl011 driver and a polling guest
 * need. Transmit never waits (FR.TXFE set, TXFF clear); received bytes
 * come from the console (FR.RXFE while none waits); no DMA. Control
 * registers keep what the guest writes; the ID registers read as a
 * PL011's, so that a driver probing them recognises it.
 *
 * Interrupts (TRM 2.8, 3.3.10-14), as QEMU's pl011 models them: the
 * receive and receive-timeout interrupts (RXRIS, RTRIS) are raised while
 * a byte waits, the transmit interrupt (TXRIS) when a byte has gone out,
 * until ICR clears it; MIS = RIS & IMSC, and UARTINTR, the OR of MIS, is
 * the level of SPI 1 (INTID 33) when the VM has hv's GICv3. Without one
 * the guest polls, as before.
 */
#include <string.h>

#include "vmm.h"

#define PL011_DR	0x000
#define PL011_FR	0x018
#define PL011_CR	0x030
#define PL011_IFLS	0x034
#define PL011_IMSC	0x038
#define PL011_RIS	0x03c
#define PL011_MIS	0x040
#define PL011_ICR	0x044
#define PL011_PERIPHID0	0xfe0

#define PL011_FR_RXFE	(1U << 4)
#define PL011_FR_TXFE	(1U << 7)

#define PL011_INT_RX	(1U << 4)
#define PL011_INT_TX	(1U << 5)
#define PL011_INT_RT	(1U << 6)
#define PL011_INT_ALL	0x7ff

#define PL011_CR_RESET		0x300	/* TXE | RXE */
#define PL011_IFLS_RESET	0x12	/* both FIFO levels at half */

/* PeriphID0-3 then CellID0-3 (TRM 3.3.14-15) */
static const uint8_t pl011_ids[8] = {
	0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

/* RIS: the raw interrupt state. Called with vmm->lock held. */
static uint32_t pl011_ris(struct hvctl_vmm *vmm)
{
	uint32_t ris = vmm->arch.pl011_tx ? PL011_INT_TX : 0;

	if (__hvctl_console_rx_ready(vmm))
		ris |= PL011_INT_RX | PL011_INT_RT;
	return ris;
}

static uint32_t pl011_mis(struct hvctl_vmm *vmm)
{
	return pl011_ris(vmm) & vmm->arch.pl011[PL011_IMSC / 4];
}

/* UARTINTR to the GIC, when it changed. Called with vmm->lock held. */
static void pl011_update(struct hvctl_vmm *vmm)
{
	int level = !!pl011_mis(vmm);

	if (!vmm->arch.irqchip || level == vmm->arch.pl011_line)
		return;
	vmm->arch.pl011_line = level;
	hvctl_arm64_irq_line(vmm, HVCTL_VIRT_SPI_INTID(HVCTL_VIRT_PL011_SPI),
			     level);
}

void hvctl_pl011_rx(struct hvctl_vmm *vmm)
{
	pl011_update(vmm);
}

void hvctl_pl011_reset(struct hvctl_vmm *vmm)
{
	pthread_mutex_lock(&vmm->lock);
	memset(vmm->arch.pl011, 0, sizeof(vmm->arch.pl011));
	vmm->arch.pl011[PL011_CR / 4] = PL011_CR_RESET;
	vmm->arch.pl011[PL011_IFLS / 4] = PL011_IFLS_RESET;
	vmm->arch.pl011_tx = 0;
	pl011_update(vmm);
	pthread_mutex_unlock(&vmm->lock);
}

uint32_t hvctl_pl011_read(struct hvctl_vmm *vmm, uint64_t off)
{
	uint32_t val = 0;
	int c;

	if (off >= PL011_PERIPHID0)
		return off & 3 ? 0 : pl011_ids[(off - PL011_PERIPHID0) / 4 % 8];
	pthread_mutex_lock(&vmm->lock);
	switch (off) {
	case PL011_DR:
		c = __hvctl_console_getc(vmm);
		val = c < 0 ? 0 : c;
		pl011_update(vmm);
		break;
	case PL011_FR:
		val = PL011_FR_TXFE |
		      (__hvctl_console_rx_ready(vmm) ? 0 : PL011_FR_RXFE);
		break;
	case PL011_RIS:
		val = pl011_ris(vmm);
		break;
	case PL011_MIS:
		val = pl011_mis(vmm);
		break;
	case PL011_ICR:
		break;
	default:
		if (off < HVCTL_PL011_NR_REGS * 4 && !(off & 3))
			val = vmm->arch.pl011[off / 4];
	}
	pthread_mutex_unlock(&vmm->lock);
	return val;
}

void hvctl_pl011_write(struct hvctl_vmm *vmm, uint64_t off, uint32_t val)
{
	if (off == PL011_DR) {
		hvctl_console_out(vmm, val & 0xff);
		pthread_mutex_lock(&vmm->lock);
		/* the byte left at once: the FIFO is below its level again */
		vmm->arch.pl011_tx = 1;
		pl011_update(vmm);
		pthread_mutex_unlock(&vmm->lock);
		return;
	}
	/* FR, RIS and MIS are read-only */
	if (off >= HVCTL_PL011_NR_REGS * 4 || (off & 3) || off == PL011_FR ||
	    off == PL011_RIS || off == PL011_MIS)
		return;
	pthread_mutex_lock(&vmm->lock);
	if (off == PL011_ICR) {
		/* RX and RT stay raised while a byte waits (TRM 3.3.13) */
		if (val & PL011_INT_TX)
			vmm->arch.pl011_tx = 0;
	} else {
		vmm->arch.pl011[off / 4] = val &
			(off == PL011_IMSC ? PL011_INT_ALL : 0xffffffff);
	}
	pl011_update(vmm);
	pthread_mutex_unlock(&vmm->lock);
}
