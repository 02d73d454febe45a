#!/bin/bash
# collect.sh LOG TARGET: take hvbench's table and JSON out of a harness
# console log, check that the JSON parses, and write
# build/results/bench-TARGET.json. Prints the table.
set -euo pipefail
log=$1 target=$2
out=$(dirname "$log")/bench-$target.json

# step output is indented as "  bench: ..." in the log
strip() { sed -n 's/^  bench[a-z.]*: //p' "$log"; }
strip | sed -n '/^hvbench on /,/^HVBENCH-JSON-BEGIN/p' | grep -v '^HVBENCH-JSON-BEGIN'
strip | sed -n '/^HVBENCH-JSON-BEGIN/,/^HVBENCH-JSON-END/p' |
	grep -v '^HVBENCH-JSON-' >"$out"
[[ -s $out ]] || { echo "collect.sh: no hvbench JSON in $log" >&2; exit 1; }
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["rows"]' "$out" ||
	{ echo "collect.sh: $out does not parse" >&2; exit 1; }
echo "wrote ${out#"$PWD"/}"
