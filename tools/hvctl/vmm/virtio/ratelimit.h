/* SPDX-License-Identifier: GPL-2.0 */
/*
 * I/O quotas of one device (a disk or a NIC): operations per second and
 * bytes per second, each a token bucket, and the device's statistics.
 * The quotas come from the VM's registry entry (HV_A_VM_DISK_IOPS, ...),
 * set at create and changed live with `hvctl set`; vmm/ioquota.c applies
 * them with hvctl_iolimit_set().
 *
 * A device asks before it serves a request or a packet:
 *
 *	wait = hvctl_iolimit_take(lim, hvctl_iolimit_now(), bytes);
 *	if (wait)
 *		... leave the request where it is (in the ring) and try it
 *		    again in @wait ns (or on the next notify) ...
 *	else
 *		... serve it: it is charged and counted ...
 *
 * A request is never split: one larger than a bucket's burst goes through
 * when the bucket is not in debt and leaves it in debt, so that the rate
 * over time is exact and no request waits forever. Each bucket holds
 * HVCTL_IOLIMIT_BURST_NS worth of its rate: after an idle time a device
 * may do that much at once.
 *
 * Only libc: the host test (selftests/hv/host/ratelimit_test.c) drives it
 * with a clock of its own. Thread-safe: @lock guards the buckets, the
 * statistics are atomics.
 */
#ifndef HVCTL_RATELIMIT_H
#define HVCTL_RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

#define HVCTL_IOLIMIT_BURST_NS	100000000ULL	/* 100 ms */

/*
 * struct hvctl_bucket - one rate, kept as GCRA (the "virtual scheduling"
 * form of a token bucket): @tat is the time at which the bucket would be
 * full again; a request of cost c moves it by c / @rate seconds, and is
 * allowed while @tat is at most HVCTL_IOLIMIT_BURST_NS ahead of now.
 * @rate: units per second, 0: no limit.
 * @rem: the fraction of a nanosecond carried (c * 1e9 mod @rate), so that
 *	 rates that do not divide 1e9 stay exact.
 */
struct hvctl_bucket {
	uint64_t rate;
	uint64_t tat;
	uint64_t rem;
};

/*
 * struct hvctl_iolimit - the quotas and counters of one device.
 * @ops, @bytes: the buckets.
 * @nr_ops, @nr_bytes: requests (packets) served and their bytes.
 * @throttled: the times a request was told to wait (under @lock).
 */
struct hvctl_iolimit {
	pthread_mutex_t lock;
	struct hvctl_bucket ops, bytes;
	uint64_t nr_ops, nr_bytes, throttled;
};

void hvctl_iolimit_init(struct hvctl_iolimit *l);
void hvctl_iolimit_destroy(struct hvctl_iolimit *l);
/*
 * New limits (0: none) from @now on; the buckets start full, so that a
 * device in debt under the old limit is not held back by it.
 */
void hvctl_iolimit_set(struct hvctl_iolimit *l, uint64_t ops_per_s,
		       uint64_t bytes_per_s, uint64_t now);
void hvctl_iolimit_get(struct hvctl_iolimit *l, uint64_t *ops_per_s,
		       uint64_t *bytes_per_s);
/*
 * One operation of @bytes at time @now (ns): 0 when it may go (charged to
 * both buckets and counted), else how many ns to wait before asking again
 * (nothing charged).
 */
uint64_t hvctl_iolimit_take(struct hvctl_iolimit *l, uint64_t now,
			    uint64_t bytes);
/*
 * For an operation whose size is known only once it is done (a frame
 * read from a tap): hvctl_iolimit_check() says how many ns to wait before
 * it may start (0: now; nothing charged), hvctl_iolimit_charge() charges
 * and counts it afterwards, which may leave the buckets in debt: the next
 * check waits it out, so the rate over time stays exact.
 */
uint64_t hvctl_iolimit_check(struct hvctl_iolimit *l, uint64_t now);
void hvctl_iolimit_charge(struct hvctl_iolimit *l, uint64_t bytes);
/* CLOCK_MONOTONIC in ns: the clock of the devices' calls. */
uint64_t hvctl_iolimit_now(void);

#endif /* HVCTL_RATELIMIT_H */
