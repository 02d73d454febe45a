#!/bin/sh
# make demo: hvctl drives a VM on x86 VT-x in the emulator (busybox sh).
# shellcheck source=steps/hvctl.lib.sh disable=SC1091
. /hvtest/steps/hvctl.lib.sh
export HVCTL_STATE_DIR=/var/lib/hvctl
say() { printf '\n### %s\n' "$*"; }
run() { echo "# $*"; "$@"; }

insmod /hv/hv.ko || { echo "demo: insmod hv.ko failed"; exit 1; }
hvctl_guest /tmp/guest.bin
run hvctl version
hvctl events >/tmp/events.out 2>&1 &
say "define a VM: 1 vCPU, 1 MiB of RAM, 25% of a CPU at most"
run hvctl create demo --vcpus 1 --memory 1M --cpu-quota 25% --image /tmp/guest.bin
run hvctl list
say "start it: a background VMM, its console on a unix socket"
run hvctl start demo
wait_for 60 grep -q hello "$HVCTL_STATE_DIR/demo.log"
say "the guest's console"
timeout 3 hvctl console demo </dev/null
say "its statistics after 5 s"
sleep 5
run hvctl info demo
say "a graceful stop: the guest sees the request and powers off"
run hvctl stop demo
say "start it again, then stop it by force"
run hvctl start demo
sleep 2
run hvctl stop demo --force
run hvctl destroy demo
say "events"
cat /tmp/events.out
say "VMM log"
cat "$HVCTL_STATE_DIR/demo.log"
