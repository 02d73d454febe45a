// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "hv": the control plane of the registry.
 *
 * Documentation/netlink/specs/hv.yaml is the reference; the policies and
 * the op list below match it exactly (ynl-gen-c.py --mode kernel emits the
 * same policies as split ops, which 6.1 lacks, hence genl_ops here).
 * Every op is strictly validated: unknown attributes, attributes an op
 * does not take, and values out of range are rejected by the policy, the
 * rest by the handlers, each with an extack message.
 *
 * Permissions: a request for a VM needs CAP_SYS_ADMIN (in the initial user
 * namespace, the module's) or to come from the VM's owner; a dump lists
 * only what the caller may read; the events group is for admins.
 */
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "hv_core.h"
#include "hv_genl.h"
#include "hv_registry.h"

/*
 * Integer value ranges. Not const: 6.1's nla_policy points to a mutable
 * struct netlink_range_validation.
 */
static struct netlink_range_validation hv_a_vm_mem_size_range __ro_after_init = {
	.min	= 4096ULL,
	.max	= HV_MEM_MAX,
};

static struct netlink_range_validation hv_a_vm_mem_quota_range __ro_after_init = {
	.max	= HV_MEM_MAX,
};

/* NLA_POLICY_MAX's bound is an s16 on 6.1: a range for the ops too */
static struct netlink_range_validation hv_a_vm_io_ops_range __ro_after_init = {
	.max	= HV_IO_OPS_MAX,
};

static struct netlink_range_validation hv_a_vm_io_bw_range __ro_after_init = {
	.max	= HV_IO_BW_MAX,
};

/* The I/O quota attributes follow enum hv_io_quota. */
static_assert(HV_A_VM_DISK_IOPS + HV_IO_DISK_IOPS == HV_A_VM_DISK_IOPS);
static_assert(HV_A_VM_DISK_IOPS + HV_IO_DISK_BW == HV_A_VM_DISK_BW);
static_assert(HV_A_VM_DISK_IOPS + HV_IO_NET_PPS == HV_A_VM_NET_PPS);
static_assert(HV_A_VM_DISK_IOPS + HV_IO_NET_BW == HV_A_VM_NET_BW);

#define HV_IO_QUOTA_POLICY \
	[HV_A_VM_DISK_IOPS] = NLA_POLICY_FULL_RANGE(NLA_U32, &hv_a_vm_io_ops_range), \
	[HV_A_VM_DISK_BW] = NLA_POLICY_FULL_RANGE(NLA_U64, &hv_a_vm_io_bw_range), \
	[HV_A_VM_NET_PPS] = NLA_POLICY_FULL_RANGE(NLA_U32, &hv_a_vm_io_ops_range), \
	[HV_A_VM_NET_BW] = NLA_POLICY_FULL_RANGE(NLA_U64, &hv_a_vm_io_bw_range)

/*
 * HV_CMD_VM_CREATE - do. The attributes between cpu-quota and disk-iops
 * have no entry: NLA_UNSPEC, which strict validation refuses.
 */
static const struct nla_policy hv_vm_create_nl_policy[HV_A_VM_NET_BW + 1] = {
	[HV_A_VM_NAME] = { .type = NLA_NUL_STRING, .len = HV_NAME_MAX, },
	[HV_A_VM_VCPUS] = NLA_POLICY_RANGE(NLA_U32, 1, 64),
	[HV_A_VM_MEM_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U64, &hv_a_vm_mem_size_range),
	[HV_A_VM_MEM_QUOTA] = NLA_POLICY_FULL_RANGE(NLA_U64, &hv_a_vm_mem_quota_range),
	[HV_A_VM_CPU_QUOTA] = NLA_POLICY_MAX(NLA_U32, HV_CPU_QUOTA_MAX),
	HV_IO_QUOTA_POLICY,
};

/* HV_CMD_VM_GET, PAUSE, RESUME, DESTROY, STATS_GET, NMI - do */
static const struct nla_policy hv_vm_name_nl_policy[HV_A_VM_NAME + 1] = {
	[HV_A_VM_NAME] = { .type = NLA_NUL_STRING, .len = HV_NAME_MAX, },
};

/* HV_CMD_VM_SET - do */
static const struct nla_policy hv_vm_set_nl_policy[HV_A_VM_NET_BW + 1] = {
	[HV_A_VM_NAME] = { .type = NLA_NUL_STRING, .len = HV_NAME_MAX, },
	[HV_A_VM_MEM_QUOTA] = NLA_POLICY_FULL_RANGE(NLA_U64, &hv_a_vm_mem_quota_range),
	[HV_A_VM_CPU_QUOTA] = NLA_POLICY_MAX(NLA_U32, HV_CPU_QUOTA_MAX),
	HV_IO_QUOTA_POLICY,
};

/* HV_CMD_VM_STOP - do */
static const struct nla_policy hv_vm_stop_nl_policy[HV_A_VM_FORCE + 1] = {
	[HV_A_VM_NAME] = { .type = NLA_NUL_STRING, .len = HV_NAME_MAX, },
	[HV_A_VM_FORCE] = { .type = NLA_FLAG, },
};

static struct genl_family hv_nl_family;

/* A snapshot of what reg->lock protects, to fill a message without it. */
struct hv_genl_snap {
	u32 state, stop_reason, vmm_pid;
	u64 mem_quota;
	u32 cpu_quota;
	u64 io_quota[HV_NR_IO_QUOTAS];
};

static void hv_genl_snapshot(struct hv_reg_vm *reg, struct hv_genl_snap *s)
{
	spin_lock(&reg->lock);
	s->state = reg->state;
	s->stop_reason = reg->stop_reason;
	s->vmm_pid = reg->vmm_pid ? pid_vnr(reg->vmm_pid) : 0;
	s->mem_quota = reg->mem_quota;
	s->cpu_quota = reg->cpu_quota;
	memcpy(s->io_quota, reg->io_quota, sizeof(s->io_quota));
	spin_unlock(&reg->lock);
}

/* The ops quotas are u32 attributes, the bandwidths u64. */
static bool hv_genl_io_is_u32(int i)
{
	return i == HV_IO_DISK_IOPS || i == HV_IO_NET_PPS;
}

static int hv_genl_put_io(struct sk_buff *skb, const u64 *io_quota)
{
	int i, err;

	for (i = 0; i < HV_NR_IO_QUOTAS; i++) {
		if (hv_genl_io_is_u32(i))
			err = nla_put_u32(skb, HV_A_VM_DISK_IOPS + i, io_quota[i]);
		else
			err = nla_put_u64_64bit(skb, HV_A_VM_DISK_IOPS + i,
						io_quota[i], 0);
		if (err)
			return err;
	}
	return 0;
}

/* The I/O quotas a request gives, into @io_quota; the bits of those given. */
static unsigned long hv_genl_get_io(struct nlattr **attrs, u64 *io_quota)
{
	unsigned long mask = 0;
	struct nlattr *a;
	int i;

	for (i = 0; i < HV_NR_IO_QUOTAS; i++) {
		a = attrs[HV_A_VM_DISK_IOPS + i];
		io_quota[i] = 0;
		if (!a)
			continue;
		io_quota[i] = hv_genl_io_is_u32(i) ? nla_get_u32(a) :
						     nla_get_u64(a);
		mask |= BIT(i);
	}
	return mask;
}

static u32 hv_genl_owner(const struct hv_reg_vm *reg)
{
	return from_kuid_munged(current_user_ns(), reg->owner);
}

static int hv_genl_put_vm(struct sk_buff *skb, struct hv_reg_vm *reg)
{
	struct hv_genl_snap s;

	hv_genl_snapshot(reg, &s);
	if (nla_put_u32(skb, HV_A_VM_ID, reg->id) ||
	    nla_put_string(skb, HV_A_VM_NAME, reg->name) ||
	    nla_put_u32(skb, HV_A_VM_VCPUS, reg->max_vcpus) ||
	    nla_put_u64_64bit(skb, HV_A_VM_MEM_SIZE, reg->mem_size, 0) ||
	    nla_put_u64_64bit(skb, HV_A_VM_MEM_QUOTA, s.mem_quota, 0) ||
	    nla_put_u32(skb, HV_A_VM_CPU_QUOTA, s.cpu_quota) ||
	    nla_put_u32(skb, HV_A_VM_STATE, s.state) ||
	    nla_put_u32(skb, HV_A_VM_STOP_REASON, s.stop_reason) ||
	    nla_put_u32(skb, HV_A_VM_OWNER, hv_genl_owner(reg)) ||
	    nla_put_u32(skb, HV_A_VM_VMM_PID, s.vmm_pid) ||
	    (reg->anonymous && nla_put_flag(skb, HV_A_VM_ANONYMOUS)) ||
	    hv_genl_put_io(skb, s.io_quota))
		return -EMSGSIZE;
	return 0;
}

static int hv_genl_put_stats(struct sk_buff *skb, struct hv_reg_vm *reg)
{
	struct hv_genl_snap s;
	struct nlattr *nest;
	u64 count;
	int i;

	hv_genl_snapshot(reg, &s);
	if (nla_put_u32(skb, HV_A_VM_ID, reg->id) ||
	    nla_put_string(skb, HV_A_VM_NAME, reg->name) ||
	    nla_put_u32(skb, HV_A_VM_STATE, s.state) ||
	    nla_put_u32(skb, HV_A_VM_OWNER, hv_genl_owner(reg)) ||
	    nla_put_u32(skb, HV_A_VM_VCPUS, reg->max_vcpus) ||
	    nla_put_u64_64bit(skb, HV_A_VM_MEM_TOUCHED,
			      hv_registry_mem_touched(reg), 0) ||
	    nla_put_u64_64bit(skb, HV_A_VM_CPU_TIME,
			      atomic64_read(&reg->cpu_ns), 0) ||
	    nla_put_u64_64bit(skb, HV_A_VM_THROTTLED_TIME,
			      atomic64_read(&reg->throttled_ns), 0) ||
	    nla_put_u64_64bit(skb, HV_A_VM_GUEST_EXITS,
			      atomic64_read(&reg->guest_exits), 0))
		return -EMSGSIZE;
	for (i = 0; i < HV_NR_EXITS; i++) {
		count = atomic64_read(&reg->exits[i]);
		if (!count)
			continue;
		nest = nla_nest_start(skb, HV_A_VM_EXITS);
		if (!nest ||
		    nla_put_u32(skb, HV_A_EXIT_REASON, i) ||
		    nla_put_u64_64bit(skb, HV_A_EXIT_COUNT, count, 0))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

/* May the sender read or change @reg? Its owner and admins may. */
static bool hv_genl_may(const struct sk_buff *skb, const struct hv_reg_vm *reg)
{
	return uid_eq(reg->owner, current_euid()) ||
	       netlink_capable(skb, CAP_SYS_ADMIN);
}

/* The VM the request names, referenced, after the permission check. */
static struct hv_reg_vm *hv_genl_lookup(struct sk_buff *skb,
					struct genl_info *info)
{
	struct nlattr *attr = info->attrs[HV_A_VM_NAME];
	struct hv_reg_vm *reg;

	if (GENL_REQ_ATTR_CHECK(info, HV_A_VM_NAME))
		return ERR_PTR(-EINVAL);
	reg = hv_registry_get(nla_data(attr));
	if (!reg) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no VM with this name");
		return ERR_PTR(-ENOENT);
	}
	if (!hv_genl_may(skb, reg)) {
		hv_registry_put(reg);
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "not the VM's owner and no CAP_SYS_ADMIN");
		return ERR_PTR(-EPERM);
	}
	return reg;
}

typedef int (*hv_genl_put_fn)(struct sk_buff *skb, struct hv_reg_vm *reg);

static int hv_genl_reply(struct genl_info *info, struct hv_reg_vm *reg,
			 hv_genl_put_fn put)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &hv_nl_family, 0,
				info->genlhdr->cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free_msg;
	}
	err = put(msg, reg);
	if (err)
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return err;
}

