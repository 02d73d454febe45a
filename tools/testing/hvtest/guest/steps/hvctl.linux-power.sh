# shellcheck shell=sh
# Power control of a Linux guest (the stock Debian kernel, HVT_GUEST_KERNEL)
# with the in-kernel interrupt controller, in one VM run of two boots:
#
# 1. The guest reboots (busybox `reboot`: its init's shutdown path, then
#    x86 the FADT reset register, arm64 PSCI SYSTEM_RESET). With the
#    default --on-reboot restart the VMM puts the vCPUs and the interrupt
#    controller back to their power-on state and boots the kernel again:
#    a second "Linux version" banner, the VM "running" all along.
# 2. `hvctl stop` (graceful) presses the guest's power key: x86 the ACPI
#    power button (the Generic Event Device's interrupt, button.ko),
#    arm64 the gpio-keys KEY_POWER key on the PL061 (gpio_keys.ko); busybox
#    acpid runs its action, `poweroff`, init's shutdown path runs and the
#    VM stops with "guest poweroff" within the timeout, not by force.
#
# The guest tells its boots apart by a word of RAM the kernel does not use
# (x86 memmap=...$..., arm64 mem=: outside "System RAM", so /dev/mem may
# touch it): a restart keeps RAM, as a warm reset does. Its drivers are
# modules of the same kernel package (HVT_GUEST_MODULES, in
# /hv/images/modules/), as a real system's udev would load them.
#
# arm64 then runs 3. (QEMU is fast): --on-reboot stop, the guest's reboot
# stops the VM as "guest shutdown". x86 leaves it to hvctl.multiboot (the
# same arch-neutral path of the VMM, hvctl_vmm_reset()): a Bochs L2 boot
# costs about 150 s.
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-power
log=$HVCTL_STATE_DIR/lxp.log
mods=/hv/images/modules
l2_kernel
ls $mods/*.ko >/dev/null 2>&1 || skip "no $mods/*.ko (HVT_GUEST_MODULES)"

case $(uname -m) in
aarch64)
	# RAM is 0x40000000-0x4fffffff; the kernel gets the first 255 MiB
	mark=0x4ff00000
	cmdline="console=ttyAMA0 loglevel=6 panic=-1 mem=255M l2mark=$mark"
	stop_timeout=120 ;;
*)
	mark=0x8000000
	cmdline="console=ttyS0 loglevel=6 nokaslr panic=-1 memmap=64K\$$mark l2mark=$mark"
	stop_timeout=400 ;;
esac

l2_initramfs_root
mkdir -p $L2_ROOT/etc $L2_ROOT/lib/modules
cp $mods/*.ko $L2_ROOT/lib/modules/ || fail "cannot copy the guest's modules"
# busybox init: the test as a "once" action; the shutdown action shows that
# the clean path ran (init then kills every process and calls reboot(2))
cat >$L2_ROOT/etc/inittab <<'EOF'
::sysinit:/etc/rc.sysinit
::once:/etc/rc.power
::shutdown:/bin/echo l2-power: init runs its shutdown actions
EOF
cat >$L2_ROOT/etc/rc.sysinit <<'EOF'
#!/bin/sh
for m in /lib/modules/*.ko; do
	insmod $m || echo "l2-power: insmod $m failed"
done
EOF
# busybox acpid runs /etc/acpi/PWRF/00000080 for KEY_POWER
mkdir -p $L2_ROOT/etc/acpi/PWRF
cat >$L2_ROOT/etc/acpi/PWRF/00000080 <<'EOF'
#!/bin/sh
echo "l2-power: acpid: power key: powering off"
poweroff
EOF
cat >$L2_ROOT/etc/rc.power <<'EOF'
#!/bin/sh
mark=$(sed -n 's/.*l2mark=\([0-9a-fx]*\).*/\1/p' /proc/cmdline)
echo "l2-power: input devices: $(ls /dev/input 2>&1 | tr '\n' ' ')"
echo "l2-power: cpus online $(cat /sys/devices/system/cpu/online)"
if ! v=$(devmem $mark 32); then
	echo "l2-power: devmem $mark failed"
elif [ "$v" != 0xB0071E55 ]; then
	devmem $mark 32 0xB0071E55
	echo "l2-power: first boot ($mark read $v): rebooting"
	reboot
else
	acpid -l /dev/console || echo "l2-power: acpid failed"
	echo "l2-power: key: $(grep -h '^N: Name=' /sys/class/input/*/device/uevent /proc/bus/input/devices 2>/dev/null | tr '\n' ' ')"
	echo "l2-power: second boot: acpid waits for the power key"
