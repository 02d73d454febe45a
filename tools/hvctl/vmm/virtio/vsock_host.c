// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock, the host's side (vsock.h): the listening unix socket
 * PATH where host programs ask for a guest port ("CONNECT P\n"), the
 * sockets PATH_P the device connects to for the guest, and the data of
 * the guest that a host program has not read yet.
 *
 * Every socket is non-blocking and served by the device's one I/O thread
 * (vsock.c), which alone touches the connection table. Guest data goes to
 * the host's socket at once where it takes it; the rest waits in the
 * connection's ring until poll says the socket has room. The ring holds
 * VSOCK_BUF_ALLOC bytes, the credit the device gives the guest, so an
 * honest guest never sends more than fits (vsock.c resets a connection
 * whose guest does) and nothing is dropped. The other way, the device
 * reads the host's socket only into a receive buffer of the guest and
 * never more than the guest's credit (vsock.c), so it keeps no data of
 * the host at all: a host that writes faster than the guest reads is held
 * back by its own socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "vsock.h"

static int vsock_unix_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -1;
	strcpy(sa->sun_path, path);
	return 0;
}

int vsock_host_listen(struct hvctl_vsock *vs, char *err, size_t err_len)
{
	struct sockaddr_un sa;

	if (vsock_unix_addr(&sa, vs->path)) {
		snprintf(err, err_len, "vsock: socket path %s too long", vs->path);
		return -1;
	}
	unlink(vs->path);
	vs->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
			       SOCK_CLOEXEC, 0);
	if (vs->listen_fd < 0 ||
	    bind(vs->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(vs->listen_fd, VSOCK_MAX_PENDING)) {
		snprintf(err, err_len, "vsock: socket %s: %s", vs->path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

int vsock_host_connect(struct hvctl_vsock *vs, uint32_t port)
{
	char path[PATH_MAX + 16];
	struct sockaddr_un sa;
	int fd;

	snprintf(path, sizeof(path), "%s_%u", vs->path, port);
	if (vsock_unix_addr(&sa, path))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/*
	 * A unix stream connect completes at once or fails (EAGAIN: the
	 * listener's backlog is full); either way the guest hears now.
	 */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* --- the connection table ------------------------------------------------- */

struct vsock_conn *vsock_conn_find(struct hvctl_vsock *vs, uint32_t host_port,
				   uint32_t guest_port)
{
	struct vsock_conn *c;
	unsigned int i;

	for (i = 0; i < VSOCK_MAX_CONNS; i++) {
		c = vs->conns[i];
		if (c && c->host_port == host_port && c->guest_port == guest_port)
			return c;
	}
	return NULL;
}

struct vsock_conn *vsock_conn_new(struct hvctl_vsock *vs, int fd,
				  uint32_t host_port, uint32_t guest_port)
{
	struct vsock_conn *c;
	unsigned int i;

	for (i = 0; i < VSOCK_MAX_CONNS && vs->conns[i]; i++)
		;
	if (i == VSOCK_MAX_CONNS)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->fd = fd;
	c->host_port = host_port;
	c->guest_port = guest_port;
	vs->conns[i] = c;
	__atomic_fetch_add(&vs->stats.conns, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&vs->stats.conns_open, 1, __ATOMIC_RELAXED);
	return c;
}

void vsock_conn_free(struct hvctl_vsock *vs, struct vsock_conn *c)
{
	unsigned int i;

	for (i = 0; i < VSOCK_MAX_CONNS; i++)
		if (vs->conns[i] == c)
			vs->conns[i] = NULL;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
	__atomic_fetch_sub(&vs->stats.conns_open, 1, __ATOMIC_RELAXED);
}

void vsock_host_close_all(struct hvctl_vsock *vs)
{
	unsigned int i;

	for (i = 0; i < VSOCK_MAX_CONNS; i++)
		if (vs->conns[i])
			vsock_conn_free(vs, vs->conns[i]);
}

void vsock_host_fini(struct hvctl_vsock *vs)
{
	unsigned int i;

	vsock_host_close_all(vs);
	for (i = 0; i < VSOCK_MAX_PENDING; i++)
		if (vs->pending[i] >= 0) {
			close(vs->pending[i]);
			vs->pending[i] = -1;
		}
	if (vs->listen_fd >= 0) {
		close(vs->listen_fd);
		vs->listen_fd = -1;
		unlink(vs->path);
	}
}

/* --- guest data to the host ----------------------------------------------- */

static ssize_t vsock_send(int fd, const struct iovec *iov, unsigned int n)
{
	struct msghdr msg = { .msg_iov = (struct iovec *)iov, .msg_iovlen = n };
	ssize_t r;

	do {
		r = sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	return r;
}

int vsock_host_flush(struct hvctl_vsock *vs, struct vsock_conn *c)
{
	struct iovec iov[2];
	unsigned int n;
	uint32_t first;
	ssize_t r;

	(void)vs;
	while (c->buf_len) {
		if (c->fd < 0)
			return -1;
		first = VSOCK_BUF_ALLOC - c->buf_head;
		if (first > c->buf_len)
			first = c->buf_len;
		iov[0] = (struct iovec){ c->buf + c->buf_head, first };
		iov[1] = (struct iovec){ c->buf, c->buf_len - first };
		n = iov[1].iov_len ? 2 : 1;
		r = vsock_send(c->fd, iov, n);
		if (r < 0)
			return -1;
		if (!r)
			return 0;
		c->buf_head = (c->buf_head + r) % VSOCK_BUF_ALLOC;
		c->buf_len -= r;
		c->fwd_cnt += r;
	}
	return 0;
}

int vsock_host_write(struct hvctl_vsock *vs, struct vsock_conn *c,
		     const struct iovec *iov, unsigned int n, size_t skip,
		     size_t len)
{
	size_t done = 0, chunk;
	uint32_t tail;
	ssize_t r;

	(void)vs;
	if (c->fd < 0)
		return -1;
	/* in order: straight to the socket only when nothing waits */
	if (!c->buf_len) {
		unsigned int k = hvctl_iov_slice(iov, n, skip, len, vs->iov,
						 VIRTQ_NUM_MAX);

		r = k ? vsock_send(c->fd, vs->iov, k) : 0;
		if (r < 0)
			return -1;
		done = r;
		c->fwd_cnt += r;
	}
	if (done == len)
		return 0;
	if (len - done > VSOCK_BUF_ALLOC - c->buf_len)
		return -1;	/* vsock.c checked the credit: cannot happen */
	if (!c->buf) {
		c->buf = malloc(VSOCK_BUF_ALLOC);
		if (!c->buf)
			return -1;
	}
	while (done < len) {
		tail = (c->buf_head + c->buf_len) % VSOCK_BUF_ALLOC;
		chunk = VSOCK_BUF_ALLOC - tail;
		if (chunk > len - done)
			chunk = len - done;
		hvctl_iov_to_buf(iov, n, skip + done, c->buf + tail, chunk);
		c->buf_len += chunk;
		done += chunk;
	}
	return 0;
}

/* --- host clients asking for a guest port ----------------------------------- */

static void vsock_pending_close(struct hvctl_vsock *vs, unsigned int i)
{
	close(vs->pending[i]);
	vs->pending[i] = -1;
	vs->line_len[i] = 0;
}

static void vsock_accept(struct hvctl_vsock *vs)
{
	unsigned int i;
	int fd;

	fd = accept4(vs->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < VSOCK_MAX_PENDING; i++) {
		if (vs->pending[i] < 0) {
			vs->pending[i] = fd;
			vs->line_len[i] = 0;
			return;
		}
	}
	close(fd);	/* too many clients at once: try again */
}

/* A host port for a new connection to guest port @guest_port. */
static uint32_t vsock_host_port(struct hvctl_vsock *vs, uint32_t guest_port)
{
	uint32_t port;

	do {
		port = vs->next_port++;
		if (vs->next_port < VSOCK_HOST_PORT_FIRST ||
		    vs->next_port == UINT32_MAX)
			vs->next_port = VSOCK_HOST_PORT_FIRST;
	} while (vsock_conn_find(vs, port, guest_port));
	return port;
}

/* "CONNECT P": the guest port, or -1. */
static long long vsock_parse_connect(const char *line)
{
	unsigned long long port = 0;
	const char *p;

	if (strncmp(line, "CONNECT ", 8) || !line[8])
		return -1;
	for (p = line + 8; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		port = port * 10 + (*p - '0');
		if (port >= UINT32_MAX)
			return -1;
	}
	return port;
}

/*
 * Reads the CONNECT line of client @i a byte at a time, so that nothing
 * after its newline (the stream, when the client does not wait for OK) is
 * taken from the socket here.
 */
static void vsock_pending_read(struct hvctl_vsock *vs, unsigned int i)
{
	struct vsock_conn *c;
	long long port;
	ssize_t r;
	char ch;

	for (;;) {
		r = recv(vs->pending[i], &ch, 1, MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0) {
			vsock_pending_close(vs, i);
			return;
		}
		if (ch == '\n')
			break;
		if (vs->line_len[i] == VSOCK_CONNECT_LINE - 1) {
			vsock_pending_close(vs, i);
			return;
		}
		vs->line[i][vs->line_len[i]++] = ch;
	}
	vs->line[i][vs->line_len[i]] = 0;
	if (vs->line_len[i] && vs->line[i][vs->line_len[i] - 1] == '\r')
		vs->line[i][vs->line_len[i] - 1] = 0;
	port = vsock_parse_connect(vs->line[i]);
	if (port < 0) {
		vsock_pending_close(vs, i);
		return;
	}
	c = vsock_conn_new(vs, vs->pending[i], vsock_host_port(vs, port), port);
	if (!c) {
		vsock_pending_close(vs, i);
		return;
	}
	/* the socket is the connection's now; the guest is asked */
	vs->pending[i] = -1;
	vs->line_len[i] = 0;
	c->state = VSOCK_CONNECTING;
	c->pending = VSOCK_P_REQUEST;
}

/* --- the poll set ------------------------------------------------------------- */

/*
 * The layout: the listening socket, VSOCK_MAX_PENDING clients, then
 * VSOCK_MAX_CONNS connections, -1 where there is nothing to wait for.
 */
unsigned int vsock_host_pollfds(struct hvctl_vsock *vs, struct pollfd *pfd,
				unsigned int max)
{
	unsigned int i, n = 1 + VSOCK_MAX_PENDING + VSOCK_MAX_CONNS;
	struct vsock_conn *c;
	short ev;

	if (max < n)
		return 0;
	pfd[0] = (struct pollfd){ .fd = vs->listen_fd, .events = POLLIN };
	for (i = 0; i < VSOCK_MAX_PENDING; i++)
		pfd[1 + i] = (struct pollfd){ .fd = vs->pending[i],
					      .events = POLLIN };
	for (i = 0; i < VSOCK_MAX_CONNS; i++) {
		c = vs->conns[i];
		ev = 0;
		if (c && c->fd >= 0) {
			if (c->buf_len)
				ev |= POLLOUT;
			if (vsock_conn_wants_data(vs, c) && !c->host_readable)
				ev |= POLLIN;
		}
		pfd[1 + VSOCK_MAX_PENDING + i] = (struct pollfd){
			.fd = ev ? c->fd : -1, .events = ev,
		};
	}
	return n;
}

void vsock_host_poll(struct hvctl_vsock *vs, const struct pollfd *pfd,
		     unsigned int n)
{
	const struct pollfd *p;
	struct vsock_conn *c;
	unsigned int i;

	if (n < 1 + VSOCK_MAX_PENDING + VSOCK_MAX_CONNS)
		return;
	for (i = 0; i < VSOCK_MAX_CONNS; i++) {
		p = &pfd[1 + VSOCK_MAX_PENDING + i];
		c = vs->conns[i];
		if (!c || p->fd < 0 || p->fd != c->fd || !p->revents)
			continue;
		if (c->buf_len && vsock_host_flush(vs, c)) {
			vsock_conn_reset(vs, c);
			continue;
		}
		if ((p->events & POLLIN) &&
		    (p->revents & (POLLIN | POLLHUP | POLLERR)))
			c->host_readable = 1;
		vsock_conn_update(vs, c);
	}
	for (i = 0; i < VSOCK_MAX_PENDING; i++)
		if (pfd[1 + i].fd >= 0 && pfd[1 + i].revents &&
		    vs->pending[i] == pfd[1 + i].fd)
			vsock_pending_read(vs, i);
	if (pfd[0].revents & POLLIN)
		vsock_accept(vs);
}
