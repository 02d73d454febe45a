# shellcheck shell=sh
# Waiting for a line of a log that a running process still writes (the L2
# guest's console, a VMM's log). Sourced by hvctl.l2.lib.sh; check.sh
# tests it on the host (host.l2_says.*), so it needs nothing of the L1 guest.

# l2_lines LOG: LOG's lines that have their newline. The last line of a
# log still being written may be half there ("S-3 4096 8322794d" of an
# answer whose md5sum's rest is on its way): a wait that matched it would
# hand the caller half an answer. Read from a copy, so that the test for
# the newline and the lines printed see the same bytes.
l2_lines() {
	_snap=${TMPDIR:-/tmp}/l2_lines.$$
	cat "$1" >"$_snap" 2>/dev/null || { rm -f "$_snap"; return 1; }
	if [ -n "$(tail -c 1 "$_snap")" ]; then
		sed '$d' "$_snap"
	else
		cat "$_snap"
	fi
	rm -f "$_snap"
}

# l2_says LOG PID PATTERN [SECONDS]: wait for a whole line matching PATTERN
# (a grep pattern) in LOG while the process PID (the VMM) runs; 1 if it
# exited without printing it or SECONDS (default 600, L1 guest time: an
# upper bound against a hung guest, never reached by a working one)
# passed. Once PID has exited, a last half line counts too: LOG is whole.
l2_says() {
	_l2_wait l2_lines "$@"
}

# l2_prompt LOG PID PATTERN [SECONDS]: l2_says for a shell's prompt, which
# no newline follows: the line being written counts too.
l2_prompt() {
	_l2_wait cat "$@"
}

# _l2_wait READER LOG PID PATTERN [SECONDS]: what both wait for; READER
# prints what of LOG counts.
_l2_wait() {
	_n=$((${5:-600} * 5))
	while [ $_n -gt 0 ]; do
		$1 "$2" | grep -q "$4" && return 0
		kill -0 "$3" 2>/dev/null || { grep -q "$4" "$2"; return; }
		sleep 0.2
		_n=$((_n - 1))
	done
	return 1
}
