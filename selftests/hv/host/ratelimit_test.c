// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of the VMM's I/O quotas (tools/hvctl/vmm/virtio/ratelimit.c):
 * a greedy device drives the token buckets with a clock of the test's own,
 * so that every figure is exact and nothing depends on the machine. The
 * device asks for an operation, and when it is told to wait, moves the
 * clock by exactly that much and asks again.
 */
#include "kselftest_harness.h"
#include "ratelimit.h"

#define MS	1000000ULL
#define SEC	1000000000ULL

/*
 * Operations of @bytes a greedy device gets through in [@t0, @t0 + @len);
 * *@t0 ends at the time of the first refused one past the window.
 */
static uint64_t greedy(struct hvctl_iolimit *l, uint64_t *t0, uint64_t len,
		       uint64_t bytes)
{
	uint64_t now = *t0, end = *t0 + len, n = 0, w;

	while (now < end) {
		w = hvctl_iolimit_take(l, now, bytes);
		if (w)
			now += w;
		else
			n++;
	}
	*t0 = now;
	return n;
}

/*
 * The burst b: HVCTL_IOLIMIT_BURST_NS of the rate, in operations. A full
 * bucket lets floor(b) + 1 through at once (the last one empties it), and
 * over a window of L seconds from a full bucket a greedy device gets
 * rate * L + ceil(b) (for a whole b, the last one falls on the window's
 * end, outside it).
 */
static uint64_t burst(uint64_t rate, uint64_t cost)
{
	uint64_t d = SEC / HVCTL_IOLIMIT_BURST_NS * cost;

	return (rate + d - 1) / d;
}

FIXTURE(rl) {
	struct hvctl_iolimit l;
};

FIXTURE_SETUP(rl)
{
	hvctl_iolimit_init(&self->l);
}

FIXTURE_TEARDOWN(rl)
{
	hvctl_iolimit_destroy(&self->l);
}

TEST_F(rl, no_limit_counts_everything)
{
	int i;

	for (i = 0; i < 1000; i++)
		ASSERT_EQ(0, hvctl_iolimit_take(&self->l, 5, 4096));
	EXPECT_EQ(1000, self->l.nr_ops);
	EXPECT_EQ(1000 * 4096, self->l.nr_bytes);
	EXPECT_EQ(0, self->l.throttled);
}

/* 200 IOPS for 10 s: 2000 operations plus the first burst, no more */
TEST_F(rl, iops)
{
	uint64_t t = 1000 * SEC, n;

	hvctl_iolimit_set(&self->l, 200, 0, t);
	n = greedy(&self->l, &t, 10 * SEC, 4096);
	EXPECT_EQ(2000 + burst(200, 1), n);
	EXPECT_EQ(n, self->l.nr_ops);
	EXPECT_EQ(n * 4096, self->l.nr_bytes);
	EXPECT_LT(0, self->l.throttled);
	/* steady state: exactly 200 in each further second */
	EXPECT_EQ(200, greedy(&self->l, &t, SEC, 4096));
	EXPECT_EQ(200, greedy(&self->l, &t, SEC, 4096));
}

/* 2 MiB/s of 4 KiB reads: 512 per second */
TEST_F(rl, bandwidth)
{
	uint64_t t = 0, n;

	hvctl_iolimit_set(&self->l, 0, 2 << 20, t);
	n = greedy(&self->l, &t, 10 * SEC, 4096);
	EXPECT_EQ(5120 + burst(2 << 20, 4096), n);
	EXPECT_EQ(512, greedy(&self->l, &t, SEC, 4096));
}

/*
 * check, then charge (a frame whose size is known once read): the bytes
 * go into debt and the next check waits it out; over 10 s at 1 MiB/s
 * with 64 KiB frames the rate is exact, first burst aside.
 */
