/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvctl: shared declarations of the command-line tool.
 */
#ifndef HVCTL_H
#define HVCTL_H

#define HVCTL_VERSION "0.1.0"

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

int hvctl_cmd_version(int argc, char **argv);

#endif /* HVCTL_H */
