// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory on hv, seen from both sides: a 32-bit guest (guest_probe)
 * loads and stores where the test tells it, and the test looks through its
 * mmap of the VM. Several regions, ROM, accesses outside RAM, lazy
 * allocation, removal and re-adding of a region.
 */
#include "hv_x86_util.h"

FIXTURE(mem) {
	struct hv_test_vm t;
};

FIXTURE_SETUP(mem)
{
	x86_vm_create(_metadata, &self->t, 0);
	x86_probe_setup(_metadata, &self->t);
}

FIXTURE_TEARDOWN(mem)
{
	x86_vm_destroy(&self->t);
}

static __u32 *ram32(struct hv_test_vm *t, __u64 gpa)
{
	return x86_gpa(t, gpa);
}

/* Guest stores appear in the VMM's mapping, VMM stores in the guest. */
TEST_F(mem, guest_and_vmm_views)
{
	struct hv_test_vm *t = &self->t;

	x86_probe_write(_metadata, t, 0x20000, 0x11223344);
	x86_probe_write8(_metadata, t, 0x20004, 0x55);
	EXPECT_EQ(0x11223344U, *ram32(t, 0x20000));
	EXPECT_EQ(0x55, *(__u8 *)x86_gpa(t, 0x20004));

	/* the page is mapped for the guest now: a VMM store must show */
	*ram32(t, 0x20000) = 0xa5a5a5a5;
	*ram32(t, 0x20008) = 0x0badcafe;
	EXPECT_EQ(0xa5a5a5a5U, x86_probe_read(_metadata, t, 0x20000));
	EXPECT_EQ(0x0badcafeU, x86_probe_read(_metadata, t, 0x20008));
	EXPECT_EQ(0x55, x86_probe_read8(_metadata, t, 0x20004));

	/* and again the other way, on the same page */
	x86_probe_write(_metadata, t, 0x20008, 0x600d600d);
	EXPECT_EQ(0x600d600dU, *ram32(t, 0x20008));
}

/* RAM nobody touched reads as zeros, whoever touches it first. */
TEST_F(mem, first_touch)
{
	struct hv_test_vm *t = &self->t;

	/* the VMM first: the guest sees the data */
	*ram32(t, 0x50000) = 0x5eed5eed;
	EXPECT_EQ(0x5eed5eedU, x86_probe_read(_metadata, t, 0x50000));

	/* the guest first (a load): zeros; then a store the VMM sees */
	EXPECT_EQ(0U, x86_probe_read(_metadata, t, 0x60000));
	x86_probe_write(_metadata, t, 0x60010, 0x12121212);
	EXPECT_EQ(0x12121212U, *ram32(t, 0x60010));
	EXPECT_EQ(0U, *ram32(t, 0x60000));

	/* the guest first (a store) on a page of its own */
	x86_probe_write(_metadata, t, 0x70ffc, 0x34343434);
	EXPECT_EQ(0x34343434U, *ram32(t, 0x70ffc));
}

TEST_F(mem, two_regions)
{
	struct hv_test_vm *t = &self->t;
	const __u64 gpa = 0x40000000, size = 0x100000;
	__u32 *hi;

	ASSERT_EQ(0, hv_set_region(t->vm_fd, 5, gpa, size, 0));
	hi = hv_map_ram(t->vm_fd, gpa, size);
	ASSERT_NE(NULL, hi);

	hi[0x1000 / 4] = 0xfeedf00d;
	EXPECT_EQ(0xfeedf00dU, x86_probe_read(_metadata, t, gpa + 0x1000));
	x86_probe_write(_metadata, t, gpa + 0x2000, 0x87654321);
	EXPECT_EQ(0x87654321U, hi[0x2000 / 4]);
	/* the last word of the region, and the first one after it */
	x86_probe_write(_metadata, t, gpa + size - 4, 0x13572468);
	EXPECT_EQ(0x13572468U, hi[size / 4 - 1]);
	x86_probe_read_mmio(_metadata, t, gpa + size, 0x2468ace0);
	/* the gap between the regions is not RAM */
	x86_probe_read_mmio(_metadata, t, gpa - 4, 0x11111111);
	/* slot 0 is unaffected */
	x86_probe_write(_metadata, t, 0x30000, 0x42424242);
	EXPECT_EQ(0x42424242U, *ram32(t, 0x30000));
	EXPECT_EQ(0x42424242U, x86_probe_read(_metadata, t, 0x30000));
	munmap(hi, size);
}

