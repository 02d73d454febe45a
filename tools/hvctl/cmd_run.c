// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl start, run, console: running VMs with the hvctl VMM.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netlink/genl/genl.h>
#include <linux/hv_genl.h>

#include "hvctl.h"

/* Makes sure the kernel has the definition (re-made after a reload). */
static int hvctl_ensure_defined(const struct hvctl_def *def)
{
	struct hvctl_vminfo vi;
	struct hvctl_nl nl;
	unsigned int i, io_mask = 0;
	struct nl_msg *msg;
	int err;

	/* the I/O quotas it has only: a module without them refuses any */
	for (i = 0; i < HVCTL_IO_NR_QUOTAS; i++)
		if (def->io_quota[i])
			io_mask |= 1U << i;
	if (hvctl_nl_open(&nl))
		return -1;
	err = hvctl_vm_get(&nl, def->name, &vi);
	if (err == -ENOENT) {
		msg = hvctl_nl_msg(&nl, HV_CMD_VM_CREATE, 0, def->name);
		if (msg) {
			nla_put_u32(msg, HV_A_VM_VCPUS, def->vcpus);
			nla_put_u64(msg, HV_A_VM_MEM_SIZE, def->memory);
			nla_put_u64(msg, HV_A_VM_MEM_QUOTA, def->mem_quota);
			nla_put_u32(msg, HV_A_VM_CPU_QUOTA, def->cpu_quota);
			hvctl_io_put(msg, def->io_quota, io_mask);
		}
		err = hvctl_nl_call(&nl, msg, NULL, NULL);
	} else if (!err && (vi.state == HV_VM_STATE_RUNNING ||
			    vi.state == HV_VM_STATE_PAUSED)) {
		hvctl_err("start %s: the VM is running already", def->name);
		hvctl_nl_close(&nl);
		return -1;
	}
	if (err)
		hvctl_nl_perror("start", def->name, err);
	hvctl_nl_close(&nl);
	return err ? -1 : 0;
}

static int hvctl_load_def(const char *name, struct hvctl_def *def)
{
	int err = hvctl_def_load(name, def);

	if (err == -ENOENT)
		hvctl_err("no VM named '%s' in %s (hvctl create first)", name,
			  hvctl_state_dir());
	else if (err && err != -EINVAL)
		hvctl_err("cannot read the definition of %s: %s", name,
			  strerror(-err));
	return err;
}

/* The last line of @path, to explain a VMM that failed to start. */
static void hvctl_last_line(const char *path, char *last, size_t len)
{
	char line[512];
	FILE *f = fopen(path, "r");

	last[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0])
			snprintf(last, len, "%s",
				 strncmp(line, "hvctl: ", 7) ? line : line + 7);
	}
	fclose(f);
}

int hvctl_cmd_start(int argc, char **argv)
{
	char log[PATH_MAX], pidf[PATH_MAX], why[512];
	struct hvctl_vminfo vi;
	struct hvctl_def def;
	struct hvctl_nl nl;
	int fd, st, waited;
	FILE *f;
	pid_t pid;

	if (argc != 2) {
		hvctl_err("start needs one VM name");
		return 2;
	}
	if (hvctl_load_def(argv[1], &def) || hvctl_ensure_defined(&def))
		return 1;
	/* the one error most likely, said here rather than in the log */
	fd = hvctl_open_dev();
	if (fd < 0)
		return 1;
	close(fd);
	hvctl_state_path(def.name, "log", log, sizeof(log));
	hvctl_state_path(def.name, "pid", pidf, sizeof(pidf));
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0) {
		hvctl_err("log %s: %s", log, strerror(errno));
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		hvctl_err("fork: %s", strerror(errno));
		return 1;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		setsid();
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		_exit(hvctl_vmm_run(&def, 1, -1, NULL));
	}
	close(fd);
	f = fopen(pidf, "w");
	if (f) {
		fprintf(f, "%d\n", pid);
		fclose(f);
	}
	/* running once the registry says so; a VMM that exits failed */
	if (hvctl_nl_open(&nl))
		return 1;
	for (waited = 0; waited < 20000; waited += 50) {
		if (!hvctl_vm_get(&nl, def.name, &vi) &&
		    (vi.state == HV_VM_STATE_RUNNING) && vi.vmm_pid == (uint32_t)pid)
			break;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			hvctl_nl_close(&nl);
			unlink(pidf);
			/* exit status 0: the VM ran, and stopped before we looked */
			if (WIFEXITED(st) && !WEXITSTATUS(st)) {
				printf("started %s, stopped already (hvctl info %s, log %s)\n",
				       def.name, def.name, log);
				return 0;
			}
			hvctl_last_line(log, why, sizeof(why));
			hvctl_err("start %s: the VMM failed: %s (log %s)",
				  def.name, why[0] ? why : "no reason logged",
				  log);
			return 1;
		}
		usleep(50000);
	}
	hvctl_nl_close(&nl);
	printf("started %s (VMM pid %d, console: hvctl console %s, log %s)\n",
	       def.name, pid, def.name, log);
	return 0;
}

