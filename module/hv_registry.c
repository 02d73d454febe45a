// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of named VMs (see hv_registry.h): definitions made over
 * netlink or by HV_CREATE_VM, the VMM that runs each, its state, quotas,
 * statistics, and the events that tell user space about changes.
 *
 * Locking: hv_reg_mutex serializes changes to the set of entries (names
 * are unique under it); reg->lock protects one entry's state and its
 * attached VM; reg->cpu_lock the CPU quota's accounting. Events go to the
 * listener (the netlink family registers one) after the locks are
 * dropped: the registry itself knows nothing of netlink.
 */
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "hv_arch.h"
#include "hv_core.h"
#include "hv_registry.h"

/*
 * Entries in all, and per owner unless the owner is an admin. Users
 * together may fill all but HV_REG_ADMIN_RESERVE: without that room, 16
 * users at their limit would lock admins out.
 */
#define HV_REG_MAX_ENTRIES	4096
#define HV_REG_MAX_PER_USER	256
#define HV_REG_ADMIN_RESERVE	256

/* The CPU quota allows bursts of this much of its share of time. */
#define HV_CPU_PERIOD_NS	(100 * NSEC_PER_MSEC)

static DEFINE_MUTEX(hv_reg_mutex);
static DEFINE_XARRAY_ALLOC1(hv_reg_xa);
static u32 hv_reg_next_id;
static unsigned int hv_reg_count;

static const struct hv_registry_listener *hv_reg_listener;

static_assert(HV_STOP_GUEST_POWEROFF == HV_STOP_REASON_GUEST_POWEROFF);
static_assert(HV_STOP_GUEST_SHUTDOWN == HV_STOP_REASON_GUEST_SHUTDOWN);

/**
 * hv_registry_name_valid() - is @name a VM name a user may give?
 * @name: NUL-terminated.
 *
 * Return: true for [A-Za-z0-9_.-]{1,32} except "anon-<digits>", which
 * names VMs made by HV_CREATE_VM. ASCII only: the kernel's isalnum() also
 * takes the Latin-1 letters 0xC0-0xFF.
 */
bool hv_registry_name_valid(const char *name)
{
	size_t i, len = strnlen(name, HV_NAME_MAX + 1);

	if (!len || len > HV_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isascii(name[i]) ||
		    (!isalnum(name[i]) && !strchr("_.-", name[i])))
			return false;
	if (!strncmp(name, "anon-", 5) && len > 5 &&
	    strspn(name + 5, "0123456789") == len - 5)
		return false;
	return true;
}

/**
 * hv_registry_set_listener() - who hears of the registry's changes.
 * @l: the listener, or NULL for none. Set before anything can change the
 *     registry (module load), cleared when nothing can any more (unload).
 */
void hv_registry_set_listener(const struct hv_registry_listener *l)
{
	WRITE_ONCE(hv_reg_listener, l);
}

/* Tells the listener about @reg; called without the registry's locks. */
static void hv_registry_notify(struct hv_reg_vm *reg, enum hv_event_type event,
			       enum hv_quota quota)
{
	const struct hv_registry_listener *l = READ_ONCE(hv_reg_listener);

	if (l)
		l->event(reg, event, quota);
}

static struct hv_reg_vm *hv_reg_alloc(u32 vcpus, u64 mem_size)
{
	struct hv_reg_vm *reg;
	int i;

	reg = kzalloc(sizeof(*reg), GFP_KERNEL_ACCOUNT);
	if (!reg)
		return NULL;
	refcount_set(&reg->refs, 1);
	reg->owner = current_euid();
	reg->max_vcpus = vcpus;
	reg->mem_size = mem_size;
	spin_lock_init(&reg->lock);
	spin_lock_init(&reg->cpu_lock);
	init_waitqueue_head(&reg->wq);
	for (i = 0; i < HV_NR_EXITS; i++)
		atomic64_set(&reg->exits[i], 0);
	return reg;
}

void hv_registry_put(struct hv_reg_vm *reg)
{
	if (refcount_dec_and_test(&reg->refs))
		kfree(reg);
}

