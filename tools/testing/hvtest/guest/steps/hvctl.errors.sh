# shellcheck shell=sh
# Every hvctl error is one line and a non-zero exit code; an unprivileged
# user may define its own VMs but not touch root's, not follow events, and
# not run VMs without access to /dev/hv.
# shellcheck source=hvctl.lib.sh
. /hvtest/steps/hvctl.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-errors
hvctl_guest /tmp/guest.bin

# expect_err "TEXT" CMD...: CMD fails with exactly one line containing TEXT.
expect_err() {
	_want=$1
	shift
	_out=$("$@" 2>&1) && fail "'$*' succeeded"
	echo "$* -> $_out"
	[ "$(echo "$_out" | wc -l)" = 1 ] || fail "'$*': more than one line"
	echo "$_out" | grep -q "$_want" || fail "'$*': expected '$_want'"
}

expect_err "no VM named" hvctl start nosuch
expect_err "no VM with this name" hvctl info nosuch
expect_err "bad memory size" hvctl create x --memory 12Q --image /tmp/guest.bin
expect_err "bad VM name" hvctl create 'a b' --memory 1M --image /tmp/guest.bin
expect_err "bad CPU quota" hvctl create x --memory 1M --cpu-quota 9000% --image /tmp/guest.bin
expect_err "No such file" hvctl create x --memory 1M --image /nonexistent
expect_err "needs --image" hvctl create x --memory 1M
expect_err "unknown command" hvctl frobnicate
hvctl create root-vm --memory 1M --image /tmp/guest.bin || fail "create root-vm"
expect_err "name is taken" hvctl create root-vm --memory 1M --image /tmp/guest.bin
expect_err "not running" hvctl stop root-vm --force
expect_err "not running" hvctl nmi root-vm
expect_err "nmi nosuch: no VM with this name" hvctl nmi nosuch
expect_err "nmi needs one VM name" hvctl nmi

# an unprivileged user
mkdir -p /etc
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/tmp:/bin/sh' >>/etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >>/etc/group
as_nobody() {
	su -s /bin/sh nobody -c "HVCTL_STATE_DIR=/tmp/hvctl-nobody $*"
}
expect_err "permission denied" as_nobody hvctl stop root-vm
expect_err "permission denied" as_nobody hvctl destroy root-vm
expect_err "permission denied" as_nobody hvctl info root-vm
expect_err "permission denied" as_nobody hvctl events
as_nobody hvctl create mine --memory 1M --image /tmp/guest.bin || fail "nobody: create"
as_nobody hvctl list | grep -q root-vm && fail "nobody sees root's VM"
as_nobody hvctl list | grep -q mine || fail "nobody does not see its VM"
expect_err "no permission to open /dev/hv" as_nobody hvctl start mine
hvctl list | grep -q "mine .* 65534" || fail "root does not see nobody's VM"
as_nobody hvctl destroy mine || fail "nobody: destroy"
hvctl destroy root-vm || fail "destroy root-vm"
