// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 guest's console: a 16550 UART reduced to what a polling driver
 * needs. Transmit is always ready, received bytes come from the console,
 * no interrupts, no FIFO control; the divisor latch is kept but unused.
 */
#include "vmm.h"

#define UART_LCR	3
#define UART_LCR_DLAB	0x80
#define UART_LSR_DR	0x01	/* data ready */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_LSR_TEMT	0x40	/* transmitter empty */
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_DCD	0x80
#define UART_IIR_NO_INT	0x01

uint8_t hvctl_uart16550_read(struct hvctl_vmm *vmm, unsigned int reg)
{
	uint8_t *regs = vmm->arch.uart;
	uint8_t val;
	int c;

	pthread_mutex_lock(&vmm->lock);
	switch (reg) {
	case 0:		/* RBR (or DLL) */
		if (regs[UART_LCR] & UART_LCR_DLAB) {
			val = regs[0];
		} else {
			c = __hvctl_console_getc(vmm);
			val = c < 0 ? 0 : c;
		}
		break;
	case 2:		/* IIR */
		val = UART_IIR_NO_INT;
		break;
	case 5:		/* LSR */
		val = UART_LSR_THRE | UART_LSR_TEMT |
		      (__hvctl_console_rx_ready(vmm) ? UART_LSR_DR : 0);
		break;
	case 6:		/* MSR */
		val = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
		break;
	default:	/* IER/DLM, LCR, MCR, SCR */
		val = regs[reg & 7];
	}
	pthread_mutex_unlock(&vmm->lock);
	return val;
}

void hvctl_uart16550_write(struct hvctl_vmm *vmm, unsigned int reg,
			   uint8_t val)
{
	uint8_t *regs = vmm->arch.uart;
	int out;

	pthread_mutex_lock(&vmm->lock);
	out = reg == 0 && !(regs[UART_LCR] & UART_LCR_DLAB);
	/* FCR (2) and the status registers LSR, MSR are not kept */
	if (!out && reg != 2 && reg != 5 && reg != 6)
		regs[reg & 7] = val;
	pthread_mutex_unlock(&vmm->lock);
	if (out)
		hvctl_console_out(vmm, val);
}
