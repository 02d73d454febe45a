// SPDX-License-Identifier: GPL-2.0
/*
 * VMM life and death: VMMs killed with SIGKILL while both vCPUs run the
 * soak guest (which touches a new page each round) and the VMM writes to
 * guest RAM; and VMs created, run a little and destroyed, over and over.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "soak.h"

struct vmm_vcpu {
	struct soak *s;
	struct soak_vm *vm;
	int i;
};

static void *vmm_vcpu_thread(void *arg)
{
	struct vmm_vcpu *v = arg;

	soak_thread_timer(20000);
	for (;;)
		soak_guest_step(v->s, v->vm, v->i);
	return NULL;
}

/* The child: a VMM whose guest runs until the parent kills it. */
static void vmm_child(struct soak *s, int ready_fd, unsigned int flags)
{
	struct vmm_vcpu v[SOAK_VCPUS];
	pthread_t th[SOAK_VCPUS];
	struct soak_vm vm;
	unsigned long off;
	int dev, i;

	soak_thread_timer_init();
	dev = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0 || soak_vm_create(&vm, dev, flags))
		_exit(3);
	for (i = 0; i < SOAK_VCPUS; i++) {
		v[i] = (struct vmm_vcpu){ .s = s, .vm = &vm, .i = i };
		pthread_create(&th[i], NULL, vmm_vcpu_thread, &v[i]);
	}
	if (write(ready_fd, "r", 1) != 1)
		_exit(4);
	/* the VMM touches guest RAM too, from the top down */
	for (off = SOAK_RAM_SIZE / 2; ; off = off > 0x40000 ? off - 0x1000 :
						  SOAK_RAM_SIZE / 2)
		vm.ram[off] = 1;
}

/* One VMM, killed at a random moment after its guest started. */
static int kill9_once(struct soak *s, uint64_t *rnd)
{
	int p[2], st;
	struct pollfd pfd;
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (!pid) {
		close(p[0]);
		vmm_child(s, p[1], (s->irqchip_lines && soak_rnd(rnd) % 2) ?
			  HV_VM_IRQCHIP : 0);
	}
	close(p[1]);
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	/* mid-run: after the guest started, 0 to 30 ms into it */
	if (poll(&pfd, 1, 60000) == 1 && read(p[0], &c, 1) == 1)
		usleep(soak_rnd(rnd) % 30000);
	close(p[0]);
	kill(pid, SIGKILL);
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) {
		soak_fail(s, "kill -9: the VMM ended by itself (status 0x%x)",
			  st);
		return 0;
	}
	soak_add(s->st->kills, 1);
	return 0;
}

int soak_kill9_main(struct soak *s)
{
	uint64_t rnd = s->seed ^ 9;

	while (!soak_should_stop(s))
		if (kill9_once(s, &rnd)) {
			soak_fail(s, "kill -9: fork/wait: %s", strerror(errno));
			return 1;
		}
	return 0;
}

/* Create a VM with RAM and two vCPUs, run each a little, destroy it. */
int soak_cycles_main(struct soak *s)
{
	uint64_t n = 0;
	struct soak_vm vm;
	int dev, err, i, j;

	soak_thread_timer_init();
	dev = open(HV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		soak_fail(s, "cycles: open: %s", strerror(errno));
		return 1;
	}
	while (!soak_should_stop(s)) {
		err = soak_vm_create(&vm, dev, (s->irqchip_lines && (n & 1)) ?
				     HV_VM_IRQCHIP : 0);
		if (err) {
			soak_fail(s, "cycles: VM create (cycle %llu): %s",
				  (unsigned long long)n, strerror(-err));
			break;
		}
		soak_thread_timer(5000);
		for (i = 0; i < SOAK_VCPUS; i++)
			for (j = 0; j < 3; j++)
				soak_guest_step(s, &vm, i);
		soak_thread_timer(0);
		soak_vm_destroy(&vm);
		soak_add(s->st->cycles, 1);
		n++;
	}
	close(dev);
	return 0;
}
