/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hvctl VMM: the arch-neutral part (vmm.c: memory, vCPU threads, run
 * loop; console.c: the guest console) and the interface each arch provides
 * (vmm_<arch>.c, with its devices and state in vmm_<arch>.h).
 */
#ifndef HVCTL_VMM_H
#define HVCTL_VMM_H

#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <linux/hv.h>

#include "hvctl.h"

#if defined(__x86_64__)
#include "vmm_x86.h"
#elif defined(__aarch64__)
#include "vmm_arm64.h"
#else
#error "the hvctl VMM supports x86-64 and arm64 hosts"
#endif

#define HVCTL_VMM_MAX_CLIENTS	8
#define HVCTL_VMM_RING		65536	/* console output kept for its clients */
#define HVCTL_VMM_RX		4096	/* console input waiting for the UART */

struct hvctl_vmm;
struct hvctl_virtio_bus;
struct hvctl_display;
struct hvctl_ioquota;

/**
 * struct hvctl_vcpu - one vCPU and the thread that runs it.
 * @vmm: the VMM.
 * @id: the vCPU id (0: the boot vCPU).
 * @fd: the vCPU fd.
 * @run: its mmap'd run structure.
 * @thread: the thread running it; @thread_ok once created.
 */
struct hvctl_vcpu {
	struct hvctl_vmm *vmm;
	unsigned int id;
	int fd;
	struct hv_run *run;
	pthread_t thread;
	int thread_ok;
};

struct hvctl_vmm {
	const struct hvctl_def *def;
	int dev, vm;
	uint8_t *mem;			/* the guest's RAM, def->memory bytes */
	uint64_t ram_base;		/* its guest-physical address */
	uint32_t attach_flags;		/* HV_VM_* for HV_ATTACH_VM */
	unsigned int nr_vcpus;
	struct hvctl_vcpu vcpus[HV_MAX_VCPUS];

	int console_fd, input_fd, log_fd, listen_fd;
	int clients[HVCTL_VMM_MAX_CLIENTS];
	int wake[2];			/* a vCPU thread ended the VM */
	pthread_mutex_t lock;		/* output ring, clients, rx queue, arch */
	pthread_cond_t cond;		/* @done or arch state changed */
	char ring[HVCTL_VMM_RING];	/* the last output, for the clients */
	uint64_t out_total;		/* bytes of output so far */
	uint64_t client_pos[HVCTL_VMM_MAX_CLIENTS];	/* what each has had */
	uint8_t rx[HVCTL_VMM_RX];
	unsigned int rx_head, rx_tail;
	int rx_wait;			/* input waits until the queue drains */
	int con_wake[2];		/* the console's fds to poll changed */

	volatile int done;		/* every vCPU thread must end */
	int error;			/* a vCPU stopped the VM on an error */
	int stopped_by_force;		/* each vCPU thread logs its state */
	uint32_t stop_reason;		/* HV_STOP_* to report, or 0 */
	volatile int stop_requested;	/* the guest sees it (arch device) */
	int quota_logged;
	/*
	 * The guest's exit status for `hvctl run` (QEMU's isa-debug-exit
	 * convention), or -1 when it stopped otherwise.
	 */
	int exit_status;
	int reset_pending;		/* the guest reset: boot it again */
	/* HV_VM_IRQCHIP: the VM has the in-kernel interrupt controller's lines */
	unsigned int irq_lines;
	/* new console input waits: a device's interrupt (vmm->lock held), or NULL */
	void (*rx_notify)(struct hvctl_vmm *vmm);
	/*
	 * The virtio console owns the input (virtio/console.c): called
	 * instead of @rx_notify (vmm->lock held), and the UART gets none.
	 */
	void (*hvc_rx)(struct hvctl_vmm *vmm);
	void *hvc;
	struct hvctl_arch_vmm arch;	/* the arch's devices, under @lock */
	struct hvctl_virtio_bus *virtio;	/* virtio/bus.c, NULL: no disks */
	struct hvctl_display *display;	/* display/display.c, NULL: none */
	struct hvctl_ioquota *ioquota;	/* ioquota.c, NULL: no device has one */
};

