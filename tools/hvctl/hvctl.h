/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvctl: shared declarations of the command-line tool.
 */
#ifndef HVCTL_H
#define HVCTL_H

#include <stdint.h>
#include <limits.h>
#include <stddef.h>

#define HVCTL_VERSION "0.2.0"

/**
 * struct hvctl_cmd - one verb of the command line.
 * @name: the verb, e.g. "version".
 * @args: argument synopsis for --help ("" when none).
 * @summary: one line for --help.
 * @run: runs the verb with argv[0] == @name; returns the exit code.
 */
struct hvctl_cmd {
	const char *name;
	const char *args;
	const char *summary;
	int (*run)(int argc, char **argv);
};

/* Prints "hvctl: <message>" on stderr: every error is one clear line. */
void hvctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Opens /dev/hv read-write. On failure prints why (module not loaded, no
 * permission, ...) and returns -1.
 */
int hvctl_open_dev(void);

/* Name of the hv generic-netlink family (the control plane). */
#define HVCTL_GENL_NAME "hv"

/*
 * Resolves the hv generic-netlink family. Returns its id, or a negative
 * libnl error code (-NLE_OBJ_NOTFOUND when the module has no control plane).
 */
int hvctl_genl_family(void);

/* --- genl.c: requests to the hv family ---------------------------------- */
struct nl_sock;
struct nl_msg;
struct nlattr;

struct hvctl_nl {
	struct nl_sock *sk;
	int family;
	int events_grp;
};

/* Connects and resolves the family; prints why not and returns -1. */
int hvctl_nl_open(struct hvctl_nl *nl);
void hvctl_nl_close(struct hvctl_nl *nl);
/* A request for @cmd (NLM_F_DUMP in @flags for a dump), naming @name. */
struct nl_msg *hvctl_nl_msg(struct hvctl_nl *nl, int cmd, int flags,
			    const char *name);
/* Called per reply message with its attributes, tb[HV_A_VM_MAX + 1]. */
typedef void (*hvctl_nl_cb)(struct nlattr **tb, void *arg);
/*
 * Sends @msg (consumed) and reads the replies. Returns 0 or -errno; the
 * kernel's extack message, if any, is in hvctl_nl_errmsg.
 */
int hvctl_nl_call(struct hvctl_nl *nl, struct nl_msg *msg, hvctl_nl_cb cb,
		  void *arg);
extern char hvctl_nl_errmsg[256];
/* Prints "hvctl: <what> <name>: <reason>" for a failed request. */
void hvctl_nl_perror(const char *what, const char *name, int err);

/* The I/O quotas of each device, in the order of HV_A_VM_DISK_IOPS.. */
#define HVCTL_IO_DISK_IOPS	0	/* op/s */
#define HVCTL_IO_DISK_BW	1	/* bytes/s */
#define HVCTL_IO_NET_PPS	2	/* packets/s */
#define HVCTL_IO_NET_BW		3	/* bytes/s */
#define HVCTL_IO_NR_QUOTAS	4

struct hvctl_vminfo {
	uint32_t id, vcpus, cpu_quota, state, stop_reason, owner, vmm_pid;
	uint64_t mem_size, mem_quota;
	uint64_t io_quota[HVCTL_IO_NR_QUOTAS];	/* 0: none */
	int has_io;		/* the module reported them */
	int anonymous;
	char name[40];
	/* statistics */
	uint64_t mem_touched, cpu_time, throttled_time, guest_exits;
	uint64_t exits[16];
};

void hvctl_nl_parse_vm(struct nlattr **tb, struct hvctl_vminfo *vi);
/* Gets VM @name (and its statistics); returns 0 or -errno. */
int hvctl_vm_get(struct hvctl_nl *nl, const char *name,
		 struct hvctl_vminfo *vi);
/* A VM request with just a name (and an optional flag attribute). */
int hvctl_vm_simple(struct hvctl_nl *nl, int cmd, const char *name, int flag);
const char *hvctl_state_name(uint32_t state);
const char *hvctl_reason_name(uint32_t reason);

/* --- util.c -------------------------------------------------------------- */
/* "256M", "1G", "4096", "64K": bytes; -1 on a bad size (message printed). */
int hvctl_parse_size(const char *s, const char *what, uint64_t *out);
/* "25%" or "25": percent; -1 on a bad value. */
int hvctl_parse_percent(const char *s, uint32_t *out);
int hvctl_parse_u64(const char *s, const char *what, uint64_t *out);
void hvctl_fmt_size(uint64_t bytes, char *buf, int len);
int hvctl_valid_name(const char *name);
struct hvctl_disk;
/* "FILE[,ro][,cache=none|writeback]" into @d; -1 on a bad one (printed). */
int hvctl_parse_disk(const char *s, struct hvctl_disk *d);
/*
 * "a,b,c": each file's absolute path, comma-separated, into @out; -1 (printed)
 * when one does not exist or a path has a comma itself.
 */
int hvctl_realpath_list(const char *list, char *out, size_t len);

/* --- cmd_ioquota.c: the I/O quota options and their statistics ---------- */
/*
 * Option @which (HVCTL_IO_*) with its argument: io[@which] set and its bit
 * in *@mask; -1 (printed) on a bad value.
 */
int hvctl_io_option(unsigned int which, const char *arg, uint64_t *io,
		    unsigned int *mask);
/* The attributes of the quotas in @mask, into a create or set request. */
void hvctl_io_put(struct nl_msg *msg, const uint64_t *io, unsigned int mask);
/* `hvctl info`: the quotas and the devices' statistics (NAME.io). */
void hvctl_io_info(const char *name, const struct hvctl_vminfo *vi, int json);

