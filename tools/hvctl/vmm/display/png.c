// SPDX-License-Identifier: GPL-2.0
/*
 * The framebuffer as a PNG (libpng): 8-bit RGB, no alpha, written into
 * memory so that the display socket can send its length first. zlib's
 * fastest level: a console screen is mostly one colour and compresses
 * well at any level, and the emulators run the VMM slowly.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

#include "display.h"

struct hvctl_png_buf {
	uint8_t *data;
	size_t len, cap;
	int oom;
};

static void hvctl_png_write(png_structp png, png_bytep data, png_size_t n)
{
	struct hvctl_png_buf *b = png_get_io_ptr(png);
	uint8_t *p;
	size_t cap;

	if (b->oom)
		return;
	if (n > b->cap - b->len) {
		cap = b->cap ? b->cap : 65536;
		while (cap - b->len < n)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
}

static void hvctl_png_flush(png_structp png)
{
	(void)png;
}

/* XRGB8888 (little-endian words: B, G, R, X bytes) to R, G, B bytes */
static void hvctl_png_row(const uint8_t *src, uint8_t *dst, uint32_t w)
{
	uint32_t x;

	for (x = 0; x < w; x++, src += 4, dst += 3) {
		dst[0] = src[2];
		dst[1] = src[1];
		dst[2] = src[0];
	}
}

int hvctl_png_encode(const uint8_t *px, uint32_t w, uint32_t h,
		     uint32_t stride, uint8_t **out, size_t *len)
{
	/* volatile: kept across the longjmp of a libpng error */
	struct hvctl_png_buf b = { 0 };
	uint8_t *volatile row = NULL;
	png_structp png;
	png_infop info = NULL;
	uint32_t y;

	if (!w || !h || stride < (uint64_t)w * 4)
		return -1;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (!png)
		return -1;
	info = png_create_info_struct(png);
	row = malloc((size_t)w * 3);
	if (!info || !row)
		goto err;
	if (setjmp(png_jmpbuf(png)))
		goto err;
	png_set_write_fn(png, &b, hvctl_png_write, hvctl_png_flush);
	png_set_compression_level(png, 1);
	png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		     PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < h; y++) {
		hvctl_png_row(px + (size_t)y * stride, row, w);
		png_write_row(png, row);
	}
	png_write_end(png, info);
	if (b.oom)
		goto err;
	png_destroy_write_struct(&png, &info);
	free(row);
	*out = b.data;
	*len = b.len;
	return 0;
err:
	png_destroy_write_struct(&png, &info);
	free(row);
	free(b.data);
	return -1;
}
