// SPDX-License-Identifier: GPL-2.0
/*
 * The hv generic-netlink control plane, through libnl-genl-3.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/hv_genl.h>

#include "hvctl.h"

char hvctl_nl_errmsg[256];
/* the reply message a hvctl_nl_cb is called for */
static struct nlmsghdr *hvctl_nl_cur;

int hvctl_genl_family(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int family;

	if (!sk)
		return -NLE_NOMEM;
	family = genl_connect(sk);
	if (!family)
		family = genl_ctrl_resolve(sk, HVCTL_GENL_NAME);
	nl_socket_free(sk);
	return family;
}

int hvctl_nl_open(struct hvctl_nl *nl)
{
	int one = 1;

	nl->sk = nl_socket_alloc();
	if (!nl->sk || genl_connect(nl->sk)) {
		hvctl_err("cannot open a netlink socket");
		return -1;
	}
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, HV_FAMILY_NAME);
	if (nl->family < 0) {
		hvctl_err("the hv control plane is not available: the hv module is not loaded (insmod hv.ko)");
		nl_socket_free(nl->sk);
		return -1;
	}
	nl->events_grp = genl_ctrl_resolve_grp(nl->sk, HV_FAMILY_NAME,
					       HV_MCGRP_EVENTS);
	return 0;
}

void hvctl_nl_close(struct hvctl_nl *nl)
{
	nl_socket_free(nl->sk);
}

struct nl_msg *hvctl_nl_msg(struct hvctl_nl *nl, int cmd, int flags,
			    const char *name)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags, cmd,
		    HV_FAMILY_VERSION);
	if (name)
		nla_put_string(msg, HV_A_VM_NAME, name);
	return msg;
}

struct hvctl_call {
	hvctl_nl_cb cb;
	void *arg;
	int err;
	int done;
};

static int hvctl_nl_valid(struct nl_msg *msg, void *arg)
{
	struct hvctl_call *c = arg;
	struct nlattr *tb[HV_A_VM_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, HV_A_VM_MAX, NULL))
		return NL_SKIP;
	hvctl_nl_cur = nlmsg_hdr(msg);
	if (c->cb)
		c->cb(tb, c->arg);
	hvctl_nl_cur = NULL;
	return NL_OK;
}

/* The extack message that follows the echoed request in an error ack. */
static int hvctl_nl_error(struct sockaddr_nl *nla, struct nlmsgerr *e,
			  void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct hvctl_call *c = arg;
	int off = sizeof(*e);
	struct nlattr *a;
	int rem;

	(void)nla;
	c->err = e->error;
	c->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	a = (struct nlattr *)((char *)e + off);
	rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN - off;
	for (; nla_ok(a, rem); a = nla_next(a, &rem))
		if (nla_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(hvctl_nl_errmsg, sizeof(hvctl_nl_errmsg),
				 "%s", (char *)nla_data(a));
	return NL_STOP;
}

static int hvctl_nl_ack(struct nl_msg *msg, void *arg)
{
	struct hvctl_call *c = arg;

	(void)msg;
	c->done = 1;
	return NL_STOP;
}

int hvctl_nl_call(struct hvctl_nl *nl, struct nl_msg *msg, hvctl_nl_cb cb,
		  void *arg)
{
	struct hvctl_call c = { .cb = cb, .arg = arg };
	struct nl_cb *nlcb;
	int err;

	hvctl_nl_errmsg[0] = 0;
	if (!msg)
		return -ENOMEM;
	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, hvctl_nl_valid, &c);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, hvctl_nl_ack, &c);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, hvctl_nl_ack, &c);
	nl_cb_err(nlcb, NL_CB_CUSTOM, hvctl_nl_error, &c);
	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	while (err >= 0 && !c.done)
		err = nl_recvmsgs(nl->sk, nlcb);
	nl_cb_put(nlcb);
	if (err < 0 && !c.err)
		return -EIO;
	return c.err;
}

void hvctl_nl_perror(const char *what, const char *name, int err)
{
	const char *why = hvctl_nl_errmsg[0] ? hvctl_nl_errmsg : strerror(-err);

	if (err == -ENOENT && !hvctl_nl_errmsg[0])
		why = "no such VM";
	if (err == -EPERM)
		hvctl_err("%s %s: permission denied (%s)", what, name, why);
	else
		hvctl_err("%s %s: %s", what, name, why);
}

