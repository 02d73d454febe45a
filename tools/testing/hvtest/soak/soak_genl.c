// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink workload: random and nearly-valid messages to the generic
 * netlink family "hv" (the VM registry). Root processes and one that runs
 * as nobody (uid/gid 65534, no capabilities) send them at once; the names
 * are a few SOAK_GENL_PREFIX ones, which the ioctl fuzz attaches to, so
 * VMs are created, started, paused, stopped and destroyed under each
 * other. One root socket joins the events group and rarely reads it.
 * Raw netlink sockets: the binary needs no library.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/hv_genl.h>

#include "soak.h"

#define NL_BUF		32768

struct nl {
	int fd;
	int family;
	int events_grp;
	unsigned int seq;
	uint64_t rnd;
};

struct msg {
	char buf[1024] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
};

static char rx[NL_BUF] __attribute__((aligned(4)));

static void msg_init(struct msg *m, int type, int flags, int cmd, int version)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = (struct nlmsghdr *)m->buf;
	m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	g = NLMSG_DATA(m->nlh);
	g->cmd = cmd;
	g->version = version;
}

static void msg_put(struct msg *m, int type, const void *data, int len)
{
	struct nlattr *a;

	if (NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) >
	    sizeof(m->buf))
		return;
	a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh->nlmsg_len));
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/*
 * Sends @m and reads the answers to it until its ack, a dump's end or a
 * second without any. Returns the ack's error, 1 for no answer.
 */
