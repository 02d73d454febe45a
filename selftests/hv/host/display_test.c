// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of the display (tools/hvctl/vmm/display/: mode.c, png.c) and
 * of how the kernel guests are told of it (vmm/x86/boot_linux.c's
 * screen_info and e820, vmm/arm64/fdt.c's simple-framebuffer node),
 * compiled into this program:
 * - --display sizes: the default, good ones, and odd, zero, huge or
 *   malformed ones refused with one line;
 * - the framebuffer's place: the top of RAM, 64 KiB-aligned, and too
 *   little RAM refused;
 * - the PNG writer: a known picture encoded, read back with libpng, every
 *   pixel compared;
 * - the x86 zero page of the stock kernel ($HV_TEST_VMLINUZ) with a
 *   display: screen_info's VESA fields and a reserved e820 entry;
 * - the arm64 device tree with a display: the node and a memory node
 *   that leaves the framebuffer out;
 * - the VMM's display socket (display.c, with a buffer standing in for
 *   guest RAM) and `hvctl screenshot` (cmd_screenshot.c) against it: the
 *   PNG holds the framebuffer's pixels; garbage, a silent client and a
 *   VM without a display get an error and leave the socket serving.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <png.h>
#include <libfdt.h>

#include "kselftest_harness.h"
#include "vmm.h"
#include "display.h"
#include "boot_x86.h"
#include "hvctl_fdt.h"
#include "virt.h"
#include "hvctl_stubs.h"
#include "host_file.h"

#define MiB	(1ULL << 20)

/* --- sizes ---------------------------------------------------------------- */

TEST(parse_default)
{
	uint32_t w = 0, h = 0;
	char err[256];

	ASSERT_EQ(0, hvctl_display_parse("", &w, &h, err, sizeof(err)));
	EXPECT_EQ(1024, w);
	EXPECT_EQ(768, h);
}

TEST(parse_good)
{
	static const struct { const char *s; uint32_t w, h; } ok[] = {
		{ "640x480", 640, 480 }, { "1920X1080", 1920, 1080 },
		{ "64x64", 64, 64 }, { "4096x4096", 4096, 4096 },
	};
	uint32_t w, h;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		EXPECT_EQ(0, hvctl_display_parse(ok[i].s, &w, &h, err,
						 sizeof(err)))
			TH_LOG("%s: %s", ok[i].s, err);
		EXPECT_EQ(ok[i].w, w);
		EXPECT_EQ(ok[i].h, h);
	}
}

TEST(parse_bad)
{
	static const char *const bad[] = {
		"1023x768", "1024x767", "0x0", "0x768", "1024x0", "8192x8192",
		"4104x768", "56x64", "1024", "1024x", "x768", "1024x768x32",
		"-1024x768", "+1024x768", " 1024x768", "1024 x768", "abc",
		"99999999999999999999x768", "1024*768",
	};
	uint32_t w, h;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		EXPECT_EQ(-1, hvctl_display_parse(bad[i], &w, &h, err,
						  sizeof(err)))
			TH_LOG("'%s' was taken as %ux%u", bad[i], w, h);
		/* one line that names what was given */
		EXPECT_NE(NULL, strstr(err, bad[i]));
		EXPECT_EQ(NULL, strchr(err, '\n'));
	}
}

/* --- the framebuffer's place ---------------------------------------------- */

TEST(layout_top_of_ram)
{
	struct hvctl_fb fb;
	char err[256];

	ASSERT_EQ(0, hvctl_display_layout(&fb, 1024, 768, 0x40000000ULL,
					  256 * MiB, err, sizeof(err)));
	EXPECT_EQ(4096, fb.stride);
	EXPECT_EQ(3 * MiB, fb.size);
	EXPECT_EQ(0x40000000ULL + 253 * MiB, fb.gpa);
	/* 800x600x4 = 1920000 bytes: rounded up to 64 KiB */
	ASSERT_EQ(0, hvctl_display_layout(&fb, 800, 600, 0, 64 * MiB, err,
					  sizeof(err)));
	EXPECT_EQ(0x1e0000ULL, fb.size);
	EXPECT_EQ(64 * MiB - 0x1e0000ULL, fb.gpa);
	EXPECT_EQ(0, fb.gpa & 0xffff);
}

