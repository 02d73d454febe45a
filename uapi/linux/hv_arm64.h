/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hv: the arm64 part of the ABI (EL2 backend). Included by <linux/hv.h>.
 * The register interface arrives with the arm64 backend.
 */
#ifndef _UAPI_LINUX_HV_ARM64_H
#define _UAPI_LINUX_HV_ARM64_H

#include <linux/types.h>

#endif /* _UAPI_LINUX_HV_ARM64_H */
