// SPDX-License-Identifier: GPL-2.0
/*
 * Access to /dev/hv, with errors a person can act on.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/hv.h>

#include "hvctl.h"

int hvctl_open_dev(void)
{
	int fd = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;

	switch (errno) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		hvctl_err("%s not found: the hv module is not loaded (insmod hv.ko)",
			  HV_DEVICE_PATH);
		break;
	case EACCES:
	case EPERM:
		hvctl_err("no permission to open %s: run as root or ask for access to it",
			  HV_DEVICE_PATH);
		break;
	default:
		hvctl_err("cannot open %s: %s", HV_DEVICE_PATH,
			  strerror(errno));
	}
	return -1;
}
