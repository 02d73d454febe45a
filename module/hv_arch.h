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
 * nowhere else; the backend's per-VM and per-vCPU state is declared in its
 * own arch_types.h (struct hv_arch_vm, struct hv_arch_vcpu).
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <linux/types.h>

#include "hv_ioctl.h"

struct hv_vm;
struct hv_vcpu;

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

/**
 * hv_arch_check_cap() - the backend's answer to HV_CHECK_CAP.
 * @cap: an HV_CAP_* the core does not answer itself.
 *
 * Return: the capability's value, 0 when absent.
 */
long hv_arch_check_cap(u32 cap);

/**
 * hv_arch_vm_init() - set up the backend's part of a new VM.
 * @vm: the VM, core fields initialised.
 *
 * The first VM turns virtualization on in every online CPU (and in CPUs
 * that come online later). Called without locks, may sleep.
 *
 * Return: 0, -ENOMEM, or -EBUSY when another hypervisor took the hardware.
 */
int hv_arch_vm_init(struct hv_vm *vm);

/**
 * hv_arch_vm_destroy() - free the backend's part of a VM; the last VM
 * turns virtualization off. Called when no vCPU of @vm exists any more.
 * @vm: the VM.
 */
void hv_arch_vm_destroy(struct hv_vm *vm);

/**
 * hv_arch_vcpu_init() - set up a vCPU in its reset state.
 * @vcpu: the vCPU, core fields initialised. Called with vm->lock held.
 *
 * Return: 0 or -ENOMEM.
 */
int hv_arch_vcpu_init(struct hv_vcpu *vcpu);

/**
 * hv_arch_vcpu_destroy() - free a vCPU's backend state. It is not running
 * and cannot run any more.
 * @vcpu: the vCPU.
 */
void hv_arch_vcpu_destroy(struct hv_vcpu *vcpu);

/**
 * hv_arch_vcpu_run() - run the guest until an exit user space must see.
 * @vcpu: the vCPU. Called with vcpu->lock held, preemption enabled.
 *
 * Exits that the kernel handles cheaply never leave this function. Before
 * every entry it checks for a pending signal (see hv_vcpu_should_stop()).
 *
 * Return: 0 with vcpu->run filled in, -EINTR with exit_reason
 * HV_EXIT_INTR when a signal is pending, another -errno on failure.
 */
int hv_arch_vcpu_run(struct hv_vcpu *vcpu);

/**
 * hv_arch_mem_unmap() - remove guest RAM from the stage-2 tables and flush
 * every CPU's TLB for the VM.
 * @vm: the VM.
 * @gfn: first guest frame.
 * @npages: number of frames.
 *
 * Called with vm->lock held after the slot is gone from vm->memslots.
 */
void hv_arch_mem_unmap(struct hv_vm *vm, u64 gfn, u64 npages);

/* The backend's vCPU and /dev/hv ioctls (register access, CPUID...). */
extern const struct hv_ioctl_desc hv_arch_vcpu_ioctls[];
extern const size_t hv_arch_vcpu_nioctls;
extern const struct hv_ioctl_desc hv_arch_dev_ioctls[];
extern const size_t hv_arch_dev_nioctls;

#endif /* HV_ARCH_H */