TEST_F(rl, check_then_charge)
{
	uint64_t t = 0, end = 10 * SEC, n = 0, w;

	hvctl_iolimit_set(&self->l, 0, 1 << 20, t);
	while (t < end) {
		w = hvctl_iolimit_check(&self->l, t);
		if (w) {
			t += w;
			continue;
		}
		hvctl_iolimit_charge(&self->l, 64 << 10);
		n++;
	}
	/* 160 frames of the rate, the burst (100 ms: 1.6 frames) on top */
	EXPECT_LE(160, n);
	EXPECT_GE(163, n);
	EXPECT_EQ(n, self->l.nr_ops);
	EXPECT_EQ(n * (64 << 10), self->l.nr_bytes);
	/* nothing charged by a check */
	hvctl_iolimit_check(&self->l, t);
	hvctl_iolimit_check(&self->l, t);
	EXPECT_EQ(n, self->l.nr_ops);
	EXPECT_EQ(n * (64 << 10), self->l.nr_bytes);
}

/* the stricter of the two limits holds */
TEST_F(rl, both_limits)
{
	uint64_t t = 0;

	hvctl_iolimit_set(&self->l, 1000, 1 << 20, t);
	greedy(&self->l, &t, SEC, 4096);
	EXPECT_EQ(256, greedy(&self->l, &t, SEC, 4096));	/* bytes */
	/* the ops bucket was not the one in debt: it had its burst left */
	EXPECT_EQ(1000 + burst(1000, 1), greedy(&self->l, &t, SEC, 512));
	EXPECT_EQ(1000, greedy(&self->l, &t, SEC, 512));	/* ops */
}

/* 3 operations a second do not divide 1e9 ns: no drift in an hour */
TEST_F(rl, exact_rate)
{
	uint64_t t = 7, n;

	hvctl_iolimit_set(&self->l, 3, 0, t);
	n = greedy(&self->l, &t, 3600 * SEC, 1);
	EXPECT_EQ(3 * 3600 + burst(3, 1), n);
}

/* a request larger than the burst passes alone and leaves a debt */
TEST_F(rl, large_request)
{
	uint64_t t = 0;

	hvctl_iolimit_set(&self->l, 0, 64 << 10, t);
	ASSERT_EQ(0, hvctl_iolimit_take(&self->l, t, 1 << 20));
	/* 16 s of debt, less the burst, before the next one */
	EXPECT_EQ(16 * SEC - HVCTL_IOLIMIT_BURST_NS,
		  hvctl_iolimit_take(&self->l, t, 1));
	EXPECT_EQ(1, self->l.nr_ops);	/* the refusal counted nothing */
	EXPECT_EQ(1 << 20, self->l.nr_bytes);
	EXPECT_EQ(0, hvctl_iolimit_take(&self->l, t + 16 * SEC - HVCTL_IOLIMIT_BURST_NS, 1));
}

/* an idle device saves one burst, not the whole idle time */
TEST_F(rl, idle_saves_one_burst)
{
	uint64_t t = 0, n = 0;

	hvctl_iolimit_set(&self->l, 100, 0, t);
	greedy(&self->l, &t, SEC, 1);
	t += 3600 * SEC;
	while (!hvctl_iolimit_take(&self->l, t, 1))
		n++;
	EXPECT_EQ(burst(100, 1) + 1, n);
}

/* a live change applies at once, both ways, and 0 lifts the limit */
TEST_F(rl, live_change)
{
	uint64_t t = 0, got;

	hvctl_iolimit_set(&self->l, 100, 0, t);
	greedy(&self->l, &t, 5 * SEC, 1);
	hvctl_iolimit_set(&self->l, 1000, 0, t);
	got = greedy(&self->l, &t, SEC, 1);
	EXPECT_EQ(1000 + burst(1000, 1), got);
	hvctl_iolimit_set(&self->l, 50, 0, t);
	got = greedy(&self->l, &t, 2 * SEC, 1);
	EXPECT_EQ(100 + burst(50, 1), got);
	hvctl_iolimit_set(&self->l, 0, 0, t);
	EXPECT_EQ(0, hvctl_iolimit_take(&self->l, t, 1 << 30));
}

TEST_HARNESS_MAIN
