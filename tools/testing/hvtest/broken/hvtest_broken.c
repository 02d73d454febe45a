// SPDX-License-Identifier: GPL-2.0
/*
 * A deliberately broken module for the harness self-test: it loads fine but
 * leaves a WARNING in the kernel log. check.sh boots it and requires that
 * the harness flags the run as failed (kernel_log_clean), which proves the
 * log scanner works end to end inside a real guest.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init hvtest_broken_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit hvtest_broken_exit(void)
{
}

module_init(hvtest_broken_init);
module_exit(hvtest_broken_exit);

MODULE_DESCRIPTION("hv test harness self-test: warns on load");
MODULE_LICENSE("GPL");
