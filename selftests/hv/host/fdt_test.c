// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of the arm64 guest's device tree (tools/hvctl/vmm/arm64/fdt.c,
 * compiled into this program): the tree for 1 and 2 vCPUs with 2 virtio
 * slots, read back with libfdt node by node, then decompiled by dtc
 * (`dtc -I dtb -O dts`), which must exit 0 without a warning and print
 * the nodes. Needs dtc (device-tree-compiler) on the PATH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <libfdt.h>

#include "kselftest_harness.h"
#include "hvctl_fdt.h"
#include "virt.h"

#define RAM_SIZE	(256ULL << 20)
#define INITRD_START	0x48000000ULL
#define INITRD_END	0x48123458ULL
#define BOOTARGS	"console=ttyAMA0 earlycon=pl011,0x09000000"

FIXTURE(fdt) {
	char buf[64 * 1024];
	int size;
};

FIXTURE_VARIANT(fdt) {
	unsigned int nr_cpus;
};

FIXTURE_VARIANT_ADD(fdt, one_vcpu) { .nr_cpus = 1 };
FIXTURE_VARIANT_ADD(fdt, two_vcpus) { .nr_cpus = 2 };

FIXTURE_SETUP(fdt)
{
	struct hvctl_fdt_config cfg = {
		.ram_base = HVCTL_VIRT_RAM_BASE, .ram_size = RAM_SIZE,
		.nr_cpus = variant->nr_cpus, .nr_virtio = 2,
		.bootargs = BOOTARGS,
		.initrd_start = INITRD_START, .initrd_end = INITRD_END,
	};

	self->size = hvctl_fdt_build(&cfg, self->buf, sizeof(self->buf));
	ASSERT_LT(0, self->size)
		TH_LOG("hvctl_fdt_build: %s", fdt_strerror(self->size));
	ASSERT_EQ(0, fdt_check_header(self->buf));
	ASSERT_EQ(self->size, (int)fdt_totalsize(self->buf));
}

FIXTURE_TEARDOWN(fdt) {}

/* The property @name of @path: its bytes, *len set; fails the test if absent. */
static const void *prop(struct __test_metadata *_metadata, const void *fdt,
			const char *path, const char *name, int *len)
{
	int node = fdt_path_offset(fdt, path);
	const void *p;

	if (node < 0) {
		TH_LOG("no node %s: %s", path, fdt_strerror(node));
		return NULL;
	}
	p = fdt_getprop(fdt, node, name, len);
	if (!p)
		TH_LOG("%s has no %s", path, name);
	return p;
}

static uint32_t cell(const void *p, int i)
{
	return fdt32_to_cpu(((const fdt32_t *)p)[i]);
}

static uint64_t cell64(const void *p, int i)
{
	return ((uint64_t)cell(p, 2 * i) << 32) | cell(p, 2 * i + 1);
}

/* A string list property holds @want among its strings. */
static int has_string(const char *p, int len, const char *want)
{
	int off;

	for (off = 0; off < len; off += strlen(p + off) + 1)
		if (!strcmp(p + off, want))
			return 1;
	return 0;
}

