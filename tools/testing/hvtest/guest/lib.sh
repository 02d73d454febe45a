# shellcheck shell=sh
# Guest-side helpers of the hv test harness (busybox sh), sourced by /init
# and by every step file in /hvtest/steps/.
#
# Output protocol on the console, one line each, read by the host (run.sh):
#   HVTEST: ok NAME
#   HVTEST: ok NAME # SKIP reason
#   HVTEST: not ok NAME # reason
#   HVTEST: plan BINARY N     results named BINARY.* that follow
#   HVTEST: results N         total results printed (before HVTEST-END)
# Every other console line (kernel messages, step output) is ignored by the
# host except by the kernel log scanner.

HVT_STATE=/tmp/hvtest
HVT_RESULTS=$HVT_STATE/results
HVT_REASON=$HVT_STATE/reason
: "${HVT_FILTER:=}"
# Wall-clock guard for one kselftest binary, in guest seconds (guest time runs
# slower than real time under Bochs, so this is generous on purpose; the
# harness of each binary also has its own per-test timeout).
: "${HVT_KSFT_TIMEOUT:=600}"

# hvt_report "ok"|"not ok" NAME [NOTE]: print one result line.
hvt_report() {
	if [ -n "${3:-}" ]; then
		echo "HVTEST: $1 $2 # $3"
	else
		echo "HVTEST: $1 $2"
	fi
	echo "$2" >>"$HVT_RESULTS"
}

# hvt_match NAME: does NAME pass the test filter (hv.filter= / T)?
# A filter with a glob character (* ? [) must match the whole name;
# any other filter selects the names that contain it.
hvt_match() {
	[ -z "$HVT_FILTER" ] && return 0
	case $HVT_FILTER in
	*[*?[]*)
		# shellcheck disable=SC2254 # the filter is a pattern on purpose
		case $1 in $HVT_FILTER) return 0 ;; esac
		return 1
		;;
	esac
	case $1 in *"$HVT_FILTER"*) return 0 ;; esac
	return 1
}

# --- for step files --------------------------------------------------------
# A step file is run in a subshell: exit 0 is "ok", fail/skip end it early.

fail() {
	echo "$*" >"$HVT_REASON"
	exit 1
}

skip() {
	echo "$*" >"$HVT_REASON"
	exit 4
}

# Kernel log without the "[   12.345678] " timestamps.
kmsg() {
	dmesg | sed 's/^\[[ 0-9.]*\] //'
}

# wait_chardev PATH [TENTHS]: wait until PATH is a character device.
# devtmpfs creates nodes from a kernel thread, so give it a moment.
wait_chardev() {
	n=${2:-50}
	while [ "$n" -gt 0 ]; do
		[ -c "$1" ] && return 0
		usleep 100000
		n=$((n - 1))
	done
	[ -c "$1" ]
}

# wait_gone PATH [TENTHS]: wait until PATH no longer exists.
wait_gone() {
	n=${2:-50}
	while [ "$n" -gt 0 ]; do
		[ -e "$1" ] || return 0
		usleep 100000
		n=$((n - 1))
	done
	[ ! -e "$1" ]
}

# --- kselftest binaries ------------------------------------------------------

