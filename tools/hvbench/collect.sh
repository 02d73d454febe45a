#!/bin/bash
# Take hvbench's results out of harness console logs into
# build/results/bench-TARGET.json (checked to parse) and print the table.
#
#   collect.sh LOG TARGET
#	one boot ran both sides and the report (x86): copy its table and JSON
#   collect.sh --merge HVBENCH HV_LOG KVM_LOG TARGET
#	one boot per side (arm64): take each boot's rows and make the report
#	with HVBENCH, an hvbench that runs on this host
set -euo pipefail

# step output is indented as "  bench...: " in the log
strip() { sed -n 's/^  bench[a-z.]*: //p' "$1"; }

# rows LOG SIDE: the rows one boot printed for SIDE
rows() {
	strip "$1" | sed -n "/^HVBENCH-ROWS-BEGIN $2\$/,/^HVBENCH-ROWS-END/p" | grep -v '^HVBENCH-ROWS-'
}

check_json() {
	[[ -s $1 ]] || { echo "collect.sh: no hvbench JSON for $1" >&2; exit 1; }
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["rows"]' "$1" ||
		{ echo "collect.sh: $1 does not parse" >&2; exit 1; }
	echo "wrote ${1#"$PWD"/}"
}

if [[ ${1:-} == --merge ]]; then
	hvbench=$2 hv_log=$3 kvm_log=$4 target=$5
	dir=$(dirname "$hv_log")
	out=$dir/bench-$target.json
	rows "$hv_log" hv >"$dir/bench-$target.hv.rows"
	rows "$kvm_log" kvm >"$dir/bench-$target.kvm.rows"
	for side in hv kvm; do
		[[ -s $dir/bench-$target.$side.rows ]] ||
			{ echo "collect.sh: no $side rows in the $side boot's log" >&2; exit 1; }
	done
	"$hvbench" report --target "$target" --json "$out" \
		"$dir/bench-$target.hv.rows" "$dir/bench-$target.kvm.rows"
	check_json "$out"
	exit 0
fi

log=$1 target=$2
out=$(dirname "$log")/bench-$target.json
strip "$log" | sed -n '/^hvbench on /,/^HVBENCH-JSON-BEGIN/p' | grep -v '^HVBENCH-JSON-BEGIN'
strip "$log" | sed -n '/^HVBENCH-JSON-BEGIN/,/^HVBENCH-JSON-END/p' |
	grep -v '^HVBENCH-JSON-' >"$out"
check_json "$out"