static struct hv_reg_vm *__hv_registry_find(const char *name)
{
	struct hv_reg_vm *reg;
	unsigned long id;

	lockdep_assert_held(&hv_reg_mutex);
	xa_for_each(&hv_reg_xa, id, reg)
		if (!strcmp(reg->name, name))
			return reg;
	return NULL;
}

static unsigned int __hv_registry_count_owner(kuid_t owner)
{
	struct hv_reg_vm *reg;
	unsigned long id;
	unsigned int n = 0;

	xa_for_each(&hv_reg_xa, id, reg)
		n += uid_eq(reg->owner, owner);
	return n;
}

/* Lists @reg under a new id; called with hv_reg_mutex held. */
static int __hv_registry_insert(struct hv_reg_vm *reg,
				struct netlink_ext_ack *extack)
{
	bool admin = capable(CAP_SYS_ADMIN);
	int err;

	lockdep_assert_held(&hv_reg_mutex);
	if (hv_reg_count >= HV_REG_MAX_ENTRIES -
	    (admin ? 0 : HV_REG_ADMIN_RESERVE)) {
		NL_SET_ERR_MSG(extack, "too many VMs in the registry");
		return -ENOSPC;
	}
	if (!admin &&
	    __hv_registry_count_owner(reg->owner) >= HV_REG_MAX_PER_USER) {
		NL_SET_ERR_MSG(extack, "this user owns too many VMs");
		return -EDQUOT;
	}
	err = xa_alloc_cyclic(&hv_reg_xa, &reg->id, reg, xa_limit_31b,
			      &hv_reg_next_id, GFP_KERNEL_ACCOUNT);
	if (err < 0)
		return err;
	reg->listed = true;
	hv_reg_count++;
	return 0;
}

/**
 * hv_registry_create() - define a named VM, owned by the caller.
 * @name: a valid name (hv_registry_name_valid()).
 * @vcpus: vCPU limit, 1 .. HV_MAX_VCPUS.
 * @mem_size: RAM limit in bytes.
 * @mem_quota: allocated RAM limit in bytes, 0 for none.
 * @cpu_quota: percent of one CPU, 0 for none.
 * @io_quota: the I/O quotas of each device (enum hv_io_quota), 0 for none.
 * @extack: for the reason of a failure.
 *
 * Return: the entry with a reference for the caller; ERR_PTR(-EEXIST)
 * when the name is taken, -ENOSPC/-EDQUOT when there are too many VMs,
 * -ENOMEM.
 */
struct hv_reg_vm *hv_registry_create(const char *name, u32 vcpus,
				     u64 mem_size, u64 mem_quota,
				     u32 cpu_quota,
				     const u64 io_quota[HV_NR_IO_QUOTAS],
				     struct netlink_ext_ack *extack)
{
	struct hv_reg_vm *reg;
	int err;

	reg = hv_reg_alloc(vcpus, mem_size);
	if (!reg)
		return ERR_PTR(-ENOMEM);
	strscpy(reg->name, name, sizeof(reg->name));
	reg->mem_quota = mem_quota;
	reg->cpu_quota = cpu_quota;
	memcpy(reg->io_quota, io_quota, sizeof(reg->io_quota));
	reg->state = HV_VM_STATE_DEFINED;

	mutex_lock(&hv_reg_mutex);
	if (__hv_registry_find(name)) {
		NL_SET_ERR_MSG(extack, "a VM with this name exists");
		err = -EEXIST;
		goto err_unlock;
	}
	err = __hv_registry_insert(reg, extack);
	if (err)
		goto err_unlock;
	refcount_inc(&reg->refs);
	mutex_unlock(&hv_reg_mutex);
	hv_registry_notify(reg, HV_EVENT_TYPE_CREATED, HV_QUOTA_NONE);
	return reg;

err_unlock:
	mutex_unlock(&hv_reg_mutex);
	kfree(reg);
	return ERR_PTR(err);
}

/**
 * hv_registry_get() - find a VM by name.
 * @name: NUL-terminated.
 *
 * Return: the entry with a reference (hv_registry_put()), or NULL.
 */
struct hv_reg_vm *hv_registry_get(const char *name)
{
	struct hv_reg_vm *reg;

