/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hv: the x86-64 part of the ABI (VT-x backend). Included by <linux/hv.h>.
 */
#ifndef _UAPI_LINUX_HV_X86_H
#define _UAPI_LINUX_HV_X86_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * General registers, in the architectural encoding order (ModRM reg field:
 * 0 = RAX, 1 = RCX, ...), so that gpr[n] is register n.
 */
#define HV_X86_RAX	0
#define HV_X86_RCX	1
#define HV_X86_RDX	2
#define HV_X86_RBX	3
#define HV_X86_RSP	4
#define HV_X86_RBP	5
#define HV_X86_RSI	6
#define HV_X86_RDI	7
#define HV_X86_NR_GPRS	16

struct hv_regs {
	__u64 gpr[HV_X86_NR_GPRS];	/* HV_X86_RAX .. R15 */
	__u64 rip;
	__u64 rflags;			/* bit 1 must be set */
};

#define HV_GET_REGS		_IOR(HVIO, 0x21, struct hv_regs)
#define HV_SET_REGS		_IOW(HVIO, 0x22, struct hv_regs)

/*
 * A segment register. ar holds the access rights in the VMX format (SDM
 * Vol. 3C, 25.4.1 "Guest Register State"): bits 3:0 type, 4 S, 6:5 DPL,
 * 7 P, 12 AVL, 13 L, 14 D/B, 15 G, 16 unusable.
 */
struct hv_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u16 pad;
	__u32 ar;
	__u32 reserved;		/* must be 0 */
};

#define HV_AR_UNUSABLE		_BITUL(16)

struct hv_dtable {
	__u64 base;
	__u16 limit;
	__u16 pad[3];
};

struct hv_sregs {
	struct hv_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct hv_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4;
	__u64 efer;
	__u64 cr8;		/* the task priority, 0-15 (CR8 exits: never the host's) */
	__u64 reserved[7];	/* must be 0 */
};

/*
 * HV_SET_SREGS checks the state the way VM entry will (SDM Vol. 3C, 27.3.1
 * "Checks on the Guest State Area") where that is cheap, and answers
 * EINVAL; what it does not check makes HV_RUN return HV_EXIT_FAIL_ENTRY.
 */
#define HV_GET_SREGS		_IOR(HVIO, 0x23, struct hv_sregs)
#define HV_SET_SREGS		_IOW(HVIO, 0x24, struct hv_sregs)

struct hv_msr_entry {
	__u32 index;
	__u32 reserved;		/* must be 0 */
	__u64 data;
};

/*
 * HV_GET_MSRS / HV_SET_MSRS - read or write nmsrs entries of the array at
 * user address entries. Only MSRs of the guest allow-list are accepted
 * (Documentation/x86.rst); returns the number of entries done, which is
 * less than nmsrs when entry [ret] is not allowed.
 */
struct hv_msrs {
	__u32 nmsrs;		/* at most 256 */
	__u32 flags;		/* must be 0 */
	__u64 entries;		/* user pointer to struct hv_msr_entry[] */
	__u64 reserved[2];	/* must be 0 */
};

#define HV_GET_MSRS		_IOW(HVIO, 0x25, struct hv_msrs)
#define HV_SET_MSRS		_IOW(HVIO, 0x26, struct hv_msrs)

/*
 * HV_GET_FPU / HV_SET_FPU - the guest's FPU/SSE/AVX state as an XSAVE area
 * in the standard format (SDM Vol. 1, 13.4 "XSAVE Area"), size bytes at
 * user address addr; size must be HV_XSAVE_SIZE.
 */
#define HV_XSAVE_SIZE		4096

struct hv_fpu {
	__u64 addr;
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u64 reserved[2];	/* must be 0 */
};

#define HV_GET_FPU		_IOW(HVIO, 0x27, struct hv_fpu)
#define HV_SET_FPU		_IOW(HVIO, 0x28, struct hv_fpu)

/*
 * CPUID: the VMM sets the table the guest sees (HV_SET_CPUID, vCPU fd),
 * starting from what hv can offer (HV_GET_SUPPORTED_CPUID, /dev/hv). A
 * leaf missing from the table reads as zeros.
 */
#define HV_CPUID_INDEXED	_BITUL(0)	/* index (ECX) is significant */

struct hv_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;		/* HV_CPUID_* */
	__u32 eax, ebx, ecx, edx;
	__u32 reserved;		/* must be 0 */
};

#define HV_MAX_CPUID_ENTRIES	128

