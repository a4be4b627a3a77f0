#!/usr/bin/env bash
# Issue 25, item 9: `make install` (cmake --install) puts the executable, the man page made by
# help2man and the bash completion under PREFIX; the man page documents every subcommand, exit
# codes and examples; the completion script is valid bash and completes subcommands and options
# as `bungner --help-all` lists them.
# Usage: install.sh BUNGNER SOURCE_DIR BUILD_DIR
. "$(dirname "$0")/common.sh" "$@"
BUILD=${3:?usage: $0 BUNGNER SOURCE_DIR BUILD_DIR}

cmake --install "$BUILD" --prefix "$WORK/prefix" >"$WORK/install.log" 2>&1 || fail "cmake --install failed: $(cat "$WORK/install.log")"
for f in bin/bungner share/man/man1/bungner.1 share/bash-completion/completions/bungner; do
  [[ -f $WORK/prefix/$f ]] || fail "not installed: $f ($(cat "$WORK/install.log"))"
done
grep -q '^bungner ' <<<"$("$WORK/prefix/bin/bungner" --version)" || fail "the installed executable does not run"

# The man page: help2man's sections, every subcommand, the exit codes and the examples.
man=$WORK/prefix/share/man/man1/bungner.1
grep -q '^\.TH BUNGNER "1"' "$man" || fail "man page has no .TH header: $(head -5 "$man")"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS EXAMPLES FILES '"SEE ALSO"'; do
  grep -q "^\.SH $section" "$man" || fail "man page lacks section $section"
done
grep -q '^\.SS "Exit status:"' "$man" || fail "man page has no exit status"
subcommands=$("$BUNGNER" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}')
[[ $(wc -w <<<"$subcommands") -ge 10 ]] || fail "could not read the subcommands from --help: $subcommands"
for s in $subcommands; do
  grep -q "^\.SS \"Subcommand $s:\"" "$man" || fail "man page has no subsection for $s"
done
grep -q "invalid input" "$man" || fail "man page does not explain the exit codes"

# The completion: valid bash, self-contained, completes what --help-all lists.
completion=$WORK/prefix/share/bash-completion/completions/bungner
bash -n "$completion" || fail "completion script is not valid bash"
# Never `producer | grep -q`: under pipefail, grep -q exiting at the first match can kill the
# producer with SIGPIPE and fail the pipeline at random (it did, once, in CI).
complete_words() {  # complete_words WORD...: the completions of the last word
  bash --norc --noprofile -c '
    . "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _bungner bungner "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@"
}
got=$(complete_words bungner "" | sort | tr '\n' ' ')
want=$(tr ' ' '\n' <<<"$subcommands" | grep . | sort | tr '\n' ' ')
[[ $got == "$want" ]] || fail "subcommands completed: '$got', --help lists: '$want'"
[[ $(complete_words bungner st) == study ]] || fail "'bungner st<TAB>' does not complete to study"
[[ $(complete_words bungner sens) == sensitivity ]] || fail "'bungner sens<TAB>' does not complete to sensitivity"
grep -qx -- --resume <<<"$(complete_words bungner run --res)" || fail "'bungner run --res<TAB>' does not offer --resume"
grep -qx sobol <<<"$(complete_words bungner design --method "")" || fail "'design --method <TAB>' does not offer sobol"
# Every option of every subcommand (from its --help) is completed.
for s in $subcommands; do
  options=$("$BUNGNER" "$s" --help | grep -oE '^  +(-[a-z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u)
  offered=$(complete_words bungner "$s" --)
  for o in $options; do
    grep -qx -- "$o" <<<"$offered" || fail "completion of 'bungner $s --' lacks $o"
  done
done
echo "install: ok"
