// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 guest's ACPI tables (acpi.h): RSDP, XSDT, FADT, MADT, DSDT.
 * Layouts from ACPI 6.5 chapter 5.2: 5.2.5.3 RSDP, 5.2.6 the common header,
 * 5.2.8 XSDT, 5.2.9 FADT, 5.2.12 MADT, 5.2.11.1 DSDT. All fields are
 * little-endian and written byte by byte, so the host's order and
 * alignment do not matter.
 *
 * The platform is hardware-reduced (ACPI 6.5 4.1): no PM1 event/control
 * blocks, no GPEs, no PM timer, no SCI, no FACS. Poweroff goes through the
 * sleep control register, reboot through the reset register, the power
 * button through a Generic Event Device; see Documentation/x86.rst.
 */
#include <errno.h>
#include <string.h>

#include "acpi.h"
#include "aml.h"

#define HDR_LEN		36	/* the common table header */
#define RSDP_LEN	36
#define XSDT_ENTRIES	2	/* FADT, MADT */
#define FADT_LEN	276	/* revision 6 */
#define MADT_LAPIC_LEN	8
#define MADT_X2APIC_LEN	16
#define MADT_IOAPIC_LEN	12

/* Where each table starts, from @table_gpa; each 16-byte aligned. */
#define RSDP_OFF	0
#define XSDT_OFF	48
#define FADT_OFF	(XSDT_OFF + 64)
#define MADT_OFF	(FADT_OFF + 288)

/* FADT flags (ACPI 6.5 5.2.9, table 5.10) */
#define FADT_WBINVD		(1u << 0)
#define FADT_C1_SUPPORTED	(1u << 2)
#define FADT_PWR_BUTTON		(1u << 4)  /* none as a fixed feature */
#define FADT_SLP_BUTTON		(1u << 5)  /* none as a fixed feature */
#define FADT_RESET_REG_SUP	(1u << 10)
#define FADT_HW_REDUCED_ACPI	(1u << 20)

/* MADT structure types (ACPI 6.5 5.2.12, table 5.21) */
#define MADT_TYPE_LAPIC		0
#define MADT_TYPE_IOAPIC	1
#define MADT_TYPE_X2APIC	9
#define MADT_ENABLED		1  /* local APIC flags: usable at boot */

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = v >> (8 * i);
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum += *p++;
	return -sum;
}

static size_t align16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

/*
 * The common header (ACPI 6.5 5.2.6). The checksum is set by
 * table_finish() once the body is written.
 */
static void table_header(uint8_t *t, const char *sig, uint32_t len,
			 uint8_t rev)
{
	memcpy(t, sig, 4);
	put_le(t + 4, len, 4);
	t[8] = rev;
	t[9] = 0;
	memcpy(t + 10, "HVCTL ", 6);		/* OEM ID */
	memcpy(t + 16, "HVCTLVM ", 8);		/* OEM table ID */
	put_le(t + 24, 1, 4);			/* OEM revision */
	memcpy(t + 28, "HVCT", 4);		/* creator ID */
	put_le(t + 32, 1, 4);			/* creator revision */
}

static void table_finish(uint8_t *t, uint32_t len)
{
	t[9] = checksum(t, len);
}

/* Generic Address Structure (ACPI 6.5 5.2.3.2) of an 8-bit register */
static void put_gas8(uint8_t *p, const struct hvctl_acpi_reg *r)
{
	if (!r->addr)
		return;			/* all zero: not present */
	p[0] = r->space;
	p[1] = 8;			/* register bit width */
	p[2] = 0;			/* bit offset */
	p[3] = 1;			/* access size: byte */
	put_le(p + 4, r->addr, 8);
}

/*
 * RSDP, revision 2 (ACPI 6.5 5.2.5.3): the first checksum covers the
 * ACPI 1.0 part (20 bytes), the extended one all 36. No RSDT: a revision 2
 * RSDP with an XSDT is all an ACPI 2.0+ OS reads.
 */
static void build_rsdp(uint8_t *p, uint64_t xsdt_gpa)
{
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "HVCTL ", 6);
	p[15] = 2;				/* revision */
	put_le(p + 16, 0, 4);			/* RSDT address */
	put_le(p + 20, RSDP_LEN, 4);
	put_le(p + 24, xsdt_gpa, 8);
	p[8] = checksum(p, 20);
	p[32] = checksum(p, RSDP_LEN);
}

static void build_xsdt(uint8_t *t, uint64_t fadt_gpa, uint64_t madt_gpa)
{
	uint32_t len = HDR_LEN + 8 * XSDT_ENTRIES;

	table_header(t, "XSDT", len, 1);
	put_le(t + HDR_LEN, fadt_gpa, 8);
	put_le(t + HDR_LEN + 8, madt_gpa, 8);
	table_finish(t, len);
}

