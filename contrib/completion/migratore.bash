# bash completion for migratore(1)                           -*- shell-script -*-
#
# Install as /usr/share/bash-completion/completions/migratore (loaded on
# first use), or source it from ~/.bashrc. Works with or without the
# bash-completion package; with it, file names are completed by _filedir.
#
# Completes the commands, the options (both "--opt value" and
# "--opt=value"), the values of --format, --log-format, --engine, --safe
# and --debug, files for --inventory, --report, --resume, --junit, --html,
# --metrics, --db, --unix-socket, directories for --log-dir, --fs and the
# [path] argument, migration ids (file name prefixes) for rebuild, touch
# and squash, "report merge" followed by JSON reports and "report render"
# followed by one, and "tag:NAME" for --select and --canary with the tags
# of the inventory on the command line (or INVENTORY).
#
# The options come from the binary being completed (`migratore help
# --options [COMMAND]`, one a line, "=" after those that take a value):
# after a command, only the options that command takes. So do the tags
# (`migratore help --tags --inventory FILE`: the inventory as migratore
# loads it, so nothing when it does not load).

_migratore_commands="help version environ list errors trace mark skip
rebuild touch squash upgrade dry_upgrade downgrade dry_downgrade generate
report"

# The options of command $2 (every option without one) of the binary $1,
# one a line: NAME, or NAME= for one that takes a value.
_migratore_options()
{
	command "$1" help --options ${2:+"$2"} 2>/dev/null |
		while IFS=$'\t' read -r name _; do
			printf '%s\n' "$name"
		done
}

# Files (or, with -d, directories) matching cur; with bash-completion's
# _filedir when it is there, else compgen. $1: "-d" or a glob extension
# pattern such as '@(yaml|yml)'.
_migratore_files()
{
	if declare -F _filedir >/dev/null 2>&1; then
		_filedir "$@"
		return
	fi
	compopt -o filenames 2>/dev/null
	if [[ ${1:-} == -d ]]; then
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
}

# The words of $1 that begin with cur.
_migratore_words()
{
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}

# Migration ids: the <timestamp> prefix of the migration files in the
# current directory (the [path] argument comes after the id).
_migratore_ids()
{
	local f ids=()

	for f in [0-9]*; do
		[[ -f $f ]] && ids+=("${f%%[!0-9]*}")
	done
	_migratore_words "${ids[*]}"
}

# The inventory the command line names (--inventory, -i, or INVENTORY).
_migratore_inventory()
{
	local i w inv=${INVENTORY:-}

	for ((i = 1; i < ${#words[@]}; i++)); do
		w=${words[i]}
		case $w in
		--inventory=*) inv=${w#*=} ;;
		--inventory | -i)
			if [[ ${words[i + 1]:-} == = ]]; then
				inv=${words[i + 2]:-}
			elif ((i + 1 != cword)); then
				inv=${words[i + 1]:-}
			fi
			;;
		esac
	done
	printf '%s\n' "${inv/#\~/$HOME}"
}

# "tag:NAME" for each tag of the inventory, for a selection expression.
_migratore_tags()
{
	local inv t tags=()

	inv=$(_migratore_inventory)
	[[ -n $inv ]] || return 0
	while IFS= read -r t; do
		tags+=("tag:$t")
	done < <(command "$bin" help --tags --inventory "$inv" 2>/dev/null)
	_migratore_words "${tags[*]}"
}

# The value of option $1.
_migratore_value()
{
	case $1 in
	--format | --log-format) _migratore_words "text json" ;;
	--engine) _migratore_words "sqlite postgres mysql" ;;
	--safe | --debug)
		_migratore_words "true false yes no on off 1 0"
		;;
	-i | --inventory) _migratore_files '@(yaml|yml)' ;;
	--resume) _migratore_files '@(json)' ;;
	--report | --junit | --html | --metrics | --db | --unix-socket)
		_migratore_files
		;;
	--select | --canary) _migratore_tags ;;
	--log-dir | --fs) _migratore_files -d ;;
	*) COMPREPLY=() ;; # free text: numbers, durations, names, K/N
	esac
}

