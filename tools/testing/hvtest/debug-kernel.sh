#!/bin/bash
# debug-kernel.sh [--dir] ARCH: build (once per machine) the sanitizer kernel
# the *-debug targets boot, and print the directory that holds it:
#   DIR/Image    the kernel QEMU boots (arm64)
#   DIR/build    its kbuild output tree: KDIR for hv.ko
#   DIR/time.txt wall and CPU time of the build (/usr/bin/time -v, one
#                block per run of make)
#
# The kernel is Debian's linux-source-6.12 with the config fragment
# debug-kernel/ARCH.config merged onto allnoconfig. It is cached under
# $HV_DEBUG_KERNEL_CACHE (default /var/cache/hv-debug-kernel, outside the
# clone, so every clone and CI run on the machine share it) in a directory
# named after a hash of everything that decides its contents: the fragment's
# options, the source package version, the compiler version and DK_VERSION.
# Any change to one of them builds a new kernel; otherwise nothing is done.
# A lock serialises concurrent callers; an interrupted build resumes.
#
# The build runs under "nice -n 19" (HV_DEBUG_KERNEL_NICE) so that it only
# takes idle CPU, with HV_DEBUG_KERNEL_JOBS jobs (default: all CPUs).
# --dir only prints DIR, and fails when that kernel is not built yet.
set -euo pipefail

# Bump when this script changes the way the kernel is built.
DK_VERSION=1

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${HV_DEBUG_KERNEL_CACHE:-/var/cache/hv-debug-kernel}
SRC_PKG=linux-source-6.12
SRC_TAR=/usr/src/$SRC_PKG.tar.xz
NICE=${HV_DEBUG_KERNEL_NICE:-19}
JOBS=${HV_DEBUG_KERNEL_JOBS:-$(nproc)}

say() { echo "debug-kernel: $*" >&2; }
fatal() { say "error: $*"; exit 1; }

usage() {
	sed -n '2,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
	exit "${1:-0}"
}

# --dir: only print DIR of the kernel the current fragment asks for; fail if
# it is not built (what a target's .conf uses: it never starts a build).
ONLY_DIR=0
if [[ ${1:-} == --dir ]]; then
	ONLY_DIR=1
	shift
fi
[[ $# -eq 1 ]] || usage 2
case $1 in
-h | --help) usage 0 ;;
arm64)
	ARCH=arm64
	CROSS=aarch64-linux-gnu-
	IMAGE=arch/arm64/boot/Image
	;;
*) fatal "unknown ARCH '$1' (supported: arm64)" ;;
esac
FRAG=$HERE/debug-kernel/$ARCH.config
[[ -f $FRAG ]] || fatal "no config fragment $FRAG"

# Debian packages the kernel build needs (only installed when missing).
need_packages() {
	local pkgs=(make gcc bc bison flex libssl-dev libelf-dev xz-utils
		cpio "gcc-${CROSS%-}" "$SRC_PKG") missing=() p
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	((${#missing[@]} == 0)) && return
	say "installing ${missing[*]}"
	command -v apt-get >/dev/null || fatal "apt-get missing: install ${missing[*]}"
	[[ $(id -u) -eq 0 ]] || fatal "run as root, or install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
}

((ONLY_DIR)) || need_packages
[[ -f $SRC_TAR ]] || fatal "$SRC_TAR missing (apt-get install $SRC_PKG)"
SRC_VER=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
CC_VER=$("${CROSS}gcc" --version | head -n 1)
KEY=$({
	echo "dk=$DK_VERSION arch=$ARCH src=$SRC_PKG $SRC_VER cc=$CC_VER"
	# Only the option lines: comments can change without a rebuild.
	grep -E '^(CONFIG_|# CONFIG_.* is not set$)' "$FRAG"
} | sha256sum | cut -c1-16)
DIR=$CACHE/$ARCH-$KEY

if ((ONLY_DIR)); then
	[[ -f $DIR/done ]] || fatal "no $ARCH debug kernel for this config: run ${BASH_SOURCE[0]} $ARCH"
	echo "$DIR"
	exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
	say "another build holds $CACHE/.lock; waiting"
	flock 9
fi

if [[ -f $DIR/done ]]; then
	say "cached: $DIR"
	echo "$DIR"
	exit 0
fi

say "building $ARCH kernel in $DIR ($SRC_PKG $SRC_VER, $CC_VER)"
mkdir -p "$DIR"
if [[ ! -d $DIR/src ]]; then
	say "extracting $SRC_TAR"
	rm -rf "$DIR/src.tmp"
	mkdir "$DIR/src.tmp"
	tar -xf "$SRC_TAR" -C "$DIR/src.tmp" --strip-components=1
	mv "$DIR/src.tmp" "$DIR/src"
fi
cp "$FRAG" "$DIR/$ARCH.config"

KMAKE=(make -C "$DIR/src" O="$DIR/build" ARCH="$ARCH" CROSS_COMPILE="$CROSS")

# The fragment onto allnoconfig (-n): merge_config.sh runs
# "make allnoconfig KCONFIG_ALLCONFIG=<fragment>" in the output directory.
mkdir -p "$DIR/build"
(cd "$DIR/src" && export ARCH CROSS_COMPILE=$CROSS &&
	scripts/kconfig/merge_config.sh -n -O "$DIR/build" "$DIR/$ARCH.config") \
	>"$DIR/config.log" 2>&1 || { cat "$DIR/config.log" >&2; fatal "merge_config.sh failed"; }

# Every option the fragment names must have its value in the final .config:
# a dependency that Kconfig silently dropped would make the target test
# less than it claims.
bad=0
while IFS= read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		opt=${BASH_REMATCH[1]}
		val=${BASH_REMATCH[2]}
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		opt=${BASH_REMATCH[1]}
		val=n
	else
		continue
	fi
	if [[ $val == n ]]; then
		if grep -q "^$opt=" "$DIR/build/.config"; then
			say "$opt: wanted n, got $(grep "^$opt=" "$DIR/build/.config")"
			bad=1
		fi
	elif ! grep -qxF "$opt=$val" "$DIR/build/.config"; then
		say "$opt: wanted $val, got $(grep -E "^(# )?${opt}[= ]" "$DIR/build/.config" || echo 'nothing')"
		bad=1
	fi
done <"$DIR/$ARCH.config"
((bad == 0)) || fatal "the final .config lacks options of $FRAG"
say "config ok ($(grep -c '=y$' "$DIR/build/.config") options =y)"

say "compiling (nice -n $NICE, -j$JOBS; log $DIR/build.log)"
# -a: a resumed build adds its time to the interrupted one's.
if ! /usr/bin/time -a -v -o "$DIR/time.txt" nice -n "$NICE" \
	"${KMAKE[@]}" -j"$JOBS" Image modules >"$DIR/build.log" 2>&1; then
	tail -n 40 "$DIR/build.log" >&2
	fatal "kernel build failed (log $DIR/build.log)"
fi
[[ -f $DIR/build/Module.symvers ]] || fatal "no Module.symvers in $DIR/build"
cp "$DIR/build/$IMAGE" "$DIR/Image"
"${KMAKE[@]}" -s kernelrelease >"$DIR/release"
awk -F': ' '/Elapsed|User time|System time/ { print "debug-kernel: " $1 ": " $2 }' \
	"$DIR/time.txt" >&2
touch "$DIR/done"
echo "$DIR"
