// SPDX-License-Identifier: GPL-2.0
/*
 * The guest console of the hvctl VMM, whatever UART the arch emulates: its
 * output goes to the console fd (the log file of a background VMM, the
 * terminal for `hvctl run`), to the clients of the console socket
 * NAME.sock, and to a ring that new clients get first; what the clients
 * type is queued for the UART to read.
 */
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>

#include "vmm.h"

void hvctl_console_out(struct hvctl_vmm *vmm, uint8_t c)
{
	int i;

	pthread_mutex_lock(&vmm->lock);
	vmm->ring[vmm->ring_pos] = c;
	vmm->ring_pos = (vmm->ring_pos + 1) % HVCTL_VMM_RING;
	if (vmm->ring_len < HVCTL_VMM_RING)
		vmm->ring_len++;
	if (vmm->console_fd >= 0 && write(vmm->console_fd, &c, 1) < 0)
		vmm->console_fd = -1;
	for (i = 0; i < HVCTL_VMM_MAX_CLIENTS; i++)
		if (vmm->clients[i] >= 0 &&
		    send(vmm->clients[i], &c, 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN) {
			close(vmm->clients[i]);
			vmm->clients[i] = -1;
		}
	pthread_mutex_unlock(&vmm->lock);
}

void hvctl_console_in(struct hvctl_vmm *vmm, const uint8_t *buf, long n)
{
	pthread_mutex_lock(&vmm->lock);
	/* a full queue drops input, as a UART without flow control would */
	for (; n > 0; n--, buf++)
		if ((uint8_t)(vmm->rx_tail - vmm->rx_head) != 255)
			vmm->rx[vmm->rx_tail++ % 256] = *buf;
	/* a UART with interrupts raises its receive interrupt now */
	if (vmm->console_rx)
		vmm->console_rx(vmm);
	pthread_mutex_unlock(&vmm->lock);
}

int __hvctl_console_getc(struct hvctl_vmm *vmm)
{
	if (vmm->rx_head == vmm->rx_tail)
		return -1;
	return vmm->rx[vmm->rx_head++ % 256];
}

int __hvctl_console_rx_ready(struct hvctl_vmm *vmm)
{
	return vmm->rx_head != vmm->rx_tail;
}

/* Called with vmm->lock held, so that no output slips in between. */
void __hvctl_console_replay(struct hvctl_vmm *vmm, int fd)
{
	size_t start, n;

	start = (vmm->ring_pos + HVCTL_VMM_RING - vmm->ring_len) % HVCTL_VMM_RING;
	n = vmm->ring_len;
	if (start + n > HVCTL_VMM_RING) {
		if (send(fd, vmm->ring + start, HVCTL_VMM_RING - start,
			 MSG_NOSIGNAL) < 0)
			return;
		n -= HVCTL_VMM_RING - start;
		start = 0;
	}
	if (send(fd, vmm->ring + start, n, MSG_NOSIGNAL) < 0)
		return;
}
