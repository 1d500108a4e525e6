/**
 * The bash code a session's shell runs first, after `__rb_ctl` is set to the session's control
 * FIFO. Each block is `source`d in this one shell, so `cd`, `export` and plain assignments carry
 * to the next block as in a terminal.
 *
 * errexit cannot be `set -e` here: a failing command would end the session's shell. An ERR trap
 * returns from the sourced block instead, under the same conditions `set -e` would exit (not in
 * `if`, `while`, `&&`/`||` lists or negations). It acts for commands of the block's own file and
 * of whatever it runs (functions an earlier block defined, files it sources, which return their
 * failure to it in turn), so the session's own commands around the block never trigger it. A block
 * that sets an ERR trap of its own gets it run first (`trap` is a function here that keeps the
 * session's after it), as `set -e` still exits after a script's own ERR trap; a block whose
 * errexit is off sets its ERR trap as bash does. Either way the handler carries to later blocks,
 * as in a terminal, until a block resets it (`trap - ERR`); between blocks no ERR trap is set. A
 * block's EXIT trap runs between the session's saving of the state and its `exit` message, so
 * both still happen when the shell exits.
 *
 * A check (no state file given) runs in a subshell: it cannot change the session, and nothing is
 * read back.
 *
 * The end of a block is told without holding any descriptor while the block runs (issue 16): the
 * session writes the block's run line (`runBlockLine`) and `__rb_done TOKEN $? …` as one line, which bash parses whole before
 * running it, so the block's token lives in no variable a block could print (`declare -p`, `set`)
 * and no descriptor a block could close, redirect or pass to a child that outlives it. After the
 * block, `__rb_done` writes the working directory and `declare -p` to the state file, an end
 * marker on stdout and on stderr while they are still pipes or sockets as the session gave them
 * (so the reader knows each stream is complete up to there, and a block that sent its output to a
 * file finds no marker in it), then opens the control FIFO by its path for one line: token,
 * status and which markers it wrote. It opens the FIFO for reading and writing (`1<>`), which never
 * waits: opened for writing only, it would wait for a reader for ever once the tool is gone (killed
 * outright), and the shell with it. Only `ready`, sent once as the shell starts, waits for the tool
 * to open the FIFO: written while no one has it open, a message would be dropped. When the shell
 * exits during a block (`exit`, `set -e`), the EXIT trap reports `exit PID STATUS 1` instead, and
 * the block ends with the shell. A shell that exits between blocks (a block closed the descriptor
 * bash saved its input on) says `exit PID STATUS 0`: a block sent to it meanwhile never ran, and
 * is sent to a new shell.
 */
/**
 * What an ERR trap that stops a block notes first: the command that failed (the innermost, on the
 * way out of functions) and its line in the block's own file, for the reason its result gives.
 * Written inline, not called: in a function `$BASH_COMMAND` and `$LINENO` would be the function's.
 */
const NOTE_STOP = String.raw`[ -n "$__rb_fail_cmd" ] || __rb_fail_cmd=$BASH_COMMAND; [ -z "$__rb_fail_line" ] && [ "$BASH_SOURCE" = "$__rb_file" ] && __rb_fail_line=$LINENO`;

