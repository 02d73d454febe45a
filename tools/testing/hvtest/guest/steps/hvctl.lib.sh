# shellcheck shell=sh
# Helpers of the hvctl.* steps and demo.sh (sourced; not a step itself).

# hvctl_guest FILE: write the scenario guest to FILE. It is
# images/hvctl_guest_<arch>.S, assembled by `make artifacts` for the arch
# the emulator runs: entry 0x1000 greets, starts vCPU 1 when there is one
# and spins until asked to stop; 0x1100 touches 576K first.
hvctl_guest() {
	[ -f /hv/images/hvctl_guest.bin ] ||
		fail "/hv/images/hvctl_guest.bin missing (make artifacts)"
	cp /hv/images/hvctl_guest.bin "$1" || fail "cannot write $1"
}

# wait_for SECONDS CMD...: retry CMD every 0.2 s until it succeeds.
wait_for() {
	_n=$(($1 * 5))
	shift
	while [ $_n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
		_n=$((_n - 1))
	done
	return 1
}

# vm_state NAME: the VM's state as hvctl info prints it.
vm_state() {
	hvctl info "$1" | sed -n 's/^state: *//p'
}

# progress MESSAGE: show MESSAGE on the console at once (a step's own output
# is shown when it ends), for steps that take minutes under Bochs.
progress() {
	echo "  progress: $*" >/dev/console
}
