# shellcheck shell=bash
# The debug kernel's artifacts, shared by check-debug.sh and soak.sh.
# Sourced after lib/common.sh.

DEBUG_ART=$REPO/build/arm64-debug

# The artifacts of build/arm64 (userspace is the same for both kernels)
# with hv.ko rebuilt against the debug kernel: a stock hv.ko would not load
# (vermagic), and build/arm64 stays what the stock targets boot.
debug_artifacts() {
	local kdir
	kdir=$("$HVTEST_DIR/debug-kernel.sh" --dir arm64)/build
	make -C "$REPO" artifacts ARCH=arm64
	make -C "$REPO" module ARCH=arm64 KDIR="$kdir"
	rm -rf "$DEBUG_ART"
	cp -a "$REPO/build/arm64" "$DEBUG_ART"
	# The Makefile's kmod_dir: build/kmod/<basename of the real KDIR>.
	aarch64-linux-gnu-strip --strip-debug -o "$DEBUG_ART/hv.ko" \
		"$REPO/build/kmod/$(basename "$(realpath "$kdir")")/hv.ko"
	modinfo -F vermagic "$DEBUG_ART/hv.ko"
	grep -q -- -hvdebug <(modinfo -F vermagic "$DEBUG_ART/hv.ko")
}
