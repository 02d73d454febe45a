// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of hvctl's x86 kernel loaders (tools/hvctl/vmm/x86/boot_*.c,
 * compiled into this program): the Linux 64-bit boot protocol and
 * multiboot v1. Each test builds a small kernel file in memory the way
 * the format describes it, loads it into a buffer standing for guest RAM
 * and checks what the guest would find there (zero page, e820, multiboot
 * info) and the boot vCPU state; the bad-input tests check that the load
 * fails with one line naming the problem and leaves no partial success.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "boot_x86.h"
#include "host_file.h"

#define MiB		(1024 * 1024ULL)
#define SETUP_SECTS	7		/* setup: (7 + 1) * 512 bytes */
#define SETUP_SIZE	((SETUP_SECTS + 1) * 512)
#define PAYLOAD		(64 * 1024)
#define PREF		(16 * MiB)
#define INIT_SIZE	(32 * MiB)

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* A bzImage as the Debian 6.12 one is laid out, with a small payload. */
static uint8_t *make_bzimage(size_t *size)
{
	uint8_t *k = calloc(1, SETUP_SIZE + PAYLOAD);
	size_t i;

	k[0x1f1] = SETUP_SECTS;
	put32(k + 0x1f4, PAYLOAD / 16);		/* syssize */
	put16(k + 0x1fe, 0xaa55);
	k[0x200] = 0xeb;			/* jmp to the end of the header */
	k[0x201] = 0x6a;
	memcpy(k + 0x202, "HdrS", 4);
	put16(k + 0x206, 0x020f);		/* protocol 2.15 */
	k[0x211] = 0x01;			/* LOADED_HIGH */
	put32(k + 0x22c, 0x7fffffff);		/* initrd_addr_max */
	put32(k + 0x230, 2 * MiB);		/* kernel_alignment */
	k[0x234] = 1;				/* relocatable */
	put16(k + 0x236, 0x7f);			/* xloadflags */
	put32(k + 0x238, 2047);			/* cmdline_size */
	put64(k + 0x258, PREF);			/* pref_address */
	put32(k + 0x260, INIT_SIZE);
	for (i = 0; i < PAYLOAD; i++)
		k[SETUP_SIZE + i] = i * 7 + 1;
	*size = SETUP_SIZE + PAYLOAD;
	return k;
}

FIXTURE(bzimage) {
	struct hvctl_x86_load l;
	struct hvctl_x86_boot b;
	uint8_t *kernel, *initrd;
	size_t kernel_size;
};

FIXTURE_SETUP(bzimage)
{
	memset(&self->l, 0, sizeof(self->l));
	self->kernel = make_bzimage(&self->kernel_size);
	self->initrd = malloc(4 * MiB);
	ASSERT_NE(NULL, self->initrd);
	memset(self->initrd, 0x5a, 4 * MiB);
	self->l.mem_size = 64 * MiB;
	self->l.mem = calloc(1, self->l.mem_size);
	ASSERT_NE(NULL, self->l.mem);
	self->l.kernel = (struct hvctl_x86_file){ "/boot/vmlinuz", self->kernel,
						  self->kernel_size };
	self->l.modules[0] = (struct hvctl_x86_file){ "/boot/initrd",
						      self->initrd, 3 * MiB + 5 };
	self->l.nr_modules = 1;
	self->l.cmdline = "console=ttyS0 earlyprintk=serial";
	self->l.rsdp = 0xe0000;
	memset(&self->b, 0xee, sizeof(self->b));
}

FIXTURE_TEARDOWN(bzimage)
{
	free(self->l.mem);
	free(self->kernel);
	free(self->initrd);
}

/* The load failed with one line containing @want. */
#define ASSERT_FAILS(_want)						\
	do {								\
		ASSERT_EQ(-1, hvctl_linux_load(&self->l, &self->b));	\
		TH_LOG("%s", self->l.err);				\
		ASSERT_NE(NULL, strstr(self->l.err, _want));		\
		ASSERT_EQ(NULL, strchr(self->l.err, '\n'));		\
	} while (0)

