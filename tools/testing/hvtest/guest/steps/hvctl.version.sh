# shellcheck shell=sh
# "hvctl version" exits 0 and reports the module's API version
# (hvctl prints "hvctl <ver>, hv API <N>").
out=$(hvctl version 2>&1) || fail "exit status $?: $out"
echo "$out"
echo "$out" | grep -q 'API' || fail "no API version in: $out"
