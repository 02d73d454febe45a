// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of --vnc (tools/hvctl/vmm/display/vnc.c, built with
 * -DHVCTL_VNC and LibVNCServer): the VMM's display with a buffer standing
 * in for guest RAM, and a LibVNCClient viewer on loopback. The first
 * frame must equal the framebuffer pixel for pixel (the server's format is
 * XRGB8888, the client's another byte order: the library translates); a
 * change of a small area must arrive as updates within its bounding box
 * (damage tracking), and an idle screen must send nothing more. Also:
 * --vnc parsing (mode.c) and a garbage client that leaves the server
 * serving; a client that resets its connection mid-frame; VNC
 * authentication with ,password-file= (the right password in, a wrong
 * one and none out); the smallest and the most oblong display sizes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <rfb/rfbclient.h>

#include "kselftest_harness.h"
#include "vmm.h"
#include "display.h"
#include "hvctl_stubs.h"
#include "input.h"

#define MiB	(1ULL << 20)
#define RAM	(8 * MiB)
#define W	128
#define H	64

static uint32_t pixel(uint32_t x, uint32_t y)
{
	return (x * 7 & 0xff) << 16 | (y * 13 & 0xff) << 8 | ((x ^ y) & 0xff);
}

TEST(parse)
{
	char out[64], err[256];

	ASSERT_EQ(0, hvctl_vnc_parse("5901", out, sizeof(out), err,
				     sizeof(err)));
	EXPECT_STREQ("127.0.0.1:5901", out);
	ASSERT_EQ(0, hvctl_vnc_parse("0.0.0.0:5900", out, sizeof(out), err,
				     sizeof(err)));
	EXPECT_STREQ("0.0.0.0:5900", out);
	EXPECT_EQ(-1, hvctl_vnc_parse("", out, sizeof(out), err, sizeof(err)));
	EXPECT_EQ(-1, hvctl_vnc_parse("0", out, sizeof(out), err, sizeof(err)));
	EXPECT_EQ(-1, hvctl_vnc_parse("65536", out, sizeof(out), err,
				      sizeof(err)));
	EXPECT_EQ(-1, hvctl_vnc_parse("localhost:5900", out, sizeof(out), err,
				      sizeof(err)));
	EXPECT_EQ(-1, hvctl_vnc_parse("1.2.3:5900", out, sizeof(out), err,
				      sizeof(err)));
	EXPECT_EQ(-1, hvctl_vnc_parse("127.0.0.1:59x", out, sizeof(out), err,
				      sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "bad --vnc '127.0.0.1:59x'"));
}

FIXTURE(vnc) {
	struct hvctl_def def;
	struct hvctl_vmm vmm;
	char dir[64];
	int port;
	uint8_t *fb;
};

/* the update rectangles a client got: their bounding box and count */
static int upd_x1, upd_y1, upd_x2, upd_y2, upd_n;

static void got_update(rfbClient *c, int x, int y, int w, int h)
{
	(void)c;
	if (!upd_n++ || x < upd_x1)
		upd_x1 = x;
	if (upd_n == 1 || y < upd_y1)
		upd_y1 = y;
	if (x + w > upd_x2)
		upd_x2 = x + w;
	if (y + h > upd_y2)
		upd_y2 = y + h;
}

FIXTURE_SETUP(vnc)
{
	const struct hvctl_fb *fb;
	struct hvctl_fb layout;
	char err[256];
	uint32_t x, y;

	snprintf(self->dir, sizeof(self->dir), "/tmp/hv-vnc-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	setenv("HVCTL_STATE_DIR", self->dir, 1);
	self->port = 20000 + getpid() % 20000;
	snprintf(self->def.name, sizeof(self->def.name), "vnc");
	snprintf(self->def.vnc, sizeof(self->def.vnc), "127.0.0.1:%d",
		 self->port);
	self->def.memory = RAM;
	self->def.display_width = W;
	self->def.display_height = H;
	self->vmm.def = &self->def;
	self->vmm.ram_base = 0x40000000;
	self->vmm.mem = calloc(1, RAM);
	ASSERT_NE(NULL, self->vmm.mem);
	/* the picture is there before the server starts */
	ASSERT_EQ(0, hvctl_display_layout(&layout, W, H, 0x40000000, RAM, err,
					  sizeof(err)));
	self->fb = self->vmm.mem + (layout.gpa - 0x40000000);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			memcpy(self->fb + y * W * 4 + x * 4,
			       &(uint32_t){ pixel(x, y) }, 4);
	ASSERT_EQ(0, hvctl_display_setup(&self->vmm));
	fb = hvctl_display_fb(&self->vmm);
	ASSERT_EQ(layout.gpa, fb->gpa);
}

FIXTURE_TEARDOWN(vnc)
{
	char path[128];

	hvctl_display_teardown(&self->vmm);
	snprintf(path, sizeof(path), "%s/vnc.display", self->dir);
	unlink(path);
	rmdir(self->dir);
	free(self->vmm.mem);
}

/* Reads server messages for up to @ms; returns how many were handled. */
static int pump(rfbClient *c, int ms)
{
	int n = 0;

	for (; ms > 0; ms -= 20) {
		int r = WaitForMessage(c, 20000);

		if (r < 0 || (r > 0 && !HandleRFBServerMessage(c)))
			return -1;
		n += r > 0;
	}
	return n;
}

TEST_F(vnc, frame_then_damage)
{
	rfbClient *c = rfbGetClient(8, 3, 4);
	uint32_t x, y, bad = 0, v;
	uint8_t *p;
	int i;

	rfbEnableClientLogging = FALSE;
	ASSERT_NE(NULL, c);
	c->serverHost = strdup("127.0.0.1");
	c->serverPort = self->port;
	c->GotFrameBufferUpdate = got_update;
	/* lossless encodings only: tight would send JPEG */
	c->appData.encodingsString = "zlib hextile raw";
	ASSERT_TRUE(rfbInitClient(c, NULL, NULL));
	ASSERT_EQ(W, c->width);
	ASSERT_EQ(H, c->height);
	/* the first frame: everything */
	upd_n = 0;
	for (i = 0; i < 100 && !(upd_n && upd_x2 == W && upd_y2 == H); i++)
		ASSERT_LE(0, pump(c, 50));
	ASSERT_EQ(W, upd_x2);
	ASSERT_EQ(H, upd_y2);
	/* the client's format: red in the low byte (rfbGetClient's default) */
	for (y = 0; y < H; y++) {
		for (x = 0; x < W; x++) {
			v = pixel(x, y);
			p = c->frameBuffer + (y * W + x) * 4;
			if (p[0] != (uint8_t)(v >> 16) ||
			    p[1] != (uint8_t)(v >> 8) || p[2] != (uint8_t)v) {
				if (!bad++ || bad < 4)
					TH_LOG("(%u,%u): %02x%02x%02x, not %06x",
					       x, y, p[0], p[1], p[2], v);
			}
		}
	}
	EXPECT_EQ(0, bad);

	/* the guest draws a 10x3 box at (40, 20): only it comes */
	for (y = 20; y < 23; y++)
		for (x = 40; x < 50; x++)
			memcpy(self->fb + y * W * 4 + x * 4,
			       &(uint32_t){ 0xffffff }, 4);
	upd_n = upd_x2 = upd_y2 = 0;
	for (i = 0; i < 100 && !upd_n; i++) {
		SendFramebufferUpdateRequest(c, 0, 0, W, H, TRUE);
		ASSERT_LE(0, pump(c, 50));
	}
	ASSERT_LT(0, upd_n);
	EXPECT_LE(40, upd_x1);
	EXPECT_LE(20, upd_y1);
	EXPECT_GE(50, upd_x2);
	EXPECT_GE(23, upd_y2);
	p = c->frameBuffer + (21 * W + 45) * 4;
	EXPECT_EQ(0xff, p[0] & p[1] & p[2]);

	/* idle: an incremental request gets no rectangle */
	upd_n = 0;
	SendFramebufferUpdateRequest(c, 0, 0, W, H, TRUE);
	ASSERT_LE(0, pump(c, 500));
	EXPECT_EQ(0, upd_n);
	free(c->frameBuffer);
	rfbClientCleanup(c);
}

TEST_F(vnc, garbage_client)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char junk[512];
	rfbClient *c;
	int fd;

	rfbEnableClientLogging = FALSE;
	sa.sin_port = htons(self->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
	memset(junk, 0xa5, sizeof(junk));
	EXPECT_EQ((ssize_t)sizeof(junk), write(fd, junk, sizeof(junk)));
	close(fd);
	/* a viewer after it still gets the screen */
	c = rfbGetClient(8, 3, 4);
	c->serverHost = strdup("127.0.0.1");
	c->serverPort = self->port;
	ASSERT_TRUE(rfbInitClient(c, NULL, NULL));
	EXPECT_EQ(W, c->width);
	free(c->frameBuffer);
	rfbClientCleanup(c);
}

TEST(parse_opts)
{
	char out[64], pw[PATH_MAX], err[PATH_MAX + 128];
	char file[] = "/tmp/hv-vnc-pw.XXXXXX";
	char arg[PATH_MAX + 64];
	int fd = mkstemp(file);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, hvctl_vnc_parse_opts("5901", out, sizeof(out), pw,
					  sizeof(pw), err, sizeof(err)));
	EXPECT_STREQ("", pw);
	/* an empty file holds no password */
	snprintf(arg, sizeof(arg), "5901,password-file=%s", file);
	EXPECT_EQ(-1, hvctl_vnc_parse_opts(arg, out, sizeof(out), pw,
					   sizeof(pw), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "no password"));
	ASSERT_EQ(7, write(fd, "secret\n", 7));
	close(fd);
	ASSERT_EQ(0, hvctl_vnc_parse_opts(arg, out, sizeof(out), pw,
					  sizeof(pw), err, sizeof(err)));
	EXPECT_STREQ("127.0.0.1:5901", out);
	EXPECT_STREQ(file, pw);
	EXPECT_EQ(-1, hvctl_vnc_parse_opts("5901,password=secret", out,
					   sizeof(out), pw, sizeof(pw), err,
					   sizeof(err)));
	EXPECT_EQ(-1, hvctl_vnc_parse_opts("5901,password-file=", out,
					   sizeof(out), pw, sizeof(pw), err,
					   sizeof(err)));
	EXPECT_EQ(-1, hvctl_vnc_parse_opts("5901,password-file=/no/such", out,
					   sizeof(out), pw, sizeof(pw), err,
					   sizeof(err)));
	EXPECT_EQ(-1, hvctl_vnc_parse_opts("x,password-file=/etc/hostname",
					   out, sizeof(out), pw, sizeof(pw),
					   err, sizeof(err)));
	unlink(file);
}

static char client_password[32];

static char *get_password(rfbClient *c)
{
	(void)c;
	return strdup(client_password);
}

/* A viewer with @password: 1 when it got in. */
static int viewer_in(int port, const char *password)
{
	rfbClient *c = rfbGetClient(8, 3, 4);
	int in;

	snprintf(client_password, sizeof(client_password), "%s", password);
	c->serverHost = strdup("127.0.0.1");
	c->serverPort = port;
	c->GetPassword = get_password;
	in = rfbInitClient(c, NULL, NULL);
	/* rfbInitClient frees the client when it fails; TRUE is -1 */
	if (in) {
		free(c->frameBuffer);
		rfbClientCleanup(c);
	}
	return in != 0;
}

TEST_F(vnc, password)
{
	char file[] = "/tmp/hv-vnc-pw.XXXXXX";
	int fd = mkstemp(file);

	rfbEnableClientLogging = FALSE;
	ASSERT_LE(0, fd);
	ASSERT_EQ(9, write(fd, "hvsecret\n", 9));
	close(fd);
	/* the server again, with the password file */
	hvctl_vnc_stop();
	snprintf(self->def.vnc_password_file,
		 sizeof(self->def.vnc_password_file), "%s", file);
	ASSERT_EQ(0, hvctl_vnc_start(&self->vmm, hvctl_display_fb(&self->vmm)));
	EXPECT_EQ(0, viewer_in(self->port, "wrong"));
	EXPECT_EQ(0, viewer_in(self->port, ""));
	EXPECT_EQ(1, viewer_in(self->port, "hvsecret"));
	/* the file is read when the server starts: gone, no server */
	hvctl_vnc_stop();
	unlink(file);
	EXPECT_EQ(-1, hvctl_vnc_start(&self->vmm,
				      hvctl_display_fb(&self->vmm)));
	self->def.vnc_password_file[0] = 0;
}

TEST_F(vnc, reset_mid_frame)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	char buf[16];
	rfbClient *c;
	int i;

	rfbEnableClientLogging = FALSE;
	/* rfbInitClient asks for the whole screen; a few bytes, then RST */
	for (i = 0; i < 4; i++) {
		c = rfbGetClient(8, 3, 4);
		c->serverHost = strdup("127.0.0.1");
		c->serverPort = self->port;
		ASSERT_TRUE(rfbInitClient(c, NULL, NULL));
		/* the socket is non-blocking: wait for the frame's start */
		ASSERT_LT(0, WaitForMessage(c, 5000000));
		ASSERT_LT(0, read(c->sock, buf, sizeof(buf)));
		setsockopt(c->sock, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(c->sock);
		c->sock = -1;
		free(c->frameBuffer);
		rfbClientCleanup(c);
	}
	EXPECT_EQ(1, viewer_in(self->port, ""));
}

/* Waits (5 s at most) until @in holds @n events. */
static int pending(struct hvctl_input *in, unsigned int n)
{
	int i;

	for (i = 0; i < 500 && hvctl_input_pending(in) < n; i++)
		usleep(10000);
	return hvctl_input_pending(in);
}

/*
 * A viewer's keys and pointer reach the registered virtio-input devices
 * (no driver here: the events wait in them).
 */
TEST_F(vnc, input_to_devices)
{
	struct virtio_mmio_dev kdev, tdev;
	struct hvctl_gmem mem = { 0 };
	struct hvctl_input *kbd, *tab;
	char err[128];
	rfbClient *c;

	rfbEnableClientLogging = FALSE;
	kbd = hvctl_input_create(HVCTL_INPUT_KEYBOARD, &kdev, &mem, err,
				 sizeof(err));
	tab = hvctl_input_create(HVCTL_INPUT_TABLET, &tdev, &mem, err,
				 sizeof(err));
	ASSERT_NE(NULL, kbd);
	ASSERT_NE(NULL, tab);
	hvctl_input_register(kbd, tab);
	c = rfbGetClient(8, 3, 4);
	c->serverHost = strdup("127.0.0.1");
	c->serverPort = self->port;
	ASSERT_TRUE(rfbInitClient(c, NULL, NULL));
	/* 'a' down and up: EV_KEY and EV_SYN each; a keysym with no key */
	ASSERT_TRUE(SendKeyEvent(c, 'a', TRUE));
	ASSERT_TRUE(SendKeyEvent(c, 'a', FALSE));
	ASSERT_TRUE(SendKeyEvent(c, 0x20ac, TRUE));
	EXPECT_EQ(4, pending(kbd, 4));
	/* a move with the left button: ABS_X, ABS_Y, BTN_LEFT, EV_SYN */
	ASSERT_TRUE(SendPointerEvent(c, W - 1, H - 1, rfbButton1Mask));
	EXPECT_EQ(4, pending(tab, 4));
	free(c->frameBuffer);
	rfbClientCleanup(c);
	EXPECT_EQ(4, hvctl_input_pending(kbd));
	hvctl_input_destroy(kbd);
	hvctl_input_destroy(tab);
}

/* The smallest display and the most oblong ones serve whole frames. */
TEST(odd_sizes)
{
	static const uint32_t sizes[][2] = { { 64, 64 }, { 4096, 64 },
					     { 64, 4096 } };
	struct hvctl_def def = { .memory = RAM };
	struct hvctl_vmm vmm = { .def = &def, .ram_base = 0x40000000 };
	char dir[64] = "/tmp/hv-vnc-test.XXXXXX", path[128];
	unsigned int i;
	rfbClient *c;
	int port = 20000 + (getpid() + 7) % 20000;

	rfbEnableClientLogging = FALSE;
	ASSERT_NE(NULL, mkdtemp(dir));
	setenv("HVCTL_STATE_DIR", dir, 1);
	snprintf(def.name, sizeof(def.name), "odd");
	snprintf(def.vnc, sizeof(def.vnc), "127.0.0.1:%d", port);
	vmm.mem = calloc(1, RAM);
	ASSERT_NE(NULL, vmm.mem);
	memset(vmm.mem, 0x5a, RAM);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		def.display_width = sizes[i][0];
		def.display_height = sizes[i][1];
		ASSERT_EQ(0, hvctl_display_setup(&vmm));
		c = rfbGetClient(8, 3, 4);
		c->serverHost = strdup("127.0.0.1");
		c->serverPort = port;
		c->appData.encodingsString = "raw";
		c->GotFrameBufferUpdate = got_update;
		upd_n = upd_x2 = upd_y2 = 0;
		ASSERT_TRUE(rfbInitClient(c, NULL, NULL));
		EXPECT_EQ((int)sizes[i][0], c->width);
		EXPECT_EQ((int)sizes[i][1], c->height);
		for (int j = 0; j < 100 && !(upd_x2 == c->width &&
					     upd_y2 == c->height); j++)
			ASSERT_LE(0, pump(c, 50));
		EXPECT_EQ(c->width, upd_x2);
		EXPECT_EQ(c->height, upd_y2);
		EXPECT_EQ(0x5a, c->frameBuffer[(c->width * c->height - 1) * 4]);
		free(c->frameBuffer);
		rfbClientCleanup(c);
		hvctl_display_teardown(&vmm);
	}
	snprintf(path, sizeof(path), "%s/odd.display", dir);
	unlink(path);
	rmdir(dir);
	free(vmm.mem);
}

TEST_HARNESS_MAIN
