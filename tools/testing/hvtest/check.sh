#!/bin/bash
# check.sh [TARGET...]: everything "make check" runs.
#
#   1. setup.sh (packages, kernels, headers)
#   2. host tests -> build/results/host.tap: artifacts for both arches,
#      compile checks (6.12 x86, 6.1 x86, 6.12 arm64), sparse, checkpatch,
#      and a unit test of the kernel log scanner
#   3. each target with run.sh -> build/results/<target>.tap
#      (default: TARGETS below; or the arguments; or $TARGET; $T filters tests)
#   4. the harness self-test -> build/results/harness.tap: a module that
#      WARNs on load must make an x86-novmx run fail (harness.detects_warn),
#      and a step that never ends must fail alone (harness.step_limit)
#
# Two lanes run at once (the machine has 2 cores; each emulator is one busy
# thread, Bochs even with 2 guest CPUs): once the artifacts are built, lane
# 1 boots its targets while lane 2 runs the rest of the host checks, then
# its targets, then the self-test. A target's TAP lines are printed when it
# ends (build/results/host/run-<target>.out), whole. With fewer than 2 host
# CPUs, or CHECK_LANES=1, everything runs one after the other.
#
# A failed prerequisite is recorded as a failure and the rest goes on.
# Ends with every summary line in a fixed order (host, TARGETS' order,
# harness), the total time and "N passed, N failed"; exits 1 if anything
# failed.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# The targets of "make check", in the order of the summary: NAME LANE.
# Lane 1 holds the two long Bochs targets, x86-vmx (~700 s) and
# x86-vmx-linux (the stock kernel under hv, nine L2 steps: ~900 s); lane 2
# the host checks (~230 s) and everything else (~1,500 s, of which
# x86-vmx-smp ~650 s with its 2-vCPU Linux step, arm64-el2-linux ~350 s
# and arm64-el2 ~200 s). A new target goes into the lane whose sum is
# smaller (README.md, "Time of make check"). Adding a target is adding
# its line.
TARGETS="
x86-novmx    2
arm64-el2    2
arm64-kvm    2
arm64-nvhe   2
x86-vmx      1
x86-vmx-smp  2
x86-vmx-xsave 2
arm64-kvm-nodebugfs 2
arm64-el2-mitigations 2
arm64-el2-poison 2
arm64-el2-linux 2
x86-vmx-linux 1
"
HOST_LOGS=$RESULTS_DIR/host
declare -A ARTIFACTS_OK=()

# host_test NAME COMMAND...: one host result (host.NAME), lib/common.sh
host_test() { host_result "host" "$@"; }

# --- log scanner unit test ---------------------------------------------------

# Synthetic logs: the scanner must flag a WARNING, pass a clean boot, and
# skip only the warnings its allowlist names.
scan_log_flags_warning() {
	local f=$HOST_LOGS/scan-warn.txt
	cat >"$f" <<-'LOG'
		[    1.000000] hv: loading out-of-tree module taints kernel.
		[    1.100000] ------------[ cut here ]------------
		[    1.100001] WARNING: CPU: 0 PID: 70 at drivers/hv/main.c:12 hv_init+0x5/0x10 [hv]
		[    1.100002] Call Trace:
		[    1.100003] ---[ end trace 0000000000000000 ]---
		HVTEST: ok module.load
	LOG
	local out
	out=$("$HVTEST_DIR/scan-log.sh" "$f") && return 1
	grep -q 'WARNING: CPU: 0' <<<"$out"
}

scan_log_passes_clean() {
	local f=$HOST_LOGS/scan-clean.txt
	cat >"$f" <<-'LOG'
		[    0.000000] Linux version 6.12.117+deb12-amd64
		[    0.100000] Warning: unable to open an initial console.
		HVTEST: ok module.load
		HVTEST: not ok Oops.BUG:.WARNING: # a test name is not kernel output
		[    2.000000] hv: VMX not supported
	LOG
	"$HVTEST_DIR/scan-log.sh" "$f"
}

scan_log_allowlist() {
	local f=$HOST_LOGS/scan-allow.txt out
	cat >"$f" <<-'LOG'
		[    0.000000] WARNING: CPU: 0 PID: 0 at arch/x86/kernel/cpu/topology_common.c:57 parse_legacy+0x10e/0x130
		[    0.000000] Call Trace:
		[    0.000000] ---[ end trace 0000000000000000 ]---
		[    3.000000] WARNING: CPU: 0 PID: 70 at drivers/hv/main.c:12 hv_init+0x5/0x10 [hv]
		[    3.000001] Call Trace:
		[    3.000002] ---[ end trace 0000000000000000 ]---
	LOG
	out=$("$HVTEST_DIR/scan-log.sh" --allow "$HVTEST_DIR/targets/bochs.allow" "$f" 2>/dev/null) && return 1
	grep -q 'hv_init' <<<"$out" && ! grep -q parse_legacy <<<"$out"
}

