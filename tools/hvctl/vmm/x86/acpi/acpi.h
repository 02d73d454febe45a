/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI tables of the x86 guest (tables.c, with the AML encoder aml.c):
 * RSDP, XSDT, a hardware-reduced FADT, MADT and a DSDT. What the guest sees
 * and why is in Documentation/x86.rst, "ACPI tables".
 *
 * The VMM fills a struct hvctl_acpi_config (hvctl_acpi_default_config()
 * gives the platform's defaults below), calls hvctl_acpi_build() once
 * before the first vCPU runs, passes *rsdp_gpa to the kernel in
 * boot_params.acpi_rsdp_addr and keeps the bytes it wrote out of the e820
 * RAM (E820_TYPE_ACPI or reserved).
 *
 * The VMM, not this library, implements the registers the tables name
 * (ACPI 6.5 "Sleep Control and Status Registers"):
 * - sleep control (8 bits, write): SLP_EN (bit 5) with SLP_TYP (bits 4:2)
 *   == HVCTL_ACPI_SLP_TYP_S5 is the guest's poweroff ("guest poweroff",
 *   hvctl_acpi_sleep_ctl_is_poweroff()); other writes (SLP_EN clear,
 *   other states) are ignored. The VM must stop there: if the write
 *   returns, Linux's reboot(POWER_OFF) falls through to do_exit() with
 *   interrupts off and logs a WARNING (seen with these tables in QEMU,
 *   which has no such register).
 * - sleep status (8 bits): reads 0; writes (the guest clears WAK_STS,
 *   bit 7, before it sleeps) are ignored.
 * - reset (8 bits, write): @reset_value resets the machine.
 * - the power button: pulse (raise, then lower) GSI @ged_gsi; the DSDT's
 *   Generic Event Device then notifies \_SB.PWRB with 0x80.
 * vCPU n has local APIC ID n and ACPI processor UID n.
 */
#ifndef HVCTL_ACPI_H
#define HVCTL_ACPI_H

#include <stdint.h>

#define HVCTL_ACPI_MAX_VCPUS	256
#define HVCTL_ACPI_MAX_VIRTIO	32

/*
 * Where the tables go: the BIOS area, where a kernel also scans for the
 * RSDP (ACPI 6.5 5.2.5.1). 0xE0000-0xFFFFF is 128 KiB.
 */
#define HVCTL_ACPI_TABLE_GPA	0xe0000
#define HVCTL_ACPI_TABLE_SIZE	0x20000

/* The platform's defaults (hvctl_acpi_default_config()) */
#define HVCTL_ACPI_LAPIC_GPA	0xfee00000
#define HVCTL_ACPI_IOAPIC_GPA	0xfec00000
#define HVCTL_ACPI_SLEEP_CTL_PORT 0x508	/* next to vmm_x86.h's 0x501-0x504 */
#define HVCTL_ACPI_SLEEP_STS_PORT 0x509
#define HVCTL_ACPI_RESET_PORT	0x50a
#define HVCTL_ACPI_RESET_VALUE	0x01
#define HVCTL_ACPI_GED_GSI	9	/* the power button's interrupt */
#define HVCTL_ACPI_UART_PORT	0x3f8	/* COM1 */
#define HVCTL_ACPI_UART_GSI	4
/* The value of SLP_TYP in the sleep control register for S5 (\_S5) */
#define HVCTL_ACPI_SLP_TYP_S5	5

/* IA-PC boot architecture flags of the FADT (ACPI 6.5 5.2.9.3) */
#define HVCTL_ACPI_BOOT_8042		0x02	/* an i8042 at 0x60/0x64 */
#define HVCTL_ACPI_BOOT_NO_VGA		0x04	/* do not probe for VGA */
#define HVCTL_ACPI_BOOT_NO_CMOS_RTC	0x20	/* no MC146818 at 0x70 */

/* Generic Address Structure address spaces (ACPI 6.5 5.2.3.2) */
#define HVCTL_ACPI_SPACE_MEMORY	0
#define HVCTL_ACPI_SPACE_IO	1

