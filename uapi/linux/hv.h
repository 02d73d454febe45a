/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hv: the ABI between the hv kernel module and user space.
 *
 * This header is the only contract between hv.ko and the programs that use
 * it (hvctl, VMMs, the selftests). Every structure has a fixed size checked
 * at compile time, explicit padding, and reserved fields that must be zero:
 * a non-zero reserved field or unknown flag is rejected with EINVAL, so
 * those bits can be given a meaning later. Documentation/api.rst describes
 * each ioctl.
 *
 * Objects and files:
 *   /dev/hv --HV_CREATE_VM--> VM fd --HV_CREATE_VCPU--> vCPU fd
 * Closing the last reference to a file destroys its object; a vCPU holds
 * its VM, so a VM lives until its fd and all its vCPU fds are closed.
 */
#ifndef _UAPI_LINUX_HV_H
#define _UAPI_LINUX_HV_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * The API version. It changes only when an existing ioctl changes meaning;
 * additions are discovered with HV_CHECK_CAP, not by a new version.
 */
#define HV_API_VERSION		1

/* Path of the device node the module registers (a misc device). */
#define HV_DEVICE_PATH		"/dev/hv"

/*
 * ioctl magic. 0xB9 is unassigned in the kernel's
 * Documentation/userspace-api/ioctl/ioctl-number.rst (6.12).
 */
#define HVIO			0xB9

/* Limits, also reported by HV_CHECK_CAP. */
#define HV_MAX_VCPUS		64
#define HV_MAX_MEM_REGIONS	32
#define HV_MAX_IOEVENTFDS	256
#define HV_MAX_IRQFDS		64

/* ---------------------------------------------------------------------- */
/* /dev/hv */

/* HV_GET_API_VERSION - returns HV_API_VERSION; the argument is ignored. */
#define HV_GET_API_VERSION	_IO(HVIO, 0x00)

/*
 * hv_vm_create.flags and hv_vm_attach.flags: HV_VM_IRQCHIP gives the VM
 * an in-kernel interrupt controller (x86: a local APIC per vCPU and an
 * IOAPIC; arm64: a GICv3 and the virtual timer), when HV_CAP_IRQCHIP says
 * the backend has one. HLT/WFI then sleep in HV_RUN until an interrupt
 * can be delivered, and the VMM raises lines with HV_IRQ_LINE.
 */
#define HV_VM_IRQCHIP		_BITUL(0)

struct hv_vm_create {
	__u32 flags;		/* HV_VM_* */
	__u32 reserved[7];	/* must be 0 */
};

/* HV_CREATE_VM - returns a new VM file descriptor (O_CLOEXEC). */
#define HV_CREATE_VM		_IOW(HVIO, 0x01, struct hv_vm_create)

/* Capabilities for HV_CHECK_CAP: the ioctl returns the value, 0 = absent. */
#define HV_CAP_MAX_VCPUS	1	/* vCPUs per VM */
#define HV_CAP_MAX_MEM_REGIONS	2	/* memory regions per VM */
#define HV_CAP_RUN_SIZE		3	/* bytes to mmap on a vCPU fd */
#define HV_CAP_ARCH		4	/* HV_ARCH_X86_64 or HV_ARCH_ARM64 */
#define HV_CAP_GPA_BITS		5	/* guest-physical address width */
#define HV_CAP_IRQCHIP		6	/* HV_VM_IRQCHIP: number of IRQ lines */
#define HV_CAP_IOEVENTFD	7	/* HV_IOEVENTFD: registrations per VM */
#define HV_CAP_IRQFD		8	/* HV_IRQFD: per VM; 0 without IRQCHIP */
#define HV_CAP_RUN_IRQ_LINES	9	/* hv_run.irq_lines[]; 0 without IRQCHIP */

#define HV_ARCH_X86_64		1
#define HV_ARCH_ARM64		2

/* HV_CHECK_CAP - takes a pointer to the capability number (a __u32). */
#define HV_CHECK_CAP		_IOW(HVIO, 0x02, __u32)

/*
 * A VM defined in the registry (generic netlink family "hv", see
 * <linux/hv_genl.h>) is run by attaching to it by name: the VMM gets a VM
 * fd like HV_CREATE_VM's, bound to the definition's limits and quotas.
 * One VMM at a time: a second attach fails with EBUSY until the first
 * VM fd is released.
 */
#define HV_VM_NAME_SIZE		48	/* name: up to 32 bytes, NUL, zeros */

