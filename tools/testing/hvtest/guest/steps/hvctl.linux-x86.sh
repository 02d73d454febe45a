# shellcheck shell=sh
# The stock Debian kernel (the target's own, /hv/images/linux.bzImage, put
# there by HVT_GUEST_KERNEL=yes) booted under hv by `hvctl run --kernel`
# with the Linux 64-bit boot protocol, ACPI tables and the in-kernel
# interrupt controller, to the /init of a small busybox initramfs, with 1
# vCPU (2 in hvctl.linux-console). /init prints HVTEST-L2-INIT and its
# uptime, the CPU count of /proc/cpuinfo, times `sleep 1` in guest time
# and powers off (ACPI S5: the VM stops with "guest poweroff"). The L2 console is shown
# through l2_filter so that its words do not trip the L1 log scanner.
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-linux
l2_kernel
k=$L2_KERNEL

l2_initramfs /tmp/l2.cpio <<'EOF'
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

# hv's counts of APIC exits (module/arch/x86/vmx_apic_access.c): EOIs in
# hv, APIC-access and APIC-write exits
apic_counts() {
	for c in apic_eoi_exits apic_access_exits apic_write_exits; do
		cat /sys/module/hv/parameters/$c 2>/dev/null || echo 0
	done | tr '\n' ' '
}

# boot N: hvctl run with N vCPUs until the guest powers off (600 s of L1
# guest time at most); the console in /tmp/linux-N.out
boot() {
	n=$1
	out=/tmp/linux-$n.out
	c0=$(apic_counts)
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
	# shellcheck disable=SC2086 # two lists of three numbers
	set -- $c0 $(apic_counts)
	echo "$n vCPU(s): APIC exits in hv during the boot: EOIs $(($4 - $1)), APIC-access $(($5 - $2)), APIC-write $(($6 - $3)); apic_access=$(cat /sys/module/hv/parameters/apic_access 2>/dev/null)"
	echo "$n vCPU(s): /init at $(grep -o '[0-9.]*\] Run /init' $out | cut -d']' -f1) s of L2 guest time (printk clock), run $((t1 - t0)) s of L1 guest time; $(grep -o 'HVTEST-L2-SLEEP [0-9. ]*' $out)"
}

boot 1
# Two vCPUs: hvctl.linux-console boots them (quiet) and takes CPU 1 off and
# on; a second full boot here at loglevel=7 cost 111 s of Bochs.
