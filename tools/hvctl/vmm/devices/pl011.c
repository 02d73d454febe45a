// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 guest's console: an Arm PL011 UART (PrimeCell UART TRM,
 * DDI 0183) reduced to what a polling driver needs. Transmit never waits
 * (FR.TXFE set, TXFF clear), received bytes come from the console (FR.RXFE
 * while none waits), no interrupts (RIS and MIS read 0), no DMA. Control
 * registers keep what the guest writes; the ID registers read as a PL011's,
 * so that a driver probing them (Linux's amba-pl011) recognises it.
 */
#include "vmm.h"

#define PL011_DR	0x000
#define PL011_FR	0x018
#define PL011_RIS	0x03c
#define PL011_MIS	0x040
#define PL011_ICR	0x044
#define PL011_PERIPHID0	0xfe0

#define PL011_FR_RXFE	(1U << 4)
#define PL011_FR_TXFE	(1U << 7)

/* PeriphID0-3 then CellID0-3 (TRM 3.3.14-15) */
static const uint8_t pl011_ids[8] = {
	0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

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
		break;
	case PL011_FR:
		val = PL011_FR_TXFE |
		      (__hvctl_console_rx_ready(vmm) ? 0 : PL011_FR_RXFE);
		break;
	case PL011_RIS:
	case PL011_MIS:
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
		return;
	}
	/* FR, RIS and MIS are read-only; ICR clears interrupts nobody raises */
	if (off >= HVCTL_PL011_NR_REGS * 4 || (off & 3) || off == PL011_FR ||
	    off == PL011_RIS || off == PL011_MIS || off == PL011_ICR)
		return;
	pthread_mutex_lock(&vmm->lock);
	vmm->arch.pl011[off / 4] = val;
	pthread_mutex_unlock(&vmm->lock);
}
