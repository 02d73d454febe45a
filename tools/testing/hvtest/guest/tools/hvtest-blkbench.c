// SPDX-License-Identifier: GPL-2.0
/*
 * hvtest-blkbench DEV [READS]: the block device figures of step
 * hvctl.linux-disk, run in a Linux guest of hv on a virtio-blk disk:
 * READS (default 4096) 4 KiB random reads (queue depth 1, O_DIRECT,
 * offsets from a fixed xorshift sequence over the whole device) and
 * sequential 1 MiB O_DIRECT reads of the whole
 * device. Prints one line per figure:
 *   blkbench rand4k N reads in T s: IOPS iops
 *   blkbench seq1m B bytes in T s: R MB/s
 * Each pass runs for a fixed amount of work, not a fixed time, and the
 * guest's own CLOCK_MONOTONIC measures it. A busybox dd loop would time
 * its own process starts instead of the device.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/fs.h>

#define RAND_READS	4096	/* the default */
#define SEQ_CHUNK	(1U << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t size, x = 0x9e3779b97f4a7c15ULL, off, done = 0;
	double t0, t;
	void *buf;
	ssize_t r;
	int fd, i, reads = argc > 2 ? atoi(argv[2]) : RAND_READS;

	if (argc < 2 || argc > 3 || reads <= 0) {
		fprintf(stderr, "usage: hvtest-blkbench DEV [READS]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	/* a block device, or a file (to try it on the host) */
	if (fd >= 0 && ioctl(fd, BLKGETSIZE64, &size))
		size = lseek(fd, 0, SEEK_END);
	if (fd < 0 || size == (uint64_t)-1 || size < SEQ_CHUNK) {
		perror(argv[1]);
		return 1;
	}
	if (posix_memalign(&buf, 4096, SEQ_CHUNK))
		return 1;
	t0 = now();
	for (i = 0; i < reads; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		off = (x % (size / 4096)) * 4096;
		if (pread(fd, buf, 4096, off) != 4096) {
			perror("random read");
			return 1;
		}
	}
	t = now() - t0;
	printf("blkbench rand4k %d reads in %.3f s: %.0f iops\n", reads, t,
	       reads / t);
	t0 = now();
	for (off = 0; off + SEQ_CHUNK <= size; off += r) {
		r = pread(fd, buf, SEQ_CHUNK, off);
		if (r <= 0) {
			perror("sequential read");
			return 1;
		}
		done += r;
	}
	t = now() - t0;
	printf("blkbench seq1m %llu bytes in %.3f s: %.1f MB/s\n",
	       (unsigned long long)done, t, done / t / 1e6);
	return 0;
}
