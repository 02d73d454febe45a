/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-ins for the few kernel headers that kernel code built
 * into host tests uses (<linux/types.h>, <linux/errno.h>, <linux/bits.h>,
 * ARRAY_SIZE() from <linux/kernel.h>). Included instead of them when
 * HV_HOST_TEST is defined; add only what such code needs.
 */
#ifndef HV_KSHIM_H
#define HV_KSHIM_H

#include <errno.h>	/* EINVAL, EOPNOTSUPP: the same values as the kernel's */
#include <stdbool.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define BIT(nr)		(1UL << (nr))
#define BIT_ULL(nr)	(1ULL << (nr))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr)	(sizeof(arr) / sizeof((arr)[0]))
#endif

#endif /* HV_KSHIM_H */
