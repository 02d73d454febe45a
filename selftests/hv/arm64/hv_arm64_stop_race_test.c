// SPDX-License-Identifier: GPL-2.0
/*
 * A forced vm-stop (netlink HV_CMD_VM_STOP with HV_A_VM_FORCE) against
 * vCPU files closing at the same time. The stop wakes the VM's vCPUs
 * (hv_arch_vm_wake(), for the ones PSCI keeps off) while closing a vCPU
 * file frees it: the wake must never touch a freed vCPU. A use after free
 * there corrupts the slab or spins on a freed lock; the harness sees the
 * oops, the lockup or the hang (most surely with slub_debug=P, which
 * poisons freed objects). Raw netlink, as in hv_genl_test.c.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/hv_genl.h>

#include "../hv_selftest.h"

#define RACE_VCPUS	32
#define RACE_ROUNDS	300
#define RACE_NAME	"t-stop-race"
#define RACE_SWEEP_US	2000	/* the closes start up to this much later */
#define RACE_SWEEP_STEPS 100

struct nl {
	int fd;
	int family;
	unsigned int seq;
};

struct msg {
	char buf[1024] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
};

static void msg_init(struct msg *m, int type, int cmd)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = (struct nlmsghdr *)m->buf;
	m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = NLMSG_DATA(m->nlh);
	g->cmd = cmd;
	g->version = 1;
}

static void msg_put(struct msg *m, int type, const void *data, int len)
{
	struct nlattr *a = (struct nlattr *)(m->buf +
					     NLMSG_ALIGN(m->nlh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) +
			    NLA_ALIGN(a->nla_len);
}

/*
 * Sends @m, reads until its ack; the family id from a GETFAMILY reply (not
 * from an hv reply: HV_A_VM_ID has the same number as CTRL_ATTR_FAMILY_ID).
 */
static int nl_talk(struct nl *nl, struct msg *m)
{
	char buf[8192];
	struct nlmsghdr *nlh;
	int len;

	m->nlh->nlmsg_seq = ++nl->seq;
	if (send(nl->fd, m->buf, m->nlh->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		len = recv(nl->fd, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			struct nlattr *a;
			int alen;

			if (nlh->nlmsg_seq != nl->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			/* only the controller's reply names the family */
			if (nlh->nlmsg_type != GENL_ID_CTRL)
				continue;
			a = (struct nlattr *)((char *)NLMSG_DATA(nlh) +
					      GENL_HDRLEN);
			alen = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			for (; alen >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			       a->nla_len <= alen;
			     alen -= NLA_ALIGN(a->nla_len),
			     a = (struct nlattr *)((char *)a +
						   NLA_ALIGN(a->nla_len)))
				if (a->nla_type == CTRL_ATTR_FAMILY_ID)
					nl->family = *(__u16 *)((char *)a +
								NLA_HDRLEN);
		}
	}
}

static int vm_cmd(struct nl *nl, int cmd, int force)
{
	struct msg m;

	msg_init(&m, nl->family, cmd);
	msg_put(&m, HV_A_VM_NAME, RACE_NAME, sizeof(RACE_NAME));
	if (cmd == HV_CMD_VM_CREATE) {
		__u32 vcpus = RACE_VCPUS;
		__u64 mem = 1 << 20;

		msg_put(&m, HV_A_VM_VCPUS, &vcpus, sizeof(vcpus));
		msg_put(&m, HV_A_VM_MEM_SIZE, &mem, sizeof(mem));
	}
	if (force)
		msg_put(&m, HV_A_VM_FORCE, NULL, 0);
	return nl_talk(nl, &m);
}

/* Both sides start together: each spins until the other is ready. */
struct race {
	struct nl *nl;
	int go;
	int stop_ret;
};

/* Busy-wait @us microseconds (no sleep: the other thread is running). */
static void spin_us(long us)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000 < us);
}

/*
 * Each side on its own CPU when there are two: on one CPU the stop (which
 * holds a spinlock, preemption off) and the closes would never overlap.
 */
static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *stop_thread(void *arg)
{
	struct race *r = arg;

	pin_to_cpu(0);

	__atomic_add_fetch(&r->go, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&r->go, __ATOMIC_ACQUIRE) < 2)
		;
	r->stop_ret = vm_cmd(r->nl, HV_CMD_VM_STOP, 1);
	return NULL;
}

