/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The display of a VM (--display WIDTHxHEIGHT): a linear framebuffer of
 * 32-bit pixels (XRGB8888: byte 0 blue, 1 green, 2 red, 3 unused) in the
 * top of the VM's RAM region. The guest's kernel is told less RAM (the
 * RAM below the framebuffer) and the framebuffer itself, the way stock
 * kernels take one without a driver module: x86 through the zero page's
 * screen_info as a VESA linear framebuffer (vesafb), arm64 through a
 * "simple-framebuffer" node of the device tree (simplefb).
 *
 * mode.c (the geometry) and png.c (the PNG writer) are plain C for the
 * host test (selftests/hv/host/display_test.c); display.c is the VMM's
 * part: the framebuffer's place and the display socket NAME.display that
 * `hvctl screenshot` asks.
 */
#ifndef HVCTL_DISPLAY_H
#define HVCTL_DISPLAY_H

#include <stddef.h>
#include <stdint.h>

#define HVCTL_DISPLAY_DEFAULT_W	1024
#define HVCTL_DISPLAY_DEFAULT_H	768
#define HVCTL_DISPLAY_MIN	64	/* either side, in pixels */
#define HVCTL_DISPLAY_MAX	4096
#define HVCTL_DISPLAY_ALIGN	8	/* both sides: whole 8x8 / 8x16 glyphs */
#define HVCTL_DISPLAY_BPP	32
/*
 * The framebuffer's region is a multiple of 64 KiB: x86's screen_info
 * gives lfb_size in 64 KiB units (VBE; include/linux/screen_info.h).
 */
#define HVCTL_DISPLAY_FB_ALIGN	0x10000ULL

/**
 * struct hvctl_fb - a framebuffer's geometry and place.
 * @width: pixels per line.
 * @height: lines.
 * @stride: bytes per line (@width * 4).
 * @size: bytes of its region (a multiple of HVCTL_DISPLAY_FB_ALIGN).
 * @gpa: guest-physical address of the region (0: none yet).
 */
struct hvctl_fb {
	uint32_t width, height, stride;
	uint64_t size;
	uint64_t gpa;
};

/*
 * mode.c: "WIDTHxHEIGHT" (or "" for the default) into *@w and *@h. 0, or
 * -1 with @err (@len bytes) saying why in one line.
 */
int hvctl_display_parse(const char *s, uint32_t *w, uint32_t *h, char *err,
			size_t len);
/*
 * mode.c: @fb's geometry for @w x @h and its place at the top of a RAM
 * region [@ram_base, @ram_base + @ram_size). 0, or -1 with @err when it
 * leaves the guest less than half of the RAM.
 */
int hvctl_display_layout(struct hvctl_fb *fb, uint32_t w, uint32_t h,
			 uint64_t ram_base, uint64_t ram_size, char *err,
			 size_t len);

/*
 * png.c: encodes the @w x @h XRGB8888 pixels at @px (@stride bytes per
 * line) as an 8-bit RGB PNG into a buffer it allocates (*@out, *@len;
 * free() it). 0, or -1 (out of memory, or a libpng error).
 */
int hvctl_png_encode(const uint8_t *px, uint32_t w, uint32_t h,
		     uint32_t stride, uint8_t **out, size_t *len);

/* The display socket's request and the first line of its answer. */
#define HVCTL_DISPLAY_REQ_SCREENSHOT	"screenshot\n"
/* "png LENGTH WIDTH HEIGHT\n" then LENGTH bytes, or "error MESSAGE\n" */

struct hvctl_vmm;

/*
 * display.c, for the VMM: called once the VM's RAM is mapped, before the
 * guest is loaded. With def->display_width set: places the framebuffer
 * (vmm->display), opens NAME.display and starts the thread that answers
 * it. Nothing without a display. 0, or -1 (printed).
 */
int hvctl_display_setup(struct hvctl_vmm *vmm);
/* Ends the display thread, removes the socket; before RAM is unmapped. */
void hvctl_display_teardown(struct hvctl_vmm *vmm);
/* The VM's framebuffer, or NULL without a display. */
const struct hvctl_fb *hvctl_display_fb(struct hvctl_vmm *vmm);
/*
 * The bytes of RAM the guest kernel is told about: def->memory less the
 * framebuffer's region at its top.
 */
uint64_t hvctl_display_guest_ram(struct hvctl_vmm *vmm);

/*
 * vnc.c (make VNC=1): the VNC server of def->vnc on @fb, with a thread of
 * its own. 0, or -1 (printed). hvctl_vnc_stop() ends it (nothing when
 * none runs).
 */
int hvctl_vnc_start(struct hvctl_vmm *vmm, const struct hvctl_fb *fb);
void hvctl_vnc_stop(void);
/*
 * mode.c: "[ADDR:]PORT" (IPv4 address, 127.0.0.1 when left out) into
 * @out as "ADDR:PORT". 0, or -1 with @err.
 */
int hvctl_vnc_parse(const char *s, char *out, size_t len, char *err,
		    size_t errlen);
/*
 * mode.c: the whole --vnc argument, "[ADDR:]PORT[,password-file=FILE]":
 * the address into @out as hvctl_vnc_parse() does, FILE's absolute path
 * into @pw ("" without one). FILE must be readable and hold a password
 * (its first line); the password itself stays in the file, so that no
 * command line (ps) nor the VM's definition shows it. 0, or -1 with @err.
 */
int hvctl_vnc_parse_opts(const char *s, char *out, size_t len, char *pw,
			 size_t pwlen, char *err, size_t errlen);
/*
 * mode.c: the password of @path (its first line, without the newline)
 * into @out (@len bytes). 0, or -1 with @err: unreadable, or empty.
 */
int hvctl_vnc_read_password(const char *path, char *out, size_t len,
			    char *err, size_t errlen);

#endif /* HVCTL_DISPLAY_H */
