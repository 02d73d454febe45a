# shellcheck shell=sh
# A multiboot v1 ELF32 test kernel (images/mbtest_x86_64.elf.S), booted
# with `hvctl run --kernel` as QEMU's -kernel would: it prints on COM1
# (polled) what the loader gave it (magic, command line with the image's
# path first, memory, memory map, modules, a zeroed bss) and exits through
# the isa-debug-exit port 0xf4 with the N of "exit=N", so that hvctl run
# exits with (N << 1) | 1; a reboot restarts it or, with
# --on-reboot=stop, stops the VM. Then bad --kernel input: one-line errors.
# shellcheck source=hvctl.lib.sh
. /hvtest/steps/hvctl.lib.sh
export HVCTL_STATE_DIR=/tmp/hvctl-multiboot
mb=/hv/images/mbtest.elf
[ -f $mb ] || fail "$mb missing (make artifacts)"

# run_mb STATUS ARGS...: hvctl run exits with STATUS; the output in /tmp/mb.out
run_mb() {
	_want=$1
	shift
	hvctl run mb --memory 8M --kernel $mb "$@" </dev/null >/tmp/mb.out 2>&1
	_st=$?
	cat /tmp/mb.out
	[ "$_st" = "$_want" ] || fail "hvctl run $*: exit status $_st, not $_want"
}

run_mb 43 --cmdline "exit=21"
grep -q "^mbtest: magic ok" /tmp/mb.out || fail "no magic line"
grep -q "^mbtest: cmdline $mb exit=21\$" /tmp/mb.out || fail "command line"
grep -q "^mbtest: mem_upper 7168\$" /tmp/mb.out || fail "mem_upper (8M - 1M)"
grep -q "^mbtest: mmap 5 entries, 2 RAM\$" /tmp/mb.out || fail "memory map"
grep -q "^mbtest: mods 0\$" /tmp/mb.out || fail "modules"
grep -q "^mbtest: bss clean\$" /tmp/mb.out || fail "bss"

# two modules and another status; no exit= gives 0x7f -> 0xff
run_mb 15 --cmdline "x exit=7 y" --initrd /hv/images/hvctl_guest.bin,$mb
grep -q "^mbtest: mods 2\$" /tmp/mb.out || fail "two modules"
run_mb 255
grep -q "^mbtest: cmdline $mb\$" /tmp/mb.out || fail "the path alone"

# a reboot (i8042 reset): the kernel boots again (RAM kept: the test
# kernel counts), or with --on-reboot=stop the VM stops as "guest shutdown"
run_mb 43 --cmdline "reboot exit=21"
grep -q "^mbtest: rebooting\$" /tmp/mb.out || fail "no reboot"
grep -q "^mbtest: booted again\$" /tmp/mb.out || fail "not booted again"
[ "$(grep -c '^mbtest: magic ok' /tmp/mb.out)" = 2 ] || fail "not two boots"
run_mb 0 --cmdline "reboot exit=21" --on-reboot=stop
grep -q "^mbtest: rebooting\$" /tmp/mb.out || fail "no reboot (stop)"
grep -q "booted again" /tmp/mb.out && fail "booted again with --on-reboot=stop"
grep -q "the VM stops (--on-reboot=stop)" /tmp/mb.out || fail "no stop on reboot"

# expect_err TEXT CMD...: CMD fails with one line on stderr containing TEXT
expect_err() {
	_want=$1
	shift
	"$@" </dev/null >/dev/null 2>/tmp/err && fail "'$*' succeeded"
	echo "$* -> $(cat /tmp/err)"
	[ "$(wc -l </tmp/err)" = 1 ] || fail "'$*': not one line: $(cat /tmp/err)"
	grep -q "$_want" /tmp/err || fail "'$*': expected '$_want'"
}

hvctl_guest /tmp/guest.bin
expect_err "exclude each other" hvctl create x --memory 8M --image /tmp/guest.bin --kernel $mb
expect_err "go with --kernel" hvctl create x --memory 8M --image /tmp/guest.bin --cmdline a
expect_err "go with --image" hvctl create x --memory 8M --kernel $mb --entry 0x1000
expect_err "restart or stop" hvctl create x --memory 8M --kernel $mb --on-reboot=maybe
expect_err "No such file" hvctl create x --memory 8M --kernel $mb --initrd /nonexistent
expect_err "neither a bzImage nor a multiboot" hvctl run x --memory 8M --kernel /tmp/guest.bin
expect_err "at least 2M" hvctl run x --memory 1M --kernel $mb
head -c 300 $mb >/tmp/short.elf
expect_err "truncated" hvctl run x --memory 8M --kernel /tmp/short.elf
hvctl list | grep -q "^x " && fail "a failed run left its VM defined"
true