/*
 * FADT revision 6.3 (ACPI 6.5 5.2.9). Hardware-reduced: every PM block,
 * GPE block and the PM timer stay zero, SCI_INT and FACS too (a reduced
 * platform has no SCI and needs no FACS, 5.2.10). Only X_DSDT holds the
 * DSDT (the 32-bit DSDT field must be ignored when it is set).
 */
static void build_fadt(uint8_t *t, uint64_t dsdt_gpa,
		       const struct hvctl_acpi_config *cfg)
{
	uint32_t flags = FADT_WBINVD | FADT_C1_SUPPORTED | FADT_PWR_BUTTON |
			 FADT_SLP_BUTTON | FADT_HW_REDUCED_ACPI;

	if (cfg->reset.addr)
		flags |= FADT_RESET_REG_SUP;
	table_header(t, "FACP", FADT_LEN, 6);
	put_le(t + 109, cfg->boot_flags, 2);	/* IA-PC boot architecture */
	put_le(t + 112, flags, 4);
	put_gas8(t + 116, &cfg->reset);
	t[128] = cfg->reset_value;
	t[131] = 3;				/* FADT minor version: 6.3 */
	put_le(t + 140, dsdt_gpa, 8);		/* X_DSDT */
	put_gas8(t + 244, &cfg->sleep_ctl);
	put_gas8(t + 256, &cfg->sleep_sts);
	memcpy(t + 268, "HVCTL\0\0\0", 8);	/* hypervisor vendor identity */
	table_finish(t, FADT_LEN);
}

static uint32_t madt_len(unsigned int nr_vcpus)
{
	uint32_t len = HDR_LEN + 8 + MADT_IOAPIC_LEN;
	unsigned int i;

	for (i = 0; i < nr_vcpus; i++)
		len += i < 255 ? MADT_LAPIC_LEN : MADT_X2APIC_LEN;
	return len;
}

/*
 * MADT revision 5 (ACPI 6.5 5.2.12). One processor entry per vCPU: a Local
 * APIC structure while the APIC ID fits its byte (0xff means broadcast),
 * a Local x2APIC structure beyond (5.2.12.12). Flags 0: no 8259 pair. No
 * interrupt source override: there is no PIT or 8259 whose IRQ0 would be
 * rerouted, and the ISA IRQs the guest uses (the UART's 4) map to the
 * same GSI, edge-triggered and active-high, as ISA's default is.
 */
static void build_madt(uint8_t *t, const struct hvctl_acpi_config *cfg)
{
	uint32_t len = madt_len(cfg->nr_vcpus);
	uint8_t *e = t + HDR_LEN + 8;
	unsigned int i;

	table_header(t, "APIC", len, 5);
	put_le(t + HDR_LEN, cfg->lapic_addr, 4);
	put_le(t + HDR_LEN + 4, 0, 4);
	for (i = 0; i < cfg->nr_vcpus; i++) {
		if (i < 255) {
			e[0] = MADT_TYPE_LAPIC;
			e[1] = MADT_LAPIC_LEN;
			e[2] = i;			/* ACPI processor UID */
			e[3] = i;			/* APIC ID */
			put_le(e + 4, MADT_ENABLED, 4);
		} else {
			e[0] = MADT_TYPE_X2APIC;
			e[1] = MADT_X2APIC_LEN;
			put_le(e + 2, 0, 2);
			put_le(e + 4, i, 4);		/* x2APIC ID */
			put_le(e + 8, MADT_ENABLED, 4);
			put_le(e + 12, i, 4);		/* ACPI processor UID */
		}
		e += e[1];
	}
	e[0] = MADT_TYPE_IOAPIC;
	e[1] = MADT_IOAPIC_LEN;
	e[2] = cfg->ioapic_id;
	e[3] = 0;
	put_le(e + 4, cfg->ioapic_addr, 4);
	put_le(e + 8, cfg->ioapic_gsi_base, 4);
	table_finish(t, len);
}

/* "C" and 5 -> "C005": a device name per index (up to 0xfff) */
static void index_name(char name[5], char prefix, unsigned int i)
{
	static const char hex[] = "0123456789ABCDEF";

	name[0] = prefix;
	name[1] = hex[(i >> 8) & 15];
	name[2] = hex[(i >> 4) & 15];
	name[3] = hex[i & 15];
	name[4] = '\0';
}

