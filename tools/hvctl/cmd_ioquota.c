// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O quota options of `hvctl create` and `hvctl set` (--disk-iops N,
 * --disk-bw SIZE/s, --net-pps N, --net-bw SIZE/s: per device, 0 for none)
 * and what `hvctl info` shows of them: the registry's quotas and the
 * devices' statistics that the VMM writes to NAME.io (vmm/ioquota.c),
 * the virtio-vsock device's among them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include <linux/hv_genl.h>

#include "hvctl.h"

static const struct {
	const char *opt;
	int attr;
	int is_bw;
	uint64_t max;
} hvctl_io_opts[HVCTL_IO_NR_QUOTAS] = {
	[HVCTL_IO_DISK_IOPS] = { "--disk-iops", HV_A_VM_DISK_IOPS, 0, HV_IO_OPS_MAX },
	[HVCTL_IO_DISK_BW] = { "--disk-bw", HV_A_VM_DISK_BW, 1, HV_IO_BW_MAX },
	[HVCTL_IO_NET_PPS] = { "--net-pps", HV_A_VM_NET_PPS, 0, HV_IO_OPS_MAX },
	[HVCTL_IO_NET_BW] = { "--net-bw", HV_A_VM_NET_BW, 1, HV_IO_BW_MAX },
};

int hvctl_io_option(unsigned int which, const char *arg, uint64_t *io,
		    unsigned int *mask)
{
	char buf[64];
	size_t n = strlen(arg);
	uint64_t v;

	if (which >= HVCTL_IO_NR_QUOTAS)
		return -1;
	if (hvctl_io_opts[which].is_bw) {
		/* SIZE or SIZE/s */
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, arg, n);
		buf[n] = 0;
		if (n > 2 && !strcmp(buf + n - 2, "/s"))
			buf[n - 2] = 0;
		if (hvctl_parse_size(buf, hvctl_io_opts[which].opt + 2, &v))
			return -1;
	} else if (hvctl_parse_u64(arg, hvctl_io_opts[which].opt + 2, &v)) {
		return -1;
	}
	if (v > hvctl_io_opts[which].max) {
		hvctl_err("bad %s '%s': at most %llu%s per device (0: no limit)",
			  hvctl_io_opts[which].opt, arg,
			  (unsigned long long)hvctl_io_opts[which].max,
			  hvctl_io_opts[which].is_bw ? " bytes/s" : "/s");
		return -1;
	}
	io[which] = v;
	*mask |= 1U << which;
	return 0;
}

void hvctl_io_put(struct nl_msg *msg, const uint64_t *io, unsigned int mask)
{
	unsigned int i;

	for (i = 0; msg && i < HVCTL_IO_NR_QUOTAS; i++) {
		if (!(mask & (1U << i)))
			continue;
		if (hvctl_io_opts[i].is_bw)
			nla_put_u64(msg, hvctl_io_opts[i].attr, io[i]);
		else
			nla_put_u32(msg, hvctl_io_opts[i].attr, io[i]);
	}
}

/* "none", "200/s" or "2M/s" */
static void hvctl_io_fmt(unsigned int which, uint64_t v, char *buf, int len)
{
	char size[24];

	if (!v) {
		snprintf(buf, len, "none");
	} else if (hvctl_io_opts[which].is_bw) {
		hvctl_fmt_size(v, size, sizeof(size));
		snprintf(buf, len, "%s/s", size);
	} else {
		snprintf(buf, len, "%llu/s", (unsigned long long)v);
	}
}

/* One line of NAME.io into its parts; 0 when it is one. */
static int hvctl_io_line(char *line, char *kind, unsigned int *index,
			 unsigned long long *v, char **name)
{
	int n = 0;

	if (sscanf(line, "%7s %u ops=%llu bytes=%llu waits=%llu ops_limit=%llu bytes_limit=%llu name=%n",
		   kind, index, &v[0], &v[1], &v[2], &v[3], &v[4], &n) != 7 || !n)
		return -1;
	*name = line + n;
	(*name)[strcspn(*name, "\n")] = 0;
	return 0;
}

/*
 * The vsock line of NAME.io: cid, connections open and made, bytes to
 * the host and to the guest, RSTs sent and received, credit stalls.
 */
#define HVCTL_VSOCK_NR_STATS	8
static int hvctl_io_vsock_line(const char *line, unsigned long long *v)
{
	return sscanf(line, "vsock 0 cid=%llu open=%llu conns=%llu to_host=%llu to_guest=%llu rst_sent=%llu rst_recv=%llu credit_stalls=%llu",
		      &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
		      &v[7]) == HVCTL_VSOCK_NR_STATS ? 0 : -1;
}

static void hvctl_io_vsock_info(const unsigned long long *v, int json)
{
	if (json)
		printf(", \"vsock\": {\"cid\": %llu, \"open\": %llu, \"connections\": %llu, \"bytes_to_host\": %llu, \"bytes_to_guest\": %llu, \"rst_sent\": %llu, \"rst_received\": %llu, \"credit_stalls\": %llu}",
		       v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
	else
		printf("vsock:         CID %llu: %llu connections open, %llu in all; %llu bytes to the host, %llu to the guest; %llu RSTs sent, %llu received; %llu credit stalls\n",
		       v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
}

void hvctl_io_info(const char *name, const struct hvctl_vminfo *vi, int json)
{
	char path[PATH_MAX], line[PATH_MAX + 256], kind[8], q[4][32], *dev;
	unsigned long long v[5], vs[HVCTL_VSOCK_NR_STATS];
	unsigned int i, index, n = 0;
	int has_vsock = 0;
	FILE *f;

	for (i = 0; i < HVCTL_IO_NR_QUOTAS; i++)
		hvctl_io_fmt(i, vi->io_quota[i], q[i], sizeof(q[i]));
	if (json)
		printf(", \"disk_iops\": %llu, \"disk_bw\": %llu, \"net_pps\": %llu, \"net_bw\": %llu, \"io\": [",
		       (unsigned long long)vi->io_quota[HVCTL_IO_DISK_IOPS],
		       (unsigned long long)vi->io_quota[HVCTL_IO_DISK_BW],
		       (unsigned long long)vi->io_quota[HVCTL_IO_NET_PPS],
		       (unsigned long long)vi->io_quota[HVCTL_IO_NET_BW]);
	else
		printf("I/O quotas:    disk %s, %s; net %s, %s (each device)\n",
		       q[HVCTL_IO_DISK_IOPS], q[HVCTL_IO_DISK_BW],
		       q[HVCTL_IO_NET_PPS], q[HVCTL_IO_NET_BW]);
	hvctl_state_path(name, "io", path, sizeof(path));
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!hvctl_io_vsock_line(line, vs)) {
			has_vsock = 1;
			continue;
		}
		if (hvctl_io_line(line, kind, &index, v, &dev))
			continue;
		if (json)
			printf("%s{\"kind\": \"%s\", \"index\": %u, \"ops\": %llu, \"bytes\": %llu, \"waits\": %llu, \"path\": \"%s\"}",
			       n++ ? ", " : "", kind, index, v[0], v[1], v[2],
			       dev);
		else
			printf("  %s %u %s: %llu ops, %llu bytes, %llu waits\n",
			       kind, index, dev, v[0], v[1], v[2]);
	}
	if (f)
		fclose(f);
	if (json)
		printf("]");
	if (has_vsock)
		hvctl_io_vsock_info(vs, json);
}
