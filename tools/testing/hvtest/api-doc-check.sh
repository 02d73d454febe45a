#!/bin/bash
# api-doc-check.sh [--doc FILE] [--uapi DIR] | --self-test
#
# Documentation/api.rst must describe every ioctl and exit reason of the
# uapi headers. The rule, the same for both:
#
#   every "#define HV_<NAME> _IO...(" (an ioctl) and every
#   "#define HV_EXIT_<NAME> <value>" in uapi/linux/hv*.h needs a section
#   title in api.rst whose text is the name, or a " / "-separated list
#   of names that contains it (e.g. "HV_GET_REGS / HV_SET_REGS"); a section
#   title is a line followed by a line of one repeated punctuation
#   character ("-", "~", "=", "^") at least as long.
#
# An ioctl's section has the fields :Capability:, :Architectures:, :Type:,
# :Parameters: and :Returns:. Also: every HV_CAP_*, HV_SYSTEM_EVENT_* and
# HV_INTERNAL_* constant is
# mentioned as a literal (``NAME``), and no section title names an
# HV_* ioctl or exit that the headers do not define (a stale entry).
#
# Prints what is missing or stale and exits 1; exits 0 when complete.
# --self-test feeds the check doctored copies of api.rst (one ioctl block
# removed, one exit block removed, a stale block added) and requires each
# to fail naming the item, and the real file to pass.
set -euo pipefail

HVTEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HVTEST_DIR/../../.." && pwd)
DOC=$REPO/Documentation/api.rst
UAPI=$REPO/uapi/linux

usage() {
	sed -n '2,22s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
	exit "${1:-0}"
}

# uapi_names KIND: the names of KIND (ioctl, exit, literal) in $UAPI/hv*.h,
# sorted, one a line.
uapi_names() {
	local re
	case $1 in
	ioctl) re='^#define[[:space:]]+(HV_[A-Z0-9_]+)[[:space:]]+_IO(R|W|WR)?[[:space:]]*\(' ;;
	exit) re='^#define[[:space:]]+(HV_EXIT_[A-Z0-9_]+)[[:space:]]+[0-9]' ;;
	literal) re='^#define[[:space:]]+(HV_(CAP|SYSTEM_EVENT|INTERNAL)_[A-Z0-9_]+)[[:space:]]' ;;
	esac
	cat "$UAPI"/hv*.h | sed -nE "s/$re.*/\\1/p" | sort -u
}