# l2_says (the L2 steps' wait for a console line) waits for the whole
# line: the console's last line may be half written. Seen in CI (stop
# 25): hvctl.linux-console's wait for "S-3 " matched
# "S-3 4096 8322794d6826a9ce5c6b" with the rest of the md5sum still on
# its way, and the step read that as the guest's answer. A half line
# still counts once the VMM has exited (it is all there will be), and a
# shell's prompt, which no newline ends, counts for l2_prompt.
l2_says_whole_line() {
	local f=$HOST_LOGS/says.txt dead
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	(
		# shellcheck source=guest/steps/hvctl.says.lib.sh
		. "$HVTEST_DIR/guest/steps/hvctl.says.lib.sh"
		# shellcheck disable=SC2016 # what the guest was typed
		printf 'l2sh# echo S-$((1*3))\r\nS-3 4096 8322794d' >"$f"
		if l2_says "$f" $$ '^S-3 ' 1; then
			echo "l2_says matched a half line"
			exit 1
		fi
		l2_says "$f" "$dead" '^S-3 ' 1 ||
			{ echo "l2_says missed a half line the exited VMM left"; exit 1; }
		printf '6826a9ce5c6bad362935e7fb\r\n' >>"$f"
		l2_says "$f" $$ '^S-3 ' 1 ||
			{ echo "l2_says missed the whole line"; exit 1; }
		# a prompt is a line no newline ends: l2_prompt sees it
		printf 'l2sh# ' >>"$f"
		l2_prompt "$f" $$ 'l2sh# ' 1 ||
			{ echo "l2_prompt missed a prompt"; exit 1; }
	)
}

# --- user-space code tested on the host (selftests/hv/host/) -------------------
# insn_decode_test: the x86 MMIO instruction decoder; virtio_test: the VMM's
# virtio devices; acpi_test: the x86 guest's ACPI tables (with iasl and
# acpiexec); x86_boot_test: the bzImage and multiboot loaders (with the
# stock kernel too); uart16550_test: the 16550's interrupts; fdt_test: the
# arm64 guest's device tree (with dtc); display_test, vnc_test: the
# framebuffer, its PNG and VNC views; console_test: the VMM's console;
# vsock_test: virtio-vsock (packets, credit, hostile guests); hvc_test:
# the virtio console.
HOST_TESTS="insn_decode_test virtio_test acpi_test x86_boot_test uart16550_test fdt_test display_test vnc_test console_test vsock_test hvc_test"
# virtio_net_test: virtio-net's rules, and the device on a tap (in a
# network namespace of its own)
HOST_TESTS+=" virtio_net_test"
# ratelimit_test: the I/O quotas' token buckets, on a clock of its own
HOST_TESTS+=" ratelimit_test"
# virtio_input_test: the virtio-input keyboard and tablet of --vnc
HOST_TESTS+=" virtio_input_test"

run_host_test() {
	local out=$REPO/build/host
	make -C "$REPO/selftests/hv/host" OUTPUT="$out" KSFT_DIR="$KSFT_DIR" \
		"$out/$1" && HV_TEST_VMLINUZ=$VMLINUZ_X86 "$out/$1"
}

# --- steps ---------------------------------------------------------------------

# The host tests come in two halves: what the targets need (setup,
# artifacts), then the checks, which run while lane 1 boots.
host_prepare() {
	HOST_T0=$SECONDS
	tap_open "$RESULTS_DIR/host.tap"
	host_test setup "$HVTEST_DIR/setup.sh" || true
	for arch in x86_64 arm64; do
		if host_test "artifacts.$arch" make -C "$REPO" artifacts ARCH="$arch"; then
			ARTIFACTS_OK[$arch]=1
		fi
	done
}