/* --- state.c: definitions kept in the state directory -------------------- */
#define HVCTL_MAX_DISKS		8	/* the VMM's virtio slots */
#define HVCTL_DISK_RO		0x1	/* ,ro: writes fail with IOERR */
#define HVCTL_DISK_DIRECT	0x2	/* ,cache=none: O_DIRECT */

/* One --disk FILE[,ro][,cache=none|writeback]: a virtio-blk device. */
struct hvctl_disk {
	char path[PATH_MAX];
	uint32_t flags;		/* HVCTL_DISK_* */
};

#define HVCTL_MAX_NICS		8	/* --net: the same virtio slots */
#define HVCTL_NIC_MAC		0x1	/* ,mac= given; else derived from the name */

/* One --net tap=IFNAME[,mac=MAC]: a virtio-net device (vmm/virtio/net.c). */
struct hvctl_nic {
	char tap[16];		/* IFNAMSIZ */
	uint8_t mac[6];
	uint32_t flags;		/* HVCTL_NIC_* */
};

/* The longest --cmdline hvctl keeps; the kernel's own limit is checked at boot. */
#define HVCTL_CMDLINE_MAX	4095

/* def.on_reboot: what a guest's reboot does */
#define HVCTL_ON_REBOOT_RESTART	0	/* the guest boots again (default) */
#define HVCTL_ON_REBOOT_STOP	1	/* the VM stops as "guest shutdown" */

/*
 * struct hvctl_def - a VM's definition. A guest is either @image (a bare
 * image hvctl starts at its entry) or @kernel (an OS kernel booted by the
 * arch's boot protocol, with @initrd and @cmdline); the kernel fields mean
 * the same on every arch.
 */
struct hvctl_def {
	char name[40];
	char image[PATH_MAX];
	uint64_t load;		/* where a flat image goes, 0: 0x1000 */
	uint64_t entry;		/* 0: the load address or the ELF entry */
	char kernel[PATH_MAX];	/* "": boot @image instead */
	/* "" or the initial ramdisk; multiboot: modules, comma-separated */
	char initrd[PATH_MAX];
	char cmdline[HVCTL_CMDLINE_MAX + 1];
	char dtb[PATH_MAX];	/* arm64: "" or where the generated DT is written too */
	uint32_t on_reboot;	/* HVCTL_ON_REBOOT_* */
	uint32_t vcpus;
	uint64_t memory;
	uint64_t mem_quota;
	uint32_t cpu_quota;
	/* the I/O quotas of each device (HVCTL_IO_*), 0: none */
	uint64_t io_quota[HVCTL_IO_NR_QUOTAS];
	unsigned int nr_disks;
	struct hvctl_disk disks[HVCTL_MAX_DISKS];
	unsigned int nr_nics;
	struct hvctl_nic nics[HVCTL_MAX_NICS];
	/* --display: the framebuffer's size in pixels; 0: no display */
	uint32_t display_width, display_height;
	char vnc[64];		/* --vnc: "ADDR:PORT" of the VNC server, or "" */
	/* --vsock[=CID]: a virtio-vsock device with guest CID @vsock_cid; 0: none */
	uint64_t vsock_cid;
	uint32_t console;	/* --console: HVCTL_CONSOLE_* */
	/* --vnc ...,password-file=FILE: its absolute path, or "": no password */
	char vnc_password_file[PATH_MAX];
};

/* def.console: which device is the guest's console (input goes there) */
#define HVCTL_CONSOLE_AUTO	0	/* hvc when --cmdline has console=hvc0 */
#define HVCTL_CONSOLE_UART	1	/* the arch's UART */
#define HVCTL_CONSOLE_HVC	2	/* a virtio-console: the guest's hvc0 */

const char *hvctl_state_dir(void);
/* NAME.<ext> in the state directory. */
void hvctl_state_path(const char *name, const char *ext, char *buf, int len);
int hvctl_def_save(const struct hvctl_def *def);
int hvctl_def_load(const char *name, struct hvctl_def *def);
void hvctl_def_remove(const char *name);

/* --- vmm.c: the VMM, run in the foreground or as a daemon ---------------- */
/*
 * Runs the registry's VM def->name until it stops. @console_fd: where the
 * guest console goes besides the log and the socket (-1: none); input
 * comes from @input_fd (-1: none). Returns the exit code (0, or 1 on an
 * error); *@guest_status (if not NULL) gets the status an x86 guest gave
 * with the debug-exit port, (v << 1) | 1, or -1.
 */
int hvctl_vmm_run(const struct hvctl_def *def, int console_fd, int input_fd,
		  int *guest_status);

int hvctl_cmd_version(int argc, char **argv);
int hvctl_cmd_create(int argc, char **argv);
int hvctl_cmd_destroy(int argc, char **argv);
int hvctl_cmd_list(int argc, char **argv);
int hvctl_cmd_info(int argc, char **argv);
int hvctl_cmd_set(int argc, char **argv);
int hvctl_cmd_pause(int argc, char **argv);
int hvctl_cmd_nmi(int argc, char **argv);
int hvctl_cmd_resume(int argc, char **argv);
int hvctl_cmd_stop(int argc, char **argv);
int hvctl_cmd_start(int argc, char **argv);
int hvctl_cmd_run(int argc, char **argv);
int hvctl_cmd_console(int argc, char **argv);
int hvctl_cmd_events(int argc, char **argv);
int hvctl_cmd_screenshot(int argc, char **argv);
int hvctl_cmd_vsock(int argc, char **argv);

#endif /* HVCTL_H */
