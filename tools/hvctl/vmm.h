/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hvctl VMM: the arch-neutral part (vmm.c: memory, vCPU thread,
 * console, run loop) and the interface each arch provides (vmm_<arch>.c).
 */
#ifndef HVCTL_VMM_H
#define HVCTL_VMM_H

#include <pthread.h>
#include <stdint.h>
#include <linux/hv.h>

#include "hvctl.h"

#define HVCTL_VMM_MAX_CLIENTS	8
#define HVCTL_VMM_RING		4096

struct hvctl_vmm {
	const struct hvctl_def *def;
	int dev, vm, vcpu;
	struct hv_run *run;
	uint8_t *mem;

	int console_fd, input_fd, log_fd, listen_fd;
	int clients[HVCTL_VMM_MAX_CLIENTS];
	int wake[2];			/* the vCPU thread ended */
	pthread_t vcpu_thread;
	pthread_mutex_t lock;		/* output ring, clients, rx queue */
	char ring[HVCTL_VMM_RING];	/* the last output, for new consoles */
	size_t ring_pos, ring_len;
	uint8_t rx[256];
	unsigned int rx_head, rx_tail;
	uint8_t uart[8];		/* 16550 registers as last written */

	volatile int done;
	uint32_t stop_reason;		/* HV_STOP_* to report, or 0 */
	volatile int stop_requested;	/* the guest sees it on port 0x502 */
	int quota_logged;
};

/* vmm.c, for the arch part */
void hvctl_vmm_log(struct hvctl_vmm *vmm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
uint8_t hvctl_uart_read(struct hvctl_vmm *vmm, unsigned int reg);
void hvctl_uart_write(struct hvctl_vmm *vmm, unsigned int reg, uint8_t val);

/* vmm_<arch>.c */
/* Loads nothing; sets the boot vCPU up to start at @entry. 0 or -1. */
int hvctl_arch_vcpu_setup(struct hvctl_vmm *vmm, uint64_t entry);
/* Handles an arch exit (port I/O...). 1: run on, 0: the VM stops. */
int hvctl_arch_exit(struct hvctl_vmm *vmm);

#endif /* HVCTL_VMM_H */
