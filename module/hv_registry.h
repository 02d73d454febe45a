/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registry of named VMs: definitions (name, limits, quotas, owner),
 * their state, statistics and events. Managed over generic netlink
 * (hv_genl.c); a VMM runs a definition by attaching a VM to it.
 *
 * Lifetime: a struct hv_reg_vm is reference counted. The registry holds
 * one reference while the entry is listed, an attached VM one more, and
 * lookups take a temporary one.
 */
#ifndef HV_REGISTRY_H
#define HV_REGISTRY_H

#include <linux/atomic.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <uapi/linux/hv.h>
#include <uapi/linux/hv_genl.h>

struct hv_vm;
struct netlink_ext_ack;
struct pid;

/* Exit reasons counted per VM: HV_EXIT_UNKNOWN .. HV_EXIT_MEM_QUOTA. */
#define HV_NR_EXITS		(HV_EXIT_MEM_QUOTA + 1)

/*
 * The I/O quotas of each of a VM's devices (HV_A_VM_DISK_IOPS ..
 * HV_A_VM_NET_BW, in that order): stored here, enforced by the VMM.
 */
enum hv_io_quota {
	HV_IO_DISK_IOPS,
	HV_IO_DISK_BW,
	HV_IO_NET_PPS,
	HV_IO_NET_BW,
	HV_NR_IO_QUOTAS,
};

struct hv_reg_vm {
	refcount_t refs;
	u32 id;
	char name[HV_NAME_MAX + 1];
	kuid_t owner;
	bool anonymous;		/* made by HV_CREATE_VM */
	u32 max_vcpus;
	u64 mem_size;		/* 0: no limit (anonymous VMs) */

	/* protects the fields down to vmm_pid, and listed */
	spinlock_t lock;
	enum hv_vm_state state;
	enum hv_stop_reason stop_reason;
	struct hv_vm *vm;	/* the attached VM, NULL when none */
	struct pid *vmm_pid;
	bool listed;		/* in the registry (not destroyed yet) */

	/* quotas: written under lock, read locklessly by the run loop */
	u64 mem_quota;		/* bytes, 0: no quota */
	u32 cpu_quota;		/* percent of one CPU, 0: no quota */
	bool mem_quota_hit;	/* reported since the quota last changed */
	bool cpu_quota_hit;
	/*
	 * The last quotas an admin set (0: none), when one did: the owner
	 * may not go above them.
	 */
	bool mem_quota_capped;
	bool cpu_quota_capped;
	u64 mem_quota_cap;
	u32 cpu_quota_cap;
	/* the I/O quotas (0: none), and their caps as above (bit per quota) */
	u64 io_quota[HV_NR_IO_QUOTAS];
	u64 io_quota_cap[HV_NR_IO_QUOTAS];
	unsigned long io_quota_capped;

	/* CPU quota: debt in guest ns, paid back at cpu_quota % of time */
	spinlock_t cpu_lock;
	u64 cpu_debt;
	u64 cpu_last;		/* ktime_get_ns() of the last refill */
	/* throttled or paused vCPUs; woken when either may have ended */
	wait_queue_head_t wq;
	atomic_t wake_gen;

	atomic64_t cpu_ns;
	atomic64_t throttled_ns;
	atomic64_t guest_exits;
	atomic64_t exits[HV_NR_EXITS];
};

/* Run control bits in hv_vm.run_flags, set by the registry. */
#define HV_VM_PAUSED		0	/* vCPUs wait until cleared */
#define HV_VM_STOP_REQUEST	1	/* one vCPU reports STOP_REQUEST */
#define HV_VM_KILLED		2	/* stopped by force: never runs again */

/*
 * Who hears of the registry's changes (the netlink family's events group):
 * @event is called without the registry's locks held and may sleep; for
 * HV_EVENT_TYPE_QUOTA_HIT @quota says which quota, else HV_QUOTA_NONE.
 */
struct hv_registry_listener {
	void (*event)(struct hv_reg_vm *reg, enum hv_event_type event,
		      enum hv_quota quota);
};

void hv_registry_set_listener(const struct hv_registry_listener *l);
void hv_registry_exit(void);

/* Definitions, for the netlink family. Names are checked by the caller. */
struct hv_reg_vm *hv_registry_create(const char *name, u32 vcpus,
				     u64 mem_size, u64 mem_quota,
				     u32 cpu_quota,
				     const u64 io_quota[HV_NR_IO_QUOTAS],
				     struct netlink_ext_ack *extack);
struct hv_reg_vm *hv_registry_get(const char *name);
struct hv_reg_vm *hv_registry_get_next(u32 *id);
void hv_registry_put(struct hv_reg_vm *reg);
int hv_registry_destroy(struct hv_reg_vm *reg, struct netlink_ext_ack *extack);
int hv_registry_set_quota(struct hv_reg_vm *reg, const u64 *mem_quota,
			  const u32 *cpu_quota,
			  const u64 io_quota[HV_NR_IO_QUOTAS],
			  unsigned long io_mask, bool admin,
			  struct netlink_ext_ack *extack);
int hv_registry_stop(struct hv_reg_vm *reg, bool force,
		     struct netlink_ext_ack *extack);
int hv_registry_pause(struct hv_reg_vm *reg, bool pause,
		      struct netlink_ext_ack *extack);
int hv_registry_nmi(struct hv_reg_vm *reg, struct netlink_ext_ack *extack);
u64 hv_registry_mem_touched(struct hv_reg_vm *reg);
bool hv_registry_name_valid(const char *name);

/* The data plane's side. */
int hv_registry_add_anon(struct hv_vm *vm);
int hv_registry_attach(struct hv_vm *vm, const char *name);
void hv_registry_detach(struct hv_vm *vm);
bool hv_registry_charge_cpu(struct hv_reg_vm *reg, u64 guest_ns, u32 exits);
int hv_registry_cpu_wait(struct hv_reg_vm *reg, struct hv_vm *vm);
void hv_registry_quota_hit(struct hv_reg_vm *reg, enum hv_quota quota);

#endif /* HV_REGISTRY_H */
