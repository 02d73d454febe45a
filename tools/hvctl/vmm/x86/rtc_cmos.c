// SPDX-License-Identifier: GPL-2.0
/*
 * A read-only MC146818 real-time clock at ports 0x70 (index) and 0x71
 * (data): the host's UTC time in BCD, 24-hour mode, never "update in
 * progress". Linux on x86 reads the wall clock from it early
 * (mach_get_cmos_time()) whatever the FADT says, and without it waits a
 * whole second for the update-in-progress bit (register A bit 7) of a port
 * that reads all ones, then logs "Unable to read current time from RTC".
 * Writes (the index aside) are ignored; the FADT's "no CMOS RTC" boot flag
 * keeps the rtc_cmos driver, which would want interrupts and alarms, away.
 * Registers: the MC146818A data sheet; 0x32 is the PC's century byte.
 */
#include <time.h>

#include "vmm.h"

#define RTC_REG_A	0x0a	/* bit 7: update in progress */
#define RTC_REG_B	0x0b	/* bit 1: 24-hour, bit 2: binary (0: BCD) */
#define RTC_REG_D	0x0d	/* bit 7: the clock's battery is good */
#define RTC_CENTURY	0x32

static uint8_t bcd(unsigned int v)
{
	return (v / 10) << 4 | v % 10;
}

static uint8_t hvctl_rtc_reg(uint8_t reg)
{
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	switch (reg) {
	case 0x00: return bcd(tm.tm_sec);
	case 0x02: return bcd(tm.tm_min);
	case 0x04: return bcd(tm.tm_hour);
	case 0x06: return bcd(tm.tm_wday + 1);
	case 0x07: return bcd(tm.tm_mday);
	case 0x08: return bcd(tm.tm_mon + 1);
	case 0x09: return bcd(tm.tm_year % 100);
	case RTC_CENTURY: return bcd((tm.tm_year + 1900) / 100);
	case RTC_REG_A: return 0x26;	/* 32.768 kHz, 1024 Hz; no update */
	case RTC_REG_B: return 0x02;
	case RTC_REG_D: return 0x80;
	default: return 0;
	}
}

uint8_t hvctl_rtc_read(struct hvctl_vmm *vmm, unsigned int port)
{
	if (port == HVCTL_RTC_INDEX_PORT)
		return 0xff;
	return hvctl_rtc_reg(vmm->arch.rtc_index);
}

void hvctl_rtc_write(struct hvctl_vmm *vmm, unsigned int port, uint8_t val)
{
	/* bit 7 of the index is the NMI mask of a PC: not ours */
	if (port == HVCTL_RTC_INDEX_PORT)
		vmm->arch.rtc_index = val & 0x7f;
}
