// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the x86 guest's ACPI tables (tools/hvctl/vmm/x86/acpi/:
 * aml.c, tables.c, compiled into this program).
 *
 * tables: builds the tables for 1, 4 and 256 vCPUs with two virtio-mmio
 * slots into a fake guest RAM and walks RSDP -> XSDT -> FADT/MADT -> DSDT,
 * checking every checksum, length and the fields the guest relies on.
 * Then each table goes through Debian's acpica-tools: "iasl -d" must
 * disassemble it without a warning or error (a bad checksum is a
 * "Firmware Warning", bad AML a parse error), the DSDT's source must name
 * the devices, and compiling that source again ("iasl -on": no namepath
 * shortening) must give back our bytes, header aside. So our AML encodes
 * exactly what iasl encodes for the same ASL. acpiexec, ACPICA's
 * interpreter, then runs the power button event and the S5 entry.
 *
 * encode_*: the encoder's encodings against the spec's, its bounds and errors.
 * build_*: bad configurations and every table_size too small are refused
 * without a byte written outside the region.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "acpi.h"
#include "aml.h"

#define RAM_SIZE	0x100000
#define TABLE_GPA	HVCTL_ACPI_TABLE_GPA
#define TABLE_SIZE	HVCTL_ACPI_TABLE_SIZE
#define GUARD		0xa5
#define NR_VIRTIO	2

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static void config(struct hvctl_acpi_config *cfg, unsigned int nr_vcpus)
{
	unsigned int i;

	hvctl_acpi_default_config(cfg, nr_vcpus);
	cfg->nr_virtio = NR_VIRTIO;
	for (i = 0; i < NR_VIRTIO; i++) {
		cfg->virtio[i].base = 0xd0000000 + 0x200 * i;
		cfg->virtio[i].size = 0x200;
		cfg->virtio[i].gsi = 16 + i;
	}
}

/* Whether RAM outside [@from, @to) still holds the guard pattern */
static int guard_intact(const uint8_t *ram, uint64_t from, uint64_t to)
{
	uint64_t i;

	for (i = 0; i < RAM_SIZE; i++) {
		if ((i < from || i >= to) && ram[i] != GUARD)
			return 0;
	}
	return 1;
}

FIXTURE(tables) {
	uint8_t *ram;
	struct hvctl_acpi_config cfg;
	uint64_t rsdp;
	long len;
};

FIXTURE_VARIANT(tables) {
	unsigned int nr_vcpus;
};

FIXTURE_VARIANT_ADD(tables, vcpus_1) { .nr_vcpus = 1 };
FIXTURE_VARIANT_ADD(tables, vcpus_4) { .nr_vcpus = 4 };
/* 255 local APIC entries, then one local x2APIC entry */
FIXTURE_VARIANT_ADD(tables, vcpus_256) { .nr_vcpus = 256 };

FIXTURE_SETUP(tables)
{
	self->ram = malloc(RAM_SIZE);
	ASSERT_NE(NULL, self->ram);
	memset(self->ram, GUARD, RAM_SIZE);
	config(&self->cfg, variant->nr_vcpus);
	self->len = hvctl_acpi_build(self->ram, RAM_SIZE, TABLE_GPA, TABLE_SIZE,
				     &self->cfg, &self->rsdp);
	ASSERT_LT(0, self->len);
	ASSERT_GE(TABLE_SIZE, self->len);
	ASSERT_TRUE(guard_intact(self->ram, TABLE_GPA, TABLE_GPA + self->len));
}

FIXTURE_TEARDOWN(tables)
{
	free(self->ram);
}

/*
 * The table at @gpa: inside what the build wrote, with signature @sig, a
 * length that covers the header and, when @sum, a checksum that sums to
 * zero (the iasl test leaves that to iasl, so that it is checked twice).
 */
static const uint8_t *table(struct __test_metadata *_metadata,
			    FIXTURE_DATA(tables) *self, uint64_t gpa,
			    const char *sig, int sum)
{
	const uint8_t *t = self->ram + gpa;
	uint32_t len;

	ASSERT_LE(TABLE_GPA, gpa);
	ASSERT_GE(TABLE_GPA + self->len - 36, gpa);
	ASSERT_EQ(0, memcmp(t, sig, 4));
	len = le(t + 4, 4);
	ASSERT_LE(36, len);
	ASSERT_GE(TABLE_GPA + self->len, gpa + len);
	if (sum)
		ASSERT_EQ(0, sum8(t, len));
	return t;
}

