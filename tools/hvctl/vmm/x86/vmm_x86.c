// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 part of the hvctl VMM. The boot vCPU starts in real mode at the
 * entry address; port I/O reaches the devices (vmm_x86.h): the 16550 UART
 * at 0x3f8-0x3ff (COM1), the poweroff port 0x501 (any OUT powers the guest
 * off), the stop-request port 0x502 (IN reads 1 once `hvctl stop` has
 * asked the guest to stop, else 0) and the vCPU start ports 0x503/0x504.
 * An OUT of 0xfe to port 0x64 (the i8042's pulse of the reset line) is a
 * reboot (hvctl_vmm_reset()). Port 0xf4 is QEMU's isa-debug-exit: an OUT of v stops the VM and
 * `hvctl run` exits with status (v << 1) | 1 (like a process, 8 bits).
 * Other ports read as all ones; MMIO outside RAM reads as all ones.
 *
 * A bare image starts in real mode at its entry; a kernel (--kernel,
 * load_kernel.c) in the mode its boot protocol asks for.
 *
 * Without the in-kernel local APIC there is no INIT-SIPI: a secondary vCPU waits
 * in the VMM, not in HV_RUN, until a running vCPU selects it (OUT 0x503,
 * its id) and gives its start address (OUT 0x504, 32 bits, a linear
 * address below 1 MiB). It then starts in real mode there, like the boot
 * vCPU but with SP 0: the guest sets its own stack. With it (kernel
 * guests when hv has HV_CAP_IRQCHIP), every vCPU runs from the start and
 * hv holds the secondaries until the guest sends INIT and SIPI.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm.h"
#include "x86/acpi/acpi.h"

/* Real mode at @addr: CS:IP = (addr & 0xf0000) >> 4 : addr & 0xffff. */
static int hvctl_x86_real_mode(struct hvctl_vcpu *vcpu, uint32_t addr,
			       uint64_t sp)
{
	struct hv_sregs s;
	struct hv_regs r;

	if (ioctl(vcpu->fd, HV_GET_SREGS, &s))
		goto err;
	s.cs.base = addr & 0xf0000;
	s.cs.selector = s.cs.base >> 4;
	s.ds.base = s.es.base = s.ss.base = 0;
	s.ds.selector = s.es.selector = s.ss.selector = 0;
	if (ioctl(vcpu->fd, HV_SET_SREGS, &s))
		goto err;
	memset(&r, 0, sizeof(r));
	r.rip = addr & 0xffff;
	r.rflags = 2;
	r.gpr[HV_X86_RSP] = sp;
	if (ioctl(vcpu->fd, HV_SET_REGS, &r))
		goto err;
	return 0;
err:
	hvctl_vmm_log(vcpu->vmm, "vCPU %u: cannot set its registers: %s",
		      vcpu->id, strerror(errno));
	return -1;
}

static void hvctl_x86_flat_seg(struct hv_segment *s, uint16_t sel, uint32_t ar)
{
	*s = (struct hv_segment){ .limit = 0xffffffff, .selector = sel, .ar = ar };
}

/*
 * A kernel's entry state (boot_x86.h): flat segments of the boot GDT, no
 * IDT, interrupts off; 64-bit mode with the identity map (the Linux
 * 64-bit boot protocol) or 32-bit protected mode without paging
 * (multiboot). VMX access rights: SDM Vol. 3C, 25.4.1.
 */
static int hvctl_x86_kernel_mode(struct hvctl_vcpu *vcpu,
				 const struct hvctl_x86_boot *b)
{
	int lm = b->mode == HVCTL_X86_LONG;
	struct hv_sregs s;
	struct hv_regs r;

	if (ioctl(vcpu->fd, HV_GET_SREGS, &s))
		goto err;
	/* G, L (64-bit) or D (32-bit), P, S, execute/read, accessed */
	hvctl_x86_flat_seg(&s.cs, HVCTL_X86_SEL_CODE, lm ? 0xa09b : 0xc09b);
	/* G, B, P, S, read/write, accessed */
	hvctl_x86_flat_seg(&s.ds, HVCTL_X86_SEL_DATA, 0xc093);
	s.es = s.fs = s.gs = s.ss = s.ds;
	/* a busy 32/64-bit TSS, as VM entry wants one (SDM 27.3.1.2) */
	s.tr = (struct hv_segment){ .limit = 0x67, .ar = 0x8b };
	s.ldt = (struct hv_segment){ .ar = HV_AR_UNUSABLE };
	s.gdt = (struct hv_dtable){ .base = HVCTL_X86_GDT, .limit = 4 * 8 - 1 };
	s.idt = (struct hv_dtable){ 0 };
	s.cr0 = 0x11 | 0x20;			/* PE, ET, NE */
	s.cr2 = 0;
	s.cr3 = 0;
	s.cr4 = 0;
	s.efer = 0;
	if (lm) {
		s.cr0 |= 0x80000000;		/* PG */
		s.cr3 = HVCTL_X86_PML4;
		s.cr4 = 0x20;			/* PAE */
		s.efer = 0x500;			/* LME, LMA */
	}
	if (ioctl(vcpu->fd, HV_SET_SREGS, &s))
		goto err;
	memset(&r, 0, sizeof(r));
	r.rip = b->rip;
	r.rflags = 2;
	r.gpr[HV_X86_RSP] = b->rsp;
	r.gpr[HV_X86_RAX] = b->rax;
	r.gpr[HV_X86_RBX] = b->rbx;
	r.gpr[HV_X86_RSI] = b->rsi;
	if (ioctl(vcpu->fd, HV_SET_REGS, &r))
		goto err;
	return 0;
err:
	hvctl_vmm_log(vcpu->vmm, "vCPU %u: cannot set its boot state: %s",
		      vcpu->id, strerror(errno));
	return -1;
}

int hvctl_arch_vcpu_setup(struct hvctl_vcpu *vcpu, uint64_t entry)
{
	struct hvctl_vmm *vmm = vcpu->vmm;

	/* power-on state: taken on the first boot, put back on a restart */
	if (hvctl_x86_reset_vcpu(vcpu))
		return -1;
	/*
	 * With the in-kernel local APICs every vCPU thread enters HV_RUN at
	 * once: hv keeps the APs waiting for INIT and SIPI there. Without,
	 * they wait in the VMM for the start ports.
	 */
	if (vcpu->id) {
		if (vmm->irq_lines)
			vmm->arch.started[vcpu->id] = 1;
		return 0;
	}
	if (vmm->irq_lines)
		hvctl_uart16550_irq_init(vmm);
	vmm->arch.started[0] = 1;
	if (vmm->def->kernel[0])
		return hvctl_x86_kernel_mode(vcpu, &vmm->arch.boot);
	if (entry >= 0x100000) {
		hvctl_vmm_log(vmm, "entry 0x%llx: the real-mode boot CPU can only start below 1 MiB",
			      (unsigned long long)entry);
		return -1;
	}
	return hvctl_x86_real_mode(vcpu, entry, 0x8000);
}

int hvctl_arch_vcpu_wait(struct hvctl_vcpu *vcpu)
{
	struct hvctl_vmm *vmm = vcpu->vmm;
	uint32_t addr;

	if (!vcpu->id || vmm->irq_lines)
		return 0;
	pthread_mutex_lock(&vmm->lock);
	while (!vmm->arch.started[vcpu->id] && !vmm->done)
		pthread_cond_wait(&vmm->cond, &vmm->lock);
	addr = vmm->arch.start_at[vcpu->id];
	pthread_mutex_unlock(&vmm->lock);
	if (vmm->done)
		return -1;
	hvctl_vmm_log(vmm, "vCPU %u starts at 0x%x", vcpu->id, addr);
	return hvctl_x86_real_mode(vcpu, addr, 0);
}

/* OUT 0x504 by @vcpu: start the vCPU it selected at @addr. */
static void hvctl_x86_start_cpu(struct hvctl_vcpu *vcpu, uint32_t addr)
{
	struct hvctl_vmm *vmm = vcpu->vmm;
	unsigned int target;
	const char *why = NULL;

	pthread_mutex_lock(&vmm->lock);
	target = vmm->arch.selected[vcpu->id];
	if (target >= vmm->nr_vcpus)
		why = "no such vCPU";
	else if (vmm->arch.started[target])
		why = "it runs already";
	else if (addr >= 0x100000)
		why = "the address is not below 1 MiB";
	if (!why) {
		vmm->arch.start_at[target] = addr;
		vmm->arch.started[target] = 1;
		pthread_cond_broadcast(&vmm->cond);
	}
	pthread_mutex_unlock(&vmm->lock);
	if (why)
		hvctl_vmm_log(vmm, "vCPU %u asked to start vCPU %u at 0x%x: ignored, %s",
			      vcpu->id, target, addr, why);
}

static uint8_t hvctl_x86_in(struct hvctl_vcpu *vcpu, uint16_t port)
{
	struct hvctl_vmm *vmm = vcpu->vmm;
	unsigned int target;
	uint8_t val;

	if (port >= HVCTL_UART_BASE && port < HVCTL_UART_BASE + 8)
		return hvctl_uart16550_read(vmm, port - HVCTL_UART_BASE);
	if (port == HVCTL_STOPREQ_PORT)
		return !!vmm->stop_requested;
	if (port == HVCTL_RTC_INDEX_PORT || port == HVCTL_RTC_INDEX_PORT + 1)
		return hvctl_rtc_read(vmm, port);
	if (port == HVCTL_ACPI_SLEEP_STS_PORT)
		return 0;	/* never woke from a sleep state */
	if (port == HVCTL_CPU_SELECT_PORT)
		return vmm->nr_vcpus;
	if (port != HVCTL_CPU_START_PORT)
		return 0xff;
	pthread_mutex_lock(&vmm->lock);
	target = vmm->arch.selected[vcpu->id];
	val = target < vmm->nr_vcpus ? vmm->arch.started[target] : 0xff;
	pthread_mutex_unlock(&vmm->lock);
	return val;
}

/* @val: the OUT's data, zero-extended. Returns 0 when the guest powered off. */
static int hvctl_x86_out(struct hvctl_vcpu *vcpu, uint16_t port, uint32_t val)
{
	struct hvctl_vmm *vmm = vcpu->vmm;

	if (port >= HVCTL_UART_BASE && port < HVCTL_UART_BASE + 8)
		hvctl_uart16550_write(vmm, port - HVCTL_UART_BASE, val);
	else if (port == HVCTL_CPU_SELECT_PORT)
		vmm->arch.selected[vcpu->id] = val;
	else if (port == HVCTL_RTC_INDEX_PORT ||
		 port == HVCTL_RTC_INDEX_PORT + 1)
		hvctl_rtc_write(vmm, port, val);
	else if (port == HVCTL_CPU_START_PORT)
		hvctl_x86_start_cpu(vcpu, val);
	/*
	 * The FADT's sleep control register: SLP_EN with SLP_TYP S5 is
	 * Linux's poweroff; the VM must stop here (acpi.h). Other sleep
	 * states are not offered (\_S5 only) and their writes ignored.
	 */
	if (port == HVCTL_ACPI_SLEEP_CTL_PORT &&
	    hvctl_acpi_sleep_ctl_is_poweroff(val)) {
		hvctl_vmm_log(vmm, "vCPU %u entered ACPI S5: guest poweroff",
			      vcpu->id);
		hvctl_vmm_end(vmm, HV_STOP_GUEST_POWEROFF);
		return 0;
	}
	/* the FADT's reset register, which Linux's reboot tries first */
	if (port == HVCTL_ACPI_RESET_PORT &&
	    (val & 0xff) == HVCTL_ACPI_RESET_VALUE) {
		hvctl_vmm_reset(vmm, vcpu->id);
		return 0;
	}
	if (port == HVCTL_POWEROFF_PORT) {
		hvctl_vmm_end(vmm, HV_STOP_GUEST_POWEROFF);
		return 0;
	}
	/* the i8042's "pulse reset" command, Linux's reboot=k */
	if (port == HVCTL_I8042_CMD_PORT && (val & 0xff) == 0xfe) {
		hvctl_vmm_reset(vmm, vcpu->id);
		return 0;
	}
	if (port == HVCTL_DEBUG_EXIT_PORT) {
		/* the first exit wins, like the first stop reason */
		pthread_mutex_lock(&vmm->lock);
		if (vmm->exit_status < 0 && !vmm->done)
			vmm->exit_status = (int)(((uint64_t)val << 1 | 1) & 0xff);
		pthread_mutex_unlock(&vmm->lock);
		hvctl_vmm_log(vmm, "vCPU %u wrote 0x%x to the debug-exit port: exit status %u",
			      vcpu->id, val, ((val << 1) | 1) & 0xff);
		hvctl_vmm_end(vmm, HV_STOP_GUEST_POWEROFF);
		return 0;
	}
	return 1;
}

static int hvctl_x86_io(struct hvctl_vcpu *vcpu)
{
	struct hv_run *run = vcpu->run;
	struct hv_exit_io *io = &run->io;
	uint8_t *data = (uint8_t *)run + io->data_offset;
	uint32_t i, j, val;

	if (io->size > 4 ||
	    io->data_offset + (uint64_t)io->count * io->size > HV_RUN_MMAP_SIZE) {
		hvctl_vmm_log(vcpu->vmm, "vCPU %u: malformed I/O exit: stopping",
			      vcpu->id);
		return -1;
	}
	for (i = 0; i < io->count; i++) {
		uint8_t *d = data + i * io->size;

		if (io->direction == HV_IO_IN) {
			/* wider reads of the 8-bit devices: the low byte */
			memset(d, 0, io->size);
			d[0] = hvctl_x86_in(vcpu, io->port);
			for (j = 1; j < io->size && d[0] == 0xff; j++)
				d[j] = 0xff;
			continue;
		}
		for (val = 0, j = 0; j < io->size; j++)
			val |= (uint32_t)d[j] << (8 * j);
		if (!hvctl_x86_out(vcpu, io->port, val))
			return 0;
	}
	return 1;
}

int hvctl_arch_exit(struct hvctl_vcpu *vcpu)
{
	struct hv_run *run = vcpu->run;

	switch (run->exit_reason) {
	case HV_EXIT_IO:
		return hvctl_x86_io(vcpu);
	case HV_EXIT_MMIO:
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
		return 1;
	case HV_EXIT_SHUTDOWN:
		hvctl_vmm_log(vcpu->vmm, "vCPU %u: the guest shut down (triple fault)",
			      vcpu->id);
		hvctl_vmm_end(vcpu->vmm, HV_STOP_GUEST_SHUTDOWN);
		return 0;
	default:
		hvctl_vmm_log(vcpu->vmm, "vCPU %u: unexpected exit %u: stopping",
			      vcpu->id, run->exit_reason);
		return -1;
	}
}

/*
 * `hvctl stop` (graceful): besides port 0x502 for the test images, press
 * the ACPI power button of a kernel guest, a pulse on the Generic Event
 * Device's GSI (acpi.h); Linux's GED driver runs _EVT, which notifies
 * \_SB.PWRB. Only kernel guests have the tables (load_kernel.c).
 */
void hvctl_arch_stop_requested(struct hvctl_vmm *vmm)
{
	if (!vmm->def->kernel[0] || !vmm->irq_lines)
		return;
	hvctl_vmm_irq_line(vmm, HVCTL_ACPI_GED_GSI, 1);
	hvctl_vmm_irq_line(vmm, HVCTL_ACPI_GED_GSI, 0);
}
