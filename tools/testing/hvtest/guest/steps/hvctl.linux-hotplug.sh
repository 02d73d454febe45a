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
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-hp
log=$HVCTL_STATE_DIR/hp.log
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

hvctl create hp --vcpus 2 --memory 256M --kernel $L2_KERNEL \
	--initrd /tmp/l2hp.cpio --cmdline "$(l2_cmdline quiet printk.time=0 panic=-1)" \
	--on-reboot stop || fail "create"
rm -f "$log" /tmp/hp.in
mkfifo /tmp/hp.in || fail "mkfifo"
progress "HVTEST-RUN: hvctl.linux-hotplug: starting the L2 guest (2 vCPUs, $rounds rounds)"
hvctl start hp || fail "start: $(cat "$log")"
pid=$(cat $HVCTL_STATE_DIR/hp.pid)
l2_says "$log" "$pid" "hp-init:" || fail "no /init"
tr -d '\r' <"$log" | grep -q '^hp-init: cpus 2$' ||
	fail "the guest does not count 2 CPUs: $(tr -d '\r' <"$log" | grep hp-init:)"
hvctl console hp </tmp/hp.in >/dev/null 2>&1 &
exec 3>/tmp/hp.in
r=0
while [ $r -lt "$rounds" ]; do
	r=$((r + 1))
	if [ $r = "$rounds" ]; then echo "end $r" >&3; else echo "go $r" >&3; fi
	# the whole line: the next round's printk lines must not cut into it
	l2_says "$log" "$pid" "^hp-round $r .* end" 120 || {
		vm_hung hp
		fail "round $r did not end in 120 s"
	}
	[ $((r % 10)) = 0 ] && progress "HVTEST-RUN: hvctl.linux-hotplug: round $r"
done
exec 3>&-
wait_for 60 sh -c "hvctl info hp | grep -q 'stop reason: *guest poweroff'" ||
	fail "no 'guest poweroff': $(hvctl info hp)"
n=$(tr -d '\r' <"$log" | grep -c '^hp-round [0-9]* 0-1 end$')
[ "$n" = "$rounds" ] || fail "$n of $rounds rounds ended with both CPUs online"
echo "$rounds rounds, $((rounds / 5)) of them with CPU 1 offline and online again: both CPUs online after each"
wait_for 30 hvctl destroy hp || fail "destroy"