static uint32_t table_len(const uint8_t *t)
{
	return le(t + 4, 4);
}

/* A Generic Address Structure: 8-bit register in @space at @addr */
static int gas8_is(const uint8_t *g, uint8_t space, uint64_t addr)
{
	return g[0] == space && g[1] == 8 && g[2] == 0 && g[3] == 1 &&
	       le(g + 4, 8) == addr;
}

static int all_zero(const uint8_t *p, size_t n)
{
	while (n--) {
		if (*p++)
			return 0;
	}
	return 1;
}

static void check_fadt(struct __test_metadata *_metadata, const uint8_t *f)
{
	uint32_t flags = le(f + 112, 4);

	ASSERT_EQ(276, table_len(f));
	ASSERT_EQ(6, f[8]);
	ASSERT_EQ(3, f[131]);			/* minor version */
	ASSERT_TRUE(flags & (1u << 20));	/* HW_REDUCED_ACPI */
	ASSERT_TRUE(flags & (1u << 10));	/* RESET_REG_SUP */
	ASSERT_EQ(0, le(f + 46, 2));		/* SCI_INT */
	ASSERT_EQ(0, le(f + 36, 4));		/* FIRMWARE_CTRL */
	ASSERT_EQ(0, le(f + 132, 8));		/* X_FIRMWARE_CTRL */
	/* PM1, PM2, PM timer, GPE blocks (32-bit and X_) all absent */
	ASSERT_TRUE(all_zero(f + 56, 94 - 56));
	ASSERT_TRUE(all_zero(f + 148, 244 - 148));
	ASSERT_TRUE(gas8_is(f + 116, HVCTL_ACPI_SPACE_IO,
			    HVCTL_ACPI_RESET_PORT));
	ASSERT_EQ(HVCTL_ACPI_RESET_VALUE, f[128]);
	ASSERT_TRUE(gas8_is(f + 244, HVCTL_ACPI_SPACE_IO,
			    HVCTL_ACPI_SLEEP_CTL_PORT));
	ASSERT_TRUE(gas8_is(f + 256, HVCTL_ACPI_SPACE_IO,
			    HVCTL_ACPI_SLEEP_STS_PORT));
	ASSERT_EQ(HVCTL_ACPI_BOOT_NO_VGA | HVCTL_ACPI_BOOT_NO_CMOS_RTC,
		  le(f + 109, 2));
	ASSERT_EQ(0, le(f + 40, 4));		/* DSDT: X_DSDT is set */
}

static void check_madt(struct __test_metadata *_metadata, const uint8_t *m,
		       unsigned int nr_vcpus)
{
	uint32_t len = table_len(m), off = 44;
	unsigned int cpus = 0, ioapics = 0;
	const uint8_t *e;

	ASSERT_EQ(HVCTL_ACPI_LAPIC_GPA, le(m + 36, 4));
	ASSERT_EQ(0, le(m + 40, 4));		/* no 8259 (PCAT_COMPAT) */
	while (off < len) {
		e = m + off;
		ASSERT_LE(off + 2, len);
		ASSERT_LE(2, e[1]);
		ASSERT_LE(off + e[1], len);
		switch (e[0]) {
		case 0:				/* Local APIC */
			ASSERT_EQ(8, e[1]);
			ASSERT_GT(255, cpus);
			ASSERT_EQ(cpus, e[2]);	/* UID */
			ASSERT_EQ(cpus, e[3]);	/* APIC ID */
			ASSERT_EQ(1, le(e + 4, 4));
			cpus++;
			break;
		case 9:				/* Local x2APIC */
			ASSERT_EQ(16, e[1]);
			ASSERT_LE(255, cpus);
			ASSERT_EQ(cpus, le(e + 4, 4));
			ASSERT_EQ(1, le(e + 8, 4));
			ASSERT_EQ(cpus, le(e + 12, 4));
			cpus++;
			break;
		case 1:				/* I/O APIC */
			ASSERT_EQ(12, e[1]);
			ASSERT_EQ(0, e[2]);
			ASSERT_EQ(HVCTL_ACPI_IOAPIC_GPA, le(e + 4, 4));
			ASSERT_EQ(0, le(e + 8, 4));
			ioapics++;
			break;
		default:
			TH_LOG("unexpected MADT entry type %u", e[0]);
			ASSERT_TRUE(0);
		}
		off += e[1];
	}
	ASSERT_EQ(len, off);
	ASSERT_EQ(nr_vcpus, cpus);
	ASSERT_EQ(1, ioapics);
}