static int nl_talk(struct nl *nl, struct msg *m, int len)
{
	struct nlmsghdr *nlh;
	int n;

	m->nlh->nlmsg_seq = ++nl->seq;
	if (send(nl->fd, m->buf, len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(nl->fd, rx, sizeof(rx), 0);
		if (n < 0)
			return errno == EAGAIN ? 1 : -errno;
		for (nlh = (struct nlmsghdr *)rx; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != nl->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
		}
	}
}

static struct nlattr *attr_find(struct nlmsghdr *nlh, int type, int hdr)
{
	int len = nlh->nlmsg_len - NLMSG_LENGTH(hdr);
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + hdr);

	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

/* The family id and the events group, from the controller. */
static int nl_open(struct nl *nl)
{
	struct timeval tv = { .tv_sec = 1 };
	struct nlattr *a, *g, *e;
	struct nlmsghdr *nlh;
	struct msg m;
	int n;

	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	msg_put(&m, CTRL_ATTR_FAMILY_NAME, HV_FAMILY_NAME,
		sizeof(HV_FAMILY_NAME));
	m.nlh->nlmsg_flags = NLM_F_REQUEST;
	if (send(nl->fd, m.buf, m.nlh->nlmsg_len, 0) < 0)
		return -errno;
	n = recv(nl->fd, rx, sizeof(rx), 0);
	nlh = (struct nlmsghdr *)rx;
	if (n < 0 || !NLMSG_OK(nlh, n) || nlh->nlmsg_type != GENL_ID_CTRL)
		return -ENOENT;
	a = attr_find(nlh, CTRL_ATTR_FAMILY_ID, GENL_HDRLEN);
	if (!a)
		return -ENOENT;
	nl->family = *(__u16 *)((char *)a + NLA_HDRLEN);
	g = attr_find(nlh, CTRL_ATTR_MCAST_GROUPS, GENL_HDRLEN);
	if (!g)
		return 0;
	/* one group: its id is the first u32 attribute of the first nest */
	e = (struct nlattr *)((char *)g + NLA_HDRLEN);
	for (a = (struct nlattr *)((char *)e + NLA_HDRLEN);
	     (char *)a + NLA_HDRLEN <= (char *)e + e->nla_len;
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		if (a->nla_len < NLA_HDRLEN)
			break;
		if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
			nl->events_grp = *(__u32 *)((char *)a + NLA_HDRLEN);
	}
	return 0;
}

/* Attribute value widths of the family (Documentation/netlink/specs/hv.yaml). */
static int attr_len(int type)
{
	switch (type) {
	case HV_A_VM_NAME:
		return -1;
	case HV_A_VM_MEM_SIZE: case HV_A_VM_MEM_QUOTA: case HV_A_VM_MEM_TOUCHED:
	case HV_A_VM_CPU_TIME: case HV_A_VM_THROTTLED_TIME:
	case HV_A_VM_GUEST_EXITS:
		return 8;
	case HV_A_VM_ANONYMOUS: case HV_A_VM_FORCE: case HV_A_VM_EXITS:
		return 0;
	default:
		return 4;
	}
}

static void put_name(struct nl *nl, struct msg *m)
{
	char name[40];

	snprintf(name, sizeof(name), SOAK_GENL_PREFIX "%u",
		 (unsigned int)(soak_rnd(&nl->rnd) % SOAK_GENL_NAMES));
	msg_put(m, HV_A_VM_NAME, name, strlen(name) + 1);
}

/* A value of @type: plausible, or at a limit (0, max, max + 1, all ones). */
static void put_value(struct nl *nl, struct msg *m, int type)
{
	static const uint64_t edge[] = { 0, 1, 64, 65, HV_CPU_QUOTA_MAX,
		HV_CPU_QUOTA_MAX + 1, 4096, 4097, 1 << 20, HV_MEM_MAX,
		HV_MEM_MAX + 4096, ~0ULL };
	uint64_t v = edge[soak_rnd(&nl->rnd) % ARRAY_SIZE(edge)];
	uint32_t v32 = v;

	if (type == HV_A_VM_NAME)
		put_name(nl, m);
	else if (attr_len(type) == 8)
		msg_put(m, type, &v, 8);
	else if (attr_len(type) == 4)
		msg_put(m, type, &v32, 4);
	else
		msg_put(m, type, NULL, 0);
}

/* A well-formed request of a random command, then one thing wrong. */
static int nearly_valid(struct nl *nl, struct msg *m)
{
	int cmd = 1 + soak_rnd(&nl->rnd) % HV_CMD_MAX, len;
	uint64_t mem = (1 + soak_rnd(&nl->rnd) % 4) << 20;
	uint32_t u = 1 + soak_rnd(&nl->rnd) % 4;
	struct nlattr *a;

	msg_init(m, nl->family, (cmd == HV_CMD_VM_GET &&
				 !(soak_rnd(&nl->rnd) % 4)) ? NLM_F_DUMP : 0,
		 cmd, 1);
	put_name(nl, m);
	if (cmd == HV_CMD_VM_CREATE) {
		msg_put(m, HV_A_VM_VCPUS, &u, 4);
		msg_put(m, HV_A_VM_MEM_SIZE, &mem, 8);
	} else if (cmd == HV_CMD_VM_SET) {
		if (soak_rnd(&nl->rnd) % 2)
			msg_put(m, HV_A_VM_MEM_QUOTA, &mem, 8);
		else
			msg_put(m, HV_A_VM_CPU_QUOTA, &u, 4);
	} else if (cmd == HV_CMD_VM_STOP && soak_rnd(&nl->rnd) % 2) {
		msg_put(m, HV_A_VM_FORCE, NULL, 0);
	}
	len = m->nlh->nlmsg_len;
	/* the last attribute, for the mutations that change one */
	a = (struct nlattr *)(m->buf + NLMSG_LENGTH(GENL_HDRLEN));
	while ((char *)a + NLA_ALIGN(a->nla_len) < m->buf + len)
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	switch (soak_rnd(&nl->rnd) % 10) {
	case 0:		/* well-formed after all */
		break;
	case 1:		/* another value, maybe at a limit */
		put_value(nl, m, 1 + soak_rnd(&nl->rnd) % (HV_A_VM_MAX + 2));
		break;
	case 2:		/* an attribute shorter than its type */
		if (a->nla_len > NLA_HDRLEN)
			a->nla_len -= 1 + soak_rnd(&nl->rnd) % (a->nla_len - NLA_HDRLEN);
		break;
	case 3:		/* another type for the same bytes */
		a->nla_type = soak_rnd(&nl->rnd) % (HV_A_VM_MAX + 4);
		if (soak_rnd(&nl->rnd) % 4 == 0)
			a->nla_type |= NLA_F_NESTED;
		break;
	case 4:		/* a name without its NUL, or too long */
		msg_put(m, HV_A_VM_NAME, SOAK_GENL_PREFIX "0123456789abcdefghijklmnopqrstuvwxyz",
			soak_rnd(&nl->rnd) % 41);
		break;
	case 5:		/* the same attribute twice */
		put_value(nl, m, a->nla_type & NLA_TYPE_MASK);
		break;
	case 6:		/* a header that claims more than was sent */
		m->nlh->nlmsg_len += 4 + soak_rnd(&nl->rnd) % 64;
		return len;
	case 7:		/* another genl version, or flags */
		((struct genlmsghdr *)NLMSG_DATA(m->nlh))->version =
			soak_rnd(&nl->rnd) % 4;
		m->nlh->nlmsg_flags |= soak_rnd(&nl->rnd) & 0x0f00;
		break;
	case 8:		/* an attribute length past the message */
		a->nla_len += 4 + soak_rnd(&nl->rnd) % 32;
		break;
	default:	/* the required attribute missing */
		m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
		break;
	}
	return m->nlh->nlmsg_len;
}

/* Anything: random command, flags and attributes of random bytes. */
static int random_msg(struct nl *nl, struct msg *m)
{
	unsigned char data[64];
	int i, j, n, len;

	msg_init(m, nl->family, (soak_rnd(&nl->rnd) % 16) ? 0 : NLM_F_DUMP,
		 soak_rnd(&nl->rnd) % (HV_CMD_MAX + 3), 1);
	n = soak_rnd(&nl->rnd) % 7;
	for (i = 0; i < n; i++) {
		len = soak_rnd(&nl->rnd) % 24;
		for (j = 0; j < len; j++)
			data[j] = soak_rnd(&nl->rnd);
		msg_put(m, soak_rnd(&nl->rnd) % (HV_A_VM_MAX + 3), data, len);
	}
	return m->nlh->nlmsg_len;
}

/* Events pile up on a socket that rarely reads: hv must cope. */
static void drain_events(int fd)
{
	while (recv(fd, rx, sizeof(rx), MSG_DONTWAIT) > 0)
		;
}

int soak_genl_main(struct soak *s, int unprivileged)
{
	struct nl nl = { .rnd = s->seed ^ (0x5eed + unprivileged) };
	int ev = -1, err, len;
	uint64_t i;
	struct msg m;

	if (unprivileged && (setgid(65534) || setuid(65534))) {
		soak_fail(s, "genl: setuid(nobody): %s", strerror(errno));
		return 1;
	}
	err = nl_open(&nl);
	if (err) {
		soak_fail(s, "genl: no family %s: %s", HV_FAMILY_NAME,
			  strerror(-err));
		return 1;
	}
	if (!unprivileged && nl.events_grp) {
		ev = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
		if (ev >= 0)
			setsockopt(ev, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				   &nl.events_grp, sizeof(nl.events_grp));
	}
	for (i = 0; !soak_should_stop(s); i++) {
		len = (soak_rnd(&nl.rnd) % 2) ? nearly_valid(&nl, &m) :
						random_msg(&nl, &m);
		err = nl_talk(&nl, &m, len);
		soak_add(s->st->genl_msgs, 1);
		if (unprivileged)
			soak_add(s->st->genl_nobody, 1);
		if (!err) {
			soak_add(s->st->genl_acked, 1);
			if (((struct genlmsghdr *)NLMSG_DATA(m.nlh))->cmd ==
			    HV_CMD_VM_CREATE)
				soak_add(s->st->genl_vm_created, 1);
		}
		if (ev >= 0 && i % 256 == 0)
			drain_events(ev);
	}
	if (ev >= 0)
		close(ev);
	close(nl.fd);
	return 0;
}

/* After the soak: the registry still answers, and loses what it held. */
int soak_genl_cleanup(struct soak *s)
{
	struct nl nl = { 0 };
	uint64_t mem = 1 << 20;
	uint32_t vcpus = 1;
	char name[40];
	struct msg m;
	int i, err;

	err = nl_open(&nl);
	if (err) {
		soak_fail(s, "genl cleanup: %s", strerror(-err));
		return 1;
	}
	for (i = 0; i < SOAK_GENL_NAMES; i++) {
		msg_init(&m, nl.family, 0, HV_CMD_VM_DESTROY, 1);
		snprintf(name, sizeof(name), SOAK_GENL_PREFIX "%d", i);
		msg_put(&m, HV_A_VM_NAME, name, strlen(name) + 1);
		err = nl_talk(&nl, &m, m.nlh->nlmsg_len);
		if (err && err != -ENOENT)
			soak_fail(s, "genl cleanup: destroy %s: %s", name,
				  strerror(-err));
	}
	/* a fresh VM definition round trip */
	msg_init(&m, nl.family, 0, HV_CMD_VM_CREATE, 1);
	msg_put(&m, HV_A_VM_NAME, "soak-check", sizeof("soak-check"));
	msg_put(&m, HV_A_VM_VCPUS, &vcpus, 4);
	msg_put(&m, HV_A_VM_MEM_SIZE, &mem, 8);
	err = nl_talk(&nl, &m, m.nlh->nlmsg_len);
	if (!err) {
		msg_init(&m, nl.family, 0, HV_CMD_VM_DESTROY, 1);
		msg_put(&m, HV_A_VM_NAME, "soak-check", sizeof("soak-check"));
		err = nl_talk(&nl, &m, m.nlh->nlmsg_len);
	}
	if (err)
		soak_fail(s, "genl: create/destroy after the soak: %d", err);
	close(nl.fd);
	return err != 0;
}
