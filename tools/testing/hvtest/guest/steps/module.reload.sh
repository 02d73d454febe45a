# shellcheck shell=sh
# rmmod + insmod 20 times: /dev/hv disappears after each rmmod and comes back
# after each insmod (catches leaks and teardown ordering bugs).
[ -f /hv/hv.ko ] || fail "/hv/hv.ko missing from the initramfs"
i=1
while [ $i -le 20 ]; do
	out=$(rmmod hv 2>&1) || fail "round $i: rmmod: $out"
	wait_gone /dev/hv || fail "round $i: /dev/hv still there after rmmod"
	out=$(insmod /hv/hv.ko 2>&1) || fail "round $i: insmod: $out"
	wait_chardev /dev/hv || fail "round $i: /dev/hv missing after insmod"
	i=$((i + 1))
done
