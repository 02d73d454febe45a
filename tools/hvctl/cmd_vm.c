// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl create, destroy, set, pause, resume, nmi, stop: definitions and their
 * state, over the hv netlink family.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netlink/genl/genl.h>
#include <linux/hv_genl.h>

#include "hvctl.h"
#include "vmm/display/display.h"
#include "vmm/virtio/net.h"
#include "vmm/virtio/virtio.h"

/*
 * @path made absolute (the VMM may run from another directory) in @buf;
 * the file need not exist yet. -1 (printed) if it does not fit.
 */
static int hvctl_abs_path(const char *path, char *buf, size_t len)
{
	char cwd[PATH_MAX];
	size_t n = 0;

	if (path[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			goto too_long;
		n = strlen(cwd);
		if (n + 1 >= len)
			goto too_long;
		memcpy(buf, cwd, n);
		buf[n++] = '/';
	}
	if (n + strlen(path) < len) {
		memcpy(buf + n, path, strlen(path) + 1);
		return 0;
	}
too_long:
	hvctl_err("path too long: %s", path);
	return -1;
}

/* The one NAME argument of a verb, after getopt; NULL (printed) if not. */
static const char *hvctl_one_name(int argc, char **argv, const char *verb)
{
	if (optind != argc - 1) {
		hvctl_err("%s needs one VM name (try 'hvctl --help')", verb);
		return NULL;
	}
	return argv[optind];
}

/*
 * --display[=WIDTHxHEIGHT], or --display WIDTHxHEIGHT: the size may be the
 * next word when it looks like one (digits, 'x', digits), else the default.
 */
static int hvctl_create_display(struct hvctl_def *def, int argc, char **argv)
{
	const char *arg = optarg;
	char err[256];
	size_t n;

	if (!arg && optind < argc) {
		n = strspn(argv[optind], "0123456789");
		if (n && (argv[optind][n] == 'x' || argv[optind][n] == 'X') &&
		    argv[optind][n + 1] &&
		    !argv[optind][n + 1 + strspn(argv[optind] + n + 1,
						 "0123456789")])
			arg = argv[optind++];
	}
	if (hvctl_display_parse(arg ? arg : "", &def->display_width,
				&def->display_height, err, sizeof(err))) {
		hvctl_err("%s", err);
		return -1;
	}
	return 0;
}

/*
 * --vnc [ADDR:]PORT[,password-file=FILE], with a VNC build of hvctl
 * (make VNC=1 STATIC=0)
 */
static int hvctl_create_vnc(struct hvctl_def *def, const char *arg)
{
	char err[256];

#ifndef HVCTL_VNC
	(void)def;
	(void)arg;
	(void)err;
	hvctl_err("--vnc: this hvctl is built without VNC (make VNC=1 STATIC=0)");
	return -1;
#else
	if (hvctl_vnc_parse_opts(arg, def->vnc, sizeof(def->vnc),
				 def->vnc_password_file,
				 sizeof(def->vnc_password_file), err,
				 sizeof(err))) {
		hvctl_err("%s", err);
		return -1;
	}
	return 0;
#endif
}

/* --disk: one more virtio-blk device, each image once. */
static int hvctl_create_disk(struct hvctl_def *def, const char *arg)
{
	struct hvctl_disk *d = &def->disks[def->nr_disks];
	unsigned int i;

	if (def->nr_disks == HVCTL_MAX_DISKS) {
		hvctl_err("too many --disk: at most %d", HVCTL_MAX_DISKS);
		return -1;
	}
	if (hvctl_parse_disk(arg, d))
		return -1;
	for (i = 0; i < def->nr_disks; i++) {
		if (!strcmp(def->disks[i].path, d->path)) {
			hvctl_err("disk %s is given twice", d->path);
			return -1;
		}
	}
	def->nr_disks++;
	return 0;
}

/* --net: one more virtio-net device, each tap once. */
static int hvctl_create_net(struct hvctl_def *def, const char *arg)
{
	struct hvctl_nic *n = &def->nics[def->nr_nics];
	unsigned int i;

	if (def->nr_nics == HVCTL_MAX_NICS) {
		hvctl_err("too many --net: at most %d", HVCTL_MAX_NICS);
		return -1;
	}
	if (hvctl_parse_net(arg, n))
		return -1;
	for (i = 0; i < def->nr_nics; i++) {
		if (!strcmp(def->nics[i].tap, n->tap)) {
			hvctl_err("tap %s is given twice", n->tap);
			return -1;
		}
	}
	def->nr_nics++;
	return 0;
}

/* --vsock[=CID]: a virtio-vsock device, the guest's CID 3 by default */
static int hvctl_create_vsock(struct hvctl_def *def, const char *arg)
{
	uint64_t cid = 3;

	if (arg && hvctl_parse_u64(arg, "vsock CID", &cid))
		return -1;
	/* 0-2: the hypervisor, local and the host; 2^32 - 1: "any" */
	if (cid < 3 || cid >= 0xffffffffULL) {
		hvctl_err("bad --vsock CID '%s': 3 to 4294967294", arg);
		return -1;
	}
	def->vsock_cid = cid;
	return 0;
}

/* --console uart|hvc */
static int hvctl_create_console(struct hvctl_def *def, const char *arg)
{
	if (!strcmp(arg, "uart")) {
		def->console = HVCTL_CONSOLE_UART;
	} else if (!strcmp(arg, "hvc")) {
		def->console = HVCTL_CONSOLE_HVC;
	} else {
		hvctl_err("bad --console '%s': uart or hvc", arg);
		return -1;
	}
	return 0;
}

int hvctl_cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vcpus", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },
		{ "cpu-quota", required_argument, NULL, 'C' },
		{ "mem-quota", required_argument, NULL, 'M' },
		{ "image", required_argument, NULL, 'i' },
		{ "entry", required_argument, NULL, 'e' },
		{ "load", required_argument, NULL, 'l' },
		{ "disk", required_argument, NULL, 'd' },
		{ "net", required_argument, NULL, 'n' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'r' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "dtb", required_argument, NULL, 'D' },
		{ "on-reboot", required_argument, NULL, 'R' },
		{ "display", optional_argument, NULL, 'V' },
		{ "vnc", required_argument, NULL, 'N' },
		/* I/O quotas (cmd_ioquota.c): val is 0x100 + HVCTL_IO_* */
		{ "disk-iops", required_argument, NULL, 0x100 + HVCTL_IO_DISK_IOPS },
		{ "disk-bw", required_argument, NULL, 0x100 + HVCTL_IO_DISK_BW },
		{ "net-pps", required_argument, NULL, 0x100 + HVCTL_IO_NET_PPS },
		{ "net-bw", required_argument, NULL, 0x100 + HVCTL_IO_NET_BW },
		{ "vsock", optional_argument, NULL, 'S' },
		{ "console", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t io[HVCTL_IO_NR_QUOTAS] = { 0 };
	unsigned int io_mask = 0;
	struct hvctl_def def = { .vcpus = 1 };
	char why[256];
	struct hvctl_fb fb;
	int have_cmdline = 0, have_reboot = 0, have_addr = 0;
	struct hvctl_nl nl;
	struct nl_msg *msg;
	const char *name;
	uint64_t v;
	int c, err;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (hvctl_parse_u64(optarg, "vCPU count", &v))
				return 2;
			if (!v || v > 64) {
				hvctl_err("bad vCPU count '%s': 1 to 64", optarg);
				return 2;
			}
			def.vcpus = v;
			break;
		case 'm':
			if (hvctl_parse_size(optarg, "memory size", &def.memory))
				return 2;
			break;
		case 'M':
			if (hvctl_parse_size(optarg, "memory quota", &def.mem_quota))
				return 2;
			break;
		case 'C':
			if (hvctl_parse_percent(optarg, &def.cpu_quota))
				return 2;
			break;
		case 'i':
			if (!realpath(optarg, def.image)) {
				hvctl_err("image %s: %s", optarg, strerror(errno));
				return 1;
			}
			break;
		case 'D':
			if (hvctl_abs_path(optarg, def.dtb, sizeof(def.dtb)))
				return 2;
			break;
		case 'e':
			if (hvctl_parse_u64(optarg, "entry address", &def.entry))
				return 2;
			have_addr = 1;
			break;
		case 'l':
			if (hvctl_parse_u64(optarg, "load address", &def.load))
				return 2;
			have_addr = 1;
			break;
		case 'k':
			if (!realpath(optarg, def.kernel)) {
				hvctl_err("kernel %s: %s", optarg, strerror(errno));
				return 1;
			}
			break;
		case 'r':
			if (hvctl_realpath_list(optarg, def.initrd,
						sizeof(def.initrd)))
				return 1;
			break;
		case 'a':
			if (strlen(optarg) > HVCTL_CMDLINE_MAX ||
			    strchr(optarg, '\n')) {
				hvctl_err("bad command line: at most %d bytes, one line",
					  HVCTL_CMDLINE_MAX);
				return 2;
			}
			snprintf(def.cmdline, sizeof(def.cmdline), "%s", optarg);
			have_cmdline = 1;
			break;
		case 'R':
			if (!strcmp(optarg, "restart")) {
				def.on_reboot = HVCTL_ON_REBOOT_RESTART;
			} else if (!strcmp(optarg, "stop")) {
				def.on_reboot = HVCTL_ON_REBOOT_STOP;
			} else {
				hvctl_err("bad --on-reboot '%s': restart or stop",
					  optarg);
				return 2;
			}
			have_reboot = 1;
			break;
		case 'd':
			if (hvctl_create_disk(&def, optarg))
				return 2;
			break;
		case 'n':
			if (hvctl_create_net(&def, optarg))
				return 2;
			break;
		case 'V':
			if (hvctl_create_display(&def, argc, argv))
				return 2;
			break;
		case 'N':
			if (hvctl_create_vnc(&def, optarg))
				return 2;
			break;
		case 0x100 ... 0x100 + HVCTL_IO_NR_QUOTAS - 1:
			if (hvctl_io_option(c - 0x100, optarg, io, &io_mask))
				return 2;
			break;
		case 'S':
			if (hvctl_create_vsock(&def, optarg))
				return 2;
			break;
		case 'O':
			if (hvctl_create_console(&def, optarg))
				return 2;
			break;
		default:
			return 2;
		}
	}
	name = hvctl_one_name(argc, argv, "create");
	if (!name)
		return 2;
	if (!hvctl_valid_name(name)) {
		hvctl_err("bad VM name '%s': 1 to 32 of A-Z a-z 0-9 _ . -", name);
		return 2;
	}
	if (!def.memory || (def.memory & 4095)) {
		hvctl_err(def.memory ? "bad memory size: not a multiple of 4K" :
			  "create needs --memory SIZE");
		return 2;
	}
	if (def.image[0] && def.kernel[0]) {
		hvctl_err("--image and --kernel exclude each other: a VM boots one");
		return 2;
	}
	if (!def.image[0] && !def.kernel[0]) {
		hvctl_err("create needs --image FILE or --kernel FILE");
		return 2;
	}
	if (def.image[0] && (def.initrd[0] || have_cmdline || def.dtb[0])) {
		hvctl_err("--initrd, --cmdline and --dtb go with --kernel, not --image");
		return 2;
	}
	/* an image guest's reset stops the VM unless --on-reboot says */
	if (def.image[0] && !have_reboot)
		def.on_reboot = HVCTL_ON_REBOOT_STOP;
	if (def.vnc[0] && !def.display_width) {
		hvctl_err("--vnc shows the display: it needs --display");
		return 2;
	}
	if (def.display_width && !def.kernel[0]) {
		hvctl_err("--display goes with --kernel: only a kernel is told where the framebuffer is");
		return 2;
	}
	if (def.display_width &&
	    hvctl_display_layout(&fb, def.display_width, def.display_height,
				 0, def.memory, why, sizeof(why))) {
		hvctl_err("%s", why);
		return 2;
	}
	if (hvctl_virtio_hvc(&def) && !def.kernel[0]) {
		hvctl_err("--console hvc goes with --kernel: only a kernel finds the virtio console");
		return 2;
	}
	if (hvctl_virtio_nr_slots(&def) > HVCTL_VIRTIO_SLOTS) {
		hvctl_err("too many virtio devices (disks, NICs, --vsock, --console hvc): hvctl has %d slots",
			  HVCTL_VIRTIO_SLOTS);
		return 2;
	}
	if (def.kernel[0] && have_addr) {
		hvctl_err("--load and --entry go with --image: a kernel's boot protocol places it");
		return 2;
	}
	snprintf(def.name, sizeof(def.name), "%s", name);
	memcpy(def.io_quota, io, sizeof(def.io_quota));

	if (hvctl_nl_open(&nl))
		return 1;
	msg = hvctl_nl_msg(&nl, HV_CMD_VM_CREATE, 0, name);
	if (msg) {
		nla_put_u32(msg, HV_A_VM_VCPUS, def.vcpus);
		nla_put_u64(msg, HV_A_VM_MEM_SIZE, def.memory);
		nla_put_u64(msg, HV_A_VM_MEM_QUOTA, def.mem_quota);
		nla_put_u32(msg, HV_A_VM_CPU_QUOTA, def.cpu_quota);
		/* a module without I/O quotas refuses them, unless none */
		hvctl_io_put(msg, io, io_mask);
	}
	err = hvctl_nl_call(&nl, msg, NULL, NULL);
	if (err) {
		if (err == -EEXIST)
			hvctl_err("create %s: the name is taken", name);
		else
			hvctl_nl_perror("create", name, err);
		hvctl_nl_close(&nl);
		return 1;
	}
	if (hvctl_def_save(&def)) {
		hvctl_vm_simple(&nl, HV_CMD_VM_DESTROY, name, 0);
		hvctl_nl_close(&nl);
		return 1;
	}
	hvctl_nl_close(&nl);
	printf("created %s\n", name);
	return 0;
}