/* Decodes the PkgLength at @p: the length, and its size in *@n. */
static uint32_t pkg_length(const uint8_t *p, unsigned int *n)
{
	unsigned int i;
	uint32_t v;

	*n = (p[0] >> 6) + 1;
	if (*n == 1)
		return p[0] & 0x3f;
	v = p[0] & 0x0f;
	for (i = 1; i < *n; i++)
		v |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	return v;
}

/*
 * The DSDT's top level, decoded here without iasl: Scope (\_SB) {...}
 * whose PkgLength must end exactly where Name (\_S5, Package {...})
 * starts, and that package must end exactly at the table's end.
 */
static void check_dsdt(struct __test_metadata *_metadata, const uint8_t *d)
{
	static const uint8_t s5[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12 };
	uint32_t len = table_len(d), scope, pkg;
	const uint8_t *e;
	unsigned int n;

	ASSERT_EQ(2, d[8]);
	ASSERT_EQ(0x10, d[36]);			/* ScopeOp */
	scope = pkg_length(d + 37, &n);
	ASSERT_EQ(0, memcmp(d + 37 + n, "\\_SB_", 5));
	ASSERT_GE(len, 37 + scope + sizeof(s5));
	ASSERT_EQ(0, memcmp(d + 37 + scope, s5, sizeof(s5)));
	pkg = pkg_length(d + 37 + scope + sizeof(s5), &n);
	ASSERT_EQ(len, 37 + scope + sizeof(s5) + pkg);
	/* 4 elements, the first SLP_TYPa as a ByteConst */
	e = d + 37 + scope + sizeof(s5) + n;
	ASSERT_EQ(4, e[0]);
	ASSERT_EQ(0x0a, e[1]);
	/* What Linux writes to enter S5 (acpi_hw_extended_sleep()) */
	ASSERT_TRUE(hvctl_acpi_sleep_ctl_is_poweroff((e[2] << 2 & 0x1c) | 0x20));
	ASSERT_FALSE(hvctl_acpi_sleep_ctl_is_poweroff(e[2] << 2 & 0x1c));
}

TEST_F(tables, walk)
{
	const uint8_t *r = self->ram + self->rsdp, *x, *f = NULL, *m = NULL;
	unsigned int i, n;
	const uint8_t *t;

	/* RSDP: in the BIOS area, 16-byte aligned, where Linux scans */
	ASSERT_EQ(TABLE_GPA, self->rsdp);
	ASSERT_EQ(0, memcmp(r, "RSD PTR ", 8));
	ASSERT_EQ(0, sum8(r, 20));
	ASSERT_EQ(2, r[15]);
	ASSERT_EQ(36, le(r + 20, 4));
	ASSERT_EQ(0, sum8(r, 36));

	x = table(_metadata, self, le(r + 24, 8), "XSDT", 1);
	ASSERT_EQ(0, (table_len(x) - 36) % 8);
	n = (table_len(x) - 36) / 8;
	ASSERT_EQ(2, n);
	for (i = 0; i < n; i++) {
		t = self->ram + le(x + 36 + 8 * i, 8);
		if (!memcmp(t, "FACP", 4))
			f = table(_metadata, self, le(x + 36 + 8 * i, 8), "FACP",
				  1);
		else
			m = table(_metadata, self, le(x + 36 + 8 * i, 8), "APIC",
				  1);
	}
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, m);
	check_fadt(_metadata, f);
	check_madt(_metadata, m, variant->nr_vcpus);
	check_dsdt(_metadata,
		   table(_metadata, self, le(f + 140, 8), "DSDT", 1));
}

