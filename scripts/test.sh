#!/usr/bin/env bash
# Runs every test: unit, stage goldens, CLI as a process, SQLite crash tests, IMAP against a real Dovecot,
# and the HTML report in headless Chromium. Tests needing ../shared/corpora skip cleanly when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build "$@"
