// SPDX-License-Identifier: GPL-2.0
/*
 * hvtest-png FILE [ROWS]: reads a PNG (libpng, any format it can turn into
 * 8-bit RGB) and prints one line for the steps to compare:
 *
 *   WIDTH HEIGHT COLOURS TOP
 *
 * COLOURS: the number of distinct colours (counted up to 256, then
 * "256"); TOP: an FNV-1a hash of the first ROWS lines (default 32) in
 * hex. Exit 1 with a message when the file is no valid PNG. Built static
 * for the guest by run.sh, like hvtest-drain: the initramfs has no python
 * and busybox no PNG decoder.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

#define MAX_COLOURS	256

static uint32_t colours[MAX_COLOURS];
static unsigned int nr_colours;

static void count_colour(uint32_t c)
{
	static uint32_t last = ~0U;
	unsigned int i;

	/* a console screen is runs of one colour */
	if (c == last)
		return;
	last = c;
	for (i = 0; i < nr_colours; i++)
		if (colours[i] == c)
			return;
	if (nr_colours < MAX_COLOURS)
		colours[nr_colours++] = c;
}

int main(int argc, char **argv)
{
	unsigned long rows = argc > 2 ? strtoul(argv[2], NULL, 0) : 32;
	volatile uint64_t top = 0xcbf29ce484222325ULL;	/* FNV-1a 64 */
	png_structp png;
	png_infop info;
	uint32_t w, h, x, y;
	uint8_t *row;
	FILE *f;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: hvtest-png FILE [ROWS]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (!info)
		return 1;
	if (setjmp(png_jmpbuf(png))) {
		fprintf(stderr, "hvtest-png: %s: not a valid PNG\n", argv[1]);
		return 1;
	}
	png_init_io(png, f);
	png_read_info(png, info);
	png_set_expand(png);
	png_set_strip_16(png);
	png_set_strip_alpha(png);
	png_set_gray_to_rgb(png);
	png_read_update_info(png, info);
	w = png_get_image_width(png, info);
	h = png_get_image_height(png, info);
	if (png_get_rowbytes(png, info) != (size_t)w * 3)
		png_error(png, "not RGB after the transformations");
	row = malloc((size_t)w * 3);
	if (!row)
		return 1;
	for (y = 0; y < h; y++) {
		png_read_row(png, row, NULL);
		for (x = 0; x < w; x++)
			count_colour(row[3 * x] << 16 | row[3 * x + 1] << 8 |
				     row[3 * x + 2]);
		if (y >= rows)
			continue;
		for (x = 0; x < w * 3; x++)
			top = (top ^ row[x]) * 0x100000001b3ULL;
	}
	png_read_end(png, NULL);
	printf("%u %u %u %016llx\n", w, h, nr_colours,
	       (unsigned long long)top);
	return 0;
}
