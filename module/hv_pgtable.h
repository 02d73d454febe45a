/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical tables that EPT (x86) and stage 2 (arm64) share in
 * shape: 4 KiB tables of 512 64-bit entries, 9 bits of the guest frame
 * number per level, 4 KiB leaves only. The backend describes its entries
 * (struct hv_pgtable_fmt), writes its own leaves and does its own TLB
 * maintenance; the walks are here.
 *
 * @depth counts the levels from a table down to the leaves: 1 is a table
 * of leaf entries, 4 a root that covers 48 bits of guest-physical space.
 * Callers hold the VM's table lock.
 */
#ifndef HV_PGTABLE_H
#define HV_PGTABLE_H

#include <linux/types.h>

struct hv_table_cache;

/**
 * struct hv_pgtable_fmt - what the walks need to know of an entry.
 * @valid: bits of which at least one is set in an entry that maps a page
 *	or points to a table (a clear entry has none).
 * @table: the bits of an entry that points to a next-level table, next
 *	to the table's physical address.
 * @addr_mask: the bits of an entry that hold the physical address.
 */
struct hv_pgtable_fmt {
	u64 valid;
	u64 table;
	u64 addr_mask;
};

u64 *hv_pgtable_leaf(u64 *root, unsigned int depth,
		     const struct hv_pgtable_fmt *fmt, u64 gfn,
		     struct hv_table_cache *cache);
void hv_pgtable_clear(u64 *root, unsigned int depth,
		      const struct hv_pgtable_fmt *fmt, u64 first, u64 last);
void hv_pgtable_free(u64 *root, unsigned int depth,
		     const struct hv_pgtable_fmt *fmt);

#endif /* HV_PGTABLE_H */
