// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the hvctl VMM's console (tools/hvctl/vmm/console.c,
 * compiled into this program): nothing the guest writes or a client types
 * is lost or repeated, however slowly the client reads or however much it
 * types at once. The main loop's part (hvctl_console_pollfds(), poll(),
 * hvctl_console_poll()) runs here as vmm.c runs it; the guest is this
 * program calling hvctl_console_out() and __hvctl_console_getc() as the
 * UARTs do.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "kselftest_harness.h"
#include "vmm.h"

#define NFD	(2 + HVCTL_VMM_MAX_CLIENTS)

FIXTURE(con) {
	struct hvctl_vmm vmm;
	struct hvctl_def def;
	int log[2];		/* the console fd: a pipe nobody needs to read */
	int peer;		/* the client's end of its socket */
};

FIXTURE_SETUP(con)
{
	int sv[2], i, small = 4096;

	memset(&self->vmm, 0, sizeof(self->vmm));
	memset(&self->def, 0, sizeof(self->def));
	self->vmm.def = &self->def;
	self->vmm.input_fd = -1;
	self->vmm.listen_fd = -1;
	self->vmm.con_wake[0] = self->vmm.con_wake[1] = -1;
	for (i = 0; i < HVCTL_VMM_MAX_CLIENTS; i++)
		self->vmm.clients[i] = -1;
	pthread_mutex_init(&self->vmm.lock, NULL);
	ASSERT_EQ(0, hvctl_console_init(&self->vmm));
	/* the log: not part of these tests */
	self->vmm.console_fd = -1;
	/* one client, its socket buffers small so that they fill at once */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small,
				sizeof(small)));
	ASSERT_EQ(0, setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small,
				sizeof(small)));
	self->vmm.clients[0] = sv[0];
	self->peer = sv[1];
}

FIXTURE_TEARDOWN(con)
{
	hvctl_console_fini(&self->vmm);
	if (self->vmm.clients[0] >= 0)
		close(self->vmm.clients[0]);
	close(self->peer);
}

/* One round of the VMM's main loop, not waiting; the fds that were ready. */
static int main_loop_once(struct hvctl_vmm *vmm, struct pollfd *pfd)
{
	int n = hvctl_console_pollfds(vmm, pfd), ready;

	if (n != NFD)
		abort();
	ready = poll(pfd, n, 0);
	if (ready > 0 && hvctl_console_poll(vmm, pfd))
		abort();
	return ready;
}

static uint8_t pattern(unsigned long i)
{
	return 'a' + (i * 7 + i / 26) % 26;
}

/*
 * The guest writes 200 KB while the client reads nothing: its socket
 * fills after a few KB. The client then gets all of it (less than a ring),
 * in order, once, from the main thread.
 */