TEST(layout_refused)
{
	struct hvctl_fb fb;
	char err[256];

	/* 4096x4096 is 64M: the guest would keep less than half of 100M */
	EXPECT_EQ(-1, hvctl_display_layout(&fb, 4096, 4096, 0, 100 * MiB, err,
					   sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "at least 131072K"));
	/* a RAM end that is not 64K-aligned */
	EXPECT_EQ(-1, hvctl_display_layout(&fb, 640, 480, 0, 64 * MiB + 4096,
					   err, sizeof(err)));
	/* sizes the parser refuses, from a hand-edited NAME.conf */
	EXPECT_EQ(-1, hvctl_display_layout(&fb, 1023, 768, 0, 256 * MiB, err,
					   sizeof(err)));
	EXPECT_EQ(-1, hvctl_display_layout(&fb, 0, 0, 0, 256 * MiB, err,
					   sizeof(err)));
	EXPECT_EQ(-1, hvctl_display_layout(&fb, 65536, 8, 0, 256 * MiB, err,
					   sizeof(err)));
}

/* --- PNG ------------------------------------------------------------------ */

/* A pixel of the test picture: XRGB8888 with junk in the X byte. */
static uint32_t pixel(uint32_t x, uint32_t y)
{
	return 0xa5000000 | (x * 7 & 0xff) << 16 | (y * 13 & 0xff) << 8 |
	       ((x ^ y) & 0xff);
}

struct png_src {
	const uint8_t *data;
	size_t len, pos;
};

static void png_read_mem(png_structp png, png_bytep out, png_size_t n)
{
	struct png_src *s = png_get_io_ptr(png);

	if (n > s->len - s->pos)
		png_error(png, "short");
	memcpy(out, s->data + s->pos, n);
	s->pos += n;
}

/* Decodes an 8-bit RGB PNG into *@rgb (malloc'd). 0, or -1. */
static int png_decode(const uint8_t *data, size_t len, uint32_t *w,
		      uint32_t *h, uint8_t **rgb)
{
	struct png_src src = { data, len, 0 };
	png_structp rd;
	png_infop info;
	uint8_t *volatile out = NULL;
	uint32_t y;

	rd = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(rd);
	if (!info || setjmp(png_jmpbuf(rd))) {
		png_destroy_read_struct(&rd, &info, NULL);
		free(out);
		return -1;
	}
	png_set_read_fn(rd, &src, png_read_mem);
	png_read_info(rd, info);
	*w = png_get_image_width(rd, info);
	*h = png_get_image_height(rd, info);
	if (png_get_color_type(rd, info) != PNG_COLOR_TYPE_RGB ||
	    png_get_bit_depth(rd, info) != 8)
		png_error(rd, "not 8-bit RGB");
	out = malloc((size_t)*w * *h * 3);
	if (!out)
		png_error(rd, "out of memory");
	for (y = 0; y < *h; y++)
		png_read_row(rd, out + (size_t)y * *w * 3, NULL);
	png_read_end(rd, NULL);
	png_destroy_read_struct(&rd, &info, NULL);
	*rgb = out;
	return 0;
}

/* How many pixels of a decoded w x h RGB picture are not pixel()'s. */
static uint32_t rgb_bad(const uint8_t *rgb, uint32_t w, uint32_t h)
{
	uint32_t x, y, bad = 0;

	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			uint32_t v = pixel(x, y);
			const uint8_t *p = rgb + (y * w + x) * 3;

			bad += p[0] != (uint8_t)(v >> 16) ||
			       p[1] != (uint8_t)(v >> 8) || p[2] != (uint8_t)v;
		}
	}
	return bad;
}

