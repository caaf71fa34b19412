#!/usr/bin/env bash
# The command line as a user (or a CI pipeline) meets it: exit codes, output files and
# formats, stdin and .gz inputs, bad inputs, --threads, the rules/lint/replay commands.
# Usage: cli_test.sh PATH/TO/ipsec-doctor PROJECT_DIR   (run by ctest)
set -u
BIN=$1
ROOT=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
EX="$ROOT/examples/ticket-4711"
CASES="$ROOT/corpus/logs/cases"
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# expect_rc WANT DESCRIPTION -- command...
expect_rc() {
  local want=$1 what=$2; shift 3
  "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  [[ $rc == "$want" ]] || fail "$what: exit $rc, want $want ($(head -c 300 "$TMP/err"))"
}
contains() {  # FILE TEXT DESCRIPTION
  grep -qF -- "$2" "$1" || fail "$3: '$2' not in $(basename "$1")"
}

# --- exit codes: 0 ok, 1 findings at or above --fail-on, 2 unusable arguments or input
expect_rc 1 "analyze with error findings" -- "$BIN" analyze "$EX"
expect_rc 0 "--fail-on none" -- "$BIN" analyze --fail-on none "$EX"
expect_rc 0 "a healthy negotiation" -- "$BIN" analyze "$CASES/ios15-p1-success.log"
expect_rc 2 "a path that does not exist" -- "$BIN" analyze "$TMP/nope.log"
contains "$TMP/err" "cannot read" "missing path message"
expect_rc 2 "unknown subcommand" -- "$BIN" frobnicate
expect_rc 2 "bad --format" -- "$BIN" analyze --format xml "$EX"
expect_rc 2 "bad --threads" -- "$BIN" analyze --threads 3 "$EX"
expect_rc 2 "unknown rule" -- "$BIN" rules show no-such-rule

# --- bad input never crashes; the user is told what happened
: >"$TMP/empty.log"
expect_rc 0 "empty file" -- "$BIN" analyze "$TMP/empty.log"
contains "$TMP/out" "is empty" "empty file note"
head -c 4096 /dev/urandom >"$TMP/junk.bin"
printf '\0\0\0ISAKMP: garbage\0\n' >>"$TMP/junk.bin"
"$BIN" analyze "$TMP/junk.bin" >"$TMP/out" 2>"$TMP/err"
rc=$?
[[ $rc -le 1 ]] || fail "binary junk: exit $rc"
contains "$TMP/out" "binary" "binary input note"
printf 'ISAKMP (0:1): received packet from 10.0.0.2 dport 500 sport 500 Global (R) MM_NO_ST' >"$TMP/cut.log"
expect_rc 0 "truncated capture" -- "$BIN" analyze "$TMP/cut.log"
contains "$TMP/out" "no newline" "truncated note"

# --- -o, formats, stdin, .gz, directories
expect_rc 1 "json to a file" -- "$BIN" analyze --format json -o "$TMP/a.json" "$EX"
[[ -s "$TMP/a.json" && ! -s "$TMP/out" ]] || fail "-o: report not in the file only"
contains "$TMP/a.json" '"schema": "ipsec-doctor/1"' "json schema"
for k in inputs devices negotiations show findings unrecognized; do contains "$TMP/a.json" "\"$k\"" "json key $k"; done
LOG="$EX/branch7-syslog-archive.log"
"$BIN" analyze --format json "$LOG" >"$TMP/file.json" 2>/dev/null
"$BIN" analyze --format json - <"$LOG" >"$TMP/stdin.json" 2>/dev/null
gzip -c "$LOG" >"$TMP/archive.log.gz"
"$BIN" analyze --format json "$TMP/archive.log.gz" >"$TMP/gz.json" 2>/dev/null
# the same findings whatever the input's form (paths differ)
f_file=$(grep -c '"rule":' "$TMP/file.json"); f_stdin=$(grep -c '"rule":' "$TMP/stdin.json"); f_gz=$(grep -c '"rule":' "$TMP/gz.json")
[[ $f_file -gt 0 && $f_file == "$f_stdin" && $f_file == "$f_gz" ]] || fail "stdin/.gz findings differ: file $f_file stdin $f_stdin gz $f_gz"
contains "$TMP/gz.json" '"compressed": true' "gz input flagged"
gzip -c "$LOG" | "$BIN" analyze --format json - >"$TMP/gzstdin.json" 2>/dev/null
f_gzstdin=$(grep -c '"rule":' "$TMP/gzstdin.json")
[[ $f_file == "$f_gzstdin" ]] || fail ".gz on stdin: $f_gzstdin findings, file $f_file"
contains "$TMP/gzstdin.json" '"compressed": true' "gz on stdin flagged"
contains "$TMP/stdin.json" '"compressed": false' "plain stdin not flagged compressed"
mkdir -p "$TMP/nofiles/sub"
expect_rc 2 "a directory with no file" -- "$BIN" analyze "$TMP/nofiles"
contains "$TMP/err" "directory holds no file to read" "empty directory message"