TEST_F(bzimage, loads)
{
	const uint8_t *zp = self->l.mem + HVCTL_X86_ZERO_PAGE;
	const uint8_t *e820 = zp + 0x2d0;
	uint64_t initrd;

	ASSERT_EQ(1, hvctl_linux_probe(&self->l.kernel));
	ASSERT_EQ(0, hvctl_linux_load(&self->l, &self->b));
	/* 64-bit entry at load + 0x200, RSI = the zero page */
	EXPECT_EQ(HVCTL_X86_LONG, self->b.mode);
	EXPECT_EQ(PREF + 0x200, self->b.rip);
	EXPECT_EQ(HVCTL_X86_ZERO_PAGE, self->b.rsi);
	EXPECT_EQ(0, memcmp(self->l.mem + PREF, self->kernel + SETUP_SIZE,
			    PAYLOAD));
	/* the setup header is copied; the loader's fields are set */
	EXPECT_EQ(0, memcmp(zp + 0x202, "HdrS", 4));
	EXPECT_EQ(0xff, zp[0x210]);			/* type_of_loader */
	EXPECT_EQ(HVCTL_X86_CMDLINE, get32(zp + 0x228));
	EXPECT_STREQ(self->l.cmdline,
		     (char *)self->l.mem + HVCTL_X86_CMDLINE);
	EXPECT_EQ(0xe0000, get64(zp + 0x070));		/* acpi_rsdp_addr */
	/* the initrd: as high as it goes, page aligned, above init_size */
	initrd = get32(zp + 0x218);
	EXPECT_EQ(3 * MiB + 5, get32(zp + 0x21c));
	EXPECT_EQ(0, initrd & 0xfff);
	EXPECT_LE(initrd + 3 * MiB + 5, self->l.mem_size);
	EXPECT_GT(initrd + 4096 + 3 * MiB + 5, self->l.mem_size);
	EXPECT_GE(initrd, PREF + INIT_SIZE);
	EXPECT_EQ(0, memcmp(self->l.mem + initrd, self->initrd, 3 * MiB + 5));
	/* e820: low RAM, the legacy hole, RAM from 1 MiB, the APIC pages */
	ASSERT_EQ(5, zp[0x1e8]);
	EXPECT_EQ(0, get64(e820));
	EXPECT_EQ(0x9fc00, get64(e820 + 8));
	EXPECT_EQ(1, get32(e820 + 16));
	EXPECT_EQ(0x9fc00, get64(e820 + 20));
	EXPECT_EQ(0x100000 - 0x9fc00, get64(e820 + 28));
	EXPECT_EQ(2, get32(e820 + 36));
	EXPECT_EQ(0x100000, get64(e820 + 40));
	EXPECT_EQ(self->l.mem_size - 0x100000, get64(e820 + 48));
	EXPECT_EQ(1, get32(e820 + 56));
	EXPECT_EQ(0xfec00000, get64(e820 + 60));
	EXPECT_EQ(2, get32(e820 + 76));
	EXPECT_EQ(0xfee00000, get64(e820 + 80));
	EXPECT_EQ(2, get32(e820 + 96));
	/* a 64-bit code segment at 0x10, data at 0x18, the identity map */
	EXPECT_EQ(0x00af9b000000ffffULL, get64(self->l.mem + HVCTL_X86_GDT + 0x10));
	EXPECT_EQ(0x00cf93000000ffffULL, get64(self->l.mem + HVCTL_X86_GDT + 0x18));
	EXPECT_EQ(HVCTL_X86_PDPT | 3, get64(self->l.mem + HVCTL_X86_PML4));
	EXPECT_EQ((3ULL << 30) | 0x83,
		  get64(self->l.mem + HVCTL_X86_PD + 3 * 4096));
}

TEST_F(bzimage, no_initrd)
{
	self->l.nr_modules = 0;
	ASSERT_EQ(0, hvctl_linux_load(&self->l, &self->b));
	EXPECT_EQ(0, get32(self->l.mem + HVCTL_X86_ZERO_PAGE + 0x218));
	EXPECT_EQ(0, get32(self->l.mem + HVCTL_X86_ZERO_PAGE + 0x21c));
}

TEST_F(bzimage, truncated)
{
	self->l.kernel.size = SETUP_SIZE + PAYLOAD - 1;
	ASSERT_FAILS("truncated");
	self->l.kernel.size = 0x100;
	ASSERT_FAILS("not a bzImage");
}

