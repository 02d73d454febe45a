// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of hvctl's 16550 UART (tools/hvctl/vmm/devices/uart16550.c,
 * compiled into this program with the VMM's console.c): the interrupt
 * identification and the levels it gives its IOAPIC line, which no
 * emulator run can check until hv has an in-kernel IOAPIC. The line is a
 * stub that records every level; the sequences are what Linux's 8250
 * driver does (drivers/tty/serial/8250/8250_port.c: the THRE test of
 * serial8250_do_startup(), the interrupt handler's IIR/LSR/RBR reads).
 */
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vmm.h"

static int levels[64];
static unsigned int nlevels;

/* the stub of vmm.c's HV_IRQ_LINE call */
void hvctl_vmm_irq_line(struct hvctl_vmm *vmm, unsigned int irq, int level)
{
	if (irq >= vmm->irq_lines || irq != HVCTL_UART_GSI)
		abort();
	if (nlevels < 64)
		levels[nlevels++] = level;
}

#define RBR	0
#define IER	1
#define IIR	2
#define LCR	3
#define LSR	5

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

TEST_HARNESS_MAIN
