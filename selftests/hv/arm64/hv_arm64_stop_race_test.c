// SPDX-License-Identifier: GPL-2.0
/*
 * A forced vm-stop (netlink HV_CMD_VM_STOP with HV_A_VM_FORCE) against
 * vCPU files closing at the same time. The stop wakes the VM's vCPUs
 * (hv_arch_vm_wake(), for the ones PSCI keeps off) while closing a vCPU
 * file frees it: the wake must never touch a freed vCPU. A use after free
 * there corrupts the slab or spins on a freed lock; the harness sees the
 * oops, the lockup or the hang (most surely with slub_debug=P, which
 * poisons freed objects). Raw netlink (hv_genl_util.h).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../hv_genl_util.h"
#include "../hv_selftest.h"

#define RACE_VCPUS	32
#define RACE_ROUNDS	300
#define RACE_NAME	"t-stop-race"
#define RACE_SWEEP_US	2000	/* the closes start up to this much later */
#define RACE_SWEEP_STEPS 100

static int vm_cmd(struct hv_nl *nl, int cmd, int force)
{
	struct hv_nl_msg m;

	if (cmd == HV_CMD_VM_CREATE)
		return hv_nl_vm_create(nl, RACE_NAME, RACE_VCPUS, 1 << 20);
	hv_nl_msg_init(&m, nl->family, 0, cmd);
	hv_nl_put_str(&m, HV_A_VM_NAME, RACE_NAME);
	if (force)
		hv_nl_put(&m, HV_A_VM_FORCE, NULL, 0);
	return hv_nl_talk(nl, &m, NULL, NULL);
}

/* Both sides start together: each spins until the other is ready. */
struct race {
	struct hv_nl *nl;
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
	struct hv_nl nl;
};

FIXTURE_SETUP(race)
{
	ASSERT_EQ(0, hv_nl_open(&self->nl, 0));
	ASSERT_EQ(0, hv_nl_resolve(&self->nl)) TH_LOG("no netlink family hv");
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
