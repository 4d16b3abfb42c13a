#!/bin/bash
# The command line: help of every command, usage errors (exit 2), version,
# and the precedence flags > environment > .env > defaults (SPEC 3, 6).
# No database is needed: these run once, not per engine, except where a
# command reaches the database.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$TESTS_SRCDIR/lib/tap.sh"
. "$TESTS_SRCDIR/lib/engines.sh"

COMMANDS="help version environ list errors trace mark skip rebuild touch squash upgrade dry_upgrade downgrade dry_downgrade generate"

mig DB_URL= help
is_rc 0 "help exits 0"
for c in $COMMANDS; do
	like "$M_OUT" "^  $c( |$)" "help lists $c"
done
contains "$M_OUT" "Exit codes:" "help documents the exit codes"
help_all=$M_OUT

mig DB_URL=
is_rc 0 "no command prints the help and exits 0"
is "$M_OUT" "$help_all" "no command is help"
mig DB_URL= --help
is_rc 0 "--help exits 0"

for c in $COMMANDS; do
	mig DB_URL= "$c" --help
	is_rc 0 "$c --help exits 0"
	if [ "$c" = help ]; then
		contains "$M_OUT" "Usage: migratore" "$c --help shows the usage"
	else
		contains "$M_OUT" "Usage: migratore $c" "$c --help shows its usage"
	fi
	is "$M_ERR" "" "$c --help writes nothing to stderr"
	mig DB_URL= help "$c"
	is_rc 0 "help $c exits 0"
done

# The help of one command lists only the options that command takes; the
# whole table is in the general help.
mig DB_URL= version --help
is "$M_OUT" "Usage: migratore version  [options]

Prints the current version of migratore.

Options:
  -h, --help               show help (of a command: migratore CMD --help)