/* Reads the whole of @path (NUL-terminated), or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	n = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
	if (n >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = calloc(1, n + 1);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* Runs "cd @dir && @cmd > log 2>&1": the exit status, the log in *@log. */
static int run_in(const char *dir, const char *cmd, char **log)
{
	char line[512], path[256];
	int st;

	snprintf(line, sizeof(line), "cd '%s' && %s >log 2>&1", dir, cmd);
	st = system(line);
	snprintf(path, sizeof(path), "%s/log", dir);
	*log = slurp(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Writes table @t into @dir/@name.dat */
static void dump(struct __test_metadata *_metadata, const char *dir,
		 const char *name, const uint8_t *t)
{
	uint32_t len = table_len(t);
	char path[256];
	FILE *out;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	out = fopen(path, "wb");
	ASSERT_NE(NULL, out);
	ASSERT_EQ(len, fwrite(t, 1, len, out));
	ASSERT_EQ(0, fclose(out));
}

/*
 * "iasl -d NAME.dat" must succeed without a warning or an error, and
 * "iasl -on NAME.dsl" must compile the result back into NAME.aml, equal to
 * @t but for the checksum and the compiler's id and revision. Returns the
 * disassembly (NAME.dsl), to be freed.
 */
static char *iasl_round_trip(struct __test_metadata *_metadata,
			     const char *dir, const char *name,
			     const uint8_t *t)
{
	uint32_t len = table_len(t), i;
	char cmd[128], path[256], *log, *dsl, *aml;
	int st;

	dump(_metadata, dir, name, t);
	snprintf(cmd, sizeof(cmd), "iasl -d %s.dat", name);
	st = run_in(dir, cmd, &log);
	ASSERT_NE(NULL, log);
	if (st || strstr(log, "Warning") || strstr(log, "Error") ||
	    strstr(log, "error"))
		TH_LOG("iasl -d %s.dat: status %d%s\n%s", name, st,
		       st == 127 ? " (install acpica-tools: make setup)" : "",
		       log);
	ASSERT_EQ(0, st);
	ASSERT_EQ(NULL, strstr(log, "Warning"));
	ASSERT_EQ(NULL, strstr(log, "Error"));
	ASSERT_EQ(NULL, strstr(log, "error"));
	free(log);

	snprintf(cmd, sizeof(cmd), "iasl -on %s.dsl", name);
	st = run_in(dir, cmd, &log);
	ASSERT_NE(NULL, log);
	if (st || !strstr(log, " 0 Errors, 0 Warnings, 0 Remarks"))
		TH_LOG("iasl -on %s.dsl: status %d\n%s", name, st, log);
	ASSERT_EQ(0, st);
	ASSERT_NE(NULL, strstr(log, " 0 Errors, 0 Warnings, 0 Remarks"));
	free(log);

	snprintf(path, sizeof(path), "%s/%s.aml", dir, name);
	aml = slurp(path);
	ASSERT_NE(NULL, aml);
	ASSERT_EQ(len, table_len((uint8_t *)aml));
	for (i = 0; i < len; i++) {
		/* 9: checksum; 28-35: compiler id and revision */
		if (i == 9 || (i >= 28 && i < 36))
			continue;
		if ((uint8_t)aml[i] != t[i])
			TH_LOG("%s: byte %u is 0x%02x, iasl's 0x%02x", name, i,
			       t[i], (uint8_t)aml[i]);
		ASSERT_EQ((uint8_t)aml[i], t[i]);
	}
	free(aml);

	snprintf(path, sizeof(path), "%s/%s.dsl", dir, name);
	dsl = slurp(path);
	ASSERT_NE(NULL, dsl);
	return dsl;
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

static void check_dsdt_source(struct __test_metadata *_metadata,
			      const char *dsl, unsigned int nr_vcpus)
{
	static const char *const want[] = {
		"Name (_HID, EisaId (\"PNP0501\")",
		"IO (Decode16,\n                    0x03F8,",
		"Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, )\n"
		"                {\n                    0x00000004,",
		"Memory32Fixed (ReadWrite,\n                    0xD0000000,",
		"Memory32Fixed (ReadWrite,\n                    0xD0000200,",
		"Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive, ,, )\n"
		"                {\n                    0x00000011,",
		"Device (PWRB)",
		"Name (_HID, EisaId (\"PNP0C0C\")",
		"Device (GED0)",
		"Name (_HID, \"ACPI0013\"",
		"Method (_EVT, 1, NotSerialized)",
		"If ((Arg0 == 0x09))",
		"Notify (\\_SB.PWRB, 0x80)",
		"Name (\\_S5, Package (0x04)",
	};
	char last[32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		if (!strstr(dsl, want[i]))
			TH_LOG("missing from the DSDT: %s", want[i]);
		ASSERT_NE(NULL, strstr(dsl, want[i]));
	}
	ASSERT_EQ(NR_VIRTIO, count(dsl, "Name (_HID, \"LNRO0005\")"));
	ASSERT_EQ(nr_vcpus, count(dsl, "Name (_HID, \"ACPI0007\""));
	snprintf(last, sizeof(last), "Device (C%03X)", nr_vcpus - 1);
	ASSERT_NE(NULL, strstr(dsl, last));
}

TEST_F(tables, iasl)
{
	const uint8_t *r = self->ram + self->rsdp, *x, *f, *m;
	char dir[] = "/tmp/acpi_test.XXXXXX", rm[64], *dsl;

	ASSERT_NE(NULL, mkdtemp(dir));
	x = table(_metadata, self, le(r + 24, 8), "XSDT", 0);
	f = table(_metadata, self, le(x + 36, 8), "FACP", 0);
	m = table(_metadata, self, le(x + 44, 8), "APIC", 0);
	free(iasl_round_trip(_metadata, dir, "xsdt", x));
	free(iasl_round_trip(_metadata, dir, "facp", f));
	free(iasl_round_trip(_metadata, dir, "apic", m));
	dsl = iasl_round_trip(_metadata, dir, "dsdt",
			      table(_metadata, self, le(f + 140, 8), "DSDT", 0));
	check_dsdt_source(_metadata, dsl, variant->nr_vcpus);
	free(dsl);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	ASSERT_EQ(0, system(rm));
}

/*
 * The tables in ACPICA's interpreter (acpiexec, the same code as Linux's
 * drivers/acpi/acpica): the GED's _EVT with its own GSI notifies PWRB with
 * 0x80 and with another GSI nothing; entering S5 finds \_S5 (SLP_TYP 5)
 * and takes the hardware-reduced path (HwExtendedSleep, which writes the
 * sleep control register), not the PM1 one.
 */
TEST_F(tables, acpiexec)
{
	static const char evt[] = "Evaluate \\_SB.GED0._EVT";
	const uint8_t *r = self->ram + self->rsdp, *x, *f;
	char dir[] = "/tmp/acpi_test.XXXXXX", rm[64], cmd[128], *log, *p;
	int st;

	ASSERT_NE(NULL, mkdtemp(dir));
	x = table(_metadata, self, le(r + 24, 8), "XSDT", 1);
	f = table(_metadata, self, le(x + 36, 8), "FACP", 1);
	dump(_metadata, dir, "facp", f);
	dump(_metadata, dir, "apic",
	     table(_metadata, self, le(x + 44, 8), "APIC", 1));
	dump(_metadata, dir, "dsdt",
	     table(_metadata, self, le(f + 140, 8), "DSDT", 1));
	snprintf(cmd, sizeof(cmd), "acpiexec -b \"%s 9; %s 8; Sleep 5\" %s", evt,
		 evt, "facp.dat apic.dat dsdt.dat");
	st = run_in(dir, cmd, &log);
	ASSERT_NE(NULL, log);
	p = strstr(log, "Received a Device Notify on [PWRB]");
	if (st || strcasestr(log, "error") || strcasestr(log, "warning") ||
	    !p || count(log, "Device Notify") != 1 ||
	    !strstr(p, "Value 0x80") || !strstr(log, "Sleep-A: 05") ||
	    !strstr(log, "HwExtendedSleep"))
		TH_LOG("acpiexec: status %d\n%s", st, log);
	ASSERT_EQ(0, st);
	ASSERT_EQ(NULL, strcasestr(log, "error"));
	ASSERT_EQ(NULL, strcasestr(log, "warning"));
	ASSERT_NE(NULL, p);
	ASSERT_EQ(1, count(log, "Device Notify"));
	ASSERT_NE(NULL, strstr(p, "Value 0x80"));
	ASSERT_NE(NULL, strstr(log, "Sleep-A: 05"));
	ASSERT_NE(NULL, strstr(log, "HwExtendedSleep"));
	free(log);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	ASSERT_EQ(0, system(rm));
}

/* Poweroff is SLP_EN with SLP_TYP 5; the other bits do not matter. */
TEST(sleep_ctl)
{
	unsigned int v;

	for (v = 0; v < 256; v++)
		ASSERT_EQ((v & 0x3c) == 0x34,
			  hvctl_acpi_sleep_ctl_is_poweroff(v));
}

/* The encoder: writes @fn's output into a fresh buffer, returns finish(). */
#define ENCODE(a, buf, stmts)						\
	({ aml_init(&(a), (buf), sizeof(buf)); stmts; aml_finish(&(a)); })

TEST(encode_integer)
{
	static const struct {
		uint64_t v;
		uint8_t len, bytes[9];
	} vec[] = {
		{ 0, 1, { 0x00 } },
		{ 1, 1, { 0x01 } },
		{ 2, 2, { 0x0a, 0x02 } },
		{ 0xff, 2, { 0x0a, 0xff } },
		{ 0x100, 3, { 0x0b, 0x00, 0x01 } },
		{ 0x12345678, 5, { 0x0c, 0x78, 0x56, 0x34, 0x12 } },
		{ 1ull << 32, 9, { 0x0e, 0, 0, 0, 0, 1, 0, 0, 0 } },
	};
	uint8_t buf[16];
	struct aml a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vec); i++) {
		ASSERT_EQ(vec[i].len, ENCODE(a, buf, aml_integer(&a, vec[i].v)));
		ASSERT_EQ(0, memcmp(buf, vec[i].bytes, vec[i].len));
	}
}

TEST(encode_namestring)
{
	static const struct {
		const char *path;
		int len;
		const char *bytes;
	} vec[] = {
		{ "_HID", 4, "_HID" },
		{ "\\_SB", 5, "\\_SB_" },
		{ "\\_SB.PWRB", 10, "\\\x2e_SB_PWRB" },
		{ "^^AB", 6, "^^AB__" },
		{ "A.B.C", 14, "\057\003A___B___C___" },
		{ "\\", 2, "\\\0" },
		{ "", -EINVAL, NULL },
		{ "1ABC", -EINVAL, NULL },
		{ "ABCDE", -EINVAL, NULL },
		{ "A..B", -EINVAL, NULL },
		{ "A.", -EINVAL, NULL },
		{ "abc", -EINVAL, NULL },
		{ "\\^A", -EINVAL, NULL },
	};
	uint8_t buf[32];
	struct aml a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vec); i++) {
		if (ENCODE(a, buf, aml_namestring(&a, vec[i].path)) !=
		    vec[i].len)
			TH_LOG("%s", vec[i].path);
		ASSERT_EQ(vec[i].len,
			  ENCODE(a, buf, aml_namestring(&a, vec[i].path)));
		if (vec[i].bytes)
			ASSERT_EQ(0, memcmp(buf, vec[i].bytes, vec[i].len));
	}
}

