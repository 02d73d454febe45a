# shellcheck shell=bash source-path=SCRIPTDIR
# Helpers shared by the host-side scripts of the hv test harness.
# Sourced, never run: sets HVTEST_DIR, REPO and everything in versions.env.

HVTEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO=$(cd "$HVTEST_DIR/../../.." && pwd)
export REPO

# shellcheck source=../versions.env
. "$HVTEST_DIR/versions.env"

# Progress and errors go to stderr so that stdout stays machine-readable
# (setup.sh --print-env, TAP lines).
say() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Debian arch name of a kernel ARCH (the names used under build/).
deb_arch() {
	case $1 in
	x86_64) echo amd64 ;;
	arm64) echo arm64 ;;
	*) die "unknown ARCH '$1' (x86_64 or arm64)" ;;
	esac
}

# --- TAP 13 writer ---------------------------------------------------------
# One file per result group. The plan goes last (allowed by TAP 13) because
# the number of results is only known at the end.

tap_open() {
	TAP_FILE=$1
	TAP_COUNT=0
	TAP_PASS=0
	TAP_FAIL=0
	mkdir -p "$(dirname "$TAP_FILE")"
	echo 'TAP version 13' >"$TAP_FILE"
}

# tap_result ok|fail NAME [DIRECTIVE-OR-REASON]
# For ok, a third argument such as "SKIP why" becomes "# SKIP why".
# For fail, it is the reason. The line is also printed on stdout.
tap_result() {
	local status=$1 name=$2 note=${3:-} line
	TAP_COUNT=$((TAP_COUNT + 1))
	if [[ $status == ok ]]; then
		TAP_PASS=$((TAP_PASS + 1))
		line="ok $TAP_COUNT $name"
	else
		TAP_FAIL=$((TAP_FAIL + 1))
		line="not ok $TAP_COUNT $name"
	fi
	[[ -n $note ]] && line+=" # $note"
	echo "$line" >>"$TAP_FILE"
	echo "$line"
}

# tap_diag TEXT...: "# "-prefixed diagnostic lines, in the file and on stdout.
tap_diag() {
	local l
	for l in "$@"; do
		echo "#   $l" >>"$TAP_FILE"
		echo "#   $l"
	done
}

# host_result PREFIX NAME COMMAND...: run COMMAND with its output in
# $HOST_LOGS/NAME.log and record one result, PREFIX.NAME; on failure show
# the log's first diagnostics (they say the most), else its end. For the
# host parts of check.sh, check-debug.sh and soak.sh.
host_result() {
	local prefix=$1 name=$2 log=$HOST_LOGS/$2.log l lines
	shift 2
	if "$@" >"$log" 2>&1; then
		tap_result ok "$prefix.$name"
		return 0
	fi
	tap_result fail "$prefix.$name" "failed: $* (log: ${log#"$REPO"/})"
	lines=$(grep -E '([Ee]rror|[Ww]arning|ERROR|WARNING|CHECK):|\*\*\*' "$log" | head -n 8 || true)
	[[ -n $lines ]] || lines=$(tail -n 8 "$log")
	while IFS= read -r l; do tap_diag "$l"; done <<<"$lines"
	return 1
}

tap_close() {
	echo "1..$TAP_COUNT" >>"$TAP_FILE"
}

# tap_count FILE...: prints "PASSED FAILED" summed over TAP files.
tap_count() {
	awk '/^ok [0-9]/ { p++ } /^not ok [0-9]/ { f++ }
	     END { printf "%d %d\n", p, f }' "$@" </dev/null
}
