// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink workload: random and nearly-valid messages to the generic
 * netlink family "hv" (the VM registry). Root processes and one that runs
 * as nobody (uid/gid 65534, no capabilities) send them at once; the names
 * are a few SOAK_GENL_PREFIX ones, which the ioctl fuzz attaches to, so
 * VMs are created, started, paused, stopped and destroyed under each
 * other. One root socket joins the events group and rarely reads it.
 * Raw netlink sockets (selftests/hv/hv_genl_util.h): the binary needs no
 * library.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "hv_genl_util.h"
#include "soak.h"

/* A workload's socket and its random state. */
struct gen {
	struct hv_nl nl;
	uint64_t rnd;
};

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

static void put_name(struct gen *g, struct hv_nl_msg *m)
{
	char name[40];

	snprintf(name, sizeof(name), SOAK_GENL_PREFIX "%u",
		 (unsigned int)(soak_rnd(&g->rnd) % SOAK_GENL_NAMES));
	hv_nl_put(m, HV_A_VM_NAME, name, strlen(name) + 1);
}

/* A value of @type: plausible, or at a limit (0, max, max + 1, all ones). */
static void put_value(struct gen *g, struct hv_nl_msg *m, int type)
{
	static const uint64_t edge[] = { 0, 1, 64, 65, HV_CPU_QUOTA_MAX,
		HV_CPU_QUOTA_MAX + 1, 4096, 4097, 1 << 20, HV_MEM_MAX,
		HV_MEM_MAX + 4096, ~0ULL };
	uint64_t v = edge[soak_rnd(&g->rnd) % ARRAY_SIZE(edge)];
	uint32_t v32 = v;

	if (type == HV_A_VM_NAME)
		put_name(g, m);
	else if (attr_len(type) == 8)
		hv_nl_put(m, type, &v, 8);
	else if (attr_len(type) == 4)
		hv_nl_put(m, type, &v32, 4);
	else
		hv_nl_put(m, type, NULL, 0);
}

/* A well-formed request of a random command, then one thing wrong. */
static int nearly_valid(struct gen *g, struct hv_nl_msg *m)
{
	int cmd = 1 + soak_rnd(&g->rnd) % HV_CMD_MAX, len;
	uint64_t mem = (1 + soak_rnd(&g->rnd) % 4) << 20;
	uint32_t u = 1 + soak_rnd(&g->rnd) % 4;
	struct nlattr *a;

	hv_nl_msg_init(m, g->nl.family, (cmd == HV_CMD_VM_GET &&
					 !(soak_rnd(&g->rnd) % 4)) ?
			NLM_F_DUMP : 0, cmd);
	put_name(g, m);
	if (cmd == HV_CMD_VM_CREATE) {
		hv_nl_put(m, HV_A_VM_VCPUS, &u, 4);
		hv_nl_put(m, HV_A_VM_MEM_SIZE, &mem, 8);
	} else if (cmd == HV_CMD_VM_SET) {
		if (soak_rnd(&g->rnd) % 2)
			hv_nl_put(m, HV_A_VM_MEM_QUOTA, &mem, 8);
		else
			hv_nl_put(m, HV_A_VM_CPU_QUOTA, &u, 4);
	} else if (cmd == HV_CMD_VM_STOP && soak_rnd(&g->rnd) % 2) {
		hv_nl_put(m, HV_A_VM_FORCE, NULL, 0);
	}
	len = m->nlh->nlmsg_len;
	/* the last attribute, for the mutations that change one */
	a = (struct nlattr *)(m->buf + NLMSG_LENGTH(GENL_HDRLEN));
	while ((char *)a + NLA_ALIGN(a->nla_len) < m->buf + len)
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	switch (soak_rnd(&g->rnd) % 10) {
	case 0:		/* well-formed after all */
		break;
	case 1:		/* another value, maybe at a limit */
		put_value(g, m, 1 + soak_rnd(&g->rnd) % (HV_A_VM_MAX + 2));
		break;
	case 2:		/* an attribute shorter than its type */
		if (a->nla_len > NLA_HDRLEN)
			a->nla_len -= 1 + soak_rnd(&g->rnd) % (a->nla_len - NLA_HDRLEN);
		break;
	case 3:		/* another type for the same bytes */
		a->nla_type = soak_rnd(&g->rnd) % (HV_A_VM_MAX + 4);
		if (soak_rnd(&g->rnd) % 4 == 0)
			a->nla_type |= NLA_F_NESTED;
		break;
	case 4:		/* a name without its NUL, or too long */
		hv_nl_put(m, HV_A_VM_NAME, SOAK_GENL_PREFIX "0123456789abcdefghijklmnopqrstuvwxyz",
			soak_rnd(&g->rnd) % 41);
		break;
	case 5:		/* the same attribute twice */
		put_value(g, m, a->nla_type & NLA_TYPE_MASK);
		break;
	case 6:		/* a header that claims more than was sent */
		m->nlh->nlmsg_len += 4 + soak_rnd(&g->rnd) % 64;
		return len;
	case 7:		/* another genl version, or flags */
		((struct genlmsghdr *)NLMSG_DATA(m->nlh))->version =
			soak_rnd(&g->rnd) % 4;
		m->nlh->nlmsg_flags |= soak_rnd(&g->rnd) & 0x0f00;
		break;
	case 8:		/* an attribute length past the message */
		a->nla_len += 4 + soak_rnd(&g->rnd) % 32;
		break;
	default:	/* the required attribute missing */
		m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
		break;
	}
	return m->nlh->nlmsg_len;
}