/*
 * ROM: the guest reads what the VMM put there; a guest store is an MMIO
 * exit with the data and does not change the ROM.
 */
TEST_F(mem, rom)
{
	struct hv_test_vm *t = &self->t;
	const __u64 gpa = 0x300000, size = 0x2000;
	__u32 *rom;

	ASSERT_EQ(0, hv_set_region(t->vm_fd, 1, gpa, size, HV_MEM_READONLY));
	rom = hv_map_ram(t->vm_fd, gpa, size);
	ASSERT_NE(NULL, rom);
	rom[4] = 0x5a5a1234;

	EXPECT_EQ(0x5a5a1234U, x86_probe_read(_metadata, t, gpa + 0x10));
	/* the page is mapped (read-only) for the guest now */
	x86_probe_write_mmio(_metadata, t, gpa + 0x10, 0xdeadbeef);
	EXPECT_EQ(0x5a5a1234U, rom[4]);
	EXPECT_EQ(0x5a5a1234U, x86_probe_read(_metadata, t, gpa + 0x10));

	/* a byte store */
	x86_probe_cmd(_metadata, t, PROBE_WRITE8, gpa + 0x11);
	x86_answer_in(_metadata, t, PORT_PROBE_ARG, 4, 0x99);
	x86_expect_mmio_write(_metadata, t, gpa + 0x11, 1, 0x99);
	x86_run_out(_metadata, t, PORT_PROBE_ACK, 1);
	EXPECT_EQ(0x5a5a1234U, rom[4]);

	/* a store to a ROM page nothing touched yet */
	x86_probe_write_mmio(_metadata, t, gpa + 0x1000, 0x01010101);
	EXPECT_EQ(0U, x86_probe_read(_metadata, t, gpa + 0x1000));
	EXPECT_EQ(0U, rom[0x1000 / 4]);
	munmap(rom, size);
}

/* Outside every region: MMIO, reads and writes, at the edges of RAM. */
TEST_F(mem, outside_ram)
{
	struct hv_test_vm *t = &self->t;

	x86_probe_write(_metadata, t, X86_RAM_SIZE - 4, 0x0a0b0c0d);
	EXPECT_EQ(0x0a0b0c0dU, x86_probe_read(_metadata, t, X86_RAM_SIZE - 4));
	x86_probe_read_mmio(_metadata, t, X86_RAM_SIZE, 0xcafe0001);
	x86_probe_write_mmio(_metadata, t, X86_RAM_SIZE, 0xcafe0002);
	x86_probe_read_mmio(_metadata, t, 0xfffffff0, 0xcafe0003);
	x86_probe_write_mmio(_metadata, t, 0xfee00000, 0xcafe0004);
	/* nothing of it reached RAM */
	EXPECT_EQ(0x0a0b0c0dU, *ram32(t, X86_RAM_SIZE - 4));
}

/*
 * A 16 MiB region the guest touches on 8 pages costs about 8 pages of
 * host memory; the VMM touching all of it costs 16 MiB.
 */
TEST_F(mem, lazy_allocation)
{
	struct hv_test_vm *t = &self->t;
	const __u64 gpa = 0x1000000, size = 16 << 20;
	long before, sparse, dense;
	unsigned char *big;
	int i;

	before = hv_meminfo_kb("MemFree");
	ASSERT_LT(0, before);
	ASSERT_EQ(0, hv_set_region(t->vm_fd, 2, gpa, size, 0));
	big = hv_map_ram(t->vm_fd, gpa, size);
	ASSERT_NE(NULL, big);

	for (i = 0; i < 8; i++)
		x86_probe_write(_metadata, t, gpa + i * 0x200000 + 0x10, i + 1);
	for (i = 0; i < 8; i++)
		EXPECT_EQ((__u32)i + 1,
			  x86_probe_read(_metadata, t, gpa + i * 0x200000 + 0x10));
	EXPECT_EQ(0U, x86_probe_read(_metadata, t, gpa + 0x100000));
	sparse = before - hv_meminfo_kb("MemFree");
	EXPECT_GT(4096, sparse) TH_LOG("8 touched pages took %ld KiB", sparse);

	/* the measure works: the VMM touching every page costs 16 MiB */
	memset(big, 0xaa, size);
	dense = before - hv_meminfo_kb("MemFree");
	EXPECT_LT(12288, dense) TH_LOG("16 MiB touched took %ld KiB", dense);
	TH_LOG("MemFree drop: %ld KiB for 9 guest pages, %ld KiB for 16 MiB",
	       sparse, dense);
	/* and the guest sees the VMM's bytes, its own being overwritten */
	EXPECT_EQ(0xaaaaaaaaU, x86_probe_read(_metadata, t, gpa + 0x10));
	EXPECT_EQ(0xaaaaaaaaU, x86_probe_read(_metadata, t, gpa + size - 4));
	munmap(big, size);
}

