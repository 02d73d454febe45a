// SPDX-License-Identifier: GPL-2.0
/*
 * Walks of a VM's guest-physical tables (hv_pgtable.h): find or build the
 * path to a leaf entry, clear a range of leaves, free the tables.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "hv_core.h"
#include "hv_pgtable.h"

#define HV_PGTABLE_ENTRIES	512

/* The index of @gfn in a table @depth levels above the leaves. */
static unsigned int hv_pgtable_index(u64 gfn, unsigned int depth)
{
	return (gfn >> (9 * (depth - 1))) & (HV_PGTABLE_ENTRIES - 1);
}

static u64 *hv_pgtable_next(const struct hv_pgtable_fmt *fmt, u64 entry)
{
	return __va(entry & fmt->addr_mask);
}

/**
 * hv_pgtable_leaf() - the leaf entry that maps @gfn, with the tables on
 * the way made where missing.
 * @root: the top table.
 * @depth: its distance from the leaves (hv_pgtable.h).
 * @fmt: the entry format.
 * @gfn: guest frame number.
 * @cache: the faulting vCPU's table pages (at most @depth - 1 are taken).
 *
 * Called with preemption disabled and the VM's table lock held; the
 * caller checked the cache (hv_table_cache_short()).
 *
 * Return: the leaf entry, for the caller to write.
 */
u64 *hv_pgtable_leaf(u64 *root, unsigned int depth,
		     const struct hv_pgtable_fmt *fmt, u64 gfn,
		     struct hv_table_cache *cache)
{
	u64 *table = root;

	for (; depth > 1; depth--) {
		u64 *entry = &table[hv_pgtable_index(gfn, depth)];

		if (!(*entry & fmt->valid)) {
			void *next = hv_table_cache_take(cache);

			/*
			 * The zeroed table before the entry that points to
			 * it, for other CPUs' table walks too (as the core
			 * mm's pmd_install() does).
			 */
			smp_wmb();
			WRITE_ONCE(*entry, __pa(next) | fmt->table);
		}
		table = hv_pgtable_next(fmt, *entry);
	}
	return &table[hv_pgtable_index(gfn, 1)];
}

static void hv_pgtable_clear_below(u64 *table, unsigned int depth,
				   const struct hv_pgtable_fmt *fmt, u64 base,
				   u64 first, u64 last)
{
	u64 span = 1ULL << (9 * (depth - 1));
	unsigned int i;

	for (i = 0; i < HV_PGTABLE_ENTRIES; i++) {
		u64 start = base + i * span, end = start + span - 1;

		if (end < first || start > last || !(table[i] & fmt->valid))
			continue;
		if (depth == 1)
			WRITE_ONCE(table[i], 0);
		else
			hv_pgtable_clear_below(hv_pgtable_next(fmt, table[i]),
					       depth - 1, fmt, start, first,
					       last);
	}
}

/**
 * hv_pgtable_clear() - clear the leaf entries of frames @first to @last.
 * @root: the top table.
 * @depth: its distance from the leaves.
 * @fmt: the entry format.
 * @first: first guest frame.
 * @last: last guest frame (inclusive).
 *
 * Tables stay (a later fault reuses them); the caller flushes the TLBs.
 */
void hv_pgtable_clear(u64 *root, unsigned int depth,
		      const struct hv_pgtable_fmt *fmt, u64 first, u64 last)
{
	hv_pgtable_clear_below(root, depth, fmt, 0, first, last);
}

/**
 * hv_pgtable_free() - free @root and every table below it.
 * @root: the top table.
 * @depth: its distance from the leaves.
 * @fmt: the entry format.
 *
 * The pages the leaves map belong to hv_mem and stay.
 */
void hv_pgtable_free(u64 *root, unsigned int depth,
		     const struct hv_pgtable_fmt *fmt)
{
	unsigned int i;

	if (depth > 1) {
		for (i = 0; i < HV_PGTABLE_ENTRIES; i++)
			if (root[i] & fmt->valid)
				hv_pgtable_free(hv_pgtable_next(fmt, root[i]),
						depth - 1, fmt);
	}
	free_page((unsigned long)root);
}
