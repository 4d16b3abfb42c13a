#compdef migratore
# zsh completion for migratore(1).
#
# Install as a file named _migratore in a directory of $fpath, e.g.
#   install -m 644 migratore.zsh /usr/local/share/zsh/site-functions/_migratore
# then start a new shell (or run: autoload -U compinit && compinit).
# The same completions as contrib/completion/migratore.bash.

local curcontext=$curcontext state line ret=1 bin cmd o w name desc
local -a commands opts ids expl value_opts
integer i

commands=(
  'help:print the help, or the help of one command'
  'version:print the version of migratore'
  'environ:show the resolved configuration and where each value came from'
  'list:list the executed migrations'
  'errors:list the errors of the migrations'
  'trace:print the traceback of one error'
  'mark:mark every pending migration as applied'
  'skip:skip the next pending migration'
  'rebuild:run the partial execution of one migration'
  'touch:give a migration file the current time as timestamp'
  'squash:combine a range of migrations into one file'
  'upgrade:run the pending migrations'
  'dry_upgrade:print the pending migrations'
  'downgrade:roll back the last applied migration'
  'dry_downgrade:print the migration downgrade would roll back'
  'generate:write a new migration file'
  'report:work on fleet reports (merge, render)'
)

# The options come from the binary being completed: `migratore help
# --options [COMMAND]` prints them one a line, NAME ("=" after one that
# takes a value), a tab, the help. After a command, only its own.
bin=${words[1]/#\~/$HOME}
for o in ${(f)"$(command $bin help --options 2>/dev/null)"}; do
  o=${o%%$'\t'*}
  [[ $o == *= ]] && value_opts+=( ${o%=} )
done
for (( i = 2; i < CURRENT; i++ )); do
  w=$words[i]
  if (( ${value_opts[(Ie)$w]} )); then
    (( i++ ))
  elif [[ $w != -* ]]; then
    cmd=$w
    break
  fi
done

# --select, --canary: tag:NAME for each tag of the inventory on the
# command line (--inventory, -i, or INVENTORY), as migratore loads it
# (`migratore help --tags`).
_migratore_tags() {
  local inv=$INVENTORY w
  local -a tags
  integer j
  for (( j = 2; j <= $#words; j++ )); do
    w=$words[j]
    case $w in
      --inventory=*) inv=${w#*=} ;;
      --inventory|-i) (( j + 1 != CURRENT )) && inv=$words[j+1] ;;
    esac
  done
  [[ -n $inv ]] || return 1
  tags=( ${(f)"$(command $bin help --tags --inventory ${~inv} 2>/dev/null)"} )
  compadd -P tag: -a tags
}

# What completes the value of option $1.
_migratore_value() {
  case $1 in
    --format|--log-format) print -r -- '(text json)' ;;
    -i|--inventory) print -r -- '_files -g "*.(yaml|yml)(-.)"' ;;
    --resume) print -r -- '_files -g "*.json(-.)"' ;;
    --report|--junit|--html|--metrics|--db|--unix-socket) print -r -- _files ;;
    --select|--canary) print -r -- _migratore_tags ;;
    --log-dir|--fs) print -r -- '_files -/' ;;
    --engine) print -r -- '(sqlite postgres mysql)' ;;
    --safe|--debug) print -r -- '(true false)' ;;
    --host) print -r -- _hosts ;;
    --username) print -r -- _users ;;
    *) print -r -- ' ' ;; # free text: numbers, durations, names, K/N
  esac
}

# Every option may be given again (the last one counts, --select adds).
for o in ${(f)"$(command $bin help --options $cmd 2>/dev/null)"}; do
  name=${o%%$'\t'*}
  desc=${${o#*$'\t'}//[][:\\]/}
  if [[ $name == --*= ]]; then
    opts+=( "*${name}[$desc]:${${name#--}%=}:$(_migratore_value ${name%=})" )
  elif [[ $name == *= ]]; then
    opts+=( "*${name%=}+[$desc]:value:$(_migratore_value ${name%=})" )
  else
    opts+=( "*${name}[$desc]" )
  fi
done

# One level: options are offered before and after the command; $line holds
# the command and the arguments before the cursor.
_arguments -s -S -C $opts \
  '1:command:->command' \
  '*:argument:->argument' && ret=0

case $state in
  command)
    _describe -t commands 'migratore command' commands && ret=0
    ;;
  argument)
    # n: which argument of the command the cursor is on (1 = the first).
    local n=$(( ${#line} - 1 ))
    # Migration ids: the timestamp prefix of the files here.
    ids=( [0-9]*(N-.) )
    ids=( ${${ids%%_*}%%.*} )
    case $line[1] in
      help)
        (( n == 1 )) &&
          _describe -t commands 'migratore command' commands && ret=0
        ;;
      report)
        if (( n == 1 )); then
          _values 'report command' 'merge[combine reports into one: OUT IN...]' \
            'render[write a report as JUnit XML or HTML: REPORT]' && ret=0
        elif [[ $line[2] == merge ]] || (( n == 2 )); then
          _files -g '*.json(-.)' && ret=0
        fi
        ;;
      upgrade|dry_upgrade|downgrade|dry_downgrade|mark|skip)
        (( n == 1 )) && _files -/ && ret=0
        ;;
      generate)
        (( n == 1 )) && _files && ret=0
        ;;
      rebuild|touch)
        case $n in
          1) _wanted ids expl 'migration id' compadd -a ids && ret=0 ;;
          2) _files -/ && ret=0 ;;
        esac
        ;;
      squash)
        case $n in
          1|2) _wanted ids expl 'migration id' compadd -a ids && ret=0 ;;
          3) _files && ret=0 ;;
        esac
        ;;
    esac
    ;;
esac

return ret
