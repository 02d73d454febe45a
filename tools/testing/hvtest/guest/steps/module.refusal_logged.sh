# shellcheck shell=sh
# The refusal is explained in the kernel log: a line "hv: ..." naming VMX.
kmsg | grep '^hv: .*VMX' || fail "no 'hv: ...VMX...' line in dmesg"
