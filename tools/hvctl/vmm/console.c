// SPDX-License-Identifier: GPL-2.0
/*
 * The guest console of the hvctl VMM, whatever UART the arch emulates: its
 * output goes to the console fd (the log file of a background VMM, the
 * terminal for `hvctl run`) and to the clients of the console socket
 * NAME.sock; what the clients (and `hvctl run`'s input) type is queued for
 * the UART to read.
 *
 * Nothing is dropped or sent twice on the way:
 * - Output: every byte goes into a ring (HVCTL_VMM_RING bytes) and each
 *   client has its own position in that stream. A client that keeps up
 *   gets each byte at once from the vCPU thread; when its socket is full
 *   (it reads slower than the guest writes, e.g. while the host runs
 *   something else), the guest goes on and the main thread sends it the
 *   rest from the ring once its socket has room (POLLOUT), in order. Only
 *   a client a whole ring behind loses the oldest part. A new client gets
 *   the last HVCTL_CONSOLE_REPLAY bytes first.
 * - Input: the main thread reads from the clients no more than the queue
 *   (HVCTL_VMM_RX bytes) has room for; the rest waits in their sockets
 *   (the typist is held back, as by hardware flow control) until the
 *   guest's UART has read half of the queue, which wakes the main thread.
 *   A UART without flow control would drop what overflows its FIFO; a
 *   paste must not.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "vmm.h"

#define HVCTL_CONSOLE_REPLAY	4096	/* what a new client sees first */
#define HVCTL_CONSOLE_ESCAPE	0x1d	/* Ctrl-]: leaves `hvctl run` */

/* Tells the main thread to look again (its pollfds changed). */
static void hvctl_console_wake(struct hvctl_vmm *vmm)
{
	ssize_t n = 0;

	/* (a full pipe, EAGAIN, has a wake-up pending already) */
	if (vmm->con_wake[1] >= 0)
		n = write(vmm->con_wake[1], "c", 1);
	(void)n;
}

static void __hvctl_console_close(struct hvctl_vmm *vmm, int i)
{
	close(vmm->clients[i]);
	vmm->clients[i] = -1;
}

/*
 * Sends client @i what it has not had yet, as much as its socket takes.
 * Called with vmm->lock held.
 */