/* vmm.c, for the arch part */
void hvctl_vmm_log(struct hvctl_vmm *vmm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Ends the VM: every vCPU thread stops (reason: HV_STOP_* or 0). */
void hvctl_vmm_end(struct hvctl_vmm *vmm, uint32_t reason);
/*
 * vCPU @vcpu reset the system (a reboot): a kernel guest with
 * --on-reboot=restart boots again, else the VM stops as "guest shutdown".
 * Ends the VM either way: the exit handler returns 0.
 */
void hvctl_vmm_reset(struct hvctl_vmm *vmm, unsigned int vcpu);

/* image.c: loads def->image into RAM, sets *entry. 0 or -1 (logged). */
int hvctl_vmm_load(struct hvctl_vmm *vmm, uint64_t *entry);
/*
 * Raises (1) or lowers (0) line @irq of the in-kernel interrupt controller;
 * nothing without one (vmm->irq_lines 0). Any thread.
 */
void hvctl_vmm_irq_line(struct hvctl_vmm *vmm, unsigned int irq, int level);
/*
 * image.c: the lowest guest-physical address def->image loads at (a flat
 * binary's load address, an ELF file's lowest PT_LOAD), for an arch that
 * places RAM by it. 0 or -1 (logged).
 */
int hvctl_image_base(struct hvctl_vmm *vmm, uint64_t *base);
/* The host address of guest RAM [@gpa, @gpa + @len), or NULL if not RAM. */
void *hvctl_vmm_ram(struct hvctl_vmm *vmm, uint64_t gpa, uint64_t len);

/* console.c: the bytes of the guest console */
void hvctl_console_out(struct hvctl_vmm *vmm, uint8_t c);
/* Queues @n bytes of input, as many as there is room for (the main thread). */
void hvctl_console_in(struct hvctl_vmm *vmm, const uint8_t *buf, long n);
/* Its wake-up pipe (0, or -1: errno), closed by hvctl_console_fini(). */
int hvctl_console_init(struct hvctl_vmm *vmm);
void hvctl_console_fini(struct hvctl_vmm *vmm);
/* A new client on vmm->listen_fd (the main thread). */
void hvctl_console_accept(struct hvctl_vmm *vmm);
/*
 * The main loop's part for the console: hvctl_console_pollfds() fills
 * @pfd (its wake-up pipe, vmm->input_fd, the clients) and returns how many
 * it filled; after the poll, hvctl_console_poll() serves them and returns
 * 1 when Ctrl-] on the terminal asks `hvctl run` to leave.
 */
int hvctl_console_pollfds(struct hvctl_vmm *vmm, struct pollfd *pfd);
int hvctl_console_poll(struct hvctl_vmm *vmm, const struct pollfd *pfd);
/* The next input byte, or -1 when none waits. Called with vmm->lock held. */
int __hvctl_console_getc(struct hvctl_vmm *vmm);
/* Whether input waits. Called with vmm->lock held. */
int __hvctl_console_rx_ready(struct hvctl_vmm *vmm);
/*
 * For the virtio console while it owns the input (vmm->hvc_rx): up to @n
 * bytes of it, and whether any waits. Take vmm->lock themselves.
 */
size_t hvctl_console_hvc_read(struct hvctl_vmm *vmm, uint8_t *buf, size_t n);
int hvctl_console_hvc_pending(struct hvctl_vmm *vmm);

/*
 * vmm_<arch>.c: the contract between vmm.c and an arch.
 *
 * hvctl_arch_vcpu_setup() - called for every vCPU once all are created,
 * before any thread runs: the boot vCPU (id 0) gets @entry, the others
 * are kept from running until the guest starts them. 0, or -1 (logged).
 *
 * hvctl_arch_vcpu_wait() - called by a vCPU thread before its first
 * HV_RUN: returns 0 when the vCPU may run (at once for the boot vCPU), or
 * -1 when the VM ended first (vmm->done, signalled on vmm->cond).
 *
 * hvctl_arch_exit() - an exit vmm.c does not handle itself (port I/O,
 * MMIO, arch events): 1 to run on, 0 to stop the VM (every vCPU thread
 * ends; call hvctl_vmm_end() first to give a stop reason), -1 to stop it
 * on an error the handler logged (the VMM then exits with status 1).
 */
int hvctl_arch_vcpu_setup(struct hvctl_vcpu *vcpu, uint64_t entry);
/*
 * hvctl_arch_load_kernel() - boots def->kernel (with def->initrd and
 * def->cmdline) by the arch's boot protocol: writes it and what it needs
 * into RAM and keeps the boot vCPU's state in vmm->arch for
 * hvctl_arch_vcpu_setup(), which gets *@entry. Called instead of
 * hvctl_vmm_load() when def->kernel is set. 0, or -1 (logged). vmm.c has
 * a weak default for an arch without one, which refuses.
 */
int hvctl_arch_load_kernel(struct hvctl_vmm *vmm, uint64_t *entry);
/*
 * hvctl_arch_prepare() - called once /dev/hv is open (vmm->dev), before the
 * VM is attached: sets vmm->ram_base and vmm->attach_flags for the
 * definition (and vmm->irq_lines with HV_VM_IRQCHIP). 0, or -1 (printed).
 * vmm.c's default: RAM at 0, and the in-kernel interrupt controller for a
 * kernel guest when hv has one.
 *
 * A restart (hvctl_vmm_reset() with --on-reboot=restart) calls
 * hvctl_arch_restart(), then hvctl_arch_load_kernel() or hvctl_vmm_load()
 * and hvctl_arch_vcpu_setup() again for every vCPU, with the vCPU threads
 * ended: the arch puts its devices and the vCPUs back to their reset state.
 * vmm.c's default hvctl_arch_restart() zeroes vmm->arch.
 */
int hvctl_arch_prepare(struct hvctl_vmm *vmm);
void hvctl_arch_restart(struct hvctl_vmm *vmm);
/* For hvctl_arch_prepare(): HV_VM_IRQCHIP and vmm->irq_lines if hv has it. */
void hvctl_vmm_want_irqchip(struct hvctl_vmm *vmm);
/*
 * hvctl_arch_dump_vcpu() - logs what the arch knows of a vCPU that ended in
 * an internal error or was stopped by force (x86: its registers and APIC,
 * vmm/x86/dump_x86.c). On the vCPU's own thread. Default: nothing.
 */
void hvctl_arch_dump_vcpu(struct hvctl_vcpu *vcpu);
int hvctl_arch_vcpu_wait(struct hvctl_vcpu *vcpu);
int hvctl_arch_exit(struct hvctl_vcpu *vcpu);
/*
 * hvctl_arch_stop_requested() - `hvctl stop` asked the guest to stop
 * (after vmm->stop_requested is set): the arch may tell the guest more
 * (x86: the ACPI power button). Optional (weak default: nothing).
 */
void hvctl_arch_stop_requested(struct hvctl_vmm *vmm);

#endif /* HVCTL_VMM_H */