TEST(png_round_trip)
{
	const uint32_t w = 72, h = 40, stride = w * 4 + 32;	/* padded lines */
	uint8_t *px = calloc(h, stride), *png = NULL, *rgb = NULL, *p;
	uint32_t x, y, pw = 0, ph = 0;
	size_t len = 0;

	ASSERT_NE(NULL, px);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			memcpy(px + y * stride + x * 4,
			       &(uint32_t){ pixel(x, y) }, 4);
	ASSERT_EQ(0, hvctl_png_encode(px, w, h, stride, &png, &len));
	ASSERT_LT(8, len);
	EXPECT_EQ(0, png_sig_cmp(png, 0, 8));
	ASSERT_EQ(0, png_decode(png, len, &pw, &ph, &rgb));
	ASSERT_EQ(w, pw);
	ASSERT_EQ(h, ph);
	EXPECT_EQ(0, rgb_bad(rgb, w, h));
	/* a truncated file does not decode */
	EXPECT_EQ(-1, png_decode(png, len / 2, &pw, &ph, &p));
	free(rgb);
	free(png);
	free(px);
}

TEST(png_refuses_bad_geometry)
{
	uint8_t px[64] = { 0 }, *png;
	size_t len;

	EXPECT_EQ(-1, hvctl_png_encode(px, 0, 4, 16, &png, &len));
	EXPECT_EQ(-1, hvctl_png_encode(px, 4, 0, 16, &png, &len));
	EXPECT_EQ(-1, hvctl_png_encode(px, 4, 4, 12, &png, &len));
}

/* --- x86: screen_info and e820 -------------------------------------------- */

static uint32_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

TEST(x86_screen_info)
{
	const char *path = getenv("HV_TEST_VMLINUZ");
	struct hvctl_x86_load l = { 0 };
	struct hvctl_x86_boot b;
	struct hvctl_fb fb;
	const uint8_t *zp, *e;
	char err[256];
	unsigned int i, n, found = 0;
	uint8_t *k;
	long size;

	if (!path)
		SKIP(return, "HV_TEST_VMLINUZ is not set");
	k = host_read_file(path, &size);
	ASSERT_NE(NULL, k);
	ASSERT_EQ(0, hvctl_display_layout(&fb, 800, 600, 0, 256 * MiB, err,
					  sizeof(err)));
	l.mem_size = fb.gpa;
	l.mem = calloc(1, 256 * MiB);
	l.kernel = (struct hvctl_x86_file){ path, k, size };
	l.cmdline = "console=tty0";
	l.fb = (struct hvctl_x86_fb){ fb.gpa, fb.size, fb.width, fb.height,
				      fb.stride };
	ASSERT_EQ(0, hvctl_linux_load(&l, &b)) TH_LOG("%s", l.err);
	zp = l.mem + HVCTL_X86_ZERO_PAGE;
	EXPECT_EQ(0x23, zp[0x0f]);		/* VIDEO_TYPE_VLFB */
	EXPECT_EQ(800, get16(zp + 0x12));
	EXPECT_EQ(600, get16(zp + 0x14));
	EXPECT_EQ(32, get16(zp + 0x16));
	EXPECT_EQ(fb.gpa, get32(zp + 0x18));
	EXPECT_EQ(fb.size >> 16, get32(zp + 0x1c));
	EXPECT_EQ(3200, get16(zp + 0x24));
	/* red 8 at 16, green 8 at 8, blue 8 at 0, reserved 8 at 24 */
	EXPECT_EQ(0, memcmp(zp + 0x26, "\x08\x10\x08\x08\x08\x00\x08\x18", 8));
	EXPECT_EQ(0x20, get16(zp + 0x34) & 0x20);	/* not VGA */
	EXPECT_EQ(0, zp[0x07]);		/* no text columns: no VGA text */
	EXPECT_EQ(0, zp[0x0e]);
	n = zp[0x1e8];
	for (i = 0; i < n; i++) {
		e = zp + 0x2d0 + i * 20;
		/* RAM ends where the framebuffer begins */
		if (get32(e + 16) == 1)
			EXPECT_GE(fb.gpa, get64(e) + get64(e + 8));
		if (get64(e) == fb.gpa && get64(e + 8) == fb.size &&
		    get32(e + 16) == 2)
			found++;
	}
	EXPECT_EQ(1, found);
	free(l.mem);
	free(k);
}

