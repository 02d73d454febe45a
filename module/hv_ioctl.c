// SPDX-License-Identifier: GPL-2.0
/*
 * The one ioctl dispatcher: every hv ioctl goes through here.
 */
#include <linux/bug.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hv_ioctl.h"

/**
 * hv_ioctl_find() - look @cmd up in @table.
 * @table: the handlers of one kind of file.
 * @entries: number of entries in @table.
 * @cmd: the ioctl command from user space.
 *
 * A command matches only when type, number, direction and size all equal
 * a table entry's: anything else, including an old or foreign binary's
 * command with the right number, is unknown.
 *
 * Return: the entry, or NULL.
 */
const struct hv_ioctl_desc *hv_ioctl_find(const struct hv_ioctl_desc *table,
					  size_t entries, unsigned int cmd)
{
	size_t i;

	for (i = 0; i < entries; i++)
		if (table[i].cmd == cmd)
			return &table[i];
	return NULL;
}

/**
 * hv_ioctl_call() - copy the argument in, run the handler, copy it out.
 * @desc: the entry from hv_ioctl_find(), or NULL.
 * @filp: the file the ioctl was issued on.
 * @cmd: the ioctl command.
 * @uarg: the ioctl argument from user space.
 *
 * Return: -ENOTTY when @desc is NULL, -EFAULT when the argument cannot be
 * copied, otherwise what the handler returns.
 */
long hv_ioctl_call(const struct hv_ioctl_desc *desc, struct file *filp,
		   unsigned int cmd, unsigned long uarg)
{
	/*
	 * Not zeroed first (CONFIG_INIT_STACK_ALL_ZERO would, 512 bytes per
	 * call on the IRQ-line hot path): only its first @size bytes are
	 * ever read or copied out, and those are the caller's argument or
	 * zeroes below before the handler runs.
	 */
	u64 buf[HV_IOCTL_MAX_ARG / sizeof(u64)] __uninitialized;
	void __user *argp = (void __user *)uarg;
	unsigned int size = _IOC_SIZE(cmd);
	long ret;

	if (!desc)
		return -ENOTTY;
	/* A table entry whose argument outgrew the buffer is a bug of ours. */
	if (WARN_ON_ONCE(size > sizeof(buf)))
		return -ENOTTY;

	if (_IOC_DIR(cmd) & _IOC_WRITE) {
		if (copy_from_user(buf, argp, size))
			return -EFAULT;
	} else {
		memset(buf, 0, size);
	}

	ret = desc->fn(filp, buf);
	/* E2BIG still tells the caller, in the argument, the size it needs. */
	if (ret == -E2BIG && (_IOC_DIR(cmd) & _IOC_READ) &&
	    copy_to_user(argp, buf, size))
		return -EFAULT;
	if (ret < 0)
		return ret;
	WARN_ON_ONCE(ret > 0 && !(desc->flags & HV_IOCTL_RET_VALUE));

	if ((_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(argp, buf, size))
		return -EFAULT;
	return ret;
}
