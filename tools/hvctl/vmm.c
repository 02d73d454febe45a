// SPDX-License-Identifier: GPL-2.0
/*
 * The hvctl VMM: attaches to a VM of the registry by name, gives it its
 * RAM and the image, runs the boot vCPU in a thread, and serves the guest
 * console: the UART's output goes to the console fd (the log file for a
 * background VMM, the terminal for `hvctl run`), to the clients of the
 * console socket NAME.sock, and to a ring that new clients get first;
 * their input is what the guest reads from the UART.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "vmm.h"

static volatile sig_atomic_t hvctl_vmm_sig;

static void hvctl_vmm_on_signal(int sig)
{
	(void)sig;
	hvctl_vmm_sig = 1;
}

void hvctl_vmm_log(struct hvctl_vmm *vmm, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hvctl-vmm[%s]: ", vmm->def->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* --- console ------------------------------------------------------------- */

static void hvctl_console_out(struct hvctl_vmm *vmm, uint8_t c)
{
	int i;

	pthread_mutex_lock(&vmm->lock);
	vmm->ring[vmm->ring_pos] = c;
	vmm->ring_pos = (vmm->ring_pos + 1) % HVCTL_VMM_RING;
	if (vmm->ring_len < HVCTL_VMM_RING)
		vmm->ring_len++;
	if (vmm->console_fd >= 0 && write(vmm->console_fd, &c, 1) < 0)
		vmm->console_fd = -1;
	for (i = 0; i < HVCTL_VMM_MAX_CLIENTS; i++)
		if (vmm->clients[i] >= 0 &&
		    send(vmm->clients[i], &c, 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN) {
			close(vmm->clients[i]);
			vmm->clients[i] = -1;
		}
	pthread_mutex_unlock(&vmm->lock);
}

static void hvctl_console_in(struct hvctl_vmm *vmm, const uint8_t *buf,
			     ssize_t n)
{
	pthread_mutex_lock(&vmm->lock);
	for (; n > 0; n--, buf++)
		if ((uint8_t)(vmm->rx_tail - vmm->rx_head) != 255)
			vmm->rx[vmm->rx_tail++ % 256] = *buf;
	pthread_mutex_unlock(&vmm->lock);
}

/* --- 16550 UART, registers 0-7 of the base port -------------------------- */

#define UART_LCR_DLAB	0x80

uint8_t hvctl_uart_read(struct hvctl_vmm *vmm, unsigned int reg)
{
	uint8_t val = 0, dlab = vmm->uart[3] & UART_LCR_DLAB;

	pthread_mutex_lock(&vmm->lock);
	switch (reg) {
	case 0:		/* RBR (or DLL) */
		if (dlab)
			val = vmm->uart[0];
		else if (vmm->rx_head != vmm->rx_tail)
			val = vmm->rx[vmm->rx_head++ % 256];
		break;
	case 2:		/* IIR: no interrupt pending */
		val = 0x01;
		break;
	case 5:		/* LSR: transmitter empty, data ready */
		val = 0x60 | (vmm->rx_head != vmm->rx_tail);
		break;
	case 6:		/* MSR: DCD, DSR, CTS */
		val = 0xb0;
		break;
	default:	/* IER/DLM, LCR, MCR, SCR */
		val = vmm->uart[reg];
	}
	pthread_mutex_unlock(&vmm->lock);
	return val;
}

void hvctl_uart_write(struct hvctl_vmm *vmm, unsigned int reg, uint8_t val)
{
	if (reg == 0 && !(vmm->uart[3] & UART_LCR_DLAB))
		hvctl_console_out(vmm, val);
	else if (reg != 2 && reg != 5 && reg != 6)
		vmm->uart[reg] = val;
}

/* --- memory and image ------------------------------------------------------ */

static int hvctl_vmm_copy(struct hvctl_vmm *vmm, uint64_t gpa,
			  const void *src, uint64_t len, uint64_t memsz)
{
	if (gpa > vmm->def->memory || memsz > vmm->def->memory - gpa ||
	    len > memsz) {
		hvctl_vmm_log(vmm, "the image does not fit in the guest's %llu bytes of RAM",
			      (unsigned long long)vmm->def->memory);
		return -1;
	}
	memcpy(vmm->mem + gpa, src, len);
	return 0;
}

/* Loads a flat binary at its load address, or an ELF64 at its paddrs. */
static int hvctl_vmm_load(struct hvctl_vmm *vmm, uint64_t *entry)
{
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	struct stat st;
	uint8_t *img;
	int fd, i, err = -1;

	fd = open(vmm->def->image, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		hvctl_vmm_log(vmm, "image %s: %s", vmm->def->image,
			      strerror(errno));
		return -1;
	}
	img = st.st_size ? mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)
			 : MAP_FAILED;
	close(fd);
	if (img == MAP_FAILED) {
		hvctl_vmm_log(vmm, "image %s: empty or unreadable",
			      vmm->def->image);
		return -1;
	}
	eh = (const Elf64_Ehdr *)img;
	if ((size_t)st.st_size < sizeof(*eh) ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG)) {
		uint64_t load = vmm->def->load ? vmm->def->load : 0x1000;

		*entry = vmm->def->entry ? vmm->def->entry : load;
		err = hvctl_vmm_copy(vmm, load, img, st.st_size, st.st_size);
		goto out_unmap;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phoff > (uint64_t)st.st_size ||
	    eh->e_phnum > ((uint64_t)st.st_size - eh->e_phoff) / sizeof(*ph)) {
		hvctl_vmm_log(vmm, "image %s: not an ELF64 file hvctl can load",
			      vmm->def->image);
		goto out_unmap;
	}
	ph = (const Elf64_Phdr *)(img + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_offset > (uint64_t)st.st_size ||
		    ph[i].p_filesz > (uint64_t)st.st_size - ph[i].p_offset ||
		    hvctl_vmm_copy(vmm, ph[i].p_paddr, img + ph[i].p_offset,
				   ph[i].p_filesz, ph[i].p_memsz))
			goto out_unmap;
	}
	*entry = vmm->def->entry ? vmm->def->entry : eh->e_entry;
	err = 0;
