#!/bin/sh
# make demo: hvctl runs the stock Debian kernel as a guest of hv in the
# emulator (a target with HVT_GUEST_KERNEL=yes: arm64-el2-linux by
# default, x86-vmx-linux with DEMO=x86), boots it to a busybox shell and
# types commands on its console; without a guest kernel in the initramfs
# (x86-vmx) it shows the scenario guest instead.
# shellcheck source=steps/hvctl.l2.lib.sh disable=SC1091,SC2016
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/var/lib/hvctl
say() { printf '\n### %s\n' "$*"; }
run() { echo "# $*"; "$@"; }
fail() { echo "demo: $*"; exit 1; }
skip() { fail "$@"; }

insmod /hv/hv.ko || fail "insmod hv.ko failed"
run hvctl version

# The scenario guest: a few instructions that greet and wait for a stop.
demo_scenario() {
	hvctl_guest /tmp/guest.bin
	hvctl events >/tmp/events.out 2>&1 &
	say "define a VM: 1 vCPU, 1 MiB of RAM, 25% of a CPU at most"
	run hvctl create demo --vcpus 1 --memory 1M --cpu-quota 25% --image /tmp/guest.bin
	run hvctl list
	say "start it: a background VMM, its console on a unix socket"
	run hvctl start demo
	wait_for 60 grep -q hello "$HVCTL_STATE_DIR/demo.log"
	say "the guest's console"
	timeout 3 hvctl console demo </dev/null
	say "its statistics after 5 s"
	sleep 5
	run hvctl info demo
	say "a graceful stop: the guest sees the request and powers off"
	run hvctl stop demo
	say "start it again, then stop it by force"
	run hvctl start demo
	sleep 2
	run hvctl stop demo --force
	run hvctl destroy demo
	say "events"
	cat /tmp/events.out
	say "VMM log"
	cat "$HVCTL_STATE_DIR/demo.log"
}

# typein LINE: type LINE on the guest's console, then wait (60 s of guest
# time at most) until its shell prints the marker echoed after it.
n=0
typein() {
	n=$((n + 1))
	printf '%s; echo "--- $((%d + 1000))"\n' "$*" $n >&3
	l2_says /tmp/demo.out "$pid" "^--- $((n + 1000))" 60 ||
		fail "the guest did not answer '$*'"
}

demo_linux() {
	log=$HVCTL_STATE_DIR/demo.log
	cmdline=$(l2_cmdline panic=-1)
	l2_initramfs_sh /tmp/demo.cpio <<-'EOF'
		echo "demo /init: up after $(cut -d' ' -f1 /proc/uptime) s, starting a shell"
		export PS1='guest# '
		setsid cttyhack sh
		poweroff -f
	EOF
	hvctl events >/tmp/events.out 2>&1 &
	say "define a VM with the stock Debian kernel ($(uname -m)): 2 vCPUs, 256 MiB"
	run hvctl create demo --vcpus 2 --memory 256M --kernel "$L2_KERNEL" \
		--initrd /tmp/demo.cpio --cmdline "$cmdline"
	run hvctl list
	say "start it: a background VMM, its console in $log and on a unix socket"
	t0=$(cut -d' ' -f1 /proc/uptime)
	run hvctl start demo || fail "start failed"
	pid=$(cat $HVCTL_STATE_DIR/demo.pid)
	say "the guest boots (its console, as the VMM logs it)"
	tail -f "$log" &
	tailpid=$!
	l2_prompt "$log" "$pid" "guest# " 600 || fail "no shell prompt from the guest"
	kill $tailpid
	t1=$(cut -d' ' -f1 /proc/uptime)
	say "a shell prompt after $(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}') s; now typing through 'hvctl console demo'"
	rm -f /tmp/demo.in
	mkfifo /tmp/demo.in
	hvctl console demo </tmp/demo.in >/tmp/demo.out 2>&1 &
	cpid=$!
	exec 3>/tmp/demo.in
	# show the console from here on, as the guest answers
	tail -c 0 -f /tmp/demo.out &
	tailpid=$!
	typein 'uname -a'
	typein 'echo "this guest has $(nproc) CPUs, $(grep MemTotal /proc/meminfo)"'
	typein 'grep -i -E "uart|serial|ttyS|pl011|CPU" /proc/interrupts'
	typein 'echo 0 >/sys/devices/system/cpu/cpu1/online; cat /sys/devices/system/cpu/online'
	typein 'echo 1 >/sys/devices/system/cpu/cpu1/online; taskset -c 1 cat /sys/devices/system/cpu/online'
	typein 'echo $((6 * 7))'
	printf 'poweroff -f\n' >&3
	exec 3>&-
	wait $cpid
	kill $tailpid
	say "the guest powered itself off"
	run hvctl info demo
	echo "# hvctl destroy demo"
	wait_for 30 hvctl destroy demo || hvctl destroy demo
	say "events"
	cat /tmp/events.out
}

if [ -f /hv/images/linux.Image ] || [ -f /hv/images/linux.bzImage ]; then
	l2_kernel
	demo_linux
else
	demo_scenario
fi
