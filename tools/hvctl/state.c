// SPDX-License-Identifier: GPL-2.0
/*
 * The state directory: one NAME.conf per definition (what `start` needs
 * besides the kernel's registry: the image and its entry point, or the
 * kernel, initrd and command line; the disks; the quotas, CPU, memory and
 * I/O, to make the registry's entry again after a module reload, and kept
 * in step by `hvctl set`), and the running VMM's
 * NAME.sock (console), NAME.log and NAME.pid.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "hvctl.h"

const char *hvctl_state_dir(void)
{
	const char *dir = getenv("HVCTL_STATE_DIR");

	return dir && *dir ? dir : "/var/lib/hvctl";
}

void hvctl_state_path(const char *name, const char *ext, char *buf, int len)
{
	snprintf(buf, len, "%s/%s.%s", hvctl_state_dir(), name, ext);
}

/* mkdir -p: the state directory's parents may not exist yet (/var/lib). */
static int hvctl_mkdir_p(const char *dir)
{
	char path[PATH_MAX];
	char *p;

	snprintf(path, sizeof(path), "%s", dir);
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

int hvctl_def_save(const struct hvctl_def *def)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	unsigned int i;
	FILE *f;

	if (hvctl_mkdir_p(hvctl_state_dir())) {
		hvctl_err("cannot create the state directory %s: %s",
			  hvctl_state_dir(), strerror(errno));
		return -1;
	}
	hvctl_state_path(def->name, "conf", path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		hvctl_err("cannot write %s: %s", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "name=%s\nimage=%s\nload=0x%llx\nentry=0x%llx\nvcpus=%u\nmemory=%llu\nmem_quota=%llu\ncpu_quota=%u\n",
		def->name, def->image, (unsigned long long)def->load,
		(unsigned long long)def->entry,
		def->vcpus, (unsigned long long)def->memory,
		(unsigned long long)def->mem_quota, def->cpu_quota);
	/* the I/O quotas per device, kept like the CPU and memory quotas */
	fprintf(f, "disk_iops=%llu\ndisk_bw=%llu\nnet_pps=%llu\nnet_bw=%llu\n",
		(unsigned long long)def->io_quota[HVCTL_IO_DISK_IOPS],
		(unsigned long long)def->io_quota[HVCTL_IO_DISK_BW],
		(unsigned long long)def->io_quota[HVCTL_IO_NET_PPS],
		(unsigned long long)def->io_quota[HVCTL_IO_NET_BW]);
	/* disk=FLAGS PATH: the path last, it may hold spaces */
	for (i = 0; i < def->nr_disks && i < HVCTL_MAX_DISKS; i++)
		fprintf(f, "disk=0x%x %s\n", def->disks[i].flags,
			def->disks[i].path);
	/* net=TAP [MAC]: no MAC, the one derived from the name */
	for (i = 0; i < def->nr_nics && i < HVCTL_MAX_NICS; i++) {
		const uint8_t *m = def->nics[i].mac;

		if (def->nics[i].flags & HVCTL_NIC_MAC)
			fprintf(f, "net=%s %02x:%02x:%02x:%02x:%02x:%02x\n",
				def->nics[i].tap, m[0], m[1], m[2], m[3], m[4],
				m[5]);
		else
			fprintf(f, "net=%s\n", def->nics[i].tap);
	}
	fprintf(f, "kernel=%s\ninitrd=%s\ncmdline=%s\non_reboot=%s\n",
		def->kernel, def->initrd, def->cmdline,
		def->on_reboot == HVCTL_ON_REBOOT_STOP ? "stop" : "restart");
	if (def->dtb[0])
		fprintf(f, "dtb=%s\n", def->dtb);
	if (def->display_width)
		fprintf(f, "display=%ux%u\n", def->display_width,
			def->display_height);
	if (def->vnc[0])
		fprintf(f, "vnc=%s\n", def->vnc);
	if (def->vsock_cid)
		fprintf(f, "vsock=%llu\n", (unsigned long long)def->vsock_cid);
	if (def->console)
		fprintf(f, "console=%s\n",
			def->console == HVCTL_CONSOLE_HVC ? "hvc" : "uart");
	/* the file's name only: the VMM reads the password when it starts */
	if (def->vnc_password_file[0])
		fprintf(f, "vnc_password_file=%s\n", def->vnc_password_file);
	if (fclose(f) || rename(tmp, path)) {
		hvctl_err("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* A "disk=FLAGS PATH" line; more than HVCTL_MAX_DISKS are dropped. */
static void hvctl_def_disk(struct hvctl_def *def, const char *val)
{
	struct hvctl_disk *d = &def->disks[def->nr_disks];
	char *path;

	if (def->nr_disks == HVCTL_MAX_DISKS)
		return;
	d->flags = strtoul(val, &path, 0) & (HVCTL_DISK_RO | HVCTL_DISK_DIRECT);
	if (*path++ != ' ' || !*path)
		return;
	snprintf(d->path, sizeof(d->path), "%s", path);
	def->nr_disks++;
}

/* A "net=TAP [MAC]" line; more than HVCTL_MAX_NICS are dropped. */
static void hvctl_def_net(struct hvctl_def *def, const char *val)
{
	struct hvctl_nic *n = &def->nics[def->nr_nics];
	unsigned int m[6], i;
	char tap[16];
	int k;

	if (def->nr_nics == HVCTL_MAX_NICS)
		return;
	k = sscanf(val, "%15s %2x:%2x:%2x:%2x:%2x:%2x", tap, &m[0], &m[1],
		   &m[2], &m[3], &m[4], &m[5]);
	if (k != 1 && k != 7)
		return;
	memset(n, 0, sizeof(*n));
	snprintf(n->tap, sizeof(n->tap), "%s", tap);
	for (i = 0; k == 7 && i < 6; i++)
		n->mac[i] = m[i];
	n->flags = k == 7 ? HVCTL_NIC_MAC : 0;
	def->nr_nics++;
}

/* A "display=WxH" line; the VMM checks the size again when it starts. */
static void hvctl_def_display(struct hvctl_def *def, const char *val)
{
	unsigned int w, h;

	if (sscanf(val, "%ux%u", &w, &h) == 2 && w && h) {
		def->display_width = w;
		def->display_height = h;
	}
}

int hvctl_def_load(const char *name, struct hvctl_def *def)
{
	char path[PATH_MAX], line[PATH_MAX + HVCTL_CMDLINE_MAX + 32], *val;
	FILE *f;

	memset(def, 0, sizeof(*def));
	hvctl_state_path(name, "conf", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		val = strchr(line, '=');
		if (!val)
			continue;
		*val++ = 0;
		if (!strcmp(line, "name"))
			snprintf(def->name, sizeof(def->name), "%s", val);
		else if (!strcmp(line, "image"))
			snprintf(def->image, sizeof(def->image), "%s", val);
		else if (!strcmp(line, "load"))
			def->load = strtoull(val, NULL, 0);
		else if (!strcmp(line, "entry"))
			def->entry = strtoull(val, NULL, 0);
		else if (!strcmp(line, "vcpus"))
			def->vcpus = strtoul(val, NULL, 0);
		else if (!strcmp(line, "memory"))
			def->memory = strtoull(val, NULL, 0);
		else if (!strcmp(line, "mem_quota"))
			def->mem_quota = strtoull(val, NULL, 0);
		else if (!strcmp(line, "cpu_quota"))
			def->cpu_quota = strtoul(val, NULL, 0);
		else if (!strcmp(line, "disk_iops"))
			def->io_quota[HVCTL_IO_DISK_IOPS] = strtoull(val, NULL, 0);
		else if (!strcmp(line, "disk_bw"))
			def->io_quota[HVCTL_IO_DISK_BW] = strtoull(val, NULL, 0);
		else if (!strcmp(line, "net_pps"))
			def->io_quota[HVCTL_IO_NET_PPS] = strtoull(val, NULL, 0);
		else if (!strcmp(line, "net_bw"))
			def->io_quota[HVCTL_IO_NET_BW] = strtoull(val, NULL, 0);
		else if (!strcmp(line, "disk"))
			hvctl_def_disk(def, val);
		else if (!strcmp(line, "net"))
			hvctl_def_net(def, val);
		else if (!strcmp(line, "kernel"))
			snprintf(def->kernel, sizeof(def->kernel), "%s", val);
		else if (!strcmp(line, "initrd"))
			snprintf(def->initrd, sizeof(def->initrd), "%s", val);
		else if (!strcmp(line, "cmdline"))
			snprintf(def->cmdline, sizeof(def->cmdline), "%s", val);
		else if (!strcmp(line, "on_reboot"))
			def->on_reboot = strcmp(val, "stop") ?
					 HVCTL_ON_REBOOT_RESTART :
					 HVCTL_ON_REBOOT_STOP;
		else if (!strcmp(line, "dtb"))
			snprintf(def->dtb, sizeof(def->dtb), "%s", val);
		else if (!strcmp(line, "display"))
			hvctl_def_display(def, val);
		else if (!strcmp(line, "vnc"))
			snprintf(def->vnc, sizeof(def->vnc), "%s", val);
		else if (!strcmp(line, "vsock"))
			def->vsock_cid = strtoull(val, NULL, 0);
		else if (!strcmp(line, "console"))
			def->console = !strcmp(val, "hvc") ? HVCTL_CONSOLE_HVC :
				       HVCTL_CONSOLE_UART;
		else if (!strcmp(line, "vnc_password_file"))
			snprintf(def->vnc_password_file,
				 sizeof(def->vnc_password_file), "%s", val);
	}
	fclose(f);
	if (strcmp(def->name, name) || !def->vcpus || !def->memory) {
		hvctl_err("%s is damaged: destroy and create the VM again",
			  path);
		return -EINVAL;
	}
	return 0;
}

void hvctl_def_remove(const char *name)
{
	static const char *const exts[] = { "conf", "sock", "pid", "display", "io" };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		hvctl_state_path(name, exts[i], path, sizeof(path));
		unlink(path);
	}
}