host_checks() {
	host_test compile_check.x86_64-6.12 make -C "$REPO" compile-check KDIR="$KDIR_X86" || true
	host_test compile_check.x86_64-6.1 make -C "$REPO" compile-check KDIR="$KDIR_X86_61" || true
	host_test compile_check.arm64-6.12 make -C "$REPO" compile-check ARCH=arm64 KDIR="$KDIR_ARM64" || true
	host_test sparse make -C "$REPO" sparse || true
	host_test checkpatch make -C "$REPO" checkpatch || true
	for t in $HOST_TESTS; do
		host_test "$t" run_host_test "$t" || true
	done
	host_test api_doc "$HVTEST_DIR/api-doc-check.sh" || true
	host_test api_doc.self_test "$HVTEST_DIR/api-doc-check.sh" --self-test || true
	host_test scan_log.flags_warning scan_log_flags_warning || true
	host_test scan_log.passes_clean scan_log_passes_clean || true
	host_test scan_log.allowlist scan_log_allowlist || true
	host_test l2_says.whole_line l2_says_whole_line || true
	tap_close
	echo "host: $TAP_PASS passed, $TAP_FAIL failed ($((SECONDS - HOST_T0))s)" \
		>"$(summary_file host)"
}

target_arch() {
	# shellcheck source-path=SCRIPTDIR source=targets/x86-vmx.conf
	(. "$HVTEST_DIR/targets/$1.conf" && echo "$HVT_ARCH")
}

# summary_file NAME: where the summary line of NAME (a target, host,
# harness) waits for the end; lanes run in subshells.
summary_file() {
	echo "$HOST_LOGS/summary-$1"
}

# say_whole FILE: print FILE in one piece, never in the middle of another
# lane's.
say_whole() {
	flock "$HOST_LOGS/.print.lock" cat "$1"
}

# run_target TARGET: run.sh TARGET, its output printed when it ends.
run_target() {
	local target=$1 arch out runout=$HOST_LOGS/run-$1.out
	rm -f "$(summary_file "$target")"
	if [[ ! -f $HVTEST_DIR/targets/$target.conf ]]; then
		tap_open "$RESULTS_DIR/$target.tap"
		tap_result fail "$target.exists" "no targets/$target.conf"
		tap_close
		echo "$target: 0 passed, 1 failed (0s)" >"$(summary_file "$target")"
		return
	fi
	arch=$(target_arch "$target")
	if [[ -z ${ARTIFACTS_OK[$arch]:-} ]]; then
		tap_open "$RESULTS_DIR/$target.tap"
		tap_result fail "$target.artifacts" "make artifacts ARCH=$arch failed: not booted"
		tap_close
		echo "$target: 0 passed, 1 failed (0s)" >"$(summary_file "$target")"
		return
	fi
	# run.sh prints its results and, last, its summary line.
	rm -f "$RESULTS_DIR/$target.tap"
	"$HVTEST_DIR/run.sh" "$target" >"$runout" 2>&1 || true
	say_whole "$runout"
	out=$(tail -n 1 "$runout")
	if [[ $out != "$target: "* ]]; then
		out="$target: run.sh did not finish"
		[[ -f $RESULTS_DIR/$target.tap ]] || {
			tap_open "$RESULTS_DIR/$target.tap"
			tap_result fail "$target.run" "run.sh did not finish"
			tap_close
		}
	fi
	echo "$out" >"$(summary_file "$target")"
}

# A step that never ends must fail alone: guest/init's step limit reports
# it with what every task was doing, kills it and what it started, and the
# steps after it run (target x86-novmx-hang, limit 5 s).
run_step_limit_selftest() {
	local dir=$RESULTS_DIR/selftest-hang log=$HOST_LOGS/harness-hang.log
	local tap=$dir/harness-hang.tap why=
	rm -rf "$dir"
	mkdir -p "$dir"
	# the run fails (harness.hang is "not ok" on purpose): the TAP decides
	T='' "$HVTEST_DIR/run.sh" x86-novmx-hang --label harness-hang \
		--results-dir "$dir" >"$log" 2>&1 || true
	if ! grep -q '^not ok [0-9]* harness-hang.harness.hang # fails: no end after 5s' "$tap"; then
		why="harness.hang was not reported as over its limit (see ${tap#"$REPO"/})"
	elif ! grep -q '^HVTEST-HUNG: harness.hang' "$dir/harness-hang.log"; then
		why="no HVTEST-HUNG lines in ${dir#"$REPO"/}/harness-hang.log"
	elif ! grep -Eq '^ *[0-9]+/task/[0-9]+ R cpu [1-9][0-9]* ticks sh .*while :' "$dir/harness-hang.log"; then
		why="the report does not show the spinning child's CPU time (${dir#"$REPO"/}/harness-hang.log)"
	elif grep -q "can't open" "$dir/harness-hang.log"; then
		# the clean-up reads /proc of processes it killed, which may be gone
		why="the step limit's clean-up printed a shell error: $(grep -m 1 "can't open" "$dir/harness-hang.log")"
	else
		for t in harness.hang_gone module.refuses results_complete boot_completed kernel_log_clean; do
			grep -q "^ok [0-9]* harness-hang.$t\b" "$tap" ||
				why+="${why:+; }$t is not ok"
		done
	fi
	if [[ -z $why ]]; then
		tap_result ok harness.step_limit
	else
		tap_result fail harness.step_limit "$why"
	fi
}

