#!/bin/bash
# Installs everything hv needs to build and test on a fresh Debian 12, without
# prompting. Idempotent: a second run only checks and takes a second or two.
#
#   setup.sh               install / download / unpack what is missing
#   setup.sh --print-env   print the resolved paths (KEY=value), change nothing
#   setup.sh --check       exit 0 when nothing is missing, 1 otherwise
#
# The pinned versions live in versions.env.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Host packages. Why each one is here:
#   emulators:      bochs bochsbios vgabios (x86 with VT-x), qemu-system-x86
#                   (x86 without VT-x), qemu-system-arm (arm64 with EL2)
#   initramfs/ISO:  busybox-static cpio gzip xz-utils isolinux syslinux-common xorriso
#   module builds:  gcc make linux-headers-* (amd64 6.12 + 6.1); the arm64
#                   headers are unpacked by hand below (they cannot be installed
#                   next to the amd64 ones) and reuse the amd64 linux-kbuild
#   cross userland: gcc-aarch64-linux-gnu libc6-dev-arm64-cross and the :arm64
#                   -dev packages, for the static arm64 hvctl and selftests
#   hvctl:          libnl-3-dev libnl-genl-3-dev pkg-config; libfdt-dev (the
#                   arm64 VMM's device tree; the host test of it links the
#                   amd64 one); device-tree-compiler (dtc decompiles the tree
#                   in that test). libfdt-dev is not Multi-Arch: the arm64
#                   libfdt.a of the static arm64 hvctl is unpacked by hand below;
#                   acpica-tools (iasl, acpiexec: the host test of the ACPI tables);
#                   libpng-dev (+ zlib1g-dev): the VMM's screenshots, for
#                   both arches (Multi-Arch: same), and the host test's
#                   and guest PNG checker's decoder; libvncserver-dev: the VNC
#                   build of hvctl (make VNC=1 STATIC=0) and its host test
#   benchmarks:     python3 (checks that the JSON of make bench parses)
#   linting:        sparse, perl (checkpatch.pl), linux-source (checkpatch.pl
#                   and the kselftest headers are extracted from its tarball)
HOST_PACKAGES=(
	bochs bochsbios vgabios qemu-system-x86 qemu-system-arm
	busybox-static isolinux syslinux-common xorriso cpio xz-utils gzip
	sparse perl gcc make pkg-config python3
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	libnl-3-dev libnl-genl-3-dev libfdt-dev acpica-tools device-tree-compiler
	libnl-3-dev:arm64 libnl-genl-3-dev:arm64 libc6-dev:arm64
	libpng-dev libpng-dev:arm64 zlib1g-dev:arm64 libvncserver-dev
	"linux-headers-${KVER_612}-amd64" "linux-headers-${KVER_61}-amd64"
	"linux-source-${LINUX_SOURCE_VER}"
)

# Packages fetched with "apt-get download" and unpacked with "dpkg -x" only:
# foreign-architecture kernels cannot (and host kernels must not) be installed.
IMAGE_X86=linux-image-${KVER_612}-amd64-unsigned
IMAGE_ARM64=linux-image-${KVER_612}-arm64-unsigned:arm64
HEADERS_ARM64=linux-headers-${KVER_612}-arm64:arm64
BUSYBOX_ARM64_PKG=busybox-static:arm64
LIBFDT_ARM64_PKG=libfdt-dev:arm64
# The VNC build of hvctl and hvtest-vncclient for the arm64 emulator
# (hvctl.linux-vnc): LibVNCServer/LibVNCClient are shared libraries only,
# so their arm64 packages and everything they depend on (apt resolves the
# closure) are unpacked into VNC_ARM64_ROOT, a sysroot the binaries link
# against and whose libraries run.sh copies into the initramfs.
VNC_ARM64_PKGS="libvncserver1 libvncclient1 libnl-genl-3-200 libpng16-16 libfdt1"

APT_UPDATED=no

need_root() {
	[[ $(id -u) -eq 0 ]] || die "$1 needs root; run setup.sh as root"
}

