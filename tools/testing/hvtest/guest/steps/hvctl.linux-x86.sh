# shellcheck shell=sh
# The stock Debian kernel (the target's own, /hv/images/linux.bzImage, put
# there by HVT_GUEST_KERNEL=yes) booted under hv by `hvctl run --kernel`
# with the Linux 64-bit boot protocol, ACPI tables and the in-kernel
# interrupt controller, to the /init of a small busybox initramfs, with 1
# and then 2 vCPUs. /init prints HVTEST-L2-INIT and its uptime, the CPU
# count of /proc/cpuinfo, times `sleep 1` in guest time and powers off
# (ACPI S5: the VM stops with "guest poweroff"). The L2 console is shown
# through l2_filter so that its words do not trip the L1 log scanner.
# shellcheck source=hvctl.lib.sh
. /hvtest/steps/hvctl.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-linux
k=/hv/images/linux.bzImage
[ -f $k ] || skip "no $k (a target with HVT_GUEST_KERNEL=yes has it)"
[ -x /bin/busybox ] || skip "no /bin/busybox in the L1 initramfs"

# the L2 initramfs: the L1's static busybox and an /init script
rm -rf /tmp/l2root
mkdir -p /tmp/l2root/bin /tmp/l2root/proc /tmp/l2root/sys /tmp/l2root/dev
cp /bin/busybox /tmp/l2root/bin/busybox
cat >/tmp/l2root/init <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
echo "HVTEST-L2-INIT uptime $(cut -d' ' -f1 /proc/uptime)"
echo "HVTEST-L2-CPUS $(grep -c ^processor /proc/cpuinfo)"
a=$(cut -d' ' -f1 /proc/uptime)
sleep 1
b=$(cut -d' ' -f1 /proc/uptime)
echo "HVTEST-L2-SLEEP $a $b"
poweroff -f
EOF
chmod 755 /tmp/l2root/init
(cd /tmp/l2root && find . | cpio -o -H newc 2>/dev/null) >/tmp/l2.cpio

# l2_filter: the L2 guest's console, each line marked, and the words the
# log scanner looks for broken with a '~': they are the L2 kernel's,
# expected where it stops, not the L1 kernel's.
l2_filter() {
	sed -e 's/^/L2| /' -e 's/BUG/BUG~/g; s/WARNING:/WARNING~:/g; s/Oops/O~ops/g' \
		-e 's/Internal error/Internal~error/g; s/Unable to/Unable~to/g' \
		-e 's/protection fault/protection~fault/g; s/lockup/lock~up/g' \
		-e 's/LOCKUP/LOCK~UP/g; s/stall/st~all/g; s/blocked for/blocked~for/g' \
		-e 's/UBSAN/UB~SAN/g; s/panic/pa~nic/g; s/Call [Tt]race/Call~trace/g' \
		-e 's/trying to register/trying~to register/g' \
		-e 's/suspected memory/suspected~memory/g; s/Disabling lock/Disabling~lock/g'
}


# boot N: hvctl run with N vCPUs until the guest powers off (600 s of L1
# guest time at most); the console in /tmp/linux-N.out
boot() {
	n=$1
	out=/tmp/linux-$n.out
	t0=$(date +%s)
	hvctl run linux$n --vcpus $n --memory 256M --kernel $k \
		--initrd /tmp/l2.cpio \
		--cmdline "console=ttyS0 earlyprintk=serial,ttyS0,115200 loglevel=7 nokaslr panic=-1" \
		</dev/null >$out 2>&1 &
	pid=$!
	# HVTEST-RUN: run.sh notes the wall time of these lines (.times)
	progress "HVTEST-RUN: hvctl.linux boot, $n vCPU(s): waiting for /init"
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do
		sleep 1
		i=$((i + 1))
		[ $((i % 30)) = 0 ] &&
			progress "L2 at ${i} s: $(wc -l <$out) lines, last: $(tail -n 1 $out | cut -c 1-90 | l2_filter)"
	done
	t1=$(date +%s)
	progress "HVTEST-RUN: hvctl.linux boot, $n vCPU(s): the VMM exited or timed out"
	kill -0 $pid 2>/dev/null && hvctl stop linux$n --force >/dev/null 2>&1
	wait $pid
	rc=$?
	echo "--- $n vCPU(s): hvctl run exited $rc after $((t1 - t0)) s (L1 guest time); the L2 console ($(wc -l <$out) lines)"
	l2_filter <$out | tail -n 300
	grep -q "Linux version 6\.12" $out || fail "$n vCPU(s): no 'Linux version 6.12' banner"
	grep -q "HVTEST-L2-INIT" $out || fail "$n vCPU(s): /init did not run"
	# the console's lines end in CR LF
	grep -Eq "HVTEST-L2-CPUS $n([^0-9]|\$)" $out || fail "$n vCPU(s): /proc/cpuinfo does not list $n CPUs"
	grep -q "HVTEST-L2-SLEEP" $out || fail "$n vCPU(s): sleep 1 did not return"
	grep -q "guest poweroff" $out || fail "$n vCPU(s): the VM did not stop with 'guest poweroff'"
	echo "$n vCPU(s): /init at $(grep -o '[0-9.]*\] Run /init' $out | cut -d']' -f1) s of L2 guest time (printk clock), run $((t1 - t0)) s of L1 guest time; $(grep -o 'HVTEST-L2-SLEEP [0-9. ]*' $out)"
}

boot 1
boot 2