TEST(encode_eisaid)
{
	static const uint8_t pnp0c0c[] = { 0x0c, 0x41, 0xd0, 0x0c, 0x0c };
	static const uint8_t pnp0501[] = { 0x0c, 0x41, 0xd0, 0x05, 0x01 };
	uint8_t buf[8];
	struct aml a;

	ASSERT_EQ(5, ENCODE(a, buf, aml_eisaid(&a, "PNP0C0C")));
	ASSERT_EQ(0, memcmp(buf, pnp0c0c, 5));
	ASSERT_EQ(5, ENCODE(a, buf, aml_eisaid(&a, "PNP0501")));
	ASSERT_EQ(0, memcmp(buf, pnp0501, 5));
	ASSERT_EQ(-EINVAL, ENCODE(a, buf, aml_eisaid(&a, "pnp0c0c")));
	ASSERT_EQ(-EINVAL, ENCODE(a, buf, aml_eisaid(&a, "PNP0C0")));
	ASSERT_EQ(-EINVAL, ENCODE(a, buf, aml_eisaid(&a, "PNP0C0G")));
}

/*
 * PkgLength in one to four bytes (ACPI 6.5 20.2.4), around each size
 * boundary: a buffer of n bytes, decoded back; the length must count
 * itself and reach exactly the end, in the fewest bytes that hold it.
 */