static int hv_genl_put_created(struct sk_buff *skb, struct hv_reg_vm *reg)
{
	if (nla_put_u32(skb, HV_A_VM_ID, reg->id) ||
	    nla_put_string(skb, HV_A_VM_NAME, reg->name))
		return -EMSGSIZE;
	return 0;
}

static int hv_nl_vm_create_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	u64 io_quota[HV_NR_IO_QUOTAS];
	struct hv_reg_vm *reg;
	u64 mem_quota = 0;
	u32 cpu_quota = 0;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, HV_A_VM_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, HV_A_VM_VCPUS) ||
	    GENL_REQ_ATTR_CHECK(info, HV_A_VM_MEM_SIZE))
		return -EINVAL;
	if (!hv_registry_name_valid(nla_data(attrs[HV_A_VM_NAME]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[HV_A_VM_NAME],
				    "a name is [A-Za-z0-9_.-]{1,32}, not anon-<number>");
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(nla_get_u64(attrs[HV_A_VM_MEM_SIZE]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[HV_A_VM_MEM_SIZE],
				    "the memory size is not a multiple of the page size");
		return -EINVAL;
	}
	if (attrs[HV_A_VM_MEM_QUOTA])
		mem_quota = nla_get_u64(attrs[HV_A_VM_MEM_QUOTA]);
	if (attrs[HV_A_VM_CPU_QUOTA])
		cpu_quota = nla_get_u32(attrs[HV_A_VM_CPU_QUOTA]);
	hv_genl_get_io(attrs, io_quota);

	reg = hv_registry_create(nla_data(attrs[HV_A_VM_NAME]),
				 nla_get_u32(attrs[HV_A_VM_VCPUS]),
				 nla_get_u64(attrs[HV_A_VM_MEM_SIZE]),
				 mem_quota, cpu_quota, io_quota, info->extack);
	if (IS_ERR(reg))
		return PTR_ERR(reg);
	err = hv_genl_reply(info, reg, hv_genl_put_created);
	hv_registry_put(reg);
	return err;
}

static int hv_nl_vm_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hv_reg_vm *reg = hv_genl_lookup(skb, info);
	int err;

	if (IS_ERR(reg))
		return PTR_ERR(reg);
	err = hv_genl_reply(info, reg, hv_genl_put_vm);
	hv_registry_put(reg);
	return err;
}

