#!/usr/bin/env bash
# Prints what the end-to-end tests of the last ctest run verified: one block per e2e test
# with its result, its time and the steps it announced ("== ..." lines; else the first
# sentence of the script's header comment), from ctest's
# Testing/Temporary/LastTest.log. scripts/test.sh runs it after the tests.
#
#   scripts/e2e-summary.sh [BUILD_DIR]     (default: build)
set -euo pipefail
log=${1:-build}/Testing/Temporary/LastTest.log
[[ -f $log ]] || { echo "e2e-summary: no $log (run ctest first)" >&2; exit 1; }
awk '
  function flush() {
    if (name == "") return
    n = split(steps, s, "\n")
    printf "%-28s %-7s %6s  %s\n", name, result, secs, (n > 1 ? s[2] : "(no steps announced)")
    for (i = 3; i <= n; i++) printf "%-28s %-7s %6s  %s\n", "", "", "", s[i]
    name = ""
  }
  # A script that announces no steps is summed up by the first sentence of its header.
  function header(path,    line, text) {
    text = ""
    while ((getline line < path) > 0) {
      if (line ~ /^#!/) continue
      if (line !~ /^#/) break
      sub(/^# ?/, "", line)
      text = text (text == "" ? "" : " ") line
      if (line ~ /[.:]$/ || line ~ /\. /) break
    }
    close(path)
    sub(/\. .*/, ".", text)
    return text
  }
  /^[0-9]+\/[0-9]+ Test: / { flush(); if ($3 ~ /^e2e\//) { name = $3; steps = ""; result = "?"; secs = ""; out = 0; script = "" } next }
  name == "" { next }
  /^Command: / { if (match($0, /"[^"]*_test\.sh"/)) script = substr($0, RSTART + 1, RLENGTH - 2); next }
  /^Test time = / && steps == "" && script != "" { about = header(script); if (about != "") steps = "\n" about }
  /^Output:$/ { out = 1; next }
  /^<end of output>$/ { out = 0; next }
  out && /^== / { steps = steps "\n" substr($0, 4); next }
  /^Test time = / { secs = sprintf("%.0f s", $4); next }
  /^Test Passed\.$/ { result = "passed"; next }
  /^Test Failed\.$/ || /^Test (Failed|Not Run|Timeout)/ { result = "FAILED"; next }
  END {
    flush()
  }
  BEGIN { printf "%-28s %-7s %6s  %s\n", "END-TO-END TEST", "RESULT", "TIME", "VERIFIED" }
' "$log"
