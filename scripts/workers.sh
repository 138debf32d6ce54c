#!/usr/bin/env bash
# Local worker runner: one `mailroom run PIPELINE --mailbox NAME` task per mailbox (or per shard), N at a time
# (xargs -P), all loading into the pipeline's store (a postgres:// store takes many workers at once; one worker
# per mailbox at a time, the others are refused with exit 6).
#
#   scripts/workers.sh PIPELINE [-j N] [--shards K] [--logs DIR] [--mailboxes FILE] [MAILBOX ...] [-- RUN-OPTION ...]
#
#   -j N            tasks at once (default: the number of CPUs)
#   --shards K      split each mailbox into K tasks (--shard 1/K ... K/K; file mailboxes only)
#   --logs DIR      each task's stdout and stderr go to DIR/TASK.log (default: a new temporary folder)
#   --mailboxes F   more mailbox names, one a line (# comments and blank lines skipped)
#   -- ...          passed to every `mailroom run` (for example --as-of 2026-11-20 --days 60)
#
# Prints one line per task as it ends ("task NAME exit CODE (LOG)"), then a summary; exits 0 when every task
# exited 0, else 1. A failed task is rerun by running the same command for it alone: a load resumes or upserts,
# so a rerun is always safe. MAILROOM names the binary (default: `mailroom` on PATH).
set -euo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
pipeline=$1; shift
case "$pipeline" in -h|--help) usage ;; esac
[ -f "$pipeline" ] || { echo "workers.sh: pipeline file not found: $pipeline" >&2; exit 2; }
jobs=$(nproc 2>/dev/null || echo 2)
shards=0
logs=""
mailboxes=()
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        -j) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
        -j*) jobs=${1#-j}; shift ;;
        --shards) [ $# -ge 2 ] || usage; shards=$2; shift 2 ;;
        --logs) [ $# -ge 2 ] || usage; logs=$2; shift 2 ;;
        --mailboxes)
            [ $# -ge 2 ] || usage
            [ -r "$2" ] || { echo "workers.sh: cannot read mailbox list $2" >&2; exit 2; }
            while IFS= read -r line || [ -n "$line" ]; do
                line=${line%%#*}; line=$(echo "$line" | tr -d '[:space:]')
                [ -n "$line" ] && mailboxes+=("$line")
            done < "$2"
            shift 2 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) usage ;;
        -*) echo "workers.sh: unknown option $1" >&2; usage ;;
        *) mailboxes+=("$1"); shift ;;
    esac
done
case "$jobs" in ''|*[!0-9]*|0) echo "workers.sh: -j needs a positive number, not '$jobs'" >&2; exit 2 ;; esac
case "$shards" in ''|*[!0-9]*) echo "workers.sh: --shards needs a number, not '$shards'" >&2; exit 2 ;; esac
[ ${#mailboxes[@]} -gt 0 ] || { echo "workers.sh: name at least one mailbox (or --mailboxes FILE)" >&2; exit 2; }
[ -n "$logs" ] || logs=$(mktemp -d "${TMPDIR:-/tmp}/mailroom-workers.XXXXXX")
mkdir -p "$logs"

# Tasks: NAME or NAME SHARD, one a line.
tasks=()
for m in "${mailboxes[@]}"; do
    if [ "$shards" -gt 1 ]; then
        for i in $(seq 1 "$shards"); do tasks+=("$m $i/$shards"); done
    else
        tasks+=("$m")
    fi
done

export MAILROOM="${MAILROOM:-mailroom}" WORKERS_PIPELINE="$pipeline" WORKERS_LOGS="$logs"
export WORKERS_EXTRA
WORKERS_EXTRA=$(printf '%s\0' "${extra[@]+"${extra[@]}"}" | base64 -w0)

# One task: runs mailroom, prints "task NAME exit CODE (LOG)" and records the code.
task() {
    local name=$1 shard=${2:-} label log code=0
    local -a args=(run "$WORKERS_PIPELINE" --mailbox "$name" --quiet)
    label=$name
    if [ -n "$shard" ]; then args+=(--shard "$shard"); label="$name#${shard/\//of}"; fi
    if [ -n "$WORKERS_EXTRA" ]; then
        while IFS= read -r -d '' a; do args+=("$a"); done < <(echo "$WORKERS_EXTRA" | base64 -d)
    fi
    log="$WORKERS_LOGS/$label.log"
    "$MAILROOM" "${args[@]}" >"$log" 2>&1 || code=$?
    echo "$code" > "$WORKERS_LOGS/$label.exit"
    echo "task $label exit $code ($log)"
}
export -f task

printf '%s\n' "${tasks[@]}" | xargs -P "$jobs" -L 1 bash -c 'task "$@"' _ || true

failed=0
for t in "${tasks[@]}"; do
    set -- $t
    label=$1; [ $# -gt 1 ] && label="$1#${2/\//of}"
    code=$(cat "$logs/$label.exit" 2>/dev/null || echo missing)
    [ "$code" = 0 ] || { failed=$((failed + 1)); echo "failed: $label (exit $code): $(tail -n 1 "$logs/$label.log" 2>/dev/null)"; }
done
echo "workers: ${#tasks[@]} tasks, $((${#tasks[@]} - failed)) ok, $failed failed; logs in $logs"
[ "$failed" -eq 0 ]
