# shellcheck shell=sh
# hvbench runs on hv and on KVM in this boot, quickly, and its report
# parses: proves the benchmark works (figures are for "make bench").
. /hvtest/bench.lib.sh
bench_run --quick
grep -q '"name": "cpuid_exit"' /tmp/bench.json || fail "no cpuid_exit row"
grep -q '"hv": [0-9]' /tmp/bench.json || fail "no hv figures"
grep -q '"kvm": [0-9]' /tmp/bench.json || fail "no KVM figures"
