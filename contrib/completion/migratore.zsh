#compdef migratore
# zsh completion for migratore(1).
#
# Install as a file named _migratore in a directory of $fpath, e.g.
#   install -m 644 migratore.zsh /usr/local/share/zsh/site-functions/_migratore
# then start a new shell (or run: autoload -U compinit && compinit).
# The same completions as contrib/completion/migratore.bash.

local curcontext=$curcontext state line ret=1
local -a commands opts ids expl

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
  'report:work on fleet reports (merge)'
)

opts=(
  '(- *)'{-h,--help}'[show help]'
  '(-q --quiet)'{-q,--quiet}'[print only what went wrong]'
  '(-v --verbose)'{-v,--verbose}'[print the traceback of a failed migration]'
  '--format=[output format of list and errors]:format:(text json)'
  '--allow-out-of-order[apply migrations older than the newest applied one]'
  '(-m --message)'{-m+,--message=}'[description of the new migration]:text: '
  '(-i --inventory)'{-i+,--inventory=}'[fleet inventory]:inventory:_files -g "*.(yaml|yml)(-.)"'
  '(-j --jobs)'{-j+,--jobs=}'[targets run at once]:number: '
  '*--select=[targets by name glob or tag]:expression: '
  '--timeout=[time limit per target]:duration (90s, 10m, 1h30m): '
  '--report=[write the JSON report]:report:_files'
  '--log-dir=[one log per target]:directory:_files -/'
  '--shard=[take slice K of N of the inventory]:K/N: '
  '--resume=[skip the targets a report says are done]:report:_files -g "*.json(-.)"'
  '--junit=[write a JUnit XML report]:file:_files'
  '--html=[write an HTML report]:file:_files'
  '--max-failures=[stop starting targets after N or P% failures]:N or P%: '
  '--deadline=[start no target after this time]:duration: '
  '--retries=[retries of an unreachable or locked target]:number: '
  '--canary=[a first wave of the targets matching this selection]:selection: '
  '--per-host=[targets at once on one server]:number: '
  '--engine=[database engine]:engine:(sqlite postgres mysql)'
  '--db-url=[database URL]:url: '
  '--host=[server host]:host:_hosts'
  '--port=[server port]:port: '
  '--unix-socket=[server socket]:socket:_files'
  '--db=[database name, or the SQLite file]:database:_files'
  '--username=[login name]:user:_users'
  '--fs=[directory given to executable migrations]:directory:_files -/'
  '--safe=[transactions and rollback on failure]:boolean:(true false)'
  '--debug=[debug logging]:boolean:(true false)'
  '--lock-timeout=[seconds to wait for the migration lock]:seconds: '
  '--operator=[name written to the bookkeeping table]:name: '
)

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
          _values 'report command' 'merge[combine reports into one: OUT IN...]' && ret=0
        else
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
