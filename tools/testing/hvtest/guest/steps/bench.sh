# shellcheck shell=sh
# The full hvbench run for "make bench": hv, then KVM, then the report,
# whose JSON the host takes from the console between the markers.
. /hvtest/bench.lib.sh
bench_run