/*
 * A dump resumes at cb->args[0], the next id to list: entries created or
 * destroyed between two parts neither repeat nor shift the others.
 */
static int hv_nl_vm_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	u32 id = cb->args[0];
	struct hv_reg_vm *reg;
	void *hdr;
	int err = 0;

	while ((reg = hv_registry_get_next(&id))) {
		if (hv_genl_may(cb->skb, reg)) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &hv_nl_family,
					  NLM_F_MULTI, HV_CMD_VM_GET);
			err = hdr ? hv_genl_put_vm(skb, reg) : -EMSGSIZE;
			if (err) {
				if (hdr)
					genlmsg_cancel(skb, hdr);
				hv_registry_put(reg);
				break;
			}
			genlmsg_end(skb, hdr);
		}
		hv_registry_put(reg);
		if (id == U32_MAX)
			break;
		id++;
	}
	cb->args[0] = id;
	/* a full skb ends this part; the next one starts at id */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static int hv_nl_vm_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	u64 io_quota[HV_NR_IO_QUOTAS];
	unsigned long io_mask;
	struct hv_reg_vm *reg;
	u64 mem_quota = 0;
	u32 cpu_quota = 0;
	int err;

	io_mask = hv_genl_get_io(attrs, io_quota);
	if (!attrs[HV_A_VM_MEM_QUOTA] && !attrs[HV_A_VM_CPU_QUOTA] &&
	    !io_mask) {
		NL_SET_ERR_MSG(info->extack,
			       "give mem-quota, cpu-quota or an I/O quota");
		return -EINVAL;
	}
	reg = hv_genl_lookup(skb, info);
	if (IS_ERR(reg))
		return PTR_ERR(reg);
	if (attrs[HV_A_VM_MEM_QUOTA])
		mem_quota = nla_get_u64(attrs[HV_A_VM_MEM_QUOTA]);
	if (attrs[HV_A_VM_CPU_QUOTA])
		cpu_quota = nla_get_u32(attrs[HV_A_VM_CPU_QUOTA]);
	err = hv_registry_set_quota(reg,
				    attrs[HV_A_VM_MEM_QUOTA] ? &mem_quota : NULL,
				    attrs[HV_A_VM_CPU_QUOTA] ? &cpu_quota : NULL,
				    io_quota, io_mask,
				    netlink_capable(skb, CAP_SYS_ADMIN),
				    info->extack);
	hv_registry_put(reg);
	return err;
}

