# shellcheck shell=sh
# shellcheck disable=SC2016 # what is typed into the guest expands there
# The stock Debian kernel as a guest of hv with 2 vCPUs on a host with 2
# CPUs (x86-vmx-smp: Bochs with 2 CPUs, so the vCPU threads really
# run at once), in one boot:
#   - the guest counts 2 CPUs (/proc/cpuinfo) and `sleep 1` takes about a
#     second of its time (0.95-2 s by /proc/uptime);
#   - work on both CPUs: two busy processes pinned with taskset to CPU 0
#     and CPU 1 each finish and say where they ran (field 39 of
#     /proc/self/stat), and each CPU's local timer count in
#     /proc/interrupts grew meanwhile;
#   - the console under load: while they run, /init writes a known 16 KiB
#     block to its console (ttyS0, the 16550 driven by its interrupt; the
#     tty's write path) and 4 KiB through printk (/dev/kmsg, the kernel's
#     console path): the VMM's console log holds each exactly once (md5
#     of what lies between the markers, which occur once). The host takes
#     the VM's exit counts (hvctl info) before and after each block, the
#     guest waiting on its console for the host's go: exits per byte;
#   - CPU hotplug: CPU 1 offline (online CPUs "0"), online again ("0-1"),
#     then a busy process pinned to it finishes there;
#   - `poweroff -f`: the VM stops with "guest poweroff".
# Also the boot-to-/init figure, as hvctl.linux-console prints it: L1 guest
# time from `hvctl start` to /init's first line, L2 guest time, and on
# x86 the L1 TSC cycles of that time (Bochs: one per instruction and CPU).
#
# Every wait ends on a line of the guest or the VMM's exit (l2_says, 600 s
# of L1 guest time at most); nothing waits on a fixed time.
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-smp
log=$HVCTL_STATE_DIR/smp.log
out=/tmp/smp.out
l2_kernel

case $(uname -m) in
aarch64) uart_exit=mmio ;;
*) uart_exit=io ;;
esac

# the blocks: lines of text (the console adds a CR to each newline, which
# the checks strip); their md5 is what the log must give back
l2_initramfs_root
awk 'BEGIN { c = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	for (i = 0; i < 128; i++) { s = sprintf("T%03d:", i);
		for (j = 0; length(s) < 127; j++) s = s substr(c, (i * 11 + j) % 62 + 1, 1);
		print s } }' >$L2_ROOT/tty.blk
awk 'BEGIN { c = "abcdefghijklmnopqrstuvwxyz";
	for (i = 0; i < 32; i++) { s = sprintf("K%03d:", i);
		for (j = 0; length(s) < 127; j++) s = s substr(c, (i * 5 + j) % 26 + 1, 1);
		print s } }' >$L2_ROOT/kmsg.blk
tty_size=$(wc -c <$L2_ROOT/tty.blk)
tty_sum=$(md5sum <$L2_ROOT/tty.blk | cut -d' ' -f1)
kmsg_sum=$(md5sum <$L2_ROOT/kmsg.blk | cut -d' ' -f1)
[ "$tty_size" = 16384 ] || fail "the tty block is $tty_size bytes, not 16384"

l2_initramfs_sh /tmp/l2smp.cpio <<'EOF'
echo "smp-init: uptime $(cut -d' ' -f1 /proc/uptime) cpus $(grep -c ^processor /proc/cpuinfo) online $(cat /sys/devices/system/cpu/online)"
a=$(cut -d' ' -f1 /proc/uptime)
sleep 1
b=$(cut -d' ' -f1 /proc/uptime)
echo "smp-sleep $a $b"
# busy CPU N: a fixed amount of work pinned to CPU N; its result (the CPU
# it ended on) in /tmp/busyN, not on the console (the blocks go there)
busy() {
	taskset -c $1 sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i + 1)); done
		echo "$i $(cut -d" " -f39 /proc/self/stat)" >/tmp/busy$0' $1 &
}
# the local timer's count on CPU 0 and CPU 1 (arm64: the arch timer)
loc() { awk '$1 == "LOC:" || /arch_timer/ { print $2, $3; exit }' /proc/interrupts; }
loc0=$(loc)
busy 0; busy 1
echo "smp-tty-ready"
read -r go
echo "smp-tty-begin"
cat /tty.blk
echo "smp-tty-end"
read -r go
while read -r l; do echo "<3>$l" >/dev/kmsg; done </kmsg.blk
read -r go
wait
loc1=$(loc)
echo "smp-busy $(cat /tmp/busy0) / $(cat /tmp/busy1) LOC $loc0 -> $loc1"
grep -E '^ *(LOC|RES|CAL|TLB):' /proc/interrupts
echo 0 >/sys/devices/system/cpu/cpu1/online
echo "smp-off $(cat /sys/devices/system/cpu/online)"
echo 1 >/sys/devices/system/cpu/cpu1/online
echo "smp-on $(cat /sys/devices/system/cpu/online)"
rm -f /tmp/busy1
busy 1
wait
echo "smp-busy-again $(cat /tmp/busy1)"
echo "smp-end"
# the host's go once it has all of the above (poweroff -f does not wait
# for the console to drain)
read -r go
poweroff -f
EOF

