// SPDX-License-Identifier: GPL-2.0
/*
 * --vnc ADDR:PORT: the framebuffer as a VNC (RFB) server, with
 * LibVNCServer. Built only with `make VNC=1 STATIC=0`: Debian's
 * libvncserver-dev has no static archive, and the emulators' hvctl is
 * static; the emulator targets run this build with its libraries
 * (hvtest's run.sh, step hvctl.linux-vnc).
 *
 * Input: the clients' key events (X keysyms) and pointer events go to the
 * VM's virtio-input keyboard and tablet (virtio/input.c), which exist with
 * --vnc. Password: with ,password-file=FILE the server asks for VNC
 * authentication (RFB 7.2.2; LibVNCServer's DES challenge), the password
 * read from FILE when the VMM starts, never from a command line.
 *
 * Damage tracking: a thread of its own compares the guest's framebuffer
 * with the server's copy every HVCTL_VNC_POLL_US, copies the lines that
 * changed and marks their bounding box modified, so that clients get only
 * what changed and an idle screen sends nothing. The guest cannot stall
 * the thread (it only reads guest RAM); a client that stops reading is
 * LibVNCServer's to drop (its deferred updates and write timeouts).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <rfb/rfb.h>

#include "vmm.h"
#include "display.h"
#include "virtio/input.h"

#define HVCTL_VNC_POLL_US	50000

struct hvctl_vnc {
	rfbScreenInfoPtr screen;
	const uint8_t *src;		/* the guest's framebuffer */
	const struct hvctl_fb *fb;
	pthread_t thread;
	volatile int stop;
	/* rfbCheckPasswordByList's NULL-terminated list */
	char password[128];
	char *passwords[2];
};

static struct hvctl_vnc hvctl_vnc;

/* Copies the lines that differ; marks their bounding box. */
static void hvctl_vnc_damage(struct hvctl_vnc *v)
{
	const struct hvctl_fb *fb = v->fb;
	uint8_t *dst = (uint8_t *)v->screen->frameBuffer;
	int y, y1 = -1, y2 = 0, x1 = fb->width, x2 = 0, x;
	const uint32_t *s, *d;

	for (y = 0; y < (int)fb->height; y++) {
		s = (const uint32_t *)(v->src + (size_t)y * fb->stride);
		d = (const uint32_t *)(dst + (size_t)y * fb->stride);
		if (!memcmp(s, d, fb->stride))
			continue;
		for (x = 0; x < (int)fb->width && s[x] == d[x]; x++)
			;
		if (x < x1)
			x1 = x;
		for (x = fb->width - 1; x >= 0 && s[x] == d[x]; x--)
			;
		if (x + 1 > x2)
			x2 = x + 1;
		memcpy((void *)d, s, fb->stride);
		if (y1 < 0)
			y1 = y;
		y2 = y + 1;
	}
	if (y1 >= 0)
		rfbMarkRectAsModified(v->screen, x1, y1, x2, y2);
}

/*
 * VNC authentication's DES (LibVNCServer's rfbEncryptBytes(), libgcrypt
 * underneath) against a known answer: challenge 00 11 .. ff, password
 * "hvsecret" (the same as OpenSSL's DES-ECB with the bit-reversed key).
 * When the library's DES is broken, LibVNCServer computes the expected
 * response with an error it ignores and takes any password (seen under
 * Bochs, where libgcrypt's self-test says "weak key table defect"): then
 * the server refuses to start, and every authentication fails.
 */
static int hvctl_vnc_des_ok(void)
{
	static const unsigned char want[16] = {
		0x4a, 0x94, 0x3e, 0xcf, 0x7c, 0xa9, 0x86, 0xc4,
		0xd8, 0x85, 0xd3, 0x83, 0xf5, 0x57, 0x5b, 0x6e,
	};
	unsigned char b[16];
	char key[] = "hvsecret";
	int i;

	for (i = 0; i < 16; i++)
		b[i] = i * 0x11;
	rfbEncryptBytes(b, key);
	return !memcmp(b, want, sizeof(want));
}

static rfbBool hvctl_vnc_check_password(rfbClientPtr cl, const char *response,
					int len)
{
	if (!hvctl_vnc_des_ok())
		return FALSE;
	return rfbCheckPasswordByList(cl, response, len);
}

static void hvctl_vnc_key(rfbBool down, rfbKeySym keysym, rfbClientPtr cl)
{
	(void)cl;
	hvctl_input_key(keysym, down);
}

static void hvctl_vnc_pointer(int buttons, int x, int y, rfbClientPtr cl)
{
	const struct hvctl_fb *fb = hvctl_vnc.fb;

	(void)cl;
	hvctl_input_pointer(x, y, fb->width, fb->height, buttons);
}

