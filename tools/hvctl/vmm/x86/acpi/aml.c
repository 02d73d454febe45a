// SPDX-License-Identifier: GPL-2.0
/*
 * The AML encoder of the x86 DSDT (aml.h). Encodings from ACPI 6.5
 * chapter 20 (AML grammar: 20.2.4 package length, 20.2.2 name strings,
 * 20.2.3 data objects, 20.2.5 term objects) and 6.4 (resource data).
 */
#include <errno.h>
#include <string.h>

#include "aml.h"

/* AML opcodes (ACPI 6.5 20.3, "AML Byte Stream Byte Values") */
#define AML_ZERO		0x00
#define AML_ONE			0x01
#define AML_NAME		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_STRING_PREFIX	0x0d
#define AML_QWORD_PREFIX	0x0e
#define AML_SCOPE		0x10
#define AML_BUFFER		0x11
#define AML_PACKAGE		0x12
#define AML_METHOD		0x14
#define AML_DUAL_NAME_PREFIX	0x2e
#define AML_MULTI_NAME_PREFIX	0x2f
#define AML_EXT_PREFIX		0x5b
#define AML_EXT_DEVICE		0x82	/* after AML_EXT_PREFIX */
#define AML_ROOT_CHAR		0x5c
#define AML_PARENT_PREFIX	0x5e
#define AML_ARG0		0x68
#define AML_NOTIFY		0x86
#define AML_LEQUAL		0x93
#define AML_IF			0xa0
#define AML_RETURN		0xa4

/* Resource descriptor tags (ACPI 6.5 6.4.2, 6.4.3) */
#define RES_IO			0x47	/* small item 0x08, length 7 */
#define RES_END_TAG		0x79	/* small item 0x0f, length 1 */
#define RES_MEMORY32_FIXED	0x86	/* large item 0x06 */
#define RES_EXT_IRQ		0x89	/* large item 0x09 */

/* The largest PkgLength: 4 bytes hold 4 + 3 * 8 = 28 bits. */
#define PKG_LENGTH_MAX		0x0fffffff

static void aml_fail(struct aml *a, int err)
{
	if (!a->err)
		a->err = err;
}

static void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (a->err)
		return;
	if (n > a->cap - a->len) {
		aml_fail(a, -ENOSPC);
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

/* Little-endian, as AML data is (ACPI 6.5 20.2.3). */
static void aml_le(struct aml *a, uint64_t v, unsigned int n)
{
	uint8_t b[8];
	unsigned int i;

	for (i = 0; i < n; i++)
		b[i] = v >> (8 * i);
	aml_bytes(a, b, n);
}

void aml_init(struct aml *a, void *buf, size_t cap)
{
	memset(a, 0, sizeof(*a));
	a->buf = buf;
	a->cap = cap;
}

long aml_finish(struct aml *a)
{
	if (!a->err && a->depth)
		aml_fail(a, -EINVAL);	/* an object was left open */
	return a->err ? a->err : (long)a->len;
}

/*
 * Opens an object with a PkgLength: one byte is reserved for it, the
 * least it can take, and aml_close() makes room for more when the body
 * needs it. So the stream is never longer than its final form, and a
 * buffer that holds the result is large enough while it is written.
 */
static void aml_open(struct aml *a)
{
	if (a->err)
		return;
	if (a->depth == AML_MAX_DEPTH) {
		aml_fail(a, -EINVAL);
		return;
	}
	a->open[a->depth++] = a->len;
	aml_byte(a, 0);
}

/*
 * PkgLength (ACPI 6.5 20.2.4): the length counts itself and what follows
 * up to the object's end. One byte holds up to 63 in bits 0-5; otherwise
 * bits 7:6 of the lead byte say how many bytes follow (1-3), its bits 3:0
 * are the length's low nibble and each following byte the next 8 bits.
 */
void aml_close(struct aml *a)
{
	size_t start, body;
	uint32_t total;
	unsigned int n, i;
	uint8_t enc[4];

	if (a->err)
		return;
	if (!a->depth) {
		aml_fail(a, -EINVAL);
		return;
	}
	start = a->open[--a->depth];
	body = a->len - start - 1;
	if (body > PKG_LENGTH_MAX - 4) {
		aml_fail(a, -EINVAL);
		return;
	}
	if (body + 1 <= 0x3f)
		n = 1;
	else if (body + 2 <= 0xfff)
		n = 2;
	else if (body + 3 <= 0xfffff)
		n = 3;
	else
		n = 4;
	if (n - 1 > a->cap - a->len) {
		aml_fail(a, -ENOSPC);
		return;
	}
	total = body + n;
	if (n == 1) {
		enc[0] = total;
	} else {
		enc[0] = (n - 1) << 6 | (total & 0x0f);
		for (i = 1; i < n; i++)
			enc[i] = total >> (4 + 8 * (i - 1));
	}
	memmove(a->buf + start + n, a->buf + start + 1, body);
	memcpy(a->buf + start, enc, n);
	a->len += n - 1;
}

/* Integer constants in their shortest encoding (ACPI 6.5 20.2.3). */
void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0) {
		aml_byte(a, AML_ZERO);
	} else if (v == 1) {
		aml_byte(a, AML_ONE);
	} else if (v <= 0xff) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_le(a, v, 1);
	} else if (v <= 0xffff) {
		aml_byte(a, AML_WORD_PREFIX);
		aml_le(a, v, 2);
	} else if (v <= 0xffffffff) {
		aml_byte(a, AML_DWORD_PREFIX);
		aml_le(a, v, 4);
	} else {
		aml_byte(a, AML_QWORD_PREFIX);
		aml_le(a, v, 8);
	}
}