static int hv_nl_vm_stop_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hv_reg_vm *reg = hv_genl_lookup(skb, info);
	int err;

	if (IS_ERR(reg))
		return PTR_ERR(reg);
	err = hv_registry_stop(reg, nla_get_flag(info->attrs[HV_A_VM_FORCE]),
			       info->extack);
	hv_registry_put(reg);
	return err;
}

static int hv_nl_vm_pause_resume(struct sk_buff *skb, struct genl_info *info,
				 bool pause)
{
	struct hv_reg_vm *reg = hv_genl_lookup(skb, info);
	int err;

	if (IS_ERR(reg))
		return PTR_ERR(reg);
	err = hv_registry_pause(reg, pause, info->extack);
	hv_registry_put(reg);
	return err;
}

static int hv_nl_vm_pause_doit(struct sk_buff *skb, struct genl_info *info)
{
	return hv_nl_vm_pause_resume(skb, info, true);
}

static int hv_nl_vm_resume_doit(struct sk_buff *skb, struct genl_info *info)
{
	return hv_nl_vm_pause_resume(skb, info, false);
}

static int hv_nl_vm_destroy_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hv_reg_vm *reg = hv_genl_lookup(skb, info);
	int err;

	if (IS_ERR(reg))
		return PTR_ERR(reg);
	err = hv_registry_destroy(reg, info->extack);
	hv_registry_put(reg);
	return err;
}