/** `text` as it reads inside double quotes in bash, to be expanded when the trap runs. */
const quoted = (text: string) => text.replace(/["$\\`]/g, '\\$&');

export const PRELUDE_SETUP = String.raw`set +e +u
__rb_err_h= __rb_fail_cmd= __rb_fail_line= __rb_errexit= __rb_failed= __rb_xt= __rb_running=
__rb_done() {
  [ -n "$3" ] && { builtin printf '%s\0' "$PWD"; builtin declare -p; builtin printf '\0'; builtin declare -f; } > "$3" 2>/dev/null
  __rb_mo=0 __rb_me=0
  [[ -p /dev/stdout || -S /dev/stdout ]] && builtin printf '\036%s:o:%s\036' "$1" "$2" 2>/dev/null && __rb_mo=1
  [[ -p /dev/stderr || -S /dev/stderr ]] && builtin printf '\036%s:e:%s\036' "$1" "$2" >&2 && __rb_me=1
  builtin printf '%s %s %s %s\n' "$1" "$2" "$__rb_mo" "$__rb_me" 1<> "$__rb_ctl"
}
__rb_pre() {
  __rb_file=$1
  __rb_current_state=$4
  if [ "$3" = 1 ]; then set -o pipefail; else set +o pipefail; fi
  if [ "$2" = 1 ]; then
    set -E
    __rb_errexit=1 __rb_failed=
    if [ -n "$__rb_err_h" ]; then trap -- "$__rb_err_h" ERR; else builtin trap "$__rb_stop" ERR; fi
  elif [ -n "$__rb_err_h" ]; then
    builtin trap -- "$__rb_err_h" ERR
  fi
  __rb_running=1 __rb_fail_cmd= __rb_fail_line=
  return 0
}
__rb_post() {
  local __rb_s=$?
  __rb_xt=$-
  set +x +E +o pipefail
  __rb_running= __rb_errexit=
  builtin trap - ERR
  return $__rb_s
}
__rb_ours() {
  local __rb_s
  for __rb_s in "${'${'}BASH_SOURCE[@]}"; do [ "$__rb_s" = "$__rb_file" ] && return 0; done
  return 1
}
__rb_stop='{ __rb_e=$?; __rb_ours && { ${NOTE_STOP}; return $__rb_e; }; } 2>/dev/null'
__rb_ret() { return $1; }
trap() {
  if [ $# -lt 2 ] || [[ $1 == -[pl] ]]; then builtin trap "$@"; return; fi
  [ "$1" = -- ] && shift
  local __rb_h=$1 __rb_g __rb_others=()
  shift
  for __rb_g in "$@"; do
    case ${'${'}__rb_g^^} in
      ERR)
        __rb_err_h=$__rb_h
        [ "$__rb_h" = - ] && __rb_err_h=
        if [ -z "$__rb_errexit" ]; then __rb_others+=("$__rb_g")
        elif [ "$__rb_h" = - ] || [ -z "$__rb_h" ]; then builtin trap "$__rb_stop" ERR
        else builtin trap "{ __rb_e=\$?; __rb_uh=; __rb_ours && { ${quoted(NOTE_STOP)}; }; [ -z \"\$__rb_failed\" ] && __rb_ours && __rb_failed=1 __rb_uh=1; } 2>/dev/null; if [ -n \"\$__rb_uh\" ]; then __rb_ret \$__rb_e; $__rb_h
fi; { __rb_ours && return \$__rb_e; } 2>/dev/null" ERR
        fi ;;
      EXIT|0)
        if [ "$__rb_h" = - ] || [ -z "$__rb_h" ]; then builtin trap "$__rb_exit" EXIT
        else builtin trap "$__rb_exit_save; __rb_ret \$__rb_x
$__rb_h
$__rb_exit_say" EXIT
        fi ;;
      *) __rb_others+=("$__rb_g") ;;
    esac
  done
  [ ${'${'}#__rb_others[@]} -eq 0 ] || builtin trap -- "$__rb_h" "${'${'}__rb_others[@]}"
}
__rb_exit_save='{ __rb_x=$?; set +x +E; builtin trap - ERR; } 2>/dev/null; [ -n "$__rb_running" ] && [ -n "$__rb_current_state" ] && { builtin printf "%s\0" "$PWD"; builtin declare -p; builtin printf "\0"; builtin declare -f; } > "$__rb_current_state" 2>/dev/null'
__rb_exit_say='builtin printf "exit %s %s %s\n" "$$" "$__rb_x" "$((__rb_running + 0))" 1<> "$__rb_ctl"'
__rb_exit="$__rb_exit_save; $__rb_exit_say"
builtin trap "$__rb_exit" EXIT`;

/**
 * The shell text that runs the block in `file` (a shell word) and leaves its status in `$?`.
 * The block is sourced at the shell's top level, not from a function, so that `declare` and
 * `typeset` make globals there as at a prompt. `state` is the state file's word, or `''` for a
 * check, which runs in a subshell. Tracing (`set -x`) is off while the session's own commands
 * run, and on again for the next block if the last one left it on, from inside the block's file
 * (`XTRACE_AGAIN`), so that not even the command sourcing it is traced: the session's commands
 * and the block's token never reach the output (each of them runs with its error output, where
 * traces go, sent to /dev/null). Bash reads its input a byte per system call: the line is kept
 * short (the session's folder is `$__rb_d`, see session.ts).
 */
export function runBlockLine(file: string, errexit: boolean, pipefail: boolean, state: string): string {
  const source = state === "''" ? `( builtin source ${file} < /dev/null )` : `builtin source ${file} < /dev/null`;
  return `{ __rb_pre ${file} ${errexit ? 1 : 0} ${pipefail ? 1 : 0} ${state}; } 2>/dev/null; ${source}; { __rb_post; } 2>/dev/null`;
}

/**
 * What a block's file starts with, on its first line (so the block's lines keep their numbers):
 * tracing turned on again when the block before left it on. Its own status is 0, so neither
 * `set -e` nor an ERR trap sees it.
 */
export const XTRACE_AGAIN = '{ [[ $__rb_xt != *x* ]] || set -x; } 2>/dev/null; ';

/** The line that ends a shell's start: `ready PID` on the control FIFO, once the tool reads it. */
export const READY = String.raw`builtin printf 'ready %s\n' "$$" >> "$__rb_ctl"`;

/** The prelude and its ready line, as a shell that needs nothing in between runs them. */
export const PRELUDE = `${PRELUDE_SETUP}\n${READY}`;

/** The variable that marks every process a session starts (see processes.ts). */
export const SESSION_VAR = 'RUNBOOK_SESSION';

/** Variables the shell manages itself: never restored into a new shell, never reported as changed. */
export const SHELL_OWNED = /^(?:BASH\w*|SHELLOPTS|BASHOPTS|PPID|UID|EUID|GROUPS|SHLVL|PWD|OLDPWD|RANDOM|SRANDOM|SECONDS|LINENO|EPOCHREALTIME|EPOCHSECONDS|HISTCMD|FUNCNAME|PIPESTATUS|DIRSTACK|COMP_\w+|_|__rb_\w+|RUNBOOK_SESSION|IFS|OPTIND|OPTERR|PS\d|HOSTNAME|HOSTTYPE|MACHTYPE|OSTYPE|COLUMNS|LINES|MAILCHECK)$/;
