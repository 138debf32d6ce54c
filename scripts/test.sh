#!/usr/bin/env bash
# Runs every test: unit, stage goldens, CLI as a process, SQLite crash tests, IMAP against a real Dovecot,
# and the HTML report in headless Chromium. Tests needing ../shared/corpora skip cleanly when it is absent.
# The build must print no warnings: its output is kept and searched (no second build), and any warning fails
# this script before the tests run. On CI the build is clean, so every warning shows; locally, only what was
# recompiled reports its warnings.
set -euo pipefail
cd "$(dirname "$0")/.."
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
swift build --build-tests 2>&1 | tee "$build_log"
# "file:line:col: warning: ...", "ld: warning: ...", "warning: ..." (not the source excerpts under them).
if grep -Eq '(^|: )warning:' "$build_log"; then
    warnings=$(grep -E '(^|: )warning:' "$build_log" | sort -u)
    echo "scripts/test.sh: FAILED: the build printed $(wc -l <<<"$warnings") warning(s); a clean build must print none:" >&2
    printf '%s\n' "$warnings" >&2
    exit 1
fi
swift test --skip-build "$@"
