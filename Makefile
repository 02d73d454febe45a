# SPDX-License-Identifier: GPL-2.0
#
# hv: build, test and demo entry points. `make help` lists them.
#
# Kernel objects are built out of the source tree, in build/kmod/<headers>/
# (a tree of symlinks to Kbuild, module/ and uapi/), so that x86-64 and
# arm64 builds of several kernels coexist and the sources stay clean.

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := all

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
HVTEST := $(TOP)/tools/testing/hvtest
BUILD := $(TOP)/build

# Pinned kernel versions live in one place: tools/testing/hvtest/versions.env.
pinned = $(shell REPO=$(TOP) && . $(HVTEST)/versions.env && echo "$$$(1)")

# ARCH follows the kernel's names; aarch64 and x86 are accepted too.
ARCH ?= $(shell uname -m)
HV_ARCH := $(patsubst aarch64,arm64,$(patsubst x86,x86_64,$(ARCH)))
ifeq ($(filter $(HV_ARCH),x86_64 arm64),)
$(error ARCH=$(ARCH) is not supported: use x86_64 or arm64)
endif
NATIVE_ARCH := $(patsubst aarch64,arm64,$(shell uname -m))

ifeq ($(HV_ARCH),arm64)
KMAKE_ARCH := ARCH=arm64
PINNED_KDIR = $(call pinned,KDIR_ARM64)
else
KMAKE_ARCH := ARCH=x86_64
PINNED_KDIR = $(call pinned,KDIR_X86)
endif
ifneq ($(HV_ARCH),$(NATIVE_ARCH))
CROSS_COMPILE ?= aarch64-linux-gnu-
KMAKE_ARCH += CROSS_COMPILE=$(CROSS_COMPILE)
endif
UCC := $(CROSS_COMPILE)gcc

# The running kernel's headers when they exist (a workstation), else the
# pinned Debian 6.12 headers the emulators boot.
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifeq ($(HV_ARCH)$(wildcard $(RUNNING_KDIR)/Makefile),$(NATIVE_ARCH)$(RUNNING_KDIR)/Makefile)
KDIR ?= $(RUNNING_KDIR)
else
KDIR ?= $(PINNED_KDIR)
endif

kmod_dir = $(BUILD)/kmod/$(notdir $(realpath $(1)))$(2)

# $(call kbuild,KDIR,OUTDIR,EXTRA_ARGS): build hv.ko in OUTDIR.
define kbuild
	@test -f $(1)/Makefile || { echo "no kernel headers at $(1): run 'make setup'" >&2; exit 1; }
	@mkdir -p $(2)
	@cd $(2) && cp -rsf $(TOP)/Kbuild $(TOP)/module $(TOP)/uapi .
	$(MAKE) -C $(1) M=$(2) $(KMAKE_ARCH) $(3) modules
endef

.PHONY: hvctl-vnc
.PHONY: all help setup module hvctl hvbench selftests artifacts compile-check \
	sparse checkpatch check bench bench-x86-vmx bench-arm64-el2 demo clean

all: module hvctl

help:
	@echo "make               hv.ko for KDIR (running kernel, else pinned 6.12) and hvctl"
	@echo "make setup         install every Debian package and cache the pinned kernels"
	@echo "make check         all tests: compile checks, x86-novmx, arm64-el2, x86-vmx"
	@echo "make check TARGET=arm64-el2 T=hv_dev   one target, tests whose name matches"
	@echo "make check-debug   arm64-el2 on a KASAN/lockdep/kmemleak kernel (builds it once)"
	@echo "make soak [SOAK_MINUTES=N]   hostile inputs for N minutes on the debug kernel"
	@echo "make demo [DEMO=arm64|x86|scenario]   a Linux guest of hv answering on its console (ARCH=x86_64: DEMO=x86)"
	@echo "make bench         hv and KVM side by side (build/results/bench-{x86-vmx,arm64-el2}.json)"
	@echo "make bench BENCH=arm64-el2   one of them"
	@echo "make artifacts ARCH=x86_64|arm64   hv.ko, hvctl, selftests into build/ARCH/"
	@echo "make compile-check KDIR=... [ARCH=arm64]   W=1 build, fails on any warning"
	@echo "make sparse | make checkpatch   kernel static checks"

setup:
	$(HVTEST)/setup.sh

module:
	$(call kbuild,$(KDIR),$(call kmod_dir,$(KDIR)))
	@echo "built $(call kmod_dir,$(KDIR))/hv.ko"

hvctl:
	$(MAKE) -C $(TOP)/tools/hvctl O=$(BUILD)/$(HV_ARCH) CC=$(UCC)

# Built from scratch: a binary left from a renamed test must not run.
selftests:
	rm -rf $(BUILD)/$(HV_ARCH)/selftests
	$(MAKE) -C $(TOP)/selftests/hv OUTPUT=$(BUILD)/$(HV_ARCH)/selftests CC=$(UCC) \
		HV_UAPI=$(TOP)/uapi KSFT_DIR=$(KSFT_DIR)

# hvctl with --vnc (LibVNCServer, dynamically linked: Debian has no static
# one) for the emulators' step hvctl.linux-vnc; run.sh adds its libraries
hvctl-vnc:
	$(MAKE) -C $(TOP)/tools/hvctl O=$(BUILD)/$(HV_ARCH)/vnc CC=$(UCC) VNC=1 STATIC=0

hvbench:
	$(MAKE) -C $(TOP)/tools/hvbench O=$(BUILD)/$(HV_ARCH) CC=$(UCC)