# the VMM's pid, once started
pid=
# bail: the console's end, or all of it (but the blocks) when the guest
# panicked: a panic prints past a console lock held for ever
bail() {
	echo "--- the console"
	if grep -q 'Kernel panic' "$log" 2>/dev/null; then
		tr -d '\r' <"$log" | grep -v -E '^(T|K)[0-9]{3}:' | l2_filter
	else
		tr -d '\r' <"$log" 2>/dev/null | l2_filter | tail -n 80
	fi
	if [ -n "$pid" ]; then
		hvctl stop smp --force >/dev/null 2>&1
		wait_for 30 hvctl destroy smp
	fi
	fail "$*"
}

# says PATTERN: wait for a line of the console log matching PATTERN
says() {
	l2_says "$log" "$pid" "$1" 600 || bail "the guest did not print '$1'"
}

now() { cut -d' ' -f1 /proc/uptime; }
# exits KIND: the VM's exits of that kind so far (hvctl info), or all
exits() {
	hvctl info smp | awk -v k="$1" '
		k == "" && /^guest exits:/ { print $3 }
		k != "" && $1 == "exits" && $2 == k { print $3 }' | grep . || echo 0
}
# per EXITS BYTES: EXITS / BYTES, two decimals
per() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }
# between A B: the log's lines between the lines A and B (CRs stripped)
between() { tr -d '\r' <"$log" | sed -n "/^$1\$/,/^$2\$/p" | sed '1d;$d'; }

hvctl create smp --vcpus 2 --memory 256M --kernel $L2_KERNEL \
	--initrd /tmp/l2smp.cpio --cmdline "$(l2_cmdline quiet printk.time=0 panic=-1)" \
	--on-reboot stop || fail "create"
rm -f /tmp/smp.in $out "$log"
mkfifo /tmp/smp.in || fail "mkfifo"
progress "HVTEST-RUN: hvctl.linux-smp: starting the L2 guest (2 vCPUs)"
t0=$(now)
hvctl start smp || fail "start: $(cat "$log")"
pid=$(cat $HVCTL_STATE_DIR/smp.pid)
says "smp-init: uptime"
t1=$(now)
progress "HVTEST-RUN: hvctl.linux-smp: the L2 /init runs"
l2=$(sed -n 's/.*smp-init: uptime \([0-9.]*\).*/\1/p' "$log")
fig="boot to /init (2 vCPUs): $(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}') s of L1 guest time, $l2 s of L2 guest time"
khz=$(dmesg | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9]*\)\.\([0-9]\{3\}\) MHz.*/\1\2/p' | tail -n 1)
[ -z "$khz" ] && khz=$(dmesg | sed -n 's/.*tsc: Detected \([0-9]*\)\.\([0-9]\{3\}\) MHz TSC.*/\1\2/p' | tail -n 1)
[ -n "$khz" ] && fig="$fig, $(echo "$t0 $t1 $khz" | awk '{printf "%.0f", ($2 - $1) * $3 / 1000}') M L1 TSC cycles ($khz kHz)"
echo "$fig"

# the console's input from the fifo (kept open on fd 3)
hvctl console smp </tmp/smp.in >$out 2>&1 &
cpid=$!
exec 3>/tmp/smp.in

# the tty block, its exits counted from the host's go to the guest's end
says "smp-tty-ready"
# (the lines before it are whole now)
tr -d '\r' <"$log" | grep -q "smp-init: .* cpus 2 online 0-1$" ||
	bail "the guest does not count 2 CPUs: $(tr -d '\r' <"$log" | grep smp-init:)"
echo "the guest counts 2 CPUs, both online"
d=$(tr -d '\r' <"$log" | sed -n 's/^smp-sleep \([0-9.]*\) \([0-9.]*\)$/\1 \2/p' |
	awk '{ printf "%.2f", $2 - $1 }')
