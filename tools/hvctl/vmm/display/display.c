// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM's display: the framebuffer's place in guest RAM (mode.c), and a
 * thread of its own that answers the display socket NAME.display in the
 * state directory, one request per connection (display.h has the
 * protocol). It only reads guest RAM, so a guest scribbling over its
 * framebuffer changes the picture and nothing else; a client that stops
 * reading or sends garbage is dropped after a timeout, with the vCPUs and
 * the console running on meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include "vmm.h"
#include "display.h"

/* How long a client may take to send its request or read the answer. */
#define HVCTL_DISPLAY_IO_TIMEOUT	10	/* seconds */

struct hvctl_display {
	struct hvctl_fb fb;
	int listen_fd;
	int stop[2];		/* the teardown wakes the thread */
	pthread_t thread;
	int thread_ok;
};

static struct hvctl_display hvctl_display;

const struct hvctl_fb *hvctl_display_fb(struct hvctl_vmm *vmm)
{
	return vmm->display ? &vmm->display->fb : NULL;
}

uint64_t hvctl_display_guest_ram(struct hvctl_vmm *vmm)
{
	return vmm->def->memory - (vmm->display ? vmm->display->fb.size : 0);
}

static int hvctl_display_send(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * A snapshot of the framebuffer first (the guest draws on meanwhile), then
 * the PNG of it.
 */
static void hvctl_display_screenshot(struct hvctl_vmm *vmm, int fd)
{
	const struct hvctl_fb *fb = &vmm->display->fb;
	size_t bytes = (size_t)fb->stride * fb->height, len;
	uint8_t *copy, *png = NULL;
	const uint8_t *src;
	char hdr[64];
	int err = -1;

	src = hvctl_vmm_ram(vmm, fb->gpa, bytes);
	copy = malloc(bytes);
	if (src && copy) {
		memcpy(copy, src, bytes);
		err = hvctl_png_encode(copy, fb->width, fb->height,
				       fb->stride, &png, &len);
	}
	free(copy);
	if (err) {
		dprintf(fd, "error cannot encode the framebuffer\n");
		return;
	}
	snprintf(hdr, sizeof(hdr), "png %zu %u %u\n", len, fb->width,
		 fb->height);
	if (hvctl_display_send(fd, hdr, strlen(hdr)) ||
	    hvctl_display_send(fd, png, len))
		hvctl_vmm_log(vmm, "screenshot: the client went away: %s",
			      strerror(errno));
	free(png);
}

/* One connection: a request line, an answer. */
static void hvctl_display_client(struct hvctl_vmm *vmm, int fd)
{
	struct timeval tv = { .tv_sec = HVCTL_DISPLAY_IO_TIMEOUT };
	char req[64];
	size_t got = 0;
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (got < sizeof(req) - 1 && !memchr(req, '\n', got)) {
		n = recv(fd, req + got, sizeof(req) - 1 - got, 0);
		if (n <= 0)
			return;
		got += n;
	}
	req[got] = 0;
	if (!strcmp(req, HVCTL_DISPLAY_REQ_SCREENSHOT))
		hvctl_display_screenshot(vmm, fd);
	else
		dprintf(fd, "error unknown request\n");
}

static void *hvctl_display_thread(void *arg)
{
	struct hvctl_vmm *vmm = arg;
	struct hvctl_display *d = vmm->display;
	struct pollfd pfd[2];
	int fd;

	for (;;) {
		pfd[0] = (struct pollfd){ .fd = d->stop[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents)
			break;
		if (!(pfd[1].revents & POLLIN))
			continue;
		fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		hvctl_display_client(vmm, fd);
		close(fd);
	}
	return NULL;
}

static int hvctl_display_listen(struct hvctl_vmm *vmm, struct hvctl_display *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[PATH_MAX];

	hvctl_state_path(vmm->def->name, "display", path, sizeof(path));
	if (strlen(path) >= sizeof(sa.sun_path)) {
		hvctl_err("the display socket path %s is too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	d->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (d->listen_fd < 0 ||
	    bind(d->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(d->listen_fd, 4)) {
		hvctl_err("display socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int hvctl_display_setup(struct hvctl_vmm *vmm)
{
	struct hvctl_display *d = &hvctl_display;
	const struct hvctl_def *def = vmm->def;
	char err[256];
	int ret;

	if (!def->display_width)
		return 0;
	*d = (struct hvctl_display){ .listen_fd = -1, .stop = { -1, -1 } };
	if (hvctl_display_layout(&d->fb, def->display_width,
				 def->display_height, vmm->ram_base,
				 def->memory, err, sizeof(err))) {
		hvctl_err("start %s: %s", def->name, err);
		return -1;
	}
	vmm->display = d;
	if (hvctl_display_listen(vmm, d) || pipe2(d->stop, O_CLOEXEC))
		return -1;
	ret = pthread_create(&d->thread, NULL, hvctl_display_thread, vmm);
	if (ret) {
		hvctl_err("cannot start the display thread: %s", strerror(ret));
		return -1;
	}
	d->thread_ok = 1;
#ifdef HVCTL_VNC
	if (def->vnc[0] && hvctl_vnc_start(vmm, &d->fb))
		return -1;
#endif
	hvctl_vmm_log(vmm, "display %ux%u, 32 bpp: framebuffer at 0x%llx (%lluK), socket %s.display",
		      d->fb.width, d->fb.height,
		      (unsigned long long)d->fb.gpa,
		      (unsigned long long)d->fb.size >> 10, def->name);
	return 0;
}

void hvctl_display_teardown(struct hvctl_vmm *vmm)
{
	struct hvctl_display *d = vmm->display;
	char path[PATH_MAX];

	if (!d)
		return;
#ifdef HVCTL_VNC
	hvctl_vnc_stop();
#endif
	if (d->thread_ok) {
		if (write(d->stop[1], "x", 1) != 1)
			pthread_cancel(d->thread);
		pthread_join(d->thread, NULL);
		d->thread_ok = 0;
	}
	if (d->listen_fd >= 0) {
		hvctl_state_path(vmm->def->name, "display", path, sizeof(path));
		unlink(path);
		close(d->listen_fd);
		d->listen_fd = -1;
	}
	if (d->stop[0] >= 0) {
		close(d->stop[0]);
		close(d->stop[1]);
	}
	vmm->display = NULL;
}
