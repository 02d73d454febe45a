# shellcheck shell=sh
# Helpers of the steps that boot the stock Debian kernel as a guest of hv
# (an "L2" guest: the emulated host is L1). Sourced, not a step itself.
# A target needs HVT_GUEST_KERNEL=yes (the kernel in the initramfs).
#
#   l2_kernel            L2_KERNEL: the guest kernel (skips without one)
#   l2_initramfs OUT     a busybox initramfs whose /init is read from stdin
#   l2_initramfs_sh OUT  the same, /init's usual start (mounts) put first
#   l2_cmdline WORDS...  the guest's serial console on this arch, and WORDS
#   l2_filter            the L2 console, its alarm words defused (lib.sh)
#   l2_says LOG PID PAT [SECONDS]
#                        wait until LOG has a line matching PAT
#   l2_prompt LOG PID PAT [SECONDS]
#                        ... or a prompt (no newline after it)
#
# Nothing here waits on a fixed time: every wait ends as soon as the guest
# prints what is awaited or its VMM exits.

# shellcheck source=hvctl.lib.sh
. /hvtest/steps/hvctl.lib.sh
# shellcheck source=hvctl.says.lib.sh
. /hvtest/steps/hvctl.says.lib.sh

# l2_kernel: set L2_KERNEL to the guest kernel the harness put in the
# initramfs (arm64 Image or x86 bzImage); skip the step when there is none.
l2_kernel() {
	case $(uname -m) in
	aarch64) L2_KERNEL=/hv/images/linux.Image ;;
	*) L2_KERNEL=/hv/images/linux.bzImage ;;
	esac
	[ -f $L2_KERNEL ] ||
		skip "no $L2_KERNEL (a target with HVT_GUEST_KERNEL=yes has it)"
}

# l2_initramfs OUT: build the guest's initramfs in OUT (cpio newc) from this
# system's static busybox, with /proc, /sys, /dev and /tmp, and the /init
# script given on stdin. Extra files go in $L2_ROOT before it is called
# (the directory is emptied by l2_initramfs_root).
L2_ROOT=/tmp/l2root
l2_initramfs_root() {
	rm -rf $L2_ROOT
	mkdir -p $L2_ROOT/bin $L2_ROOT/proc $L2_ROOT/sys $L2_ROOT/dev $L2_ROOT/tmp
	[ -x /bin/busybox ] || skip "no /bin/busybox in the L1 initramfs"
	cp /bin/busybox $L2_ROOT/bin/busybox || fail "cannot copy busybox"
}

l2_initramfs() {
	[ -x $L2_ROOT/bin/busybox ] || l2_initramfs_root
	cat >$L2_ROOT/init || fail "cannot write the guest's /init"
	chmod 755 $L2_ROOT/init
	(cd $L2_ROOT && find . | cpio -o -H newc 2>/dev/null) >"$1" ||
		fail "cannot build the guest's initramfs"
}

# l2_initramfs_sh OUT: l2_initramfs with the start every /init here has
# (busybox's applets installed, /proc, /sys and /dev mounted) put before
# the shell lines on stdin.
l2_initramfs_sh() {
	{
		printf '%s\n' '#!/bin/busybox sh' \
			'/bin/busybox --install -s /bin' \
			'mount -t proc proc /proc' \
			'mount -t sysfs sysfs /sys' \
			'mount -t devtmpfs dev /dev'
		cat
	} >/tmp/l2init.sh || fail "cannot write the guest's /init"
	l2_initramfs "$1" </tmp/l2init.sh
}

# l2_cmdline WORDS...: the guest kernel's command line, its console on the
# serial port of this arch (PL011 on arm64, the 16550 on x86), then WORDS.
# On x86 KASLR is off (addresses in a dump match the kernel's symbols),
# and an NMI (`hvctl nmi`, sent by guest/init's vm_hung to a hung VM)
# makes the guest panic with every CPU's backtrace (panic_print=0x40):
# unknown_nmi_panic for an NMI without a source, and
# panic_on_unrecovered_nmi because hv's x86 platform has no NMI status
# port (port 0x61 reads 0xff, which Linux takes for a PCI SERR).
l2_cmdline() {
	case $(uname -m) in
	aarch64) echo "console=ttyAMA0 $*" ;;
	*) echo "console=ttyS0 nokaslr unknown_nmi_panic" \
		"sysctl.kernel.panic_on_unrecovered_nmi=1 panic_print=0x40 $*" ;;
	esac
}
