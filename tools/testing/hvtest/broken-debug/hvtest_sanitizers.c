// SPDX-License-Identifier: GPL-2.0
/*
 * A deliberately broken module for the self-test of the *-debug targets:
 * on load it commits, once each, the bugs the debug kernel exists to catch
 * and a stock kernel lets pass silently. check-debug.sh boots it on
 * arm64-el2-debug and requires every report in the failed results, which
 * proves that the kernel's checkers are on and that the harness fails a run
 * on each of them.
 *
 * Order matters: lockdep stops checking after its first report and after a
 * taint that makes it unreliable (a KASAN report taints with BAD_PAGE), so
 * the lock-order inversion comes first and the use-after-free last.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static DEFINE_MUTEX(hvtest_lock_a);
static DEFINE_MUTEX(hvtest_lock_b);
static DEFINE_SPINLOCK(hvtest_spin);

/* A then B, later B then A: no deadlock (one thread), but lockdep sees
 * the cycle in the dependency graph.
 */
static void hvtest_lock_inversion(void)
{
	mutex_lock(&hvtest_lock_a);
	mutex_lock(&hvtest_lock_b);
	mutex_unlock(&hvtest_lock_b);
	mutex_unlock(&hvtest_lock_a);

	mutex_lock(&hvtest_lock_b);
	mutex_lock(&hvtest_lock_a);
	mutex_unlock(&hvtest_lock_a);
	mutex_unlock(&hvtest_lock_b);
}

/* GFP_KERNEL may sleep: might_alloc() reports it under a spinlock even
 * when this allocation happens not to sleep (msleep() would only give
 * "scheduling while atomic", and only when it really schedules).
 */
static void hvtest_sleep_in_atomic(void)
{
	void *p;

	spin_lock(&hvtest_spin);
	p = kmalloc(32, GFP_KERNEL);
	spin_unlock(&hvtest_spin);
	kfree(p);
}

/*
 * The only pointers to them are dropped: kmemleak reports them. Several,
 * because a stale copy of a pointer left on a stack that kmemleak scans
 * hides that object (one object alone went unreported in a trial run).
 */
static noinline void hvtest_leak(void)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 *p = kmalloc(96, GFP_KERNEL);

		if (p)
			memset(p, 0x5a, 96);
	}
}

static noinline void hvtest_use_after_free(void)
{
	u8 *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	/* Keep the compiler from proving the read dead or undefined. */
	OPTIMIZER_HIDE_VAR(p);
	pr_info("hvtest_sanitizers: read after free: %u\n", READ_ONCE(p[8]));
}

static int __init hvtest_sanitizers_init(void)
{
	hvtest_lock_inversion();
	hvtest_sleep_in_atomic();
	hvtest_leak();
	hvtest_use_after_free();
	return 0;
}

static void __exit hvtest_sanitizers_exit(void)
{
}

module_init(hvtest_sanitizers_init);
module_exit(hvtest_sanitizers_exit);

MODULE_DESCRIPTION("hv test harness self-test: bugs for the debug kernel");
MODULE_LICENSE("GPL");
