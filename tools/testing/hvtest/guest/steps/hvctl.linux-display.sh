# shellcheck shell=sh
# The display (`hvctl create --display`, `hvctl screenshot`) with the stock
# Debian kernel as the guest, one boot on either arch: the kernel must find
# the framebuffer with no module (x86: vesafb from the zero page's
# screen_info; arm64: simplefb from the device tree's simple-framebuffer
# node) and fbcon must show its console there (console=tty0 next to the
# serial console, which stays /dev/console).
#
# The guest's /init reports fb0 and the fbcon lines of its kernel log on
# the serial console, prints a banner to /dev/tty0, says so, and waits for
# a line of console input. Meanwhile: screenshot A must be a PNG of the
# display's size whose pixels are not all one colour. The step then sends
# "go" (hvctl console); the guest clears tty0 and prints a second banner
# at its top, says so, and waits again: screenshot B must differ from A in
# its top rows. hvtest-png (guest/tools, static with libpng) decodes them.
# On arm64 screenshot A is also printed in hex between HVTEST-PNG-BEGIN and
# HVTEST-PNG-END: Documentation/images/ has it from a run (see there).
#
# Bad input first, with no guest: odd, zero and huge sizes, --display with
# an image guest, a screenshot of a VM without a display.
# It waits on the guest's lines, never on a fixed time.
# shellcheck source=hvctl.l2.lib.sh
. /hvtest/steps/hvctl.l2.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-display
name=dpy
log=$HVCTL_STATE_DIR/$name.log
W=640
H=480
# 3 text lines of the 8x16 font: the second banner's line is among them
ROWS=48
PNGCHECK=/hv/hvtest-png
[ -x $PNGCHECK ] || fail "no $PNGCHECK in the initramfs (run.sh builds it)"
l2_kernel
case $(uname -m) in
aarch64)
	serial=ttyAMA0
	# the full kernel log on the display: the documentation's picture
	extra="earlycon=pl011,0x09000000"
	export_png=yes ;;
*)
	serial=ttyS0
	# Bochs: keep both consoles short
	extra="quiet"
	export_png=no ;;
esac

# --- refusals, one line each, no VM left behind -----------------------------
hvctl_guest /tmp/dpy-guest.bin
for bad in 1023x768 1024x767 0x0 8192x8192 1024 640x480x32; do
	out=$(hvctl create bad --vcpus 1 --memory 64M --kernel $L2_KERNEL \
		--display="$bad" 2>&1) && fail "--display=$bad was taken"
	[ "$(echo "$out" | wc -l)" = 1 ] || fail "--display $bad: not one line: $out"
	echo "$out" | grep -q "bad --display '$bad'" ||
		fail "--display $bad: '$out'"
done
echo "refused: $out"
out=$(hvctl create bad --vcpus 1 --memory 4M --kernel $L2_KERNEL \
	--display 1024x768 2>&1) && fail "a 3M display in 4M of RAM was taken"
echo "refused: $out"
out=$(hvctl create bad --vcpus 1 --memory 64M --image /tmp/dpy-guest.bin \
	--display 2>&1) && fail "--display with --image was taken"
echo "refused: $out"
hvctl list | grep -q "^bad " && fail "a refused create left VM 'bad'"

l2_initramfs /tmp/l2-display.cpio <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fb=/sys/class/graphics/fb0
echo "l2-display: fb0 '\$(cat \$fb/name)' \$(cat \$fb/virtual_size) \$(cat \$fb/bits_per_pixel) bpp"
dmesg | grep -E "vesafb|simple-framebuffer|simplefb|fbcon|frame buffer device" |
	sed 's/^/l2-display: dmesg /'
echo "HV-DISPLAY-BANNER-1: hv's display, seen by fbcon on tty0" >/dev/tty0
echo "l2-display: banner 1"
read go
printf '\033[H\033[J' >/dev/tty0
echo "HV-DISPLAY-BANNER-2: the guest printed again ('\$go')" >/dev/tty0
echo "l2-display: banner 2"
read go
EOF

cmdline="console=tty0 console=$serial $extra panic=-1"
hvctl create $name --vcpus 1 --memory 256M --kernel $L2_KERNEL \
	--initrd /tmp/l2-display.cpio --cmdline "$cmdline" \
	--display ${W}x$H --on-reboot stop || fail "create --display ${W}x$H"
grep -q "^display=${W}x$H\$" $HVCTL_STATE_DIR/$name.conf ||
	fail "$name.conf has no display=${W}x$H"
t0=$(date +%s)
progress "HVTEST-RUN: hvctl.linux-display: booting the guest"
hvctl start $name || fail "start: $(cat "$log")"
pid=$(cat $HVCTL_STATE_DIR/$name.pid)

# done: stop the guest, show its console, fail with $1 (if given)
finish() {
	hvctl stop $name --force >/dev/null 2>&1
	wait_for 30 hvctl destroy $name
	echo "--- the guest's console"
	l2_filter <"$log" | grep -v "^L2| *$" | tail -n 60
	[ -z "$1" ] || fail "$1"
}

# guest LINE: wait for the guest to print LINE
guest() {
	l2_says "$log" "$pid" "$1" 600 ||
		finish "the guest did not print '$1' ($(($(date +%s) - t0)) s)"
	echo "after $(($(date +%s) - t0)) s: $1"
}

guest "l2-display: fb0 .* $W,$H 32 bpp"
guest "l2-display: banner 1"
grep "l2-display:" "$log"
grep -q "l2-display: dmesg .*frame buffer device" "$log" ||
	finish "the guest's kernel registered no frame buffer device"

# screenshot X FILE: take screenshot X in FILE, check its size and that
# fbcon drew on it; top: its top $ROWS rows (a digest from $PNGCHECK)
screenshot() {
	hvctl screenshot $name "$2" || finish "screenshot $1 failed"
	r=$($PNGCHECK "$2" $ROWS) || finish "screenshot $1 is no PNG"
	# shellcheck disable=SC2086 # four words
	set -- "$1" $r
	echo "screenshot $1: ${2}x$3, $4 colours, top $5"
	[ "$2x$3" = "${W}x$H" ] ||
		finish "screenshot $1 is ${2}x$3, not ${W}x$H"
	[ "$4" -ge 2 ] ||
		finish "screenshot $1 is one colour: fbcon drew nothing"
	top=$5
}

screenshot A /tmp/dpy-a.png
top_a=$top

# "go" on the guest's console; hvctl console ends when killed
echo go | hvctl console $name >/dev/null 2>&1 &
cpid=$!
l2_says "$log" "$pid" "l2-display: banner 2" 600
said=$?
kill $cpid 2>/dev/null
wait $cpid 2>/dev/null
[ $said = 0 ] || finish "the guest did not print 'l2-display: banner 2'"
echo "after $(($(date +%s) - t0)) s: l2-display: banner 2"

screenshot B /tmp/dpy-b.png
[ "$top" != "$top_a" ] ||
	finish "the top $ROWS rows did not change when the guest printed"

if [ $export_png = yes ]; then
	echo "HVTEST-PNG-BEGIN linux-console-$(uname -m).png"
	xxd -p /tmp/dpy-a.png
	echo "HVTEST-PNG-END"
fi
finish
# the VMM took its display socket with it
[ ! -e $HVCTL_STATE_DIR/$name.display ] || fail "$name.display left behind"
out=$(hvctl screenshot $name /tmp/dpy-c.png 2>&1) &&
	fail "a screenshot of a stopped VM worked"
echo "refused: $out"
echo "done after $(($(date +%s) - t0)) s"