static void __hvctl_console_flush(struct hvctl_vmm *vmm, int i)
{
	uint64_t *pos = &vmm->client_pos[i];
	size_t off, n;
	ssize_t sent;

	if (vmm->out_total - *pos > HVCTL_VMM_RING)
		*pos = vmm->out_total - HVCTL_VMM_RING;
	while (*pos < vmm->out_total) {
		off = *pos % HVCTL_VMM_RING;
		n = vmm->out_total - *pos;
		if (n > HVCTL_VMM_RING - off)
			n = HVCTL_VMM_RING - off;
		sent = send(vmm->clients[i], vmm->ring + off, n,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (sent < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				__hvctl_console_close(vmm, i);
			return;
		}
		*pos += sent;
	}
}

void hvctl_console_out(struct hvctl_vmm *vmm, uint8_t c)
{
	int i, wake = 0;

	pthread_mutex_lock(&vmm->lock);
	vmm->ring[vmm->out_total % HVCTL_VMM_RING] = c;
	vmm->out_total++;
	if (vmm->console_fd >= 0 && write(vmm->console_fd, &c, 1) < 0)
		vmm->console_fd = -1;
	for (i = 0; i < HVCTL_VMM_MAX_CLIENTS; i++) {
		/* a client behind is the main thread's (POLLOUT), in order */
		if (vmm->clients[i] < 0 ||
		    vmm->client_pos[i] + 1 != vmm->out_total)
			continue;
		__hvctl_console_flush(vmm, i);
		/* its socket is full: the main thread must poll it */
		if (vmm->clients[i] >= 0 &&
		    vmm->client_pos[i] != vmm->out_total)
			wake = 1;
	}
	pthread_mutex_unlock(&vmm->lock);
	if (wake)
		hvctl_console_wake(vmm);
}

/* Room in the input queue. Called with vmm->lock held. */
static unsigned int __hvctl_console_rx_room(struct hvctl_vmm *vmm)
{
	return HVCTL_VMM_RX - (vmm->rx_tail - vmm->rx_head);
}

void hvctl_console_in(struct hvctl_vmm *vmm, const uint8_t *buf, long n)
{
	pthread_mutex_lock(&vmm->lock);
	for (; n > 0 && __hvctl_console_rx_room(vmm); n--, buf++)
		vmm->rx[vmm->rx_tail++ % HVCTL_VMM_RX] = *buf;
	/* the virtio console takes the input when it is the guest's */
	if (vmm->hvc_rx)
		vmm->hvc_rx(vmm);
	else if (vmm->rx_notify)
		vmm->rx_notify(vmm);
	pthread_mutex_unlock(&vmm->lock);
}

/* The next input byte for whichever device owns the input. */
static int __hvctl_console_take(struct hvctl_vmm *vmm)
{
	int c;

	if (vmm->rx_head == vmm->rx_tail)
		return -1;
	c = vmm->rx[vmm->rx_head++ % HVCTL_VMM_RX];
	/* the main thread stopped reading input: half the queue is free */
	if (vmm->rx_wait && __hvctl_console_rx_room(vmm) >= HVCTL_VMM_RX / 2) {
		vmm->rx_wait = 0;
		hvctl_console_wake(vmm);
	}
	return c;
}

int __hvctl_console_getc(struct hvctl_vmm *vmm)
{
	/* with the virtio console as the guest's, the UART gets no input */
	return vmm->hvc_rx ? -1 : __hvctl_console_take(vmm);
}

int __hvctl_console_rx_ready(struct hvctl_vmm *vmm)
{
	return !vmm->hvc_rx && vmm->rx_head != vmm->rx_tail;
}

size_t hvctl_console_hvc_read(struct hvctl_vmm *vmm, uint8_t *buf, size_t n)
{
	size_t done = 0;
	int c;

	pthread_mutex_lock(&vmm->lock);
	while (done < n && (c = __hvctl_console_take(vmm)) >= 0)
		buf[done++] = c;
	pthread_mutex_unlock(&vmm->lock);
	return done;
}

int hvctl_console_hvc_pending(struct hvctl_vmm *vmm)
{
	int r;

	pthread_mutex_lock(&vmm->lock);
	r = vmm->rx_head != vmm->rx_tail;
	pthread_mutex_unlock(&vmm->lock);
	return r;
}

int hvctl_console_init(struct hvctl_vmm *vmm)
{
	return pipe2(vmm->con_wake, O_CLOEXEC | O_NONBLOCK) ? -1 : 0;
}

void hvctl_console_fini(struct hvctl_vmm *vmm)
{
	int i;

	for (i = 0; i < 2; i++)
		if (vmm->con_wake[i] >= 0) {
			close(vmm->con_wake[i]);
			vmm->con_wake[i] = -1;
		}
}

void hvctl_console_accept(struct hvctl_vmm *vmm)
{
	int fd = accept4(vmm->listen_fd, NULL, NULL, SOCK_CLOEXEC), i;
	uint64_t replay;

	if (fd < 0)
		return;
	pthread_mutex_lock(&vmm->lock);
	for (i = 0; i < HVCTL_VMM_MAX_CLIENTS && vmm->clients[i] >= 0; i++)
		;
	if (i == HVCTL_VMM_MAX_CLIENTS) {
		pthread_mutex_unlock(&vmm->lock);
		close(fd);
		return;
	}
	vmm->clients[i] = fd;
	/* the recent output first; the main loop sends what does not fit */
	replay = vmm->out_total < HVCTL_CONSOLE_REPLAY ? vmm->out_total :
							 HVCTL_CONSOLE_REPLAY;
	vmm->client_pos[i] = vmm->out_total - replay;
	__hvctl_console_flush(vmm, i);
	pthread_mutex_unlock(&vmm->lock);
}

int hvctl_console_pollfds(struct hvctl_vmm *vmm, struct pollfd *pfd)
{
	short in;
	int i;

	pthread_mutex_lock(&vmm->lock);
	/* a full queue: read no input until the guest has taken half */
	vmm->rx_wait = !__hvctl_console_rx_room(vmm);
	in = vmm->rx_wait ? 0 : POLLIN;
	pfd[0] = (struct pollfd){ .fd = vmm->con_wake[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = in ? vmm->input_fd : -1, .events = in };
	for (i = 0; i < HVCTL_VMM_MAX_CLIENTS; i++) {
		short ev = in;

		if (vmm->clients[i] >= 0 &&
		    vmm->client_pos[i] != vmm->out_total)
			ev |= POLLOUT;
		/* (no events: not even a hang-up while input waits) */
		pfd[2 + i] = (struct pollfd){
			.fd = ev ? vmm->clients[i] : -1, .events = ev,
		};
	}
	pthread_mutex_unlock(&vmm->lock);
	return 2 + HVCTL_VMM_MAX_CLIENTS;
}

/* Input from client @i (fd @fd when polled): as much as the queue takes. */
static void hvctl_console_client_input(struct hvctl_vmm *vmm, int i, int fd)
{
	uint8_t buf[256];
	unsigned int room;
	ssize_t n;

	pthread_mutex_lock(&vmm->lock);
	room = __hvctl_console_rx_room(vmm);
	/* (a vCPU thread may have closed it on a failed send) */
	if (vmm->clients[i] != fd)
		room = 0;
	pthread_mutex_unlock(&vmm->lock);
	/* only the main thread adds input or closes: room can only grow */
	if (!room)
		return;
	n = recv(fd, buf, room < sizeof(buf) ? room : sizeof(buf),
		 MSG_DONTWAIT);
	if (n > 0) {
		hvctl_console_in(vmm, buf, n);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	pthread_mutex_lock(&vmm->lock);
	if (vmm->clients[i] == fd)
		__hvctl_console_close(vmm, i);
	pthread_mutex_unlock(&vmm->lock);
}

int hvctl_console_poll(struct hvctl_vmm *vmm, const struct pollfd *pfd)
{
	uint8_t buf[256];
	unsigned int room;
	ssize_t n;
	int i;

	if (pfd[0].revents) {
		while (read(vmm->con_wake[0], buf, sizeof(buf)) > 0)
			;
	}
	if (pfd[1].revents) {
		pthread_mutex_lock(&vmm->lock);
		room = __hvctl_console_rx_room(vmm);
		pthread_mutex_unlock(&vmm->lock);
		n = read(vmm->input_fd, buf, room < sizeof(buf) ? room :
							       sizeof(buf));
		/* Ctrl-] on a terminal ends `hvctl run` */
		if (n > 0 && isatty(vmm->input_fd) &&
		    memchr(buf, HVCTL_CONSOLE_ESCAPE, n))
			return 1;
		if (n > 0)
			hvctl_console_in(vmm, buf, n);
		else if (!n || (errno != EAGAIN && errno != EINTR))
			vmm->input_fd = -1;
	}
	for (i = 0; i < HVCTL_VMM_MAX_CLIENTS; i++) {
		const struct pollfd *p = &pfd[2 + i];

		if (!p->revents)
			continue;
		if (p->revents & POLLOUT) {
			pthread_mutex_lock(&vmm->lock);
			if (vmm->clients[i] == p->fd)
				__hvctl_console_flush(vmm, i);
			pthread_mutex_unlock(&vmm->lock);
		}
		if (p->revents & (POLLIN | POLLHUP | POLLERR))
			hvctl_console_client_input(vmm, i, p->fd);
	}
	return 0;
}