TEST_F(bzimage, not_a_bzimage)
{
	memcpy(self->kernel, ELFMAG, SELFMAG);
	memcpy(self->kernel + 0x202, "ELF!", 4);
	ASSERT_EQ(0, hvctl_linux_probe(&self->l.kernel));
	ASSERT_FAILS("not a bzImage");
}

TEST_F(bzimage, old_protocol)
{
	put16(self->kernel + 0x206, 0x020a);
	ASSERT_FAILS("boot protocol 2.10");
}

TEST_F(bzimage, no_64bit_entry)
{
	put16(self->kernel + 0x236, 0);
	ASSERT_FAILS("no 64-bit entry");
}

TEST_F(bzimage, initrd_does_not_fit)
{
	self->l.modules[0].size = 4 * MiB;
	self->l.mem_size = PREF + INIT_SIZE + 3 * MiB;
	ASSERT_FAILS("does not fit");
}

TEST_F(bzimage, initrd_limit)
{
	/* initrd_addr_max below the kernel's end: nowhere to go */
	put32(self->kernel + 0x22c, 8 * MiB - 1);
	ASSERT_FAILS("does not fit");
}

TEST_F(bzimage, cmdline_too_long)
{
	char *cmd = malloc(2049);

	memset(cmd, 'x', 2048);
	cmd[2048] = 0;
	self->l.cmdline = cmd;
	ASSERT_EQ(-1, hvctl_linux_load(&self->l, &self->b));
	free(cmd);
	ASSERT_NE(NULL, strstr(self->l.err, "command line of 2048 bytes"));
	ASSERT_NE(NULL, strstr(self->l.err, "at most 2047"));
}

TEST_F(bzimage, cmdline_at_limit)
{
	char *cmd = malloc(2048);

	memset(cmd, 'x', 2047);
	cmd[2047] = 0;
	self->l.cmdline = cmd;
	EXPECT_EQ(0, hvctl_linux_load(&self->l, &self->b));
	EXPECT_EQ(2047, strlen((char *)self->l.mem + HVCTL_X86_CMDLINE));
	free(cmd);
}

TEST_F(bzimage, ram_too_small)
{
	self->l.mem_size = 40 * MiB;
	ASSERT_FAILS("needs RAM up to 48M");
}

TEST_F(bzimage, ram_too_large)
{
	self->l.mem_size = 4096 * MiB;
	ASSERT_FAILS("at most 3072M");
}

TEST_F(bzimage, two_initrds)
{
	self->l.modules[1] = self->l.modules[0];
	self->l.nr_modules = 2;
	ASSERT_FAILS("one initrd");
}

/*
 * The stock kernel the harness boots, when $HV_TEST_VMLINUZ names it:
 * protocol 2.15, entry at 16 MiB + 0x200, in 256 MiB with a 4 MiB initrd.
 */
TEST_F(bzimage, stock_kernel)
{
	const char *path = getenv("HV_TEST_VMLINUZ");
	uint8_t *k;
	long n;

	if (!path)
		SKIP(return, "HV_TEST_VMLINUZ is not set");
	k = host_read_file(path, &n);
	ASSERT_NE(NULL, k);
	free(self->l.mem);
	self->l.mem_size = 256 * MiB;
	self->l.mem = calloc(1, self->l.mem_size);
	self->l.kernel = (struct hvctl_x86_file){ path, k, n };
	self->l.modules[0].size = 4 * MiB;
	EXPECT_EQ(0, hvctl_linux_load(&self->l, &self->b));
	TH_LOG("%s: protocol 0x%x, init_size %u, initrd at 0x%x", path,
	       get32(self->l.mem + HVCTL_X86_ZERO_PAGE + 0x206) & 0xffff,
	       get32(self->l.mem + HVCTL_X86_ZERO_PAGE + 0x260),
	       get32(self->l.mem + HVCTL_X86_ZERO_PAGE + 0x218));
	EXPECT_EQ(PREF + 0x200, self->b.rip);
	free(k);
}

/* --- multiboot ----------------------------------------------------------- */

#define MB_LOAD		0x100000
#define MB_CODE		256