static uint64_t nla_u64_or0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint32_t nla_u32_or0(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

void hvctl_nl_parse_vm(struct nlattr **tb, struct hvctl_vminfo *vi)
{
	struct nlattr *a;
	int rem;

	if (tb[HV_A_VM_NAME])
		snprintf(vi->name, sizeof(vi->name), "%s",
			 nla_get_string(tb[HV_A_VM_NAME]));
	if (tb[HV_A_VM_ID])
		vi->id = nla_get_u32(tb[HV_A_VM_ID]);
	if (tb[HV_A_VM_VCPUS])
		vi->vcpus = nla_get_u32(tb[HV_A_VM_VCPUS]);
	if (tb[HV_A_VM_STATE])
		vi->state = nla_get_u32(tb[HV_A_VM_STATE]);
	if (tb[HV_A_VM_OWNER])
		vi->owner = nla_get_u32(tb[HV_A_VM_OWNER]);
	if (tb[HV_A_VM_MEM_SIZE]) {
		vi->mem_size = nla_get_u64(tb[HV_A_VM_MEM_SIZE]);
		vi->mem_quota = nla_u64_or0(tb[HV_A_VM_MEM_QUOTA]);
		vi->cpu_quota = nla_u32_or0(tb[HV_A_VM_CPU_QUOTA]);
		vi->stop_reason = nla_u32_or0(tb[HV_A_VM_STOP_REASON]);
		vi->vmm_pid = nla_u32_or0(tb[HV_A_VM_VMM_PID]);
		vi->anonymous = !!tb[HV_A_VM_ANONYMOUS];
	}
	/* the I/O quotas: u32 operations, u64 bandwidths */
	if (tb[HV_A_VM_DISK_IOPS]) {
		vi->has_io = 1;
		vi->io_quota[HVCTL_IO_DISK_IOPS] = nla_u32_or0(tb[HV_A_VM_DISK_IOPS]);
		vi->io_quota[HVCTL_IO_DISK_BW] = nla_u64_or0(tb[HV_A_VM_DISK_BW]);
		vi->io_quota[HVCTL_IO_NET_PPS] = nla_u32_or0(tb[HV_A_VM_NET_PPS]);
		vi->io_quota[HVCTL_IO_NET_BW] = nla_u64_or0(tb[HV_A_VM_NET_BW]);
	}
	if (tb[HV_A_VM_CPU_TIME]) {
		vi->mem_touched = nla_u64_or0(tb[HV_A_VM_MEM_TOUCHED]);
		vi->cpu_time = nla_u64_or0(tb[HV_A_VM_CPU_TIME]);
		vi->throttled_time = nla_u64_or0(tb[HV_A_VM_THROTTLED_TIME]);
		vi->guest_exits = nla_u64_or0(tb[HV_A_VM_GUEST_EXITS]);
	}
	/* exits: a repeated nest, which tb[] holds only the last of */
	if (!tb[HV_A_VM_EXITS] || !hvctl_nl_cur)
		return;
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(hvctl_nl_cur), 0),
			  genlmsg_attrlen(nlmsg_data(hvctl_nl_cur), 0), rem) {
		uint32_t reason = ~0U;
		uint64_t count = 0;
		struct nlattr *e;
		int erem;

		if (nla_type(a) != HV_A_VM_EXITS)
			continue;
		nla_for_each_nested(e, a, erem) {
			if (nla_type(e) == HV_A_EXIT_REASON)
				reason = nla_get_u32(e);
			if (nla_type(e) == HV_A_EXIT_COUNT)
				count = nla_get_u64(e);
		}
		if (reason < 16)
			vi->exits[reason] = count;
	}
}

static void hvctl_vm_get_cb(struct nlattr **tb, void *arg)
{
	hvctl_nl_parse_vm(tb, arg);
}

int hvctl_vm_get(struct hvctl_nl *nl, const char *name,
		 struct hvctl_vminfo *vi)
{
	struct nl_msg *msg;
	int err;

	memset(vi, 0, sizeof(*vi));
	err = hvctl_nl_call(nl, hvctl_nl_msg(nl, HV_CMD_VM_GET, 0, name),
			    hvctl_vm_get_cb, vi);
	if (err)
		return err;
	msg = hvctl_nl_msg(nl, HV_CMD_VM_STATS_GET, 0, name);
	return hvctl_nl_call(nl, msg, hvctl_vm_get_cb, vi);
}

int hvctl_vm_simple(struct hvctl_nl *nl, int cmd, const char *name, int flag)
{
	struct nl_msg *msg = hvctl_nl_msg(nl, cmd, 0, name);

	if (msg && flag)
		nla_put_flag(msg, flag);
	return hvctl_nl_call(nl, msg, NULL, NULL);
}

const char *hvctl_state_name(uint32_t state)
{
	static const char *const names[] = {
		[HV_VM_STATE_DEFINED] = "defined",
		[HV_VM_STATE_RUNNING] = "running",
		[HV_VM_STATE_PAUSED] = "paused",
		[HV_VM_STATE_STOPPED] = "stopped",
	};

	return state < 4 ? names[state] : "unknown";
}

const char *hvctl_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[HV_STOP_REASON_NONE] = "none",
		[HV_STOP_REASON_GUEST_POWEROFF] = "guest poweroff",
		[HV_STOP_REASON_GUEST_SHUTDOWN] = "guest shutdown",
		[HV_STOP_REASON_FORCED] = "forced",
		[HV_STOP_REASON_VMM_DIED] = "VMM died",
	};

	return reason < 5 ? names[reason] : "unknown";
}
