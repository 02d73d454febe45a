// SPDX-License-Identifier: GPL-2.0
/*
 * The hv generic-netlink control plane, through libnl-genl-3.
 */
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "hvctl.h"

int hvctl_genl_family(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int family;

	if (!sk)
		return -NLE_NOMEM;
	family = genl_connect(sk);
	if (!family)
		family = genl_ctrl_resolve(sk, HVCTL_GENL_NAME);
	nl_socket_free(sk);
	return family;
}
