// SPDX-License-Identifier: GPL-2.0
/*
 * Token buckets for the I/O quotas of a device (ratelimit.h): GCRA, the
 * form of a token bucket that keeps one time instead of a token count, so
 * that refilling needs no periodic work and no division by elapsed time.
 */
#include <time.h>

#include "ratelimit.h"

#define NSEC	1000000000ULL

void hvctl_iolimit_init(struct hvctl_iolimit *l)
{
	*l = (struct hvctl_iolimit){ 0 };
	pthread_mutex_init(&l->lock, NULL);
}

void hvctl_iolimit_destroy(struct hvctl_iolimit *l)
{
	pthread_mutex_destroy(&l->lock);
}

uint64_t hvctl_iolimit_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static void bucket_set(struct hvctl_bucket *b, uint64_t rate, uint64_t now)
{
	b->rate = rate;
	b->tat = now;
	b->rem = 0;
}

void hvctl_iolimit_set(struct hvctl_iolimit *l, uint64_t ops_per_s,
		       uint64_t bytes_per_s, uint64_t now)
{
	pthread_mutex_lock(&l->lock);
	bucket_set(&l->ops, ops_per_s, now);
	bucket_set(&l->bytes, bytes_per_s, now);
	pthread_mutex_unlock(&l->lock);
}

void hvctl_iolimit_get(struct hvctl_iolimit *l, uint64_t *ops_per_s,
		       uint64_t *bytes_per_s)
{
	pthread_mutex_lock(&l->lock);
	*ops_per_s = l->ops.rate;
	*bytes_per_s = l->bytes.rate;
	pthread_mutex_unlock(&l->lock);
}

/* How long until @b lets a request through at @now: 0 when it does. */
static uint64_t bucket_wait(struct hvctl_bucket *b, uint64_t now)
{
	if (!b->rate)
		return 0;
	/* idle since the bucket filled up: it stays full, no more */
	if (b->tat < now) {
		b->tat = now;
		b->rem = 0;
	}
	if (b->tat - now <= HVCTL_IOLIMIT_BURST_NS)
		return 0;
	return b->tat - now - HVCTL_IOLIMIT_BURST_NS;
}

/* Charges @cost units: @tat moves by @cost / rate seconds, exactly. */
static void bucket_charge(struct hvctl_bucket *b, uint64_t cost)
{
	unsigned __int128 n;

	if (!b->rate)
		return;
	n = (unsigned __int128)cost * NSEC + b->rem;
	b->tat += (uint64_t)(n / b->rate);
	b->rem = (uint64_t)(n % b->rate);
}

uint64_t hvctl_iolimit_take(struct hvctl_iolimit *l, uint64_t now,
			    uint64_t bytes)
{
	uint64_t w_ops, w_bytes;

	pthread_mutex_lock(&l->lock);
	w_ops = bucket_wait(&l->ops, now);
	w_bytes = bucket_wait(&l->bytes, now);
	if (w_ops || w_bytes) {
		l->throttled++;
		pthread_mutex_unlock(&l->lock);
		return w_ops > w_bytes ? w_ops : w_bytes;
	}
	bucket_charge(&l->ops, 1);
	bucket_charge(&l->bytes, bytes);
	pthread_mutex_unlock(&l->lock);
	__atomic_add_fetch(&l->nr_ops, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&l->nr_bytes, bytes, __ATOMIC_RELAXED);
	return 0;
}

uint64_t hvctl_iolimit_check(struct hvctl_iolimit *l, uint64_t now)
{
	uint64_t w_ops, w_bytes;

	pthread_mutex_lock(&l->lock);
	w_ops = bucket_wait(&l->ops, now);
	w_bytes = bucket_wait(&l->bytes, now);
	if (w_ops || w_bytes)
		l->throttled++;
	pthread_mutex_unlock(&l->lock);
	return w_ops > w_bytes ? w_ops : w_bytes;
}

void hvctl_iolimit_charge(struct hvctl_iolimit *l, uint64_t bytes)
{
	pthread_mutex_lock(&l->lock);
	bucket_charge(&l->ops, 1);
	bucket_charge(&l->bytes, bytes);
	pthread_mutex_unlock(&l->lock);
	__atomic_add_fetch(&l->nr_ops, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&l->nr_bytes, bytes, __ATOMIC_RELAXED);
}