apt_update_once() {
	[[ $APT_UPDATED == yes ]] && return
	say "apt-get update"
	apt-get update -qq >/dev/null || die "apt-get update failed"
	APT_UPDATED=yes
}

ensure_arm64_arch() {
	dpkg --print-foreign-architectures | grep -qx arm64 && return
	need_root "adding the arm64 architecture"
	say "dpkg --add-architecture arm64"
	dpkg --add-architecture arm64
	apt_update_once
}

# Prints the packages of HOST_PACKAGES that are not installed. One dpkg-query
# over the whole database: a package of Multi-Arch "same" installed for two
# architectures answers twice to a plain name, so match qualified names.
missing_packages() {
	local native
	native=$(dpkg --print-architecture)
	dpkg-query -W -f='${binary:Package} ${db:Status-Status}\n' 2>/dev/null |
		awk -v native="$native" -v want="${HOST_PACKAGES[*]}" '
		$2 == "installed" { have[$1] = 1 }
		END {
			n = split(want, w, " ")
			for (i = 1; i <= n; i++) {
				p = w[i]
				if (have[p] || (p !~ /:/ && have[p ":" native]))
					continue
				print p
			}
		}'
}

ensure_host_packages() {
	local missing log=$CACHE_DIR/apt-install.log
	mapfile -t missing < <(missing_packages)
	if [[ ${#missing[@]} -eq 0 ]]; then
		say "host packages: all ${#HOST_PACKAGES[@]} installed"
		return
	fi
	need_root "installing packages"
	# The package lists may not know a pinned version yet: refresh once.
	apt_update_once
	say "apt-get install ${missing[*]} (log: ${log#"$REPO"/})"
	mkdir -p "$CACHE_DIR"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		die "apt-get install failed (is ${KVER_612} still in Debian? see versions.env)"
	fi
}

# apt's sandbox user cannot write into the repository's cache directory.
apt_download() {
	apt-get download -q -o APT::Sandbox::User=root "$1" >/dev/null
}

# deb_file PKG[:ARCH]: the .deb of PKG in DEB_DIR, downloaded when absent.
deb_file() {
	local spec=$1 name arch f
	name=${spec%%:*}
	arch=amd64
	[[ $spec == *:* ]] && arch=${spec##*:}
	mkdir -p "$DEB_DIR"
	f=$(find "$DEB_DIR" -maxdepth 1 -name "${name}_*_${arch}.deb" | sort | tail -n1)
	if [[ -z $f ]]; then
		say "apt-get download $spec"
		if ! (cd "$DEB_DIR" && apt_download "$spec"); then
			apt_update_once
			(cd "$DEB_DIR" && apt_download "$spec") \
				|| die "apt-get download $spec failed"
		fi
		f=$(find "$DEB_DIR" -maxdepth 1 -name "${name}_*_${arch}.deb" | sort | tail -n1)
		[[ -n $f ]] || die "downloaded $spec but found no ${name}_*_${arch}.deb"
	fi
	echo "$f"
}

# unpack_deb PKG DIR: dpkg -x the package into DIR, once. Unpacks into a
# temporary directory first so that an interrupted run never leaves a
# half-unpacked DIR that looks complete.
unpack_deb() {
	local spec=$1 dir=$2 deb
	[[ -e $dir/.unpacked ]] && return
	deb=$(deb_file "$spec")
	say "unpacking $(basename "$deb") into ${dir#"$REPO"/}"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	dpkg -x "$deb" "$dir.tmp"
	touch "$dir.tmp/.unpacked"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}

ensure_kernels() {
	unpack_deb "$IMAGE_X86" "$KERNEL_X86_ROOT"
	unpack_deb "$IMAGE_ARM64" "$KERNEL_ARM64_ROOT"
	[[ -f $VMLINUZ_X86 ]] || die "$VMLINUZ_X86 missing after unpacking"
	[[ -f $VMLINUZ_ARM64 ]] || die "$VMLINUZ_ARM64 missing after unpacking"
	ensure_kvm_modules
}

# The amd64 image ships kvm as .ko.xz; keep plain copies for the benchmarks.
ensure_kvm_modules() {
	local m src
	mkdir -p "$KVM_KO_DIR_X86"
	for m in virt/lib/irqbypass arch/x86/kvm/kvm arch/x86/kvm/kvm-intel; do
		[[ -f $KVM_KO_DIR_X86/${m##*/}.ko ]] && continue
		src=$KERNEL_X86_ROOT/lib/modules/${KVER_612}-amd64/kernel/$m.ko.xz
		[[ -f $src ]] || die "$src missing from $IMAGE_X86"
		xz -dc "$src" >"$KVM_KO_DIR_X86/${m##*/}.ko.tmp"
		mv "$KVM_KO_DIR_X86/${m##*/}.ko.tmp" "$KVM_KO_DIR_X86/${m##*/}.ko"
	done
}

# The arm64 headers package cannot be installed on amd64; its tree works from
# /usr/src once copied (scripts/ and tools/ link to the amd64 linux-kbuild).
ensure_arm64_headers() {
	local tree=$CACHE_DIR/headers-arm64
	if [[ ! -f $KDIR_ARM64/Makefile ]]; then
		unpack_deb "$HEADERS_ARM64" "$tree"
		need_root "installing $KDIR_ARM64"
		say "copying the arm64 headers to $KDIR_ARM64"
		rm -rf "$KDIR_ARM64.tmp"
		cp -a "$tree/usr/src/linux-headers-${KVER_612}-arm64" "$KDIR_ARM64.tmp" \
			|| die "copying the arm64 headers failed"
		mv "$KDIR_ARM64.tmp" "$KDIR_ARM64"
	fi
	[[ -e $KDIR_ARM64/scripts/Makefile.build ]] \
		|| die "$KDIR_ARM64/scripts is dangling: linux-kbuild-${KVER_612} missing?"
}

ensure_busybox_arm64() {
	unpack_deb "$BUSYBOX_ARM64_PKG" "$CACHE_DIR/busybox-arm64"
	[[ -x $BUSYBOX_ARM64 ]] || die "$BUSYBOX_ARM64 missing after unpacking"
	[[ -x $BUSYBOX_X86 ]] || die "$BUSYBOX_X86 missing (busybox-static)"
}

# libfdt-dev cannot be installed for two architectures at once (it is not
# Multi-Arch: same): tools/hvctl/Makefile links the static arm64 hvctl with
# the libfdt.a and headers unpacked here.
ensure_libfdt_arm64() {
	unpack_deb "$LIBFDT_ARM64_PKG" "$LIBFDT_ARM64_ROOT"
	[[ -f $LIBFDT_ARM64_ROOT/usr/lib/aarch64-linux-gnu/libfdt.a ]] \
		|| die "libfdt.a missing from $LIBFDT_ARM64_PKG"
}

# VNC_ARM64_ROOT: the arm64 packages of VNC_ARM64_PKGS and their
# dependency closure (Depends and Pre-Depends, as apt-cache resolves it),
# plus libvncserver-dev:arm64 for the headers and the link-time names.
ensure_vnc_arm64() {
	local p pkgs deb
	[[ -e $VNC_ARM64_ROOT/.unpacked ]] && return
	# shellcheck disable=SC2046,SC2086 # one package per word
	pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances \
		$(printf '%s:arm64 ' $VNC_ARM64_PKGS) 2>/dev/null |
		grep -E '^[a-z0-9][^ ]*:arm64$' | sort -u) || true
	[[ -n $pkgs ]] || die "apt-cache depends found no closure of $VNC_ARM64_PKGS (arm64)"
	rm -rf "$VNC_ARM64_ROOT.tmp"
	mkdir -p "$VNC_ARM64_ROOT.tmp"
	for p in $pkgs libvncserver-dev:arm64; do
		deb=$(deb_file "$p")
		dpkg -x "$deb" "$VNC_ARM64_ROOT.tmp" || die "dpkg -x $deb failed"
	done
	[[ -f $VNC_ARM64_ROOT.tmp/usr/include/rfb/rfb.h ]] \
		|| die "rfb/rfb.h missing from libvncserver-dev:arm64"
	touch "$VNC_ARM64_ROOT.tmp/.unpacked"
	rm -rf "$VNC_ARM64_ROOT"
	mv "$VNC_ARM64_ROOT.tmp" "$VNC_ARM64_ROOT"
}

# Only a few files of the 150 MB source tarball are needed.
ensure_linux_source_files() {
	local top want
	top=linux-source-${LINUX_SOURCE_VER}
	if [[ -f $KSFT_DIR/kselftest_harness.h && -f $CHECKPATCH \
		&& -f $LINUX_SOURCE_DIR/scripts/spelling.txt \
		&& -f $LINUX_SOURCE_DIR/scripts/const_structs.checkpatch ]]; then
		return
	fi
	[[ -f $LINUX_SOURCE_TARBALL ]] || die "$LINUX_SOURCE_TARBALL missing"
	want=("$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt"
		"$top/scripts/const_structs.checkpatch")
	say "extracting kselftest headers and checkpatch.pl from $LINUX_SOURCE_TARBALL"
	mkdir -p "$CACHE_DIR/linux-source"
	tar -xJf "$LINUX_SOURCE_TARBALL" -C "$CACHE_DIR/linux-source" \
		--wildcards "$top/tools/testing/selftests/kselftest*" "${want[@]}" \
		|| die "extracting from $LINUX_SOURCE_TARBALL failed"
	[[ -f $KSFT_DIR/kselftest_harness.h && -f $CHECKPATCH ]] \
		|| die "kselftest_harness.h or checkpatch.pl missing after extraction"
}

print_env() {
	local v
	for v in REPO KVER_612 KVER_61 LINUX_SOURCE_VER KDIR_X86 KDIR_ARM64 \
		KDIR_X86_61 CACHE_DIR RESULTS_DIR DEB_DIR VMLINUZ_X86 VMLINUZ_ARM64 \
		KVM_KO_DIR_X86 BUSYBOX_X86 BUSYBOX_ARM64 LIBFDT_ARM64_ROOT \
		VNC_ARM64_ROOT \
		LINUX_SOURCE_DIR KSFT_DIR \
		CHECKPATCH; do
		printf '%s=%s\n' "$v" "${!v}"
	done
}

# Fast read-only probe: is anything missing?
all_present() {
	dpkg --print-foreign-architectures | grep -qx arm64 || return 1
	[[ -z $(missing_packages) ]] || return 1
	[[ -e $KERNEL_X86_ROOT/.unpacked && -e $KERNEL_ARM64_ROOT/.unpacked \
		&& -f $KVM_KO_DIR_X86/kvm-intel.ko && -f $KDIR_ARM64/Makefile \
		&& -x $BUSYBOX_ARM64 && -e $LIBFDT_ARM64_ROOT/.unpacked \
		&& -e $VNC_ARM64_ROOT/.unpacked \
		&& -f $KSFT_DIR/kselftest_harness.h \
		&& -f $CHECKPATCH ]]
}

main() {
	case ${1:-} in
	--print-env) print_env; return ;;
	--check) all_present; return ;;
	-h | --help) sed -n '2,9s/^# \{0,1\}//p' "$0"; return ;;
	'') ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	local t0=$SECONDS
	ensure_arm64_arch
	ensure_host_packages
	ensure_kernels
	ensure_arm64_headers
	ensure_busybox_arm64
	ensure_libfdt_arm64
	ensure_vnc_arm64
	ensure_linux_source_files
	say "ready ($((SECONDS - t0)) s): kernels in ${CACHE_DIR#"$REPO"/}/kernels, kselftest headers in ${KSFT_DIR#"$REPO"/}"
}

main "$@"