struct hv_vm_attach {
	char name[HV_VM_NAME_SIZE];	/* NUL-terminated; bytes after: 0 */
	__u32 flags;			/* HV_VM_* */
	__u32 reserved[3];		/* must be 0 */
};

/* HV_ATTACH_VM - returns a new VM file descriptor (O_CLOEXEC). */
#define HV_ATTACH_VM		_IOW(HVIO, 0x04, struct hv_vm_attach)

/* ---------------------------------------------------------------------- */
/* VM fd */

/*
 * Guest RAM is owned by the module. A region maps [guest_phys_addr,
 * guest_phys_addr + size) to RAM that is allocated a page at a time on
 * first touch, by the guest or through the VMM's mapping, and charged to
 * the caller's memory cgroup. The VMM maps it with
 *	mmap(NULL, size, prot, MAP_SHARED, vm_fd, guest_phys_addr)
 * i.e. the mmap offset of a VM fd is a guest-physical address.
 * Guest accesses outside every region, and guest writes to a region with
 * HV_MEM_READONLY (ROM), exit to user space as HV_EXIT_MMIO.
 * guest_phys_addr and size are page aligned; regions do not overlap; a
 * slot is set once and removed with size 0 (it must then not be mapped).
 */
#define HV_MEM_READONLY		_BITUL(0)

struct hv_mem_region {
	__u32 slot;		/* 0 .. HV_MAX_MEM_REGIONS - 1 */
	__u32 flags;		/* HV_MEM_* */
	__u64 guest_phys_addr;
	__u64 size;		/* 0 removes the slot */
	__u64 reserved[5];	/* must be 0 */
};

#define HV_SET_MEM_REGION	_IOW(HVIO, 0x10, struct hv_mem_region)

struct hv_vcpu_create {
	__u32 id;		/* 0 .. HV_MAX_VCPUS - 1, unique in the VM */
	__u32 flags;		/* none defined: must be 0 */
	__u64 reserved[3];	/* must be 0 */
};

/* HV_CREATE_VCPU - returns a new vCPU file descriptor (O_CLOEXEC). */
#define HV_CREATE_VCPU		_IOW(HVIO, 0x11, struct hv_vcpu_create)

/*
 * Why the VM stops, as the registry reports it once the VM fd is released
 * (the values of enum hv_stop_reason). Without a report the reason is
 * "VMM died".
 */
#define HV_STOP_GUEST_POWEROFF	1
#define HV_STOP_GUEST_SHUTDOWN	2

struct hv_stop_report {
	__u32 reason;		/* HV_STOP_GUEST_* */
	__u32 flags;		/* none defined: must be 0 */
	__u64 reserved[3];	/* must be 0 */
};

#define HV_REPORT_STOP		_IOW(HVIO, 0x12, struct hv_stop_report)

/*
 * An interrupt line of the in-kernel interrupt controller (HV_VM_IRQCHIP):
 * x86: IOAPIC input (GSI) 0..23; arm64: SPI INTID 32 .. 32 + lines - 1.
 * HV_CAP_IRQCHIP gives the number of lines. level 1 asserts, 0 deasserts;
 * an edge-triggered input takes a pulse as 1 then 0. Any thread may call.
 */
struct hv_irq_level {
	__u32 irq;
	__u32 level;		/* 0 or 1 */
	__u64 reserved[3];	/* must be 0 */
};

#define HV_IRQ_LINE		_IOW(HVIO, 0x13, struct hv_irq_level)

/*
 * ioeventfd: a guest write of @len bytes to @addr signals the eventfd @fd,
 * and the vCPU goes on in the guest without an exit to user space. @addr
 * is a guest-physical address outside RAM (or in a read-only region), or
 * with HV_IOEVENTFD_PIO an x86 I/O port (OUT; string I/O always exits).
 * @len is 1, 2, 4 or 8; 0 matches a write of any length at @addr. With
 * HV_IOEVENTFD_DATAMATCH only a write whose data, the bytes read as a
 * little-endian number (the memory order of hv_exit_mmio.data), equals
 * @datamatch signals; other writes exit as usual. A write matches at most
 * one registration: at one address and length, a registration without a
 * data match excludes every other (EEXIST), as does one with @len 0.
 * HV_IOEVENTFD_DEASSIGN removes the registration with the same addr, len,
 * flags, datamatch and eventfd. At most HV_MAX_IOEVENTFDS per VM
 * (HV_CAP_IOEVENTFD); the VM holds a reference to each eventfd until the
 * registration is removed or the VM goes.
 */