int hvctl_cmd_destroy(int argc, char **argv)
{
	struct hvctl_nl nl;
	struct hvctl_def def;
	const char *name;
	int err;

	optind = 1;
	if (getopt(argc, argv, "") != -1)
		return 2;
	name = hvctl_one_name(argc, argv, "destroy");
	if (!name)
		return 2;
	if (hvctl_nl_open(&nl))
		return 1;
	err = hvctl_vm_simple(&nl, HV_CMD_VM_DESTROY, name, 0);
	hvctl_nl_close(&nl);
	/* a definition the kernel forgot (module reloaded) goes too */
	if (err == -ENOENT && !hvctl_def_load(name, &def))
		err = 0;
	if (err) {
		if (err == -EBUSY)
			hvctl_err("destroy %s: the VM is running: stop it first",
				  name);
		else
			hvctl_nl_perror("destroy", name, err);
		return 1;
	}
	hvctl_def_remove(name);
	printf("destroyed %s\n", name);
	return 0;
}

int hvctl_cmd_set(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpu-quota", required_argument, NULL, 'C' },
		{ "mem-quota", required_argument, NULL, 'M' },
		{ "disk-iops", required_argument, NULL, 0x100 + HVCTL_IO_DISK_IOPS },
		{ "disk-bw", required_argument, NULL, 0x100 + HVCTL_IO_DISK_BW },
		{ "net-pps", required_argument, NULL, 0x100 + HVCTL_IO_NET_PPS },
		{ "net-bw", required_argument, NULL, 0x100 + HVCTL_IO_NET_BW },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t io[HVCTL_IO_NR_QUOTAS] = { 0 };
	unsigned int i, io_mask = 0;
	int c, err, have_cpu = 0, have_mem = 0;
	struct hvctl_nl nl;
	struct hvctl_def def;
	struct nl_msg *msg;
	uint64_t mem_quota = 0;
	uint32_t cpu_quota = 0;
	const char *name;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'C' && !hvctl_parse_percent(optarg, &cpu_quota))
			have_cpu = 1;
		else if (c == 'M' &&
			 !hvctl_parse_size(optarg, "memory quota", &mem_quota))
			have_mem = 1;
		else if (c < 0x100 || c >= 0x100 + HVCTL_IO_NR_QUOTAS ||
			 hvctl_io_option(c - 0x100, optarg, io, &io_mask))
			return 2;
	}
	name = hvctl_one_name(argc, argv, "set");
	if (!name)
		return 2;
	if (!have_cpu && !have_mem && !io_mask) {
		hvctl_err("set needs --cpu-quota, --mem-quota, --disk-iops, --disk-bw, --net-pps or --net-bw");
		return 2;
	}
	if (hvctl_nl_open(&nl))
		return 1;
	msg = hvctl_nl_msg(&nl, HV_CMD_VM_SET, 0, name);
	if (msg && have_cpu)
		nla_put_u32(msg, HV_A_VM_CPU_QUOTA, cpu_quota);
	if (msg && have_mem)
		nla_put_u64(msg, HV_A_VM_MEM_QUOTA, mem_quota);
	hvctl_io_put(msg, io, io_mask);
	err = hvctl_nl_call(&nl, msg, NULL, NULL);
	hvctl_nl_close(&nl);
	if (err) {
		hvctl_nl_perror("set", name, err);
		return 1;
	}
	/* keep the state file in step, so that a re-create keeps them */
	if (!hvctl_def_load(name, &def)) {
		if (have_cpu)
			def.cpu_quota = cpu_quota;
		if (have_mem)
			def.mem_quota = mem_quota;
		for (i = 0; i < HVCTL_IO_NR_QUOTAS; i++)
			if (io_mask & (1U << i))
				def.io_quota[i] = io[i];
		hvctl_def_save(&def);
	}
	return 0;
}