# COMP_WORDBREAKS splits "tag:eu" into "tag" ":" "eu": join the pieces
# back into words and cword.
_migratore_join_colons()
{
	local i n=-1

	words=()
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		if ((n >= 0)) && [[ ${COMP_WORDS[i]} == : || ${COMP_WORDS[i - 1]} == : ]]; then
			words[n]+=${COMP_WORDS[i]}
		else
			words[++n]=${COMP_WORDS[i]}
		fi
		((i == COMP_CWORD)) && cword=$n
	done
}

_migratore()
{
	local cur prev cword i w cmd="" sub="" nargs=0 bin o colon=""
	local -a words
	# Options that take a value: the word after one is its value, never
	# the command.
	local value_opts=" "

	_migratore_join_colons
	cur=${words[cword]}
	prev=""
	((cword > 0)) && prev=${words[cword - 1]}
	# COMP_WORDBREAKS splits "--report=x" into "--report" "=" "x".
	if [[ $cur == = ]]; then
		cur=""
	elif [[ $prev == = ]] && ((cword > 1)); then
		prev=${words[cword - 2]}
	elif [[ $cur == --*=* ]]; then # COMP_WORDBREAKS without "="
		prev=${cur%%=*}
		cur=${cur#*=}
	fi
	# bash replaces only what follows the last ':' of the word
	[[ $COMP_WORDBREAKS == *:* && $cur == *:* ]] && colon=${cur%"${cur##*:}"}
	COMPREPLY=()
	bin=${words[0]/#\~/$HOME}
	for o in $(_migratore_options "$bin"); do
		[[ $o == *= ]] && value_opts+="${o%=} "
	done

	# The command, its sub-command (report merge) and how many positional
	# arguments come before the cursor.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if [[ $w == = || ${words[i + 1]:-} == = ]]; then
			continue # "--opt = value": skipped word by word
		elif [[ ${words[i - 1]:-} == = ]]; then
			continue
		elif [[ $value_opts == *" $w "* ]]; then
			((i++))
		elif [[ $w == -* ]]; then
			continue
		elif [[ -z $cmd ]]; then
			cmd=$w
		elif [[ $cmd == report && -z $sub ]]; then
			sub=$w
		else
			((nargs++))
		fi
	done

	if [[ $value_opts == *" $prev "* ]]; then
		_migratore_value "$prev"
		[[ -n $colon ]] && COMPREPLY=("${COMPREPLY[@]#"$colon"}")
		return 0
	fi
	if [[ $cur == -* ]]; then
		w=""
		for o in $(_migratore_options "$bin" "$cmd"); do
			w+="${o%=} "
		done
		_migratore_words "$w"
		return 0
	fi

	case $cmd in
	"") _migratore_words "$_migratore_commands" ;;
	help)
		((nargs == 0)) &&
			_migratore_words "$_migratore_commands"
		;;
	report)
		if [[ -z $sub ]]; then
			_migratore_words "merge render"
		elif [[ $sub == merge ]] || ((nargs == 0)); then
			_migratore_files '@(json)'
		fi
		;;
	upgrade | dry_upgrade | downgrade | dry_downgrade | mark | skip)
		((nargs == 0)) && _migratore_files -d
		;;
	generate) ((nargs == 0)) && _migratore_files ;;
	rebuild | touch)
		if ((nargs == 0)); then
			_migratore_ids
		elif ((nargs == 1)); then
			_migratore_files -d
		fi
		;;
	squash)
		if ((nargs < 2)); then
			_migratore_ids
		elif ((nargs == 2)); then
			_migratore_files
		fi
		;;
	*) ;; # version, environ, list, errors, trace <id>: nothing to offer
	esac
	return 0
}

complete -F _migratore migratore
