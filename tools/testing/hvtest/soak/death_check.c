// SPDX-License-Identifier: GPL-2.0
/*
 * death-check (soak.sh's host step death_report; not part of hv-soak): a
 * forked "ioctl worker" with hv-soak's fatal signal handlers notes a call
 * and faults at 0x1234; the controller's code must then name the signal,
 * the address and the call, and fail workers_alive. Built from hv-soak's
 * own files (their static functions are what is tested), without hv.
 */
#define main soak_real_main
#include "soak_main.c"
#undef main
#include "soak_ioctl.c"

#include <sys/wait.h>

int main(void)
{
	static struct soak s;
	unsigned char arg[SOAK_LAST_HEAD] = { 0x00, 0x10, 0x3c, 0x8a };
	void *shared;
	int st;
	pid_t p;

	shared = mmap(NULL, sizeof(*s.st) + W_NR * sizeof(*fail_by_worker),
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 2;
	s.st = shared;
	fail_by_worker = (uint64_t *)(s.st + 1);
	p = fork();
	if (!p) {
		fatal_st = s.st;
		if (fatal_handlers() || !altstack_new())
			_exit(3);
		take_slot(1);
		soak_note(14, HV_GET_FPU, (unsigned long)arg, SHAPE_NEARLY, 0, arg);
		*(volatile int *)0x1234 = 1;
		_exit(0);
	}
	if (waitpid(p, &st, 0) != p || !WIFSIGNALED(st))
		return 2;
	worker_sig[W_IOCTL] = WTERMSIG(st);
	worker_sig_at[W_IOCTL] = 95;
	worker_died(&s, W_IOCTL);
	report(&s, 0, 0, 0, 1, 0);
	return 0;
}
