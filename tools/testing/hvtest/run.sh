#!/bin/bash
# run.sh TARGET [options]: boot one test target in its emulator and report.
#
#   -T FILTER        run only the steps / kselftest cases whose name contains
#                    FILTER (or matches it, when it has * ? or [); default: $T
#   --extra-ko PATH  also put PATH in the initramfs and insmod it before the
#                    steps (repeatable)
#   --timeout S      limit on the emulator's CPU time, in seconds (default:
#                    the target's; 4x as much wall-clock time at most)
#   --cpus N         guest CPUs (default: the target's)
#   --mem MB         guest memory (default: the target's)
#   --demo           run guest/demo.sh (if present) instead of the steps and
#                    stream the guest console to the terminal
#   --artifacts DIR  take hv.ko, hvctl, selftests/ from DIR (default:
#                    build/<arch>)
#   --label NAME     name of the result files and work dir (default: TARGET)
#   --results-dir D  where NAME.log and NAME.tap go (default: build/results)
#
# Targets are targets/*.conf. Artifacts come from build/<arch>/ (hv.ko, hvctl,
# selftests/), made by "make artifacts ARCH=<arch>". Prints one TAP line per
# result and "<label>: N passed, N failed (Ts)"; exits 1 if anything failed,
# 2 on a usage or setup error.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
	sed -n '2,23s/^# \{0,1\}//p' "$0"
	local c names=()
	for c in "$HVTEST_DIR"/targets/*.conf; do
		c=${c##*/}
		names+=("${c%.conf}")
	done
	echo "targets: ${names[*]}"
}

fatal() { printf 'run.sh: error: %s\n' "$*" >&2; exit 2; }

# --- options ----------------------------------------------------------------

TARGET=
FILTER=${T:-}
EXTRA_KOS=()
OPT_TIMEOUT=
OPT_CPUS=
OPT_MEM=
DEMO=0
LABEL=
OUT_DIR=$RESULTS_DIR
OPT_ART=

parse_args() {
	while [[ $# -gt 0 ]]; do
		case $1 in
		-T) FILTER=${2?-T needs a filter}; shift ;;
		--extra-ko) EXTRA_KOS+=("$(realpath "${2?--extra-ko needs a path}")"); shift ;;
		--timeout) OPT_TIMEOUT=${2?}; shift ;;
		--cpus) OPT_CPUS=${2?}; shift ;;
		--mem) OPT_MEM=${2?}; shift ;;
		--demo) DEMO=1 ;;
		--artifacts) OPT_ART=$(realpath "${2?}"); shift ;;
		--label) LABEL=${2?}; shift ;;
		--results-dir) OUT_DIR=${2?}; shift ;;
		-h | --help) usage; exit 0 ;;
		-*) fatal "unknown option '$1' (see --help)" ;;
		*) [[ -z $TARGET ]] || fatal "one target at a time"; TARGET=$1 ;;
		esac
		shift
	done
	[[ -n $TARGET ]] || { usage >&2; exit 2; }
	[[ $FILTER != *[[:space:]]* ]] || fatal "the filter cannot contain spaces"
	LABEL=${LABEL:-$TARGET}
}

load_target() {
	local conf=$HVTEST_DIR/targets/$TARGET.conf
	[[ -f $conf ]] || fatal "unknown target '$TARGET' (no $conf)"
	# shellcheck source-path=SCRIPTDIR source=targets/x86-vmx.conf
	. "$conf"
	HVT_TIMEOUT=${OPT_TIMEOUT:-$HVT_TIMEOUT}
	HVT_CPUS=${OPT_CPUS:-$HVT_CPUS}
	HVT_MEM_MB=${OPT_MEM:-$HVT_MEM_MB}
	local v
	for v in HVT_TIMEOUT HVT_CPUS HVT_MEM_MB; do
		[[ ${!v} =~ ^[1-9][0-9]*$ ]] || fatal "$v must be a positive number, not '${!v}'"
	done
	WORK=$REPO/build/hvtest/$LABEL
	SERIAL=$WORK/serial.log
	# HVT_ARTIFACTS, HVT_KERNEL: a target's own artifacts and kernel (the
	# *-debug targets: debug-kernel.sh), instead of build/<arch> and the
	# pinned Debian kernel.
	ART=${OPT_ART:-${HVT_ARTIFACTS:-$REPO/build/$HVT_ARCH}}
	case $HVT_ARCH in
	x86_64) VMLINUZ=$VMLINUZ_X86 BUSYBOX=$BUSYBOX_X86 ;;
	arm64) VMLINUZ=$VMLINUZ_ARM64 BUSYBOX=$BUSYBOX_ARM64 ;;
	*) fatal "$TARGET.conf: unknown HVT_ARCH '$HVT_ARCH'" ;;
	esac
	VMLINUZ=${HVT_KERNEL:-$VMLINUZ}
	[[ -f $VMLINUZ && -x $BUSYBOX ]] \
		|| fatal "$VMLINUZ or $BUSYBOX missing: run tools/testing/hvtest/setup.sh"
}

