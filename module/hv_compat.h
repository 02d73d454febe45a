/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel APIs that differ between the kernels hv builds against
 * (Debian's 6.1 and 6.12). Everything version-dependent lives here; Kbuild
 * detects each API in the kernel's headers and defines HV_HAVE_*.
 */
#ifndef HV_COMPAT_H
#define HV_COMPAT_H

#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/sched/task.h>

/* vm_flags became read-only behind vm_flags_set() in 6.3. */
static inline void hv_vm_flags_set(struct vm_area_struct *vma,
				   unsigned long flags)
{
#ifdef HV_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/* eventfd_signal() lost its count argument (always 1) in 6.8. */
static inline void hv_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef HV_HAVE_EVENTFD_SIGNAL_NOCOUNT
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* A reference unless the last one is gone: tryget_task_struct() (6.11). */
static inline struct task_struct *hv_tryget_task(struct task_struct *t)
{
#ifdef HV_HAVE_TRYGET_TASK_STRUCT
	return tryget_task_struct(t);
#else
	return refcount_inc_not_zero(&t->usage) ? t : NULL;
#endif
}

#endif /* HV_COMPAT_H */
