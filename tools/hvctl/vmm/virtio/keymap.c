// SPDX-License-Identifier: GPL-2.0
/*
 * X keysyms (what a VNC client sends in a KeyEvent, RFB 7.5.4; values of
 * X11's keysymdef.h) to Linux key codes (<linux/input-event-codes.h>) for
 * the virtio keyboard. A US layout: a shifted character maps to the key
 * that makes it (the client sends Shift itself), so 'A' and 'a' are both
 * KEY_A and '!' is KEY_1. Keysyms not here are dropped.
 */
#include <stddef.h>
#include <stdint.h>
#include <linux/input-event-codes.h>

#include "input.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	uint32_t keysym;
	uint16_t key;
} hvctl_keymap[] = {
	/* Latin-1: the printable ASCII characters */
	{ ' ', KEY_SPACE }, { '!', KEY_1 }, { '"', KEY_APOSTROPHE },
	{ '#', KEY_3 }, { '$', KEY_4 }, { '%', KEY_5 }, { '&', KEY_7 },
	{ '\'', KEY_APOSTROPHE }, { '(', KEY_9 }, { ')', KEY_0 },
	{ '*', KEY_8 }, { '+', KEY_EQUAL }, { ',', KEY_COMMA },
	{ '-', KEY_MINUS }, { '.', KEY_DOT }, { '/', KEY_SLASH },
	{ '0', KEY_0 }, { '1', KEY_1 }, { '2', KEY_2 }, { '3', KEY_3 },
	{ '4', KEY_4 }, { '5', KEY_5 }, { '6', KEY_6 }, { '7', KEY_7 },
	{ '8', KEY_8 }, { '9', KEY_9 }, { ':', KEY_SEMICOLON },
	{ ';', KEY_SEMICOLON }, { '<', KEY_COMMA }, { '=', KEY_EQUAL },
	{ '>', KEY_DOT }, { '?', KEY_SLASH }, { '@', KEY_2 },
	{ 'A', KEY_A }, { 'B', KEY_B }, { 'C', KEY_C }, { 'D', KEY_D },
	{ 'E', KEY_E }, { 'F', KEY_F }, { 'G', KEY_G }, { 'H', KEY_H },
	{ 'I', KEY_I }, { 'J', KEY_J }, { 'K', KEY_K }, { 'L', KEY_L },
	{ 'M', KEY_M }, { 'N', KEY_N }, { 'O', KEY_O }, { 'P', KEY_P },
	{ 'Q', KEY_Q }, { 'R', KEY_R }, { 'S', KEY_S }, { 'T', KEY_T },
	{ 'U', KEY_U }, { 'V', KEY_V }, { 'W', KEY_W }, { 'X', KEY_X },
	{ 'Y', KEY_Y }, { 'Z', KEY_Z }, { '[', KEY_LEFTBRACE },
	{ '\\', KEY_BACKSLASH }, { ']', KEY_RIGHTBRACE }, { '^', KEY_6 },
	{ '_', KEY_MINUS }, { '`', KEY_GRAVE },
	{ 'a', KEY_A }, { 'b', KEY_B }, { 'c', KEY_C }, { 'd', KEY_D },
	{ 'e', KEY_E }, { 'f', KEY_F }, { 'g', KEY_G }, { 'h', KEY_H },
	{ 'i', KEY_I }, { 'j', KEY_J }, { 'k', KEY_K }, { 'l', KEY_L },
	{ 'm', KEY_M }, { 'n', KEY_N }, { 'o', KEY_O }, { 'p', KEY_P },
	{ 'q', KEY_Q }, { 'r', KEY_R }, { 's', KEY_S }, { 't', KEY_T },
	{ 'u', KEY_U }, { 'v', KEY_V }, { 'w', KEY_W }, { 'x', KEY_X },
	{ 'y', KEY_Y }, { 'z', KEY_Z }, { '{', KEY_LEFTBRACE },
	{ '|', KEY_BACKSLASH }, { '}', KEY_RIGHTBRACE }, { '~', KEY_GRAVE },
	/* TTY function keys */
	{ 0xff08, KEY_BACKSPACE }, { 0xff09, KEY_TAB },
	{ 0xff0d, KEY_ENTER }, { 0xff13, KEY_PAUSE },
	{ 0xff14, KEY_SCROLLLOCK }, { 0xff15, KEY_SYSRQ },
	{ 0xff1b, KEY_ESC }, { 0xffff, KEY_DELETE },
	/* cursor control */
	{ 0xff50, KEY_HOME }, { 0xff51, KEY_LEFT }, { 0xff52, KEY_UP },
	{ 0xff53, KEY_RIGHT }, { 0xff54, KEY_DOWN }, { 0xff55, KEY_PAGEUP },
	{ 0xff56, KEY_PAGEDOWN }, { 0xff57, KEY_END },
	/* misc functions */
	{ 0xff61, KEY_PRINT }, { 0xff63, KEY_INSERT }, { 0xff67, KEY_MENU },
	{ 0xff7f, KEY_NUMLOCK },
	/* keypad */
	{ 0xff8d, KEY_KPENTER }, { 0xff95, KEY_KP7 }, { 0xff96, KEY_KP4 },
	{ 0xff97, KEY_KP8 }, { 0xff98, KEY_KP6 }, { 0xff99, KEY_KP2 },
	{ 0xff9a, KEY_KP9 }, { 0xff9b, KEY_KP3 }, { 0xff9c, KEY_KP1 },
	{ 0xff9d, KEY_KP5 }, { 0xff9e, KEY_KP0 }, { 0xff9f, KEY_KPDOT },
	{ 0xffaa, KEY_KPASTERISK }, { 0xffab, KEY_KPPLUS },
	{ 0xffad, KEY_KPMINUS }, { 0xffae, KEY_KPDOT },
	{ 0xffaf, KEY_KPSLASH }, { 0xffb0, KEY_KP0 }, { 0xffb1, KEY_KP1 },
	{ 0xffb2, KEY_KP2 }, { 0xffb3, KEY_KP3 }, { 0xffb4, KEY_KP4 },
	{ 0xffb5, KEY_KP5 }, { 0xffb6, KEY_KP6 }, { 0xffb7, KEY_KP7 },
	{ 0xffb8, KEY_KP8 }, { 0xffb9, KEY_KP9 }, { 0xffbd, KEY_KPEQUAL },
	/* function keys F1 - F12 */
	{ 0xffbe, KEY_F1 }, { 0xffbf, KEY_F2 }, { 0xffc0, KEY_F3 },
	{ 0xffc1, KEY_F4 }, { 0xffc2, KEY_F5 }, { 0xffc3, KEY_F6 },
	{ 0xffc4, KEY_F7 }, { 0xffc5, KEY_F8 }, { 0xffc6, KEY_F9 },
	{ 0xffc7, KEY_F10 }, { 0xffc8, KEY_F11 }, { 0xffc9, KEY_F12 },
	/* modifiers */
	{ 0xffe1, KEY_LEFTSHIFT }, { 0xffe2, KEY_RIGHTSHIFT },
	{ 0xffe3, KEY_LEFTCTRL }, { 0xffe4, KEY_RIGHTCTRL },
	{ 0xffe5, KEY_CAPSLOCK }, { 0xffe7, KEY_LEFTMETA },
	{ 0xffe8, KEY_RIGHTMETA }, { 0xffe9, KEY_LEFTALT },
	{ 0xffea, KEY_RIGHTALT }, { 0xffeb, KEY_LEFTMETA },
	{ 0xffec, KEY_RIGHTMETA }, { 0xfe03, KEY_RIGHTALT },	/* AltGr */
};

uint16_t hvctl_keysym_to_key(uint32_t keysym)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hvctl_keymap); i++)
		if (hvctl_keymap[i].keysym == keysym)
			return hvctl_keymap[i].key;
	return 0;
}

void hvctl_keymap_for_each(void (*fn)(uint16_t key, void *arg), void *arg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hvctl_keymap); i++)
		fn(hvctl_keymap[i].key, arg);
}