# --- --threads 1 and 2 give the same report, byte for byte
for cmd in analyze timeline parse; do
  fmt=json
  "$BIN" $cmd --format $fmt --threads 1 "$EX" "$CASES" >"$TMP/t1" 2>/dev/null
  "$BIN" $cmd --format $fmt --threads 2 "$EX" "$CASES" >"$TMP/t2" 2>/dev/null
  [[ -s "$TMP/t1" ]] || fail "$cmd --threads 1: no output"
  cmp -s "$TMP/t1" "$TMP/t2" || fail "$cmd: --threads 1 and 2 differ"
done

# --- text report for people: no colour when not on a terminal
"$BIN" analyze "$EX" >"$TMP/text" 2>/dev/null
grep -q $'\e\[' "$TMP/text" && fail "colour escapes in redirected text output"
contains "$TMP/text" "Findings" "text report sections"
# ... and colour on one (script(1) gives the command a terminal), unless NO_COLOR or TERM=dumb
if command -v script >/dev/null 2>&1; then
  TERM=xterm script -qec "$BIN analyze $EX" /dev/null >"$TMP/tty" 2>&1
  grep -q $'\e\[' "$TMP/tty" || fail "no colour on a terminal"
  TERM=xterm NO_COLOR=1 script -qec "$BIN analyze $EX" /dev/null >"$TMP/tty" 2>&1
  grep -q $'\e\[' "$TMP/tty" && fail "colour on a terminal with NO_COLOR"
  TERM=dumb script -qec "$BIN analyze $EX" /dev/null >"$TMP/tty" 2>&1
  grep -q $'\e\[' "$TMP/tty" && fail "colour on a terminal with TERM=dumb"
fi

# --- the text timeline names each exchange's SPIs in its header line
"$BIN" timeline "$ROOT/corpus/logs/seed/example-19-10.log" >"$TMP/tl" 2>/dev/null
contains "$TMP/tl" "esp-aes esp-sha-hmac  spi in 0xDFCB138A out 0x3DC7A592  established" "timeline header SPIs"

# --- --show-unrecognized lists what was not understood
printf 'ISAKMP (0:1): a line no pattern knows\nsomething else entirely\n' >"$TMP/odd.log"
"$BIN" analyze --show-unrecognized "$TMP/odd.log" >"$TMP/out" 2>/dev/null
contains "$TMP/out" "something else entirely" "--show-unrecognized lists the line"

# --- lint (CI use): SARIF, exit codes
expect_rc 1 "lint finds errors" -- "$BIN" lint "$EX/branch7-running-config.txt" "$EX/hq-running-config.txt"
expect_rc 0 "lint --fail-on none" -- "$BIN" lint --fail-on none "$EX/branch7-running-config.txt" "$EX/hq-running-config.txt"
"$BIN" lint --format sarif -o "$TMP/lint.sarif" "$EX/branch7-running-config.txt" "$EX/hq-running-config.txt" 2>/dev/null
contains "$TMP/lint.sarif" '"version": "2.1.0"' "sarif version"
contains "$TMP/lint.sarif" '"ruleId"' "sarif results"

# --- replay and rules
"$BIN" replay --format json "$EX/branch7-running-config.txt" "$EX/hq-running-config.txt" >"$TMP/replay.json" 2>/dev/null
contains "$TMP/replay.json" '"directions"' "replay json"
contains "$TMP/replay.json" '"outcome"' "replay outcome"
expect_rc 0 "rules list" -- "$BIN" rules list
for id in transform-mismatch proxy-id-mismatch phase1-psk-mismatch peer-rejected-proposal; do contains "$TMP/out" "$id" "rules list $id"; done
expect_rc 0 "rules show" -- "$BIN" rules show pfs-mismatch
expect_rc 0 "rules check (built-in)" -- "$BIN" rules check

if [[ $fails -gt 0 ]]; then
  echo "$fails CLI check(s) failed"
  exit 1
fi
echo "CLI checks passed"