static unsigned int irq_flags(unsigned int flags)
{
	return (flags & HVCTL_ACPI_IRQ_EDGE ? AML_IRQ_EDGE : 0) |
	       (flags & HVCTL_ACPI_IRQ_ACTIVE_LOW ? AML_IRQ_ACTIVE_LOW : 0);
}

/*
 * Processor devices (ACPI 6.5 8.4, "Declaring Processors"): ACPI0007 with
 * the _UID of the vCPU's MADT entry, so that the guest's processor driver
 * ties each CPU to its namespace object.
 */
static void dsdt_cpus(struct aml *a, const struct hvctl_acpi_config *cfg)
{
	unsigned int i;
	char name[5];

	for (i = 0; i < cfg->nr_vcpus; i++) {
		index_name(name, 'C', i);
		aml_device(a, name);
		aml_name_string(a, "_HID", "ACPI0007");
		aml_name_integer(a, "_UID", i);
		aml_close(a);
	}
}

/* COM1: a 16550 (PNP0501) on 8 ports, its interrupt edge, active-high */
static void dsdt_uart(struct aml *a, const struct hvctl_acpi_config *cfg)
{
	struct aml_res res;

	if (!cfg->uart_port)
		return;
	aml_device(a, "COM1");
	aml_name_eisaid(a, "_HID", "PNP0501");
	aml_name_integer(a, "_UID", 1);
	aml_res_init(&res);
	aml_res_io(&res, cfg->uart_port, 8);
	aml_res_interrupt(&res, cfg->uart_gsi, AML_IRQ_EDGE);
	aml_name(a, "_CRS");
	aml_resource_template(a, &res);
	aml_close(a);
}

/*
 * virtio-mmio slots: "LNRO0005" is the id Linux's virtio_mmio driver
 * matches in ACPI (drivers/virtio/virtio_mmio.c).
 */
static void dsdt_virtio(struct aml *a, const struct hvctl_acpi_config *cfg)
{
	const struct hvctl_acpi_virtio *v;
	struct aml_res res;
	unsigned int i;
	char name[5];

	for (i = 0; i < cfg->nr_virtio; i++) {
		v = &cfg->virtio[i];
		index_name(name, 'V', i);
		aml_device(a, name);
		aml_name_string(a, "_HID", "LNRO0005");
		aml_name_integer(a, "_UID", i);
		aml_res_init(&res);
		aml_res_memory32_fixed(&res, v->base, v->size, 1);
		aml_res_interrupt(&res, v->gsi, irq_flags(v->irq_flags));
		aml_name(a, "_CRS");
		aml_resource_template(a, &res);
		aml_close(a);
	}
}

/*
 * The power button: a control-method power button device (PNP0C0C; ACPI
 * 6.5 "Control Method Power Button") that the Generic Event Device
 * (ACPI0013; "Generic Event Device", among the interrupt-signaled events)
 * notifies with 0x80 ("button pressed") when its interrupt fires. The
 * guest's GED driver calls _EVT with the GSI as Arg0 (Linux's
 * drivers/acpi/evged.c; it would first look for _Exx/_Lxx, absent here).
 */
static void dsdt_power_button(struct aml *a,
			      const struct hvctl_acpi_config *cfg)
{
	struct aml_res res;

	aml_device(a, "PWRB");
	aml_name_eisaid(a, "_HID", "PNP0C0C");
	aml_name_integer(a, "_UID", 0);
	aml_close(a);

	aml_device(a, "GED0");
	aml_name_string(a, "_HID", "ACPI0013");
	aml_name_integer(a, "_UID", 0);
	aml_res_init(&res);
	aml_res_interrupt(&res, cfg->ged_gsi, AML_IRQ_EDGE);
	aml_name(a, "_CRS");
	aml_resource_template(a, &res);
	aml_method(a, "_EVT", 1, 0);
	aml_if(a);
	aml_lequal(a);
	aml_arg(a, 0);
	aml_integer(a, cfg->ged_gsi);
	aml_notify(a, "\\_SB.PWRB", 0x80);
	aml_close(a);			/* If */
	aml_close(a);			/* Method */
	aml_close(a);			/* Device */
}

/*
 * The DSDT (revision 2: 64-bit integers). \_S5 (ACPI 6.5 7.4.2): the
 * values of SLP_TYPa and SLP_TYPb, then two reserved; on a reduced
 * platform only SLP_TYPa goes into the sleep control register.
 */
