# shellcheck shell=sh
# hvtest: always
# insmod /hv/hv.ko succeeds and /dev/hv appears as a character device.
# Marked "always": the later steps need the module, whatever the filter.
[ -f /hv/hv.ko ] || fail "/hv/hv.ko missing from the initramfs (build artifacts?)"
out=$(insmod /hv/hv.ko 2>&1) || fail "insmod: $out"
wait_chardev /dev/hv || fail "/dev/hv is not a character device after insmod"