# The harness must catch a kernel WARNING inside a real guest: boot a module
# that warns on load and require the run to fail on kernel_log_clean.
run_harness_selftest() {
	local t0=$SECONDS src=$HVTEST_DIR/broken obj=$REPO/build/hvtest/broken-ko
	local dir=$RESULTS_DIR/selftest log=$HOST_LOGS/harness-selftest.log
	local why=
	tap_open "$RESULTS_DIR/harness.tap"
	# Kbuild writes next to the sources: build a copy under build/.
	rm -rf "$obj" "$dir"
	mkdir -p "$obj" "$dir"
	cp "$src"/Kbuild "$src"/*.c "$obj/"
	if ! make -C "$KDIR_X86" M="$obj" modules >"$log" 2>&1; then
		why="building broken/ failed (log: ${log#"$REPO"/})"
	elif T='' "$HVTEST_DIR/run.sh" x86-novmx -T extra_ko --extra-ko "$obj/hvtest_broken.ko" \
		--label harness-selftest --results-dir "$dir" >>"$log" 2>&1; then
		why="the run passed despite the WARNING (log: ${log#"$REPO"/})"
	elif ! grep -q '^not ok [0-9]* harness-selftest.kernel_log_clean' "$dir/harness-selftest.tap"; then
		why="kernel_log_clean was not 'not ok' (see $dir/harness-selftest.tap)"
	elif ! grep -q '^#.*WARNING:.*hvtest_broken' "$dir/harness-selftest.tap"; then
		why="the module's WARNING is not among the offending lines"
	fi
	if [[ -z $why ]]; then
		tap_result ok harness.detects_warn
	else
		tap_result fail harness.detects_warn "$why"
	fi
	run_step_limit_selftest
	tap_close
	echo "harness: $TAP_PASS passed, $TAP_FAIL failed ($((SECONDS - t0))s)" \
		>"$(summary_file harness)"
}

# lane N TARGET...: run those of the TARGETS that TARGETS puts in lane N
# (lane 2 also takes the ones it does not list), in the given order.
lane_targets() {
	local n=$1 t lane
	shift
	for t in "$@"; do
		lane=$(awk -v t="$t" '$1 == t { print $2 }' <<<"$TARGETS")
		[[ ${lane:-2} == "$n" || $LANES == 1 ]] && echo "$t"
	done
	return 0
}

lane1() {
	local t
	for t in $(lane_targets 1 "$@"); do
		run_target "$t"
	done
}

lane2() {
	local t
	host_checks
	for t in $(lane_targets 2 "$@"); do
		run_target "$t"
	done
	run_harness_selftest
}

main() {
	local t0=$SECONDS targets=() taps=() name passed failed lost=0 lane1_pid=
	if [[ $# -gt 0 ]]; then
		targets=("$@")
	elif [[ -n ${TARGET:-} ]]; then
		read -ra targets <<<"$TARGET"
	else
		read -ra targets <<<"$(awk 'NF { printf "%s ", $1 }' <<<"$TARGETS")"
	fi
	LANES=${CHECK_LANES:-2}
	[[ $(nproc) -ge 2 ]] || LANES=1
	mkdir -p "$RESULTS_DIR" "$HOST_LOGS"
	rm -f "$HOST_LOGS"/summary-*
	host_prepare
	if [[ $LANES == 1 ]]; then
		lane2 "${targets[@]}"
	else
		lane1 "${targets[@]}" &
		lane1_pid=$!
		lane2 "${targets[@]}"
		wait "$lane1_pid" || true
	fi

	echo
	for name in host "${targets[@]}" harness; do
		cat "$(summary_file "$name")" 2>/dev/null || echo "$name: no summary (check.sh broke)"
		if [[ -f $RESULTS_DIR/$name.tap ]]; then
			taps+=("$RESULTS_DIR/$name.tap")
		else
			lost=$((lost + 1))
		fi
	done
	echo "total time: $((SECONDS - t0))s"
	read -r passed failed < <(tap_count "${taps[@]}")
	# (a group without its .tap file counts as one failure)
	failed=$((failed + lost))
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
}

main "$@"
