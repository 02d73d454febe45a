/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the files of the EL2 backend.
 */
#ifndef HV_ARM64_EL2_H
#define HV_ARM64_EL2_H

#include <linux/types.h>
#include <asm/kvm_arm.h>

#include "el2_mitigation.h"

struct el2_fpsimd;
struct el2_gprs;
struct hv_vm;
struct hv_vcpu;
struct page;

/* The host CPU's stage-2 parameters, set once by el2_probe_config(). */
struct el2_config {
	u32 ipa_bits;		/* guest-physical address width */
	u32 start_level;	/* stage-2 walk starts at level 0 or 1 */
	u64 vtcr;		/* VTCR_EL2 */
	u32 vmid_bits;		/* 8 or 16 */
	bool fwb;		/* FEAT_S2FWB: stage 2 forces write-back */
};

extern struct el2_config el2_config;
int el2_probe_config(void);

/*
 * HCR_EL2 while a guest runs (ARM ARM D19.2.48): stage 2 on (VM), physical
 * IRQ/FIQ/SError to EL2 (IMO/FMO/AMO, which also enables the virtual
 * VI/VF lines), TLB and barrier broadcast so a vCPU moving between CPUs
 * needs no local flush (FB, BSU_IS), traps of WFI/WFE, SMC, ID registers
 * (TID3), implementation-defined, auxiliary-control and LOR registers and
 * set/way cache maintenance; el2_vcpu_reset() adds error-record traps
 * (TERR) when the CPU has RAS. E2H stays set (the host's EL2 regime), TGE
 * is clear (the guest's EL1&0 regime is in effect); API/APK clear make the
 * guest's pointer authentication trap.
 */
#define EL2_HCR_GUEST	(HCR_VM | HCR_SWIO | HCR_PTW | HCR_FMO | HCR_IMO | \
			 HCR_AMO | HCR_FB | HCR_BSU_IS | HCR_TWI | HCR_TWE | \
			 HCR_TID3 | HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TSW | \
			 HCR_TLOR | HCR_RW | HCR_E2H)

/* What the vector stub of entry.S passes to the C code as the exit code. */
#define EL2_EXIT_SYNC		0
#define EL2_EXIT_IRQ		1
#define EL2_EXIT_FIQ		2
#define EL2_EXIT_SERROR		3
/* Set by el2_enter_exit(): the exit's fault could not be read, resume. */
#define EL2_EXIT_RETRY		4

/* entry.S */
u64 __el2_guest_enter(struct el2_gprs *gprs);
void __el2_fpsimd_save(struct el2_fpsimd *fp);
void __el2_fpsimd_load(const struct el2_fpsimd *fp);
u64 __el2_at_s1e1r(u64 va);
u64 __el2_serror_flush(void);
extern char __el2_vectors[], __el2_vectors_clearbhb[], __el2_vectors_loop[];
extern char __el2_vectors_wa3[], __el2_vectors_wa1[];

/* The exception-level-2 panic path for exceptions our vectors must not get. */
void el2_unexpected_exception(u64 esr, u64 elr, u64 spsr);

/* el2_vm.c */
void el2_vcpu_reset(struct hv_vcpu *vcpu);

/* stage2.c */
int s2_init(struct hv_vm *vm);
void s2_destroy(struct hv_vm *vm);
void s2_flush_vmid(struct hv_vm *vm);

/*
 * Exit handlers. Contract of every entry of el2_exit_handlers[] and of the
 * helpers they call: > 0 resume the guest, 0 exit to user space with
 * vcpu->run filled in, < 0 -errno; -EAGAIN means "sleep-capable work is
 * needed (a page, table pages, WFI's sleep, a yield), then enter again".
 */
typedef int (*el2_exit_fn)(struct hv_vcpu *vcpu);

/* el2_exit.c */
int el2_handle_exit(struct hv_vcpu *vcpu);
int el2_exit_internal(struct hv_vcpu *vcpu, u32 suberror);
int el2_inject_undef(struct hv_vcpu *vcpu);
int el2_wfi(struct hv_vcpu *vcpu);
int el2_fpsimd_trap(struct hv_vcpu *vcpu);
void el2_fpsimd_put(struct hv_vcpu *vcpu);
void el2_skip_instruction(struct hv_vcpu *vcpu);
u64 el2_get_reg(struct hv_vcpu *vcpu, unsigned int rt);
void el2_set_reg(struct hv_vcpu *vcpu, unsigned int rt, u64 val);

/* el2_mmio.c */
int el2_handle_abort(struct hv_vcpu *vcpu);
void el2_complete_mmio_read(struct hv_vcpu *vcpu);

/* el2_sysreg.c */
int el2_handle_sys64(struct hv_vcpu *vcpu);

/* el2_psci.c */
bool el2_is_psci_call(u64 fid);
int el2_handle_psci(struct hv_vcpu *vcpu);
int el2_power_wait(struct hv_vcpu *vcpu);

/* el2_spectre.c: VBAR_EL2 while a guest runs, set once at load */
extern void *el2_vectors;
int el2_spectre_init(void);

#endif /* HV_ARM64_EL2_H */
