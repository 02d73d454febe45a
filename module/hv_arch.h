/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the arch-neutral core (the .c files in module/) and one
 * hardware backend (module/arch/<arch>/).
 *
 * Exactly one backend is linked into hv.ko (Kbuild picks it from
 * CONFIG_X86_64 or CONFIG_ARM64), so the contract is a set of functions
 * resolved at link time rather than a table of function pointers: the
 * exit path then makes direct calls, which cost nothing extra under
 * retpolines. Every function a backend implements is declared here and
 * nowhere else.
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

/**
 * hv_arch_probe() - check that this machine can run hv's backend.
 *
 * Called once from module init, before /dev/hv exists, in process context.
 * Logs one line saying why when the answer is no.
 *
 * Return: 0 when the hardware and the kernel let hv run; -ENODEV when the
 * CPU or the kernel offers no usable virtualization (no VMX, VMX disabled
 * by the firmware, not at EL2 with VHE); -EBUSY when another hypervisor
 * (KVM) already owns the hardware.
 */
int hv_arch_probe(void);

/**
 * hv_arch_name() - a short name of the backend for logs, e.g. "vmx".
 *
 * Return: a static string.
 */
const char *hv_arch_name(void);

#endif /* HV_ARCH_H */