static int hv_nl_vm_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hv_reg_vm *reg = hv_genl_lookup(skb, info);
	int err;

	if (IS_ERR(reg))
		return PTR_ERR(reg);
	err = hv_genl_reply(info, reg, hv_genl_put_stats);
	hv_registry_put(reg);
	return err;
}

static int hv_nl_vm_nmi_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct hv_reg_vm *reg = hv_genl_lookup(skb, info);
	int err;

	if (IS_ERR(reg))
		return PTR_ERR(reg);
	err = hv_registry_nmi(reg, info->extack);
	hv_registry_put(reg);
	return err;
}

/* Ops table for hv: one policy per op, as in hv.yaml. */
static const struct genl_ops hv_nl_ops[] = {
	{
		.cmd		= HV_CMD_VM_CREATE,
		.doit		= hv_nl_vm_create_doit,
		.policy		= hv_vm_create_nl_policy,
		.maxattr	= HV_A_VM_NET_BW,
	},
	{
		.cmd		= HV_CMD_VM_GET,
		.doit		= hv_nl_vm_get_doit,
		.dumpit		= hv_nl_vm_get_dumpit,
		.policy		= hv_vm_name_nl_policy,
		.maxattr	= HV_A_VM_NAME,
	},
	{
		.cmd		= HV_CMD_VM_SET,
		.doit		= hv_nl_vm_set_doit,
		.policy		= hv_vm_set_nl_policy,
		.maxattr	= HV_A_VM_NET_BW,
	},
	{
		.cmd		= HV_CMD_VM_STOP,
		.doit		= hv_nl_vm_stop_doit,
		.policy		= hv_vm_stop_nl_policy,
		.maxattr	= HV_A_VM_FORCE,
	},
	{
		.cmd		= HV_CMD_VM_PAUSE,
		.doit		= hv_nl_vm_pause_doit,
		.policy		= hv_vm_name_nl_policy,
		.maxattr	= HV_A_VM_NAME,
	},
	{
		.cmd		= HV_CMD_VM_RESUME,
		.doit		= hv_nl_vm_resume_doit,
		.policy		= hv_vm_name_nl_policy,
		.maxattr	= HV_A_VM_NAME,
	},
	{
		.cmd		= HV_CMD_VM_DESTROY,
		.doit		= hv_nl_vm_destroy_doit,
		.policy		= hv_vm_name_nl_policy,
		.maxattr	= HV_A_VM_NAME,
	},
	{
		.cmd		= HV_CMD_VM_STATS_GET,
		.doit		= hv_nl_vm_stats_get_doit,
		.policy		= hv_vm_name_nl_policy,
		.maxattr	= HV_A_VM_NAME,
	},
	{
		.cmd		= HV_CMD_VM_NMI,
		.doit		= hv_nl_vm_nmi_doit,
		.policy		= hv_vm_name_nl_policy,
		.maxattr	= HV_A_VM_NAME,
	},
};

