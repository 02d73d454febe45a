# shellcheck shell=sh
# The stock Debian kernel (the target's own, put in the initramfs by
# HVT_GUEST_KERNEL=yes) booted as a guest of hv with `hvctl --kernel`: one
# step name for both arches, the arch's own script doing the work
# (hvctl.linux-x86.sh: the bzImage boot protocol; hvctl.linux-arm64.sh:
# the arm64 Image with a device tree).
case $(uname -m) in
aarch64)
	# shellcheck source=hvctl.linux-arm64.sh
	. /hvtest/steps/hvctl.linux-arm64.sh ;;
*)
	# shellcheck source=hvctl.linux-x86.sh
	. /hvtest/steps/hvctl.linux-x86.sh ;;
esac
