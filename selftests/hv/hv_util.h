/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers to build VMs in the selftests: a VM with RAM, a vCPU with
 * its run structure, and the run loop's common checks. Each helper asserts
 * through the kselftest harness, so it is called from a TEST body.
 */
#ifndef HV_UTIL_H
#define HV_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hv_selftest.h"

struct hv_test_vm {
	int dev_fd;
	int vm_fd;
	int vcpu_fd;
	struct hv_run *run;
	void *ram;		/* VMM view of slot 0 */
	__u64 ram_gpa;
	__u64 ram_size;
};

static inline int hv_create_vm(int dev_fd)
{
	struct hv_vm_create args = { 0 };

	return __hv_ioctl(dev_fd, HV_CREATE_VM, &args);
}

static inline int hv_set_region(int vm_fd, __u32 slot, __u64 gpa, __u64 size,
				__u32 flags)
{
	struct hv_mem_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.size = size,
	};

	return __hv_ioctl(vm_fd, HV_SET_MEM_REGION, &r);
}

static inline int hv_create_vcpu(int vm_fd, __u32 id)
{
	struct hv_vcpu_create args = { .id = id };

	return __hv_ioctl(vm_fd, HV_CREATE_VCPU, &args);
}

static inline void *hv_map_ram(int vm_fd, __u64 gpa, __u64 size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vm_fd,
		       gpa);

	return p == MAP_FAILED ? NULL : p;
}

static inline struct hv_run *hv_map_run(int vcpu_fd)
{
	void *p = mmap(NULL, HV_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, vcpu_fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* The data of an I/O exit, in the run page. */
static inline void *hv_io_data(struct hv_run *run)
{
	return (char *)run + run->io.data_offset;
}

/*
 * A field of /proc/meminfo in KiB (e.g. "MemFree"), or -1. Guest RAM is
 * allocated on first touch, so MemFree tells how much of it exists.
 */
static inline long hv_meminfo_kb(const char *field)
{
	size_t len = strlen(field);
	char line[128];
	long kb = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			kb = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

#endif /* HV_UTIL_H */