struct hv_cpuid {
	__u32 nent;		/* in: array size; out (GET): entries filled */
	__u32 flags;		/* must be 0 */
	__u64 entries;		/* user pointer to struct hv_cpuid_entry[] */
	__u64 reserved[2];	/* must be 0 */
};

/* GET fails with E2BIG, nent set to what is needed, if the array is short */
#define HV_GET_SUPPORTED_CPUID	_IOWR(HVIO, 0x03, struct hv_cpuid)
#define HV_SET_CPUID		_IOW(HVIO, 0x29, struct hv_cpuid)

/*
 * Event injection. An external interrupt is delivered when the guest can
 * take it (RFLAGS.IF and no interrupt shadow); until then it stays pending,
 * and a second one is refused with EBUSY. Use hv_run.request_interrupt_window
 * to learn when the guest is ready.
 */
#define HV_EVENT_EXTINT		0
#define HV_EVENT_NMI		2
#define HV_EVENT_EXCEPTION	3

#define HV_EVENT_HAS_ERROR_CODE	_BITUL(0)

struct hv_event {
	__u32 type;		/* HV_EVENT_* */
	__u32 vector;		/* 0..255; exceptions 0..31; NMI: 2 */
	__u32 error_code;
	__u32 flags;		/* HV_EVENT_* flags */
	__u64 reserved[2];	/* must be 0 */
};

#define HV_INJECT_EVENT		_IOW(HVIO, 0x2a, struct hv_event)

/*
 * hv_run.fail_entry.hardware_entry_failure_reason on x86: the VM-exit
 * reason (bit 31 set) when VM entry failed on the guest state (33) or MSR
 * loading (34), with the exit qualification; or HV_X86_FAIL_VMINSTR | the
 * VM-instruction error number when VMLAUNCH/VMRESUME itself failed (SDM
 * Vol. 3C, 31.4 "VM Instruction Error Numbers").
 */
#define HV_X86_FAIL_VMINSTR	_BITULL(32)

/*
 * The in-kernel local APIC of a vCPU (HV_VM_IRQCHIP VMs), for save and
 * restore. regs[i] is the 32-bit register at offset 16 * i of the xAPIC
 * page (SDM Vol. 3A, Table 11-1): ID at regs[2] in xAPIC form (ID << 24),
 * IRR words at regs[0x20..0x27], ICR high at regs[0x31], the current
 * count at regs[0x39] (read: what is left; set: restarts the timer with
 * that much left). apic_base is IA32_APIC_BASE, tsc_deadline
 * IA32_TSC_DEADLINE in guest TSC units.
 */
#define HV_MP_STATE_RUNNABLE	0	/* runs */
#define HV_MP_STATE_HALTED	1	/* HLT: waits for an interrupt */
#define HV_MP_STATE_WAIT_SIPI	2	/* after INIT: waits for a SIPI */

#define HV_LAPIC_NMI_PENDING	_BITUL(0)	/* hv_lapic_state.flags */
#define HV_LAPIC_SIPI_PENDING	_BITUL(1)	/* sipi_vector is valid */

struct hv_lapic_state {
	__u32 regs[64];
	__u64 apic_base;
	__u64 tsc_deadline;
	__u32 mp_state;		/* HV_MP_STATE_* */
	__u32 flags;		/* HV_LAPIC_* */
	__u32 sipi_vector;	/* 0..255 */
	__u32 esr_pending;	/* errors the next ESR write latches */
	__u64 reserved[12];	/* must be 0 */
};

#define HV_GET_LAPIC		_IOR(HVIO, 0x2b, struct hv_lapic_state)
#define HV_SET_LAPIC		_IOW(HVIO, 0x2c, struct hv_lapic_state)

/*
 * The in-kernel IOAPIC (HV_VM_IRQCHIP VMs; VM fd): 24 pins at
 * HV_IOAPIC_BASE. redirtbl[] as the guest reads it (remote IRR in bit
 * 14), lines the levels HV_IRQ_LINE set (bit n: GSI n asserted).
 */
#define HV_IOAPIC_BASE		0xfec00000ULL
#define HV_IOAPIC_PINS		24

struct hv_ioapic_state {
	__u32 id;		/* bits 27:24 of the ID register */
	__u32 ioregsel;
	__u32 lines;
	__u32 pad;		/* must be 0 */
	__u64 redirtbl[HV_IOAPIC_PINS];
	__u64 reserved[8];	/* must be 0 */
};

#define HV_GET_IOAPIC		_IOR(HVIO, 0x30, struct hv_ioapic_state)
#define HV_SET_IOAPIC		_IOW(HVIO, 0x31, struct hv_ioapic_state)

#endif /* _UAPI_LINUX_HV_X86_H */
