/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A raw generic netlink client for the family "hv" (the VM registry),
 * shared by hv_genl_test.c, arm64/hv_arm64_stop_race_test.c and the soak
 * (tools/testing/hvtest/soak/soak_genl.c): building a request, sending it
 * and reading its answers up to the ack, finding an attribute, resolving
 * the family id and its events group. Raw sockets, so that the static
 * binaries need no library. Header only: every user is one program.
 */
#ifndef HV_GENL_UTIL_H
#define HV_GENL_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/hv_genl.h>

#define HV_NL_BUF	65536	/* what one recv() may bring (a dump) */

struct hv_nl {
	int fd;
	int family;
	int events_grp;		/* the "events" multicast group id */
	unsigned int seq;
	char errmsg[256];	/* the last extack message */
	int miss_type;		/* the last extack's missing attribute */
};

/* A message under construction. */
struct hv_nl_msg {
	char buf[4096] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
};

/* hv_nl_open() options */
#define HV_NL_EXT_ACK	0x1	/* error acks carry the extack message */
#define HV_NL_TIMEOUT	0x2	/* a recv() gives up after 1 s: -EAGAIN */

static inline int hv_nl_open(struct hv_nl *nl, unsigned int opts)
{
	struct timeval tv = { .tv_sec = 1 };
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	if (opts & HV_NL_EXT_ACK)
		setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
			   sizeof(one));
	if (opts & HV_NL_TIMEOUT)
		setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

/* A request (with an ack asked for) of generic netlink version 1. */
static inline void hv_nl_msg_init(struct hv_nl_msg *m, int type, int flags,
				  int cmd)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = (struct nlmsghdr *)m->buf;
	m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	g = NLMSG_DATA(m->nlh);
	g->cmd = cmd;
	g->version = 1;
}

/* Appends an attribute; one that does not fit is left out (-ENOSPC). */
static inline int hv_nl_put(struct hv_nl_msg *m, int type, const void *data,
			    int len)
{
	struct nlattr *a;

	if (NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) >
	    sizeof(m->buf))
		return -ENOSPC;
	a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh->nlmsg_len));
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) +
			    NLA_ALIGN(a->nla_len);
	return 0;
}

static inline int hv_nl_put_u32(struct hv_nl_msg *m, int type, __u32 v)
{
	return hv_nl_put(m, type, &v, sizeof(v));
}

static inline int hv_nl_put_u64(struct hv_nl_msg *m, int type, __u64 v)
{
	return hv_nl_put(m, type, &v, sizeof(v));
}

static inline int hv_nl_put_str(struct hv_nl_msg *m, int type, const char *s)
{
	return hv_nl_put(m, type, s, strlen(s) + 1);
}

/* The attributes of a nest. */
#define HV_NLA_FOR_EACH(a, nest) \
	for (a = (struct nlattr *)((char *)(nest) + NLA_HDRLEN); \
	     (char *)a + NLA_HDRLEN <= (char *)(nest) + (nest)->nla_len && \
	     a->nla_len >= NLA_HDRLEN; \
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

/* The first top-level attribute of @type of a generic netlink message. */
static inline struct nlattr *hv_nl_attr(struct nlmsghdr *nlh, int type)
{
	int len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nlh) +
					     GENL_HDRLEN);

	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

typedef void (*hv_nl_cb)(struct nlmsghdr *nlh, void *arg);

