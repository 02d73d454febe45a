# shellcheck shell=sh
# A refused module leaves no /dev/hv behind.
[ ! -e /dev/hv ] || fail "/dev/hv exists"