/*
 * Removing a region (size 0) takes it away from the guest at once, even
 * where the guest had it mapped; the slot can be used again elsewhere, and
 * the old range again, with fresh memory.
 */
TEST_F(mem, remove_and_readd)
{
	struct hv_test_vm *t = &self->t;
	const __u64 gpa = 0x400000, gpa2 = 0x800000, size = 0x10000;
	__u32 *m;

	ASSERT_EQ(0, hv_set_region(t->vm_fd, 1, gpa, size, 0));
	m = hv_map_ram(t->vm_fd, gpa, size);
	ASSERT_NE(NULL, m);
	m[0x40] = 0xabcd1234;
	EXPECT_EQ(0xabcd1234U, x86_probe_read(_metadata, t, gpa + 0x100));
	x86_probe_write(_metadata, t, gpa + 0x104, 0x0f0f0f0f);
	EXPECT_EQ(0x0f0f0f0fU, m[0x41]);
	munmap(m, size);

	ASSERT_EQ(0, hv_set_region(t->vm_fd, 1, 0, 0, 0));
	x86_probe_read_mmio(_metadata, t, gpa + 0x100, 0x77777777);
	x86_probe_write_mmio(_metadata, t, gpa + 0x104, 0x88888888);
	/* no mapping of a removed region */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, size, PROT_READ | PROT_WRITE,
				   MAP_SHARED, t->vm_fd, gpa));

	/* the same slot elsewhere: fresh, zeroed memory */
	ASSERT_EQ(0, hv_set_region(t->vm_fd, 1, gpa2, size, 0));
	EXPECT_EQ(0U, x86_probe_read(_metadata, t, gpa2 + 0x100));
	x86_probe_write(_metadata, t, gpa2 + 0x100, 0x31415926);
	m = hv_map_ram(t->vm_fd, gpa2, size);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(0x31415926U, m[0x40]);
	munmap(m, size);
	x86_probe_read_mmio(_metadata, t, gpa + 0x100, 0x99999999);

	/* the old range in another slot: RAM again, without the old data */
	ASSERT_EQ(0, hv_set_region(t->vm_fd, 2, gpa, size, 0));
	EXPECT_EQ(0U, x86_probe_read(_metadata, t, gpa + 0x100));
	EXPECT_EQ(0U, x86_probe_read(_metadata, t, gpa + 0x104));
}

/* Removing a region whose pages the guest has mapped, several of them. */
TEST_F(mem, remove_while_mapped_by_guest)
{
	struct hv_test_vm *t = &self->t;
	const __u64 gpa = 0x600000, size = 0x200000;

	ASSERT_EQ(0, hv_set_region(t->vm_fd, 3, gpa, size, 0));
	/* the guest maps a page of each 4 KiB of the first 64 KiB */
	for (__u64 off = 0; off < 0x10000; off += 0x1000)
		x86_probe_write(_metadata, t, gpa + off, (__u32)off | 1);
	for (__u64 off = 0; off < 0x10000; off += 0x1000)
		EXPECT_EQ((__u32)off | 1, x86_probe_read(_metadata, t, gpa + off));
	ASSERT_EQ(0, hv_set_region(t->vm_fd, 3, 0, 0, 0));
	for (__u64 off = 0; off < 0x10000; off += 0x4000)
		x86_probe_read_mmio(_metadata, t, gpa + off, 0x5555aaaa);
}

TEST_HARNESS_MAIN
