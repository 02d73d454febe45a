// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl: manage hv virtual machines. This file holds the verb table and
 * the dispatch; each verb lives in its own cmd_*.c file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hvctl.h"

static int hvctl_cmd_help(int argc, char **argv);

/* The verbs, in the order --help lists them. */
static const struct hvctl_cmd hvctl_cmds[] = {
	{ "create", "NAME --vcpus N --memory SIZE {--image FILE [--load ADDR] [--entry ADDR] | --kernel FILE [--initrd FILE] [--cmdline STR] [--dtb FILE]} [--on-reboot=restart|stop] [--cpu-quota P%] [--mem-quota SIZE] [--disk FILE[,ro][,cache=none|writeback]]... [--net tap=IFNAME[,mac=MAC]]... [--disk-iops N] [--disk-bw SIZE/s] [--net-pps N] [--net-bw SIZE/s] [--display[=WIDTHxHEIGHT] [--vnc [ADDR:]PORT[,password-file=FILE]]] [--vsock[=CID]] [--console uart|hvc]",
	  "define a VM", hvctl_cmd_create },
	{ "start", "NAME", "run a defined VM in a background VMM", hvctl_cmd_start },
	{ "run", "NAME <create options>", "create, start and attach the console; the VM goes when it stops",
	  hvctl_cmd_run },
	{ "stop", "NAME [--force] [--timeout S]", "ask the guest to stop (then force after S seconds)",
	  hvctl_cmd_stop },
	{ "pause", "NAME", "stop running the VM's vCPUs", hvctl_cmd_pause },
	{ "resume", "NAME", "run a paused VM again", hvctl_cmd_resume },
	{ "nmi", "NAME", "press the VM's NMI button (x86 --kernel guests): a hung Linux prints where it is",
	  hvctl_cmd_nmi },
	{ "destroy", "NAME", "remove a stopped VM's definition", hvctl_cmd_destroy },
	{ "list", "[--json]", "list the VMs you may see", hvctl_cmd_list },
	{ "info", "NAME [--json]", "a VM's state, quotas and statistics", hvctl_cmd_info },
	{ "set", "NAME [--cpu-quota P%] [--mem-quota SIZE] [--disk-iops N] [--disk-bw SIZE/s] [--net-pps N] [--net-bw SIZE/s]", "change quotas, also of a running VM",
	  hvctl_cmd_set },
	{ "console", "NAME", "attach to a running VM's console (Ctrl-] leaves)", hvctl_cmd_console },
	{ "vsock", "NAME PORT", "join stdin/stdout to the guest's vsock port PORT (--vsock)",
	  hvctl_cmd_vsock },
	{ "events", "", "follow VM events (needs CAP_SYS_ADMIN)", hvctl_cmd_events },
	{ "screenshot", "NAME FILE.png", "save a running VM's display as a PNG",
	  hvctl_cmd_screenshot },
	{ "version", "", "print hvctl's and the hv module's API versions",
	  hvctl_cmd_version },
	{ "help", "", "show this help", hvctl_cmd_help },
};

#define HVCTL_NCMDS (sizeof(hvctl_cmds) / sizeof(hvctl_cmds[0]))

void hvctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("hvctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void hvctl_usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: hvctl <command> [arguments]\n\ncommands:\n");
	for (i = 0; i < HVCTL_NCMDS; i++) {
		const struct hvctl_cmd *c = &hvctl_cmds[i];

		fprintf(out, "  %-8s %s\n  %-8s   %s\n", c->name, c->args, "",
			c->summary);
	}
	fprintf(out, "\nhvctl %s; see hvctl(8).\n", HVCTL_VERSION);
}

static int hvctl_cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	hvctl_usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		hvctl_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return hvctl_cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return hvctl_cmd_version(argc - 1, argv + 1);

	for (i = 0; i < HVCTL_NCMDS; i++)
		if (!strcmp(argv[1], hvctl_cmds[i].name))
			return hvctl_cmds[i].run(argc - 1, argv + 1);

	hvctl_err("unknown command '%s' (try 'hvctl --help')", argv[1]);
	return 2;
}