/* An ELF32 kernel: header, one PT_LOAD of code + bss, multiboot header. */
static uint8_t *make_mb_elf(size_t *size, uint32_t flags)
{
	size_t off = sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr);
	uint8_t *k = calloc(1, off + MB_CODE);
	Elf32_Ehdr *eh = (Elf32_Ehdr *)k;
	Elf32_Phdr *ph = (Elf32_Phdr *)(k + sizeof(*eh));

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_entry = MB_LOAD + 12;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_offset = off;
	ph->p_vaddr = ph->p_paddr = MB_LOAD;
	ph->p_filesz = MB_CODE;
	ph->p_memsz = MB_CODE + 8192;		/* bss */
	put32(k + off, 0x1badb002);
	put32(k + off + 4, flags);
	put32(k + off + 8, -(0x1badb002 + flags));
	memset(k + off + 12, 0x90, MB_CODE - 12);
	*size = off + MB_CODE;
	return k;
}

FIXTURE(mb) {
	struct hvctl_x86_load l;
	struct hvctl_x86_boot b;
	uint8_t *kernel;
	size_t kernel_size;
	uint8_t mod1[5000], mod2[10];
};

FIXTURE_SETUP(mb)
{
	memset(&self->l, 0, sizeof(self->l));
	self->kernel = make_mb_elf(&self->kernel_size, 3);
	self->l.mem_size = 16 * MiB;
	self->l.mem = malloc(self->l.mem_size);
	ASSERT_NE(NULL, self->l.mem);
	memset(self->l.mem, 0xcc, self->l.mem_size);	/* bss must be zeroed */
	self->l.kernel = (struct hvctl_x86_file){ "/hv/images/mbtest.elf",
						  self->kernel,
						  self->kernel_size };
	memset(self->mod1, 1, sizeof(self->mod1));
	memset(self->mod2, 2, sizeof(self->mod2));
	self->l.modules[0] = (struct hvctl_x86_file){ "/m1", self->mod1,
						      sizeof(self->mod1) };
	self->l.modules[1] = (struct hvctl_x86_file){ "/m2", self->mod2,
						      sizeof(self->mod2) };
	self->l.nr_modules = 2;
	self->l.cmdline = "exit=21";
}

FIXTURE_TEARDOWN(mb)
{
	free(self->l.mem);
	free(self->kernel);
}

static const char *gstr(struct __test_metadata *m, const uint8_t *mem,
			uint32_t gpa)
{
	(void)m;
	return (const char *)mem + gpa;
}

TEST_F(mb, loads_elf)
{
	const uint8_t *mem = self->l.mem, *info, *mods, *mmap;
	uint32_t i, n, ram = 0;

	ASSERT_EQ(1, hvctl_multiboot_probe(&self->l.kernel));
	ASSERT_EQ(0, hvctl_linux_probe(&self->l.kernel));
	ASSERT_EQ(0, hvctl_multiboot_load(&self->l, &self->b));
	EXPECT_EQ(HVCTL_X86_PROTECTED, self->b.mode);
	EXPECT_EQ(MB_LOAD + 12, self->b.rip);
	EXPECT_EQ(0x2badb002, self->b.rax);
	/* the code, then a zeroed bss */
	EXPECT_EQ(0x90, mem[MB_LOAD + 12]);
	for (i = MB_CODE; i < MB_CODE + 8192; i++)
		ASSERT_EQ(0, mem[MB_LOAD + i]);
	info = mem + self->b.rbx;
	EXPECT_EQ(0, self->b.rbx & 0xfff);
	EXPECT_EQ(0x24d, get32(info));		/* mem, cmdline, mods, mmap, name */
	EXPECT_EQ(639, get32(info + 4));
	EXPECT_EQ((16 * MiB - MiB) >> 10, get32(info + 8));
	EXPECT_STREQ("/hv/images/mbtest.elf exit=21",
		     gstr(_metadata, mem, get32(info + 16)));
	EXPECT_STREQ("hvctl", gstr(_metadata, mem, get32(info + 64)));
	/* modules: page aligned after the kernel, in order, with their paths */
	ASSERT_EQ(2, get32(info + 20));
	mods = mem + get32(info + 24);
	EXPECT_EQ(MB_LOAD + 0x3000, get32(mods));	/* after code + bss */
	EXPECT_EQ(MB_LOAD + 0x3000 + 5000, get32(mods + 4));
	EXPECT_STREQ("/m1", gstr(_metadata, mem, get32(mods + 8)));
	EXPECT_EQ(MB_LOAD + 0x5000, get32(mods + 16));
	EXPECT_STREQ("/m2", gstr(_metadata, mem, get32(mods + 24)));
	EXPECT_EQ(0, memcmp(mem + get32(mods), self->mod1, sizeof(self->mod1)));
	EXPECT_GT(self->b.rbx, get32(mods + 20) - 1);
	/* the memory map: 24-byte entries whose size field says 20 */
	n = get32(info + 44) / 24;
	ASSERT_EQ(5, n);
	mmap = mem + get32(info + 48);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(20, get32(mmap + 24 * i));
		ram += get32(mmap + 24 * i + 20) == 1;
	}
	EXPECT_EQ(2, ram);
	EXPECT_EQ(0x100000, get64(mmap + 48 + 4));
	/* a 32-bit code segment at 0x10 */
	EXPECT_EQ(0x00cf9b000000ffffULL, get64(mem + HVCTL_X86_GDT + 0x10));
}