#define HV_IOEVENTFD_DATAMATCH	_BITUL(0)
#define HV_IOEVENTFD_PIO	_BITUL(1)	/* x86 only */
#define HV_IOEVENTFD_DEASSIGN	_BITUL(2)

struct hv_ioeventfd {
	__u64 addr;		/* guest-physical address, or port */
	__u64 datamatch;	/* with HV_IOEVENTFD_DATAMATCH */
	__u32 len;		/* 0, 1, 2, 4 or 8 */
	__s32 fd;		/* an eventfd */
	__u32 flags;		/* HV_IOEVENTFD_* */
	__u32 reserved[9];	/* must be 0 */
};

#define HV_IOEVENTFD		_IOW(HVIO, 0x14, struct hv_ioeventfd)

/*
 * irqfd: signalling the eventfd @fd raises interrupt line @irq of the
 * in-kernel interrupt controller (numbered as in hv_irq_level), from any
 * thread, without an ioctl: as a pulse (assert, then deassert). With
 * HV_IRQFD_RESAMPLE the line stays asserted until the guest ends the
 * interrupt (x86: EOI of a level-triggered vector; arm64: deactivation of
 * the SPI); hv then deasserts it and signals @resamplefd, and the VMM
 * signals @fd again if its device still wants the interrupt. Closing @fd
 * removes the registration. Needs HV_VM_IRQCHIP (ENXIO otherwise); at
 * most HV_MAX_IRQFDS per VM (HV_CAP_IRQFD); an eventfd drives one irqfd of
 * a VM. HV_IRQFD_DEASSIGN removes the registration of @fd and @irq.
 */
#define HV_IRQFD_DEASSIGN	_BITUL(0)
#define HV_IRQFD_RESAMPLE	_BITUL(1)

struct hv_irqfd {
	__s32 fd;		/* an eventfd */
	__u32 irq;
	__u32 flags;		/* HV_IRQFD_* */
	__s32 resamplefd;	/* with HV_IRQFD_RESAMPLE, else 0 */
	__u64 reserved[2];	/* must be 0 */
};

#define HV_IRQFD		_IOW(HVIO, 0x15, struct hv_irqfd)

/* ---------------------------------------------------------------------- */
/* vCPU fd: the run structure, shared with user space by mmap at offset 0 */

/* hv_run.exit_reason */
#define HV_EXIT_UNKNOWN		0	/* hw.reason: unhandled hardware exit */
#define HV_EXIT_IO		1	/* io: port I/O (x86) */
#define HV_EXIT_MMIO		2	/* mmio: access outside RAM, ROM write */
#define HV_EXIT_HYPERCALL	3	/* hypercall: vmcall (x86) / hvc (arm64) */
#define HV_EXIT_HLT		4	/* guest halted, no interrupt pending */
#define HV_EXIT_SHUTDOWN	5	/* triple fault (x86) */
#define HV_EXIT_FAIL_ENTRY	6	/* fail_entry: the CPU refused the state */
#define HV_EXIT_INTERNAL_ERROR	7	/* internal: hv could not go on */
#define HV_EXIT_INTR		8	/* a signal or immediate_exit */
#define HV_EXIT_IRQ_WINDOW	9	/* the guest can take an interrupt */
/* system_event: PSCI off/reset (arm64), stops asked by the registry */
#define HV_EXIT_SYSTEM_EVENT	10
#define HV_EXIT_MEM_QUOTA	11	/* mem_quota: the VM's RAM quota is used */

/* hv_run.internal.suberror */
#define HV_INTERNAL_EMULATION	1	/* an MMIO instruction hv cannot decode */
#define HV_INTERNAL_EXIT_UNHANDLED 2	/* data[0]: hardware exit reason */
#define HV_INTERNAL_DELIVERY	3	/* fault while delivering an event */

#define HV_IO_IN		0
#define HV_IO_OUT		1

struct hv_exit_io {
	__u8 direction;		/* HV_IO_IN or HV_IO_OUT */
	__u8 size;		/* 1, 2 or 4 bytes per element */
	__u16 port;
	__u32 count;		/* elements: > 1 for string I/O (ins/outs) */
	__u64 data_offset;	/* from the start of hv_run: count * size bytes */
};

struct hv_exit_mmio {
	__u64 phys_addr;
	__u8 data[8];		/* out: written data; in: data the read returns */
	__u32 len;		/* 1, 2, 4 or 8 */
	__u8 is_write;
	__u8 pad[3];
};

