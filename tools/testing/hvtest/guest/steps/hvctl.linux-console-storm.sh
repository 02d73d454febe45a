# shellcheck shell=sh
# The console under load on the stock Debian kernel with 2 vCPUs (stress;
# not in make check): in each of $rounds rounds the host types a line on
# the guest's console (the 16550's receive interrupt, the tty's echo) and
# /init answers it as hvctl.linux-smp answers its "go": two busy
# processes start, one pinned to each CPU, /init writes a 16 KiB block to
# ttyS0 (the tty's write path, the THR-empty interrupt) and 32 lines
# through printk (the console's polled path), and waits for the busy
# processes. That is where hvctl.linux-smp's rare hang came (the serial
# interrupt handler spinning on the port lock, right after typed input),
# without the boot, the hotplug and the poweroff around it: several
# times the exposure a minute. A round that does not end within 120 s of
# L1 guest time gives the VM's state and the guest's panic by the NMI
# button (guest/init's vm_hung) and fails the step.
# shellcheck source=hvctl.rounds.lib.sh
. /hvtest/steps/hvctl.rounds.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-storm
l2_kernel
rounds=60

l2_initramfs_root
awk 'BEGIN { c = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	for (i = 0; i < 128; i++) { s = sprintf("T%03d:", i);
		for (j = 0; length(s) < 127; j++) s = s substr(c, (i * 11 + j) % 62 + 1, 1);
		print s } }' >$L2_ROOT/tty.blk
awk 'BEGIN { for (i = 0; i < 32; i++) printf "K%03d:%0122d\n", i, i }' >$L2_ROOT/kmsg.blk

l2_initramfs_sh /tmp/l2storm.cpio <<'GUEST'
echo "storm-init: cpus $(grep -c ^processor /proc/cpuinfo)"
busy() {
	taskset -c $1 sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done' &
}
while read -r go n; do
	busy 0
	busy 1
	echo "storm-begin $n"
	cat /tty.blk
	while read -r l; do echo "<3>$l" >/dev/kmsg; done </kmsg.blk
	wait
	echo "storm-round $n $(cat /sys/devices/system/cpu/online) end"
	[ "$go" = end ] && break
done
poweroff -f
GUEST

progress "HVTEST-RUN: hvctl.linux-console-storm: starting the L2 guest (2 vCPUs, $rounds rounds)"
l2_rounds_start storm /tmp/l2storm.cpio
l2_rounds storm $rounds hvctl.linux-console-storm
n=$(tr -d '\r' <"$l2_log" | grep -c '^T127:')
[ "$n" = "$rounds" ] || fail "$n of $rounds tty blocks ended in the log"
echo "$rounds rounds of 16 KiB through the tty and 4 KiB through printk, each after a typed line, both CPUs busy: all ended"
wait_for 30 hvctl destroy storm || fail "destroy"
