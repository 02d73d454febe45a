/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hv: the ABI between the hv kernel module and user space.
 *
 * This header is the only contract between hv.ko and the programs that use
 * it (hvctl, VMMs, the selftests). Every structure has a fixed size checked
 * at compile time, explicit padding, and reserved fields that must be zero.
 * Documentation/api.rst describes each ioctl.
 */
#ifndef _UAPI_LINUX_HV_H
#define _UAPI_LINUX_HV_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * The API version. It changes only when an existing ioctl changes meaning;
 * additions are discovered with capabilities, not by a new version.
 */
#define HV_API_VERSION		1

/* Path of the device node the module registers (a misc device). */
#define HV_DEVICE_PATH		"/dev/hv"

/*
 * ioctl magic. 0xB9 is unassigned in the kernel's
 * Documentation/userspace-api/ioctl/ioctl-number.rst (6.12).
 */
#define HVIO			0xB9

/* ioctls on /dev/hv */

/*
 * HV_GET_API_VERSION - returns HV_API_VERSION as the ioctl's return value.
 * Takes no argument; the argument is ignored.
 */
#define HV_GET_API_VERSION	_IO(HVIO, 0x00)

#endif /* _UAPI_LINUX_HV_H */
