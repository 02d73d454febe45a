/* SPDX-License-Identifier: GPL-2.0 */
/* The ioctl fuzz of hv-soak: per-thread state and the command table. */
#ifndef HV_SOAK_FUZZ_H
#define HV_SOAK_FUZZ_H

#include "soak.h"

/* Largest argument any shape builds (struct, then x86 XSAVE / CPUID). */
#define SOAK_ARG_MAX	4096
#define SOAK_OWN_FDS	12
#define SOAK_CLOSED	16

struct soak_fuzz {
	struct soak *s;
	uint64_t rnd;
	unsigned char *buf;	/* SOAK_ARG_MAX bytes */
	unsigned char *aux;	/* what pointers inside a struct point at */
	unsigned char *guard;	/* a PROT_NONE page after a writable one */
	int dev;
	int own[SOAK_OWN_FDS];	/* files this thread made (or dev) */
	int closed[SOAK_CLOSED];	/* numbers of files it closed */
	uint64_t ok, made, n;
};

struct soak_cmd {
	unsigned long cmd;
	/* fills a well-formed argument for @fd, NULL: none needed */
	void (*valid)(struct soak_fuzz *f, int fd, void *buf);
};

extern const struct soak_cmd soak_cmds[];
extern const size_t soak_ncmds;

unsigned long soak_fuzz_arg(struct soak_fuzz *f, int fd, unsigned long *cmd,
			    const struct soak_cmd *c, enum soak_shape shape);

#endif /* HV_SOAK_FUZZ_H */