	mutex_lock(&hv_reg_mutex);
	reg = __hv_registry_find(name);
	if (reg)
		refcount_inc(&reg->refs);
	mutex_unlock(&hv_reg_mutex);
	return reg;
}

/**
 * hv_registry_get_next() - the listed VM with the lowest id >= *@id.
 * @id: where to start; set to the entry's id.
 *
 * Return: the entry with a reference, or NULL when there is none.
 */
struct hv_reg_vm *hv_registry_get_next(u32 *id)
{
	unsigned long index = *id;
	struct hv_reg_vm *reg;

	mutex_lock(&hv_reg_mutex);
	reg = xa_find(&hv_reg_xa, &index, U32_MAX, XA_PRESENT);
	if (reg) {
		refcount_inc(&reg->refs);
		*id = index;
	}
	mutex_unlock(&hv_reg_mutex);
	return reg;
}

/* Unlists @reg and drops the registry's reference. */
static void __hv_registry_remove(struct hv_reg_vm *reg)
{
	lockdep_assert_held(&hv_reg_mutex);
	xa_erase(&hv_reg_xa, reg->id);
	hv_reg_count--;
	spin_lock(&reg->lock);
	reg->listed = false;
	spin_unlock(&reg->lock);
	hv_registry_put(reg);
}

/**
 * hv_registry_destroy() - remove a VM definition no VMM runs.
 * @reg: the entry, referenced by the caller.
 * @extack: for the reason of a failure.
 *
 * Return: 0; -EBUSY when a VMM runs it; -ENOENT when it is gone already.
 */
int hv_registry_destroy(struct hv_reg_vm *reg, struct netlink_ext_ack *extack)
{
	int err = 0;

	mutex_lock(&hv_reg_mutex);
	spin_lock(&reg->lock);
	if (!reg->listed) {
		NL_SET_ERR_MSG(extack, "the VM is being destroyed");
		err = -ENOENT;
	} else if (reg->vm || reg->anonymous) {
		NL_SET_ERR_MSG(extack, "a VMM runs this VM: stop it first");
		err = -EBUSY;
	}
	spin_unlock(&reg->lock);
	if (!err)
		__hv_registry_remove(reg);
	mutex_unlock(&hv_reg_mutex);
	if (!err)
		hv_registry_notify(reg, HV_EVENT_TYPE_DESTROYED, HV_QUOTA_NONE);
	return err;
}

/* Is @quota (0: none) above @cap (0: none)? */
static bool hv_quota_above(u64 quota, u64 cap)
{
	return cap && (!quota || quota > cap);
}

/**
 * hv_registry_set_quota() - change quotas; a running VM sees them at once.
 * @reg: the entry.
 * @mem_quota: new memory quota in bytes, or NULL to keep it.
 * @cpu_quota: new CPU quota in percent, or NULL to keep it.
 * @io_quota: new I/O quotas (enum hv_io_quota), those in @io_mask.
 * @io_mask: which of @io_quota to set (bit n: @io_quota[n]).
 * @admin: the caller has CAP_SYS_ADMIN: its values become the ceiling for
 *	   the owner; anyone else may not go above the last an admin set.
 * @extack: for the reason of a failure.
 *
 * The VMM, which enforces the I/O quotas, reads them back over vm-get
 * (written and read under reg->lock); a quota-set event tells listeners
 * of any change.
 *
 * Return: 0; -EPERM when a non-admin asks for more than an admin allowed.
 */
int hv_registry_set_quota(struct hv_reg_vm *reg, const u64 *mem_quota,
			  const u32 *cpu_quota,
			  const u64 io_quota[HV_NR_IO_QUOTAS],
			  unsigned long io_mask, bool admin,
			  struct netlink_ext_ack *extack)
{
	bool above = false;
	int i;

