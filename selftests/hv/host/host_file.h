/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A whole file read into memory, for host tests that hand a real kernel
 * image ($HV_TEST_VMLINUZ) to hvctl's loaders.
 */
#ifndef HOST_FILE_H
#define HOST_FILE_H

#include <stdio.h>
#include <stdlib.h>

/* The contents of @path in a malloc()ed buffer and its size in *@size; NULL on failure. */
static inline void *host_read_file(const char *path, long *size)
{
	void *buf = NULL;
	FILE *f;
	long n;

	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END))
		goto out;
	n = ftell(f);
	if (n <= 0)
		goto out;
	rewind(f);
	buf = malloc(n);
	if (buf && fread(buf, n, 1, f) != 1) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		*size = n;
out:
	fclose(f);
	return buf;
}

#endif /* HOST_FILE_H */
