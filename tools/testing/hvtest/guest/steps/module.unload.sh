# shellcheck shell=sh
# The final rmmod succeeds and removes /dev/hv.
out=$(rmmod hv 2>&1) || fail "rmmod: $out"
wait_gone /dev/hv || fail "/dev/hv still there after rmmod"
