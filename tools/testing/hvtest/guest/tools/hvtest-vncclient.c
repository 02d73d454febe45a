// SPDX-License-Identifier: GPL-2.0
/*
 * hvtest-vncclient [OPTIONS] ADDR:PORT: a VNC viewer for the steps, on
 * LibVNCClient (dynamically linked like the VNC build of hvctl: run.sh
 * puts both in the initramfs with their libraries).
 *
 *   -p FILE     the password (first line of FILE) for VNC authentication
 *   -s PNG      the first full frame must equal PNG's pixels (the
 *               screenshot `hvctl screenshot` wrote)
 *   -k KEYS     keys to press and release, comma-separated: a character
 *               ("h") or an X keysym in hex ("0xff0d", Return)
 *   -m X,Y      the pointer to pixel (X, Y), then a left click
 *   -g MODE     a bad client instead: "garbage" (4 KiB of junk after the
 *               server's version), "version" (a bad version string),
 *               "messages" (junk messages after a good handshake),
 *               "midframe" (a full update asked for, then a reset
 *               connection before it is read)
 *
 * Prints "vncclient: ..." lines; exit 0, 1 when the frame differs, 2 when
 * it cannot connect or authenticate.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <png.h>
#include <rfb/rfbclient.h>

static char password[128];
static int frame_done;
/* the bounding box of the rectangles received */
static int box_x1 = 1 << 30, box_y1 = 1 << 30, box_x2, box_y2;

static char *get_password(rfbClient *c)
{
	(void)c;
	return strdup(password);
}

static void got_update(rfbClient *c, int x, int y, int w, int h)
{
	(void)c;
	if (x < box_x1)
		box_x1 = x;
	if (y < box_y1)
		box_y1 = y;
	if (x + w > box_x2)
		box_x2 = x + w;
	if (y + h > box_y2)
		box_y2 = y + h;
}

/*
 * An update message ended: the frame is whole once its rectangles covered
 * the screen (a first message may hold only the cursor's shape).
 */
static void finished_update(rfbClient *c)
{
	if (!box_x1 && !box_y1 && box_x2 == c->width && box_y2 == c->height)
		frame_done = 1;
}

static int connect_raw(const char *host, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		printf("vncclient: cannot connect to %s:%d: %s\n", host, port,
		       strerror(errno));
		exit(2);
	}
	return fd;
}

/* Closes @fd with a reset (SO_LINGER 0): a peer that vanishes mid-stream. */
static void reset_close(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static void junk(uint8_t *buf, size_t len)
{
	uint32_t x = 0x12345678;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = x;
	}
}

/* -g garbage / version: junk before or instead of the handshake. */
static void bad_handshake(const char *host, int port, int version)
{
	uint8_t buf[4096];
	int fd = connect_raw(host, port);
	ssize_t n = read(fd, buf, 12);

	if (version)
		n = write(fd, "RFB 999.999\n", 12);
	junk(buf, sizeof(buf));
	if (!version)
		n = write(fd, buf, sizeof(buf));
	printf("vncclient: sent %s (%zd bytes) and closed\n",
	       version ? "a bad protocol version" : "junk", n);
	reset_close(fd);
}

static rfbClient *viewer(const char *host, int port)
{
	rfbClient *c = rfbGetClient(8, 3, 4);

	if (!c)
		exit(2);
	c->serverHost = strdup(host);
	c->serverPort = port;
	c->GetPassword = get_password;
	c->GotFrameBufferUpdate = got_update;
	c->FinishedFrameBufferUpdate = finished_update;
	/* raw only: the frame must be exact, and raw is the simplest path */
	c->appData.encodingsString = "raw";
	if (!rfbInitClient(c, NULL, NULL)) {
		printf("vncclient: cannot connect to %s:%d or authenticate\n",
		       host, port);
		exit(2);
	}
	printf("vncclient: connected, %dx%d '%s'\n", c->width, c->height,
	       c->desktopName ? c->desktopName : "");
	return c;
}

/* Handles server messages until a whole update arrived (or 30 s). */
static int wait_frame(rfbClient *c)
{
	int i, r;

	frame_done = 0;
	for (i = 0; i < 300 && !frame_done; i++) {
		r = WaitForMessage(c, 100000);
		if (r < 0 || (r > 0 && !HandleRFBServerMessage(c)))
			return -1;
	}
	return frame_done ? 0 : -1;
}