TEST(encode_pkglength)
{
	static const size_t sizes[] = {
		0, 1, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 4085, 4086,
		4087, 4088, 4089, 4090, 4091, 4092, 0xffff0, 0xffff8, 0xffff9,
		0xffffa, 0xffffb, 0xffffc, 0x100000, 0x200000,
	};
	static uint8_t buf[0x200100], bytes[0x200000];
	unsigned int i, n, want;
	struct aml a;
	uint32_t len;
	long total;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		total = ENCODE(a, buf, aml_buffer(&a, bytes, sizes[i]));
		ASSERT_LT(0, total);
		ASSERT_EQ(0x11, buf[0]);
		len = pkg_length(buf + 1, &n);
		ASSERT_EQ(total, 1 + len);
		want = len <= 0x3f ? 1 : len <= 0xfff ? 2 :
		       len <= 0xfffff ? 3 : 4;
		ASSERT_EQ(want, n);
		if (n > 1)
			ASSERT_EQ(0, buf[1] & 0x30);	/* bits 5:4 zero */
	}
	/*
	 * At the edge: If { Buffer (58) } has a body of 1 + 1 + 2 + 58 = 62
	 * bytes, PkgLength 63 (0x3f, one byte); with Buffer (59), 63 bytes
	 * need a two-byte PkgLength: 65, encoded 0x41 0x04.
	 */
	aml_init(&a, buf, sizeof(buf));
	aml_if(&a);
	aml_buffer(&a, bytes, 58);
	aml_close(&a);
	ASSERT_EQ(64, aml_finish(&a));
	ASSERT_EQ(0x3f, buf[1]);
	aml_init(&a, buf, sizeof(buf));
	aml_if(&a);
	aml_buffer(&a, bytes, 59);
	aml_close(&a);
	ASSERT_EQ(66, aml_finish(&a));
	ASSERT_EQ(0x41, buf[1]);
	ASSERT_EQ(0x04, buf[2]);
}