# What the emulator targets boot with: the module for the pinned kernel,
# static hvctl and static selftests.
artifacts: KDIR := $(PINNED_KDIR)
artifacts: hvctl hvctl-vnc selftests hvbench
	$(MAKE) -C $(HVTEST)/guest/images O=$(BUILD)/$(HV_ARCH)/images \
		IMAGE_ARCH=$(HV_ARCH) CC=$(UCC)
	$(call kbuild,$(KDIR),$(call kmod_dir,$(KDIR)))
	$(CROSS_COMPILE)strip --strip-debug -o $(BUILD)/$(HV_ARCH)/hv.ko \
		$(call kmod_dir,$(KDIR))/hv.ko

# A clean W=1 build in its own directory: every file is compiled and any
# warning fails the check.
compile-check:
	@rm -rf $(call kmod_dir,$(KDIR),-w1)
	$(call kbuild,$(KDIR),$(call kmod_dir,$(KDIR),-w1),W=1) 2>&1 | \
		tee $(call kmod_dir,$(KDIR),-w1).log
	@! grep -E 'warning:|error:|ERROR:|\*\*\*' $(call kmod_dir,$(KDIR),-w1).log || \
		{ echo "compile-check: warnings with $(KDIR)" >&2; exit 1; }

sparse:
	@rm -rf $(call kmod_dir,$(KDIR),-sparse)
	$(call kbuild,$(KDIR),$(call kmod_dir,$(KDIR),-sparse),C=2) 2>&1 | \
		tee $(call kmod_dir,$(KDIR),-sparse).log
	@! grep -E 'warning:|error:|ERROR:|\*\*\*' $(call kmod_dir,$(KDIR),-sparse).log || \
		{ echo "sparse: warnings with $(KDIR)" >&2; exit 1; }

CHECKPATCH = $(call pinned,CHECKPATCH)
KSFT_DIR ?= $(call pinned,KSFT_DIR)
KERNEL_SOURCES = $(shell cd $(TOP) && find module uapi -name '*.[chS]' | sort)

checkpatch:
	@test -f "$(CHECKPATCH)" || { echo "checkpatch.pl not found: run 'make setup'" >&2; exit 1; }
	@mkdir -p $(BUILD)
	cd $(TOP) && perl $(CHECKPATCH) --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES -f $(KERNEL_SOURCES) | tee $(BUILD)/checkpatch.log
	@! grep -E ': (ERROR|WARNING|CHECK):' $(BUILD)/checkpatch.log

check:
	$(HVTEST)/check.sh

# arm64-el2 on a sanitizer kernel (KASAN, lockdep, kmemleak, ...) built once
# per machine: not part of "check" (Documentation/reliability.rst says why).
.PHONY: check-debug
check-debug:
	$(HVTEST)/check-debug.sh

# The soak (Documentation/reliability.rst): hostile inputs from several
# processes for SOAK_MINUTES minutes (default 40) on the sanitizer kernel;
# SOAK_TARGET=x86-vmx-soak runs it on the stock kernel in Bochs instead
# (that one does not finish yet: reliability.rst).
# Not part of "check".
SOAK_TARGET ?= arm64-el2-soak
.PHONY: soak
soak:
	$(if $(SOAK_MINUTES),SOAK_MINUTES=$(SOAK_MINUTES)) $(HVTEST)/soak.sh $(SOAK_TARGET)

# hv and KVM side by side (not a pass/fail test), one target after the
# other: the emulators would compete for the CPUs.
BENCH ?= x86-vmx arm64-el2
bench:
	$(HVTEST)/setup.sh
	for t in $(BENCH); do $(MAKE) bench-$$t; done

# x86: one Bochs boot runs hv, then KVM, then the report.
bench-x86-vmx:
	$(MAKE) artifacts ARCH=x86_64
	$(HVTEST)/run.sh x86-vmx-bench
	$(TOP)/tools/hvbench/collect.sh $(BUILD)/results/x86-vmx-bench.log x86-vmx

# arm64: KVM owns EL2 from boot or never, so hv runs in a boot with
# kvm-arm.mode=none and KVM in a default one; an hvbench built for this
# host merges their rows.
bench-arm64-el2:
	$(MAKE) artifacts ARCH=arm64
	$(MAKE) -C $(TOP)/tools/hvbench O=$(BUILD)/host CC=gcc
	$(HVTEST)/run.sh arm64-el2-bench-hv
	$(HVTEST)/run.sh arm64-el2-bench-kvm
	$(TOP)/tools/hvbench/collect.sh --merge $(BUILD)/host/hvbench \
		$(BUILD)/results/arm64-el2-bench-hv.log \
		$(BUILD)/results/arm64-el2-bench-kvm.log arm64-el2

# make demo: the stock Debian kernel as a guest of hv, booted to a shell
# that answers on its console. On arm64 (QEMU, about a minute) by default,
# whatever the workstation: both arches run in an emulator here (the x86
# one needs VT-x, which Bochs provides), and QEMU is the fast one. On x86
# (DEMO=x86, or `make demo ARCH=x86_64`) Bochs needs about 5 minutes for
# the same; DEMO=scenario shows the small scenario guest on x86 VT-x.
DEMO ?= $(if $(filter command line,$(origin ARCH)),$(if $(filter x86_64,$(ARCH)),x86,arm64),arm64)
demo_arch_arm64 := arm64
demo_target_arm64 := arm64-el2-linux
demo_arch_x86 := x86_64
demo_target_x86 := x86-vmx-linux
demo_arch_scenario := x86_64
demo_target_scenario := x86-vmx

demo:
	$(HVTEST)/setup.sh
	$(MAKE) artifacts ARCH=$(demo_arch_$(DEMO))
	$(HVTEST)/run.sh $(demo_target_$(DEMO)) --demo

clean:
	rm -rf $(BUILD)
