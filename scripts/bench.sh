#!/usr/bin/env bash
# Mailroom's benchmark: throughput and memory of the dry run and of the full load, per stage and in total, on a
# deterministic synthetic corpus (scripts/gen_corpus.py) at 10,000 and 100,000 messages, as mbox and Maildir.
# Uses only public tools: a release build, /usr/bin/time for the whole process, and the run manifest's per-stage
# timings (wall, CPU, peak resident memory).
#
#   scripts/bench.sh                         # 10k and 100k, mbox and maildir (needs ~3 GB of disk in $BENCH_DIR)
#   scripts/bench.sh --sizes 10000 --formats mbox
#   scripts/bench.sh --imap                  # then also IMAP extraction from a loopback Dovecot (scripts/bench_imap.sh)
#   scripts/bench.sh --python                # also the plain-Python script (scripts/bench_python.py) on each corpus
#   scripts/bench.sh --scale-out [--messages N] [--workers W] [--compare]
#                                            # 1 worker against W workers into one PostgreSQL (scripts/bench_scaleout.sh)
#
# BENCH_DIR (default /tmp/mailroom-bench) keeps the generated corpora between runs; results go to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="10000,100000"
formats="mbox,maildir"
imap=0
python=0
if [ "${1:-}" = --scale-out ]; then shift; exec scripts/bench_scaleout.sh "$@"; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --formats) formats="$2"; shift 2 ;;
    --imap) imap=1; shift ;;
    --python) python=1; shift ;;
    *) echo "usage: scripts/bench.sh [--sizes N,N] [--formats mbox,maildir] [--imap] [--python]" >&2; exit 2 ;;
  esac
done
work="${BENCH_DIR:-/tmp/mailroom-bench}"
mkdir -p "$work"
swift build -c release --product mailroom >&2
bin="$PWD/.build/release/mailroom"
results="$work/results.tsv"
: > "$results"
IFS=, read -r -a size_list <<< "$sizes"
IFS=, read -r -a format_list <<< "$formats"
for n in "${size_list[@]}"; do
  for f in "${format_list[@]}"; do
    corpus="$work/corpus-$n.$f"
    contacts="$work/contacts-$n.csv"
    if [ ! -e "$corpus.done" ]; then
      rm -rf "$corpus"
      echo "bench: generating $n messages as $f" >&2
      python3 scripts/gen_corpus.py --messages "$n" --format "$f" --out "$corpus" --contacts-out "$contacts" --seed 1
      touch "$corpus.done"
    fi
    bytes=$(du -sb "$corpus" | cut -f1)
    pipeline="$work/bench-$n-$f.yml"
    cat > "$pipeline" <<YML
name: bench-$n-$f
mailbox:
  source: $f
  path: $corpus
  owner: [dana.reyes@northwind.example]
ownDomains: [northwind.example]
contacts: $contacts
backfillDays: 36500
store: sqlite:$work/crm-$n-$f.sqlite
YML
    for mode in dry load; do
      run="$work/run-$n-$f-$mode"
      rm -rf "$run" "$work/crm-$n-$f.sqlite"*
      flag="--dry-run"; [ "$mode" = load ] && flag=""
      sync
      /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" \
        "$bin" run "$pipeline" $flag --as-of 2026-11-20 --run-dir "$run" --json > /dev/null
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$f" "$mode" "$bytes" "$(cat "$work/time.txt")" "$run" >> "$results"
    done
    if [ "$python" = 1 ]; then
      rm -rf "$work/python-$n-$f"
      sync
      /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" python3 scripts/bench_python.py --mailbox "$corpus" \
        --format "$f" --contacts "$contacts" --own-domain northwind.example --out "$work/python-$n-$f" > /dev/null
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$f" python "$bytes" "$(cat "$work/time.txt")" "$work/python-$n-$f" >> "$results"
    fi
  done
done
python3 scripts/bench_report.py "$results"
if [ "$imap" = 1 ]; then
  echo
  BENCH_DIR="$work" scripts/bench_imap.sh --no-build
fi