/* Nothing is written past the buffer; the error is sticky. */
TEST(encode_bounds)
{
	uint8_t buf[64];
	struct aml a;
	unsigned int cap, i;

	for (cap = 0; cap < 40; cap++) {
		memset(buf, GUARD, sizeof(buf));
		aml_init(&a, buf, cap);
		aml_device(&a, "\\_SB.DEV0");
		aml_name_string(&a, "_HID", "LNRO0005");
		aml_name_integer(&a, "_UID", 0x1234);
		aml_close(&a);
		ASSERT_EQ(cap < 36 ? -ENOSPC : 36, aml_finish(&a));
		for (i = cap; i < sizeof(buf); i++)
			ASSERT_EQ(GUARD, buf[i]);
	}
	/* An error stays: nothing after it is written */
	aml_init(&a, buf, sizeof(buf));
	aml_integer(&a, 7);
	aml_name(&a, "bad");
	aml_integer(&a, 8);
	ASSERT_EQ(-EINVAL, aml_finish(&a));
	ASSERT_EQ(2 + 1, a.len);		/* 0a 07, NameOp */
}

TEST(encode_nesting)
{
	uint8_t buf[256];
	struct aml a;
	unsigned int i;

	ASSERT_EQ(-EINVAL, ENCODE(a, buf, aml_close(&a)));
	ASSERT_EQ(-EINVAL, ENCODE(a, buf, aml_scope(&a, "\\_SB")));
	aml_init(&a, buf, sizeof(buf));
	for (i = 0; i <= AML_MAX_DEPTH; i++)
		aml_if(&a);
	ASSERT_EQ(-EINVAL, aml_finish(&a));
	ASSERT_EQ(-EINVAL, ENCODE(a, buf, aml_arg(&a, 7)));
	ASSERT_EQ(-EINVAL, ENCODE(a, buf, aml_method(&a, "M", 8, 0)));
	ASSERT_EQ(-EINVAL, ENCODE(a, buf, aml_string(&a, "caf\xc3\xa9")));
}