fi
EOF
chmod 755 $L2_ROOT/etc/rc.sysinit $L2_ROOT/etc/rc.power \
	$L2_ROOT/etc/acpi/PWRF/00000080
l2_initramfs /tmp/l2p.cpio <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec /bin/init
EOF

# expect LABEL WANT...: each line in turn in the log of VM lxp (the guest's
# console and the VMM's messages), or fail with the log. Each line found,
# and every 30 s the log's last line, also go to the console at once
# (progress): under Bochs a stuck guest shows where it stopped.
expect() {
	_label=$1
	shift
	for _want in "$@"; do
		_i=0
		until l2_says "$log" "$pid" "$_want" 30; do
			_i=$((_i + 30))
			if [ $_i -ge 600 ] || ! kill -0 "$pid" 2>/dev/null ||
			    grep -q "l2-power: .* failed" "$log"; then
				l2_filter <"$log" | tail -n 80
				hvctl stop lxp --force >/dev/null 2>&1
				fail "$_label: no '$_want' ($(($(date +%s) - t0)) s)"
			fi
			progress "$_label: waiting for '$_want', last: $(tail -n 1 "$log" | cut -c 1-80 | l2_filter)"
		done
		progress "$_label, after $(($(date +%s) - t0)) s: $_want"
		echo "$_label, after $(($(date +%s) - t0)) s: $_want"
	done
}

# count PATTERN: lines of the log matching it
count() {
	grep -c "$1" "$log"
}

hvctl create lxp --vcpus 2 --memory 256M --kernel $L2_KERNEL \
	--initrd /tmp/l2p.cpio --cmdline "$cmdline" || fail "create lxp"
t0=$(date +%s)
hvctl start lxp || fail "start lxp: $(cat "$log")"
pid=$(cat $HVCTL_STATE_DIR/lxp.pid)
expect lxp "Linux version 6\.12" "l2-power: first boot (.*): rebooting" \
	"l2-power: init runs its shutdown actions" \
	"reset the system: restarting the guest" "restarted (entry" \
	"l2-power: second boot: acpid waits for the power key"
[ "$(count 'Linux version 6\.12')" = 2 ] || fail "not two boots"
# the second CPU came up again (x86 INIT/SIPI, arm64 PSCI CPU_ON)
[ "$(count 'l2-power: cpus online 0-1')" = 2 ] ||
	fail "not both CPUs online in both boots: $(grep 'cpus online' "$log")"
[ "$(vm_state lxp)" = running ] || fail "state after the restart: $(vm_state lxp)"
grep -q "Power Button\|GPIO Key Poweroff" "$log" ||
	echo "(the kernel did not name its power key at loglevel 6)"
# in the background, so that expect shows where a guest that ignores the
# key stands (the timeout is L1 time, which crawls under Bochs)
hvctl stop lxp --timeout $stop_timeout >/tmp/lxp-stop.out 2>&1 &
spid=$!
expect lxp "stop requested: telling the guest" \
	"l2-power: acpid: power key: powering off" "the guest powered off"
wait $spid
out=$(cat /tmp/lxp-stop.out)
echo "hvctl stop: $out"
[ "$(count 'l2-power: init runs its shutdown actions')" = 2 ] ||
	fail "the second boot's init did not run its shutdown actions"
echo "$out" | grep -q "by force" && fail "hvctl stop had to force: $out"
echo "$out" | grep -q "stopped (guest poweroff)" || fail "hvctl stop: $out"
wait_for 30 hvctl destroy lxp || fail "destroy lxp"
echo "--- the guest's console and the VMM"
l2_filter <"$log" | grep -v "^L2| \[" | tail -n 60

[ "$(uname -m)" = aarch64 ] || exit 0
rm -f "$log"
hvctl create lxp --vcpus 2 --memory 256M --kernel $L2_KERNEL \
	--initrd /tmp/l2p.cpio --cmdline "$cmdline" --on-reboot stop ||
	fail "create lxp (--on-reboot stop)"
t0=$(date +%s)
hvctl start lxp || fail "start lxp (--on-reboot stop): $(cat "$log")"
pid=$(cat $HVCTL_STATE_DIR/lxp.pid)
expect "--on-reboot stop" "l2-power: first boot (.*): rebooting" \
	"the VM stops (--on-reboot=stop)" "the guest shut down"
wait_for 30 sh -c "hvctl info lxp | grep -q 'stop reason: *guest shutdown'" ||
	fail "--on-reboot stop: $(hvctl info lxp)"
grep -q "restarted (entry" "$log" && fail "--on-reboot stop: the guest restarted"
wait_for 30 hvctl destroy lxp || fail "destroy lxp"