static int hvctl_simple_verb(int argc, char **argv, int cmd)
{
	struct hvctl_nl nl;
	const char *name;
	int err;

	optind = 1;
	if (getopt(argc, argv, "") != -1)
		return 2;
	name = hvctl_one_name(argc, argv, argv[0]);
	if (!name)
		return 2;
	if (hvctl_nl_open(&nl))
		return 1;
	err = hvctl_vm_simple(&nl, cmd, name, 0);
	hvctl_nl_close(&nl);
	if (err) {
		hvctl_nl_perror(argv[0], name, err);
		return 1;
	}
	return 0;
}

int hvctl_cmd_pause(int argc, char **argv)
{
	return hvctl_simple_verb(argc, argv, HV_CMD_VM_PAUSE);
}

int hvctl_cmd_resume(int argc, char **argv)
{
	return hvctl_simple_verb(argc, argv, HV_CMD_VM_RESUME);
}

int hvctl_cmd_nmi(int argc, char **argv)
{
	return hvctl_simple_verb(argc, argv, HV_CMD_VM_NMI);
}

/* Waits up to @timeout_ms for the VM to leave running/paused. */
static int hvctl_wait_stopped(struct hvctl_nl *nl, const char *name,
			      int timeout_ms, struct hvctl_vminfo *vi)
{
	int waited;

	for (waited = 0; waited <= timeout_ms; waited += 50) {
		if (hvctl_vm_get(nl, name, vi))
			return -1;
		if (vi->state != HV_VM_STATE_RUNNING &&
		    vi->state != HV_VM_STATE_PAUSED)
			return 0;
		usleep(50000);
	}
	return -1;
}