int hvctl_cmd_run(int argc, char **argv)
{
	struct hvctl_def def;
	struct hvctl_nl nl;
	int ret, guest_status;
	char name[40];

	/* run NAME [create options]: a transient VM, gone when it stops */
	if (hvctl_cmd_create(argc, argv))
		return 1;
	/* create's getopt_long left the name at argv[optind] */
	snprintf(name, sizeof(name), "%s", argv[optind]);
	if (hvctl_load_def(name, &def))
		return 1;
	ret = hvctl_vmm_run(&def, 1, 0, &guest_status);
	if (!hvctl_nl_open(&nl)) {
		hvctl_vm_simple(&nl, HV_CMD_VM_DESTROY, name, 0);
		hvctl_nl_close(&nl);
	}
	hvctl_def_remove(name);
	/* a test kernel's verdict, as QEMU's isa-debug-exit gives it */
	return !ret && guest_status >= 0 ? guest_status : ret;
}

/*
 * The console client: the VM's output to stdout, stdin to the VM. Input
 * waits in @pend while the VMM holds it back (its queue for the guest's
 * UART is full): the output keeps flowing meanwhile, so that a paste
 * whose echo fills the socket cannot stall both ways.
 */
int hvctl_cmd_console(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096], pend[4096];
	struct pollfd pfd[2];
	size_t npend = 0;
	int fd, in = 0;
	ssize_t n;

	if (argc != 2) {
		hvctl_err("console needs one VM name");
		return 2;
	}
	hvctl_state_path(argv[1], "sock", sa.sun_path, sizeof(sa.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		hvctl_err(errno == ENOENT || errno == ECONNREFUSED ?
			  "console %s: the VM is not running (no console socket)" :
			  "console %s: cannot connect to the console socket",
			  argv[1]);
		return 1;
	}
	if (isatty(0))
		fprintf(stderr, "hvctl: console of %s; Ctrl-] to leave\n",
			argv[1]);
	for (;;) {
		pfd[0] = (struct pollfd){
			.fd = fd, .events = POLLIN | (npend ? POLLOUT : 0),
		};
		pfd[1] = (struct pollfd){
			.fd = in || npend ? -1 : 0, .events = POLLIN,
		};
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0 || write(1, buf, n) != n)
				break;
		}
		if (npend && (pfd[0].revents & POLLOUT)) {
			n = send(fd, pend, npend, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				break;
			if (n > 0) {
				npend -= n;
				memmove(pend, pend + n, npend);
			}
		}
		if (pfd[1].revents) {
			n = read(0, pend, sizeof(pend));
			if (n <= 0) {
				in = 1;		/* EOF: keep showing output */
				continue;
			}
			if (isatty(0) && memchr(pend, 0x1d, n))
				break;
			npend = n;
		}
	}
	close(fd);
	return 0;
}
