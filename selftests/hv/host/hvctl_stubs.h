/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-ins for hvctl's log functions (main.c's hvctl_err(), vmm.c's
 * hvctl_vmm_log()) in host tests that link parts of the VMM without the
 * rest of hvctl. It defines the functions: include it from one .c file
 * of a test program, after vmm.h.
 */
#ifndef HVCTL_STUBS_H
#define HVCTL_STUBS_H

#include <stdarg.h>
#include <stdio.h>

void hvctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("hvctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void hvctl_vmm_log(struct hvctl_vmm *vmm, const char *fmt, ...)
{
	va_list ap;

	(void)vmm;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#endif /* HVCTL_STUBS_H */
