/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small AML encoder (ACPI 6.5, chapter 20 "ACPI Machine Language
 * Specification"): enough to write the DSDT of the hvctl x86 platform.
 *
 * Everything goes into one caller-owned buffer of fixed size. An error is
 * sticky: the first one (-ENOSPC: the buffer is full; -EINVAL: a bad name,
 * value or nesting) is kept in @err, every later call does nothing, and
 * aml_finish() reports it. Nothing is ever written past the buffer.
 *
 * Objects with a PkgLength (Scope, Device, Method, If, Package) are opened,
 * filled and closed: aml_close() computes the length once the body is known
 * and moves the body up when the length needs more than one byte. The
 * stream is never longer than its final form, so a buffer that holds the
 * result is large enough all along.
 */
#ifndef HVCTL_AML_H
#define HVCTL_AML_H

#include <stddef.h>
#include <stdint.h>

#define AML_MAX_DEPTH	16	/* nested Scope/Device/Method/If/Package */

/**
 * struct aml - an AML byte stream being written.
 * @buf: the output; @cap its size; @len the bytes written so far.
 * @err: 0, or the first error (-ENOSPC, -EINVAL); sticky.
 * @depth: open objects; @open[i] where the i-th one's PkgLength starts.
 */
struct aml {
	uint8_t *buf;
	size_t cap, len;
	int err;
	unsigned int depth;
	size_t open[AML_MAX_DEPTH];
};

/* Interrupt flags of aml_res_interrupt() (ACPI 6.5 6.4.3.6) */
#define AML_IRQ_EDGE		0x02	/* else level-triggered */
#define AML_IRQ_ACTIVE_LOW	0x04	/* else active-high */
#define AML_IRQ_SHARED		0x08	/* else exclusive */

/* A resource template being written (the body of a _CRS buffer). */
struct aml_res {
	uint8_t buf[128];
	size_t len;
	int err;
};

void aml_init(struct aml *a, void *buf, size_t cap);
/* The number of bytes written, or the first error (-ENOSPC, -EINVAL). */
long aml_finish(struct aml *a);

/* Data objects */
void aml_integer(struct aml *a, uint64_t v);	/* Zero/One/Byte..QWord */
void aml_string(struct aml *a, const char *s);	/* printable ASCII */
void aml_eisaid(struct aml *a, const char *id); /* "PNP0501" -> DWord */
void aml_buffer(struct aml *a, const void *bytes, size_t n);
/* Buffer holding @res followed by an end tag: a ResourceTemplate () */
void aml_resource_template(struct aml *a, const struct aml_res *res);

/*
 * A NameString: "\\_SB.PWRB", "^FOO", "_HID", "CPU0"; segments of one to
 * four characters (padded with '_'), separated by dots.
 */
void aml_namestring(struct aml *a, const char *path);
void aml_arg(struct aml *a, unsigned int n);	/* Arg0..Arg6 */

/* Name (@path, <the object written next>) */
void aml_name(struct aml *a, const char *path);
void aml_name_integer(struct aml *a, const char *path, uint64_t v);
void aml_name_string(struct aml *a, const char *path, const char *s);
void aml_name_eisaid(struct aml *a, const char *path, const char *id);

/* Objects with a body: open, write the body, aml_close(). */
void aml_scope(struct aml *a, const char *path);
void aml_device(struct aml *a, const char *path);
void aml_method(struct aml *a, const char *path, unsigned int nargs,
		int serialized);
void aml_if(struct aml *a);		/* then the predicate, then the body */
void aml_package(struct aml *a, unsigned int nelem); /* then the elements */
void aml_close(struct aml *a);

/* Statements and operators whose operands are written next. */
void aml_return(struct aml *a);		/* Return (<operand>) */
void aml_lequal(struct aml *a);		/* LEqual (<operand>, <operand>) */
void aml_notify(struct aml *a, const char *path, uint64_t value);

/* Resource descriptors (ACPI 6.5 6.4) */
void aml_res_init(struct aml_res *r);
void aml_res_io(struct aml_res *r, uint16_t base, uint8_t len);
void aml_res_memory32_fixed(struct aml_res *r, uint32_t base, uint32_t len,
			    int writable);
void aml_res_interrupt(struct aml_res *r, uint32_t gsi, unsigned int flags);

#endif /* HVCTL_AML_H */