	spin_lock(&reg->lock);
	for (i = 0; i < HV_NR_IO_QUOTAS; i++)
		above |= (io_mask & BIT(i)) && (reg->io_quota_capped & BIT(i)) &&
			 hv_quota_above(io_quota[i], reg->io_quota_cap[i]);
	if (!admin &&
	    ((mem_quota && reg->mem_quota_capped &&
	      hv_quota_above(*mem_quota, reg->mem_quota_cap)) ||
	     (cpu_quota && reg->cpu_quota_capped &&
	      hv_quota_above(*cpu_quota, reg->cpu_quota_cap)) || above)) {
		spin_unlock(&reg->lock);
		NL_SET_ERR_MSG(extack,
			       "only an admin may raise a quota above what an admin set");
		return -EPERM;
	}
	if (admin && mem_quota) {
		reg->mem_quota_capped = true;
		reg->mem_quota_cap = *mem_quota;
	}
	if (admin && cpu_quota) {
		reg->cpu_quota_capped = true;
		reg->cpu_quota_cap = *cpu_quota;
	}
	for (i = 0; i < HV_NR_IO_QUOTAS; i++) {
		if (!(io_mask & BIT(i)))
			continue;
		if (admin) {
			reg->io_quota_capped |= BIT(i);
			reg->io_quota_cap[i] = io_quota[i];
		}
		reg->io_quota[i] = io_quota[i];
	}
	if (mem_quota) {
		WRITE_ONCE(reg->mem_quota, *mem_quota);
		reg->mem_quota_hit = false;
	}
	if (cpu_quota) {
		WRITE_ONCE(reg->cpu_quota, *cpu_quota);
		reg->cpu_quota_hit = false;
	}
	spin_unlock(&reg->lock);
	if (cpu_quota) {
		spin_lock(&reg->cpu_lock);
		reg->cpu_debt = 0;
		spin_unlock(&reg->cpu_lock);
	}
	/* throttled vCPUs recompute their wait */
	atomic_inc(&reg->wake_gen);
	wake_up_all(&reg->wq);
	hv_registry_notify(reg, HV_EVENT_TYPE_QUOTA_SET, HV_QUOTA_NONE);
	return 0;
}

/**
 * hv_registry_stop() - ask the guest to stop, or stop the VM at once.
 * @reg: the entry.
 * @force: stop now: the VMM's HV_RUN returns HV_SYSTEM_EVENT_STOPPED and
 *	   the definition is free to be started again.
 * @extack: for the reason of a failure.
 *
 * Return: 0; -EINVAL when no VMM runs it.
 */
int hv_registry_stop(struct hv_reg_vm *reg, bool force,
		     struct netlink_ext_ack *extack)
{
	struct hv_vm *vm;
	struct pid *pid = NULL;

	spin_lock(&reg->lock);
	vm = reg->vm;
	if (!vm) {
		spin_unlock(&reg->lock);
		NL_SET_ERR_MSG(extack, "the VM is not running");
		return -EINVAL;
	}
	if (force) {
		set_bit(HV_VM_KILLED, &vm->run_flags);
		vm->stop_reason = HV_STOP_REASON_FORCED;
		/* the definition lets go of the VM: it can be started again */
		reg->vm = NULL;
		reg->state = HV_VM_STATE_STOPPED;
		reg->stop_reason = HV_STOP_REASON_FORCED;
		pid = reg->vmm_pid;
		reg->vmm_pid = NULL;
		hv_arch_vm_wake(vm);
	} else {
		set_bit(HV_VM_STOP_REQUEST, &vm->run_flags);
	}
	/* vCPUs asleep in HLT/WFI (in-kernel interrupt controller) */
	hv_vm_kick_all(vm);
	spin_unlock(&reg->lock);
	put_pid(pid);
	atomic_inc(&reg->wake_gen);
	wake_up_all(&reg->wq);
	hv_registry_notify(reg, force ? HV_EVENT_TYPE_STOPPED :
			   HV_EVENT_TYPE_STOP_REQUESTED, HV_QUOTA_NONE);
	return 0;
}

/**
 * hv_registry_pause() - pause or resume the VM's vCPUs.
 * @reg: the entry.
 * @pause: true to pause, false to resume.
 * @extack: for the reason of a failure.
 *
 * Return: 0; -EINVAL when the VM is not running (pause) or not paused
 * (resume).
 */
