// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM is charged to the memory cgroup of the task that touches it
 * (__GFP_ACCOUNT): a VMM in a cgroup with memory.max cannot allocate more
 * guest RAM than the limit allows. Going over must end in a clean error
 * for the VMM (SIGBUS on its mapping), never in an OOM kill, which would
 * also report a call trace on the console (issue 11, item 13).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hv_util.h"

#define CG_ROOT		"/sys/fs/cgroup"
#define CG		CG_ROOT "/hv-memcg-test"
#define CG_LIMIT	(16 << 20)
#define GUEST_RAM	(128 << 20)

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -errno;
	err = fputs(text, f) < 0 ? -EIO : 0;
	if (fclose(f))
		err = -errno;
	return err;
}

/* A counter of memory.events or /proc/vmstat ("key value" lines), or -1. */
static long read_key(const char *path, const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long val = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ' ')
			val = atol(line + len + 1);
	fclose(f);
	return val;
}

static long read_long(const char *path)
{
	long val = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &val) != 1)
		val = -1;
	fclose(f);
	return val;
}

/* The child VMM: touch guest RAM a page at a time, counting in @done. */
static void touch_guest_ram(volatile long *done)
{
	char pid[32];
	int dev, vm;
	char *ram;
	long i;

	/*
	 * SIGBUS dumps core by default, and the dump allocates (creds) in
	 * a cgroup already at its limit: the memcg OOM killer then killed
	 * the child after hv's clean SIGBUS. Not dumpable: no dump.
	 */
	if (prctl(PR_SET_DUMPABLE, 0))
		_exit(9);
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (write_file(CG "/cgroup.procs", pid))
		_exit(10);
	dev = open(HV_DEVICE_PATH, O_RDWR);
	vm = dev < 0 ? -1 : hv_create_vm(dev);
	if (vm < 0 || hv_set_region(vm, 0, 0, GUEST_RAM, 0))
		_exit(11);
	ram = hv_map_ram(vm, 0, GUEST_RAM);
	if (!ram)
		_exit(12);
	for (i = 0; i < GUEST_RAM / 4096; i++) {
		ram[i * 4096] = 1;
		*done = i + 1;
	}
	_exit(0);
}

TEST(memcg_limit_bounds_guest_ram)
{
	volatile long *done;
	long ooms_before, ooms_after, cg_ooms, peak;
	char limit[32];
	pid_t pid;
	int st;

	if (access(CG_ROOT "/cgroup.controllers", F_OK)) {
		mkdir(CG_ROOT, 0755);
		ASSERT_EQ(0, mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL))
			TH_LOG("mount cgroup2: %s", strerror(errno));
	}
	ASSERT_EQ(0, write_file(CG_ROOT "/cgroup.subtree_control", "+memory"));
	rmdir(CG);
	ASSERT_EQ(0, mkdir(CG, 0755));
	snprintf(limit, sizeof(limit), "%d\n", CG_LIMIT);
	ASSERT_EQ(0, write_file(CG "/memory.max", limit));
	done = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, done);
	ooms_before = read_key("/proc/vmstat", "oom_kill");

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		touch_guest_ram(done);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));

	ooms_after = read_key("/proc/vmstat", "oom_kill");
	cg_ooms = read_key(CG "/memory.events", "oom_kill");
	peak = read_long(CG "/memory.peak");
	TH_LOG("touched %ld pages of %d; status %#x; peak %ld; oom kills %ld (cgroup %ld)",
	       *done, GUEST_RAM / 4096, st, peak, ooms_after - ooms_before,
	       cg_ooms);
	/* the VMM was stopped by the limit, with SIGBUS, not killed */
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
	EXPECT_LT(*done, CG_LIMIT / 4096);
	EXPECT_EQ(0, ooms_after - ooms_before);
	/* forced charges (an exiting task) may pass the limit by a little */
	if (peak >= 0)
		EXPECT_LT(peak, CG_LIMIT + (1 << 20));
	munmap((void *)done, 4096);
	EXPECT_EQ(0, rmdir(CG));
}

TEST_HARNESS_MAIN
