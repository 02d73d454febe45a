#!/bin/bash
# check-debug.sh [TARGET...]: everything "make check-debug" runs.
#
#   1. setup.sh (packages, kernels, headers)
#   2. debug-kernel.sh arm64: the sanitizer kernel (built once per machine
#      and cached outside the clone; nothing to do when it exists)
#   3. build/arm64-debug: the arm64 artifacts, with hv.ko built against
#      that kernel's build tree
#   4. unit tests of the log scanner: sanitizer reports, and a final
#      dmesg dump that lost its start (the ring buffer overflowed)
#   5. each target with run.sh (default: arm64-el2-debug; or the arguments)
#   6. the self-test -> build/results/debug-harness.tap: a module with a
#      lock-order inversion, a sleep in atomic context, a leak and a
#      use-after-free must fail arm64-el2-debug with each report
#
# Host results go to build/results/debug-host.tap, targets' to
# build/results/<target>.tap. Ends with every summary line, the total time
# and "N passed, N failed"; exits 1 if anything failed.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=lib/debug.sh
. "$HVTEST_DIR/lib/debug.sh"

DEBUG_TARGETS=(arm64-el2-debug)
HOST_LOGS=$RESULTS_DIR/debug-host
SUMMARIES=()
TAP_FILES=()

# host_test NAME COMMAND...: one host result (debug-host.NAME), lib/common.sh
host_test() { host_result "debug-host" "$@"; }

# The checkers of the debug kernel must fail a run: each line below is the
# first line of one kind of report, and the scanner must print every one.
scan_log_sanitizers() {
	local f=$HOST_LOGS/scan-sanitizers.txt out n
	cat >"$f" <<-'LOG'
		[    5.000001] BUG: KASAN: slab-use-after-free in hv_vm_put+0x10/0x20 [hv]
		[    5.100001] BUG: KFENCE: use-after-free read in hv_vm_put+0x10/0x20 [hv]
		[    6.000001] WARNING: possible circular locking dependency detected
		[    6.100001] WARNING: inconsistent lock state
		[    6.200001] WARNING: possible recursive locking detected
		[    6.300001] WARNING: suspicious RCU usage
		[    6.400001] INFO: trying to register non-static key.
		[    7.000001] BUG: sleeping function called from invalid context at mm/slub.c:4123
		[    8.000001] BUG kmalloc-64 (Tainted: G           O      ): Redzone overwritten
		[    8.200001] ODEBUG: free active (active state 0) object: 00000000a1b2c3d4 object type: timer_list
		[    8.300001] kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
		[    8.400001] Call trace:
	LOG
	out=$("$HVTEST_DIR/scan-log.sh" "$f") && return 1
	n=$(grep -c '^\[' <<<"$out")
	echo "$out"
	[[ $n -eq $(grep -c '^\[' "$f") ]]
}