/* Interrupt flags; 0 is level-triggered, active-high */
#define HVCTL_ACPI_IRQ_EDGE		0x02
#define HVCTL_ACPI_IRQ_ACTIVE_LOW	0x04

/* An 8-bit register in I/O (@space HVCTL_ACPI_SPACE_IO) or MMIO space */
struct hvctl_acpi_reg {
	uint8_t space;
	uint64_t addr;
};

/* A virtio-mmio device: registers at @base (@size bytes), interrupt @gsi */
struct hvctl_acpi_virtio {
	uint32_t base;
	uint32_t size;
	uint32_t gsi;
	unsigned int irq_flags;		/* HVCTL_ACPI_IRQ_* */
};

/**
 * struct hvctl_acpi_config - what the tables describe.
 * @nr_vcpus: 1..HVCTL_ACPI_MAX_VCPUS; vCPU n has APIC ID n.
 * @lapic_addr: the local APICs' MMIO base.
 * @ioapic_addr, @ioapic_id, @ioapic_gsi_base: the one IOAPIC.
 * @uart_port, @uart_gsi: the 16550 (8 ports, edge, active-high); port 0:
 *	none.
 * @virtio: @nr_virtio virtio-mmio slots, 0..HVCTL_ACPI_MAX_VIRTIO; slot i
 *	is \_SB.Vxxx with _UID i.
 * @ged_gsi: the power button's interrupt (edge, active-high).
 * @sleep_ctl, @sleep_sts: the sleep control and status registers.
 * @reset, @reset_value: the reset register and what resets; @reset.addr
 *	0: none.
 * @boot_flags: HVCTL_ACPI_BOOT_* (the default: no VGA, no CMOS RTC, no
 *	i8042, no other legacy device).
 */
struct hvctl_acpi_config {
	unsigned int nr_vcpus;
	uint32_t lapic_addr;
	uint32_t ioapic_addr;
	uint8_t ioapic_id;
	uint32_t ioapic_gsi_base;
	uint16_t uart_port;
	uint32_t uart_gsi;
	unsigned int nr_virtio;
	struct hvctl_acpi_virtio virtio[HVCTL_ACPI_MAX_VIRTIO];
	uint32_t ged_gsi;
	struct hvctl_acpi_reg sleep_ctl, sleep_sts, reset;
	uint8_t reset_value;
	uint16_t boot_flags;
};

/* Whether @val written to the sleep control register enters S5 */
static inline int hvctl_acpi_sleep_ctl_is_poweroff(uint8_t val)
{
	return (val & 0x20) && ((val >> 2) & 7) == HVCTL_ACPI_SLP_TYP_S5;
}

/* Fills @cfg with the defaults above, @nr_vcpus vCPUs, no virtio slot. */
void hvctl_acpi_default_config(struct hvctl_acpi_config *cfg,
			       unsigned int nr_vcpus);

/**
 * hvctl_acpi_build() - write the tables into guest memory.
 * @guest_ram: the host address of guest physical address 0.
 * @ram_size: bytes mapped there.
 * @table_gpa: where the tables go, 16-byte aligned (the RSDP comes first;
 *	HVCTL_ACPI_TABLE_GPA lets the kernel also find it by scanning).
 * @table_size: the bytes available at @table_gpa.
 * @cfg: what to describe.
 * @rsdp_gpa: set to the RSDP's guest physical address.
 *
 * Return: the bytes written from @table_gpa (> 0), -EINVAL for a config
 * the tables cannot express or a region outside @ram_size, -ENOSPC when
 * the tables do not fit in @table_size. Nothing is written outside
 * [@table_gpa, @table_gpa + @table_size).
 */
long hvctl_acpi_build(void *guest_ram, uint64_t ram_size, uint64_t table_gpa,
		      uint64_t table_size, const struct hvctl_acpi_config *cfg,
		      uint64_t *rsdp_gpa);

#endif /* HVCTL_ACPI_H */
