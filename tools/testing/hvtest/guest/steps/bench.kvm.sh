# shellcheck shell=sh
# "make bench" on arm64, second boot (KVM owns EL2): hvbench on KVM. Its
# rows are merged on the host with those of bench.hv's boot.
. /hvtest/bench.lib.sh
bench_side kvm