TEST_F(mb, loads_aout_kludge)
{
	uint8_t k[64 + MB_CODE] = { 0 };

	/* header at 16; the file from offset 0 goes to 0x200000 */
	put32(k + 16, 0x1badb002);
	put32(k + 20, 0x10003);
	put32(k + 24, -(0x1badb002 + 0x10003));
	put32(k + 28, 0x200000 + 16);		/* header_addr */
	put32(k + 32, 0x200000);		/* load_addr */
	put32(k + 36, 0);			/* load_end_addr: the file */
	put32(k + 40, 0x200000 + 0x4000);	/* bss_end_addr */
	put32(k + 44, 0x200000 + 64);		/* entry_addr */
	k[64] = 0xf4;
	self->l.kernel = (struct hvctl_x86_file){ "/k", k, sizeof(k) };
	self->l.nr_modules = 0;
	ASSERT_EQ(0, hvctl_multiboot_load(&self->l, &self->b));
	EXPECT_EQ(0x200000 + 64, self->b.rip);
	EXPECT_EQ(0xf4, self->l.mem[0x200000 + 64]);
	EXPECT_EQ(0, self->l.mem[0x200000 + 0x3fff]);
	EXPECT_EQ(0x200000 + 0x4000, self->b.rbx);
	EXPECT_STREQ("/k exit=21", (char *)self->l.mem +
		     get32(self->l.mem + self->b.rbx + 16));
}

#define ASSERT_MB_FAILS(_want)						\
	do {								\
		ASSERT_EQ(-1, hvctl_multiboot_load(&self->l, &self->b)); \
		TH_LOG("%s", self->l.err);				\
		ASSERT_NE(NULL, strstr(self->l.err, _want));		\
		ASSERT_EQ(NULL, strchr(self->l.err, '\n'));		\
	} while (0)

TEST_F(mb, no_header)
{
	self->kernel[sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr) + 8] ^= 1;
	ASSERT_EQ(0, hvctl_multiboot_probe(&self->l.kernel));
	ASSERT_MB_FAILS("no multiboot header");
}

TEST_F(mb, unknown_required_flag)
{
	free(self->kernel);
	self->kernel = make_mb_elf(&self->kernel_size, 3 | 0x100);
	self->l.kernel.data = self->kernel;
	ASSERT_MB_FAILS("flags 0x103");
}

TEST_F(mb, truncated_segment)
{
	self->l.kernel.size -= 10;
	ASSERT_MB_FAILS("truncated");
}

TEST_F(mb, segment_outside_ram)
{
	Elf32_Phdr *ph = (Elf32_Phdr *)(self->kernel + sizeof(Elf32_Ehdr));

	ph->p_paddr = 16 * MiB - 4096;
	ASSERT_MB_FAILS("not in the guest's RAM");
	ph->p_paddr = 0x8000;			/* below 1 MiB */
	ASSERT_MB_FAILS("not in the guest's RAM");
}

TEST_F(mb, module_does_not_fit)
{
	static uint8_t big[16 * MiB];

	self->l.modules[1] = (struct hvctl_x86_file){ "/big", big, sizeof(big) };
	ASSERT_MB_FAILS("module /big");
}

TEST_HARNESS_MAIN
