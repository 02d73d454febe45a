# shellcheck shell=sh
# "make bench" on arm64, first boot (KVM off): hvbench on hv. Its rows are
# merged on the host with those of bench.kvm's boot.
. /hvtest/bench.lib.sh
bench_side hv
