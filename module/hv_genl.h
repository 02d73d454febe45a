/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "hv" (hv_genl.c): the registry's control
 * plane. It listens to the registry for events; the registry does not
 * know it.
 */
#ifndef HV_GENL_H
#define HV_GENL_H

int hv_genl_register(void);
void hv_genl_unregister(void);

#endif /* HV_GENL_H */
