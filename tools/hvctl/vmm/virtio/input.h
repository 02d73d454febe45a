/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-input (virtio 1.2, 5.8): the keyboard and the tablet (an
 * absolute pointer) of a VM with --vnc, in virtio slots after the disks.
 * input.c is the device model (libc and virtio.h only, for the host test
 * selftests/hv/host/virtio_input_test.c); keymap.c maps X keysyms (what a
 * VNC client sends, RFB 7.5.4) to Linux key codes.
 */
#ifndef HVCTL_VIRTIO_INPUT_H
#define HVCTL_VIRTIO_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "virtio.h"

#define VIRTIO_ID_INPUT			18

/* struct virtio_input_config (5.8.4) */
#define VIRTIO_INPUT_CFG_UNSET		0x00
#define VIRTIO_INPUT_CFG_ID_NAME	0x01
#define VIRTIO_INPUT_CFG_ID_SERIAL	0x02
#define VIRTIO_INPUT_CFG_ID_DEVIDS	0x03
#define VIRTIO_INPUT_CFG_PROP_BITS	0x10
#define VIRTIO_INPUT_CFG_EV_BITS	0x11
#define VIRTIO_INPUT_CFG_ABS_INFO	0x12
#define VIRTIO_INPUT_CFG_SELECT		0	/* u8 */
#define VIRTIO_INPUT_CFG_SUBSEL		1	/* u8 */
#define VIRTIO_INPUT_CFG_SIZE		2	/* u8, the device's answer */
#define VIRTIO_INPUT_CFG_U		8	/* the 128-byte union */
#define VIRTIO_INPUT_CFG_BYTES		(VIRTIO_INPUT_CFG_U + 128)
#define VIRTIO_INPUT_EVENT_BYTES	8	/* le16 type, le16 code, le32 value */

/* the tablet's axes: 0 .. HVCTL_INPUT_ABS_MAX, scaled from pixels */
#define HVCTL_INPUT_ABS_MAX		32767

enum hvctl_input_kind {
	HVCTL_INPUT_KEYBOARD,
	HVCTL_INPUT_TABLET,
};

struct hvctl_input;

/*
 * Makes @dev a virtio-input device of @kind (virtio_mmio_init()) with its
 * I/O thread; the caller then sets @dev's irq, log and opaque. NULL with
 * the reason in @err. hvctl_input_destroy() stops and frees it.
 */
struct hvctl_input *hvctl_input_create(enum hvctl_input_kind kind,
				       struct virtio_mmio_dev *dev,
				       const struct hvctl_gmem *mem, char *err,
				       size_t err_len);
void hvctl_input_destroy(struct hvctl_input *in);

/*
 * Queues one event (EV_* @type, @code, @value) on @in; with @sync an
 * EV_SYN/SYN_REPORT follows. Events wait in the device (up to a bound,
 * then the oldest are dropped) until the driver gives buffers. From any
 * thread.
 */
void hvctl_input_event(struct hvctl_input *in, uint16_t type, uint16_t code,
		       int32_t value, int sync);
/* How many events wait in @in for the driver's buffers. */
unsigned int hvctl_input_pending(struct hvctl_input *in);

/*
 * What the VNC server calls: a key (X keysym) pressed or released, and the
 * pointer at (@x, @y) of a @w x @h screen with RFB button mask @buttons
 * (bit 0 left, 1 middle, 2 right, 3/4 wheel up/down). They reach the
 * devices registered with hvctl_input_register(), and nothing before or
 * after (a VM without them, or being torn down).
 */
void hvctl_input_key(uint32_t keysym, int down);
void hvctl_input_pointer(int x, int y, uint32_t w, uint32_t h,
			 uint8_t buttons);
void hvctl_input_register(struct hvctl_input *kbd, struct hvctl_input *tablet);

/* bus.c: the virtio slots of the keyboard and the tablet: 2 with --vnc. */
struct hvctl_def;
unsigned int hvctl_virtio_input_slots(const struct hvctl_def *def);

/* keymap.c: the Linux KEY_* code of X keysym @keysym, or 0 (none). */
uint16_t hvctl_keysym_to_key(uint32_t keysym);
/* keymap.c: calls @fn for every key code the table can produce. */
void hvctl_keymap_for_each(void (*fn)(uint16_t key, void *arg), void *arg);

#endif /* HVCTL_VIRTIO_INPUT_H */
