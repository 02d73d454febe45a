# shellcheck shell=sh
# hvbench runs, quickly, and its report parses: proves the benchmark works
# (figures are for "make bench"). x86: hv and KVM in this boot. arm64: the
# one that owns EL2 in this boot (hv if loaded, else the kernel's KVM).
. /hvtest/bench.lib.sh
if [ "$(uname -m)" = x86_64 ]; then
	# with the interrupt rows: hvbench's watchdog turns an interrupt
	# that never comes into an error instead of a hang (performance.rst)
	bench_run --quick
	sides="hv kvm"
	for r in timer_irq gsi_irq gsi_irq_irqfd ipi_roundtrip timer_irq_xapic \
		gsi_irq_from_vmm; do
		grep -q "\"name\": \"$r\"" /tmp/bench.json || fail "no $r row"
	done
elif [ -c /dev/hv ]; then
	bench_side hv --quick
	bench_report /tmp/hv.rows -
	sides=hv
else
	[ -c /dev/kvm ] || skip "neither /dev/hv nor /dev/kvm"
	bench_side kvm --quick
	bench_report - /tmp/kvm.rows
	sides=kvm
fi
grep -q '"name": "mmio_exit"' /tmp/bench.json || fail "no mmio_exit row"
grep -q '"name": "first_touch"' /tmp/bench.json || fail "no first_touch row"
for s in $sides; do
	grep -q "\"$s\": [0-9]" /tmp/bench.json || fail "no $s figures"
done
