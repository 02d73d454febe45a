# shellcheck shell=sh
# shellcheck disable=SC2016 # what is typed into the guest expands there
# The interactive console of a Linux guest, and its CPU hotplug, in one
# boot of the stock Debian kernel with 2 vCPUs (an x86 boot costs ~150 s
# under Bochs). The guest's /init starts a shell on its console
# (setsid cttyhack: ttyAMA0 on arm64, ttyS0 on x86, both driven by their
# receive interrupts through hv's GIC / IOAPIC); everything after that is
# typed through `hvctl console` (its stdin a fifo) and checked in what it
# prints:
#   - arithmetic the shell must evaluate (the typed line itself does not
#     hold the answer, so only the shell's output can match);
#   - 4 KiB pasted at once into `cat >FILE` (32 lines of 127 characters):
#     the guest's md5sum of FILE proves every byte arrived once, in order;
#     `cat FILE` between two markers, whose md5sum the host takes from the
#     console, proves the output neither drops nor repeats;
#   - CPU 1 offline and online again (arm64: PSCI CPU_OFF then CPU_ON;
#     x86: INIT and SIPI again), then a process pinned to CPU 1 (taskset)
#     runs there (field 39 of /proc/self/stat);
#   - the paste and the hotplug again, in rounds: 2 here, as many as the
#     L1 command line's hv.console_rounds= says where a target repeats
#     them to find a rare hang (x86-vmx-stress; its hv.console_wait= also
#     shortens each wait, 120 s of L1 guest time here);
#   - the end: on x86 the NMI button (`hvctl nmi`): the guest panics on
#     its boot CPU with CPU 1's backtrace (what guest/init's vm_hung relies
#     on for a hung guest) and stops; on arm64, which has no NMI button,
#     the refusal, then `poweroff -f`: the VM stops with "guest poweroff".
# Also the boot-to-/init figure: L1 guest time from `hvctl start` to the
# /init's first line, L2 guest time (/proc/uptime in /init), the host's
# wall time in build/results/TARGET.times (the HVTEST-RUN lines) and, on
# x86, the L1 TSC cycles of that time (Bochs: one per instruction).
#
# Waits on the guest's own lines, never on a fixed time; fails as soon as
# the VMM exits early.
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-console
log=$HVCTL_STATE_DIR/cx.log
out=/tmp/cx.out
l2_kernel

cmdline=$(l2_cmdline quiet panic=-1)

l2_initramfs_sh /tmp/l2c.cpio <<'EOF'
echo "l2-init: uptime $(cut -d' ' -f1 /proc/uptime) cpus $(cat /sys/devices/system/cpu/online)"
export PS1='l2sh# '
setsid cttyhack sh
echo "l2-init: the shell left"
poweroff -f
EOF

# the VMM's pid, once started
pid=
bail() {
	# stopped first: a forced stop logs each vCPU's state (and on x86
	# the console UART's and its IOAPIC pin's), shown below
	if [ -n "$pid" ]; then
		hvctl stop cx --force >/dev/null 2>&1
		wait_for 30 sh -c "! kill -0 $pid 2>/dev/null"
	fi
	echo "--- the console"
	tr -d '\r' <$out 2>/dev/null | l2_filter | tail -n 120
	echo "--- the VMM's log"
	l2_filter <"$log" | tail -n 60
	echo "--- the VMM's state at the forced stop"
	grep -E "^(vCPU [0-9]+: |UART: |IOAPIC: )" "$log"
	[ -n "$pid" ] && wait_for 30 hvctl destroy cx
	fail "$*"
}

