// SPDX-License-Identifier: GPL-2.0
/*
 * hvtest-drain [TTY]: return once every byte written to TTY (default
 * /dev/console) has left the UART, so that /init can power off without
 * losing the end of the console log.
 *
 * Two waits, because neither is enough alone (Linux 6.12):
 *  - tcdrain() (TCSBRK with a non-zero argument) waits without a time
 *    limit until the tty layer's transmit buffer is empty, then calls
 *    uart_wait_until_sent(), which polls the driver's tx_empty() but gives
 *    up after twice the estimated FIFO drain time (serial_core.c). The
 *    bytes still in the FIFO then are the last ones: "HVTEST-END".
 *  - TIOCSERGETLSR reports TIOCSER_TEMT from the same tx_empty() (8250:
 *    LSR THRE and TEMT; PL011: FR neither BUSY nor TXFF) and also says "not
 *    empty" while a byte is about to be loaded (uart_get_lsr_info()). It
 *    is polled here until the transmitter really is empty, with no time
 *    limit of its own: the host's limit on the whole run bounds it.
 * Both look at state, not at a clock, so a slow host or a slow emulated
 * baud rate only makes the wait longer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

/* Checking every 10 ms of guest time costs nothing next to a 4 s dump. */
static const struct timespec poll_interval = { .tv_nsec = 10 * 1000 * 1000 };

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/console";
	unsigned int lsr;
	int fd;

	fd = open(path, O_WRONLY | O_NOCTTY);
	if (fd < 0) {
		fprintf(stderr, "hvtest-drain: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (tcdrain(fd)) {
		fprintf(stderr, "hvtest-drain: tcdrain: %s\n", strerror(errno));
		return 1;
	}
	for (;;) {
		if (ioctl(fd, TIOCSERGETLSR, &lsr)) {
			/* Not a serial_core port: tcdrain() was all there is. */
			if (errno == ENOTTY || errno == EINVAL)
				break;
			fprintf(stderr, "hvtest-drain: TIOCSERGETLSR: %s\n", strerror(errno));
			return 1;
		}
		if (lsr & TIOCSER_TEMT)
			break;
		nanosleep(&poll_interval, NULL);
	}
	close(fd);
	return 0;
}
