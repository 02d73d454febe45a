/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the hv selftests.
 *
 * __hv_ioctl() returns -errno so a test can check a rejection;
 * hv_ioctl() asserts success and returns the ioctl's value.
 */
#ifndef HV_SELFTEST_H
#define HV_SELFTEST_H

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/hv.h>

#include "kselftest_harness.h"

/*
 * The harness's default of 30 s per test is a timing assumption: the
 * tests run in emulators (QEMU's TCG follows the host's real time), on a
 * machine where another emulator or a build is normal, and on the KASAN
 * kernel of make check-debug, where a loaded machine once took more than
 * 30 s for hv_arm64_stop_race_test's 300 rounds. The limit is only there
 * to end a hang, so it gets a margin of ten; tests that need more say so
 * with TEST_F_TIMEOUT. (The macros expand in the tests, after this.)
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300

static inline int __hv_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

#define hv_ioctl(fd, cmd, arg) ({					\
	int __ret = __hv_ioctl(fd, cmd, arg);				\
	ASSERT_LE(0, __ret) TH_LOG(#cmd " failed: %s", strerror(-__ret)); \
	__ret;								\
})

/*
 * Opens /dev/hv or fails the test: these tests exist to test hv, so a
 * missing module is a failure, not a reason to skip.
 */
#define hv_open_dev() ({						\
	int __fd = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);		\
	ASSERT_LE(0, __fd) TH_LOG("cannot open %s: %s (is hv.ko loaded?)", \
				  HV_DEVICE_PATH, strerror(errno));	\
	__fd;								\
})

#endif /* HV_SELFTEST_H */
