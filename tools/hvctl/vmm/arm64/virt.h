/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical map of an arm64 guest, the one of QEMU's "virt" board
 * (hw/arm/virt.c, base_memmap[] and a15irqmap[] in QEMU 7.2), so that
 * kernels and test programs built for that board run unchanged.
 * Documentation/arm64.rst has it as a table. Plain constants, no arm64
 * header: the device-tree code and its host test build on x86 too.
 */
#ifndef HVCTL_ARM64_VIRT_H
#define HVCTL_ARM64_VIRT_H

#define HVCTL_VIRT_GICD_BASE	0x08000000ULL	/* GICv3 distributor, 64 KiB */
#define HVCTL_VIRT_GICD_SIZE	0x10000ULL
#define HVCTL_VIRT_GICR_BASE	0x080a0000ULL	/* redistributors */
#define HVCTL_VIRT_GICR_STRIDE	0x20000ULL	/* RD_base + SGI_base, per vCPU */
#define HVCTL_VIRT_GICR_SIZE	0x00f60000ULL	/* the region: 123 vCPUs */
#define HVCTL_VIRT_PL011_BASE	0x09000000ULL	/* PL011 UART, the console */
#define HVCTL_VIRT_PL011_SIZE	0x1000ULL
/* QEMU has its PL031 RTC here; hvctl its own registers (vmm_arm64.h) */
#define HVCTL_VIRT_CTRL_BASE	0x09010000ULL
#define HVCTL_VIRT_CTRL_SIZE	0x1000ULL
/* PL061 GPIO controller: pin 3 is the power key (gpio-keys, KEY_POWER) */
#define HVCTL_VIRT_GPIO_BASE	0x09030000ULL
#define HVCTL_VIRT_GPIO_SIZE	0x1000ULL
#define HVCTL_VIRT_GPIO_POWER_PIN 3
#define HVCTL_VIRT_VIRTIO_BASE	0x0a000000ULL	/* virtio-mmio slot n at + n * size */
#define HVCTL_VIRT_VIRTIO_SIZE	0x200ULL
#define HVCTL_VIRT_VIRTIO_SLOTS	32
#define HVCTL_VIRT_RAM_BASE	0x40000000ULL	/* RAM, up to 255 GiB */
#define HVCTL_VIRT_RAM_MAX	(255ULL << 30)

/* Interrupts: SPI numbers (INTID - 32), and PPIs (INTID - 16) */
#define HVCTL_VIRT_PL011_SPI	1
#define HVCTL_VIRT_GPIO_SPI	7	/* the PL061 */
#define HVCTL_VIRT_VIRTIO_SPI	16	/* slot n: SPI 16 + n */
#define HVCTL_VIRT_GIC_MAINT_PPI 9	/* GICv3 maintenance interrupt */
#define HVCTL_VIRT_TIMER_S_PPI	13	/* secure physical timer */
#define HVCTL_VIRT_TIMER_NS_PPI	14	/* non-secure physical timer */
#define HVCTL_VIRT_TIMER_V_PPI	11	/* virtual timer (INTID 27) */
#define HVCTL_VIRT_TIMER_H_PPI	10	/* hypervisor timer */
#define HVCTL_VIRT_SPI_INTID(spi)	(32 + (spi))

#define HVCTL_VIRT_UART_CLOCK	24000000	/* the PL011's apb_pclk, Hz */

#endif /* HVCTL_ARM64_VIRT_H */