static long build_dsdt(uint8_t *t, size_t room,
		       const struct hvctl_acpi_config *cfg)
{
	struct aml a;
	long n;

	if (room < HDR_LEN)
		return -ENOSPC;
	aml_init(&a, t + HDR_LEN, room - HDR_LEN);
	aml_scope(&a, "\\_SB");
	dsdt_cpus(&a, cfg);
	dsdt_uart(&a, cfg);
	dsdt_virtio(&a, cfg);
	dsdt_power_button(&a, cfg);
	aml_close(&a);
	aml_name(&a, "\\_S5");
	aml_package(&a, 4);
	aml_integer(&a, HVCTL_ACPI_SLP_TYP_S5);
	aml_integer(&a, HVCTL_ACPI_SLP_TYP_S5);
	aml_integer(&a, 0);
	aml_integer(&a, 0);
	aml_close(&a);
	n = aml_finish(&a);
	if (n < 0)
		return n;
	table_header(t, "DSDT", HDR_LEN + n, 2);
	table_finish(t, HDR_LEN + n);
	return HDR_LEN + n;
}

static int reg_ok(const struct hvctl_acpi_reg *r)
{
	if (r->space == HVCTL_ACPI_SPACE_IO)
		return r->addr <= 0xffff;
	return r->space == HVCTL_ACPI_SPACE_MEMORY;
}

static int config_ok(const struct hvctl_acpi_config *cfg)
{
	const struct hvctl_acpi_virtio *v;
	unsigned int i;

	if (!cfg->nr_vcpus || cfg->nr_vcpus > HVCTL_ACPI_MAX_VCPUS ||
	    cfg->nr_virtio > HVCTL_ACPI_MAX_VIRTIO || cfg->uart_port > 0xfff8)
		return 0;
	/* Without both sleep registers a reduced platform cannot power off */
	if (!cfg->sleep_ctl.addr || !cfg->sleep_sts.addr ||
	    !reg_ok(&cfg->sleep_ctl) || !reg_ok(&cfg->sleep_sts) ||
	    !reg_ok(&cfg->reset))
		return 0;
	for (i = 0; i < cfg->nr_virtio; i++) {
		v = &cfg->virtio[i];
		if (!v->size || (uint64_t)v->base + v->size > 1ull << 32)
			return 0;
	}
	return 1;
}

void hvctl_acpi_default_config(struct hvctl_acpi_config *cfg,
			       unsigned int nr_vcpus)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->nr_vcpus = nr_vcpus;
	cfg->lapic_addr = HVCTL_ACPI_LAPIC_GPA;
	cfg->ioapic_addr = HVCTL_ACPI_IOAPIC_GPA;
	cfg->uart_port = HVCTL_ACPI_UART_PORT;
	cfg->uart_gsi = HVCTL_ACPI_UART_GSI;
	cfg->ged_gsi = HVCTL_ACPI_GED_GSI;
	cfg->sleep_ctl.space = HVCTL_ACPI_SPACE_IO;
	cfg->sleep_ctl.addr = HVCTL_ACPI_SLEEP_CTL_PORT;
	cfg->sleep_sts.space = HVCTL_ACPI_SPACE_IO;
	cfg->sleep_sts.addr = HVCTL_ACPI_SLEEP_STS_PORT;
	cfg->reset.space = HVCTL_ACPI_SPACE_IO;
	cfg->reset.addr = HVCTL_ACPI_RESET_PORT;
	cfg->reset_value = HVCTL_ACPI_RESET_VALUE;
	cfg->boot_flags = HVCTL_ACPI_BOOT_NO_VGA | HVCTL_ACPI_BOOT_NO_CMOS_RTC;
}

long hvctl_acpi_build(void *guest_ram, uint64_t ram_size, uint64_t table_gpa,
		      uint64_t table_size, const struct hvctl_acpi_config *cfg,
		      uint64_t *rsdp_gpa)
{
	uint8_t *base = (uint8_t *)guest_ram + table_gpa;
	size_t dsdt_off;
	long dsdt_len;

	if (!config_ok(cfg) || table_gpa % 16 || table_gpa > ram_size ||
	    table_size > ram_size - table_gpa)
		return -EINVAL;
	dsdt_off = align16(MADT_OFF + madt_len(cfg->nr_vcpus));
	if (dsdt_off > table_size)
		return -ENOSPC;
	memset(base, 0, dsdt_off);
	dsdt_len = build_dsdt(base + dsdt_off, table_size - dsdt_off, cfg);
	if (dsdt_len < 0)
		return dsdt_len;
	build_madt(base + MADT_OFF, cfg);
	build_fadt(base + FADT_OFF, table_gpa + dsdt_off, cfg);
	build_xsdt(base + XSDT_OFF, table_gpa + FADT_OFF, table_gpa + MADT_OFF);
	build_rsdp(base + RSDP_OFF, table_gpa + XSDT_OFF);
	*rsdp_gpa = table_gpa + RSDP_OFF;
	return dsdt_off + dsdt_len;
}