int hv_registry_pause(struct hv_reg_vm *reg, bool pause,
		      struct netlink_ext_ack *extack)
{
	enum hv_vm_state from = pause ? HV_VM_STATE_RUNNING : HV_VM_STATE_PAUSED;

	spin_lock(&reg->lock);
	if (!reg->vm || reg->state != from) {
		spin_unlock(&reg->lock);
		if (pause)
			NL_SET_ERR_MSG(extack, "the VM is not running");
		else
			NL_SET_ERR_MSG(extack, "the VM is not paused");
		return -EINVAL;
	}
	reg->state = pause ? HV_VM_STATE_PAUSED : HV_VM_STATE_RUNNING;
	if (pause)
		set_bit(HV_VM_PAUSED, &reg->vm->run_flags);
	else
		clear_bit(HV_VM_PAUSED, &reg->vm->run_flags);
	spin_unlock(&reg->lock);
	atomic_inc(&reg->wake_gen);
	wake_up_all(&reg->wq);
	hv_registry_notify(reg, pause ? HV_EVENT_TYPE_PAUSED :
				HV_EVENT_TYPE_RESUMED, HV_QUOTA_NONE);
	return 0;
}

/**
 * hv_registry_nmi() - the attached VM's NMI button (vm-nmi).
 * @reg: the entry.
 * @extack: for the reason of a failure.
 *
 * A paused VM takes it when it runs again.
 *
 * Return: 0; -EINVAL when no VMM runs the VM; -EOPNOTSUPP when the VM has
 * no in-kernel interrupt controller or the arch no NMI.
 */
int hv_registry_nmi(struct hv_reg_vm *reg, struct netlink_ext_ack *extack)
{
	int err;

	spin_lock(&reg->lock);
	if (!reg->vm) {
		err = -EINVAL;
		NL_SET_ERR_MSG(extack, "the VM is not running");
	} else if (!reg->vm->irqchip) {
		err = -EOPNOTSUPP;
		NL_SET_ERR_MSG(extack,
			       "the VM has no in-kernel interrupt controller");
	} else {
		err = hv_arch_vm_nmi(reg->vm);
		if (err)
			NL_SET_ERR_MSG(extack, "no NMI on this architecture");
	}
	spin_unlock(&reg->lock);
	return err;
}

/**
 * hv_registry_mem_touched() - RAM the attached VM has allocated.
 * @reg: the entry.
 *
 * Return: bytes; 0 when no VM is attached.
 */
u64 hv_registry_mem_touched(struct hv_reg_vm *reg)
{
	u64 bytes = 0;

	spin_lock(&reg->lock);
	if (reg->vm)
		bytes = (u64)atomic_long_read(&reg->vm->nr_pages) << PAGE_SHIFT;
	spin_unlock(&reg->lock);
	return bytes;
}

/* Binds @vm to @reg; called with reg->lock held. */
static void __hv_registry_bind(struct hv_reg_vm *reg, struct hv_vm *vm)
{
	lockdep_assert_held(&reg->lock);
	refcount_inc(&reg->refs);
	vm->reg = reg;
	vm->max_vcpus = reg->max_vcpus;
	reg->vm = vm;
	reg->state = HV_VM_STATE_RUNNING;
	reg->stop_reason = HV_STOP_REASON_NONE;
	reg->vmm_pid = get_pid(task_tgid(current));
	reg->cpu_debt = 0;
}

/**
 * hv_registry_add_anon() - list a VM made by HV_CREATE_VM as "anon-<id>".
 * @vm: the new VM, not yet visible to user space.
 *
 * Return: 0, -ENOSPC/-EDQUOT when there are too many VMs, -ENOMEM.
 */
int hv_registry_add_anon(struct hv_vm *vm)
{
	struct hv_reg_vm *reg;
	int err;

	reg = hv_reg_alloc(HV_MAX_VCPUS, 0);
	if (!reg)
		return -ENOMEM;
	reg->anonymous = true;

	mutex_lock(&hv_reg_mutex);
	err = __hv_registry_insert(reg, NULL);
	if (err) {
		mutex_unlock(&hv_reg_mutex);
		kfree(reg);
		return err;
	}
	snprintf(reg->name, sizeof(reg->name), "anon-%u", reg->id);
	spin_lock(&reg->lock);
	__hv_registry_bind(reg, vm);
	spin_unlock(&reg->lock);
	mutex_unlock(&hv_reg_mutex);
	hv_registry_notify(reg, HV_EVENT_TYPE_CREATED, HV_QUOTA_NONE);
	hv_registry_notify(reg, HV_EVENT_TYPE_STARTED, HV_QUOTA_NONE);
	return 0;
}