/* Anything: random command, flags and attributes of random bytes. */
static int random_msg(struct gen *g, struct hv_nl_msg *m)
{
	unsigned char data[64];
	int i, j, n, len;

	hv_nl_msg_init(m, g->nl.family,
		       (soak_rnd(&g->rnd) % 16) ? 0 : NLM_F_DUMP,
		       soak_rnd(&g->rnd) % (HV_CMD_MAX + 3));
	n = soak_rnd(&g->rnd) % 7;
	for (i = 0; i < n; i++) {
		len = soak_rnd(&g->rnd) % 24;
		for (j = 0; j < len; j++)
			data[j] = soak_rnd(&g->rnd);
		hv_nl_put(m, soak_rnd(&g->rnd) % (HV_A_VM_MAX + 3), data, len);
	}
	return m->nlh->nlmsg_len;
}

/* Events pile up on a socket that rarely reads: hv must cope. */
static void drain_events(int fd)
{
	static char buf[HV_NL_BUF];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

int soak_genl_main(struct soak *s, int unprivileged)
{
	struct gen g = { .rnd = s->seed ^ (0x5eed + unprivileged) };
	int ev = -1, err, len;
	struct hv_nl_msg m;
	uint64_t i;

	if (unprivileged && (setgid(65534) || setuid(65534))) {
		soak_fail(s, "genl: setuid(nobody): %s", strerror(errno));
		return 1;
	}
	err = hv_nl_open(&g.nl, HV_NL_TIMEOUT) ?: hv_nl_resolve(&g.nl);
	if (err) {
		soak_fail(s, "genl: no family %s: %s", HV_FAMILY_NAME,
			  strerror(-err));
		return 1;
	}
	if (!unprivileged && g.nl.events_grp) {
		ev = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
		if (ev >= 0)
			setsockopt(ev, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				   &g.nl.events_grp, sizeof(g.nl.events_grp));
	}
	for (i = 0; !soak_should_stop(s); i++) {
		len = (soak_rnd(&g.rnd) % 2) ? nearly_valid(&g, &m) :
					       random_msg(&g, &m);
		if (len < (int)m.nlh->nlmsg_len) {
			/*
			 * netlink_rcv_skb() drops a message shorter than its
			 * header claims without an answer: waiting for one
			 * would only time out (1 s each, which had held the
			 * three workers to about 3,000 messages a minute).
			 */
			err = send(g.nl.fd, m.buf, len, 0) < 0 ? -errno : 1;
			soak_add(s->st->genl_truncated, 1);
		} else {
			err = hv_nl_talk_len(&g.nl, &m, len, NULL, NULL);
			if (err == -EAGAIN)
				soak_add(s->st->genl_unanswered, 1);
		}
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
	close(g.nl.fd);
	return 0;
}

/* After the soak: the registry still answers, and loses what it held. */
int soak_genl_cleanup(struct soak *s)
{
	struct hv_nl nl;
	char name[40];
	int i, err;

	err = hv_nl_open(&nl, HV_NL_TIMEOUT) ?: hv_nl_resolve(&nl);
	if (err) {
		soak_fail(s, "genl cleanup: %s", strerror(-err));
		return 1;
	}
	for (i = 0; i < SOAK_GENL_NAMES; i++) {
		snprintf(name, sizeof(name), SOAK_GENL_PREFIX "%d", i);
		err = hv_nl_vm_cmd(&nl, HV_CMD_VM_DESTROY, name, NULL, NULL);
		if (err && err != -ENOENT)
			soak_fail(s, "genl cleanup: destroy %s: %s", name,
				  strerror(-err));
	}
	/* a fresh VM definition round trip */
	err = hv_nl_vm_create(&nl, "soak-check", 1, 1 << 20);
	if (!err)
		err = hv_nl_vm_cmd(&nl, HV_CMD_VM_DESTROY, "soak-check", NULL,
				   NULL);
	if (err)
		soak_fail(s, "genl: create/destroy after the soak: %d", err);
	close(nl.fd);
	return err != 0;
}