int hvctl_cmd_stop(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvctl_vminfo vi;
	struct hvctl_nl nl;
	uint64_t timeout = 30;
	const char *name;
	int c, err, force = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f')
			force = 1;
		else if (c != 't' || hvctl_parse_u64(optarg, "timeout", &timeout))
			return 2;
	}
	name = hvctl_one_name(argc, argv, "stop");
	if (!name)
		return 2;
	if (hvctl_nl_open(&nl))
		return 1;
	err = hvctl_vm_simple(&nl, HV_CMD_VM_STOP, name,
			      force ? HV_A_VM_FORCE : 0);
	if (err) {
		hvctl_nl_perror("stop", name, err);
		hvctl_nl_close(&nl);
		return 1;
	}
	if (!force && hvctl_wait_stopped(&nl, name, timeout * 1000, &vi)) {
		fprintf(stderr, "hvctl: %s did not stop within %llu s: stopping it by force\n",
			name, (unsigned long long)timeout);
		err = hvctl_vm_simple(&nl, HV_CMD_VM_STOP, name, HV_A_VM_FORCE);
		if (err && err != -EINVAL) {
			hvctl_nl_perror("stop", name, err);
			hvctl_nl_close(&nl);
			return 1;
		}
	}
	err = hvctl_vm_get(&nl, name, &vi);
	hvctl_nl_close(&nl);
	if (!err)
		printf("%s stopped (%s)\n", name,
		       hvctl_reason_name(vi.stop_reason));
	return 0;
}
