// SPDX-License-Identifier: GPL-2.0
/*
 * The device tree of an arm64 Linux guest, built with libfdt's sequential
 * writer: the nodes QEMU's virt board gives a guest with a GICv3 (compare
 * `qemu-system-aarch64 -M virt,gic-version=3,dumpdtb=F`), with the
 * addresses of virt.h. Bindings: Linux's Documentation/devicetree/bindings
 * (arm/cpus.yaml, arm/psci.yaml, interrupt-controller/arm,gic-v3.yaml,
 * timer/arm,arch_timer.yaml, serial/pl011.yaml, virtio/mmio.yaml,
 * clock/fixed-clock.yaml) and the Devicetree Specification v0.4 (/chosen,
 * /memory, /cpus). Nothing here is arm64-only C: the host test
 * (selftests/hv/host/fdt_test.c) builds it on x86.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#include "hvctl_fdt.h"
#include "virt.h"

#define FDT_PHANDLE_GIC		1
#define FDT_PHANDLE_CLK		2

/* interrupt specifier cells of the GICv3 binding */
#define GIC_SPI			0
#define GIC_PPI			1
#define IRQ_EDGE_RISING		1
#define IRQ_LEVEL_HIGH		4

/* A "reg" of #address-cells = 2, #size-cells = 2. */
static int fdt_reg64(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

/* An interrupt specifier: type (SPI/PPI), number, flags. */
static int fdt_irq(void *fdt, uint32_t type, uint32_t nr, uint32_t flags)
{
	fdt32_t irq[3] = {
		cpu_to_fdt32(type), cpu_to_fdt32(nr), cpu_to_fdt32(flags),
	};

	return fdt_property(fdt, "interrupts", irq, sizeof(irq));
}

/* A string-list property of @n strings. */
static int fdt_strings(void *fdt, const char *name, const char *const *s,
		       unsigned int n)
{
	char buf[128];
	size_t len = 0, l;
	unsigned int i;

	for (i = 0; i < n; i++) {
		l = strlen(s[i]) + 1;
		if (len + l > sizeof(buf))
			return -FDT_ERR_NOSPACE;
		memcpy(buf + len, s[i], l);
		len += l;
	}
	return fdt_property(fdt, name, buf, len);
}

static int fdt_root_props(void *fdt)
{
	int err;

	err = fdt_property_string(fdt, "compatible", "linux,dummy-virt");
	err = err ?: fdt_property_string(fdt, "model", "hv arm64 virt");
	err = err ?: fdt_property_u32(fdt, "#address-cells", 2);
	err = err ?: fdt_property_u32(fdt, "#size-cells", 2);
	return err ?: fdt_property_u32(fdt, "interrupt-parent",
				       FDT_PHANDLE_GIC);
}

static int fdt_chosen(void *fdt, const struct hvctl_fdt_config *cfg)
{
	char path[32];
	int err;

	snprintf(path, sizeof(path), "/pl011@%llx",
		 (unsigned long long)HVCTL_VIRT_PL011_BASE);
	err = fdt_begin_node(fdt, "chosen");
	err = err ?: fdt_property_string(fdt, "bootargs",
					 cfg->bootargs ? cfg->bootargs : "");
	err = err ?: fdt_property_string(fdt, "stdout-path", path);
	if (cfg->initrd_end) {
		err = err ?: fdt_property_u64(fdt, "linux,initrd-start",
					      cfg->initrd_start);
		err = err ?: fdt_property_u64(fdt, "linux,initrd-end",
					      cfg->initrd_end);
	}
	return err ?: fdt_end_node(fdt);
}

static int fdt_memory(void *fdt, const struct hvctl_fdt_config *cfg)
{
	char name[32];
	int err;

	snprintf(name, sizeof(name), "memory@%llx",
		 (unsigned long long)cfg->ram_base);
	err = fdt_begin_node(fdt, name);
	err = err ?: fdt_property_string(fdt, "device_type", "memory");
	err = err ?: fdt_reg64(fdt, cfg->ram_base, cfg->ram_size);
	return err ?: fdt_end_node(fdt);
}

/* Secondaries start with PSCI CPU_ON; reg is MPIDR's affinity: the id. */
static int fdt_cpus(void *fdt, const struct hvctl_fdt_config *cfg)
{
	char name[16];
	unsigned int i;
	int err;

	err = fdt_begin_node(fdt, "cpus");
	err = err ?: fdt_property_u32(fdt, "#address-cells", 1);
	err = err ?: fdt_property_u32(fdt, "#size-cells", 0);
	for (i = 0; i < cfg->nr_cpus && !err; i++) {
		snprintf(name, sizeof(name), "cpu@%x", i);
		err = fdt_begin_node(fdt, name);
		err = err ?: fdt_property_string(fdt, "device_type", "cpu");
		err = err ?: fdt_property_string(fdt, "compatible",
						 "arm,arm-v8");
		err = err ?: fdt_property_u32(fdt, "reg", i);
		err = err ?: fdt_property_string(fdt, "enable-method", "psci");
		err = err ?: fdt_end_node(fdt);
	}
	return err ?: fdt_end_node(fdt);
}

/* hv implements PSCI 1.0 over HVC #0 (module/arch/arm64/el2_psci.c). */
static int fdt_psci(void *fdt)
{
	static const char *const compat[] = { "arm,psci-1.0", "arm,psci-0.2" };
	int err;

	err = fdt_begin_node(fdt, "psci");
	err = err ?: fdt_strings(fdt, "compatible", compat, 2);
	err = err ?: fdt_property_string(fdt, "method", "hvc");
	return err ?: fdt_end_node(fdt);
}

/* The distributor, then one redistributor frame pair per vCPU. */
static int fdt_gic(void *fdt, const struct hvctl_fdt_config *cfg)
{
	char name[32];
	fdt64_t reg[4] = {
		cpu_to_fdt64(HVCTL_VIRT_GICD_BASE),
		cpu_to_fdt64(HVCTL_VIRT_GICD_SIZE),
		cpu_to_fdt64(HVCTL_VIRT_GICR_BASE),
		cpu_to_fdt64(cfg->nr_cpus * HVCTL_VIRT_GICR_STRIDE),
	};
	int err;

	snprintf(name, sizeof(name), "intc@%llx",
		 (unsigned long long)HVCTL_VIRT_GICD_BASE);
	err = fdt_begin_node(fdt, name);
	err = err ?: fdt_property_string(fdt, "compatible", "arm,gic-v3");
	err = err ?: fdt_property_u32(fdt, "#interrupt-cells", 3);
	err = err ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	/* no ITS child: dtc's interrupt_provider check wants it said */
	err = err ?: fdt_property_u32(fdt, "#address-cells", 0);
	err = err ?: fdt_property_u32(fdt, "#redistributor-regions", 1);
	err = err ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	err = err ?: fdt_irq(fdt, GIC_PPI, HVCTL_VIRT_GIC_MAINT_PPI,
			     IRQ_LEVEL_HIGH);
	err = err ?: fdt_property_u32(fdt, "phandle", FDT_PHANDLE_GIC);
	return err ?: fdt_end_node(fdt);
}

/* Secure, non-secure physical, virtual, hypervisor: the binding's order. */
static int fdt_timer(void *fdt)
{
	static const uint32_t ppi[4] = {
		HVCTL_VIRT_TIMER_S_PPI, HVCTL_VIRT_TIMER_NS_PPI,
		HVCTL_VIRT_TIMER_V_PPI, HVCTL_VIRT_TIMER_H_PPI,
	};
	fdt32_t irqs[12];
	unsigned int i;
	int err;

	for (i = 0; i < 4; i++) {
		irqs[3 * i] = cpu_to_fdt32(GIC_PPI);
		irqs[3 * i + 1] = cpu_to_fdt32(ppi[i]);
		irqs[3 * i + 2] = cpu_to_fdt32(IRQ_LEVEL_HIGH);
	}
	err = fdt_begin_node(fdt, "timer");
	err = err ?: fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	err = err ?: fdt_property(fdt, "interrupts", irqs, sizeof(irqs));
	/* the counter runs on in WFI: hv wakes the vCPU with an hrtimer */
	err = err ?: fdt_property(fdt, "always-on", NULL, 0);
	return err ?: fdt_end_node(fdt);
}

/* amba-pl011 wants both clocks: the baud clock and the bus clock. */
static int fdt_uart(void *fdt)
{
	static const char *const compat[] = { "arm,pl011", "arm,primecell" };
	static const char *const clocks[] = { "uartclk", "apb_pclk" };
	fdt32_t clk[2] = {
		cpu_to_fdt32(FDT_PHANDLE_CLK), cpu_to_fdt32(FDT_PHANDLE_CLK),
	};
	char name[32];
	int err;

	err = fdt_begin_node(fdt, "apb-pclk");
	err = err ?: fdt_property_string(fdt, "compatible", "fixed-clock");
	err = err ?: fdt_property_u32(fdt, "#clock-cells", 0);
	err = err ?: fdt_property_u32(fdt, "clock-frequency",
				      HVCTL_VIRT_UART_CLOCK);
	err = err ?: fdt_property_string(fdt, "clock-output-names",
					 "clk24mhz");
	err = err ?: fdt_property_u32(fdt, "phandle", FDT_PHANDLE_CLK);
	err = err ?: fdt_end_node(fdt);

	snprintf(name, sizeof(name), "pl011@%llx",
		 (unsigned long long)HVCTL_VIRT_PL011_BASE);
	err = err ?: fdt_begin_node(fdt, name);
	err = err ?: fdt_strings(fdt, "compatible", compat, 2);
	err = err ?: fdt_reg64(fdt, HVCTL_VIRT_PL011_BASE,
			       HVCTL_VIRT_PL011_SIZE);
	err = err ?: fdt_irq(fdt, GIC_SPI, HVCTL_VIRT_PL011_SPI,
			     IRQ_LEVEL_HIGH);
	err = err ?: fdt_property(fdt, "clocks", clk, sizeof(clk));
	err = err ?: fdt_strings(fdt, "clock-names", clocks, 2);
	return err ?: fdt_end_node(fdt);
}

/* virtio-mmio slot n: its 512 bytes at 0x0a000000 + 0x200 n, SPI 16 + n. */
static int fdt_virtio(void *fdt, unsigned int slot)
{
	uint64_t base = HVCTL_VIRT_VIRTIO_BASE + slot * HVCTL_VIRT_VIRTIO_SIZE;
	char name[32];
	int err;

	snprintf(name, sizeof(name), "virtio_mmio@%llx",
		 (unsigned long long)base);
	err = fdt_begin_node(fdt, name);
	err = err ?: fdt_property_string(fdt, "compatible", "virtio,mmio");
	err = err ?: fdt_reg64(fdt, base, HVCTL_VIRT_VIRTIO_SIZE);
	err = err ?: fdt_irq(fdt, GIC_SPI, HVCTL_VIRT_VIRTIO_SPI + slot,
			     IRQ_EDGE_RISING);
	/* guest RAM is ordinary cacheable memory the VMM reads coherently */
	err = err ?: fdt_property(fdt, "dma-coherent", NULL, 0);
	return err ?: fdt_end_node(fdt);
}

/*
 * The power key, as QEMU's virt board has it: a PL061 GPIO controller
 * (gpio/pl061-gpio.yaml, an AMBA device: it wants the bus clock) and a
 * gpio-keys KEY_POWER button on its pin 3 (input/gpio-keys.yaml). Its own
 * phandle number, clear of the low ones other nodes take.
 */
#define FDT_PHANDLE_GPIO	0x8061
#define FDT_KEY_POWER		116	/* linux/input-event-codes.h */

static int fdt_power_key(void *fdt)
{
	static const char *const compat[] = { "arm,pl061", "arm,primecell" };
	fdt32_t gpios[3] = {
		cpu_to_fdt32(FDT_PHANDLE_GPIO),
		cpu_to_fdt32(HVCTL_VIRT_GPIO_POWER_PIN),
		cpu_to_fdt32(0),	/* active high */
	};
	char name[32];
	int err;

	snprintf(name, sizeof(name), "pl061@%llx",
		 (unsigned long long)HVCTL_VIRT_GPIO_BASE);
	err = fdt_begin_node(fdt, name);
	err = err ?: fdt_strings(fdt, "compatible", compat, 2);
	err = err ?: fdt_reg64(fdt, HVCTL_VIRT_GPIO_BASE, HVCTL_VIRT_GPIO_SIZE);
	err = err ?: fdt_irq(fdt, GIC_SPI, HVCTL_VIRT_GPIO_SPI, IRQ_LEVEL_HIGH);
	err = err ?: fdt_property(fdt, "gpio-controller", NULL, 0);
	err = err ?: fdt_property_u32(fdt, "#gpio-cells", 2);
	err = err ?: fdt_property_u32(fdt, "clocks", FDT_PHANDLE_CLK);
	err = err ?: fdt_property_string(fdt, "clock-names", "apb_pclk");
	err = err ?: fdt_property_u32(fdt, "phandle", FDT_PHANDLE_GPIO);
	err = err ?: fdt_end_node(fdt);

	err = err ?: fdt_begin_node(fdt, "gpio-keys");
	err = err ?: fdt_property_string(fdt, "compatible", "gpio-keys");
	err = err ?: fdt_begin_node(fdt, "poweroff");
	err = err ?: fdt_property_string(fdt, "label", "GPIO Key Poweroff");
	err = err ?: fdt_property_u32(fdt, "linux,code", FDT_KEY_POWER);
	err = err ?: fdt_property(fdt, "gpios", gpios, sizeof(gpios));
	err = err ?: fdt_end_node(fdt);
	return err ?: fdt_end_node(fdt);
}

/*
 * The display: a "simple-framebuffer" (Linux's
 * Documentation/devicetree/bindings/display/simple-framebuffer.yaml),
 * which simplefb (=y in the Debian kernels) drives and fbcon uses. Its
 * memory is not in the memory node: the kernel maps it as a device's.
 */
static int fdt_framebuffer(void *fdt, const struct hvctl_fdt_config *cfg)
{
	char name[40];
	int err;

	snprintf(name, sizeof(name), "framebuffer@%llx",
		 (unsigned long long)cfg->fb_base);
	err = fdt_begin_node(fdt, name);
	err = err ?: fdt_property_string(fdt, "compatible",
					 "simple-framebuffer");
	err = err ?: fdt_reg64(fdt, cfg->fb_base, cfg->fb_size);
	err = err ?: fdt_property_u32(fdt, "width", cfg->fb_width);
	err = err ?: fdt_property_u32(fdt, "height", cfg->fb_height);
	err = err ?: fdt_property_u32(fdt, "stride", cfg->fb_stride);
	err = err ?: fdt_property_string(fdt, "format", "x8r8g8b8");
	return err ?: fdt_end_node(fdt);
}

int hvctl_fdt_build(const struct hvctl_fdt_config *cfg, void *buf,
		    size_t size)
{
	unsigned int i;
	int err;

	if (!cfg->nr_cpus || cfg->nr_cpus > 64 ||
	    cfg->nr_virtio > HVCTL_VIRT_VIRTIO_SLOTS ||
	    cfg->initrd_start > cfg->initrd_end)
		return -FDT_ERR_BADVALUE;
	if (size > HVCTL_FDT_MAX_SIZE)
		size = HVCTL_FDT_MAX_SIZE;
	err = fdt_create(buf, size);
	err = err ?: fdt_finish_reservemap(buf);
	err = err ?: fdt_begin_node(buf, "");
	err = err ?: fdt_root_props(buf);
	err = err ?: fdt_chosen(buf, cfg);
	err = err ?: fdt_memory(buf, cfg);
	err = err ?: fdt_cpus(buf, cfg);
	err = err ?: fdt_psci(buf);
	err = err ?: fdt_gic(buf, cfg);
	err = err ?: fdt_timer(buf);
	err = err ?: fdt_uart(buf);
	err = err ?: fdt_power_key(buf);
	for (i = 0; i < cfg->nr_virtio && !err; i++)
		err = fdt_virtio(buf, i);
	if (cfg->fb_size && !err)
		err = fdt_framebuffer(buf, cfg);
	err = err ?: fdt_end_node(buf);
	err = err ?: fdt_finish(buf);
	/* the sequential writer's tree is valid as it is; drop the slack */
	err = err ?: fdt_open_into(buf, buf, size);
	err = err ?: fdt_pack(buf);
	return err ?: (int)fdt_totalsize(buf);
}
