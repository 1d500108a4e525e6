/**
 * The bash code a session's shell runs first. Each block is `source`d in this one shell, so
 * `cd`, `export` and plain assignments carry to the next block as in a terminal.
 *
 * errexit cannot be `set -e` here: a failing command would end the session's shell. An ERR trap
 * returns from the sourced block instead, under the same conditions `set -e` would exit (not in
 * `if`, `while`, `&&`/`||` lists or negations). It acts only for commands of the block's own file,
 * so the `source` command failing in `__rb_run` does not trigger it again.
 *
 * A check (no state file given) runs in a subshell: it cannot change the session, and nothing is
 * read back. After each block, `__rb_done` writes the working directory and `declare -p` to the state file,
 * prints an end marker on stdout and stderr (so the reader knows both streams are complete up to
 * there), and reports the status on the control descriptor 3.
 */
export const PRELUDE = [
  "set +e +u",
  "__rb_done() {",
  "  [ -n \"$3\" ] && { builtin printf \'%s\\0\' \"$PWD\"; builtin declare -p; } > \"$3\" 2>/dev/null",
  "  builtin printf \'\\036%s\\036\' \"$1\"",
  "  builtin printf \'\\036%s\\036\' \"$1\" >&2",
  "  builtin printf \'%s %s\\n\' \"$1\" \"$2\" >&3",
  "}",
  "__rb_run() {",
  "  __rb_file=$1",
  "  __rb_current_token=$2",
  "  __rb_current_state=$5",
  "  if [ \"$4\" = 1 ]; then set -o pipefail; else set +o pipefail; fi",
  "  if [ \"$3\" = 1 ]; then",
  "    set -E",
  "    trap \'__rb_e=$?; [ \"${BASH_SOURCE[0]}\" = \"$__rb_file\" ] && return $__rb_e\' ERR",
  "  fi",
  "  __rb_token=$2",
  // The block sees no positional parameters ($# is 0), as at a prompt, not this function's.
  "  set --",
  "  if [ -n \"$__rb_current_state\" ]; then builtin source \"$__rb_file\" < /dev/null; else ( builtin source \"$__rb_file\" < /dev/null ); fi",
  "  __rb_status=$?",
  "  trap - ERR",
  "  set +E +o pipefail",
  "  __rb_current_token=",
  "  __rb_done \"$__rb_token\" \"$__rb_status\" \"$__rb_current_state\"",
  "}",
  "trap \'__rb_exit=$?; builtin printf \"exiting %s\\n\" \"$__rb_exit\" >&3; [ -n \"$__rb_current_token\" ] && __rb_done \"$__rb_current_token\" \"$__rb_exit\" \"$__rb_current_state\"\' EXIT",
  "builtin printf \'ready 0\\n\' >&3",
].join('\n');

/** Variables the shell manages itself: never restored into a new shell, never reported as changed. */
export const SHELL_OWNED = /^(?:BASH\w*|SHELLOPTS|BASHOPTS|PPID|UID|EUID|GROUPS|SHLVL|PWD|OLDPWD|RANDOM|SRANDOM|SECONDS|LINENO|EPOCHREALTIME|EPOCHSECONDS|HISTCMD|FUNCNAME|PIPESTATUS|DIRSTACK|COMP_\w+|_|__rb_\w+|IFS|OPTIND|OPTERR|PS\d|HOSTNAME|HOSTTYPE|MACHTYPE|OSTYPE|COLUMNS|LINES|MAILCHECK)$/;