/* String: AsciiCharList (0x01-0x7f) and a NUL (ACPI 6.5 20.2.3). */
void aml_string(struct aml *a, const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] > 0x7f) {
			aml_fail(a, -EINVAL);
			return;
		}
	}
	aml_byte(a, AML_STRING_PREFIX);
	aml_bytes(a, s, n + 1);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * EISAID (the ASL operator, ACPI 6.5 chapter 19): a 32-bit compressed id.
 * The three letters of the vendor take 5 bits each ('A' is 1) in the first
 * two bytes, big-endian; the four hex digits of the product the next two
 * bytes, big-endian.
 */
void aml_eisaid(struct aml *a, const char *id)
{
	uint8_t b[4];
	unsigned int i, vendor = 0;
	int d[4];

	if (strlen(id) != 7) {
		aml_fail(a, -EINVAL);
		return;
	}
	for (i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z') {
			aml_fail(a, -EINVAL);
			return;
		}
		vendor = vendor << 5 | (id[i] - 'A' + 1);
	}
	for (i = 0; i < 4; i++) {
		d[i] = hex_digit(id[3 + i]);
		if (d[i] < 0) {
			aml_fail(a, -EINVAL);
			return;
		}
	}
	b[0] = vendor >> 8;
	b[1] = vendor;
	b[2] = d[0] << 4 | d[1];
	b[3] = d[2] << 4 | d[3];
	aml_byte(a, AML_DWORD_PREFIX);
	aml_bytes(a, b, sizeof(b));
}

/* DefBuffer: BufferOp PkgLength BufferSize ByteList (ACPI 6.5 20.2.5.4) */
void aml_buffer(struct aml *a, const void *bytes, size_t n)
{
	aml_byte(a, AML_BUFFER);
	aml_open(a);
	aml_integer(a, n);
	aml_bytes(a, bytes, n);
	aml_close(a);
}

/*
 * A ResourceTemplate is a buffer of resource descriptors that ends with an
 * end tag; its checksum byte 0 means "treat as correct" (ACPI 6.5 6.4.2.9).
 */
void aml_resource_template(struct aml *a, const struct aml_res *res)
{
	uint8_t body[sizeof(res->buf) + 2];

	if (res->err) {
		aml_fail(a, res->err);
		return;
	}
	memcpy(body, res->buf, res->len);
	body[res->len] = RES_END_TAG;
	body[res->len + 1] = 0;
	aml_buffer(a, body, res->len + 2);
}

/* NameSeg: a lead character A-Z or '_', then A-Z, 0-9 or '_'. */
static int name_char_ok(char c, int lead)
{
	if ((c >= 'A' && c <= 'Z') || c == '_')
		return 1;
	return !lead && c >= '0' && c <= '9';
}

/*
 * NameString (ACPI 6.5 20.2.2): an optional root '\' or parent '^'
 * prefixes, then NullName, one NameSeg, DualNamePrefix and two, or
 * MultiNamePrefix, a count and that many. Segments shorter than four
 * characters are padded with '_', as ASL compilers do.
 */
void aml_namestring(struct aml *a, const char *path)
{
	uint8_t segs[255][4];
	unsigned int nseg = 0, len;
	const char *p = path;

	if (!*p) {
		aml_fail(a, -EINVAL);	/* NullName only after a prefix */
		return;
	}
	if (*p == '\\') {
		aml_byte(a, AML_ROOT_CHAR);
		p++;
	} else {
		while (*p == '^') {
			aml_byte(a, AML_PARENT_PREFIX);
			p++;
		}
	}
	while (*p) {
		if (nseg == 255) {
			aml_fail(a, -EINVAL);
			return;
		}
		memset(segs[nseg], '_', 4);
		for (len = 0; p[len] && p[len] != '.'; len++) {
			if (len == 4 || !name_char_ok(p[len], len == 0)) {
				aml_fail(a, -EINVAL);
				return;
			}
			segs[nseg][len] = p[len];
		}
		if (!len) {
			aml_fail(a, -EINVAL);	/* "", "A..B", "A." */
			return;
		}
		nseg++;
		p += len;
		if (*p == '.' && !*++p) {
			aml_fail(a, -EINVAL);
			return;
		}
	}
	if (nseg == 0) {
		aml_byte(a, 0);			/* NullName */
	} else if (nseg == 2) {
		aml_byte(a, AML_DUAL_NAME_PREFIX);
	} else if (nseg > 2) {
		aml_byte(a, AML_MULTI_NAME_PREFIX);
		aml_byte(a, nseg);
	}
	aml_bytes(a, segs, 4 * nseg);
}