out_unmap:
	munmap(img, st.st_size);
	return err;
}

/* --- set-up ---------------------------------------------------------------- */

static int hvctl_vmm_attach(struct hvctl_vmm *vmm)
{
	struct hv_vm_attach a;
	struct hv_mem_region r = { 0 };
	struct hv_vcpu_create vc = { 0 };

	vmm->dev = hvctl_open_dev();
	if (vmm->dev < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", vmm->def->name);
	vmm->vm = ioctl(vmm->dev, HV_ATTACH_VM, &a);
	if (vmm->vm < 0) {
		hvctl_err(errno == EBUSY ? "start %s: the VM is running already" :
			  errno == ENOENT ? "start %s: no such VM" :
			  errno == EPERM ? "start %s: permission denied (not the VM's owner)" :
			  "start %s: cannot attach to the VM", vmm->def->name);
		return -1;
	}
	r.size = vmm->def->memory;
	if (ioctl(vmm->vm, HV_SET_MEM_REGION, &r)) {
		hvctl_err("start %s: cannot give the VM %llu bytes of RAM: %s",
			  vmm->def->name, (unsigned long long)r.size,
			  strerror(errno));
		return -1;
	}
	vmm->mem = mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			vmm->vm, 0);
	vmm->vcpu = ioctl(vmm->vm, HV_CREATE_VCPU, &vc);
	if (vmm->mem == MAP_FAILED || vmm->vcpu < 0) {
		hvctl_err("start %s: %s", vmm->def->name, strerror(errno));
		return -1;
	}
	vmm->run = mmap(NULL, HV_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
			MAP_SHARED, vmm->vcpu, 0);
	if (vmm->run == MAP_FAILED) {
		hvctl_err("start %s: %s", vmm->def->name, strerror(errno));
		return -1;
	}
	return 0;
}