/* Checks an interrupts property of one specifier. */
static void check_irq(struct __test_metadata *_metadata, const void *fdt,
		      const char *path, uint32_t type, uint32_t nr, uint32_t fl)
{
	const void *p;
	int len;

	p = prop(_metadata, fdt, path, "interrupts", &len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(12, len);
	EXPECT_EQ(type, cell(p, 0));
	EXPECT_EQ(nr, cell(p, 1));
	EXPECT_EQ(fl, cell(p, 2));
}

TEST_F(fdt, root_and_memory)
{
	const void *p;
	int len;

	p = prop(_metadata, self->buf, "/", "#address-cells", &len);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(2, cell(p, 0));
	p = prop(_metadata, self->buf, "/", "#size-cells", &len);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(2, cell(p, 0));
	p = prop(_metadata, self->buf, "/", "interrupt-parent", &len);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(fdt_get_phandle(self->buf,
				  fdt_path_offset(self->buf, "/intc@8000000")),
		  cell(p, 0));
	p = prop(_metadata, self->buf, "/memory@40000000", "device_type", &len);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("memory", p);
	p = prop(_metadata, self->buf, "/memory@40000000", "reg", &len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(16, len);
	EXPECT_EQ(HVCTL_VIRT_RAM_BASE, cell64(p, 0));
	EXPECT_EQ(RAM_SIZE, cell64(p, 1));
}

TEST_F(fdt, cpus_and_psci)
{
	char path[32];
	const void *p;
	unsigned int i;
	int len;

	for (i = 0; i < variant->nr_cpus; i++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%x", i);
		p = prop(_metadata, self->buf, path, "reg", &len);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(4, len);
		EXPECT_EQ(i, cell(p, 0));
		p = prop(_metadata, self->buf, path, "enable-method", &len);
		ASSERT_NE(NULL, p);
		EXPECT_STREQ("psci", p);
		p = prop(_metadata, self->buf, path, "device_type", &len);
		ASSERT_NE(NULL, p);
		EXPECT_STREQ("cpu", p);
	}
	snprintf(path, sizeof(path), "/cpus/cpu@%x", i);
	EXPECT_GT(0, fdt_path_offset(self->buf, path));
	p = prop(_metadata, self->buf, "/psci", "compatible", &len);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(has_string(p, len, "arm,psci-1.0"));
	p = prop(_metadata, self->buf, "/psci", "method", &len);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("hvc", p);
}

TEST_F(fdt, gic_and_timer)
{
	static const uint32_t ppis[4] = { 13, 14, 11, 10 };
	const void *p;
	int len, i;

	p = prop(_metadata, self->buf, "/intc@8000000", "compatible", &len);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("arm,gic-v3", p);
	p = prop(_metadata, self->buf, "/intc@8000000", "interrupt-controller",
		 &len);
	ASSERT_NE(NULL, p);
	p = prop(_metadata, self->buf, "/intc@8000000", "#interrupt-cells",
		 &len);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(3, cell(p, 0));
	p = prop(_metadata, self->buf, "/intc@8000000", "reg", &len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(32, len);
	EXPECT_EQ(0x08000000, cell64(p, 0));
	EXPECT_EQ(0x10000, cell64(p, 1));
	EXPECT_EQ(0x080a0000, cell64(p, 2));
	EXPECT_EQ(variant->nr_cpus * 0x20000ULL, cell64(p, 3));
	/* the maintenance interrupt: PPI 9, level */
	check_irq(_metadata, self->buf, "/intc@8000000", 1, 9, 4);

	p = prop(_metadata, self->buf, "/timer", "compatible", &len);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("arm,armv8-timer", p);
	p = prop(_metadata, self->buf, "/timer", "interrupts", &len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(48, len);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(1, cell(p, 3 * i));
		EXPECT_EQ(ppis[i], cell(p, 3 * i + 1));
		EXPECT_EQ(4, cell(p, 3 * i + 2));
	}
}

TEST_F(fdt, uart_and_chosen)
{
	const void *p, *clk;
	int len, node;

	p = prop(_metadata, self->buf, "/pl011@9000000", "compatible", &len);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(has_string(p, len, "arm,pl011"));
	EXPECT_TRUE(has_string(p, len, "arm,primecell"));
	check_irq(_metadata, self->buf, "/pl011@9000000", 0, 1, 4);
	p = prop(_metadata, self->buf, "/pl011@9000000", "clock-names", &len);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(has_string(p, len, "uartclk"));
	EXPECT_TRUE(has_string(p, len, "apb_pclk"));
	clk = prop(_metadata, self->buf, "/pl011@9000000", "clocks", &len);
	ASSERT_NE(NULL, clk);
	ASSERT_EQ(8, len);
	node = fdt_node_offset_by_phandle(self->buf, cell(clk, 0));
	ASSERT_LE(0, node);
	EXPECT_EQ(0, fdt_node_check_compatible(self->buf, node, "fixed-clock"));
	p = fdt_getprop(self->buf, node, "clock-frequency", &len);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(24000000, cell(p, 0));

	p = prop(_metadata, self->buf, "/chosen", "bootargs", &len);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ(BOOTARGS, p);
	p = prop(_metadata, self->buf, "/chosen", "stdout-path", &len);
	ASSERT_NE(NULL, p);
	EXPECT_LE(0, fdt_path_offset(self->buf, p));
	p = prop(_metadata, self->buf, "/chosen", "linux,initrd-start", &len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(8, len);
	EXPECT_EQ(INITRD_START, cell64(p, 0));
	p = prop(_metadata, self->buf, "/chosen", "linux,initrd-end", &len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(8, len);
	EXPECT_EQ(INITRD_END, cell64(p, 0));
}

TEST_F(fdt, virtio_slots)
{
	static const char *const path[2] = {
		"/virtio_mmio@a000000", "/virtio_mmio@a000200",
	};
	const void *p;
	int len, i;

	for (i = 0; i < 2; i++) {
		p = prop(_metadata, self->buf, path[i], "compatible", &len);
		ASSERT_NE(NULL, p);
		EXPECT_STREQ("virtio,mmio", p);
		p = prop(_metadata, self->buf, path[i], "reg", &len);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(16, len);
		EXPECT_EQ(0x0a000000ULL + 0x200 * i, cell64(p, 0));
		EXPECT_EQ(0x200, cell64(p, 1));
		check_irq(_metadata, self->buf, path[i], 0, 16 + i, 1);
	}
	EXPECT_GT(0, fdt_path_offset(self->buf, "/virtio_mmio@a000400"));
}

/* The power key: a PL061 at 0x09030000 (SPI 7) and gpio-keys on its pin 3. */
TEST_F(fdt, power_key)
{
	const void *p, *gpio;
	int len, node;

	p = prop(_metadata, self->buf, "/pl061@9030000", "compatible", &len);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(has_string(p, len, "arm,pl061"));
	EXPECT_TRUE(has_string(p, len, "arm,primecell"));
	p = prop(_metadata, self->buf, "/pl061@9030000", "reg", &len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(16, len);
	EXPECT_EQ(0x09030000ULL, cell64(p, 0));
	EXPECT_EQ(0x1000, cell64(p, 1));
	check_irq(_metadata, self->buf, "/pl061@9030000", 0, 7, 4);
	p = prop(_metadata, self->buf, "/pl061@9030000", "#gpio-cells", &len);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(2, cell(p, 0));
	p = prop(_metadata, self->buf, "/pl061@9030000", "clock-names", &len);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("apb_pclk", p);

	p = prop(_metadata, self->buf, "/gpio-keys", "compatible", &len);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("gpio-keys", p);
	p = prop(_metadata, self->buf, "/gpio-keys/poweroff", "linux,code",
		 &len);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(116, cell(p, 0));		/* KEY_POWER */
	gpio = prop(_metadata, self->buf, "/gpio-keys/poweroff", "gpios",
		    &len);
	ASSERT_NE(NULL, gpio);
	ASSERT_EQ(12, len);
	node = fdt_node_offset_by_phandle(self->buf, cell(gpio, 0));
	EXPECT_EQ(fdt_path_offset(self->buf, "/pl061@9030000"), node);
	EXPECT_EQ(3, cell(gpio, 1));
	EXPECT_EQ(0, cell(gpio, 2));
}

/* dtc decompiles it: exit status 0, nothing on stderr, the nodes there. */
TEST_F(fdt, dtc_decompiles)
{
	static const char *const want[] = {
		"memory@40000000 {", "cpu@0 {", "psci {", "intc@8000000 {",
		"timer {", "pl011@9000000 {", "apb-pclk {", "chosen {",
		"pl061@9030000 {", "gpio-keys {", "poweroff {",
		"virtio_mmio@a000000 {", "virtio_mmio@a000200 {",
		"clock-names = \"uartclk\\0apb_pclk\";",
		"enable-method = \"psci\";", "method = \"hvc\";",
		"bootargs = \"" BOOTARGS "\";",
	};
	char dir[] = "/tmp/hv-fdt-test.XXXXXX", dtb[64], dts[64], err[64];
	char cmd[256], *text;
	size_t i, n;
	FILE *f;
	long sz;
	int st;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(dtb, sizeof(dtb), "%s/t.dtb", dir);
	snprintf(dts, sizeof(dts), "%s/t.dts", dir);
	snprintf(err, sizeof(err), "%s/t.err", dir);
	f = fopen(dtb, "w");
	ASSERT_NE(NULL, f);
	ASSERT_EQ((size_t)self->size, fwrite(self->buf, 1, self->size, f));
	ASSERT_EQ(0, fclose(f));
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o %s %s 2>%s", dts, dtb,
		 err);
	st = system(cmd);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st)) TH_LOG("%s failed", cmd);

	f = fopen(err, "r");
	ASSERT_NE(NULL, f);
	fseek(f, 0, SEEK_END);
	EXPECT_EQ(0, ftell(f)) TH_LOG("dtc wrote warnings (%s)", err);
	fclose(f);

	f = fopen(dts, "r");
	ASSERT_NE(NULL, f);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	ASSERT_LT(0, sz);
	rewind(f);
	text = calloc(1, sz + 1);
	ASSERT_NE(NULL, text);
	n = fread(text, 1, sz, f);
	fclose(f);
	ASSERT_EQ((size_t)sz, n);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (strstr(text, want[i]))
			continue;
		TH_LOG("no '%s' in %s", want[i], dts);
		_metadata->exit_code = KSFT_FAIL;
	}
	if (variant->nr_cpus == 2)
		EXPECT_NE(NULL, strstr(text, "cpu@1 {"));
	free(text);
	if (!_metadata->exit_code) {
		unlink(dtb);
		unlink(dts);
		unlink(err);
		rmdir(dir);
	}
}

/* Too small a buffer and bad configs are errors, not a truncated tree. */
TEST(fdt_errors)
{
	struct hvctl_fdt_config cfg = {
		.ram_base = HVCTL_VIRT_RAM_BASE, .ram_size = RAM_SIZE,
		.nr_cpus = 1,
	};
	char buf[4096];

	EXPECT_EQ(-FDT_ERR_NOSPACE, hvctl_fdt_build(&cfg, buf, 256));
	cfg.nr_cpus = 0;
	EXPECT_EQ(-FDT_ERR_BADVALUE, hvctl_fdt_build(&cfg, buf, sizeof(buf)));
	cfg.nr_cpus = 65;
	EXPECT_EQ(-FDT_ERR_BADVALUE, hvctl_fdt_build(&cfg, buf, sizeof(buf)));
	cfg.nr_cpus = 1;
	cfg.nr_virtio = HVCTL_VIRT_VIRTIO_SLOTS + 1;
	EXPECT_EQ(-FDT_ERR_BADVALUE, hvctl_fdt_build(&cfg, buf, sizeof(buf)));
	cfg.nr_virtio = 0;
	EXPECT_LT(0, hvctl_fdt_build(&cfg, buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