void aml_arg(struct aml *a, unsigned int n)
{
	if (n > 6) {
		aml_fail(a, -EINVAL);
		return;
	}
	aml_byte(a, AML_ARG0 + n);
}

void aml_name(struct aml *a, const char *path)
{
	aml_byte(a, AML_NAME);
	aml_namestring(a, path);
}

void aml_name_integer(struct aml *a, const char *path, uint64_t v)
{
	aml_name(a, path);
	aml_integer(a, v);
}

void aml_name_string(struct aml *a, const char *path, const char *s)
{
	aml_name(a, path);
	aml_string(a, s);
}

void aml_name_eisaid(struct aml *a, const char *path, const char *id)
{
	aml_name(a, path);
	aml_eisaid(a, id);
}

/* DefScope: ScopeOp PkgLength NameString TermList */
void aml_scope(struct aml *a, const char *path)
{
	aml_byte(a, AML_SCOPE);
	aml_open(a);
	aml_namestring(a, path);
}

/* DefDevice: DeviceOp (0x5b 0x82) PkgLength NameString TermList */
void aml_device(struct aml *a, const char *path)
{
	aml_byte(a, AML_EXT_PREFIX);
	aml_byte(a, AML_EXT_DEVICE);
	aml_open(a);
	aml_namestring(a, path);
}

/*
 * DefMethod: MethodOp PkgLength NameString MethodFlags TermList. The flags
 * hold the argument count in bits 2:0, SerializeFlag in bit 3 and the
 * SyncLevel (0 here) in bits 7:4.
 */
void aml_method(struct aml *a, const char *path, unsigned int nargs,
		int serialized)
{
	if (nargs > 7) {
		aml_fail(a, -EINVAL);
		return;
	}
	aml_byte(a, AML_METHOD);
	aml_open(a);
	aml_namestring(a, path);
	aml_byte(a, nargs | (serialized ? 0x08 : 0));
}

/* DefIfElse: IfOp PkgLength Predicate TermList */
void aml_if(struct aml *a)
{
	aml_byte(a, AML_IF);
	aml_open(a);
}

/* DefPackage: PackageOp PkgLength NumElements PackageElementList */
void aml_package(struct aml *a, unsigned int nelem)
{
	if (nelem > 0xff) {
		aml_fail(a, -EINVAL);
		return;
	}
	aml_byte(a, AML_PACKAGE);
	aml_open(a);
	aml_byte(a, nelem);
}

void aml_return(struct aml *a)
{
	aml_byte(a, AML_RETURN);
}

void aml_lequal(struct aml *a)
{
	aml_byte(a, AML_LEQUAL);
}

/* DefNotify: NotifyOp NotifyObject NotifyValue */
void aml_notify(struct aml *a, const char *path, uint64_t value)
{
	aml_byte(a, AML_NOTIFY);
	aml_namestring(a, path);
	aml_integer(a, value);
}

void aml_res_init(struct aml_res *r)
{
	memset(r, 0, sizeof(*r));
}

static void res_bytes(struct aml_res *r, const uint8_t *p, size_t n)
{
	if (r->err)
		return;
	if (n > sizeof(r->buf) - r->len) {
		r->err = -ENOSPC;
		return;
	}
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

/*
 * I/O port descriptor (ACPI 6.5 6.4.2.5), 16-bit decode, one fixed range:
 * minimum = maximum = @base, alignment 1, @len ports.
 */
void aml_res_io(struct aml_res *r, uint16_t base, uint8_t len)
{
	const uint8_t d[8] = {
		RES_IO, 0x01, base, base >> 8, base, base >> 8, 1, len,
	};

	res_bytes(r, d, sizeof(d));
}

/* Fixed 32-bit memory range descriptor (ACPI 6.5 6.4.3.4) */
void aml_res_memory32_fixed(struct aml_res *r, uint32_t base, uint32_t len,
			    int writable)
{
	const uint8_t d[12] = {
		RES_MEMORY32_FIXED, 9, 0, writable ? 1 : 0,
		base, base >> 8, base >> 16, base >> 24,
		len, len >> 8, len >> 16, len >> 24,
	};

	res_bytes(r, d, sizeof(d));
}

/*
 * Extended interrupt descriptor (ACPI 6.5 6.4.3.6) with one interrupt,
 * consumed by the device (flags bit 0); @flags: AML_IRQ_*.
 */
void aml_res_interrupt(struct aml_res *r, uint32_t gsi, unsigned int flags)
{
	const uint8_t d[9] = {
		RES_EXT_IRQ, 6, 0,
		0x01 | (flags & (AML_IRQ_EDGE | AML_IRQ_ACTIVE_LOW |
				 AML_IRQ_SHARED)),
		1, gsi, gsi >> 8, gsi >> 16, gsi >> 24,
	};

	res_bytes(r, d, sizeof(d));
}