/* --- arm64: the device tree ----------------------------------------------- */

TEST(fdt_simple_framebuffer)
{
	static char buf[64 * 1024];
	struct hvctl_fdt_config cfg = {
		.ram_base = HVCTL_VIRT_RAM_BASE, .nr_cpus = 1,
	};
	const fdt32_t *reg;
	struct hvctl_fb fb;
	char err[256], path[64];
	int node, len;

	ASSERT_EQ(0, hvctl_display_layout(&fb, 1024, 768, HVCTL_VIRT_RAM_BASE,
					  256 * MiB, err, sizeof(err)));
	cfg.ram_size = fb.gpa - HVCTL_VIRT_RAM_BASE;
	cfg.fb_base = fb.gpa;
	cfg.fb_size = fb.size;
	cfg.fb_width = fb.width;
	cfg.fb_height = fb.height;
	cfg.fb_stride = fb.stride;
	ASSERT_LT(0, hvctl_fdt_build(&cfg, buf, sizeof(buf)));
	snprintf(path, sizeof(path), "/framebuffer@%llx",
		 (unsigned long long)fb.gpa);
	node = fdt_path_offset(buf, path);
	ASSERT_LE(0, node) TH_LOG("no %s", path);
	EXPECT_EQ(0, fdt_node_check_compatible(buf, node, "simple-framebuffer"));
	EXPECT_STREQ("x8r8g8b8", fdt_getprop(buf, node, "format", NULL));
	reg = fdt_getprop(buf, node, "reg", &len);
	ASSERT_EQ(16, len);
	EXPECT_EQ(fb.gpa, (uint64_t)fdt32_to_cpu(reg[0]) << 32 |
			  fdt32_to_cpu(reg[1]));
	EXPECT_EQ(fb.size, (uint64_t)fdt32_to_cpu(reg[2]) << 32 |
			   fdt32_to_cpu(reg[3]));
	EXPECT_EQ(1024, fdt32_to_cpu(*(const fdt32_t *)
				     fdt_getprop(buf, node, "width", NULL)));
	EXPECT_EQ(768, fdt32_to_cpu(*(const fdt32_t *)
				    fdt_getprop(buf, node, "height", NULL)));
	EXPECT_EQ(4096, fdt32_to_cpu(*(const fdt32_t *)
				     fdt_getprop(buf, node, "stride", NULL)));
	/* the memory node ends where the framebuffer begins */
	node = fdt_path_offset(buf, "/memory@40000000");
	ASSERT_LE(0, node);
	reg = fdt_getprop(buf, node, "reg", &len);
	ASSERT_EQ(16, len);
	EXPECT_EQ(fb.gpa - HVCTL_VIRT_RAM_BASE,
		  (uint64_t)fdt32_to_cpu(reg[2]) << 32 | fdt32_to_cpu(reg[3]));
	/* no display: no node */
	cfg.fb_size = 0;
	ASSERT_LT(0, hvctl_fdt_build(&cfg, buf, sizeof(buf)));
	EXPECT_GT(0, fdt_path_offset(buf, path));
}

/* --- the display socket and hvctl screenshot ----------------------------- */

#define SOCK_RAM	(8 * MiB)