/* The extack message and missing attribute of an error ack, if any. */
static inline void hv_nl_extack(struct hv_nl *nl, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	int off = sizeof(*e);
	struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	for (a = (struct nlattr *)((char *)e + off);
	     (char *)a + NLA_HDRLEN <= (char *)nlh + nlh->nlmsg_len &&
	     a->nla_len >= NLA_HDRLEN;
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(nl->errmsg, sizeof(nl->errmsg), "%s",
				 (char *)a + NLA_HDRLEN);
		else if (a->nla_type == NLMSGERR_ATTR_MISS_TYPE)
			nl->miss_type = *(__u32 *)((char *)a + NLA_HDRLEN);
}

/*
 * Sends the first @len bytes of @m (a fuzzer sends less than the header
 * claims) and reads the answers to it, each passed to @cb, until its ack
 * or a dump's end. Returns the ack's error (0 or -errno), -errno of a
 * failed send or recv (-EAGAIN: no answer within HV_NL_TIMEOUT).
 */
static inline int hv_nl_talk_len(struct hv_nl *nl, struct hv_nl_msg *m,
				 int len, hv_nl_cb cb, void *arg)
{
	static __thread char buf[HV_NL_BUF];	/* the tests' threads race */
	struct nlmsghdr *nlh;
	int n;

	m->nlh->nlmsg_seq = ++nl->seq;
	nl->errmsg[0] = 0;
	nl->miss_type = 0;
	if (send(nl->fd, m->buf, len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != nl->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				hv_nl_extack(nl, nlh);
				return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb)
				cb(nlh, arg);
		}
	}
}

static inline int hv_nl_talk(struct hv_nl *nl, struct hv_nl_msg *m,
			     hv_nl_cb cb, void *arg)
{
	return hv_nl_talk_len(nl, m, m->nlh->nlmsg_len, cb, arg);
}

/*
 * The controller's GETFAMILY reply: the family id and the events group.
 * Only called on that reply: HV_A_VM_ID has the number of
 * CTRL_ATTR_FAMILY_ID.
 */
static inline void hv_nl_family_cb(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *a = hv_nl_attr(nlh, CTRL_ATTR_FAMILY_ID), *g, *e;
	struct hv_nl *nl = arg;

	if (a)
		nl->family = *(__u16 *)((char *)a + NLA_HDRLEN);
	a = hv_nl_attr(nlh, CTRL_ATTR_MCAST_GROUPS);
	if (!a)
		return;
	HV_NLA_FOR_EACH(g, a) {
		int id = 0, match = 0;

		HV_NLA_FOR_EACH(e, g) {
			if (e->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				id = *(__u32 *)((char *)e + NLA_HDRLEN);
			if (e->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				match = !strcmp((char *)e + NLA_HDRLEN,
						HV_MCGRP_EVENTS);
		}
		if (match)
			nl->events_grp = id;
	}
}

/* The family id (and events group) of "hv"; -ENOENT when not registered. */
static inline int hv_nl_resolve(struct hv_nl *nl)
{
	struct hv_nl_msg m;
	int err;

	hv_nl_msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	hv_nl_put_str(&m, CTRL_ATTR_FAMILY_NAME, HV_FAMILY_NAME);
	err = hv_nl_talk(nl, &m, hv_nl_family_cb, nl);
	return err ?: (nl->family ? 0 : -ENOENT);
}

/* HV_CMD_VM_CREATE of @name with @vcpus and @mem bytes of RAM. */
static inline int hv_nl_vm_create(struct hv_nl *nl, const char *name,
				  __u32 vcpus, __u64 mem)
{
	struct hv_nl_msg m;

	hv_nl_msg_init(&m, nl->family, 0, HV_CMD_VM_CREATE);
	hv_nl_put_str(&m, HV_A_VM_NAME, name);
	hv_nl_put_u32(&m, HV_A_VM_VCPUS, vcpus);
	hv_nl_put_u64(&m, HV_A_VM_MEM_SIZE, mem);
	return hv_nl_talk(nl, &m, NULL, NULL);
}

/* A command whose only attribute is the VM's name. */
static inline int hv_nl_vm_cmd(struct hv_nl *nl, int cmd, const char *name,
			       hv_nl_cb cb, void *arg)
{
	struct hv_nl_msg m;

	hv_nl_msg_init(&m, nl->family, 0, cmd);
	hv_nl_put_str(&m, HV_A_VM_NAME, name);
	return hv_nl_talk(nl, &m, cb, arg);
}

#endif /* HV_GENL_UTIL_H */
