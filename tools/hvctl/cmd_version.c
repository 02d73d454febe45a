// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl version: which hvctl, which hv module, do they speak the same ABI.
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/hv.h>
#include <netlink/errno.h>

#include "hvctl.h"

int hvctl_cmd_version(int argc, char **argv)
{
	int fd, api, family;

	(void)argv;
	if (argc > 1) {
		hvctl_err("version takes no arguments");
		return 2;
	}

	printf("hvctl %s, built for hv API %d\n", HVCTL_VERSION,
	       HV_API_VERSION);
	fflush(stdout);

	fd = hvctl_open_dev();
	if (fd < 0)
		return 1;
	api = ioctl(fd, HV_GET_API_VERSION, 0);
	close(fd);
	if (api < 0) {
		hvctl_err("HV_GET_API_VERSION failed: %s", strerror(errno));
		return 1;
	}
	printf("hv module API %d\n", api);
	family = hvctl_genl_family();
	if (family < 0)
		printf("hv control plane: not available (%s)\n",
		       nl_geterror(family));
	else
		printf("hv control plane: generic netlink family %d\n",
		       family);
	if (api != HV_API_VERSION) {
		hvctl_err("hvctl speaks API %d but the module speaks API %d: use a matching hvctl",
			  HV_API_VERSION, api);
		return 1;
	}
	return 0;
}
