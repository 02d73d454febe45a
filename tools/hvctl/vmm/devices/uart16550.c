// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 guest's console: a 16550 UART at COM1 without FIFOs (a guest
 * sees a 16450). Transmit is always ready (a byte written goes to the
 * console at once), received bytes come from the console; the divisor
 * latch is kept but unused.
 *
 * Interrupts (National Semiconductor PC16550D data sheet, "Interrupt
 * Identification Register"): received data available while IER.ERBFI is
 * set, and "transmitter holding register empty" while IER.ETBEI is set,
 * raised when ETBEI goes from 0 to 1 and after every byte written, and
 * cleared by a write to THR or a read of IIR that reports it. When the VM
 * has an in-kernel IOAPIC (hvctl_uart16550_irq_init()) the interrupt
 * drives GSI 4; else the UART is polled, as bare images do. The line
 * follows the interrupt condition, with a 0 before each new event (a byte
 * written, a byte read while more wait), so that an edge-triggered input
 * sees every one as a level-triggered one does.
 */
#include "vmm.h"

#define UART_IER	1
#define UART_IER_ERBFI	0x01	/* received data available */
#define UART_IER_ETBEI	0x02	/* transmitter holding register empty */
#define UART_IIR_NO_INT	0x01
#define UART_IIR_THRE	0x02
#define UART_IIR_RDA	0x04
#define UART_LCR	3
#define UART_LCR_DLAB	0x80
#define UART_LSR_DR	0x01	/* data ready */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_LSR_TEMT	0x40	/* transmitter empty */
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_DCD	0x80

/* The interrupt the IIR reports, by priority. Called with vmm->lock held. */
static uint8_t __hvctl_uart_iir(struct hvctl_vmm *vmm)
{
	uint8_t ier = vmm->arch.uart[UART_IER];

	if ((ier & UART_IER_ERBFI) && __hvctl_console_rx_ready(vmm))
		return UART_IIR_RDA;
	if ((ier & UART_IER_ETBEI) && vmm->arch.uart_thre)
		return UART_IIR_THRE;
	return UART_IIR_NO_INT;
}

/*
 * Gives GSI 4 the interrupt condition; @edge: a new event, so lower the
 * line first if it is up. Called with vmm->lock held (the order of the
 * levels is the order of the events).
 */
static void __hvctl_uart_update(struct hvctl_vmm *vmm, int edge)
{
	int level = __hvctl_uart_iir(vmm) != UART_IIR_NO_INT;

	if (!vmm->irq_lines)
		return;
	if (edge && level && vmm->arch.uart_irq) {
		hvctl_vmm_irq_line(vmm, HVCTL_UART_GSI, 0);
		vmm->arch.uart_irq = 0;
	}
	if (level != vmm->arch.uart_irq) {
		hvctl_vmm_irq_line(vmm, HVCTL_UART_GSI, level);
		vmm->arch.uart_irq = level;
	}
}

/* console input arrived (console.c, vmm->lock held) */
static void hvctl_uart16550_rx(struct hvctl_vmm *vmm)
{
	__hvctl_uart_update(vmm, 0);
}

void hvctl_uart16550_irq_init(struct hvctl_vmm *vmm)
{
	pthread_mutex_lock(&vmm->lock);
	vmm->rx_notify = hvctl_uart16550_rx;
	pthread_mutex_unlock(&vmm->lock);
}

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
			__hvctl_uart_update(vmm, 1);
		}
		break;
	case 2:		/* IIR */
		val = __hvctl_uart_iir(vmm);
		if (val == UART_IIR_THRE) {
			vmm->arch.uart_thre = 0;
			__hvctl_uart_update(vmm, 0);
		}
		break;
	case 5:		/* LSR */
		val = UART_LSR_THRE | UART_LSR_TEMT |
		      (__hvctl_console_rx_ready(vmm) ? UART_LSR_DR : 0);
		break;
	case 6:		/* MSR */
		val = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
		break;
	case 1:		/* IER (or DLM) */
		val = regs[UART_LCR] & UART_LCR_DLAB ? vmm->arch.uart_dlm :
						       regs[UART_IER];
		break;
	default:	/* LCR, MCR, SCR */
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
	if (out) {
		vmm->arch.uart_thre = 0;
		__hvctl_uart_update(vmm, 0);
	} else if (reg == UART_IER && !(regs[UART_LCR] & UART_LCR_DLAB)) {
		if ((val & UART_IER_ETBEI) && !(regs[UART_IER] & UART_IER_ETBEI))
			vmm->arch.uart_thre = 1;
		regs[UART_IER] = val & 0x0f;
		__hvctl_uart_update(vmm, 0);
	} else if (reg == UART_IER) {
		vmm->arch.uart_dlm = val;
	} else if (reg != 2 && reg != 5 && reg != 6) {
		/* FCR (2) and the status registers LSR, MSR are not kept */
		regs[reg & 7] = val;
	}
	pthread_mutex_unlock(&vmm->lock);
	if (!out)
		return;
	hvctl_console_out(vmm, val);
	/* the byte left at once: THR is empty again, a new event */
	pthread_mutex_lock(&vmm->lock);
	vmm->arch.uart_thre = 1;
	__hvctl_uart_update(vmm, 1);
	pthread_mutex_unlock(&vmm->lock);
}