enum {
	HV_NLGRP_EVENTS,
};

/* Events name other users' VMs: admins only. */
static const struct genl_multicast_group hv_nl_mcgrps[] = {
	[HV_NLGRP_EVENTS] = { .name = HV_MCGRP_EVENTS,
			      .flags = GENL_MCAST_CAP_SYS_ADMIN, },
};

static struct genl_family hv_nl_family __ro_after_init = {
	.name		= HV_FAMILY_NAME,
	.version	= HV_FAMILY_VERSION,
	.module		= THIS_MODULE,
	.ops		= hv_nl_ops,
	.n_ops		= ARRAY_SIZE(hv_nl_ops),
	/* every op validates strictly, reserved header fields included */
	.resv_start_op	= HV_CMD_VM_CREATE,
	.mcgrps		= hv_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(hv_nl_mcgrps),
};

/*
 * The registry's listener: tells the events group about @reg. May sleep.
 * A lost event (no memory) is not an error for the registry.
 */
static void hv_genl_event(struct hv_reg_vm *reg, enum hv_event_type event,
			  enum hv_quota quota)
{
	struct hv_genl_snap s;
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&hv_nl_family, &init_net, HV_NLGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &hv_nl_family, 0, HV_CMD_VM_EVENT);
	if (!hdr)
		goto err_free_msg;
	hv_genl_snapshot(reg, &s);
	if (nla_put_u32(msg, HV_A_VM_EVENT, event) ||
	    nla_put_u32(msg, HV_A_VM_ID, reg->id) ||
	    nla_put_string(msg, HV_A_VM_NAME, reg->name) ||
	    nla_put_u32(msg, HV_A_VM_STATE, s.state) ||
	    nla_put_u32(msg, HV_A_VM_STOP_REASON, s.stop_reason) ||
	    (quota && nla_put_u32(msg, HV_A_VM_QUOTA, quota)))
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&hv_nl_family, msg, 0, HV_NLGRP_EVENTS, GFP_KERNEL);
	return;

err_free_msg:
	nlmsg_free(msg);
}

static const struct hv_registry_listener hv_genl_listener = {
	.event = hv_genl_event,
};

/**
 * hv_genl_register() - register the family and listen to the registry.
 *
 * Return: 0 or what genl_register_family() returns.
 */
int hv_genl_register(void)
{
	int err;

	hv_registry_set_listener(&hv_genl_listener);
	err = genl_register_family(&hv_nl_family);
	if (err)
		hv_registry_set_listener(NULL);
	return err;
}

/* Module unload: no VM exists any more, and no netlink op runs after it. */
void hv_genl_unregister(void)
{
	genl_unregister_family(&hv_nl_family);
	hv_registry_set_listener(NULL);
}