# says PATTERN [SECONDS]: wait for a console line matching PATTERN
rounds=$(sed -n 's/.*hv\.console_rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
wait=$(sed -n 's/.*hv\.console_wait=\([0-9]*\).*/\1/p' /proc/cmdline)
says() {
	l2_says $out "$pid" "$1" "${wait:-120}" || bail "the guest did not print '$1'"
}

now() { cut -d' ' -f1 /proc/uptime; }

hvctl create cx --vcpus 2 --memory 256M --kernel $L2_KERNEL \
	--initrd /tmp/l2c.cpio --cmdline "$cmdline" --on-reboot stop ||
	fail "create"
# (the VMM appends to its log: no line of an earlier run may match)
rm -f /tmp/cx.in $out "$log"
mkfifo /tmp/cx.in || fail "mkfifo"
progress "HVTEST-RUN: hvctl.linux-console: starting the L2 guest"
t0=$(now)
hvctl start cx || fail "start: $(cat "$log")"
pid=$(cat $HVCTL_STATE_DIR/cx.pid)
l2_says "$log" "$pid" "l2-init: uptime" 600 || bail "no /init in the VMM's log"
t1=$(now)
progress "HVTEST-RUN: hvctl.linux-console: the L2 /init runs"
l2=$(sed -n 's/.*l2-init: uptime \([0-9.]*\).*/\1/p' "$log")
fig="boot to /init: $(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}') s of L1 guest time, $l2 s of L2 guest time"
# the L1 TSC rate (x86; under Bochs a tick per emulated instruction)
khz=$(dmesg | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9]*\)\.\([0-9]\{3\}\) MHz.*/\1\2/p' | tail -n 1)
[ -z "$khz" ] && khz=$(dmesg | sed -n 's/.*tsc: Detected \([0-9]*\)\.\([0-9]\{3\}\) MHz TSC.*/\1\2/p' | tail -n 1)
[ -n "$khz" ] && fig="$fig, $(echo "$t0 $t1 $khz" | awk '{printf "%.0f", ($2 - $1) * $3 / 1000}') M L1 TSC cycles ($khz kHz)"
echo "$fig"

# the console: its input from the fifo (kept open on fd 3), its output in $out
hvctl console cx </tmp/cx.in >$out 2>&1 &
cpid=$!
exec 3>/tmp/cx.in
typein() { printf '%s\n' "$*" >&3; }
l2_prompt $out "$pid" 'l2sh# ' "${wait:-120}" || bail "no shell prompt"

typein 'echo A-$((6*7))'
says 'A-42'
echo "typed: arithmetic answered (A-42)"

# 4 KiB typed at once: 32 lines of 127 characters and their newlines
awk 'BEGIN { c = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	for (i = 0; i < 32; i++) { s = sprintf("%02d:", i);
		for (j = 0; length(s) < 127; j++) s = s substr(c, (i * 7 + j) % 62 + 1, 1);
		print s } }' >/tmp/cx.paste