static void *hvctl_vnc_thread(void *arg)
{
	struct hvctl_vnc *v = arg;

	while (!v->stop && rfbIsActive(v->screen)) {
		hvctl_vnc_damage(v);
		rfbProcessEvents(v->screen, HVCTL_VNC_POLL_US);
	}
	return NULL;
}

/* "ADDR:PORT" of the definition (checked at create). */
static int hvctl_vnc_addr(const char *s, in_addr_t *addr, int *port)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	struct in_addr a;

	if (!colon || colon - s >= (long)sizeof(host))
		return -1;
	memcpy(host, s, colon - s);
	host[colon - s] = 0;
	if (inet_pton(AF_INET, host, &a) != 1)
		return -1;
	*addr = a.s_addr;
	*port = atoi(colon + 1);
	return *port > 0 && *port < 65536 ? 0 : -1;
}

int hvctl_vnc_start(struct hvctl_vmm *vmm, const struct hvctl_fb *fb)
{
	struct hvctl_vnc *v = &hvctl_vnc;
	int argc = 0, port, err;
	char why[PATH_MAX + 128];
	in_addr_t addr;

	if (hvctl_vnc_addr(vmm->def->vnc, &addr, &port)) {
		hvctl_err("start %s: bad --vnc '%s'", vmm->def->name,
			  vmm->def->vnc);
		return -1;
	}
	*v = (struct hvctl_vnc){ .fb = fb };
	if (vmm->def->vnc_password_file[0] &&
	    hvctl_vnc_read_password(vmm->def->vnc_password_file, v->password,
				    sizeof(v->password), why, sizeof(why))) {
		hvctl_err("start %s: %s", vmm->def->name, why);
		return -1;
	}
	if (v->password[0] && !hvctl_vnc_des_ok()) {
		hvctl_err("start %s: --vnc password-file: LibVNCServer's DES fails its known-answer test (a broken crypto library or CPU): VNC authentication would take any password",
			  vmm->def->name);
		memset(v->password, 0, sizeof(v->password));
		return -1;
	}
	v->src = hvctl_vmm_ram(vmm, fb->gpa, (uint64_t)fb->stride * fb->height);
	/* the library's chatter (per client: encodings, statistics) off */
	rfbLogEnable(0);
	v->screen = rfbGetScreen(&argc, NULL, fb->width, fb->height, 8, 3, 4);
	if (!v->src || !v->screen)
		return -1;
	v->screen->frameBuffer = calloc(fb->height, fb->stride);
	if (!v->screen->frameBuffer)
		return -1;
	/* XRGB8888 in memory: blue in bits 0-7, red in 16-23 */
	v->screen->serverFormat.redShift = 16;
	v->screen->serverFormat.greenShift = 8;
	v->screen->serverFormat.blueShift = 0;
	v->screen->paddedWidthInBytes = fb->stride;
	v->screen->desktopName = vmm->def->name;
	v->screen->alwaysShared = TRUE;
	/* no pointer drawn into the picture: the guest has none (yet) */
	v->screen->cursor = NULL;
	v->screen->kbdAddEvent = hvctl_vnc_key;
	v->screen->ptrAddEvent = hvctl_vnc_pointer;
	if (v->password[0]) {
		/* VNC authentication: the DES key is the first 8 characters */
		v->passwords[0] = v->password;
		v->screen->authPasswdData = v->passwords;
		v->screen->passwordCheck = hvctl_vnc_check_password;
	}
	v->screen->listenInterface = addr;
	v->screen->port = port;
	v->screen->ipv6port = 0;	/* IPv4 only: the address given */
	v->screen->autoPort = FALSE;
	rfbInitServer(v->screen);
	if (v->screen->listenSock == RFB_INVALID_SOCKET) {
		hvctl_err("start %s: --vnc %s: cannot listen", vmm->def->name,
			  vmm->def->vnc);
		return -1;
	}
	err = pthread_create(&v->thread, NULL, hvctl_vnc_thread, v);
	if (err) {
		hvctl_err("cannot start the VNC thread: %s", strerror(err));
		rfbShutdownServer(v->screen, TRUE);
		return -1;
	}
	hvctl_vmm_log(vmm, "VNC server on %s%s", vmm->def->vnc,
		      v->password[0] ? ", VNC authentication" : "");
	return 0;
}

void hvctl_vnc_stop(void)
{
	struct hvctl_vnc *v = &hvctl_vnc;

	if (!v->screen)
		return;
	if (v->thread) {
		v->stop = 1;
		pthread_join(v->thread, NULL);
	}
	rfbShutdownServer(v->screen, TRUE);
	free(v->screen->frameBuffer);
	rfbScreenCleanup(v->screen);
	memset(v->password, 0, sizeof(v->password));
	*v = (struct hvctl_vnc){ 0 };
}
