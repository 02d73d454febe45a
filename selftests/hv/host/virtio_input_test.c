// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of virtio-input (tools/hvctl/vmm/virtio/input.c, keymap.c):
 * the test is the guest driver, as in virtio_test.c, with a buffer
 * standing in for guest RAM. It reads the configuration window (names,
 * ids, the event and axis bitmaps, the tablet's axes), gives the eventq
 * buffers and checks what the VNC server's calls (hvctl_input_key(),
 * hvctl_input_pointer()) put in them; events wait in the device while
 * the driver has no buffers, and the oldest go past the bound; statusq
 * buffers come back; a buffer shorter than an event puts the device into
 * NEEDS_RESET and a reset brings it back. Under the address and UB
 * sanitizers.
 */
#include <string.h>
#include <time.h>
#include <linux/input-event-codes.h>

#include "kselftest_harness.h"
#include "virtio.h"
#include "input.h"

#define RAM_GPA		0x40000000ULL
#define RAM_SIZE	0x100000ULL
#define NUM		16
/* per queue q: rings at q * 0x10000 + these, event buffers after */
#define DESC		0x1000
#define AVAIL		0x2000
#define USED		0x3000
#define BUFS		0x4000
#define QBASE(q)	((q) * 0x10000ULL)
#define G(off)		(RAM_GPA + (off))

FIXTURE(vin) {
	uint8_t *ram;
	struct hvctl_gmem mem;
	struct virtio_mmio_dev dev;
	struct hvctl_input *in;
	uint16_t avail[2];
	uint16_t seen;		/* eventq used entries read so far */
};

static uint32_t rd(FIXTURE_DATA(vin) *t, uint64_t off)
{
	uint32_t v;

	virtio_mmio_read(&t->dev, off, &v, 4);
	return v;
}

static void wr(FIXTURE_DATA(vin) *t, uint64_t off, uint32_t v)
{
	virtio_mmio_write(&t->dev, off, &v, 4);
}

static void wr8(FIXTURE_DATA(vin) *t, uint64_t off, uint8_t v)
{
	virtio_mmio_write(&t->dev, VIRTIO_MMIO_CONFIG + off, &v, 1);
}

static uint8_t rd8(FIXTURE_DATA(vin) *t, uint64_t off)
{
	uint8_t v;

	virtio_mmio_read(&t->dev, VIRTIO_MMIO_CONFIG + off, &v, 1);
	return v;
}

/* select/subsel, then the size the device answers */
static uint8_t cfg_select(FIXTURE_DATA(vin) *t, uint8_t sel, uint8_t sub)
{
	wr8(t, VIRTIO_INPUT_CFG_SELECT, sel);
	wr8(t, VIRTIO_INPUT_CFG_SUBSEL, sub);
	return rd8(t, VIRTIO_INPUT_CFG_SIZE);
}

static int cfg_bit(FIXTURE_DATA(vin) *t, unsigned int bit)
{
	return rd8(t, VIRTIO_INPUT_CFG_U + bit / 8) >> (bit % 8) & 1;
}

static uint16_t used_idx(FIXTURE_DATA(vin) *t, unsigned int q)
{
	return __atomic_load_n((uint16_t *)(t->ram + QBASE(q) + USED + 2),
			       __ATOMIC_ACQUIRE);
}