$(printf '%s\n' "$help_all" | sed -n '/^Exit codes:/,$p')" "version --help: the usage, --help and the exit codes"
mig DB_URL= generate --help
contains "$M_OUT" "  -m, --message TEXT       description of the migration (generate)" "generate --help: --message"
lacks "$M_OUT" "--host" "generate --help: no database options"
lacks "$M_OUT" "Fleet mode" "generate --help: no fleet options"
mig DB_URL= upgrade --help
contains "$M_OUT" "--allow-out-of-order" "upgrade --help: --allow-out-of-order"
contains "$M_OUT" "--lock-timeout" "upgrade --help: the configuration overrides"
contains "$M_OUT" "  -i, --inventory FILE" "upgrade --help: the fleet options"
contains "$M_OUT" "      --canary EXPR" "upgrade --help: the rollout options"
contains "$M_OUT" "      --format text|json" "upgrade --help: --format (every database command)"
contains "$M_OUT" "      --log-format text|json" "upgrade --help: --log-format"
lacks "$M_OUT" "--sql" "upgrade --help: no --sql (dry runs only)"
mig DB_URL= dry_upgrade --help
contains "$M_OUT" "      --sql " "dry_upgrade --help: --sql"
mig DB_URL= upgrade --sql
is_rc 2 "upgrade --sql: a usage error"
contains "$M_ERR" "--sql is for dry_upgrade and dry_downgrade" "upgrade --sql: says which commands take it"
lacks "$M_OUT" "--message" "upgrade --help: no --message (generate only)"
mig DB_URL= list --help
contains "$M_OUT" "      --format text|json" "list --help: --format"
lacks "$M_OUT" "--allow-out-of-order" "list --help: no --allow-out-of-order"
mig DB_URL= trace --help
contains "$M_OUT" "  -v, --verbose" "trace --help: --verbose"
lacks "$M_OUT" "Fleet mode" "trace --help: no fleet options (trace does not run in fleet mode)"
trace_help=$M_OUT
mig DB_URL= help trace
is "$M_OUT" "$trace_help" "help trace is trace --help"
mig DB_URL= help --options
missing=""
for o in $(printf '%s\n' "$help_all" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -q -- "^$o=\?	" <<<"$M_OUT" || missing="$missing $o"
done
is "$missing" "" "help --options lists every option of --help"
mig DB_URL= help --options version
is "$M_OUT" "--help	show help (of a command: migratore CMD --help)
-h	show help (of a command: migratore CMD --help)" "help --options version: --help only, tab and help after the name"
mig DB_URL= upgrade --options
contains "$M_OUT" "--shard=	only slice K" "upgrade --options: an option that takes a value ends with ="
lacks "$M_OUT" "--options" "--options is hidden"

mig DB_URL= version
is_rc 0 "version exits 0"
like "$M_OUT" "^migratore [0-9]+\.[0-9]+" "version prints the version"

mig DB_URL= frobnicate
is_rc 2 "an unknown command exits 2"
contains "$M_ERR" "frobnicate" "an unknown command is named"
is "$M_OUT" "" "a usage error prints nothing on stdout"
mig DB_URL= help frobnicate
is_rc 2 "help of an unknown command exits 2"
mig DB_URL= list --frobnicate
is_rc 2 "an unknown option exits 2"
is "$M_ERR" "migratore: unknown option '--frobnicate'
Try 'migratore help' for the list of commands." "an unknown option: the message and where to look"
mig DB_URL= frobnicate --format xml
is "$M_ERR" "migratore: unknown command 'frobnicate'
Try 'migratore help' for the list of commands." "an unknown command is reported before a bad option after it"
# "Did you mean": one typo from a command, an option, a report subcommand
# or its option, the hint names it; an option that is a command says so.
mig DB_URL= upgarde
is_rc 2 "a mistyped command exits 2"
is "$M_ERR" "migratore: unknown command 'upgarde'; did you mean 'upgrade'?
Try 'migratore help' for the list of commands." "upgarde: did you mean 'upgrade'?"
mig DB_URL= dry-upgrade migs
is "$M_ERR" "migratore: unknown command 'dry-upgrade'; did you mean 'dry_upgrade'?
Try 'migratore help' for the list of commands." "dry-upgrade: did you mean 'dry_upgrade'?"
mig DB_URL= help lsit
is "$M_ERR" "migratore: unknown command 'lsit'; did you mean 'list'?
Try 'migratore help' for the list of commands." "help lsit: did you mean 'list'?"
mig DB_URL= upgrade --jbos 4
is_rc 2 "a mistyped option exits 2"
is "$M_ERR" "migratore: unknown option '--jbos'; did you mean '--jobs'?
Try 'migratore help' for the list of commands." "--jbos: did you mean '--jobs'?"
mig DB_URL= upgrade --lock-timout=5
is "$M_ERR" "migratore: unknown option '--lock-timout'; did you mean '--lock-timeout'?
Try 'migratore help' for the list of commands." "a configuration override is suggested too"
mig DB_URL= upgrade --dry-run
is_rc 2 "--dry-run exits 2"
is "$M_ERR" "migratore: unknown option '--dry-run'; did you mean the commands 'dry_upgrade' or 'dry_downgrade'?
Try 'migratore help' for the list of commands." "--dry-run: the dry runs are commands"
mig DB_URL= --version
is "$M_ERR" "migratore: unknown option '--version'; did you mean the command 'version'?
Try 'migratore help' for the list of commands." "--version: the command version"
mig DB_URL= report mrege out.json in.json
is_rc 2 "report mrege exits 2"
like "$M_ERR" "^migratore report: unknown subcommand 'mrege'; did you mean 'merge'\\?" "report mrege: did you mean 'merge'?"
mig DB_URL= report render in.json --jnuit out.xml
like "$M_ERR" "^migratore report: unknown option '--jnuit'; did you mean '--junit'\\?" "report render --jnuit: did you mean '--junit'?"
mig DB_URL= frobnicate
lacks "$M_ERR" "did you mean" "a word far from every command gets no hint"
mig DB_URL= upgrade --jobs 0
is_rc 2 "--jobs 0 exits 2"
is "$M_ERR" "migratore: --jobs takes a number from 1 to 10000
Try 'migratore help' for the list of commands." "--jobs 0: the range"
mig DB_URL= upgrade --retries 3
is_rc 2 "a rollout option without an inventory exits 2"
is "$M_ERR" "migratore: --retries is for fleet mode: give --inventory FILE (or INVENTORY)
Try 'migratore help' for the list of commands." "... and says so"
mig DB_URL= trace 1 --inventory fleet.yaml
is_rc 2 "trace in fleet mode exits 2"
is "$M_ERR" "migratore: trace does not run in fleet mode (--inventory)
Try 'migratore help' for the list of commands." "... and says so"
mig DB_URL= list --format xml
is_rc 2 "--format xml exits 2"
mig DB_URL= rebuild
is_rc 2 "rebuild without an id exits 2"
is "$M_ERR" "migratore: rebuild takes arguments <id> [path]
Usage: migratore rebuild <id> [path]" "rebuild without an id: the message and its usage"
mig DB_URL= squash onlyone
is_rc 2 "squash with one argument exits 2"
mig DB_URL= upgrade a b
is_rc 2 "upgrade with two paths exits 2"

# Precedence: flags > environment > .env > defaults.
cwd=$(mktemp -d "$T_TMP/dotenv.XXXXXX")
cat >"$cwd/.env" <<EOF
HOST=from-dotenv
PORT=1111
DB=dotenv_db
USERNAME=dotenv_user
PASSWORD=$T_SECRET
ENGINE=postgres
EOF
MIG_CWD=$cwd mig DB_URL= environ
is_rc 0 "environ with a .env exits 0"
like "$M_OUT" "^host +: from-dotenv " ".env supplies HOST"
like "$M_OUT" "^port +: 1111 " ".env supplies PORT"
MIG_CWD=$cwd mig DB_URL= HOST=from-env PORT=2222 environ
like "$M_OUT" "^host +: from-env " "the environment beats .env"
like "$M_OUT" "^port +: 2222 " "the environment beats .env (PORT)"
like "$M_OUT" "^db +: dotenv_db " "what the environment does not set comes from .env"
MIG_CWD=$cwd mig DB_URL= HOST=from-env environ --host=from-flag --port 3333
like "$M_OUT" "^host +: from-flag " "a flag beats the environment"
like "$M_OUT" "^port +: 3333 " "a flag beats .env"
MIG_CWD=$cwd mig DB_URL= DB_HOST=alias-host HOST=plain-host environ
like "$M_OUT" "^host +: alias-host " "DB_HOST beats HOST"
lacks "$M_OUT$M_ERR" "$T_SECRET" "environ with a .env password hides it"
MIG_CWD=$cwd mig DB_URL= PORT=abc environ
is_rc 3 "a bad PORT in the environment exits 3 even with a good .env"
echo "SAFE=perhaps" >>"$cwd/.env"
MIG_CWD=$cwd mig DB_URL= environ
is_rc 3 "a bad SAFE in .env exits 3"
like "$M_ERR" "SAFE.*\.env" "the message says the bad value came from .env"

mig DB_URL= HOST=somewhere environ
like "$M_OUT" "^engine +: mysql " "HOST alone selects mysql (the Python tool's invocation)"
mig DB_URL= environ
like "$M_OUT" "^engine +: sqlite " "nothing set selects sqlite"

# An engine configure left out (--without-mysql) is named, before any
# connection; one that is built tries the closed port and is unreachable.
for e in postgres mysql; do
	mig DB_URL= ENGINE="$e" HOST=127.0.0.1 PORT=1 list
	if engine_built "$e"; then
		is_rc 4 "$e is built: a closed port is unreachable"
		lacks "$M_ERR" "not compiled" "$e is built: not called missing"
	else
		is_rc 3 "$e is not built: a configuration error"
		like "$M_ERR" "engine '$e' is not compiled into this migratore" \
			"$e is not built: the message says so"
	fi
done

check_no_password
done_testing