echo "${d:-0}" | awk '{ exit !($1 >= 0.95 && $1 <= 2) }' ||
	bail "sleep 1 took '$d' s of guest time"
echo "sleep 1: $d s of guest time"
e0=$(exits $uart_exit)
a0=$(exits)
progress "HVTEST-RUN: hvctl.linux-smp: the tty block"
echo go >&3
says "smp-tty-end"
e1=$(exits $uart_exit)
a1=$(exits)
n=$(tr -d '\r' <"$log" | grep -c '^smp-tty-begin$')
[ "$n" = 1 ] || bail "the tty block's start marker is in the log $n times"
got=$(between smp-tty-begin smp-tty-end | md5sum | cut -d' ' -f1)
[ "$got" = "$tty_sum" ] || {
	between smp-tty-begin smp-tty-end | head -n 20
	bail "the tty block came back with md5 $got, not $tty_sum"
}
echo "tty: $tty_size bytes written to ttyS0 by /init while both CPUs were busy are in the console log exactly once (md5 $tty_sum)"
echo "tty: $((e1 - e0)) $uart_exit exits ($(per $((e1 - e0)) "$tty_size") a byte), $((a1 - a0)) exits of all kinds ($(per $((a1 - a0)) "$tty_size") a byte)"

# the same through printk, at level 3 (shown under quiet; printk.time=0:
# the lines as written). /init prints nothing after them (a line of its
# own could interleave with them on the console): the last one ends it.
e0=$(exits $uart_exit)
a0=$(exits)
progress "HVTEST-RUN: hvctl.linux-smp: the printk block"
echo go >&3
says "^K031:.\{122\}"
e1=$(exits $uart_exit)
a1=$(exits)
kgot=$(tr -d '\r' <"$log" | grep -E '^K[0-9]{3}:' | md5sum | cut -d' ' -f1)
[ "$kgot" = "$kmsg_sum" ] || {
	tr -d '\r' <"$log" | grep -E 'K[0-9]{3}:' | head -n 5
	bail "the printk block came back with md5 $kgot, not $kmsg_sum"
}
echo "printk: 4096 bytes through /dev/kmsg are in the console log exactly once (md5 $kmsg_sum)"
echo "printk: $((e1 - e0)) $uart_exit exits ($(per $((e1 - e0)) 4096) a byte), $((a1 - a0)) exits of all kinds ($(per $((a1 - a0)) 4096) a byte)"
progress "HVTEST-RUN: hvctl.linux-smp: the busy processes' end, CPU hotplug"
echo go >&3

says "smp-end"
line=$(tr -d '\r' <"$log" | grep '^smp-busy ')
echo "$line"
echo "$line" | grep -q '^smp-busy 100000 0 / 100000 1 LOC' ||
	bail "the busy processes did not each finish on their own CPU"
echo "$line" | awk '{ split($0, w, "LOC "); split(w[2], v, " ");
	exit !(v[4] > v[1] && v[5] > v[2]) }' ||
	bail "a CPU's local timer did not tick while the busy processes ran"
echo "work on both CPUs: a pinned busy process finished on CPU 0 and one on CPU 1, both CPUs' timers ticked"
tr -d '\r' <"$log" | grep -E '^ *(LOC|RES|CAL|TLB):'

tr -d '\r' <"$log" | grep -q '^smp-off 0$' ||
	bail "CPU 1 did not go offline: $(tr -d '\r' <"$log" | grep '^smp-off')"
tr -d '\r' <"$log" | grep -q '^smp-on 0-1$' ||
	bail "CPU 1 did not come back: $(tr -d '\r' <"$log" | grep '^smp-on')"
tr -d '\r' <"$log" | grep -q '^smp-busy-again 100000 1$' ||
	bail "no work on CPU 1 after it came back: $(tr -d '\r' <"$log" | grep '^smp-busy-again')"
echo "hotplug: CPU 1 went offline, came back and ran a pinned busy process to its end"

progress "HVTEST-RUN: hvctl.linux-smp: poweroff"
echo go >&3
exec 3>&-
wait_for 60 sh -c "hvctl info smp | grep -q 'stop reason: *guest poweroff'" ||
	bail "no 'guest poweroff' after 'poweroff -f': $(hvctl info smp)"
wait $cpid
echo "poweroff -f: the VM stopped with 'guest poweroff'"
echo "$fig"
wait_for 30 hvctl destroy smp || fail "destroy"
tr -d '\r' <"$log" | grep -v -E '^(T|K)[0-9]{3}:' | l2_filter | tail -n 40