FIXTURE(sock) {
	struct hvctl_def def;
	struct hvctl_vmm vmm;
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(sock)
{
	const struct hvctl_fb *fb;
	uint32_t x, y;

	snprintf(self->dir, sizeof(self->dir), "/tmp/hv-display-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	setenv("HVCTL_STATE_DIR", self->dir, 1);
	snprintf(self->def.name, sizeof(self->def.name), "dpy");
	self->def.memory = SOCK_RAM;
	self->def.display_width = 96;
	self->def.display_height = 64;
	self->vmm.def = &self->def;
	self->vmm.ram_base = 0x40000000;
	self->vmm.mem = calloc(1, SOCK_RAM);
	ASSERT_NE(NULL, self->vmm.mem);
	ASSERT_EQ(0, hvctl_display_setup(&self->vmm));
	fb = hvctl_display_fb(&self->vmm);
	ASSERT_NE(NULL, fb);
	EXPECT_EQ(SOCK_RAM - fb->size, hvctl_display_guest_ram(&self->vmm));
	for (y = 0; y < fb->height; y++)
		for (x = 0; x < fb->width; x++)
			memcpy(self->vmm.mem + (fb->gpa - 0x40000000) +
			       y * fb->stride + x * 4,
			       &(uint32_t){ pixel(x, y) }, 4);
	snprintf(self->path, sizeof(self->path), "%s/shot.png", self->dir);
}

FIXTURE_TEARDOWN(sock)
{
	char sock[128];

	hvctl_display_teardown(&self->vmm);
	snprintf(sock, sizeof(sock), "%s/dpy.display", self->dir);
	EXPECT_NE(0, access(sock, F_OK));	/* the socket went */
	unlink(self->path);
	rmdir(self->dir);
	free(self->vmm.mem);
}

/* Sends @req on a new connection; the answer's first line in @line. */
static int ask(const char *dir, const void *req, size_t len, char *line,
	       size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	ssize_t n = 0, r;
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/dpy.display", dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	if (len && write(fd, req, len) != (ssize_t)len)
		return -1;
	shutdown(fd, SHUT_WR);
	while ((size_t)n < size - 1 && (r = read(fd, line + n, 1)) == 1 &&
	       line[n] != '\n')
		n++;
	line[n] = 0;
	close(fd);
	return 0;
}

TEST_F(sock, screenshot_has_the_pixels)
{
	char *argv[] = { "screenshot", "dpy", self->path, NULL };
	uint8_t *png, *rgb = NULL;
	uint32_t w = 0, h = 0;
	long len;

	ASSERT_EQ(0, hvctl_cmd_screenshot(3, argv));
	png = host_read_file(self->path, &len);
	ASSERT_NE(NULL, png);
	ASSERT_EQ(0, png_decode(png, len, &w, &h, &rgb));
	ASSERT_EQ(96, w);
	ASSERT_EQ(64, h);
	EXPECT_EQ(0, rgb_bad(rgb, w, h));
	free(rgb);
	free(png);
}

TEST_F(sock, bad_clients)
{
	char *argv[] = { "screenshot", "dpy", self->path, NULL };
	char line[256], junk[300];

	ASSERT_EQ(0, ask(self->dir, "hello\n", 6, line, sizeof(line)));
	EXPECT_STREQ("error unknown request", line);
	/* a request line too long, with no newline */
	memset(junk, 'x', sizeof(junk));
	ASSERT_EQ(0, ask(self->dir, junk, sizeof(junk), line, sizeof(line)));
	EXPECT_STREQ("error unknown request", line);
	/* binary, and a request with more after it */
	ASSERT_EQ(0, ask(self->dir, "\0\xff\n", 3, line, sizeof(line)));
	EXPECT_STREQ("error unknown request", line);
	ASSERT_EQ(0, ask(self->dir, "screenshot\nmore", 16, line,
			 sizeof(line)));
	EXPECT_STREQ("error unknown request", line);
	/* a client that says nothing and goes */
	ASSERT_EQ(0, ask(self->dir, NULL, 0, line, sizeof(line)));
	EXPECT_STREQ("", line);
	/* the socket still serves */
	ASSERT_EQ(0, ask(self->dir, HVCTL_DISPLAY_REQ_SCREENSHOT,
			 strlen(HVCTL_DISPLAY_REQ_SCREENSHOT), line,
			 sizeof(line)));
	EXPECT_STREQ("png", strtok(line, " "));
	EXPECT_EQ(0, hvctl_cmd_screenshot(3, argv));
}

TEST_F(sock, no_display)
{
	char *argv[] = { "screenshot", "other", self->path, NULL };
	char *usage[] = { "screenshot", "dpy", NULL };

	/* no such socket: one line, exit 1; no file */
	EXPECT_EQ(1, hvctl_cmd_screenshot(3, argv));
	EXPECT_NE(0, access(self->path, F_OK));
	EXPECT_EQ(2, hvctl_cmd_screenshot(2, usage));
}

TEST_HARNESS_MAIN
