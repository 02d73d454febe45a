/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 guest's devices in the hvctl VMM, all on I/O ports
 * (Documentation/hvctl.rst). Included by vmm.h.
 */
#ifndef HVCTL_VMM_X86_H
#define HVCTL_VMM_X86_H

#include <stdint.h>
#include <linux/hv.h>

#include "boot_x86.h"

#define HVCTL_UART_BASE		0x3f8	/* 16550 UART, COM1 */
#define HVCTL_POWEROFF_PORT	0x501	/* OUT: the guest powers off */
#define HVCTL_STOPREQ_PORT	0x502	/* IN: 1 when a stop was requested */
/* IN: the number of vCPUs; OUT: select a vCPU for HVCTL_CPU_START_PORT */
#define HVCTL_CPU_SELECT_PORT	0x503
/* IN: 1 when the selected vCPU runs; OUT (32 bits): start it there */
#define HVCTL_CPU_START_PORT	0x504
/* QEMU's isa-debug-exit: OUT v stops the VM, `hvctl run` exits (v << 1) | 1 */
#define HVCTL_DEBUG_EXIT_PORT	0xf4
#define HVCTL_I8042_CMD_PORT	0x64	/* OUT 0xfe: reset (reboot) */
#define HVCTL_UART_GSI		4	/* COM1's IOAPIC input (ISA IRQ 4) */
#define HVCTL_RTC_INDEX_PORT	0x70	/* MC146818 RTC: index, data at 0x71 */

/*
 * struct hvctl_arch_vmm - the x86 devices' state, under vmm->lock.
 * @uart: the 16550's registers as last written (DLL in 0); @uart_dlm: DLM.
 * @uart_fcr: its FIFO control (FCR: enable bit 0, trigger level bits 7:6).
 * @selected: per vCPU, the vCPU it selected with HVCTL_CPU_SELECT_PORT.
 * @start_at: per vCPU, where the guest asked it to start.
 * @started: per vCPU, 1 once it may run (the boot vCPU from the start).
 * @boot: the boot vCPU's state a kernel loader asked for (else real mode).
 * @uart_thre: the UART's "transmitter holding register empty" interrupt
 * is pending; @uart_irq: the level its line was last given.
 * @rtc_index: the RTC register selected at port 0x70 (rtc_cmos.c).
 */
struct hvctl_arch_vmm {
	uint8_t uart[8];
	uint8_t uart_dlm, uart_thre, uart_irq;
	uint8_t uart_fcr;
	uint8_t rtc_index;
	uint8_t selected[HV_MAX_VCPUS];
	uint32_t start_at[HV_MAX_VCPUS];
	uint8_t started[HV_MAX_VCPUS];
	struct hvctl_x86_boot boot;
};

struct hvctl_vmm;
/* uart16550.c: its state in the VMM's log (hvctl_arch_dump_vcpu()) */
void hvctl_uart16550_dump(struct hvctl_vmm *vmm);
/* uart16550.c: register @reg (0-7) of the UART */
uint8_t hvctl_uart16550_read(struct hvctl_vmm *vmm, unsigned int reg);
void hvctl_uart16550_write(struct hvctl_vmm *vmm, unsigned int reg,
			   uint8_t val);
/* rtc_cmos.c: ports 0x70 and 0x71 */
uint8_t hvctl_rtc_read(struct hvctl_vmm *vmm, unsigned int port);
void hvctl_rtc_write(struct hvctl_vmm *vmm, unsigned int port, uint8_t val);
/* Makes the UART interrupt-driven on GSI 4 (the VM has an IOAPIC). */
void hvctl_uart16550_irq_init(struct hvctl_vmm *vmm);

struct hvctl_vcpu;
/*
 * reset_x86.c: the vCPU's (and with vCPU 0 the IOAPIC's) state as hv
 * created it, read on the first call and put back on each later one (a
 * restart). 0, or -1 (logged).
 */
int hvctl_x86_reset_vcpu(struct hvctl_vcpu *vcpu);

#endif /* HVCTL_VMM_X86_H */
