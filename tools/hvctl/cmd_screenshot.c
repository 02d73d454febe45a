// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl screenshot NAME FILE.png: asks the running VMM (its display socket
 * NAME.display in the state directory, vmm/display/display.h) for its
 * framebuffer as a PNG and writes it to FILE, whole or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "hvctl.h"
#include "vmm/display/display.h"

/* The biggest PNG of a 4096x4096 display, with room: a sanity bound. */
#define HVCTL_SCREENSHOT_MAX	(128ULL << 20)

static int hvctl_screenshot_connect(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	hvctl_state_path(name, "display", sa.sun_path, sizeof(sa.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		hvctl_err(errno == ENOENT || errno == ECONNREFUSED ?
			  "screenshot %s: the VM is not running or has no display (create it with --display)" :
			  "screenshot %s: cannot connect to the display socket: %s",
			  name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The answer's first line, without its newline. */
static int hvctl_screenshot_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n < len - 1) {
		if (read(fd, buf + n, 1) != 1)
			return -1;
		if (buf[n] == '\n') {
			buf[n] = 0;
			return 0;
		}
		n++;
	}
	return -1;
}

/* Copies @len bytes of PNG from @fd into @out. */
static int hvctl_screenshot_copy(int fd, int out, unsigned long long len)
{
	char buf[65536];
	ssize_t n;

	while (len) {
		n = read(fd, buf, len < sizeof(buf) ? len : sizeof(buf));
		if (n <= 0)
			return -1;
		if (write(out, buf, n) != n)
			return -2;
		len -= n;
	}
	return 0;
}

int hvctl_cmd_screenshot(int argc, char **argv)
{
	char line[256], tmp[PATH_MAX + 16];
	unsigned long long len;
	unsigned int w, h;
	int fd, out, err;

	if (argc != 3) {
		hvctl_err("screenshot needs a VM name and a file (hvctl screenshot NAME FILE.png)");
		return 2;
	}
	fd = hvctl_screenshot_connect(argv[1]);
	if (fd < 0)
		return 1;
	if (write(fd, HVCTL_DISPLAY_REQ_SCREENSHOT,
		  strlen(HVCTL_DISPLAY_REQ_SCREENSHOT)) < 0 ||
	    hvctl_screenshot_line(fd, line, sizeof(line))) {
		hvctl_err("screenshot %s: the VMM did not answer", argv[1]);
		close(fd);
		return 1;
	}
	if (sscanf(line, "png %llu %u %u", &len, &w, &h) != 3 ||
	    !len || len > HVCTL_SCREENSHOT_MAX) {
		hvctl_err("screenshot %s: %s", argv[1],
			  strncmp(line, "error ", 6) ? "a bad answer from the VMM" :
			  line + 6);
		close(fd);
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		hvctl_err("screenshot: %s: %s", tmp, strerror(errno));
		close(fd);
		return 1;
	}
	err = hvctl_screenshot_copy(fd, out, len);
	close(fd);
	if (close(out) && !err)
		err = -2;
	if (!err && rename(tmp, argv[2]))
		err = -2;
	if (err) {
		hvctl_err(err == -1 ? "screenshot %s: the VMM stopped sending" :
			  "screenshot %s: cannot write the file: %s", argv[1],
			  strerror(errno));
		unlink(tmp);
		return 1;
	}
	printf("%s: %ux%u, %llu bytes of PNG in %s\n", argv[1], w, h, len,
	       argv[2]);
	return 0;
}
