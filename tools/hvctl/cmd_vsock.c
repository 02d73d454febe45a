// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl vsock NAME PORT: stdin and stdout joined to a stream connection to
 * the guest's vsock port PORT, through the VMM's host socket NAME.vsock
 * ("CONNECT PORT\n", answered "OK HOSTPORT\n": vmm/virtio/vsock.h). The
 * end of stdin shuts the connection for writing; the guest's end of the
 * stream (or its close) ends the command, once stdout has it all.
 *
 * Both ways are buffered and the socket is non-blocking, so that a guest
 * that echoes what it reads never waits on us while we wait on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "hvctl.h"

#define HVCTL_VSOCK_BUF	65536

/* The host socket of VM @name, connected to guest port @port: fd or -1. */
static int hvctl_vsock_open(const char *name, uint32_t port)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[PATH_MAX], line[64];
	size_t n = 0;
	ssize_t r;
	int fd;

	hvctl_state_path(name, "vsock", path, sizeof(path));
	if (strlen(path) >= sizeof(sa.sun_path)) {
		hvctl_err("vsock %s: socket path %s too long", name, path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		hvctl_err(errno == ENOENT || errno == ECONNREFUSED ?
			  "vsock %s: the VM is not running or has no --vsock (no %s)" :
			  "vsock %s: cannot connect to %s", name, path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n = snprintf(line, sizeof(line), "CONNECT %u\n", port);
	if (write(fd, line, n) != (ssize_t)n) {
		hvctl_err("vsock %s: %s: %s", name, path, strerror(errno));
		close(fd);
		return -1;
	}
	/* the answer, a byte at a time: the stream may follow at once */
	for (n = 0; n < sizeof(line) - 1; n++) {
		r = read(fd, line + n, 1);
		if (r <= 0 || line[n] == '\n')
			break;
	}
	line[n] = 0;
	if (strncmp(line, "OK ", 3)) {
		hvctl_err("vsock %s: the guest refused port %u (nothing listens there?)",
			  name, port);
		close(fd);
		return -1;
	}
	return fd;
}

static int hvctl_write_all(int fd, const char *buf, size_t len)
{
	ssize_t r;

	while (len) {
		r = write(fd, buf, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		buf += r;
		len -= r;
	}
	return 0;
}

/* Joins stdin/stdout and @fd until the guest's side ends. */
static int hvctl_vsock_bridge(int fd)
{
	static char to_sock[HVCTL_VSOCK_BUF], to_out[HVCTL_VSOCK_BUF];
	size_t in_len = 0, in_off = 0;
	int in_eof = 0, shut = 0;
	struct pollfd pfd[2];
	ssize_t r;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (;;) {
		if (in_eof && !in_len && !shut) {
			shutdown(fd, SHUT_WR);
			shut = 1;
		}
		pfd[0] = (struct pollfd){ .fd = in_eof || in_len ? -1 : 0,
					  .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = fd, .events = POLLIN |
					  (in_len ? POLLOUT : 0) };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (pfd[0].revents) {
			r = read(0, to_sock, sizeof(to_sock));
			if (r > 0) {
				in_len = r;
				in_off = 0;
			} else if (!r || errno != EINTR) {
				in_eof = 1;
			}
		}
		if (in_len && (pfd[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			r = send(fd, to_sock + in_off, in_len,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
			if (r < 0 && errno != EAGAIN && errno != EINTR) {
				/* the guest closed: what it sent is still read below */
				in_len = 0;
				in_eof = 1;
			} else if (r > 0) {
				in_off += r;
				in_len -= r;
			}
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			r = recv(fd, to_out, sizeof(to_out), MSG_DONTWAIT);
			if (r > 0) {
				if (hvctl_write_all(1, to_out, r))
					return 1;
			} else if (!r || (errno != EAGAIN && errno != EINTR)) {
				return r ? 1 : 0;
			}
		}
	}
}

int hvctl_cmd_vsock(int argc, char **argv)
{
	uint64_t port;
	int fd, ret;

	if (argc != 3) {
		hvctl_err("vsock needs a VM name and a guest port (try 'hvctl --help')");
		return 2;
	}
	if (hvctl_parse_u64(argv[2], "vsock port", &port))
		return 2;
	if (port >= 0xffffffffULL) {
		hvctl_err("bad vsock port '%s': 0 to 4294967294", argv[2]);
		return 2;
	}
	fd = hvctl_vsock_open(argv[1], port);
	if (fd < 0)
		return 1;
	ret = hvctl_vsock_bridge(fd);
	close(fd);
	return ret;
}