/* Bad configurations are refused before anything is written. */
TEST(build_config)
{
	struct hvctl_acpi_config cfg;
	uint8_t *ram = malloc(RAM_SIZE);
	uint64_t rsdp = 0;

	ASSERT_NE(NULL, ram);
	memset(ram, GUARD, RAM_SIZE);
#define REFUSED(gpa, size, change) ({					\
	config(&cfg, 2);						\
	change;								\
	hvctl_acpi_build(ram, RAM_SIZE, gpa, size, &cfg, &rsdp) == -EINVAL; })
	ASSERT_TRUE(REFUSED(TABLE_GPA, TABLE_SIZE, cfg.nr_vcpus = 0));
	ASSERT_TRUE(REFUSED(TABLE_GPA, TABLE_SIZE,
			    cfg.nr_vcpus = HVCTL_ACPI_MAX_VCPUS + 1));
	ASSERT_TRUE(REFUSED(TABLE_GPA, TABLE_SIZE,
			    cfg.nr_virtio = HVCTL_ACPI_MAX_VIRTIO + 1));
	ASSERT_TRUE(REFUSED(TABLE_GPA, TABLE_SIZE, cfg.virtio[1].size = 0));
	ASSERT_TRUE(REFUSED(TABLE_GPA, TABLE_SIZE,
			    cfg.virtio[1].base = 0xffffff00));
	ASSERT_TRUE(REFUSED(TABLE_GPA, TABLE_SIZE, cfg.sleep_ctl.addr = 0));
	ASSERT_TRUE(REFUSED(TABLE_GPA, TABLE_SIZE, cfg.sleep_sts.addr = 0));
	ASSERT_TRUE(REFUSED(TABLE_GPA, TABLE_SIZE, cfg.reset.addr = 0x10000));
	ASSERT_TRUE(REFUSED(TABLE_GPA, TABLE_SIZE, cfg.reset.space = 2));
	ASSERT_TRUE(REFUSED(TABLE_GPA, TABLE_SIZE, cfg.uart_port = 0xfffc));
	ASSERT_TRUE(REFUSED(TABLE_GPA + 8, TABLE_SIZE, (void)0));
	ASSERT_TRUE(REFUSED(RAM_SIZE - 0x100, 0x200, (void)0));
	ASSERT_TRUE(REFUSED(RAM_SIZE + 0x100, 0, (void)0));
	ASSERT_TRUE(REFUSED(TABLE_GPA, UINT64_MAX - 0x10, (void)0));
#undef REFUSED
	ASSERT_TRUE(guard_intact(ram, 0, 0));
	ASSERT_EQ(0, rsdp);
	free(ram);
}

/*
 * Every region smaller than the tables need is refused with -ENOSPC and
 * nothing is written outside it; the exact size works.
 */
TEST(build_space)
{
	struct hvctl_acpi_config cfg;
	uint8_t *ram = malloc(RAM_SIZE);
	uint64_t rsdp;
	long need, size;

	ASSERT_NE(NULL, ram);
	config(&cfg, 4);
	memset(ram, GUARD, RAM_SIZE);
	need = hvctl_acpi_build(ram, RAM_SIZE, TABLE_GPA, TABLE_SIZE, &cfg,
				&rsdp);
	ASSERT_LT(0, need);
	for (size = 0; size < need; size++) {
		memset(ram, GUARD, RAM_SIZE);
		ASSERT_EQ(-ENOSPC, hvctl_acpi_build(ram, RAM_SIZE, TABLE_GPA,
						    size, &cfg, &rsdp));
		ASSERT_TRUE(guard_intact(ram, TABLE_GPA, TABLE_GPA + size));
	}
	memset(ram, GUARD, RAM_SIZE);
	ASSERT_EQ(need, hvctl_acpi_build(ram, RAM_SIZE, TABLE_GPA, need, &cfg,
					 &rsdp));
	ASSERT_TRUE(guard_intact(ram, TABLE_GPA, TABLE_GPA + need));
	free(ram);
}

TEST_HARNESS_MAIN
