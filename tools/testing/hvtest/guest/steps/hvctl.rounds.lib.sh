# shellcheck shell=sh
# Typed rounds on the stock kernel with 2 vCPUs, for the stress steps
# (hvctl.linux-hotplug, hvctl.linux-console-storm). Sourced, not a step.
#
#   l2_rounds_start VM INITRD  create and start VM (2 vCPUs, 256 MiB, a
#                              quiet kernel), wait for its /init's line
#                              "VM-init: cpus 2", open its console on fd 3
#   l2_rounds VM N STEP        N rounds: type "go R" ("end N" the last) and
#                              wait for the guest's "VM-round R ... end";
#                              then for its poweroff (after "end")
#
# A round that does not end within 120 s of L1 guest time gives the VM's
# state and the guest's panic by the NMI button (guest/init's vm_hung)
# and fails the step.

# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh

# l2_rounds_start VM INITRD: sets l2_log (the VMM's console log) and
# l2_pid (the VMM's pid); HVCTL_STATE_DIR is the step's.
l2_rounds_start() {
	l2_log=$HVCTL_STATE_DIR/$1.log
	hvctl create "$1" --vcpus 2 --memory 256M --kernel "$L2_KERNEL" \
		--initrd "$2" --cmdline "$(l2_cmdline quiet printk.time=0 panic=-1)" \
		--on-reboot stop || fail "create"
	rm -f "$l2_log" "/tmp/$1.in"
	mkfifo "/tmp/$1.in" || fail "mkfifo"
	hvctl start "$1" || fail "start: $(cat "$l2_log")"
	l2_pid=$(cat "$HVCTL_STATE_DIR/$1.pid")
	l2_says "$l2_log" "$l2_pid" "^$1-init:" || fail "no /init"
	tr -d '\r' <"$l2_log" | grep -q "^$1-init: cpus 2\$" ||
		fail "the guest does not count 2 CPUs: $(tr -d '\r' <"$l2_log" | grep "^$1-init:")"
	hvctl console "$1" <"/tmp/$1.in" >/dev/null 2>&1 &
	exec 3>"/tmp/$1.in"
}

# l2_rounds VM N STEP: the rounds, a progress line every tenth; closes the
# console's input at the end and waits for the VM's "guest poweroff".
l2_rounds() {
	_r=0
	while [ $_r -lt "$2" ]; do
		_r=$((_r + 1))
		if [ $_r = "$2" ]; then echo "end $_r" >&3; else echo "go $_r" >&3; fi
		# the whole line: the next round's printk lines must not cut into it
		l2_says "$l2_log" "$l2_pid" "^$1-round $_r .* end" 120 || {
			vm_hung "$1"
			fail "round $_r did not end in 120 s"
		}
		[ $((_r % 10)) = 0 ] && progress "HVTEST-RUN: $3: round $_r"
	done
	exec 3>&-
	wait_for 60 sh -c "hvctl info $1 | grep -q 'stop reason: *guest poweroff'" ||
		fail "no 'guest poweroff': $(hvctl info "$1")"
}
