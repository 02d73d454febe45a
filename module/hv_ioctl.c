// SPDX-License-Identifier: GPL-2.0
/*
 * The one ioctl dispatcher: every hv ioctl goes through here.
 */
#include <linux/bug.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hv_ioctl.h"

/**
 * hv_ioctl_dispatch() - look up @cmd in @table and run its handler.
 * @table: the handlers of one kind of file.
 * @entries: number of entries in @table.
 * @filp: the file the ioctl was issued on.
 * @cmd: the ioctl command from user space.
 * @uarg: the ioctl argument from user space.
 *
 * A command matches only when type, number, direction and size all equal
 * a table entry's: anything else, including an old or foreign binary's
 * command with the right number, is unknown.
 *
 * Return: -ENOTTY for an unknown command, -EFAULT when the argument cannot
 * be copied, otherwise what the handler returns.
 */
long hv_ioctl_dispatch(const struct hv_ioctl_desc *table, size_t entries,
		       struct file *filp, unsigned int cmd, unsigned long uarg)
{
	u64 buf[HV_IOCTL_MAX_ARG / sizeof(u64)];
	void __user *argp = (void __user *)uarg;
	const struct hv_ioctl_desc *desc = NULL;
	unsigned int size = _IOC_SIZE(cmd);
	size_t i;
	long ret;

	for (i = 0; i < entries; i++) {
		if (table[i].cmd == cmd) {
			desc = &table[i];
			break;
		}
	}
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
	if (ret < 0)
		return ret;
	WARN_ON_ONCE(ret > 0 && !(desc->flags & HV_IOCTL_RET_VALUE));

	if ((_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(argp, buf, size))
		return -EFAULT;
	return ret;
}
