// SPDX-License-Identifier: GPL-2.0
/*
 * The geometry of a display: --display WIDTHxHEIGHT checked, and where its
 * framebuffer goes in the VM's RAM region (display.h).
 */
#include <errno.h>
#include <limits.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "display.h"

/* One side: decimal digits only, in range and a multiple of 8. */
static int hvctl_display_side(const char *s, char **end, uint32_t *v)
{
	unsigned long n;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoul(s, end, 10);
	if (errno || n < HVCTL_DISPLAY_MIN || n > HVCTL_DISPLAY_MAX ||
	    n % HVCTL_DISPLAY_ALIGN)
		return -1;
	*v = n;
	return 0;
}

int hvctl_display_parse(const char *s, uint32_t *w, uint32_t *h, char *err,
			size_t len)
{
	char *end;

	if (!*s) {
		*w = HVCTL_DISPLAY_DEFAULT_W;
		*h = HVCTL_DISPLAY_DEFAULT_H;
		return 0;
	}
	if (hvctl_display_side(s, &end, w) || (*end != 'x' && *end != 'X') ||
	    hvctl_display_side(end + 1, &end, h) || *end) {
		snprintf(err, len, "bad --display '%s': WIDTHxHEIGHT, each a multiple of %d from %d to %d (e.g. 1024x768)",
			 s, HVCTL_DISPLAY_ALIGN, HVCTL_DISPLAY_MIN,
			 HVCTL_DISPLAY_MAX);
		return -1;
	}
	return 0;
}

int hvctl_display_layout(struct hvctl_fb *fb, uint32_t w, uint32_t h,
			 uint64_t ram_base, uint64_t ram_size, char *err,
			 size_t len)
{
	uint64_t bytes = (uint64_t)w * h * (HVCTL_DISPLAY_BPP / 8);

	if (w < HVCTL_DISPLAY_MIN || w > HVCTL_DISPLAY_MAX ||
	    h < HVCTL_DISPLAY_MIN || h > HVCTL_DISPLAY_MAX ||
	    w % HVCTL_DISPLAY_ALIGN || h % HVCTL_DISPLAY_ALIGN) {
		snprintf(err, len, "bad display size %ux%u: each side a multiple of %d from %d to %d",
			 w, h, HVCTL_DISPLAY_ALIGN, HVCTL_DISPLAY_MIN,
			 HVCTL_DISPLAY_MAX);
		return -1;
	}
	fb->width = w;
	fb->height = h;
	fb->stride = w * (HVCTL_DISPLAY_BPP / 8);
	fb->size = (bytes + HVCTL_DISPLAY_FB_ALIGN - 1) &
		   ~(HVCTL_DISPLAY_FB_ALIGN - 1);
	fb->gpa = 0;
	/* the guest keeps at least half of its RAM, and a 64K-aligned end */
	if (ram_size & (HVCTL_DISPLAY_FB_ALIGN - 1) || fb->size > ram_size / 2) {
		snprintf(err, len, "a %ux%u display takes %lluK of the RAM: give the guest at least %lluK, a multiple of 64K",
			 w, h, (unsigned long long)fb->size >> 10,
			 (unsigned long long)(2 * fb->size) >> 10);
		return -1;
	}
	fb->gpa = ram_base + ram_size - fb->size;
	return 0;
}

int hvctl_vnc_parse(const char *s, char *out, size_t len, char *err,
		    size_t errlen)
{
	const char *colon = strrchr(s, ':'), *port = colon ? colon + 1 : s;
	char host[INET_ADDRSTRLEN] = "127.0.0.1";
	struct in_addr a;
	unsigned long p;
	char *end;

	if (colon) {
		if (colon - s >= (long)sizeof(host))
			goto bad;
		memcpy(host, s, colon - s);
		host[colon - s] = 0;
	}
	errno = 0;
	p = strtoul(port, &end, 10);
	if (inet_pton(AF_INET, host, &a) != 1 || *port < '0' || *port > '9' ||
	    *end || errno || !p || p > 65535)
		goto bad;
	snprintf(out, len, "%s:%lu", host, p);
	return 0;
bad:
	snprintf(err, errlen, "bad --vnc '%s': [ADDR:]PORT, an IPv4 address (127.0.0.1 when left out) and a port 1-65535",
		 s);
	return -1;
}

int hvctl_vnc_read_password(const char *path, char *out, size_t len,
			    char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f) {
		snprintf(err, errlen, "--vnc password-file %s: %s", path,
			 strerror(errno));
		return -1;
	}
	ok = fgets(out, len, f) != NULL;
	fclose(f);
	if (ok)
		out[strcspn(out, "\r\n")] = 0;
	if (!ok || !out[0]) {
		snprintf(err, errlen, "--vnc password-file %s: no password in its first line",
			 path);
		return -1;
	}
	return 0;
}

int hvctl_vnc_parse_opts(const char *s, char *out, size_t len, char *pw,
			 size_t pwlen, char *err, size_t errlen)
{
	static const char opt[] = "password-file=";
	const char *comma = strchr(s, ',');
	char addr[64], secret[128];

	pw[0] = 0;
	if (!comma)
		return hvctl_vnc_parse(s, out, len, err, errlen);
	if (comma - s >= (long)sizeof(addr)) {
		snprintf(err, errlen, "bad --vnc '%s': [ADDR:]PORT[,password-file=FILE]",
			 s);
		return -1;
	}
	memcpy(addr, s, comma - s);
	addr[comma - s] = 0;
	if (hvctl_vnc_parse(addr, out, len, err, errlen))
		return -1;
	if (strncmp(comma + 1, opt, sizeof(opt) - 1) ||
	    !comma[sizeof(opt)]) {
		snprintf(err, errlen, "bad --vnc '%s': the only option is password-file=FILE",
			 s);
		return -1;
	}
	if (!realpath(comma + sizeof(opt), pw) || strlen(pw) >= pwlen) {
		snprintf(err, errlen, "--vnc password-file %s: %s",
			 comma + sizeof(opt), strerror(errno));
		pw[0] = 0;
		return -1;
	}
	if (hvctl_vnc_read_password(pw, secret, sizeof(secret), err, errlen)) {
		pw[0] = 0;
		return -1;
	}
	memset(secret, 0, sizeof(secret));
	return 0;
}
