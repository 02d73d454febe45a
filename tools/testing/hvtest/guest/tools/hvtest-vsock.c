// SPDX-License-Identifier: GPL-2.0
/*
 * hvtest-vsock: both ends of the vsock test (step hvctl.linux-vsock), in
 * the L2 guest (AF_VSOCK) and in L1, the host of hvctl's VMM (the unix
 * sockets of its virtio-vsock device):
 *
 *   hvtest-vsock echo vsock PORT N       an echo server on vsock port PORT
 *   hvtest-vsock echo unix PATH N        ... on the unix socket PATH
 *       serves connections at once until N have ended; every byte read
 *       goes back; a connection ends when its peer's stream ends and all
 *       of it went back.
 *   hvtest-vsock send vsock CID PORT N SIZE
 *   hvtest-vsock send unix PATH PORT N SIZE
 *       N connections at once (unix: to the VMM's NAME.vsock, each asking
 *       for guest port PORT with "CONNECT PORT\n" and its "OK"), each
 *       sending SIZE bytes of its own pseudo-random stream, then shutting
 *       down for writing; each must read the same SIZE bytes back, then
 *       the end of the stream.
 *
 * Both print one line "hvtest-vsock: ok ..." with the connections, bytes
 * and a checksum (FNV-1a of all the streams), or "hvtest-vsock: FAIL ..."
 * and exit 1. Nothing waits on a clock: poll without a time limit; the
 * step's limit bounds a hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <linux/vm_sockets.h>

#define MAX_CONNS	64
#define BUF		65536

static void fail(const char *what)
{
	printf("hvtest-vsock: FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

static void failx(const char *fmt, unsigned int i, unsigned long long v)
{
	printf("hvtest-vsock: FAIL ");
	printf(fmt, i, v);
	printf("\n");
	exit(1);
}

static void nonblock(int fd)
{
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		fail("fcntl");
}

/* --- echo ------------------------------------------------------------------- */

struct echo {
	int fd;
	char buf[BUF];
	size_t len, off;
	int eof;
};

static int echo_listen(char **argv)
{
	struct sockaddr_vm vm = { .svm_family = AF_VSOCK,
				  .svm_cid = VMADDR_CID_ANY };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int fd;

	if (!strcmp(argv[0], "vsock")) {
		vm.svm_port = strtoul(argv[1], NULL, 0);
		fd = socket(AF_VSOCK, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&vm, sizeof(vm)))
			fail("vsock bind");
	} else {
		snprintf(un.sun_path, sizeof(un.sun_path), "%s", argv[1]);
		unlink(un.sun_path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&un, sizeof(un)))
			fail("unix bind");
	}
	if (listen(fd, MAX_CONNS))
		fail("listen");
	return fd;
}

static int echo_main(char **argv)
{
	static struct echo c[MAX_CONNS];
	unsigned int want = strtoul(argv[2], NULL, 0), ended = 0, i;
	unsigned long long bytes = 0;
	struct pollfd pfd[MAX_CONNS + 1];
	int lfd = echo_listen(argv), fd;
	ssize_t r;

	for (i = 0; i < MAX_CONNS; i++)
		c[i].fd = -1;
	printf("hvtest-vsock: echo on %s %s\n", argv[0], argv[1]);
	fflush(stdout);
	while (ended < want) {
		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0; i < MAX_CONNS; i++)
			pfd[1 + i] = (struct pollfd){
				.fd = c[i].fd,
				.events = c[i].len ? POLLOUT :
					  c[i].eof ? 0 : POLLIN,
			};
		if (poll(pfd, MAX_CONNS + 1, -1) < 0)
			fail("poll");
		if (pfd[0].revents) {
			fd = accept(lfd, NULL, NULL);
			if (fd < 0)
				fail("accept");
			for (i = 0; i < MAX_CONNS && c[i].fd >= 0; i++)
				;
			if (i == MAX_CONNS)
				failx("more than %u connections%llu", MAX_CONNS, 0);
			nonblock(fd);
			c[i] = (struct echo){ .fd = fd };
		}
		for (i = 0; i < MAX_CONNS; i++) {
			struct echo *e = &c[i];

			if (e->fd < 0 || !pfd[1 + i].revents ||
			    pfd[1 + i].fd != e->fd)
				continue;
			if (e->len) {
				r = send(e->fd, e->buf + e->off, e->len,
					 MSG_NOSIGNAL);
				if (r < 0 && errno != EAGAIN)
					failx("echo %u: send%llu", i, 0);
				if (r > 0) {
					e->off += r;
					e->len -= r;
				}
			} else if (!e->eof) {
				r = recv(e->fd, e->buf, BUF, 0);
				if (r < 0 && errno != EAGAIN)
					failx("echo %u: recv%llu", i, 0);
				if (!r)
					e->eof = 1;
				if (r > 0) {
					e->len = r;
					e->off = 0;
					bytes += r;
				}
			}
			if (e->eof && !e->len) {
				close(e->fd);
				e->fd = -1;
				ended++;
			}
		}
	}
	printf("hvtest-vsock: ok echo %u connections, %llu bytes back\n",
	       ended, bytes);
	return 0;
}

/* --- send ------------------------------------------------------------------- */

struct stream {
	int fd;
	uint64_t tx_state, rx_state, fnv;
	size_t sent, got;
	int shut, done;
	char buf[4096];
};

