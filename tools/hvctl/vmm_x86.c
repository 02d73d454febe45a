// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 part of the hvctl VMM: the boot vCPU starts in real mode at the
 * entry address, and port I/O reaches the devices: the 16550 UART at
 * 0x3f8-0x3ff (COM1), the poweroff port 0x501 (any OUT powers the guest
 * off) and the stop-request port 0x502 (IN reads 1 once `hvctl stop` has
 * asked the guest to stop, else 0). Other ports read as all ones.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm.h"

int hvctl_arch_vcpu_setup(struct hvctl_vmm *vmm, uint64_t entry)
{
	struct hv_sregs s;
	struct hv_regs r;

	if (entry >= 0x100000) {
		hvctl_vmm_log(vmm, "entry 0x%llx: the real-mode boot CPU can only start below 1 MiB",
			      (unsigned long long)entry);
		return -1;
	}
	if (ioctl(vmm->vcpu, HV_GET_SREGS, &s))
		return -1;
	/* CS:IP = (entry & 0xf0000) >> 4 : entry & 0xffff */
	s.cs.base = entry & 0xf0000;
	s.cs.selector = s.cs.base >> 4;
	s.ds.base = s.es.base = s.ss.base = 0;
	s.ds.selector = s.es.selector = s.ss.selector = 0;
	if (ioctl(vmm->vcpu, HV_SET_SREGS, &s))
		return -1;
	memset(&r, 0, sizeof(r));
	r.rip = entry & 0xffff;
	r.rflags = 2;
	r.gpr[HV_X86_RSP] = 0x8000;
	return ioctl(vmm->vcpu, HV_SET_REGS, &r);
}

static uint8_t hvctl_x86_in(struct hvctl_vmm *vmm, uint16_t port)
{
	if (port >= HVCTL_UART_BASE && port < HVCTL_UART_BASE + 8)
		return hvctl_uart_read(vmm, port - HVCTL_UART_BASE);
	if (port == HVCTL_STOPREQ_PORT)
		return !!vmm->stop_requested;
	return 0xff;
}

/* Returns 0 when the guest powered off. */
static int hvctl_x86_out(struct hvctl_vmm *vmm, uint16_t port, uint8_t val)
{
	if (port >= HVCTL_UART_BASE && port < HVCTL_UART_BASE + 8)
		hvctl_uart_write(vmm, port - HVCTL_UART_BASE, val);
	if (port == HVCTL_POWEROFF_PORT) {
		vmm->stop_reason = HV_STOP_GUEST_POWEROFF;
		return 0;
	}
	return 1;
}

int hvctl_arch_exit(struct hvctl_vmm *vmm)
{
	struct hv_run *run = vmm->run;
	struct hv_exit_io *io = &run->io;
	uint8_t *data = (uint8_t *)run + io->data_offset;
	uint32_t i, j;

	if (run->exit_reason == HV_EXIT_SHUTDOWN) {
		hvctl_vmm_log(vmm, "the guest shut down (triple fault)");
		vmm->stop_reason = HV_STOP_GUEST_SHUTDOWN;
		return 0;
	}
	if (run->exit_reason != HV_EXIT_IO) {
		hvctl_vmm_log(vmm, "unexpected exit %u: stopping",
			      run->exit_reason);
		return 0;
	}
	if (io->data_offset + (uint64_t)io->count * io->size > HV_RUN_MMAP_SIZE)
		return 0;
	/* wider accesses use their low byte: the devices are 8-bit */
	for (i = 0; i < io->count; i++) {
		uint8_t *d = data + i * io->size;

		if (io->direction == HV_IO_IN) {
			memset(d, 0, io->size);
			d[0] = hvctl_x86_in(vmm, io->port);
			for (j = 1; j < io->size && d[0] == 0xff; j++)
				d[j] = 0xff;
		} else if (!hvctl_x86_out(vmm, io->port, d[0])) {
			return 0;
		}
	}
	return 1;
}
