/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/hv.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_HV_GENL_H
#define _UAPI_LINUX_HV_GENL_H

#define HV_FAMILY_NAME		"hv"
#define HV_FAMILY_VERSION	1

#define HV_NAME_MAX		32
#define HV_MEM_MAX		1099511627776
#define HV_CPU_QUOTA_MAX	6400
#define HV_IO_OPS_MAX		100000000
#define HV_IO_BW_MAX		1099511627776

/**
 * enum hv_vm_state - Life cycle of a VM.
 * @HV_VM_STATE_DEFINED: Defined, never started.
 * @HV_VM_STATE_RUNNING: A VMM is attached.
 * @HV_VM_STATE_PAUSED: A VMM is attached, its vCPUs do not run.
 * @HV_VM_STATE_STOPPED: The VMM is gone; stop-reason says why. Can be started
 *   again.
 */
enum hv_vm_state {
	HV_VM_STATE_DEFINED,
	HV_VM_STATE_RUNNING,
	HV_VM_STATE_PAUSED,
	HV_VM_STATE_STOPPED,
};

/**
 * enum hv_stop_reason
 * @HV_STOP_REASON_GUEST_POWEROFF: The guest powered off (reported by the VMM).
 * @HV_STOP_REASON_GUEST_SHUTDOWN: Shutdown or triple fault (reported by the
 *   VMM).
 * @HV_STOP_REASON_FORCED: Stopped with vm-stop and force.
 * @HV_STOP_REASON_VMM_DIED: The VMM released the VM without saying why.
 */
enum hv_stop_reason {
	HV_STOP_REASON_NONE,
	HV_STOP_REASON_GUEST_POWEROFF,
	HV_STOP_REASON_GUEST_SHUTDOWN,
	HV_STOP_REASON_FORCED,
	HV_STOP_REASON_VMM_DIED,
};

enum hv_event_type {
	HV_EVENT_TYPE_CREATED,
	HV_EVENT_TYPE_STARTED,
	HV_EVENT_TYPE_PAUSED,
	HV_EVENT_TYPE_RESUMED,
	HV_EVENT_TYPE_STOPPED,
	HV_EVENT_TYPE_DESTROYED,
	HV_EVENT_TYPE_QUOTA_HIT,
	HV_EVENT_TYPE_STOP_REQUESTED,
	HV_EVENT_TYPE_QUOTA_SET,
};

enum hv_quota {
	HV_QUOTA_NONE,
	HV_QUOTA_MEMORY,
	HV_QUOTA_CPU,
};

enum {
	HV_A_EXIT_REASON = 1,
	HV_A_EXIT_COUNT,

	__HV_A_EXIT_MAX,
	HV_A_EXIT_MAX = (__HV_A_EXIT_MAX - 1)
};

enum {
	HV_A_VM_ID = 1,
	HV_A_VM_NAME,
	HV_A_VM_VCPUS,
	HV_A_VM_MEM_SIZE,
	HV_A_VM_MEM_QUOTA,
	HV_A_VM_CPU_QUOTA,
	HV_A_VM_STATE,
	HV_A_VM_STOP_REASON,
	HV_A_VM_OWNER,
	HV_A_VM_VMM_PID,
	HV_A_VM_ANONYMOUS,
	HV_A_VM_FORCE,
	HV_A_VM_MEM_TOUCHED,
	HV_A_VM_CPU_TIME,
	HV_A_VM_THROTTLED_TIME,
	HV_A_VM_GUEST_EXITS,
	HV_A_VM_EXITS,
	HV_A_VM_EVENT,
	HV_A_VM_QUOTA,
	HV_A_VM_DISK_IOPS,
	HV_A_VM_DISK_BW,
	HV_A_VM_NET_PPS,
	HV_A_VM_NET_BW,

	__HV_A_VM_MAX,
	HV_A_VM_MAX = (__HV_A_VM_MAX - 1)
};

enum {
	HV_CMD_VM_CREATE = 1,
	HV_CMD_VM_GET,
	HV_CMD_VM_SET,
	HV_CMD_VM_STOP,
	HV_CMD_VM_PAUSE,
	HV_CMD_VM_RESUME,
	HV_CMD_VM_DESTROY,
	HV_CMD_VM_STATS_GET,
	HV_CMD_VM_EVENT,
	HV_CMD_VM_NMI,

	__HV_CMD_MAX,
	HV_CMD_MAX = (__HV_CMD_MAX - 1)
};

#define HV_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_HV_GENL_H */
