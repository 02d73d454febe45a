# shellcheck shell=sh
# "hvctl --help" exits 0 and lists the version command.
out=$(hvctl --help 2>&1) || fail "exit status $?"
echo "$out"
echo "$out" | grep -q 'version' || fail "the help does not list 'version'"