/*
 * Hypercall convention. x86: vmcall with nr in RAX and args in RBX, RCX,
 * RDX, RSI, RDI, R8; ret is stored to RAX when the vCPU runs again.
 * arm64: hvc #0 with nr in X0 and args in X1..X6; ret goes to X0.
 */
struct hv_exit_hypercall {
	__u64 nr;
	__u64 args[6];
	__u64 ret;		/* in: set by the VMM */
};

struct hv_exit_fail_entry {
	__u64 hardware_entry_failure_reason;	/* VMX exit reason / ESR */
	__u64 qualification;
	__u32 cpu;
	__u32 pad;
};

struct hv_exit_internal {
	__u32 suberror;		/* HV_INTERNAL_* */
	__u32 ndata;
	__u64 data[16];
};

/* hv_run.system_event.type */
#define HV_SYSTEM_EVENT_SHUTDOWN 1
#define HV_SYSTEM_EVENT_RESET	2
/* vm-stop asked for a graceful stop: tell the guest (once per request) */
#define HV_SYSTEM_EVENT_STOP_REQUEST 3
/* vm-stop with force: the VM is stopped, HV_RUN returns this from now on */
#define HV_SYSTEM_EVENT_STOPPED	4

struct hv_exit_system_event {
	__u32 type;
	__u32 ndata;
	__u64 data[16];
};

/*
 * The guest touched RAM that would take the VM past its memory quota
 * (registry attribute mem-quota). Nothing was allocated; HV_RUN retries the
 * access when the quota grows, else the VMM should stop the VM.
 */
struct hv_exit_mem_quota {
	__u64 gpa;		/* the guest-physical address touched */
	__u64 quota;		/* bytes */
	__u64 used;		/* bytes allocated */
};

/*
 * Interrupt lines HV_RUN sets before anything else (HV_CAP_RUN_IRQ_LINES
 * gives HV_RUN_IRQ_LINES): entry i of hv_run.irq_lines[] for i below
 * irq_line_count, in order, as HV_IRQ_LINE would with the same irq and
 * level, without a system call of its own: a VMM that raises or pulses
 * an interrupt in answer to an exit leaves it here for the next HV_RUN.
 * hv sets irq_line_count to 0 once all are set. A count above
 * HV_RUN_IRQ_LINES or an entry HV_IRQ_LINE would refuse fails HV_RUN with
 * EINVAL (ENXIO without HV_VM_IRQCHIP) before any is set or the vCPU runs.
 */
#define HV_RUN_IRQ_LINES	4

struct hv_run_irq_line {
	__u32 irq;			/* as hv_irq_level.irq */
	__u32 level;			/* 0 or 1 */
};

struct hv_run {
	/* in: set by the VMM */
	__u8 immediate_exit;		/* HV_RUN returns HV_EXIT_INTR at once */
	__u8 request_interrupt_window;	/* exit as soon as an IRQ can go in */
	__u8 pad0[2];
	__u32 irq_line_count;		/* irq_lines[] to set first; hv: 0 */

	/* out: set by hv when HV_RUN returns */
	__u32 exit_reason;		/* HV_EXIT_* */
	__u8 ready_for_interrupt;	/* an external interrupt can be injected */
	__u8 if_flag;			/* guest RFLAGS.IF / !PSTATE.I */
	__u16 pad1;

	/* in: the lines irq_line_count counts */
	struct hv_run_irq_line irq_lines[HV_RUN_IRQ_LINES];
	__u64 reserved[2];

	union {
		struct {
			__u64 reason;
			__u64 qualification;
		} hw;
		struct hv_exit_io io;
		struct hv_exit_mmio mmio;
		struct hv_exit_hypercall hypercall;
		struct hv_exit_fail_entry fail_entry;
		struct hv_exit_internal internal;
		struct hv_exit_system_event system_event;
		struct hv_exit_mem_quota mem_quota;
		__u8 padding[256];	/* room for new exits, fixed size */
	};
	/* string I/O data lives after this point, at io.data_offset */
};

/* Bytes to mmap on a vCPU fd (the run structure and its I/O data area). */
#define HV_RUN_MMAP_SIZE	4096

/*
 * HV_RUN - run the vCPU until an exit user space must see. Returns 0 with
 * hv_run.exit_reason set, or -EINTR with exit_reason HV_EXIT_INTR when a
 * signal is pending (the vCPU state is kept: call HV_RUN again).
 */
#define HV_RUN			_IO(HVIO, 0x20)

#if defined(__x86_64__)
#include "hv_x86.h"
#elif defined(__aarch64__)
#include "hv_arm64.h"
#endif

#endif /* _UAPI_LINUX_HV_H */