# --- initramfs ------------------------------------------------------------------

# Warn (the guest steps will fail with the details) rather than stop, so that
# a run without artifacts still reports every step.
copy_artifacts() {
	local root=$1 f
	if [[ -f $ART/hv.ko ]]; then
		cp "$ART/hv.ko" "$root/hv/hv.ko"
	else
		say "warning: $ART/hv.ko missing (make artifacts ARCH=$HVT_ARCH)"
	fi
	if [[ -f $ART/hvctl ]]; then
		cp "$ART/hvctl" "$root/hv/hvctl"
		ln -s /hv/hvctl "$root/usr/bin/hvctl"
		warn_if_dynamic "$ART/hvctl"
	else
		say "warning: $ART/hvctl missing"
	fi
	# guest images of the steps (tools/testing/hvtest/guest/images):
	# flat binaries and ELF kernels
	if compgen -G "$ART/images/*.bin" >/dev/null; then
		mkdir -p "$root/hv/images"
		cp "$ART"/images/*.bin "$root/hv/images/"
		for f in "$ART"/images/*.elf; do
			[[ -f $f ]] && cp "$f" "$root/hv/images/"
		done
	else
		say "warning: $ART/images/*.bin missing (make artifacts ARCH=$HVT_ARCH)"
	fi
	# HVT_GUEST_KERNEL=yes: the target's own kernel, for hv to boot as
	# its guest (/hv/images/linux.bzImage on x86, linux.Image on arm64;
	# +12 MB of initramfs on x86, +44 MB on arm64)
	if [[ ${HVT_GUEST_KERNEL:-} == yes ]]; then
		mkdir -p "$root/hv/images"
		if [[ $HVT_ARCH == arm64 ]]; then
			cp "$VMLINUZ" "$root/hv/images/linux.Image"
		else
			cp "$VMLINUZ" "$root/hv/images/linux.bzImage"
		fi
		build_guest_tool hvtest-blkbench
		cp "$TOOL" "$root/hv/images/hvtest-blkbench"
		# both ends of hvctl.linux-vsock (L1 and the L2 guest)
		build_guest_tool hvtest-vsock
		cp "$TOOL" "$root/hv/images/hvtest-vsock"
	fi
	# HVT_GUEST_MODULES: modules of that kernel's package for the L2
	# guest's initramfs, decompressed into /hv/images/modules/
	[[ ${HVT_GUEST_KERNEL:-} == yes ]] && copy_guest_modules "$root"
	# HVT_VNC=yes: the VNC build of hvctl and its viewer, with libraries
	[[ ${HVT_VNC:-} == yes ]] && copy_vnc "$root"
	# tools that steps call by name (hv-soak: "make soak" builds it)
	for f in hvbench hv-soak; do
		[[ -f $ART/$f ]] || continue
		cp "$ART/$f" "$root/usr/bin/$f"
		warn_if_dynamic "$ART/$f"
	done
	for f in "$ART"/selftests/*; do
		[[ -f $f && -x $f ]] || continue
		want_kselftest "${f##*/}" || continue
		cp "$f" "$root/hv/selftests/"
		warn_if_dynamic "$f"
	done
}

# copy_guest_modules ROOT: each HVT_GUEST_MODULES path (under the package's
# lib/modules/<version>/kernel, without .ko.xz) as ROOT/hv/images/modules/
# NAME.ko. Only with the pinned kernel: another one's modules would not load.
copy_guest_modules() {
	local m src dir=$1/hv/images/modules kroot=$KERNEL_X86_ROOT kver=amd64
	[[ -n ${HVT_GUEST_MODULES:-} && -z ${HVT_KERNEL:-} ]] || return 0
	[[ $HVT_ARCH == arm64 ]] && kroot=$KERNEL_ARM64_ROOT kver=arm64
	mkdir -p "$dir"
	for m in $HVT_GUEST_MODULES; do
		src=$kroot/lib/modules/${KVER_612}-$kver/kernel/$m.ko.xz
		[[ -f $src ]] || fatal "HVT_GUEST_MODULES: $src missing"
		xz -dc "$src" >"$dir/${m##*/}.ko" || fatal "cannot unpack $src"
	done
}

