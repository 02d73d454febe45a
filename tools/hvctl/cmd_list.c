// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl list, info, events: reading the registry.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include <linux/hv_genl.h>

#include "hvctl.h"

static int hvctl_json_opt(int argc, char **argv, int *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*json = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return -1;
		*json = 1;
	}
	return 0;
}

struct hvctl_list {
	int json, n;
};

static void hvctl_list_cb(struct nlattr **tb, void *arg)
{
	struct hvctl_list *l = arg;
	struct hvctl_vminfo vi = { 0 };
	char mem[32], quota[32];

	hvctl_nl_parse_vm(tb, &vi);
	hvctl_fmt_size(vi.mem_size, mem, sizeof(mem));
	if (l->json) {
		printf("%s\n  {\"name\": \"%s\", \"id\": %u, \"state\": \"%s\", \"vcpus\": %u, \"memory\": %llu, \"mem_quota\": %llu, \"cpu_quota\": %u, \"owner\": %u, \"vmm_pid\": %u, \"anonymous\": %s}",
		       l->n ? "," : "", vi.name, vi.id,
		       hvctl_state_name(vi.state), vi.vcpus,
		       (unsigned long long)vi.mem_size,
		       (unsigned long long)vi.mem_quota, vi.cpu_quota,
		       vi.owner, vi.vmm_pid, vi.anonymous ? "true" : "false");
	} else {
		if (vi.mem_quota)
			hvctl_fmt_size(vi.mem_quota, quota, sizeof(quota));
		else
			strcpy(quota, "-");
		printf("%-32s %-8s %5u %8s %9s %6u%% %6u\n", vi.name,
		       hvctl_state_name(vi.state), vi.vcpus,
		       vi.anonymous ? "-" : mem, quota, vi.cpu_quota, vi.owner);
	}
	l->n++;
}

int hvctl_cmd_list(int argc, char **argv)
{
	struct hvctl_list l = { 0 };
	struct hvctl_nl nl;
	int err;

	if (hvctl_json_opt(argc, argv, &l.json))
		return 2;
	if (optind != argc) {
		hvctl_err("list takes no VM name");
		return 2;
	}
	if (hvctl_nl_open(&nl))
		return 1;
	if (l.json)
		printf("[");
	else
		printf("%-32s %-8s %5s %8s %9s %7s %6s\n", "NAME", "STATE",
		       "VCPUS", "MEMORY", "MEM-QUOTA", "CPU-Q", "OWNER");
	err = hvctl_nl_call(&nl, hvctl_nl_msg(&nl, HV_CMD_VM_GET, NLM_F_DUMP,
					      NULL), hvctl_list_cb, &l);
	hvctl_nl_close(&nl);
	if (l.json)
		printf("\n]\n");
	if (err) {
		hvctl_nl_perror("list", "", err);
		return 1;
	}
	return 0;
}

static const char *const hvctl_exit_names[] = {
	"unknown", "io", "mmio", "hypercall", "hlt", "shutdown",
	"fail_entry", "internal_error", "intr", "irq_window",
	"system_event", "mem_quota",
};

int hvctl_cmd_info(int argc, char **argv)
{
	struct hvctl_vminfo vi;
	struct hvctl_nl nl;
	const char *name;
	int json, err, i, n = 0;

	if (hvctl_json_opt(argc, argv, &json))
		return 2;
	if (optind != argc - 1) {
		hvctl_err("info needs one VM name");
		return 2;
	}
	name = argv[optind];
	if (hvctl_nl_open(&nl))
		return 1;
	err = hvctl_vm_get(&nl, name, &vi);
	hvctl_nl_close(&nl);
	if (err) {
		hvctl_nl_perror("info", name, err);
		return 1;
	}
	if (json) {
		printf("{\"name\": \"%s\", \"id\": %u, \"state\": \"%s\", \"stop_reason\": \"%s\", \"owner\": %u, \"vmm_pid\": %u, \"vcpus\": %u, \"memory\": %llu, \"mem_quota\": %llu, \"cpu_quota\": %u, \"anonymous\": %s, \"mem_touched\": %llu, \"cpu_time_ns\": %llu, \"throttled_time_ns\": %llu, \"guest_exits\": %llu, \"exits\": {",
		       vi.name, vi.id, hvctl_state_name(vi.state),
		       hvctl_reason_name(vi.stop_reason), vi.owner, vi.vmm_pid,
		       vi.vcpus, (unsigned long long)vi.mem_size,
		       (unsigned long long)vi.mem_quota, vi.cpu_quota,
		       vi.anonymous ? "true" : "false",
		       (unsigned long long)vi.mem_touched,
		       (unsigned long long)vi.cpu_time,
		       (unsigned long long)vi.throttled_time,
		       (unsigned long long)vi.guest_exits);
		for (i = 0; i < 12; i++)
			if (vi.exits[i])
				printf("%s\"%s\": %llu", n++ ? ", " : "",
				       hvctl_exit_names[i],
				       (unsigned long long)vi.exits[i]);
		printf("}");
		hvctl_io_info(name, &vi, 1);
		printf("}\n");
		return 0;
	}
	printf("name:          %s\n", vi.name);
	printf("id:            %u\n", vi.id);
	printf("state:         %s\n", hvctl_state_name(vi.state));
	if (vi.state == HV_VM_STATE_STOPPED)
		printf("stop reason:   %s\n", hvctl_reason_name(vi.stop_reason));
	printf("owner:         %u\n", vi.owner);
	if (vi.vmm_pid)
		printf("VMM pid:       %u\n", vi.vmm_pid);
	printf("vCPUs:         %u\n", vi.vcpus);
	printf("memory:        %llu bytes\n", (unsigned long long)vi.mem_size);
	printf("memory quota:  %llu bytes%s\n", (unsigned long long)vi.mem_quota,
	       vi.mem_quota ? "" : " (none)");
	printf("CPU quota:     %u%%%s\n", vi.cpu_quota,
	       vi.cpu_quota ? "" : " (none)");
	printf("memory touched: %llu bytes\n",
	       (unsigned long long)vi.mem_touched);
	printf("CPU time:      %.3f s\n", vi.cpu_time / 1e9);
	printf("throttled:     %.3f s\n", vi.throttled_time / 1e9);
	printf("guest exits:   %llu\n", (unsigned long long)vi.guest_exits);
	for (i = 0; i < 12; i++)
		if (vi.exits[i])
			printf("  exits %-14s %llu\n", hvctl_exit_names[i],
			       (unsigned long long)vi.exits[i]);
	hvctl_io_info(name, &vi, 0);
	return 0;
}

