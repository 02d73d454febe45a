# shellcheck shell=sh
# shellcheck disable=SC2016 # what the guest runs expands there
# The console's input and output at once on the stock Debian kernel with
# 2 vCPUs, with CPU hotplug (stress; not in make check): in each of 100
# rounds the host types a line on the guest's console (the
# 16550's receive interrupt, the tty's echo) and the guest answers with a
# burst of output (/proc/interrupts through the tty, three lines through
# printk: the console's polled path) while two busy processes keep both
# CPUs running; every fifth round it also takes CPU 1 offline and online
# again. This is the pattern of the rare hang of hvctl.linux-smp and
# hvctl.linux-console (both hung right after typed input). A round that
# does not end within 120 s of L1 guest time gives the VM's state
# (guest/init's vm_hung) and fails the step; so does a round whose line
# does not show both CPUs online, or a guest that does not count 2.
# shellcheck source=hvctl.rounds.lib.sh
. /hvtest/steps/hvctl.rounds.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-hp
l2_kernel
rounds=100

l2_initramfs_sh /tmp/l2hp.cpio <<'GUEST'
echo "hp-init: cpus $(grep -c ^processor /proc/cpuinfo)"
busy() { while :; do i=0; while [ $i -lt 1000 ]; do i=$((i + 1)); done; done; }
busy &
busy &
while read -r go n; do
	cat /proc/interrupts
	for k in 1 2 3; do
		echo "<3>hp-kmsg $n $k ................................................." >/dev/kmsg
	done
	if [ $((n % 5)) = 0 ]; then
		echo 0 >/sys/devices/system/cpu/cpu1/online
		echo 1 >/sys/devices/system/cpu/cpu1/online
	fi
	echo "hp-round $n $(cat /sys/devices/system/cpu/online) end"
	[ "$go" = end ] && break
done
poweroff -f
GUEST

progress "HVTEST-RUN: hvctl.linux-hotplug: starting the L2 guest (2 vCPUs, $rounds rounds)"
l2_rounds_start hp /tmp/l2hp.cpio
l2_rounds hp $rounds hvctl.linux-hotplug
n=$(tr -d '\r' <"$l2_log" | grep -c '^hp-round [0-9]* 0-1 end$')
[ "$n" = "$rounds" ] || fail "$n of $rounds rounds ended with both CPUs online"
echo "$rounds rounds, $((rounds / 5)) of them with CPU 1 offline and online again: both CPUs online after each"
wait_for 30 hvctl destroy hp || fail "destroy"