# build_vnc_client: guest/tools/hvtest-vncclient.c, linked dynamically
# with LibVNCClient and libpng (no static LibVNCClient exists): x86 with
# the build host's libraries, arm64 with setup.sh's VNC_ARM64_ROOT. Sets
# TOOL.
build_vnc_client() {
	local src=$HVTEST_DIR/guest/tools/hvtest-vncclient.c cc=x86_64-linux-gnu-gcc
	local flags=() d
	TOOL=$REPO/build/hvtest/tools/$HVT_ARCH/hvtest-vncclient
	if [[ $HVT_ARCH == arm64 ]]; then
		cc=aarch64-linux-gnu-gcc
		flags=(-I"$VNC_ARM64_ROOT/usr/include")
		for d in "$VNC_ARM64_ROOT"/{usr/lib,lib}/aarch64-linux-gnu; do
			flags+=(-L"$d" "-Wl,-rpath-link,$d")
		done
	fi
	[[ -x $TOOL && $TOOL -nt $src ]] && return 0
	mkdir -p "${TOOL%/*}"
	"$cc" -O2 -Wall -Wextra -Werror "${flags[@]}" -o "$TOOL.$$" "$src" \
		-lvncclient -lpng16 ||
		fatal "building ${src#"$REPO"/} with $cc failed (LibVNCClient for $HVT_ARCH: setup.sh)"
	mv "$TOOL.$$" "$TOOL"
}

