/* SPDX-License-Identifier: GPL-2.0 */
/* The ioctl fuzz of hv-soak: per-thread state and the command table. */
#ifndef HV_SOAK_FUZZ_H
#define HV_SOAK_FUZZ_H

#include "soak.h"

/* Largest argument any shape builds (struct, then x86 XSAVE / CPUID). */
#define SOAK_ARG_MAX	4096
/*
 * What the user pointers inside argument structs point at: a mapping of
 * its own, 64 KiB aligned, so that a pointer with one of its low 16 bits
 * flipped still points into it (the kernel writes at most 4 KiB there:
 * XSAVE, 128 CPUID or 256 MSR entries), with a PROT_NONE page after it.
 */
#define SOAK_SCRATCH	0x10000
#define SOAK_OWN_FDS	12
#define SOAK_CLOSED	16
#define SOAK_EVENTFDS	4

struct soak_fuzz {
	struct soak *s;
	uint64_t rnd;
	unsigned char *buf;	/* SOAK_ARG_MAX bytes */
	unsigned char *aux;	/* SOAK_SCRATCH bytes: what pointers point at */
	unsigned char *guard;	/* a PROT_NONE page after a writable one */
	int dev;
	int own[SOAK_OWN_FDS];	/* files this thread made (or dev) */
	int closed[SOAK_CLOSED];	/* numbers of files it closed */
	int *evfd;		/* SOAK_EVENTFDS eventfds of the process */
	uint64_t ok, made, n, confined;
};

struct soak_cmd {
	unsigned long cmd;
	/* fills a well-formed argument for @fd, NULL: none needed */
	void (*valid)(struct soak_fuzz *f, int fd, void *buf);
	const char *name;
	/* 1 + offset of the user pointer inside the struct, 0: none */
	unsigned char ptr;
};

extern const struct soak_cmd soak_cmds[];
extern const size_t soak_ncmds;

unsigned long soak_fuzz_arg(struct soak_fuzz *f, int fd, unsigned long *cmd,
			    const struct soak_cmd *c, enum soak_shape shape);
/* the table's entry of @cmd, NULL: not an hv command */
const struct soak_cmd *soak_cmd_find(unsigned long cmd);
/* the thread's argument, guard and scratch mappings (soak_ioctl.c) */
int soak_fuzz_buffers(struct soak_fuzz *f);
/* hv-soak -C N: check N generated arguments' pointers, no hv needed */
int soak_args_check(uint64_t n, uint64_t seed);

#endif /* HV_SOAK_FUZZ_H */
