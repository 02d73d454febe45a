# shellcheck shell=sh
# shellcheck disable=SC2016 # what the guest runs expands there
# CPU hotplug of the stock Debian kernel under console load (stress; not
# in make check): the guest, with 2 vCPUs, takes CPU 1 offline and online
# again HP_ROUNDS times while two busy writers print lines to the console (the 16550's
# interrupt-driven tty path) and through printk (/dev/kmsg, the console's
# polled path). Each round prints "hp-round N"; the guest powers off
# after the last one. The lines written by the writers are not checked
# (the tty may drop nothing, but the writers are stopped at an arbitrary
# moment): this step looks for hangs. A round that does not end within
# 120 s of L1 guest time gives the VM's state (guest/init's vm_hung).
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-hp
log=$HVCTL_STATE_DIR/hp.log
l2_kernel
rounds=${HP_ROUNDS:-30}

l2_initramfs_sh /tmp/l2hp.cpio <<EOF
echo "hp-init: cpus \$(grep -c ^processor /proc/cpuinfo)"
writer() {
	while :; do
		echo "hp-writer \$1 ........................................................"
		echo "<3>hp-kmsg \$1 ......................................" >/dev/kmsg
	done
}
writer 0 &
w0=\$!
writer 1 &
w1=\$!
i=0
while [ \$i -lt $rounds ]; do
	echo 0 >/sys/devices/system/cpu/cpu1/online
	echo 1 >/sys/devices/system/cpu/cpu1/online
	i=\$((i + 1))
	echo "hp-round \$i \$(cat /sys/devices/system/cpu/online)"
done
kill \$w0 \$w1
echo "hp-end"
poweroff -f
EOF

hvctl create hp --vcpus 2 --memory 256M --kernel $L2_KERNEL \
	--initrd /tmp/l2hp.cpio --cmdline "$(l2_cmdline quiet printk.time=0 panic=-1)" \
	--on-reboot stop || fail "create"
rm -f "$log"
progress "HVTEST-RUN: hvctl.linux-hotplug: starting the L2 guest (2 vCPUs, $rounds rounds)"
hvctl start hp || fail "start: $(cat "$log")"
pid=$(cat $HVCTL_STATE_DIR/hp.pid)
l2_says "$log" "$pid" "hp-init:" || fail "no /init"
r=0
while [ $r -lt "$rounds" ]; do
	r=$((r + 1))
	l2_says "$log" "$pid" "^hp-round $r " 120 || {
		vm_hung hp
		fail "round $r did not end in 120 s"
	}
	[ $((r % 5)) = 0 ] && progress "HVTEST-RUN: hvctl.linux-hotplug: round $r"
done
l2_says "$log" "$pid" "^hp-end" || fail "no end"
wait_for 60 sh -c "hvctl info hp | grep -q 'stop reason: *guest poweroff'" ||
	fail "no 'guest poweroff': $(hvctl info hp)"
tr -d '\r' <"$log" | grep -c '^hp-round ' | sed 's/^/hotplug rounds: /'
wait_for 30 hvctl destroy hp || fail "destroy"