/**
 * hv_registry_attach() - HV_ATTACH_VM: bind @vm to the definition @name.
 * @vm: the new VM, not yet visible to user space.
 * @name: the definition's name.
 *
 * The caller must own the definition or have CAP_SYS_ADMIN.
 *
 * Return: 0; -ENOENT for an unknown name; -EPERM; -EBUSY when a VMM runs
 * it already (or it is anonymous).
 */
int hv_registry_attach(struct hv_vm *vm, const char *name)
{
	struct hv_reg_vm *reg;
	int err = 0;

	mutex_lock(&hv_reg_mutex);
	reg = __hv_registry_find(name);
	if (!reg) {
		err = -ENOENT;
		goto out_unlock;
	}
	if (!uid_eq(reg->owner, current_euid()) && !capable(CAP_SYS_ADMIN)) {
		err = -EPERM;
		goto out_unlock;
	}
	spin_lock(&reg->lock);
	if (reg->vm || reg->anonymous)
		err = -EBUSY;
	else
		__hv_registry_bind(reg, vm);
	spin_unlock(&reg->lock);
out_unlock:
	mutex_unlock(&hv_reg_mutex);
	if (!err)
		hv_registry_notify(reg, HV_EVENT_TYPE_STARTED, HV_QUOTA_NONE);
	return err;
}

/**
 * hv_registry_detach() - the VM goes: its definition is stopped (with the
 * reason the VMM reported, else "VMM died"); an anonymous one goes too.
 * @vm: the VM, about to be freed: nothing uses it any more.
 */
void hv_registry_detach(struct hv_vm *vm)
{
	struct hv_reg_vm *reg = vm->reg;
	struct pid *pid = NULL;
	bool stopped = false;

	spin_lock(&reg->lock);
	if (reg->vm == vm) {
		reg->vm = NULL;
		reg->state = HV_VM_STATE_STOPPED;
		reg->stop_reason = vm->stop_reason ?: HV_STOP_REASON_VMM_DIED;
		pid = reg->vmm_pid;
		reg->vmm_pid = NULL;
		stopped = true;
	}
	spin_unlock(&reg->lock);
	put_pid(pid);
	if (stopped)
		hv_registry_notify(reg, HV_EVENT_TYPE_STOPPED, HV_QUOTA_NONE);

	if (reg->anonymous) {
		mutex_lock(&hv_reg_mutex);
		__hv_registry_remove(reg);
		mutex_unlock(&hv_reg_mutex);
		hv_registry_notify(reg, HV_EVENT_TYPE_DESTROYED, HV_QUOTA_NONE);
	}
	vm->reg = NULL;
	hv_registry_put(reg);
}

/**
 * hv_registry_quota_hit() - report that a VM ran into a quota, once per
 * quota setting.
 * @reg: the entry.
 * @quota: which one.
 *
 * Sleeps (sends an event).
 */
void hv_registry_quota_hit(struct hv_reg_vm *reg, enum hv_quota quota)
{
	bool *hit = quota == HV_QUOTA_MEMORY ? &reg->mem_quota_hit :
					       &reg->cpu_quota_hit;
	bool first;

	spin_lock(&reg->lock);
	first = !*hit;
	*hit = true;
	spin_unlock(&reg->lock);
	if (first)
		hv_registry_notify(reg, HV_EVENT_TYPE_QUOTA_HIT, quota);
}

/* The debt is paid back at cpu_quota percent of wall time. */
static void __hv_registry_cpu_refill(struct hv_reg_vm *reg, u64 now,
				     u32 quota)
{
	u64 credit = div_u64((now - reg->cpu_last) * quota, 100);

	lockdep_assert_held(&reg->cpu_lock);
	reg->cpu_debt = reg->cpu_debt > credit ? reg->cpu_debt - credit : 0;
	reg->cpu_last = now;
}

