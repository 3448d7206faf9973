# Shared by the package tests (sourced): a temporary directory $work removed at exit, $log for
# the output of the command being checked, and step / fail / run.
work=$(mktemp -d /tmp/nitro-attest-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
log=$work/log
step() { echo "== $*"; }
# fail prints why, with the end of the last command's output, and ends the test.
fail() {
  echo "FAIL: $*" >&2
  [ -s "$log" ] && tail -n 40 "$log" >&2
  exit 1
}
# run runs a command with its output in $log; fails the test when it fails.
run() { "$@" >"$log" 2>&1 || fail "$*"; }
