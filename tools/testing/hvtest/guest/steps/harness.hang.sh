# shellcheck shell=sh
# Never ends (the harness's check of its step limit, target x86-novmx-hang):
# a child that sleeps, a grandchild that sleeps, a child that spins (its
# CPU time must show in the report), and the step waits on them. The limit
# must kill all of them: the marker file names their pids, and the host
# checks that none of them is left (HVTEST-HUNG lines in the log).
sh -c 'sleep 100000 & echo $! >>/tmp/hang.pids; wait' &
echo $! >>/tmp/hang.pids
sh -c 'while :; do :; done' &
echo $! >>/tmp/hang.pids
echo "harness.hang: waiting for ever"
wait