static int hvctl_vmm_listen(struct hvctl_vmm *vmm)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[PATH_MAX];

	hvctl_state_path(vmm->def->name, "sock", path, sizeof(path));
	if (strlen(path) >= sizeof(sa.sun_path)) {
		hvctl_err("the console socket path %s is too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	vmm->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (vmm->listen_fd < 0 ||
	    bind(vmm->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(vmm->listen_fd, 4)) {
		hvctl_err("console socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* --- the vCPU thread ------------------------------------------------------- */

static int hvctl_vmm_exit(struct hvctl_vmm *vmm)
{
	struct hv_run *run = vmm->run;

	switch (run->exit_reason) {
	case HV_EXIT_INTR:
	case HV_EXIT_IRQ_WINDOW:
		return 1;
	case HV_EXIT_HLT:
		usleep(10000);
		return 1;
	case HV_EXIT_SYSTEM_EVENT:
		if (run->system_event.type == HV_SYSTEM_EVENT_STOP_REQUEST) {
			hvctl_vmm_log(vmm, "stop requested: telling the guest");
			vmm->stop_requested = 1;
			return 1;
		}
		if (run->system_event.type == HV_SYSTEM_EVENT_STOPPED) {
			hvctl_vmm_log(vmm, "stopped by force");
			return 0;
		}
		vmm->stop_reason = HV_STOP_GUEST_POWEROFF;
		return 0;
	case HV_EXIT_MEM_QUOTA:
		if (!vmm->quota_logged++)
			hvctl_vmm_log(vmm, "memory quota reached: %llu of %llu bytes used, guest access at 0x%llx waits until the quota grows",
				      (unsigned long long)run->mem_quota.used,
				      (unsigned long long)run->mem_quota.quota,
				      (unsigned long long)run->mem_quota.gpa);
		usleep(200000);
		return 1;
	case HV_EXIT_HYPERCALL:
		run->hypercall.ret = -1ULL;
		return 1;
	case HV_EXIT_MMIO:
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
		return 1;
	default:
		return hvctl_arch_exit(vmm);
	}
}

static void *hvctl_vcpu_thread(void *arg)
{
	struct hvctl_vmm *vmm = arg;

	while (!vmm->done && !hvctl_vmm_sig) {
		if (ioctl(vmm->vcpu, HV_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			hvctl_vmm_log(vmm, "HV_RUN: %s", strerror(errno));
			break;
		}
		if (!hvctl_vmm_exit(vmm))
			break;
	}
	vmm->done = 1;
	if (write(vmm->wake[1], "x", 1) < 0)
		hvctl_vmm_log(vmm, "wake: %s", strerror(errno));
	return NULL;
}

/* --- the main loop: console clients and input ------------------------------ */

static void hvctl_vmm_accept(struct hvctl_vmm *vmm)
{
	int fd = accept4(vmm->listen_fd, NULL, NULL, SOCK_CLOEXEC), i;
	size_t start, n;

	if (fd < 0)
		return;
	pthread_mutex_lock(&vmm->lock);
	for (i = 0; i < HVCTL_VMM_MAX_CLIENTS && vmm->clients[i] >= 0; i++)
		;
	if (i == HVCTL_VMM_MAX_CLIENTS) {
		pthread_mutex_unlock(&vmm->lock);
		close(fd);
		return;
	}
	/* the recent output first, in order */
	start = (vmm->ring_pos + HVCTL_VMM_RING - vmm->ring_len) % HVCTL_VMM_RING;
	n = vmm->ring_len;
	if (start + n > HVCTL_VMM_RING) {
		n = HVCTL_VMM_RING - start;
		if (send(fd, vmm->ring + start, n, MSG_NOSIGNAL) < 0)
			n = 0;
		start = 0;
		n = vmm->ring_len - n;
	}
	if (send(fd, vmm->ring + start, n, MSG_NOSIGNAL) < 0)
		n = 0;
	vmm->clients[i] = fd;
	pthread_mutex_unlock(&vmm->lock);
}

static void hvctl_vmm_loop(struct hvctl_vmm *vmm)
{
	struct pollfd pfd[3 + HVCTL_VMM_MAX_CLIENTS];
	uint8_t buf[256];
	ssize_t n;
	int i, nfd;

	while (!vmm->done) {
		pfd[0] = (struct pollfd){ .fd = vmm->wake[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = vmm->listen_fd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = vmm->input_fd, .events = POLLIN };
		nfd = 3;
		pthread_mutex_lock(&vmm->lock);
		for (i = 0; i < HVCTL_VMM_MAX_CLIENTS; i++)
			pfd[nfd++] = (struct pollfd){ .fd = vmm->clients[i],
						      .events = POLLIN };
		pthread_mutex_unlock(&vmm->lock);
		if (poll(pfd, nfd, -1) < 0) {
			if (hvctl_vmm_sig)
				break;
			continue;
		}
		if (pfd[0].revents)
			break;
		if (pfd[1].revents & POLLIN)
			hvctl_vmm_accept(vmm);
		if (pfd[2].revents) {
			n = read(vmm->input_fd, buf, sizeof(buf));
			/* Ctrl-] on a terminal ends `hvctl run` */
			if (n > 0 && isatty(vmm->input_fd) && memchr(buf, 0x1d, n))
				break;
			if (n > 0)
				hvctl_console_in(vmm, buf, n);
			else
				vmm->input_fd = -1;
		}
		for (i = 3; i < nfd; i++) {
			if (!pfd[i].revents)
				continue;
			n = recv(pfd[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n > 0) {
				hvctl_console_in(vmm, buf, n);
				continue;
			}
			pthread_mutex_lock(&vmm->lock);
			if (vmm->clients[i - 3] == pfd[i].fd) {
				close(pfd[i].fd);
				vmm->clients[i - 3] = -1;
			}
			pthread_mutex_unlock(&vmm->lock);
		}
	}
	vmm->done = 1;
	pthread_kill(vmm->vcpu_thread, SIGUSR1);
	pthread_join(vmm->vcpu_thread, NULL);
}

static void hvctl_vmm_signals(void)
{
	struct sigaction sa = { .sa_handler = hvctl_vmm_on_signal };

	/* no SA_RESTART: HV_RUN and poll() return EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = hvctl_vmm_on_signal;
	sigaction(SIGUSR1, &sa, NULL);
}

int hvctl_vmm_run(const struct hvctl_def *def, int console_fd, int input_fd)
{
	struct hvctl_vmm vmm = {
		.def = def, .dev = -1, .vm = -1, .vcpu = -1, .listen_fd = -1,
		.console_fd = console_fd, .input_fd = input_fd,
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct termios saved, raw;
	int i, tty = input_fd >= 0 && isatty(input_fd), ret = 1;
	struct hv_stop_report rep = { 0 };
	char path[PATH_MAX];
	uint64_t entry;

	for (i = 0; i < HVCTL_VMM_MAX_CLIENTS; i++)
		vmm.clients[i] = -1;
	hvctl_vmm_signals();
	if (hvctl_vmm_attach(&vmm) || hvctl_vmm_load(&vmm, &entry) ||
	    hvctl_arch_vcpu_setup(&vmm, entry) || hvctl_vmm_listen(&vmm) ||
	    pipe2(vmm.wake, O_CLOEXEC))
		goto out;
	hvctl_vmm_log(&vmm, "running %s (entry 0x%llx), console %s.sock",
		      def->image, (unsigned long long)entry, def->name);
	if (tty) {
		tcgetattr(input_fd, &saved);
		raw = saved;
		cfmakeraw(&raw);
		raw.c_oflag |= OPOST;
		tcsetattr(input_fd, TCSANOW, &raw);
	}
	if (pthread_create(&vmm.vcpu_thread, NULL, hvctl_vcpu_thread, &vmm)) {
		hvctl_err("cannot start the vCPU thread");
		goto out;
	}
	hvctl_vmm_loop(&vmm);
	if (tty)
		tcsetattr(input_fd, TCSANOW, &saved);
	if (vmm.stop_reason) {
		rep.reason = vmm.stop_reason;
		ioctl(vmm.vm, HV_REPORT_STOP, &rep);
		hvctl_vmm_log(&vmm, "the guest %s", vmm.stop_reason ==
			      HV_STOP_GUEST_POWEROFF ? "powered off" : "shut down");
	}
	ret = 0;
out:
	if (vmm.listen_fd >= 0) {
		hvctl_state_path(def->name, "sock", path, sizeof(path));
		unlink(path);
	}
	/* closing the VM's files tells the registry the VM stopped */
	if (vmm.run && vmm.run != MAP_FAILED)
		munmap(vmm.run, HV_RUN_MMAP_SIZE);
	if (vmm.mem && vmm.mem != MAP_FAILED)
		munmap(vmm.mem, def->memory);
	if (vmm.vcpu >= 0)
		close(vmm.vcpu);
	if (vmm.vm >= 0)
		close(vmm.vm);
	if (vmm.dev >= 0)
		close(vmm.dev);
	return ret;
}
