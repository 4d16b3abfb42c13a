# tests/lib/tap.sh - a small TAP 13 producer for the shell integration tests.
#
# Source it, emit results, finish with done_testing (the plan goes last, so
# a script need not count its cases in advance):
#
#   . "$TESTS_SRCDIR/lib/tap.sh"
#   is "$(echo hi)" "hi" "echo says hi"
#   done_testing
#
# Functions (NAME is the test's description, shown by the harness):
#   ok STATUS NAME          pass when STATUS is 0 (a shell exit status)
#   pass NAME / fail NAME   unconditional result
#   is GOT WANT NAME        string equality; shows both on failure
#   isnt GOT UNWANTED NAME
#   like GOT ERE NAME       GOT matches the extended regular expression
#   unlike GOT ERE NAME
#   contains GOT TEXT NAME  GOT holds TEXT literally (bytes, newlines too)
#   lacks GOT TEXT NAME     GOT does not hold TEXT
#   todo NAME REASON        a known failure: "not ok ... # TODO REASON",
#                           which does not fail the script (automake: XFAIL)
#   skip REASON [COUNT]     COUNT results reported as skipped
#   diag TEXT...            a comment on stderr-like TAP diagnostics (# ...)
#   note TEXT...            a comment line
#   bail_out REASON         abort the whole script (Bail out!)
#   done_testing            prints the plan and exits: 0 when nothing
#                           failed, 1 otherwise
#
# Everything goes to stdout, which is the TAP stream; diagnostics are TAP
# comments so that automake's tap-driver copies them into the log.

TAP_N=0
TAP_FAILED=0
TAP_DONE=0

printf 'TAP version 13\n'

_tap_result() { # STATUS NAME [DIRECTIVE]
	TAP_N=$((TAP_N + 1))
	local name=$2
	# "#" would start a directive in the harness's eyes: keep names plain.
	name=${name//#/\\#}
	name=${name//$'\n'/ }
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s%s\n' "$TAP_N" "$name" "${3:+ # $3}"
	else
		TAP_FAILED=$((TAP_FAILED + 1))
		printf 'not ok %d - %s%s\n' "$TAP_N" "$name" "${3:+ # $3}"
	fi
}

diag() {
	local line
	printf '%s\n' "$*" | while IFS= read -r line || [ -n "$line" ]; do
		printf '# %s\n' "$line"
	done
}

note() { diag "$@"; }

# Show a (possibly long, multi-line) value as TAP comments, truncated.
_tap_show() { # LABEL VALUE
	local v=$2
	if [ "${#v}" -gt 3000 ]; then
		v="${v:0:3000}... (${#v} bytes in all)"
	fi
	diag "$1:"
	printf '%s\n' "$v" | sed 's/^/#   /'
}

ok() {
	_tap_result "$1" "$2"
}

pass() { _tap_result 0 "$1"; }

todo() {
	_tap_result 1 "$1" "TODO $2"
	TAP_FAILED=$((TAP_FAILED - 1))
}

fail() {
	_tap_result 1 "$1"
	[ $# -gt 1 ] && diag "${@:2}"
	return 0
}

is() {
	if [ "$1" = "$2" ]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		_tap_show "got" "$1"
		_tap_show "expected" "$2"
	fi
}

isnt() {
	if [ "$1" != "$2" ]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		_tap_show "got (and did not want)" "$1"
	fi
}

like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		_tap_show "got" "$1"
		diag "expected to match: $2"
	fi
}

unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_tap_result 1 "$3"
		_tap_show "got" "$1"
		diag "expected not to match: $2"
	else
		_tap_result 0 "$3"
	fi
}

contains() {
	case $1 in
	*"$2"*) _tap_result 0 "$3" ;;
	*)
		_tap_result 1 "$3"
		_tap_show "got" "$1"
		_tap_show "expected to contain" "$2"
		;;
	esac
}

lacks() {
	case $1 in
	*"$2"*)
		_tap_result 1 "$3"
		_tap_show "got" "$1"
		_tap_show "expected not to contain" "$2"
		;;
	*) _tap_result 0 "$3" ;;
	esac
}

skip() { # REASON [COUNT]
	local i n=${2:-1}
	for ((i = 0; i < n; i++)); do
		_tap_result 0 "skipped" "SKIP $1"
	done
}

bail_out() {
	printf 'Bail out! %s\n' "$*"
	TAP_DONE=1
	exit 99
}

done_testing() {
	TAP_DONE=1
	printf '1..%d\n' "$TAP_N"
	if [ "$TAP_FAILED" -gt 0 ]; then
		diag "$TAP_FAILED of $TAP_N tests failed"
		exit 1
	fi
	exit 0
}
