// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 guest's console: a 16550A UART at COM1 with its 16-byte FIFOs.
 * Transmit is always ready (a byte written goes to the console at once),
 * received bytes come from the console; the divisor latch is kept but
 * unused.
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
 *
 * The FIFOs (data sheet, "FIFO Control Register" and "FIFO Interrupt Mode
 * Operation"): FCR bit 0 turns them on, IIR bits 7:6 then read 11 and
 * Linux's 8250 driver takes the port for a 16550A (autoconfig(): FIFO
 * size and tx_loadsz 16). That is what saves exits: the driver then
 * writes up to 16 bytes per THRE interrupt (serial8250_tx_chars()) and
 * its console up to 16 per LSR poll (serial8250_console_fifo_write()),
 * where a 16450 takes an interrupt, or an LSR read, per byte.
 * - Transmit: a byte leaves at once, so the transmit FIFO is always
 *   empty; its reset (FCR bit 2) has nothing to drop.
 * - Receive: the receive FIFO is the first 16 bytes waiting in the
 *   console's input queue (console.c holds the rest back, as flow control
 *   would). At or above the trigger level (FCR bits 7:6: 1, 4, 8, 14
 *   bytes) the interrupt is "received data available" (IIR 0x4); below it
 *   "character timeout" (IIR 0xc): the data sheet raises that after four
 *   character times without a new byte, and the console delivers what was
 *   typed in whole chunks, so no byte is ever on its way and the timeout
 *   is due at once. Both clear as RBR is read (Linux's handler treats
 *   them alike: it reads RBR while LSR.DR is set). The receive FIFO's
 *   reset (FCR bit 1) drops nothing either: the bytes are the typist's,
 *   held back and never lost (console.c), and Linux resets its FIFOs at
 *   every open of the port.
 */
#include "vmm.h"

#define UART_IER	1
#define UART_IER_ERBFI	0x01	/* received data available */
#define UART_IER_ETBEI	0x02	/* transmitter holding register empty */
#define UART_IIR_NO_INT	0x01
#define UART_IIR_THRE	0x02
#define UART_IIR_RDA	0x04
#define UART_IIR_TIMEOUT 0x0c	/* character timeout (FIFO mode) */
#define UART_IIR_FIFO	0xc0	/* the FIFOs are on */
#define UART_FCR	2
#define UART_FCR_ENABLE	0x01
#define UART_FCR_TRIG	0xc0	/* receive trigger level: 1, 4, 8, 14 */
#define UART_FIFO_SIZE	16
#define UART_LCR	3
#define UART_LCR_DLAB	0x80
#define UART_LSR_DR	0x01	/* data ready */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_LSR_TEMT	0x40	/* transmitter empty */
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_DCD	0x80

/* Bytes in the receive FIFO. Called with vmm->lock held. */
static unsigned int __hvctl_uart_rx_count(struct hvctl_vmm *vmm)
{
	unsigned int n = vmm->rx_tail - vmm->rx_head;

	return n < UART_FIFO_SIZE ? n : UART_FIFO_SIZE;
}

/* The receive FIFO's trigger level in bytes (1 without FIFOs). */
static unsigned int __hvctl_uart_rx_trigger(struct hvctl_vmm *vmm)
{
	static const uint8_t level[4] = { 1, 4, 8, 14 };
	uint8_t fcr = vmm->arch.uart_fcr;

	if (!(fcr & UART_FCR_ENABLE))
		return 1;
	return level[(fcr & UART_FCR_TRIG) >> 6];
}

/*
 * The interrupt the IIR reports, by priority (its bits 3:0; the FIFO bits
 * are the caller's). Called with vmm->lock held.
 */
static uint8_t __hvctl_uart_iir(struct hvctl_vmm *vmm)
{
	uint8_t ier = vmm->arch.uart[UART_IER];

	if ((ier & UART_IER_ERBFI) && __hvctl_console_rx_ready(vmm))
		return __hvctl_uart_rx_count(vmm) >= __hvctl_uart_rx_trigger(vmm) ?
		       UART_IIR_RDA : UART_IIR_TIMEOUT;
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
		if (vmm->arch.uart_fcr & UART_FCR_ENABLE)
			val |= UART_IIR_FIFO;
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
	} else if (reg == UART_FCR) {
		/*
		 * The other bits are written only with bit 0 set (data
		 * sheet, FCR0); bits 1 and 2 (the FIFOs' resets) have
		 * nothing to drop, bit 3 (DMA mode) no effect here. A new
		 * trigger level may change the receive interrupt's kind.
		 */
		vmm->arch.uart_fcr = val & UART_FCR_ENABLE ?
				     val & (UART_FCR_ENABLE | UART_FCR_TRIG) : 0;
		__hvctl_uart_update(vmm, 0);
	} else if (reg != 5 && reg != 6) {
		/* the status registers LSR, MSR are read-only */
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

void hvctl_uart16550_dump(struct hvctl_vmm *vmm)
{
	pthread_mutex_lock(&vmm->lock);
	hvctl_vmm_log(vmm, "UART: ier %#x fcr %#x lcr %#x iir %#x thre %u line %u, %u input bytes waiting",
		      vmm->arch.uart[UART_IER], vmm->arch.uart_fcr,
		      vmm->arch.uart[UART_LCR], __hvctl_uart_iir(vmm),
		      vmm->arch.uart_thre, vmm->arch.uart_irq,
		      vmm->rx_tail - vmm->rx_head);
	pthread_mutex_unlock(&vmm->lock);
}
