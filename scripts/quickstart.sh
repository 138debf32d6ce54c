#!/usr/bin/env bash
# One command from a fresh clone: installs the system packages, builds Mailroom, and runs the sample pipeline's
# dry run (nothing is loaded). Pinned to --as-of 2026-11-20 so the figures are the same on every machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "quickstart: building mailroom (the first build takes a few minutes)" >&2
swift build --quiet --product mailroom
.build/debug/mailroom run pipelines/sample.yml --dry-run --as-of 2026-11-20 "$@"