# tap_cases OUTPUT CASES SUMMARY: parse the TAP 13 that one kselftest binary
# printed. Writes one "status<TAB>name<TAB>note" line per top-level result to
# CASES and "plan have_plan seen bail_out" to SUMMARY. Nested (indented)
# results belong to sub-runners and are not counted.
tap_cases() {
	awk -v cases="$2" -v summary="$3" '
	/^1\.\.[0-9]+/ { plan = substr($0, 4) + 0; have_plan = 1; next }
	/^Bail out!/ { bail = 1; next }
	# The harness explains a failure in "# file.c:line:test:..." lines
	# before the result: the last one is the reason of a bare "not ok".
	/^# [^ ]+:[0-9]+:/ { why = substr($0, 3); next }
	/^(not )?ok [0-9]+/ {
		line = $0
		status = "ok"
		if (line ~ /^not ok/) { status = "not ok"; line = substr(line, 8) }
		else line = substr(line, 4)
		num = line; sub(/[^0-9].*$/, "", num)
		sub(/^[0-9]+ ?/, "", line)
		note = ""
		i = index(" " line, " #")
		if (i) {
			note = substr(line, i)
			line = substr(line, 1, i - 1)
			sub(/^# */, "", note)
		}
		if (status == "not ok" && note == "") note = why
		why = ""
		gsub(/^[ \t]+|[ \t]+$/, "", line)
		gsub(/[ \t]+/, "_", line)
		if (line == "") line = num
		printf "%s\t%s\t%s\n", status, line, note > cases
		seen++
	}
	END { printf "%d %d %d %d\n", plan, have_plan, seen, bail > summary }
	' "$1"
}

# ksft_cases BINARY: the binary's case names, one per line, as its TAP
# results name them (FIXTURE[.VARIANT].TEST). "BINARY -l" (kselftest_harness.h)
# lists them without running anything, on stderr, exiting 4: per fixture, a
# table of three columns, the fixture name (padded to 20) on its first row,
# its variants (padded to 25) and its tests side by side; every variant runs
# every test. Names have no spaces, so an empty column is only padding.
ksft_cases() {
	timeout -s KILL "$HVT_KSFT_TIMEOUT" "$1" -l 2>&1 >/dev/null </dev/null | awk '
	function flush(  i, j) {
		if (fixture == "")
			return
		if (nv == 0) { nv = 1; variant[1] = "" }
		for (i = 1; i <= nv; i++)
			for (j = 1; j <= nt; j++)
				print fixture (variant[i] == "" ? "" : "." variant[i]) "." test[j]
		fixture = ""; nv = 0; nt = 0
	}
	/^# FIXTURE/ { next }
	/^-----/ { flush(); next }
	{
		w = 20
		if (substr($0, 1, 1) != " ") {
			flush()
			fixture = $1
			if (length(fixture) > w) w = length(fixture)
		}
		rest = substr($0, w + 2)
		if (rest != "" && substr(rest, 1, 1) != " ") {
			split(rest, word, " ")
			variant[++nv] = word[1]
			t = word[2]
		} else {
			t = rest
			gsub(/^ +| +$/, "", t)
		}
		if (t != "") test[++nt] = t
	}
	END { flush() }'
}

# run_kselftest BINARY: run one kselftest binary and report each of its cases
# as BINARY.CASE, then BINARY itself (exit status, plan complete).
# The filter selects what runs: a binary whose name passes it runs whole;
# otherwise only its cases that pass it run (one "-r CASE" each), and a
# binary with none is not started at all. Every binary in /hv/selftests
# uses kselftest_harness.h (the only way to list cases without running them).
run_kselftest() {
	bin=$1
	name=${bin##*/}
	out=$HVT_STATE/$name.out
	cases=$HVT_STATE/$name.cases
	summary=$HVT_STATE/$name.summary
	args=

	if ! hvt_match "$name"; then
		for c in $(ksft_cases "$bin"); do
			hvt_match "$name.$c" && args="$args -r $c"
		done
		[ -n "$args" ] || return 0
	fi

	# shellcheck disable=SC2086 # $args is "-r CASE" words or nothing
	ksft_exec "$bin" "$out" $args
	st=$?
	tap_cases "$out" "$cases" "$summary"
	read -r plan have_plan seen bail <"$summary"

	# Report the selected cases, with their count first so that the host
	# can tell when console lines went missing.
	selected=0
	: >"$cases.sel"
	while IFS='	' read -r cstatus cname cnote; do
		hvt_match "$name.$cname" || continue
		printf '%s\t%s\t%s\n' "$cstatus" "$cname" "$cnote" >>"$cases.sel"
		selected=$((selected + 1))
	done <"$cases"
	[ "$selected" -gt 0 ] && echo "HVTEST: plan $name $selected"
	while IFS='	' read -r cstatus cname cnote; do
		hvt_report "$cstatus" "$name.$cname" "$cnote"
	done <"$cases.sel"

	why=
	if [ "$st" -ge 128 ]; then
		why="killed by signal $((st - 128))"
		[ "$st" -eq 137 ] && why="$why (timeout ${HVT_KSFT_TIMEOUT}s?)"
	elif [ "$st" -ne 0 ] && [ "$st" -ne 4 ]; then
		why="exit status $st"
	fi
	if [ "$have_plan" = 0 ]; then
		why="${why:+$why, }no TAP plan"
	elif [ "$seen" -lt "$plan" ]; then
		why="${why:+$why, }$seen results for a plan of $plan"
	fi
	[ "$bail" = 1 ] && why="${why:+$why, }bailed out"
	if [ -n "$why" ]; then
		hvt_report "not ok" "$name" "$why"
	elif [ "$selected" -gt 0 ] || hvt_match "$name"; then
		hvt_report ok "$name"
	fi
}

# ksft_exec BINARY OUTPUT [ARGS]: run it under a timeout, keep its output
# (shown on the console indented, for whoever reads the log) and return its
# exit status.
ksft_exec() {
	ke_bin=$1
	ke_out=$2
	shift 2
	echo "HVTEST-RUN: $ke_bin${*:+ $*}"
	timeout -s KILL "$HVT_KSFT_TIMEOUT" "$ke_bin" "$@" >"$ke_out" 2>&1 </dev/null
	ke_rc=$?
	sed "s|^|  ${ke_bin##*/}: |" "$ke_out"
	return "$ke_rc"
}

# l2_filter: the L2 guest's console, each line marked "L2| ", and the words
# the log scanner looks for broken with a '~': they are the L2 kernel's
# (expected where a test makes it stop), not the L1 kernel's.
l2_filter() {
	sed -e 's/^/L2| /' -e 's/BUG/BUG~/g; s/WARNING:/WARNING~:/g; s/Oops/O~ops/g' \
		-e 's/Internal error/Internal~error/g; s/Unable to/Unable~to/g' \
		-e 's/protection fault/protection~fault/g; s/lockup/lock~up/g' \
		-e 's/LOCKUP/LOCK~UP/g; s/stall/st~all/g; s/blocked for/blocked~for/g' \
		-e 's/UBSAN/UB~SAN/g; s/[Pp]anic/pa~nic/g; s/Call [Tt]race/Call~trace/g' \
		-e 's/trying to register/trying~to register/g' \
		-e 's/suspected memory/suspected~memory/g; s/Disabling lock/Disabling~lock/g'
}