/* The frame against the PNG: 0 when every pixel is the same. */
static int compare_png(rfbClient *c, const char *path)
{
	png_image img = { .version = PNG_IMAGE_VERSION };
	unsigned long bad = 0, x, y;
	uint8_t *px, *p, *q;

	if (!png_image_begin_read_from_file(&img, path)) {
		printf("vncclient: %s: %s\n", path, img.message);
		return 1;
	}
	img.format = PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(img));
	if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		printf("vncclient: %s: %s\n", path, img.message);
		return 1;
	}
	if ((int)img.width != c->width || (int)img.height != c->height) {
		printf("vncclient: the frame is %dx%d, %s %ux%u\n", c->width,
		       c->height, path, img.width, img.height);
		return 1;
	}
	/* rfbGetClient(8, 3, 4): red in byte 0, green 1, blue 2 */
	for (y = 0; y < img.height; y++) {
		for (x = 0; x < img.width; x++) {
			p = c->frameBuffer + (y * c->width + x) * 4;
			q = px + (y * img.width + x) * 3;
			if (p[0] != q[0] || p[1] != q[1] || p[2] != q[2]) {
				if (!bad++)
					printf("vncclient: first difference at (%lu,%lu): %02x%02x%02x, PNG %02x%02x%02x\n",
					       x, y, p[0], p[1], p[2], q[0],
					       q[1], q[2]);
			}
		}
	}
	free(px);
	if (bad) {
		printf("vncclient: the frame differs from %s in %lu pixels\n",
		       path, bad);
		return 1;
	}
	printf("vncclient: the frame equals %s (%ux%u)\n", path, img.width,
	       img.height);
	return 0;
}

static uint32_t keysym(const char *s)
{
	if (!strncmp(s, "0x", 2))
		return strtoul(s, NULL, 16);
	return (uint8_t)s[0];
}

static void send_keys(rfbClient *c, char *keys)
{
	char *k, *save = NULL;
	uint32_t sym;

	for (k = strtok_r(keys, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		sym = keysym(k);
		if (!SendKeyEvent(c, sym, TRUE) || !SendKeyEvent(c, sym, FALSE)) {
			printf("vncclient: cannot send key 0x%x\n", sym);
			exit(2);
		}
		printf("vncclient: sent key 0x%x\n", sym);
	}
}

int main(int argc, char **argv)
{
	const char *png = NULL, *mode = NULL, *pwfile = NULL;
	char *keys = NULL, *colon, host[64];
	int opt, port, mx = -1, my = -1, ret = 0;
	uint8_t buf[4096];
	rfbClient *c;
	FILE *f;

	while ((opt = getopt(argc, argv, "p:s:k:m:g:")) != -1) {
		switch (opt) {
		case 'p': pwfile = optarg; break;
		case 's': png = optarg; break;
		case 'k': keys = optarg; break;
		case 'm':
			if (sscanf(optarg, "%d,%d", &mx, &my) != 2)
				return 2;
			break;
		case 'g': mode = optarg; break;
		default: return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	colon = strrchr(argv[optind], ':');
	if (!colon || colon - argv[optind] >= (long)sizeof(host))
		return 2;
	memcpy(host, argv[optind], colon - argv[optind]);
	host[colon - argv[optind]] = 0;
	port = atoi(colon + 1);
	if (pwfile) {
		f = fopen(pwfile, "r");
		if (!f || !fgets(password, sizeof(password), f))
			return 2;
		fclose(f);
		password[strcspn(password, "\r\n")] = 0;
	}
	rfbEnableClientLogging = FALSE;

	if (mode && (!strcmp(mode, "garbage") || !strcmp(mode, "version"))) {
		bad_handshake(host, port, !strcmp(mode, "version"));
		return 0;
	}
	c = viewer(host, port);
	if (mode && !strcmp(mode, "midframe")) {
		/* rfbInitClient asked for the whole screen: read 16 bytes */
		ret = WaitForMessage(c, 10000000) <= 0 ||
		      read(c->sock, buf, 16) <= 0;
		printf("vncclient: read a few bytes of the frame, reset the connection\n");
		reset_close(c->sock);
		return ret;
	}
	if (mode && !strcmp(mode, "messages")) {
		junk(buf, sizeof(buf));
		buf[0] = 0xee;	/* no such message type */
		WriteToRFBServer(c, (char *)buf, sizeof(buf));
		printf("vncclient: sent junk messages and closed\n");
		reset_close(c->sock);
		return 0;
	}
	if (mode)
		return 2;
	if (wait_frame(c)) {
		printf("vncclient: no full frame\n");
		return 1;
	}
	if (png)
		ret = compare_png(c, png);
	if (keys)
		send_keys(c, keys);
	if (mx >= 0) {
		if (!SendPointerEvent(c, mx, my, 0) ||
		    !SendPointerEvent(c, mx, my, rfbButton1Mask) ||
		    !SendPointerEvent(c, mx, my, 0))
			return 2;
		printf("vncclient: pointer to (%d,%d), left click\n", mx, my);
	}
	close(c->sock);
	return ret;
}