static u64 hv_cpu_burst(u32 quota)
{
	return div_u64(HV_CPU_PERIOD_NS * quota, 100);
}

/**
 * hv_registry_charge_cpu() - account a vCPU's time in the guest.
 * @reg: the VM's entry.
 * @guest_ns: time spent in the guest and handling its exits.
 * @exits: the exits in that time.
 *
 * Called from the run loop (hv_run.c), in batches.
 *
 * Return: true when the VM is over its CPU quota and the vCPU should
 * leave the guest (hv_registry_cpu_wait() makes it wait).
 */
bool hv_registry_charge_cpu(struct hv_reg_vm *reg, u64 guest_ns, u32 exits)
{
	u32 quota = READ_ONCE(reg->cpu_quota);
	bool over;

	atomic64_add(guest_ns, &reg->cpu_ns);
	atomic64_add(exits, &reg->guest_exits);
	if (!quota)
		return false;
	spin_lock(&reg->cpu_lock);
	__hv_registry_cpu_refill(reg, ktime_get_ns(), quota);
	reg->cpu_debt += guest_ns;
	over = reg->cpu_debt >= hv_cpu_burst(quota);
	spin_unlock(&reg->cpu_lock);
	return over;
}

/* How long the VM must stay out of the guest; 0 when it may enter. */
static u64 hv_registry_cpu_delay(struct hv_reg_vm *reg)
{
	u32 quota = READ_ONCE(reg->cpu_quota);
	u64 delay = 0;

	if (!quota)
		return 0;
	spin_lock(&reg->cpu_lock);
	__hv_registry_cpu_refill(reg, ktime_get_ns(), quota);
	if (reg->cpu_debt >= hv_cpu_burst(quota))
		delay = div_u64(reg->cpu_debt * 100, quota);
	spin_unlock(&reg->cpu_lock);
	return delay;
}

static bool hv_reg_woken(struct hv_reg_vm *reg, int gen)
{
	return atomic_read(&reg->wake_gen) != gen;
}

/**
 * hv_registry_cpu_wait() - sleep while the VM is over its CPU quota or
 * paused.
 * @reg: the VM's entry.
 * @vm: the VM.
 *
 * Called by the run loop before entering the guest, may sleep. Returns
 * early when a quota, the pause or a stop changes.
 *
 * Return: 0, or -EINTR when a signal is pending.
 */
int hv_registry_cpu_wait(struct hv_reg_vm *reg, struct hv_vm *vm)
{
	unsigned long stop = BIT(HV_VM_KILLED) | BIT(HV_VM_STOP_REQUEST);
	u64 delay, start;
	long ret;
	int gen;

	for (;;) {
		gen = atomic_read(&reg->wake_gen);
		if (READ_ONCE(vm->run_flags) & stop)
			return 0;
		if (test_bit(HV_VM_PAUSED, &vm->run_flags)) {
			ret = wait_event_interruptible(reg->wq,
						       hv_reg_woken(reg, gen));
			if (ret)
				return -EINTR;
			continue;
		}
		delay = hv_registry_cpu_delay(reg);
		if (!delay)
			return 0;
		hv_registry_quota_hit(reg, HV_QUOTA_CPU);
		start = ktime_get_ns();
		ret = wait_event_interruptible_hrtimeout(reg->wq,
							 hv_reg_woken(reg, gen),
							 ns_to_ktime(delay));
		atomic64_add(ktime_get_ns() - start, &reg->throttled_ns);
		if (ret == -ERESTARTSYS)
			return -EINTR;
	}
}

/* Module unload: no VM exists any more (each file pins the module). */
void hv_registry_exit(void)
{
	struct hv_reg_vm *reg;
	unsigned long id;

	mutex_lock(&hv_reg_mutex);
	xa_for_each(&hv_reg_xa, id, reg)
		__hv_registry_remove(reg);
	mutex_unlock(&hv_reg_mutex);
	xa_destroy(&hv_reg_xa);
}
