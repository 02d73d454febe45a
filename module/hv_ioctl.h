/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table-driven ioctl dispatch, shared by /dev/hv, VM and vCPU files. The
 * dispatcher validates the command number, copies the argument in and out,
 * and calls the handler; handlers never see a user pointer for arguments
 * up to HV_IOCTL_MAX_ARG bytes.
 */
#ifndef HV_IOCTL_H
#define HV_IOCTL_H

#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/string.h>

/* Largest argument the dispatcher copies onto its stack. */
#define HV_IOCTL_MAX_ARG	512

/* Handler's return value is a result for user space (a version, an fd). */
#define HV_IOCTL_RET_VALUE	BIT(0)

/**
 * typedef hv_ioctl_fn - an ioctl handler.
 * @filp: the file the ioctl was issued on.
 * @arg: kernel copy of the argument, _IOC_SIZE(cmd) bytes; zeroed when the
 *	 command does not carry data in. Copied back to user space when the
 *	 handler succeeds and the command carries data out.
 *
 * Return: 0 on success (or a non-negative value when the entry has
 * HV_IOCTL_RET_VALUE), -errno on failure.
 */
typedef long (*hv_ioctl_fn)(struct file *filp, void *arg);

struct hv_ioctl_desc {
	unsigned int cmd;
	unsigned int flags;
	hv_ioctl_fn fn;
};

/*
 * HV_IOCTL() - one table entry. Tables are short and scanned in order, so
 * put the hot commands (HV_RUN) first.
 */
#define HV_IOCTL(_cmd, _fn, _flags) \
	{ .cmd = (_cmd), .flags = (_flags), .fn = (_fn) }

const struct hv_ioctl_desc *hv_ioctl_find(const struct hv_ioctl_desc *table,
					  size_t entries, unsigned int cmd);
long hv_ioctl_call(const struct hv_ioctl_desc *desc, struct file *filp,
		   unsigned int cmd, unsigned long uarg);

/* All-zero check for reserved fields: true when @ptr's @size bytes are 0. */
static inline bool hv_is_zero(const void *ptr, size_t size)
{
	return !memchr_inv(ptr, 0, size);
}

#endif /* HV_IOCTL_H */