static const char *const hvctl_event_names[] = {
	[HV_EVENT_TYPE_CREATED] = "created",
	[HV_EVENT_TYPE_STARTED] = "started",
	[HV_EVENT_TYPE_PAUSED] = "paused",
	[HV_EVENT_TYPE_RESUMED] = "resumed",
	[HV_EVENT_TYPE_STOPPED] = "stopped",
	[HV_EVENT_TYPE_DESTROYED] = "destroyed",
	[HV_EVENT_TYPE_QUOTA_HIT] = "quota-hit",
	[HV_EVENT_TYPE_STOP_REQUESTED] = "stop-requested",
	[HV_EVENT_TYPE_QUOTA_SET] = "quota-set",
};

static int hvctl_event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[HV_A_VM_MAX + 1];
	uint32_t ev, quota;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, HV_A_VM_MAX, NULL) ||
	    !tb[HV_A_VM_EVENT] || !tb[HV_A_VM_NAME])
		return NL_SKIP;
	ev = nla_get_u32(tb[HV_A_VM_EVENT]);
	printf("%s %s", ev <= HV_EVENT_TYPE_QUOTA_SET ?
	       hvctl_event_names[ev] : "unknown",
	       nla_get_string(tb[HV_A_VM_NAME]));
	if (ev == HV_EVENT_TYPE_STOPPED && tb[HV_A_VM_STOP_REASON])
		printf(" (%s)", hvctl_reason_name(nla_get_u32(tb[HV_A_VM_STOP_REASON])));
	if (ev == HV_EVENT_TYPE_QUOTA_HIT && tb[HV_A_VM_QUOTA]) {
		quota = nla_get_u32(tb[HV_A_VM_QUOTA]);
		printf(" (%s)", quota == HV_QUOTA_MEMORY ? "memory" : "cpu");
	}
	printf("\n");
	fflush(stdout);
	return NL_OK;
}

int hvctl_cmd_events(int argc, char **argv)
{
	struct hvctl_nl nl;
	int err;

	(void)argv;
	if (argc > 1) {
		hvctl_err("events takes no arguments");
		return 2;
	}
	if (hvctl_nl_open(&nl))
		return 1;
	if (nl.events_grp < 0) {
		hvctl_err("the hv module has no events group");
		return 1;
	}
	nl_socket_disable_seq_check(nl.sk);
	nl_socket_modify_cb(nl.sk, NL_CB_VALID, NL_CB_CUSTOM, hvctl_event_cb,
			    NULL);
	err = nl_socket_add_membership(nl.sk, nl.events_grp);
	if (err) {
		hvctl_err(err == -NLE_PERM ?
			  "events: permission denied (following events needs CAP_SYS_ADMIN)" :
			  "events: cannot join the events group");
		hvctl_nl_close(&nl);
		return 1;
	}
	for (;;) {
		err = nl_recvmsgs_default(nl.sk);
		if (err < 0 && err != -NLE_INTR) {
			hvctl_err("events: %s", nl_geterror(err));
			break;
		}
	}
	hvctl_nl_close(&nl);
	return 1;
}