FIXTURE(race) {
	struct nl nl;
};

FIXTURE_SETUP(race)
{
	struct msg m;

	memset(&self->nl, 0, sizeof(self->nl));
	self->nl.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
			     NETLINK_GENERIC);
	ASSERT_LE(0, self->nl.fd);
	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	msg_put(&m, CTRL_ATTR_FAMILY_NAME, HV_FAMILY_NAME,
		sizeof(HV_FAMILY_NAME));
	ASSERT_EQ(0, nl_talk(&self->nl, &m));
	ASSERT_NE(0, self->nl.family) TH_LOG("no netlink family hv");
}

FIXTURE_TEARDOWN(race)
{
	close(self->nl.fd);
}

/*
 * Each round: a VM with RACE_VCPUS vCPUs (half of them powered off, as a
 * VMM starts secondaries), then a forced stop from one thread while this
 * one closes every vCPU file. Both stop and close must succeed.
 */
TEST_F(race, forced_stop_against_vcpu_close)
{
	struct hv_power off = { .state = HV_ARM64_POWER_OFF };
	struct hv_vm_attach at = { .name = RACE_NAME };
	int dev = hv_open_dev(), vm, vm2, vcpu[RACE_VCPUS], round, i;
	struct hv_mem_region reg = { .size = 1 << 20 };

	pin_to_cpu(1);
	for (round = 0; round < RACE_ROUNDS; round++) {
		struct race r = { .nl = &self->nl };
		pthread_t th;

		ASSERT_EQ(0, vm_cmd(&self->nl, HV_CMD_VM_CREATE, 0));
		vm = hv_ioctl(dev, HV_ATTACH_VM, &at);
		hv_ioctl(vm, HV_SET_MEM_REGION, &reg);
		for (i = 0; i < RACE_VCPUS; i++) {
			struct hv_vcpu_create vc = { .id = i };

			vcpu[i] = hv_ioctl(vm, HV_CREATE_VCPU, &vc);
			if (i)
				hv_ioctl(vcpu[i], HV_SET_POWER, &off);
		}
		ASSERT_EQ(0, pthread_create(&th, NULL, stop_thread, &r));
		__atomic_add_fetch(&r.go, 1, __ATOMIC_ACQ_REL);
		while (__atomic_load_n(&r.go, __ATOMIC_ACQUIRE) < 2)
			;
		/*
		 * The closes start 0 to RACE_SWEEP_US later than the stop,
		 * a different offset each round, so that some rounds free
		 * vCPUs while the stop's wake walks the slots (from the
		 * top: the wake walks them upwards).
		 */
		spin_us((round % RACE_SWEEP_STEPS) * RACE_SWEEP_US /
			RACE_SWEEP_STEPS);
		for (i = RACE_VCPUS - 1; i >= 0; i--)
			ASSERT_EQ(0, close(vcpu[i]));
		ASSERT_EQ(0, pthread_join(th, NULL));
		ASSERT_EQ(0, r.stop_ret) TH_LOG("round %d: forced stop: %s",
						round, strerror(-r.stop_ret));
		/*
		 * The stop was forced: the definition let go of the VM and
		 * can start again while the old VM file is still open.
		 */
		vm2 = __hv_ioctl(dev, HV_ATTACH_VM, &at);
		ASSERT_LE(0, vm2) TH_LOG("round %d: attach after the stop: %s",
					 round, strerror(-vm2));
		close(vm2);
		close(vm);
		ASSERT_EQ(0, vm_cmd(&self->nl, HV_CMD_VM_DESTROY, 0));
	}
	close(dev);
}

TEST_HARNESS_MAIN
