# shellcheck shell=sh
# Without the module, "hvctl version" fails with a one-line error (stderr)
# that says the module is missing. What it prints on stdout (its own
# version) is not part of the error.
if err=$(hvctl version 2>&1 >/dev/null); then
	fail "exit status 0 without the module"
fi
echo "$err"
[ -n "$err" ] || fail "no error message on stderr"
[ "$(echo "$err" | wc -l)" -eq 1 ] || fail "the error is not one line"
echo "$err" | grep -qi 'module' || fail "the error does not mention the module: $err"