static uint8_t next_byte(uint64_t *s)
{
	/* xorshift64 */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s >> 24;
}

static int connect_vsock(unsigned int cid, unsigned int port)
{
	struct sockaddr_vm vm = { .svm_family = AF_VSOCK, .svm_cid = cid,
				  .svm_port = port };
	int fd = socket(AF_VSOCK, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&vm, sizeof(vm)))
		fail("vsock connect");
	return fd;
}

static int connect_unix(const char *path, unsigned int port)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	char line[64];
	size_t n;
	int fd;

	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&un, sizeof(un)))
		fail("unix connect");
	n = snprintf(line, sizeof(line), "CONNECT %u\n", port);
	if (write(fd, line, n) != (ssize_t)n)
		fail("CONNECT");
	for (n = 0; n < sizeof(line) - 1; n++)
		if (read(fd, line + n, 1) != 1 || line[n] == '\n')
			break;
	line[n] = 0;
	if (strncmp(line, "OK ", 3))
		failx("connection %u: no OK after CONNECT%llu", port, 0);
	return fd;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int send_main(int argc, char **argv)
{
	static struct stream s[MAX_CONNS];
	int vsock = !strcmp(argv[0], "vsock");
	unsigned int n, i, left;
	unsigned long long size;
	struct pollfd pfd[MAX_CONNS];
	uint64_t fnv = 0;
	size_t k, chunk;
	double t0 = now(), dt;
	ssize_t r;

	if (argc < 5)
		return 2;
	n = strtoul(argv[3], NULL, 0);
	size = strtoull(argv[4], NULL, 0);
	if (!n || n > MAX_CONNS)
		return 2;
	for (i = 0; i < n; i++) {
		s[i].fd = vsock ? connect_vsock(strtoul(argv[1], NULL, 0),
						strtoul(argv[2], NULL, 0)) :
			  connect_unix(argv[1], strtoul(argv[2], NULL, 0));
		nonblock(s[i].fd);
		s[i].tx_state = s[i].rx_state = 0x9e3779b97f4a7c15ULL * (i + 1);
		s[i].fnv = 0xcbf29ce484222325ULL;
	}
	for (left = n; left;) {
		for (i = 0; i < n; i++)
			pfd[i] = (struct pollfd){
				.fd = s[i].done ? -1 : s[i].fd,
				.events = POLLIN |
					  (s[i].sent < size ? POLLOUT : 0),
			};
		if (poll(pfd, n, -1) < 0)
			fail("poll");
		for (i = 0; i < n; i++) {
			struct stream *t = &s[i];

			if (t->done || !pfd[i].revents)
				continue;
			if (t->sent < size && (pfd[i].revents & POLLOUT)) {
				uint64_t st = t->tx_state;

				chunk = size - t->sent < sizeof(t->buf) ?
					size - t->sent : sizeof(t->buf);
				for (k = 0; k < chunk; k++)
					t->buf[k] = next_byte(&st);
				r = send(t->fd, t->buf, chunk, MSG_NOSIGNAL);
				if (r < 0 && errno != EAGAIN)
					failx("connection %u: send after %llu bytes",
					      i, t->sent);
				/* keep the generator where the socket took it */
				for (k = 0; r > 0 && k < (size_t)r; k++)
					next_byte(&t->tx_state);
				if (r > 0)
					t->sent += r;
			}
			if (t->sent == size && !t->shut) {
				shutdown(t->fd, SHUT_WR);
				t->shut = 1;
			}
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				r = recv(t->fd, t->buf, sizeof(t->buf), 0);
				if (r < 0 && errno != EAGAIN)
					failx("connection %u: recv after %llu bytes",
					      i, t->got);
				for (k = 0; r > 0 && k < (size_t)r; k++) {
					if ((uint8_t)t->buf[k] != next_byte(&t->rx_state))
						failx("connection %u: wrong byte at %llu",
						      i, t->got + k);
					t->fnv = (t->fnv ^ (uint8_t)t->buf[k]) *
						 0x100000001b3ULL;
				}
				if (r > 0)
					t->got += r;
				if (t->got > size)
					failx("connection %u: %llu bytes back, more than sent",
					      i, t->got);
				if (!r) {
					if (t->got != size)
						failx("connection %u: the stream ended after %llu bytes",
						      i, t->got);
					close(t->fd);
					fnv ^= t->fnv;	/* in any order */
					t->done = 1;
					left--;
				}
			}
		}
	}
	/* the figure is for the log only: nothing depends on it */
	dt = now() - t0;
	printf("hvtest-vsock: ok %u connections at once, %llu bytes each way on each, checksum %016llx, %.2f s, %.0f KiB/s each way\n",
	       n, size, (unsigned long long)fnv, dt,
	       dt > 0 ? n * size / 1024.0 / dt : 0.0);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 5 && !strcmp(argv[1], "echo"))
		return echo_main(argv + 2);
	if (argc >= 7 && !strcmp(argv[1], "send"))
		return send_main(argc - 2, argv + 2);
	fprintf(stderr, "usage: hvtest-vsock echo vsock|unix PORT|PATH N\n"
		"       hvtest-vsock send vsock CID PORT N SIZE\n"
		"       hvtest-vsock send unix PATH PORT N SIZE\n");
	return 2;
}