size=$(wc -c </tmp/cx.paste)
sum=$(md5sum </tmp/cx.paste | cut -d' ' -f1)
[ "$size" = 4096 ] || fail "the paste is $size bytes, not 4096"
# paste: 4 KiB typed at once, its md5sum in the guest; hotplug: CPU 1 off
# (cpus online "0"), on again ("0-1"), work on CPU 1. Each round's
# markers are new (P-<r+1>READY, S-<3r>, H<r>-...): the typed line holds
# only the expression, so only the shell's output can match.
r=0
while [ $r -lt "${rounds:-2}" ]; do
	r=$((r + 1))
	typein "echo P-\$(($r+1))READY; cat >/tmp/p"
	says "P-$((r + 1))READY"
	cat /tmp/cx.paste >&3
	printf '\004' >&3
	typein "echo S-\$(($r*3)) \$(wc -c </tmp/p) \$(md5sum </tmp/p)"
	says "S-$((r * 3)) "
	got=$(tr -d '\r' <$out | sed -n "s/^S-$((r * 3)) \([0-9]*\) \([0-9a-f]*\).*/\1 \2/p" | tail -n 1)
	[ "$got" = "$size $sum" ] ||
		bail "round $r: the guest received '$got' (bytes md5), not '$size $sum'"
	echo "round $r: 4096 bytes pasted at once reached the guest intact (md5 $sum)"
	if [ $r = 1 ]; then
		typein 'echo B-$((0))EGIN; cat /tmp/p; echo E-$((0))ND'
		says 'E-0ND'
		back=$(tr -d '\r' <$out | sed -n '/^B-0EGIN$/,/^E-0ND$/p' | sed '1d;$d' | md5sum | cut -d' ' -f1)
		[ "$back" = "$sum" ] || {
			tr -d '\r' <$out | sed -n '/^B-0EGIN$/,/^E-0ND$/p' | head -n 40
			bail "cat of the paste came back with md5 $back, not $sum"
		}
		echo "output: the 4096 bytes came back through the console intact"
	fi
	typein "echo 0 >/sys/devices/system/cpu/cpu1/online; echo H$r-\$((0))OFF \$(cat /sys/devices/system/cpu/online)"
	says "H$r-0OFF"
	tr -d '\r' <$out | grep -q "^H$r-0OFF 0\$" ||
		bail "round $r: CPU 1 did not go offline: $(tr -d '\r' <$out | grep "^H$r-0OFF")"
	typein "echo 1 >/sys/devices/system/cpu/cpu1/online; echo H$r-\$((1))ON \$(cat /sys/devices/system/cpu/online) \$(taskset -c 1 cut -d' ' -f39 /proc/self/stat)"
	says "H$r-1ON"
	tr -d '\r' <$out | grep -q "^H$r-1ON 0-1 1\$" ||
		bail "round $r: CPU 1 did not come back to run work: $(tr -d '\r' <$out | grep "^H$r-1ON")"
	echo "hotplug round $r: CPU 1 went offline, came back and ran a pinned process"
	[ "${rounds:-2}" -gt 2 ] &&
		progress "HVTEST-RUN: hvctl.linux-console: round $r of $rounds (L1 uptime $(now))"
done
typein 'grep -E "^cpu[01] " /proc/stat'
typein 'echo D-$((9))ONE'
says 'D-9ONE'
tr -d '\r' <$out | grep -E '^cpu[01] '

case $(uname -m) in
aarch64)
	# no NMI button on arm64: refused, and the guest goes on
	nmi=$(hvctl nmi cx 2>&1) && bail "hvctl nmi succeeded on arm64"
	echo "$nmi" | grep -q "no NMI on this architecture" ||
		bail "hvctl nmi on arm64: '$nmi'"
	echo "hvctl nmi: refused on arm64 ($nmi)"
	typein 'poweroff -f'
	exec 3>&-
	wait_for 60 sh -c "hvctl info cx | grep -q 'stop reason: *guest poweroff'" ||
		bail "no 'guest poweroff' after 'poweroff -f': $(hvctl info cx)"
	wait $cpid
	echo "poweroff -f typed: the VM stopped with 'guest poweroff'"
	;;
*)
	# The NMI button: CPU 0 takes it through LINT1 and panics
	# (l2_cmdline), with CPU 1's backtrace; panic=-1 restarts, which
	# --on-reboot stop turns into "guest shutdown".
	hvctl nmi cx || bail "hvctl nmi cx"
	exec 3>&-
	wait_for 120 sh -c "hvctl info cx | grep -q 'stop reason: *guest shutdown'" ||
		bail "no 'guest shutdown' after hvctl nmi: $(hvctl info cx)"
	wait $cpid
	tr -d '\r' <"$log" | grep -q 'Kernel panic - not syncing: NMI' ||
		bail "no NMI panic after hvctl nmi"
	tr -d '\r' <"$log" | grep -q 'NMI backtrace for cpu 1' ||
		bail "the panic has no backtrace of CPU 1"
	tr -d '\r' <"$log" | grep -E 'NMI: |Kernel panic|NMI backtrace for cpu' | l2_filter
	echo "hvctl nmi: the guest panicked on its NMI with CPU 1's backtrace and stopped"
	;;
esac
echo "$fig"
wait_for 30 hvctl destroy cx || fail "destroy"
tr -d '\r' <$out | l2_filter | tail -n 40
