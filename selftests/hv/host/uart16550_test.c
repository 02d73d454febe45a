// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of hvctl's 16550 UART (tools/hvctl/vmm/devices/uart16550.c,
 * compiled into this program with the VMM's console.c): the interrupt
 * identification and the levels it gives its IOAPIC line, which no
 * emulator run can check until hv has an in-kernel IOAPIC. The line is a
 * stub that records every level; the sequences are what Linux's 8250
 * driver does (drivers/tty/serial/8250/8250_port.c: the THRE test of
 * serial8250_do_startup(), the interrupt handler's IIR/LSR/RBR reads).
 * The FIFO tests follow the same driver: its probe (autoconfig()), the
 * FCR values it writes (UART_FCR_ENABLE_FIFO | UART_FCR_R_TRIG_10 for a
 * 16550A) and its transmit loop, counting the register accesses (each one
 * a guest exit) per byte sent.
 */
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmm.h"
#include "hvctl_stubs.h"

static int levels[64];
static unsigned int nlevels;
/* the line's level now (levels[] keeps the first 64 only) */
static int line;

/* the stub of vmm.c's HV_IRQ_LINE call */
void hvctl_vmm_irq_line(struct hvctl_vmm *vmm, unsigned int irq, int level)
{
	if (irq >= vmm->irq_lines || irq != HVCTL_UART_GSI)
		abort();
	line = level;
	if (nlevels < 64)
		levels[nlevels++] = level;
}

#define RBR	0
#define IER	1
#define IIR	2
#define FCR	2
#define LCR	3
#define MCR	4
#define LSR	5
#define MSR	6

FIXTURE(uart) {
	struct hvctl_vmm vmm;
	struct hvctl_def def;
	int out[2];
};

FIXTURE_SETUP(uart)
{
	int i;

	memset(&self->vmm, 0, sizeof(self->vmm));
	memset(&self->def, 0, sizeof(self->def));
	self->vmm.def = &self->def;
	ASSERT_EQ(0, pipe(self->out));
	self->vmm.console_fd = self->out[1];
	for (i = 0; i < HVCTL_VMM_MAX_CLIENTS; i++)
		self->vmm.clients[i] = -1;
	pthread_mutex_init(&self->vmm.lock, NULL);
	nlevels = 0;
	line = 0;
}

FIXTURE_TEARDOWN(uart)
{
	close(self->out[0]);
	close(self->out[1]);
}

static void irq_on(struct hvctl_vmm *vmm)
{
	vmm->irq_lines = 24;
	hvctl_uart16550_irq_init(vmm);
}

/* Without an IOAPIC: polled, no interrupt ever reported or raised. */
TEST_F(uart, polled)
{
	char c;

	hvctl_uart16550_write(&self->vmm, IER, 0);
	EXPECT_EQ(0x01, hvctl_uart16550_read(&self->vmm, IIR));
	EXPECT_EQ(0x60, hvctl_uart16550_read(&self->vmm, LSR));
	hvctl_uart16550_write(&self->vmm, RBR, 'x');
	ASSERT_EQ(1, read(self->out[0], &c, 1));
	EXPECT_EQ('x', c);
	hvctl_console_in(&self->vmm, (const uint8_t *)"a", 1);
	EXPECT_EQ(0x61, hvctl_uart16550_read(&self->vmm, LSR));
	EXPECT_EQ('a', hvctl_uart16550_read(&self->vmm, RBR));
	EXPECT_EQ(0, nlevels);
}

/* Linux's THRE test: THRE must be reported after each 0 -> 1 of ETBEI. */
TEST_F(uart, thre_test_of_8250_startup)
{
	irq_on(&self->vmm);
	hvctl_uart16550_write(&self->vmm, IER, 0x02);
	EXPECT_EQ(0x02, hvctl_uart16550_read(&self->vmm, IIR));
	hvctl_uart16550_write(&self->vmm, IER, 0);
	hvctl_uart16550_write(&self->vmm, IER, 0x02);
	EXPECT_EQ(0x02, hvctl_uart16550_read(&self->vmm, IIR));
	/* a read of IIR that reported THRE cleared it */
	EXPECT_EQ(0x01, hvctl_uart16550_read(&self->vmm, IIR));
	hvctl_uart16550_write(&self->vmm, IER, 0);
	/* up, down (IIR read), up, down: one edge per event */
	ASSERT_EQ(4, nlevels);
	EXPECT_EQ(1, levels[0]);
	EXPECT_EQ(0, levels[1]);
	EXPECT_EQ(1, levels[2]);
	EXPECT_EQ(0, levels[3]);
}

/* Every byte written is a new THRE event: the line falls and rises. */
TEST_F(uart, thre_after_each_byte)
{
	char buf[2];

	irq_on(&self->vmm);
	hvctl_uart16550_write(&self->vmm, IER, 0x02);
	hvctl_uart16550_write(&self->vmm, RBR, 'h');
	hvctl_uart16550_write(&self->vmm, RBR, 'i');
	ASSERT_EQ(2, read(self->out[0], buf, 2));
	EXPECT_EQ(0, memcmp(buf, "hi", 2));
	/* 1 (ETBEI), then per byte: 0 (THR written), 1 (empty again) */
	ASSERT_EQ(5, nlevels);
	EXPECT_EQ(1, levels[0]);
	EXPECT_EQ(0, levels[1]);
	EXPECT_EQ(1, levels[2]);
	EXPECT_EQ(0, levels[3]);
	EXPECT_EQ(1, levels[4]);
	EXPECT_EQ(0x02, hvctl_uart16550_read(&self->vmm, IIR));
	/* the driver stops transmitting: ETBEI off, the line drops */
	hvctl_uart16550_write(&self->vmm, IER, 0);
	EXPECT_EQ(0, levels[nlevels - 1]);
}

/* Received data: raised when input arrives, an edge per byte read while
 * more wait, down once all is read; it has priority over THRE. */
TEST_F(uart, received_data)
{
	irq_on(&self->vmm);
	hvctl_uart16550_write(&self->vmm, IER, 0x01);
	EXPECT_EQ(0, nlevels);
	hvctl_console_in(&self->vmm, (const uint8_t *)"ab", 2);
	ASSERT_EQ(1, nlevels);
	EXPECT_EQ(1, levels[0]);
	EXPECT_EQ(0x04, hvctl_uart16550_read(&self->vmm, IIR));
	EXPECT_EQ(0x61, hvctl_uart16550_read(&self->vmm, LSR));
	EXPECT_EQ('a', hvctl_uart16550_read(&self->vmm, RBR));
	ASSERT_EQ(3, nlevels);
	EXPECT_EQ(0, levels[1]);
	EXPECT_EQ(1, levels[2]);
	hvctl_uart16550_write(&self->vmm, IER, 0x03);
	EXPECT_EQ(0x04, hvctl_uart16550_read(&self->vmm, IIR));
	EXPECT_EQ('b', hvctl_uart16550_read(&self->vmm, RBR));
	/* data read: THRE (pending since ETBEI went on) is next */
	EXPECT_EQ(0x60, hvctl_uart16550_read(&self->vmm, LSR));
	EXPECT_EQ(0x02, hvctl_uart16550_read(&self->vmm, IIR));
	EXPECT_EQ(0x01, hvctl_uart16550_read(&self->vmm, IIR));
	EXPECT_EQ(0, levels[nlevels - 1]);
}

/* The divisor latch (DLAB) does not touch IER, and IER keeps 4 bits. */
TEST_F(uart, divisor_latch)
{
	hvctl_uart16550_write(&self->vmm, IER, 0xff);
	EXPECT_EQ(0x0f, hvctl_uart16550_read(&self->vmm, IER));
	hvctl_uart16550_write(&self->vmm, LCR, 0x80);
	hvctl_uart16550_write(&self->vmm, RBR, 0x01);
	hvctl_uart16550_write(&self->vmm, IER, 0x00);
	EXPECT_EQ(0x01, hvctl_uart16550_read(&self->vmm, RBR));
	EXPECT_EQ(0x00, hvctl_uart16550_read(&self->vmm, IER));
	hvctl_uart16550_write(&self->vmm, LCR, 0x03);
	EXPECT_EQ(0x0f, hvctl_uart16550_read(&self->vmm, IER));
}

/* FCR bit 0 turns the FIFOs on, and IIR bits 7:6 say so (16550A: 11). */
TEST_F(uart, fifo_bits_in_iir)
{
	EXPECT_EQ(0x01, hvctl_uart16550_read(&self->vmm, IIR));
	hvctl_uart16550_write(&self->vmm, FCR, 0x01);
	EXPECT_EQ(0xc1, hvctl_uart16550_read(&self->vmm, IIR));
	/* the other bits are written only with bit 0 set (PC16550D) */
	hvctl_uart16550_write(&self->vmm, FCR, 0xc6);
	EXPECT_EQ(0x01, hvctl_uart16550_read(&self->vmm, IIR));
	hvctl_uart16550_write(&self->vmm, FCR, 0x07);
	EXPECT_EQ(0xc1, hvctl_uart16550_read(&self->vmm, IIR));
	/* polled: THRE and TEMT always, no FIFO error bit */
	EXPECT_EQ(0x60, hvctl_uart16550_read(&self->vmm, LSR));
}

/*
 * Linux's probe (8250_port.c autoconfig(), without
 * CONFIG_SERIAL_8250_16550A_VARIANTS as Debian builds it): the IER test,
 * the EFR write with LCR 0xbf (an FCR write here), then FCR enable and
 * IIR bits 7:6. Returns the FIFO size the driver then uses.
 */
static unsigned int linux_probe(struct hvctl_vmm *vmm)
{
	uint8_t scratch = hvctl_uart16550_read(vmm, IER);
	unsigned int size = 1;

	hvctl_uart16550_write(vmm, IER, 0);
	if (hvctl_uart16550_read(vmm, IER) & 0x0f)
		return 0;
	hvctl_uart16550_write(vmm, IER, 0x0f);
	if ((hvctl_uart16550_read(vmm, IER) & 0x0f) != 0x0f)
		return 0;
	hvctl_uart16550_write(vmm, IER, scratch);
	hvctl_uart16550_write(vmm, LCR, 0xbf);
	hvctl_uart16550_write(vmm, FCR, 0);	/* UART_EFR */
	hvctl_uart16550_write(vmm, LCR, 0);
	hvctl_uart16550_write(vmm, FCR, 0x01);
	switch (hvctl_uart16550_read(vmm, IIR) & 0xc0) {
	case 0xc0:
		size = 16;	/* PORT_16550A */
		break;
	case 0x00:
		size = 1;	/* 8250/16450 */
		break;
	default:
		return 0;	/* 16550 with its broken FIFO, unknown */
	}
	/* serial8250_clear_fifos(), then set_termios() turns them on */
	hvctl_uart16550_write(vmm, FCR, 0x01);
	hvctl_uart16550_write(vmm, FCR, 0x07);
	hvctl_uart16550_write(vmm, FCR, 0);
	if (size > 1) {
		hvctl_uart16550_write(vmm, FCR, 0x01);
		hvctl_uart16550_write(vmm, FCR, 0x81);	/* R_TRIG_10: 8 */
	}
	return size;
}

TEST_F(uart, linux_probe_finds_16550a)
{
	EXPECT_EQ(16, linux_probe(&self->vmm));
	EXPECT_EQ(0xc1, hvctl_uart16550_read(&self->vmm, IIR));
}

/* register accesses (guest exits) of the driver's transmit model */
static unsigned int accesses;

static uint8_t in(struct hvctl_vmm *vmm, unsigned int reg)
{
	accesses++;
	return hvctl_uart16550_read(vmm, reg);
}

static void out(struct hvctl_vmm *vmm, unsigned int reg, uint8_t val)
{
	accesses++;
	hvctl_uart16550_write(vmm, reg, val);
}

/*
 * Linux's interrupt-driven transmit of @n bytes (a write to ttyS0):
 * start_tx sets IER.THRI, then for each interrupt serial8250_interrupt()
 * runs the handler until IIR says none: IIR, LSR, MSR
 * (serial8250_modem_status()), up to @loadsz bytes to THR, and IER.THRI
 * cleared once the buffer is empty (__stop_tx()).
 */
static void linux_tx(struct hvctl_vmm *vmm, const char *buf, unsigned int n,
		     unsigned int loadsz)
{
	unsigned int i = 0, k, interrupts = 0;

	out(vmm, IER, 0x03);
	while (line && interrupts++ < 10 * n) {
		while (!(in(vmm, IIR) & 0x01)) {
			uint8_t lsr = in(vmm, LSR);

			in(vmm, MSR);
			if (!(lsr & 0x20) || !(hvctl_uart16550_read(vmm, IER) & 0x02))
				continue;
			for (k = 0; k < loadsz && i < n; k++)
				out(vmm, RBR, buf[i++]);
			if (i == n)
				out(vmm, IER, 0x01);
		}
	}
}

/*
 * 4096 bytes through Linux's transmit path arrive once and in order, and
 * the FIFO the probe finds takes them at fewer than 1.25 register
 * accesses (exits) a byte; a 16450 (tx_loadsz 1) needs 4.
 */
TEST_F(uart, linux_tx_exits_per_byte)
{
	static char buf[4096], got[4096];
	unsigned int size, n = 0;
	ssize_t r;
	int i;

	for (i = 0; i < 4096; i++)
		buf[i] = 'A' + (i * 7 + i / 26) % 26;
	irq_on(&self->vmm);
	size = linux_probe(&self->vmm);
	ASSERT_NE(0, size);
	accesses = 0;
	linux_tx(&self->vmm, buf, sizeof(buf), size);
	while (n < sizeof(got)) {
		r = read(self->out[0], got + n, sizeof(got) - n);
		ASSERT_LT(0, r);
		n += r;
	}
	EXPECT_EQ(0, memcmp(buf, got, sizeof(buf)));
	TH_LOG("%u register accesses for 4096 bytes (%.2f a byte), FIFO %u",
	       accesses, accesses / 4096.0, size);
	EXPECT_LT(accesses, 4096 * 5 / 4);
	/* all sent: IER.THRI off, the line down, nothing pending */
	EXPECT_EQ(0, line);
	EXPECT_EQ(0xc1, hvctl_uart16550_read(&self->vmm, IIR));
}

/*
 * Receive with the FIFO (trigger 8): "character timeout" (IIR 0xc) below
 * the trigger level, "received data available" (0x4) at or above it,
 * counting at most the FIFO's 16 bytes of the console's queue; the line
 * stays up (with an edge per byte read) until all is read.
 */
TEST_F(uart, rx_trigger_and_timeout)
{
	const uint8_t *in20 = (const uint8_t *)"0123456789abcdefghij";
	int i;

	irq_on(&self->vmm);
	hvctl_uart16550_write(&self->vmm, FCR, 0x81);
	hvctl_uart16550_write(&self->vmm, IER, 0x01);
	hvctl_console_in(&self->vmm, in20, 3);
	EXPECT_EQ(1, line);
	EXPECT_EQ(0xcc, hvctl_uart16550_read(&self->vmm, IIR));
	hvctl_console_in(&self->vmm, in20 + 3, 5);
	EXPECT_EQ(0xc4, hvctl_uart16550_read(&self->vmm, IIR));
	EXPECT_EQ('0', hvctl_uart16550_read(&self->vmm, RBR));
	/* 7 left: below the trigger, the timeout interrupt */
	EXPECT_EQ(0xcc, hvctl_uart16550_read(&self->vmm, IIR));
	EXPECT_EQ(1, line);
	/* trigger 14: 20 waiting count as a full FIFO of 16 */
	hvctl_uart16550_write(&self->vmm, FCR, 0xc1);
	EXPECT_EQ(0xcc, hvctl_uart16550_read(&self->vmm, IIR));
	hvctl_console_in(&self->vmm, in20 + 8, 12);
	EXPECT_EQ(0xc4, hvctl_uart16550_read(&self->vmm, IIR));
	for (i = 1; i < 20; i++) {
		EXPECT_EQ(0x61, hvctl_uart16550_read(&self->vmm, LSR));
		EXPECT_EQ(in20[i], hvctl_uart16550_read(&self->vmm, RBR));
	}
	EXPECT_EQ(0x60, hvctl_uart16550_read(&self->vmm, LSR));
	EXPECT_EQ(0xc1, hvctl_uart16550_read(&self->vmm, IIR));
	EXPECT_EQ(0, line);
}

/* The FIFOs' resets drop none of the typist's bytes (console.c). */
TEST_F(uart, fifo_reset_keeps_input)
{
	irq_on(&self->vmm);
	hvctl_uart16550_write(&self->vmm, FCR, 0x01);
	hvctl_console_in(&self->vmm, (const uint8_t *)"ab", 2);
	hvctl_uart16550_write(&self->vmm, FCR, 0x07);
	hvctl_uart16550_write(&self->vmm, FCR, 0);
	EXPECT_EQ(0x61, hvctl_uart16550_read(&self->vmm, LSR));
	EXPECT_EQ('a', hvctl_uart16550_read(&self->vmm, RBR));
	EXPECT_EQ('b', hvctl_uart16550_read(&self->vmm, RBR));
	EXPECT_EQ(0x60, hvctl_uart16550_read(&self->vmm, LSR));
}

TEST_HARNESS_MAIN