TEST_F(con, slow_client_gets_every_byte_once)
{
	const unsigned long total = HVCTL_VMM_RING * 3 / 4;
	struct pollfd pfd[NFD];
	unsigned long got = 0, i;
	uint8_t buf[1024];
	ssize_t n;
	int rounds = 0;

	for (i = 0; i < total; i++)
		hvctl_console_out(&self->vmm, pattern(i));
	/* the socket took only part of it; the rest waits in the ring */
	n = recv(self->peer, buf, sizeof(buf), MSG_DONTWAIT | MSG_PEEK);
	ASSERT_GT(n, 0);
	ASSERT_LT(self->vmm.client_pos[0], total);
	while (got < total && rounds++ < 100000) {
		main_loop_once(&self->vmm, pfd);
		n = recv(self->peer, buf, sizeof(buf), MSG_DONTWAIT);
		for (i = 0; n > 0 && i < (unsigned long)n; i++, got++)
			ASSERT_EQ(pattern(got), buf[i]);
	}
	EXPECT_EQ(total, got);
	/* caught up: nothing more, and live bytes go straight out again */
	hvctl_console_out(&self->vmm, 'Z');
	ASSERT_EQ(1, recv(self->peer, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ('Z', buf[0]);
	EXPECT_EQ(-1, recv(self->peer, buf, sizeof(buf), MSG_DONTWAIT));
}

/* A client a whole ring behind loses the oldest output, never the newest. */
TEST_F(con, client_a_ring_behind_gets_the_last_ring)
{
	const unsigned long total = HVCTL_VMM_RING * 2 + 100;
	struct pollfd pfd[NFD];
	unsigned long got = 0, first = 0, i;
	uint8_t buf[1024];
	ssize_t n;
	int rounds = 0;

	for (i = 0; i < total; i++)
		hvctl_console_out(&self->vmm, pattern(i));
	/* what the socket took first, then the last ring */
	while (rounds++ < 100000) {
		main_loop_once(&self->vmm, pfd);
		n = recv(self->peer, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0 && self->vmm.client_pos[0] == total)
			break;
		for (i = 0; n > 0 && i < (unsigned long)n; i++, got++) {
			if (!first && buf[i] != pattern(got))
				first = got;
			if (first)
				ASSERT_EQ(pattern(total - HVCTL_VMM_RING +
						  got - first), buf[i]);
		}
	}
	ASSERT_GT(first, 0);
	EXPECT_EQ(first + HVCTL_VMM_RING, got);
}

/*
 * The client types 3 times what the queue holds, at once: the VMM takes
 * what fits, leaves the rest in the socket, and reads on once the guest
 * has read half of the queue. The guest gets every byte once, in order.
 */
TEST_F(con, paste_waits_for_the_uart)
{
	const unsigned long total = HVCTL_VMM_RX * 3;
	unsigned long sent = 0, got = 0, i;
	struct pollfd pfd[NFD];
	int rounds = 0, full = 0, c;
	uint8_t buf[512];
	ssize_t n;

	while (got < total && rounds++ < 100000) {
		/* the typist: as much as its socket takes */
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = pattern(sent + i);
		if (sent < total) {
			n = send(self->peer, buf, total - sent < sizeof(buf) ?
				 total - sent : sizeof(buf), MSG_DONTWAIT);
			if (n > 0)
				sent += n;
		}
		main_loop_once(&self->vmm, pfd);
		if (self->vmm.rx_tail - self->vmm.rx_head == HVCTL_VMM_RX) {
			/* full: the client is not read (not even polled) */
			full++;
			hvctl_console_pollfds(&self->vmm, pfd);
			EXPECT_EQ(-1, pfd[2].fd);
		}
		pthread_mutex_lock(&self->vmm.lock);
		/* the guest's UART reads a few bytes per round */
		for (i = 0; i < 100; i++) {
			c = __hvctl_console_getc(&self->vmm);
			if (c < 0)
				break;
			ASSERT_EQ(pattern(got), c);
			got++;
		}
		pthread_mutex_unlock(&self->vmm.lock);
	}
	EXPECT_EQ(total, got);
	EXPECT_GT(full, 0);
}

/* Input that fills the queue from a call: the rest is not taken. */
TEST_F(con, queue_takes_what_fits)
{
	static uint8_t in[HVCTL_VMM_RX + 10];

	memset(in, 'q', sizeof(in));
	hvctl_console_in(&self->vmm, in, sizeof(in));
	pthread_mutex_lock(&self->vmm.lock);
	EXPECT_EQ((unsigned int)HVCTL_VMM_RX, self->vmm.rx_tail - self->vmm.rx_head);
	pthread_mutex_unlock(&self->vmm.lock);
}

/* A new client sees the last 4 KiB of output first, then what follows. */
TEST_F(con, new_client_replay)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const unsigned long total = 10000;
	unsigned long got = 0, i;
	struct pollfd pfd[NFD];
	uint8_t buf[1024];
	int fd, rounds = 0;
	ssize_t n;

	close(self->vmm.clients[0]);
	self->vmm.clients[0] = -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/hv-console-test.%d",
		 getpid());
	self->vmm.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(0, bind(self->vmm.listen_fd, (struct sockaddr *)&sa,
			  sizeof(sa)));
	ASSERT_EQ(0, listen(self->vmm.listen_fd, 1));
	for (i = 0; i < total; i++)
		hvctl_console_out(&self->vmm, pattern(i));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
	hvctl_console_accept(&self->vmm);
	unlink(sa.sun_path);
	close(self->vmm.listen_fd);
	ASSERT_GE(self->vmm.clients[0], 0);
	hvctl_console_out(&self->vmm, '!');
	while (got < 4097 && rounds++ < 100000) {
		main_loop_once(&self->vmm, pfd);
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		for (i = 0; n > 0 && i < (unsigned long)n; i++, got++)
			ASSERT_EQ(got < 4096 ? pattern(total - 4096 + got) : '!',
				  buf[i]);
	}
	EXPECT_EQ(4097, got);
	close(fd);
}

TEST_HARNESS_MAIN