/* Posts buffer @i of queue @q (@len bytes, device-writable) and notifies. */
static void post(FIXTURE_DATA(vin) *t, unsigned int q, unsigned int i,
		 uint32_t len)
{
	struct virtq_desc *d = (struct virtq_desc *)(t->ram + QBASE(q) + DESC);
	uint16_t *avail = (uint16_t *)(t->ram + QBASE(q) + AVAIL);

	d[i] = (struct virtq_desc){ .addr = G(QBASE(q) + BUFS + 8 * i),
				    .len = len,
				    .flags = q ? 0 : VIRTQ_DESC_F_WRITE };
	avail[2 + t->avail[q] % NUM] = i;
	__atomic_store_n(&avail[1], ++t->avail[q], __ATOMIC_RELEASE);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* Waits (5 s at most) until queue @q's used index reaches @idx. */
static int wait_used(FIXTURE_DATA(vin) *t, unsigned int q, uint16_t idx)
{
	struct timespec ts = { .tv_nsec = 1000000 };
	int i;

	for (i = 0; i < 5000; i++) {
		if ((uint16_t)(used_idx(t, q) - idx) < 0x8000)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* The next event in the eventq's used ring: its type, code and value. */
static void next_event(FIXTURE_DATA(vin) *t, uint16_t *type, uint16_t *code,
		       int32_t *value)
{
	uint32_t *used = (uint32_t *)(t->ram + USED + 4);
	uint32_t id = used[2 * (t->seen % NUM)];
	uint8_t *e = t->ram + BUFS + 8 * id;

	t->seen++;
	memcpy(type, e, 2);
	memcpy(code, e + 2, 2);
	memcpy(value, e + 4, 4);
	/* the buffer goes back to the device */
	post(t, 0, id, 8);
}

static void queue_up(FIXTURE_DATA(vin) *t, unsigned int q)
{
	wr(t, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(t, VIRTIO_MMIO_QUEUE_NUM, NUM);
	wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, G(QBASE(q) + DESC));
	wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, G(QBASE(q) + AVAIL));
	wr(t, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	wr(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, G(QBASE(q) + USED));
	wr(t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* 3.1.1 with VERSION_1 only; both queues; no buffers yet. */
static uint32_t driver_up(FIXTURE_DATA(vin) *t)
{
	uint32_t s = VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER;

	wr(t, VIRTIO_MMIO_STATUS, 0);
	memset(t->ram, 0, 0x20000);
	t->avail[0] = t->avail[1] = t->seen = 0;
	wr(t, VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE);
	wr(t, VIRTIO_MMIO_STATUS, s);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 1);	/* VERSION_1 */
	s |= VIRTIO_S_FEATURES_OK;
	wr(t, VIRTIO_MMIO_STATUS, s);
	queue_up(t, 0);
	queue_up(t, 1);
	wr(t, VIRTIO_MMIO_STATUS, s | VIRTIO_S_DRIVER_OK);
	return rd(t, VIRTIO_MMIO_STATUS);
}

static void give_buffers(FIXTURE_DATA(vin) *t, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		post(t, 0, i, 8);
}

FIXTURE_SETUP(vin)
{
	char err[128];

	self->ram = calloc(1, RAM_SIZE);
	ASSERT_NE(NULL, self->ram);
	self->mem = (struct hvctl_gmem){ .base = self->ram, .gpa = RAM_GPA,
					 .size = RAM_SIZE };
	self->in = hvctl_input_create(HVCTL_INPUT_KEYBOARD, &self->dev,
				      &self->mem, err, sizeof(err));
	ASSERT_NE(NULL, self->in) TH_LOG("%s", err);
}

FIXTURE_TEARDOWN(vin)
{
	hvctl_input_destroy(self->in);
	free(self->ram);
}

TEST(keymap)
{
	EXPECT_EQ(KEY_A, hvctl_keysym_to_key('a'));
	EXPECT_EQ(KEY_A, hvctl_keysym_to_key('A'));
	EXPECT_EQ(KEY_1, hvctl_keysym_to_key('!'));
	EXPECT_EQ(KEY_ENTER, hvctl_keysym_to_key(0xff0d));
	EXPECT_EQ(KEY_LEFTSHIFT, hvctl_keysym_to_key(0xffe1));
	EXPECT_EQ(KEY_F12, hvctl_keysym_to_key(0xffc9));
	EXPECT_EQ(KEY_KP5, hvctl_keysym_to_key(0xffb5));
	EXPECT_EQ(0, hvctl_keysym_to_key(0x20ac));	/* EuroSign: none */
	EXPECT_EQ(0, hvctl_keysym_to_key(0xffffffff));
}

TEST_F(vin, config)
{
	char name[64] = { 0 };
	unsigned int i;
	uint8_t n;

	EXPECT_EQ(VIRTIO_ID_INPUT, rd(self, VIRTIO_MMIO_DEVICE_ID));
	n = cfg_select(self, VIRTIO_INPUT_CFG_ID_NAME, 0);
	ASSERT_EQ(strlen("hv virtio keyboard"), n);
	for (i = 0; i < n; i++)
		name[i] = rd8(self, VIRTIO_INPUT_CFG_U + i);
	EXPECT_STREQ("hv virtio keyboard", name);
	EXPECT_EQ(8, cfg_select(self, VIRTIO_INPUT_CFG_ID_DEVIDS, 0));
	EXPECT_LT(0, cfg_select(self, VIRTIO_INPUT_CFG_EV_BITS, EV_KEY));
	EXPECT_EQ(1, cfg_bit(self, KEY_A));
	EXPECT_EQ(1, cfg_bit(self, KEY_ENTER));
	EXPECT_EQ(1, cfg_bit(self, KEY_LEFTSHIFT));
	EXPECT_EQ(0, cfg_bit(self, BTN_LEFT));
	/* a keyboard has no axes, no EV_REP, no LEDs */
	EXPECT_EQ(0, cfg_select(self, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS));
	EXPECT_EQ(0, cfg_select(self, VIRTIO_INPUT_CFG_EV_BITS, EV_REP));
	EXPECT_EQ(0, cfg_select(self, VIRTIO_INPUT_CFG_EV_BITS, EV_LED));
	EXPECT_EQ(0, cfg_select(self, VIRTIO_INPUT_CFG_ABS_INFO, ABS_X));
	/* unknown selects and subsels answer size 0 */
	EXPECT_EQ(0, cfg_select(self, 0x7f, 0));
	EXPECT_EQ(0, cfg_select(self, VIRTIO_INPUT_CFG_ID_NAME, 1));
	EXPECT_EQ(0, cfg_select(self, VIRTIO_INPUT_CFG_UNSET, 0));
	/* the driver cannot write size or the union; reads past it are 0 */
	cfg_select(self, VIRTIO_INPUT_CFG_ID_NAME, 0);
	wr8(self, VIRTIO_INPUT_CFG_SIZE, 99);
	wr8(self, VIRTIO_INPUT_CFG_U, 'X');
	EXPECT_EQ(strlen("hv virtio keyboard"),
		  rd8(self, VIRTIO_INPUT_CFG_SIZE));
	EXPECT_EQ('h', rd8(self, VIRTIO_INPUT_CFG_U));
	EXPECT_EQ(0, rd8(self, VIRTIO_INPUT_CFG_BYTES + 5));
}

TEST(tablet_config)
{
	struct virtio_mmio_dev dev;
	struct hvctl_gmem mem = { 0 };
	struct hvctl_input *in;
	uint8_t b[20];
	uint32_t max;
	char err[128];
	unsigned int i;

	in = hvctl_input_create(HVCTL_INPUT_TABLET, &dev, &mem, err,
				sizeof(err));
	ASSERT_NE(NULL, in);
	b[0] = VIRTIO_INPUT_CFG_ABS_INFO;
	virtio_mmio_write(&dev, VIRTIO_MMIO_CONFIG, b, 1);
	b[0] = ABS_Y;
	virtio_mmio_write(&dev, VIRTIO_MMIO_CONFIG + 1, b, 1);
	virtio_mmio_read(&dev, VIRTIO_MMIO_CONFIG + 2, b, 1);
	EXPECT_EQ(20, b[0]);
	for (i = 0; i < 20; i += 4)
		virtio_mmio_read(&dev, VIRTIO_MMIO_CONFIG + 8 + i, b + i, 4);
	memcpy(&max, b + 4, 4);
	EXPECT_EQ(HVCTL_INPUT_ABS_MAX, max);
	b[0] = VIRTIO_INPUT_CFG_EV_BITS;
	virtio_mmio_write(&dev, VIRTIO_MMIO_CONFIG, b, 1);
	b[0] = EV_KEY;
	virtio_mmio_write(&dev, VIRTIO_MMIO_CONFIG + 1, b, 1);
	virtio_mmio_read(&dev, VIRTIO_MMIO_CONFIG + 8 + BTN_LEFT / 8, b, 1);
	EXPECT_EQ(1, b[0] >> (BTN_LEFT % 8) & 1);
	hvctl_input_destroy(in);
}

TEST_F(vin, keys_reach_the_driver)
{
	uint16_t type, code;
	int32_t value;

	ASSERT_EQ(VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
		  VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK, driver_up(self));
	/* before any buffer: the events wait in the device */
	hvctl_input_register(self->in, NULL);
	hvctl_input_key('h', 1);
	hvctl_input_key('h', 0);
	hvctl_input_key(0x20ac, 1);	/* no key: dropped */
	EXPECT_EQ(0, used_idx(self, 0));
	give_buffers(self, NUM);
	ASSERT_EQ(0, wait_used(self, 0, 4));
	next_event(self, &type, &code, &value);
	EXPECT_EQ(EV_KEY, type);
	EXPECT_EQ(KEY_H, code);
	EXPECT_EQ(1, value);
	next_event(self, &type, &code, &value);
	EXPECT_EQ(EV_SYN, type);
	EXPECT_EQ(SYN_REPORT, code);
	next_event(self, &type, &code, &value);
	EXPECT_EQ(KEY_H, code);
	EXPECT_EQ(0, value);
	next_event(self, &type, &code, &value);
	EXPECT_EQ(EV_SYN, type);
	/* with buffers there: at once */
	hvctl_input_key(0xff0d, 1);
	ASSERT_EQ(0, wait_used(self, 0, 6));
	next_event(self, &type, &code, &value);
	EXPECT_EQ(KEY_ENTER, code);
	/* statusq: an LED event comes back, taken */
	post(self, 1, 0, 8);
	ASSERT_EQ(0, wait_used(self, 1, 1));
	/* unregistered: nothing more */
	hvctl_input_register(NULL, NULL);
	hvctl_input_key('a', 1);
	hvctl_input_event(self->in, EV_SYN, SYN_REPORT, 0, 0);
	ASSERT_EQ(0, wait_used(self, 0, 7));
	EXPECT_EQ(7, used_idx(self, 0));
}

TEST_F(vin, pointer_as_tablet)
{
	uint16_t type, code;
	int32_t value;

	/* the fixture's device stands in for a tablet: the events only */
	ASSERT_NE(0, driver_up(self) & VIRTIO_S_DRIVER_OK);
	give_buffers(self, NUM);
	hvctl_input_register(NULL, self->in);
	hvctl_input_pointer(639, 0, 640, 480, 1);	/* left down */
	ASSERT_EQ(0, wait_used(self, 0, 4));
	next_event(self, &type, &code, &value);
	EXPECT_EQ(EV_ABS, type);
	EXPECT_EQ(ABS_X, code);
	EXPECT_EQ(HVCTL_INPUT_ABS_MAX, value);
	next_event(self, &type, &code, &value);
	EXPECT_EQ(ABS_Y, code);
	EXPECT_EQ(0, value);
	next_event(self, &type, &code, &value);
	EXPECT_EQ(EV_KEY, type);
	EXPECT_EQ(BTN_LEFT, code);
	EXPECT_EQ(1, value);
	next_event(self, &type, &code, &value);
	EXPECT_EQ(EV_SYN, type);
	/* out of the screen: clamped; the wheel: a step; left up */
	hvctl_input_pointer(-5, 100000, 640, 480, 0x08);
	ASSERT_EQ(0, wait_used(self, 0, 9));
	next_event(self, &type, &code, &value);
	EXPECT_EQ(0, value);
	next_event(self, &type, &code, &value);
	EXPECT_EQ(HVCTL_INPUT_ABS_MAX, value);
	next_event(self, &type, &code, &value);
	EXPECT_EQ(BTN_LEFT, code);
	EXPECT_EQ(0, value);
	next_event(self, &type, &code, &value);
	EXPECT_EQ(EV_REL, type);
	EXPECT_EQ(REL_WHEEL, code);
	EXPECT_EQ(1, value);
	hvctl_input_register(NULL, NULL);
}

/* A guest that never gives buffers: the newest events are kept. */
TEST_F(vin, bounded_without_buffers)
{
	uint16_t type, code;
	int32_t value;
	int i;

	ASSERT_NE(0, driver_up(self) & VIRTIO_S_DRIVER_OK);
	for (i = 0; i < 1000; i++)
		hvctl_input_event(self->in, EV_KEY, i & 0x1ff, 1, 0);
	give_buffers(self, NUM);
	ASSERT_EQ(0, wait_used(self, 0, NUM));
	next_event(self, &type, &code, &value);
	/* 256 kept: events 744 .. 999 */
	EXPECT_EQ(744 & 0x1ff, code);
}

/* A buffer shorter than an event: NEEDS_RESET, then a reset works. */
TEST_F(vin, short_buffer_needs_reset)
{
	uint16_t type, code;
	int32_t value;

	ASSERT_NE(0, driver_up(self) & VIRTIO_S_DRIVER_OK);
	post(self, 0, 0, 4);
	hvctl_input_event(self->in, EV_KEY, KEY_A, 1, 0);
	ASSERT_EQ(0, wait_used(self, 0, 0));
	for (int i = 0; i < 5000 &&
	     !(rd(self, VIRTIO_MMIO_STATUS) & VIRTIO_S_NEEDS_RESET); i++)
		usleep(1000);
	ASSERT_NE(0, rd(self, VIRTIO_MMIO_STATUS) & VIRTIO_S_NEEDS_RESET);
	ASSERT_NE(0, driver_up(self) & VIRTIO_S_DRIVER_OK);
	EXPECT_EQ(0, rd(self, VIRTIO_MMIO_STATUS) & VIRTIO_S_NEEDS_RESET);
	/* the reset dropped the old driver's events */
	give_buffers(self, NUM);
	hvctl_input_event(self->in, EV_KEY, KEY_B, 1, 0);
	ASSERT_EQ(0, wait_used(self, 0, 1));
	next_event(self, &type, &code, &value);
	EXPECT_EQ(KEY_B, code);
}

TEST_HARNESS_MAIN
