#!/bin/bash
# scan-log.sh [--allow FILE]... LOG...: find signs of kernel trouble in
# console logs. Prints each offending line once (CRs stripped) and exits 1
# when there is any, 0 when the logs are clean, 2 on a usage error.
#
# --allow FILE: extended regexps, one a line ('#' starts a comment), of
# WARNING lines that are known emulator artefacts (e.g. Bochs' CPUID quirks
# at boot). Such a warning is skipped together with its report, up to its
# "---[ end trace" line. Prints "# ignored N known warning(s)" on stderr.
#
# Lines of the harness protocol (HVTEST...) are not kernel output and are
# skipped, so a test name cannot trip the scanner; kernel messages are
# scanned from their "[ seconds]" timestamp on.
#
# The final kernel log dump (the lines after HVTEST-DMESG-BEGIN) must
# begin at boot ("[    0.000000]"): the console is "quiet", so warnings
# (WARN, lockdep) reach the scan only in that dump, and a dump that begins
# later means the kernel's ring buffer overflowed and dropped the start of
# the run, reports included. Such a log fails with a line that says so.
set -euo pipefail

# Case-sensitive on purpose: "Warning: unable to open an initial console"
# and "oops=panic" on the command line are not trouble; "WARNING:" and
# "Oops" are what the kernel prints when something is wrong.
PATTERNS=(
	'BUG:' 'kernel BUG at' 'WARNING:' 'Oops' 'Internal error:'
	'Unable to handle kernel' 'general protection fault'
	'soft lockup' 'hard LOCKUP' 'RCU stall' 'rcu.*detected stall'
	'blocked for more than [0-9]+ seconds' 'UBSAN:'
	'Kernel panic' 'Call Trace' 'Call trace:'
	# The debug kernel's checkers (the *-debug targets). KASAN, KFENCE,
	# lockdep and DEBUG_ATOMIC_SLEEP report as "BUG:" or "WARNING:"; SLUB
	# debugging, lockdep's uninitialised locks and kmemleak do not.
	'BUG [^ ]+ \((Not tainted|Tainted)' 'INFO: trying to register non-static key'
	'ODEBUG:' 'new suspected memory leak' 'Disabling lock debugging'
)

# A warning's report is a few dozen lines: never skip more than this, so that
# a report cut short cannot hide the rest of the log.
MAX_REPORT_LINES=80

usage() {
	echo "usage: ${0##*/} [--allow FILE]... LOG..." >&2
	exit 2
}

main() {
	local allow=() f regex
	while [[ ${1:-} == --allow ]]; do
		[[ -r ${2:-} ]] || usage
		allow+=("$2")
		shift 2
	done
	[[ $# -gt 0 ]] || usage
	for f in "$@"; do
		[[ -r $f ]] || { echo "${0##*/}: cannot read $f" >&2; exit 2; }
	done
	regex=$(IFS='|'; echo "${PATTERNS[*]}")
	# awk rather than grep: skip allowed reports, dedupe in order of sight.
	cat "$@" | tr -d '\r' | awk -v re="$regex" -v max="$MAX_REPORT_LINES" \
		-v allowfiles="${allow[*]:-}" '
		BEGIN {
			n = split(allowfiles, files, " ")
			for (i = 1; i <= n; i++)
				while ((getline l < files[i]) > 0)
					if (l !~ /^[ \t]*(#|$)/) allowed[++nallowed] = l
		}
		function is_allowed(s,   i) {
			for (i = 1; i <= nallowed; i++)
				if (s ~ allowed[i]) return 1
			return 0
		}
		# A kernel message can land in the middle of a harness line:
		# scan from its timestamp on. Other harness lines are skipped.
		match($0, /\[ *[0-9]+\.[0-9]+\] /) { $0 = substr($0, RSTART) }
		RSTART == 0 && /^HVTEST-DMESG-BEGIN/ { dump_first = 1; next }
		RSTART == 0 && /^HVTEST/ { dump_first = 0; next }
		dump_first && RSTART {
			dump_first = 0
			if ($0 !~ /^\[ *0\.0+\] /) {
				print "kernel log dump incomplete: it begins at \"" $0 \
					"\", not at boot: the ring buffer dropped the" \
					" messages before (reports among them are lost;" \
					" raise log_buf_len=)"
				found = 1
			}
		}
		skip > 0 {
			skip--
			if ($0 ~ /---\[ end trace/) skip = 0
			next
		}
		/WARNING:/ && is_allowed($0) { skip = max; ignored++; next }
		$0 ~ re && !seen[$0]++ { print; found = 1 }
		END {
			if (ignored) printf "# ignored %d known warning(s)\n", ignored > "/dev/stderr"
			exit found ? 1 : 0
		}'
}

main "$@"
