#!/bin/bash
# soak.sh [TARGET]: everything "make soak" runs (Documentation/reliability.rst).
#
#   1. setup.sh (packages, kernels, headers)
#   2. the target's artifacts: for arm64-el2-soak (the default) the debug
#      kernel (debug-kernel.sh arm64, cached) and build/arm64-debug, as
#      check-debug.sh makes them; for x86-vmx-soak build/x86_64
#   3. hv-soak (tools/testing/hvtest/soak/) built into those artifacts,
#      and for the host, where "hv-soak -C" checks a million generated
#      ioctl arguments: no user pointer in them may reach the fuzzer's
#      own memory (a kernel write through it would kill the worker),
#      and death-check (soak/death_check.c): a worker that faults must be
#      reported with its signal, fault address and last call
#   4. the target with run.sh: hv-soak for SOAK_MINUTES minutes
#      (environment; the target's default otherwise), the final unload
#      and, on the debug kernel, the kmemleak scan
#   5. the figures hv-soak printed, then "N passed, N failed"
#
# Host results go to build/results/<target>-host.tap (logs in
# <target>-host/), the target's to build/results/<target>.tap (console:
# <target>.log), so that the two targets can run at once. Exits 1 if
# anything failed.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=lib/debug.sh
. "$HVTEST_DIR/lib/debug.sh"

# host_step NAME COMMAND...: one host result ($HOST.NAME), lib/common.sh
host_step() { host_result "$HOST" "$@"; }

# build_soak ARCH DIR: the static hv-soak for ARCH into DIR.
build_soak() {
	local cc=gcc
	[[ $1 == arm64 ]] && cc=aarch64-linux-gnu-gcc
	make -C "$HVTEST_DIR/soak" O="$2" CC="$cc"
}

# host_args_check: hv-soak for the host checks its generated arguments.
host_args_check() {
	local dir=$REPO/build/hvtest/soak-host

	make -C "$HVTEST_DIR/soak" O="$dir" CC=gcc
	"$dir/hv-soak" -C 1000000
}

# host_death_report: a worker that faults is reported with the signal, the
# fault address and its last call, and fails soak.workers_alive.
host_death_report() {
	local dir=$REPO/build/hvtest/soak-host out s=$HVTEST_DIR/soak

	mkdir -p "$dir"
	gcc -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$REPO/uapi" \
		-I"$REPO/selftests/hv" -pthread -o "$dir/death-check" \
		"$s/death_check.c" "$s/soak_args.c" "$s/soak_guest.c" \
		"$s/soak_genl.c" "$s/soak_vmm.c" "$s/guest_x86_64.S"
	out=$("$dir/death-check")
	echo "$out"
	grep -q '^soak: ioctl_fuzz: signal 11 (si_code [0-9]*) at address 0x1234 ' <<<"$out" &&
		grep -q 'the one signalled): ioctl(14, HV_GET_FPU ' <<<"$out" &&
		grep -q '^SOAK-RESULT: not ok workers_alive # ioctl_fuzz killed by signal 11 .*fault address 0x1234' <<<"$out"
}

main() {
	local target=${1:-arm64-el2-soak} t0=$SECONDS art arch ok=1 passed failed
	case $target in
	arm64-el2-soak) arch=arm64 art=$DEBUG_ART ;;
	x86-vmx-soak) arch=x86_64 art=$REPO/build/x86_64 ;;
	*) die "unknown soak target '$target' (arm64-el2-soak or x86-vmx-soak)" ;;
	esac
	HOST=$target-host
	HOST_LOGS=$RESULTS_DIR/$HOST
	mkdir -p "$HOST_LOGS"
	tap_open "$RESULTS_DIR/$HOST.tap"
	host_step setup "$HVTEST_DIR/setup.sh" || ok=0
	if [[ $arch == arm64 ]]; then
		host_step kernel.arm64 "$HVTEST_DIR/debug-kernel.sh" arm64 &&
			host_step artifacts.arm64 debug_artifacts || ok=0
	else
		host_step artifacts.x86_64 make -C "$REPO" artifacts ARCH=x86_64 || ok=0
	fi
	[[ $ok == 1 ]] && { host_step build.hv-soak build_soak "$arch" "$art" || ok=0; }
	host_step args.pointers_confined host_args_check || ok=0
	host_step death_report host_death_report || ok=0
	tap_close
	if [[ $ok == 1 ]]; then
		rm -f "$RESULTS_DIR/$target.tap"
		"$HVTEST_DIR/run.sh" "$target" || true
	fi
	echo
	echo "soak figures ($target, SOAK_MINUTES=${SOAK_MINUTES:-default}):"
	grep -a '^ *soak: ' "$RESULTS_DIR/$target.log" 2>/dev/null | sed 's/^ */  /' || true
	echo "total time: $((SECONDS - t0))s"
	if [[ -f $RESULTS_DIR/$target.tap ]]; then
		read -r passed failed < <(tap_count "$RESULTS_DIR/$HOST.tap" \
			"$RESULTS_DIR/$target.tap")
	else
		read -r passed failed < <(tap_count "$RESULTS_DIR/$HOST.tap")
		failed=$((failed + 1))
		echo "not ok $target.run # no results"
	fi
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
}

main "$@"