# doc_titles FILE: every name listed in a section title of FILE, one a line.
doc_titles() {
	awk '
	function is_underline(s, t,   i) {
		if (length(s) < length(t) || s !~ /^[-=~^"]+$/)
			return 0
		for (i = 2; i <= length(s); i++)
			if (substr(s, i, 1) != substr(s, 1, 1))
				return 0
		return 1
	}
	NR > 1 && prev ~ /[^[:space:]]/ && is_underline($0, prev) {
		n = split(prev, part, / \/ /)
		for (i = 1; i <= n; i++) {
			name = part[i]
			gsub(/^[[:space:]]+|[[:space:]]+$/, "", name)
			print name
		}
	}
	{ prev = $0 }' "$1" | sort -u
}

# doc_fields FILE: "TITLE<TAB>:Field:" for each field line of each section.
doc_fields() {
	awk '
	function is_underline(s, t,   i) {
		if (length(s) < length(t) || s !~ /^[-=~^"]+$/)
			return 0
		for (i = 2; i <= length(s); i++)
			if (substr(s, i, 1) != substr(s, 1, 1))
				return 0
		return 1
	}
	NR > 1 && prev ~ /[^[:space:]]/ && is_underline($0, prev) { title = prev }
	/^:[A-Za-z]+:/ && title != "" {
		match($0, /^:[A-Za-z]+:/)
		print title "\t" substr($0, 1, RLENGTH)
	}
	{ prev = $0 }' "$1"
}

# check FILE: 0 when FILE documents everything, else 1 with a report.
check() {
	local doc=$1 titles fields field missing=() stale=() name known
	local -a ioctls exits literals
	[[ -r $doc ]] || { echo "api-doc-check: cannot read $doc" >&2; return 1; }
	mapfile -t ioctls < <(uapi_names ioctl)
	mapfile -t exits < <(uapi_names exit)
	mapfile -t literals < <(uapi_names literal)
	# A parser that finds nothing must not pass vacuously.
	if ((${#ioctls[@]} < 20 || ${#exits[@]} < 10)); then
		echo "api-doc-check: found too few ioctls or exits in $UAPI/hv*.h: the parser is broken" >&2
		return 1
	fi
	titles=$(doc_titles "$doc")
	for name in "${ioctls[@]}" "${exits[@]}"; do
		grep -qxF -- "$name" <<<"$titles" || missing+=("$name")
	done
	fields=$(doc_fields "$doc")
	for name in "${ioctls[@]}"; do
		grep -qxF -- "$name" <<<"$titles" || continue
		for field in :Capability: :Architectures: :Type: :Parameters: :Returns:; do
			awk -F '\t' -v n="$name" -v f="$field" '
				{ k = split($1, t, / \/ /)
				  for (i = 1; i <= k; i++) if (t[i] == n && $2 == f) found = 1 }
				END { exit !found }' <<<"$fields" ||
				missing+=("$field in the section of $name")
		done
	done
	for name in "${literals[@]}"; do
		grep -qF -- "\`\`$name\`\`" "$doc" || missing+=("$name (no \`\`$name\`\` in the text)")
	done
	# a here-string, not "printf | grep -q": with pipefail, grep leaving
	# at its first match could SIGPIPE printf and fail the test (4 runs in
	# 100 on a loaded machine named a defined ioctl "stale")
	known=$(printf '%s\n' "${ioctls[@]}" "${exits[@]}")
	while IFS= read -r name; do
		[[ $name =~ ^HV_[A-Z0-9_]+$ ]] || continue
		grep -qxF -- "$name" <<<"$known" || stale+=("$name")
	done <<<"$titles"
	if ((${#missing[@]} == 0 && ${#stale[@]} == 0)); then
		echo "api-doc-check: ${doc#"$REPO"/}: ${#ioctls[@]} ioctls, ${#exits[@]} exit reasons, ${#literals[@]} constants: all documented"
		return 0
	fi
	for name in "${missing[@]}"; do
		echo "api-doc-check: ${doc#"$REPO"/}: missing: $name"
	done
	for name in "${stale[@]}"; do
		echo "api-doc-check: ${doc#"$REPO"/}: stale: section $name, which uapi/linux/hv*.h does not define"
	done
	return 1
}

# self_test: the check must fail on doctored copies, naming the item.
self_test() {
	local tmp fails=0 out
	SELF_TEST_TMP=$(mktemp -d)
	trap 'rm -rf "$SELF_TEST_TMP"' EXIT
	tmp=$SELF_TEST_TMP

	# expect_fail NAME DOCTORED-FILE: the check fails and names NAME
	expect_fail() {
		if out=$(check "$2"); then
			echo "self-test: FAIL: the check passed without $1"
			fails=$((fails + 1))
		elif ! grep -q -- "$1" <<<"$out"; then
			echo "self-test: FAIL: the check failed but did not name $1:"
			echo "$out"
			fails=$((fails + 1))
		else
			echo "self-test: ok: $(grep -- "$1" <<<"$out" | head -n 1)"
		fi
	}

	if ! check "$DOC"; then
		echo "self-test: FAIL: the real api.rst does not pass"
		fails=$((fails + 1))
	fi
	# the title of an arm64-only ioctl, as a VMM author looks for it
	sed '/^HV_SET_IRQ_LINE$/,+1d' "$DOC" >"$tmp/no-ioctl.rst"
	expect_fail 'missing: HV_SET_IRQ_LINE' "$tmp/no-ioctl.rst"
	# one name out of a combined title
	sed 's|^HV_GET_POWER / HV_SET_POWER$|HV_GET_POWER             |' "$DOC" >"$tmp/no-pair.rst"
	expect_fail 'missing: HV_SET_POWER' "$tmp/no-pair.rst"
	sed '/^HV_EXIT_MEM_QUOTA$/,+1d' "$DOC" >"$tmp/no-exit.rst"
	expect_fail 'missing: HV_EXIT_MEM_QUOTA' "$tmp/no-exit.rst"
	# a mention in the text is not a section
	# shellcheck disable=SC2016 # literal RST backquotes
	sed '/^HV_EXIT_SYSTEM_EVENT$/{N;s/\n.*/ (see ``HV_EXIT_SYSTEM_EVENT``)/}' "$DOC" >"$tmp/text-only.rst"
	expect_fail 'missing: HV_EXIT_SYSTEM_EVENT' "$tmp/text-only.rst"
	# shellcheck disable=SC2016
	sed 's/``HV_CAP_GPA_BITS``/GPA bits/g' "$DOC" >"$tmp/no-cap.rst"
	expect_fail 'missing: HV_CAP_GPA_BITS' "$tmp/no-cap.rst"
	{ cat "$DOC"; printf '\nHV_GET_NO_SUCH_THING\n--------------------\n\nGone.\n'; } >"$tmp/stale.rst"
	expect_fail 'stale: section HV_GET_NO_SUCH_THING' "$tmp/stale.rst"
	# a block without its Returns field
	sed '/^HV_GET_SUPPORTED_CPUID$/,/^:Returns:/{/^:Returns:/d}' "$DOC" >"$tmp/no-field.rst"
	expect_fail 'missing: :Returns: in the section of HV_GET_SUPPORTED_CPUID' "$tmp/no-field.rst"
	# an underline shorter than its title is not a title
	sed '/^HV_CREATE_VCPU$/{n;s/.*/-----/}' "$DOC" >"$tmp/short.rst"
	expect_fail 'missing: HV_CREATE_VCPU' "$tmp/short.rst"

	if ((fails)); then
		echo "self-test: $fails failure(s)"
		return 1
	fi
	echo "self-test: all passed"
}

main() {
	local self=0
	while (($#)); do
		case $1 in
		--doc) DOC=$(realpath "$2"); shift 2 ;;
		--uapi) UAPI=$(realpath "$2"); shift 2 ;;
		--self-test) self=1; shift ;;
		-h | --help) usage 0 ;;
		*) echo "api-doc-check: unknown argument '$1'" >&2; usage 2 >&2 ;;
		esac
	done
	if ((self)); then
		self_test
	else
		check "$DOC"
	fi
}

main "$@"
