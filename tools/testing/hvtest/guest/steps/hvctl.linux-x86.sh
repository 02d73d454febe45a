# shellcheck shell=sh
# The stock Debian kernel (the target's own, /hv/images/linux.bzImage, put
# there by HVT_GUEST_KERNEL=yes) booted under hv by `hvctl run --kernel`
# with the Linux 64-bit boot protocol: it must print its banner on the
# polled COM1 (earlyprintk) and read its command line, with the e820 map
# hvctl gave it. Without the in-kernel interrupt controller and a CPUID
# topology of the VMM's it cannot get far (under Bochs it faults in
# topology_init_possible_cpus(), its console printing the oops):
# the step stops it once its console has been quiet for 5 s (60 s at
# most, L1 guest time) and shows
# how far it got, with the guest time it took.
# shellcheck source=hvctl.lib.sh
. /hvtest/steps/hvctl.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-linux
k=/hv/images/linux.bzImage
[ -f $k ] || skip "no $k (a target with HVT_GUEST_KERNEL=yes has it)"
out=/tmp/linux.out

# a small initramfs: the boot protocol places it; the kernel unpacks it
mkdir -p /tmp/l2root
echo "hello from the L2 initramfs" >/tmp/l2root/hello
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

t0=$(date +%s)
hvctl run linux --memory 256M --kernel $k --initrd /tmp/l2.cpio \
	--cmdline "console=ttyS0 earlyprintk=serial,ttyS0,115200 loglevel=8 nokaslr" \
	</dev/null >$out 2>&1 &
pid=$!
progress "Linux under hv: waiting for its banner"
wait_for 120 grep -q "Linux version" $out || {
	l2_filter <$out
	kill $pid
	fail "no 'Linux version' banner in 120 s"
}
t1=$(date +%s)
progress "banner after $((t1 - t0)) s of guest time; waiting for the console to go quiet"
# quiet: the output's size did not change for 5 s (guest time; a busy L2
# guest makes the L1's seconds long in wall time: 60 at most)
n=0
quiet=0
last=-1
while kill -0 $pid 2>/dev/null && [ $n -lt 60 ]; do
	sleep 1
	n=$((n + 1))
	size=$(wc -c <$out)
	if [ "$size" = "$last" ]; then
		quiet=$((quiet + 1))
		[ $quiet -ge 5 ] && break
	else
		quiet=0
	fi
	last=$size
	[ $((n % 5)) = 0 ] &&
		progress "L2 at ${n} s: $(wc -l <$out) lines, last: $(tail -n 1 $out | cut -c 1-90 | l2_filter)"
done
t2=$(date +%s)
hvctl stop linux --force >/dev/null 2>&1
wait $pid
echo "banner after $((t1 - t0)) s, console quiet after $((t2 - t0 - quiet)) s (L1 guest time)"
echo "--- the L2 guest's console ($(wc -l <$out) lines)"
l2_filter <$out | head -n 400
grep -q "Linux version 6\.12" $out || fail "no 'Linux version 6.12' banner"
grep -q "Command line: console=ttyS0" $out || fail "the kernel did not see its command line"
