/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HV_DEV_H
#define HV_DEV_H

/**
 * hv_dev_register() - create /dev/hv.
 *
 * Return: 0 or -errno from misc_register().
 */
int hv_dev_register(void);

/**
 * hv_dev_unregister() - remove /dev/hv. Open files keep the module pinned
 * through the file operations' owner, so none can be open here.
 */
void hv_dev_unregister(void);

#endif /* HV_DEV_H */