# The final dmesg dump must hold the whole run: one that begins after boot
# (the ring buffer overflowed and dropped the start, reports included)
# fails the scan; the same dump from boot on passes.
scan_log_lost_start() {
	local f=$HOST_LOGS/scan-lost-start.txt g=$HOST_LOGS/scan-whole.txt out
	cat >"$f" <<-'LOG'
		[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x000f0510]
		HVTEST: ok module.load
		HVTEST-DMESG-BEGIN
		[   69.123456] netlink: 4 bytes leftover after parsing attributes in process `hv-soak'.
		[   70.000000] CPU1: shutdown
		HVTEST-DMESG-END
	LOG
	sed 's/\[   69\.123456\]/[    0.000000]/' "$f" >"$g"
	out=$("$HVTEST_DIR/scan-log.sh" "$f") && return 1
	echo "$out"
	grep -q '^kernel log dump incomplete: it begins at "\[   69\.123456\]' <<<"$out" &&
		"$HVTEST_DIR/scan-log.sh" "$g"
}

run_host_tests() {
	local t0=$SECONDS
	mkdir -p "$HOST_LOGS"
	tap_open "$RESULTS_DIR/debug-host.tap"
	host_test setup "$HVTEST_DIR/setup.sh" || true
	if host_test kernel.arm64 "$HVTEST_DIR/debug-kernel.sh" arm64; then
		sed -n 's/^debug-kernel: //p' "$HOST_LOGS/kernel.arm64.log" | grep -E 'time|Elapsed' || true
		host_test artifacts.arm64 debug_artifacts || true
	else
		tap_result fail "debug-host.artifacts.arm64" "no debug kernel"
	fi
	host_test scan_log.sanitizers scan_log_sanitizers || true
	host_test scan_log.lost_log_start scan_log_lost_start || true
	tap_close
	TAP_FILES+=("$RESULTS_DIR/debug-host.tap")
	SUMMARIES+=("debug-host: $TAP_PASS passed, $TAP_FAIL failed ($((SECONDS - t0))s)")
}

# The debug kernel's checkers must fail a run inside a real guest: boot
# broken-debug/hvtest_sanitizers.ko (a lock-order inversion, a sleep under
# a spinlock, a leak, a use-after-free) and require each report.
run_sanitizer_selftest() {
	local t0=$SECONDS src=$HVTEST_DIR/broken-debug obj=$REPO/build/hvtest/sanitizers-ko
	local dir=$RESULTS_DIR/debug-selftest art=$REPO/build/hvtest/sanitizers-art
	local log=$HOST_LOGS/sanitizer-selftest.log tap kdir why="" pat
	tap_open "$RESULTS_DIR/debug-harness.tap"
	TAP_FILES+=("$RESULTS_DIR/debug-harness.tap")
	tap=$dir/debug-selftest.tap
	rm -rf "$obj" "$dir" "$art"
	mkdir -p "$obj" "$dir"
	cp "$src"/Kbuild "$src"/*.c "$obj/"
	if ! kdir=$("$HVTEST_DIR/debug-kernel.sh" --dir arm64 2>"$log")/build; then
		why="no debug kernel"
	elif [[ ! -d $DEBUG_ART ]]; then
		why="no $DEBUG_ART"
	elif ! make -C "$kdir" M="$obj" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		modules >>"$log" 2>&1; then
		why="building broken-debug/ failed (log: ${log#"$REPO"/})"
	else
		# Without the kselftests: only module.load and kmemleak.scan run.
		cp -a "$DEBUG_ART" "$art"
		rm -rf "$art/selftests"
		mkdir "$art/selftests"
		if T='' "$HVTEST_DIR/run.sh" arm64-el2-debug -T kmemleak.scan \
			--extra-ko "$obj/hvtest_sanitizers.ko" --artifacts "$art" \
			--label debug-selftest --results-dir "$dir" >>"$log" 2>&1; then
			why="the run passed despite the bugs (log: ${log#"$REPO"/})"
		fi
	fi
	if [[ -z $why ]]; then
		for pat in 'not ok [0-9]* debug-selftest.kernel_log_clean' \
			'#.*WARNING: possible circular locking dependency detected' \
			'#.*BUG: sleeping function called from invalid context' \
			'#.*BUG: KASAN: slab-use-after-free in hvtest_use_after_free' \
			'not ok [0-9]* debug-selftest.kmemleak.scan'; do
			grep -q "^$pat" "$tap" || { why="no '$pat' in ${tap#"$REPO"/}"; break; }
		done
	fi
	if [[ -z $why ]]; then
		tap_result ok debug-harness.detects_sanitizers
	else
		tap_result fail debug-harness.detects_sanitizers "$why"
	fi
	tap_close
	SUMMARIES+=("debug-harness: $TAP_PASS passed, $TAP_FAIL failed ($((SECONDS - t0))s)")
}

run_target() {
	local target=$1 out
	TAP_FILES+=("$RESULTS_DIR/$target.tap")
	rm -f "$RESULTS_DIR/$target.tap"
	"$HVTEST_DIR/run.sh" "$target" | tee "$HOST_LOGS/run-$target.out" || true
	out=$(tail -n 1 "$HOST_LOGS/run-$target.out")
	if [[ $out != "$target: "* ]]; then
		out="$target: run.sh did not finish"
		if [[ ! -f $RESULTS_DIR/$target.tap ]]; then
			tap_open "$RESULTS_DIR/$target.tap"
			tap_result fail "$target.run" "run.sh did not finish"
			tap_close
		fi
	fi
	SUMMARIES+=("$out")
}

main() {
	local t0=$SECONDS targets=("${DEBUG_TARGETS[@]}") t s passed failed
	[[ $# -gt 0 ]] && targets=("$@")
	mkdir -p "$RESULTS_DIR"
	run_host_tests
	for t in "${targets[@]}"; do
		run_target "$t"
	done
	run_sanitizer_selftest
	echo
	for s in "${SUMMARIES[@]}"; do
		echo "$s"
	done
	echo "total time: $((SECONDS - t0))s"
	read -r passed failed < <(tap_count "${TAP_FILES[@]}")
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
}

main "$@"
