# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # missed: the exit status of the sourcing script
#
# The mutation runner of the *_provoke.sh scripts: a check of the VMM's
# virtio code is taken out of a copy of tools/hvctl/vmm/virtio/, the host
# test PROVOKE_TEST is built against the copy, and the cases that rely on
# the check must fail there. Sourced with PROVOKE_TEST set; the script
# ends with `exit $missed`.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# shellcheck source=/dev/null
KSFT=$(. "$REPO/tools/testing/hvtest/versions.env" && echo "$KSFT_DIR")
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/hv-$PROVOKE_TEST-provoke.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
missed=0

# mutate NAME FILE PERL-SUBSTITUTION TEST...: FILE (of vmm/virtio/) with
# the substitution; every TEST must fail.
mutate() {
	local name=$1 file=$2 sub=$3 d=$WORK/$1 t
	shift 3
	cp -a "$REPO/tools/hvctl/vmm/virtio" "$d"
	perl -0pi -e "$sub" "$d/$file"
	if cmp -s "$d/$file" "$REPO/tools/hvctl/vmm/virtio/$file"; then
		echo "not ok $name: the mutation no longer applies"
		missed=1
		return
	fi
	if ! make -s -C "$REPO/selftests/hv/host" OUTPUT="$d/out" \
	     KSFT_DIR="$KSFT" VIRTIO_DIR="$d" "$d/out/$PROVOKE_TEST" >"$d/build.log" 2>&1; then
		echo "not ok $name: does not build"
		missed=1
		return
	fi
	for t in "$@"; do
		if "$d/out/$PROVOKE_TEST" -t "$t" >"$d/$t.log" 2>&1; then
			echo "not ok $name: $t passed without its check"
			missed=1
		else
			echo "ok $name: $t fails without its check"
			grep -m1 -E 'Expected|said' "$d/$t.log" | sed 's/^/#   /'
		fi
	done
}