# copy_vnc ROOT: for hvctl.linux-vnc, the VNC build of hvctl (make
# artifacts: ART/vnc/hvctl, dynamically linked: Debian's LibVNCServer has
# no static library) as /hv/vnc/hvctl and hvtest-vncclient next to it,
# with the program interpreter and the closure of their DT_NEEDED
# libraries in ROOT/lib/TRIPLET (a directory the loader searches): x86
# from the build host, arm64 from VNC_ARM64_ROOT (setup.sh). +5 MB.
copy_vnc() {
	local root=$1 triplet=x86_64-linux-gnu dirs f so d interp seen=" "
	local todo CROSS_COMPILE_GUEST=
	[[ $HVT_ARCH == arm64 ]] && CROSS_COMPILE_GUEST=aarch64-linux-gnu-
	if [[ ! -f $ART/vnc/hvctl ]]; then
		say "warning: $ART/vnc/hvctl missing (make artifacts ARCH=$HVT_ARCH)"
		return 0
	fi
	build_vnc_client
	mkdir -p "$root/hv/vnc"
	"${CROSS_COMPILE_GUEST}strip" --strip-debug -o "$root/hv/vnc/hvctl" "$ART/vnc/hvctl"
	cp "$TOOL" "$root/hv/vnc/hvtest-vncclient"
	if [[ $HVT_ARCH == arm64 ]]; then
		triplet=aarch64-linux-gnu
		dirs=("$VNC_ARM64_ROOT/lib/$triplet" "$VNC_ARM64_ROOT/usr/lib/$triplet")
	else
		dirs=("/lib/$triplet" "/usr/lib/$triplet")
	fi
	mkdir -p "$root/lib/$triplet"
	todo=("$root/hv/vnc/hvctl" "$root/hv/vnc/hvtest-vncclient")
	while ((${#todo[@]})); do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for so in $(LC_ALL=C readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[[ $seen == *" $so "* ]] && continue
			seen+="$so "
			for d in "${dirs[@]}" ""; do
				[[ -n $d && -e $d/$so ]] && break
			done
			[[ -n $d ]] || fatal "copy_vnc: no $so for $HVT_ARCH in ${dirs[*]} (setup.sh)"
			cp -L "$d/$so" "$root/lib/$triplet/$so"
			todo+=("$root/lib/$triplet/$so")
		done
	done
	interp=$(LC_ALL=C readelf -l "$root/hv/vnc/hvctl" |
		sed -n 's/.*interpreter: \(.*\)\]/\1/p')
	[[ -e ${dirs[0]}/${interp##*/} ]] || fatal "copy_vnc: no ${interp##*/} in ${dirs[0]}"
	mkdir -p "$root${interp%/*}"
	cp -L "${dirs[0]}/${interp##*/}" "$root$interp"
}

# A target may name the only kselftest binaries it runs (HVT_KSELFTESTS)
# or the ones it leaves to another target (HVT_KSELFTESTS_SKIP).
want_kselftest() {
	local name=$1
	if [[ -n ${HVT_KSELFTESTS:-} ]]; then
		[[ " $HVT_KSELFTESTS " == *" $name "* ]]
		return
	fi
	[[ " ${HVT_KSELFTESTS_SKIP:-} " != *" $name "* ]]
}

# The initramfs has no shared libraries: everything must be static.
warn_if_dynamic() {
	if grep -q 'program interpreter' < <(LC_ALL=C readelf -l "$1" 2>/dev/null); then
		say "warning: ${1#"$REPO"/} is dynamically linked and will not run in the guest"
	fi
}

# build_guest_tool NAME [LIBS...]: guest/tools/NAME.c as a static
# $HVT_ARCH program (built here, not by "make artifacts": it belongs to the
# harness, not to hv), linked with LIBS, rebuilt when its source changes.
# Sets TOOL. hvtest-drain (every guest), hvtest-png (the display step's
# PNG checker, with libpng), hvtest-blkbench (the disk step) and
# hvtest-vsock (the vsock step).
build_guest_tool() {
	local name=$1 src=$HVTEST_DIR/guest/tools/$1.c cc=x86_64-linux-gnu-gcc
	shift
	TOOL=$REPO/build/hvtest/tools/$HVT_ARCH/$name
	[[ $HVT_ARCH == arm64 ]] && cc=aarch64-linux-gnu-gcc
	[[ -x $TOOL && $TOOL -nt $src ]] && return 0
	mkdir -p "${TOOL%/*}"
	# (two runs may build it at once: each writes its own file first)
	"$cc" -static -O2 -Wall -Wextra -Werror -o "$TOOL.$$" "$src" "$@" ||
		fatal "building ${src#"$REPO"/} with $cc failed (its libraries for $HVT_ARCH: setup.sh)"
	mv "$TOOL.$$" "$TOOL"
}

build_initramfs() {
	local root=$WORK/root ko
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,hv/selftests,hv/extra,hvtest/steps,usr/bin}
	cp "$BUSYBOX" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	install -m 755 "$HVTEST_DIR/guest/init" "$root/init"
	build_guest_tool hvtest-drain
	cp "$TOOL" "$root/hv/hvtest-drain"
	build_guest_tool hvtest-png -l:libpng16.a -l:libz.a -lm
	cp "$TOOL" "$root/hv/hvtest-png"
	cp "$HVTEST_DIR/guest/lib.sh" "$HVTEST_DIR/guest/bench.lib.sh" "$root/hvtest/"
	cp "$HVTEST_DIR"/guest/steps/*.sh "$root/hvtest/steps/"
	[[ -f $HVTEST_DIR/guest/demo.sh ]] && cp "$HVTEST_DIR/guest/demo.sh" "$root/hvtest/"
	# shellcheck disable=SC2086 # one step name per word
	printf '%s\n' $HVT_STEPS >"$root/hv/steps"
	copy_artifacts "$root"
	for ko in "${EXTRA_KOS[@]}"; do
		[[ -f $ko ]] || fatal "--extra-ko $ko: no such file"
		cp "$ko" "$root/hv/extra/"
	done
	if [[ $HVT_KVM_MODULES == yes ]]; then
		mkdir -p "$root/hv/kvm"
		cp "$KVM_KO_DIR_X86"/*.ko "$root/hv/kvm/"
	fi
	# The kernel opens /dev/console before /init runs; without the node the
	# first lines would be lost (init reopens it after mounting devtmpfs).
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$WORK/initrd.gz"
}

kernel_cmdline() {
	local console=ttyS0
	[[ $HVT_ARCH == arm64 ]] && console=ttyAMA0
	# panic=-1: reboot at once on a panic; QEMU (-no-reboot) then exits and
	# the Bochs monitor below kills Bochs. softlockup_panic=1 turns a stuck
	# CPU into a prompt panic instead of a wait for the wall-clock limit.
	local cmd="console=$console quiet panic=-1 softlockup_panic=1"
	cmd+=" hv.target=$TARGET hv.filter=$FILTER"
	# every step's limit in guest seconds (guest/init: guarded())
	cmd+=" hv.steplimit=${HVT_STEP_LIMIT:-600}"
	[[ $DEMO == 1 ]] && cmd+=" hv.demo=1"
	[[ -n $HVT_CMDLINE ]] && cmd+=" $HVT_CMDLINE"
	echo "$cmd"
}

# --- emulators ----------------------------------------------------------------
# Each start_* launches the emulator in the background with the guest console
# going to $SERIAL and sets EMU_PID.

# Bochs cannot boot a bzImage directly: wrap kernel and initramfs in an
# isolinux ISO. isolinux's SERIAL line prints its banner on the serial port,
# which makes a reboot visible in the log.
make_iso() {
	local iso=$WORK/iso
	rm -rf "$iso"
	mkdir -p "$iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
	cp "$VMLINUZ" "$iso/vmlinuz"
	cp "$WORK/initrd.gz" "$iso/initrd.gz"
	cat >"$iso/isolinux/isolinux.cfg" <<-CFG
		SERIAL 0 115200
		DEFAULT linux
		PROMPT 0
		TIMEOUT 0
		LABEL linux
		  KERNEL /vmlinuz
		  APPEND initrd=/initrd.gz $(kernel_cmdline)
	CFG
	xorriso -as mkisofs -quiet -o "$WORK/boot.iso" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
		"$iso" 2>"$WORK/xorriso.log" || { cat "$WORK/xorriso.log" >&2; fatal "xorriso failed"; }
}

start_bochs() {
	make_iso
	# clock sync=none: guest time follows emulated instructions, so guest
	# cycle counts are repeatable. rfb with timeout=0 runs headless (nogui
	# is not built into Debian's Bochs). panic/error must never prompt.
	# The dummy sound drivers matter: with the default ALSA driver and no
	# sound card, Bochs 2.7 aborts at start ("buffer overflow detected").
	cat >"$WORK/bochsrc" <<-RC
		megs: $HVT_MEM_MB
		cpu: model=$HVT_CPU_MODEL, count=$HVT_CPUS, ips=200000000
		romimage: file=/usr/share/bochs/BIOS-bochs-latest
		vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
		ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
		ata0-master: type=cdrom, path=boot.iso, status=inserted
		boot: cdrom
		com1: enabled=1, mode=file, dev=serial.log
		display_library: rfb, options="timeout=0"
		log: bochs.log
		panic: action=fatal
		error: action=report
		clock: sync=none, time0=local
		sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
		speaker: enabled=0
	RC
	# Debian's Bochs has its debugger built in: "c" in the -rc file makes it
	# run instead of stopping at the debugger prompt.
	echo c >"$WORK/dbg.rc"
	(cd "$WORK" && exec bochs -q -f bochsrc -rc dbg.rc </dev/null >bochs.out 2>&1) &
	EMU_PID=$!
	EMU_LOG=$WORK/bochs.log
}

# HVT_QEMU_EXTRA: a target's own QEMU options (words, e.g. "-icount shift=4").
qemu_extra() {
	read -ra QEMU_EXTRA <<<"${HVT_QEMU_EXTRA:-}"
}

start_qemu_x86() {
	qemu_extra
	qemu-system-x86_64 -M q35 -cpu "$HVT_CPU_MODEL" -smp "$HVT_CPUS" -m "$HVT_MEM_MB" \
		-nographic -no-reboot -kernel "$VMLINUZ" -initrd "$WORK/initrd.gz" \
		"${QEMU_EXTRA[@]}" \
		-append "$(kernel_cmdline)" </dev/null >"$SERIAL" 2>"$WORK/qemu.err" &
	EMU_PID=$!
	EMU_LOG=$WORK/qemu.err
}

start_qemu_arm64() {
	qemu_extra
	qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu "$HVT_CPU_MODEL" \
		-smp "$HVT_CPUS" -m "$HVT_MEM_MB" -nographic -no-reboot \
		-kernel "$VMLINUZ" -initrd "$WORK/initrd.gz" "${QEMU_EXTRA[@]}" \
		-append "$(kernel_cmdline)" </dev/null >"$SERIAL" 2>"$WORK/qemu.err" &
	EMU_PID=$!
	EMU_LOG=$WORK/qemu.err
}

EMU_PID=
TAIL_PID=

# Stops the emulator we started (and only it): TERM, then KILL.
stop_emulator() {
	[[ -n $EMU_PID ]] || return 0
	if kill -0 "$EMU_PID" 2>/dev/null; then
		kill -TERM "$EMU_PID" 2>/dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$EMU_PID" 2>/dev/null || break
			sleep 0.5
		done
		kill -KILL "$EMU_PID" 2>/dev/null || true
	fi
	wait "$EMU_PID" 2>/dev/null || true
	EMU_PID=
}

cleanup() {
	stop_emulator
	if [[ -n $TAIL_PID ]]; then
		kill "$TAIL_PID" 2>/dev/null || true
		wait "$TAIL_PID" 2>/dev/null || true
	fi
}

# count PATTERN: how many serial log lines contain the fixed string PATTERN.
count() {
	grep -acF -- "$1" "$SERIAL" 2>/dev/null || true
}

# emu_cpu: sets EMU_CPU to the CPU seconds the emulator has used so far
# (user + system, all its threads); keeps the last value once it is gone. The limits below count this,
# not wall-clock time: an emulator sharing the host with other work gets
# less CPU per second but needs the same CPU for the same guest work.
CLK_TCK=$(getconf CLK_TCK)
EMU_CPU=0
emu_cpu() {
	local stat f
	if stat=$(cat "/proc/$EMU_PID/stat" 2>/dev/null); then
		# after "(comm) ", utime and stime are the 12th and 13th fields
		read -ra f <<<"${stat##*) }"
		EMU_CPU=$(((f[11] + f[12]) / CLK_TCK))
	fi
}

# note_progress: append the guest's new progress lines (HVTEST-BEGIN,
# -STEP, -RUN, -END) to $TIMES with the wall-clock and emulator CPU seconds
# since the start, to within the 0.5 s of a poll: where a run's time goes.
# (Guest uptime does not tell: a 1-CPU Bochs guest skips its idle time.)
# A line still being written waits for the next poll, except at the end.
TIMES_SEEN=0
note_progress() {
	local n
	[[ ${1:-} == final || -z $(tail -c 1 "$SERIAL") ]] || return 0
	n=$(grep -acE 'HVTEST-(BEGIN|STEP:|RUN:|END)' "$SERIAL" || true)
	((n > TIMES_SEEN)) || return 0
	# awk reads to the end: "tail | head" under pipefail and set -e could
	# end run.sh when head left early (lines that came since grep -c)
	grep -aoE 'HVTEST-(BEGIN|STEP:|RUN:|END).*' "$SERIAL" | tr -d '\r' |
		awk -v from=$((TIMES_SEEN + 1)) -v to="$n" 'NR >= from && NR <= to' |
		while IFS= read -r l; do
			printf '%6d %6d  %s\n' $((SECONDS - RUN_T0)) "$EMU_CPU" "${l%% (uptime*}"
		done >>"$TIMES"
	TIMES_SEEN=$n
}

# Waits for the emulator while watching the console. Sets OUTCOME:
#   finished HVTEST-END seen (the guest finished)
#   panic    the kernel panicked
#   reboot   the guest started over (Bochs reboots instead of exiting)
#   timeout  the emulator used HVT_TIMEOUT s of CPU, or the wall-clock
#            backstop passed
#   exited   the emulator ended without any of the above
# A panic or reboot ends the run at once rather than at the time limit.
#
# Load: HVT_TIMEOUT counts the emulator's CPU time. Bochs never idles (with
# clock sync=none it runs instructions flat out), so its CPU time measures
# guest progress whatever else the host runs. QEMU idles with the guest, so
# a hung idle QEMU guest is caught by the wall-clock backstop,
# WALL_FACTOR x HVT_TIMEOUT: a run still passes while it gets 1/WALL_FACTOR
# of a host CPU on average.
WALL_FACTOR=4
monitor() {
	local start=$SECONDS end_at='' panic_at='' panic_wall='' size=0 quiet_since=0 new cpu
	OUTCOME=exited
	while kill -0 "$EMU_PID" 2>/dev/null; do
		emu_cpu
		cpu=$EMU_CPU
		if ((cpu >= HVT_TIMEOUT || SECONDS - start >= WALL_FACTOR * HVT_TIMEOUT)); then
			OUTCOME=timeout
			break
		fi
		note_progress
		if [[ -z $end_at && $(count HVTEST-END) -gt 0 ]]; then
			end_at=$SECONDS
			OUTCOME=finished
		fi
		# Every result is in once HVTEST-END is: the run is complete. The
		# guest powers off right after it, once its UART is empty; give it
		# 30 s to do so (only the kernel's power-off messages may still
		# come, no result depends on them), then stop the emulator.
		[[ -n $end_at ]] && ((SECONDS - end_at > 30)) && break
		if [[ $(count HVTEST-BEGIN) -gt 1 || $(count 'ISOLINUX ') -gt 1 ]]; then
			# (after HVTEST-END the results are complete all the same)
			[[ $OUTCOME == panic || -n $end_at ]] || OUTCOME=reboot
			break
		fi
		if [[ -z $panic_at && $(count 'Kernel panic - not syncing') -gt 0 ]]; then
			panic_at=$cpu
			panic_wall=$SECONDS
			OUTCOME=panic
		fi
		# After a panic, let its report reach the log: stop once the
		# console has been quiet for 3 s of emulator CPU (Bochs prints
		# slowly; with panic=-1 the guest reboots after the report, which
		# the ISOLINUX check above sees first) or after 30 s of it (120 s
		# of wall-clock time at most: a failure is reported either way).
		new=$(stat -c %s "$SERIAL")
		[[ $new != "$size" ]] && { size=$new; quiet_since=$cpu; }
		if [[ -n $panic_at ]] && ((cpu - quiet_since >= 3 || cpu - panic_at >= 30 ||
			SECONDS - panic_wall >= 120)); then
			break
		fi
		sleep 0.5
	done
	stop_emulator
	note_progress final
	[[ $OUTCOME == exited && $(count HVTEST-END) -gt 0 ]] && OUTCOME=finished
	[[ $OUTCOME == exited && $(count 'Kernel panic - not syncing') -gt 0 ]] && OUTCOME=panic
	return 0
}

# --- results ------------------------------------------------------------------

# report_results: turn the clean console log into TAP.
report_results() {
	local log=$1 line status name note bin n got
	local -A plans=() per_bin=()
	local total='' nres=0
	tap_open "$OUT_DIR/$LABEL.tap"
	while IFS= read -r line; do
		case $line in
		'ok '* | 'not ok '*)
			status=ok
			[[ $line == not* ]] && { status=fail; line=${line#not }; }
			line=${line#ok }
			name=${line%% # *}
			note=
			[[ $line == *' # '* ]] && note=${line#* # }
			tap_result "$status" "$LABEL.$name" "$note"
			nres=$((nres + 1))
			[[ $name == *.* ]] && per_bin[${name%%.*}]=$((${per_bin[${name%%.*}]:-0} + 1))
			;;
		'plan '*)
			read -r _ bin n <<<"$line"
			plans[$bin]=$n
			;;
		'results '*) total=${line#results } ;;
		esac
	done < <(grep -ao 'HVTEST: .*' "$log" | sed 's/^HVTEST: //')

	# Lines lost on the console (or a guest that died mid-binary) show up
	# as fewer results than announced.
	for bin in $(printf '%s\n' "${!plans[@]}" | sort); do
		got=${per_bin[$bin]:-0}
		if [[ $got -eq ${plans[$bin]} ]]; then
			tap_result ok "$LABEL.plan.$bin"
		else
			tap_result fail "$LABEL.plan.$bin" "$got results for a plan of ${plans[$bin]}"
		fi
	done
	if [[ -n $total ]]; then
		if [[ $total -eq $nres ]]; then
			tap_result ok "$LABEL.results_complete"
		else
			tap_result fail "$LABEL.results_complete" "guest printed $total results, $nres arrived"
		fi
	fi
	report_boot "$log"
	report_log_scan "$log"
	tap_close
}

# emulator_note: why the emulator stopped, when its log says (", ..." or "").
# Bochs resets on a triple fault and then quits at its debugger prompt.
emulator_note() {
	local l
	l=$(grep -a -m1 -E 'exception with no resolution|>>PANIC<<' "$EMU_LOG" 2>/dev/null |
		grep -v 'soft power off' || true)
	[[ $l == *'no resolution'* ]] && l="triple fault: ${l#*] }"
	[[ -z $l && $EMU_LOG == *qemu.err ]] && l=$(tail -n 1 "$EMU_LOG" 2>/dev/null || true)
	[[ -n $l ]] && echo ", ${l#*] }"
	return 0
}

report_boot() {
	local log=$1
	case $OUTCOME in
	finished) tap_result ok "$LABEL.boot_completed" ;;
	timeout) tap_result fail "$LABEL.boot_completed" \
		"timeout: the emulator used ${EMU_CPU}s of CPU in $((SECONDS - RUN_T0))s (limit ${HVT_TIMEOUT}s of CPU, $((WALL_FACTOR * HVT_TIMEOUT))s wall)" ;;
	panic) tap_result fail "$LABEL.boot_completed" "kernel panic" ;;
	reboot) tap_result fail "$LABEL.boot_completed" "the guest rebooted" ;;
	*) tap_result fail "$LABEL.boot_completed" "emulator exited before HVTEST-END$(emulator_note)" ;;
	esac
	if [[ $OUTCOME != finished ]]; then
		local step
		step=$(grep -ao 'HVTEST-STEP: .*' "$log" | tail -n 1 || true)
		[[ -n $step ]] && tap_diag "last step started: ${step#HVTEST-STEP: }"
		tap_diag "last console lines (full log: ${log#"$REPO"/}, emulator: ${EMU_LOG#"$REPO"/}):"
		local l
		while IFS= read -r l; do tap_diag "$l"; done < <(tail -n 8 "$log")
	fi
}

report_log_scan() {
	local log=$1 found a args=() l
	for a in ${HVT_LOG_ALLOW:-}; do
		args+=(--allow "$HVTEST_DIR/targets/$a")
	done
	if found=$("$HVTEST_DIR/scan-log.sh" "${args[@]}" "$log" 2>"$WORK/scan.err" | head -n 20); then
		if grep -q HVTEST-DMESG-END "$log"; then
			tap_result ok "$LABEL.kernel_log_clean"
		else
			tap_result fail "$LABEL.kernel_log_clean" "no dmesg dump in the log"
		fi
	else
		tap_result fail "$LABEL.kernel_log_clean" "kernel trouble in the log"
		while IFS= read -r l; do tap_diag "$l"; done <<<"$found"
	fi
	# Say so when known emulator warnings were ignored.
	while IFS= read -r l; do tap_diag "${l#\# }"; done <"$WORK/scan.err"
}

# Two runs with the same label would share the work dir and result files
# and wreck each other: the second waits for the first. The emulator inherits
# the lock, so it is held as long as anything still writes there.
lock_work_dir() {
	exec {LOCK_FD}>"$WORK.lock"
	if ! flock -n "$LOCK_FD"; then
		say "$LABEL: another run of it is in progress; waiting (use --label for a parallel run)"
		flock "$LOCK_FD"
	fi
}

# --- main -----------------------------------------------------------------------

main() {
	local t0 log
	parse_args "$@"
	load_target
	mkdir -p "$WORK" "$OUT_DIR"
	lock_work_dir
	t0=$SECONDS
	RUN_T0=$t0
	TIMES=$OUT_DIR/$LABEL.times
	printf '# wall_s cpu_s  progress line (run.sh %s)\n' "$LABEL" >"$TIMES"
	rm -f "$SERIAL"
	: >"$SERIAL"
	build_initramfs
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	say "$LABEL: booting ($HVT_EMULATOR, $HVT_CPUS cpu, ${HVT_MEM_MB} MB, limit ${HVT_TIMEOUT}s of CPU${FILTER:+, filter $FILTER})"
	case $HVT_EMULATOR in
	bochs) start_bochs ;;
	qemu-x86) start_qemu_x86 ;;
	qemu-arm64) start_qemu_arm64 ;;
	*) fatal "$TARGET.conf: unknown HVT_EMULATOR '$HVT_EMULATOR'" ;;
	esac
	if [[ $DEMO == 1 ]]; then
		tail -n +1 -f "$SERIAL" &
		TAIL_PID=$!
	fi
	monitor
	say "$LABEL: the emulator used $EMU_CPU s of CPU in $((SECONDS - t0)) s"
	cleanup
	log=$OUT_DIR/$LABEL.log
	# Without CRs and the firmware's terminal escapes, for people and grep.
	tr -d '\r' <"$SERIAL" | sed -E $'s/\e(\\[[0-9;?]*[A-Za-z]|c)//g' >"$log"
	report_results "$log"
	echo "$LABEL: $TAP_PASS passed, $TAP_FAIL failed ($((SECONDS - t0))s)"
	[[ $TAP_FAIL -eq 0 ]]
}

main "$@"
