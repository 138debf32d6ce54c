#!/usr/bin/env bash
# Mailroom's dry run against the plain-Python pipeline (scripts/bench_python.py) on any mbox or Maildir, not only
# the generator's corpus: a held-out corpus, or your own mail. The two run in turn (Mailroom, Python, Mailroom, ...)
# so that the machine's drift falls on both; each run's wall and CPU seconds and peak memory come from
# /usr/bin/time, and the comparison is the median of the pairs' ratios (one pair alone moves with the machine).
#
#   scripts/bench_pairs.sh --mailbox PATH --format mbox|maildir --contacts CSV --own-domain DOMAIN
#                          --owner ADDRESS [--pairs N] [--no-build]
#
# CSV is a contacts file as Mailroom reads it (see "Pipeline files" in the README); DOMAIN is the team's own domain
# (repeat --own-domain for more; the Python script takes the first); ADDRESS the mailbox owner's address (repeat
# for more), which a file mailbox needs. Default 3 pairs. The run
# directories and the Python script's output go to a private temporary folder (mode 0700), removed at the end:
# they hold the mail. Needs: swift (unless --no-build), python3, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
mailbox="" format="" contacts="" pairs=3 build=1
domains=() owners=()
usage() {
  echo "usage: scripts/bench_pairs.sh --mailbox PATH --format mbox|maildir --contacts CSV --own-domain DOMAIN" \
       "--owner ADDRESS [--pairs N] [--no-build]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --mailbox) mailbox="${2:-}"; shift 2 || usage ;;
    --format) format="${2:-}"; shift 2 || usage ;;
    --contacts) contacts="${2:-}"; shift 2 || usage ;;
    --own-domain) domains+=("${2:-}"); shift 2 || usage ;;
    --owner) owners+=("${2:-}"); shift 2 || usage ;;
    --pairs) pairs="${2:-}"; shift 2 || usage ;;
    --no-build) build=0; shift ;;
    *) usage ;;
  esac
done
[ -n "$mailbox" ] && [ -n "$contacts" ] && [ "${#domains[@]}" -gt 0 ] && [ "${#owners[@]}" -gt 0 ] || usage
case "$format" in mbox|maildir) ;; *) echo "bench_pairs: --format is mbox or maildir, not '$format'" >&2; exit 2 ;; esac
case "$pairs" in ''|*[!0-9]*|0) echo "bench_pairs: --pairs is a whole number of at least 1, not '$pairs'" >&2; exit 2 ;; esac
[ -e "$mailbox" ] || { echo "bench_pairs: $mailbox: no such mailbox" >&2; exit 2; }
[ -f "$contacts" ] || { echo "bench_pairs: $contacts: no such contacts file" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_pairs: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

if [ "$build" = 1 ]; then
  out=$(swift build -c release --product mailroom 2>&1) || { echo "$out" >&2; echo "bench_pairs: the build failed" >&2; exit 1; }
  grep -E "warning:" <<< "$out" >&2 || true
fi
bin="$(pwd)/.build/release/mailroom"
[ -x "$bin" ] || { echo "bench_pairs: $bin is missing (build without --no-build)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mailroom-pairs.XXXXXX")
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mailbox=$(cd "$(dirname "$mailbox")" && pwd)/$(basename "$mailbox")
contacts=$(cd "$(dirname "$contacts")" && pwd)/$(basename "$contacts")
quoted() {  # a YAML single-quoted scalar: any text, a quote written twice
  printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}
list() {  # a YAML flow list of single-quoted scalars
  local first=1
  printf '['
  for x in "$@"; do [ "$first" = 1 ] || printf ', '; quoted "$x"; first=0; done
  printf ']'
}
{
  echo "name: bench-pairs"
  echo "mailbox:"
  echo "  source: $format"
  echo "  path: $(quoted "$mailbox")"
  echo "  owner: $(list "${owners[@]}")"
  echo "ownDomains: $(list "${domains[@]}")"
  echo "contacts: $(quoted "$contacts")"
  echo "backfillDays: 36500"
  echo "store: $(quoted "sqlite:$work/crm.sqlite")"
} > "$work/pipeline.yml"

results="$work/results.tsv"
: > "$results"
for i in $(seq "$pairs"); do
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" \
    "$bin" run "$work/pipeline.yml" --dry-run --run-dir "$work/run-$i" --quiet --json > /dev/null \
    || { echo "bench_pairs: Mailroom's dry run failed (pair $i, exit $?; its message is above)" >&2; exit 1; }
  printf 'mailroom\t%s\t%s\n' "$i" "$(cat "$work/time.txt")" >> "$results"
  rm -rf "$work/run-$i"
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" \
    python3 scripts/bench_python.py --mailbox "$mailbox" --format "$format" --contacts "$contacts" \
      --own-domain "${domains[0]}" --out "$work/python-$i" > /dev/null \
    || { echo "bench_pairs: the Python script failed (pair $i)" >&2; exit 1; }
  printf 'python\t%s\t%s\n' "$i" "$(cat "$work/time.txt")" >> "$results"
  rm -rf "$work/python-$i"
done

python3 - "$results" "$mailbox" "$format" "$(du -sbL "$mailbox" | cut -f1)" <<'PY'
import statistics, sys
path, mailbox, fmt, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
runs = {"mailroom": {}, "python": {}}
for line in open(path):
    tool, i, times = line.rstrip("\n").split("\t")
    wall, user, sys_, rss = times.split()
    runs[tool][int(i)] = (float(wall), float(user) + float(sys_), int(rss) / 1024)
pairs = sorted(runs["mailroom"])
print(f"{fmt} {mailbox} ({size / 1e6:,.1f} MB): Mailroom's dry run and scripts/bench_python.py in turn, "
      f"{len(pairs)} pairs")
for i in pairs:
    m, p = runs["mailroom"][i], runs["python"][i]
    print(f"  pair {i}: mailroom {m[0]:7.2f} s wall {m[1]:7.2f} s cpu {m[2]:6.1f} MiB | "
          f"python {p[0]:7.2f} s wall {p[1]:7.2f} s cpu {p[2]:6.1f} MiB | python / mailroom x{p[0] / m[0]:.1f}")
def med(tool, k): return statistics.median(runs[tool][i][k] for i in pairs)
wall = [runs["python"][i][0] / runs["mailroom"][i][0] for i in pairs]
cpu = [runs["python"][i][1] / runs["mailroom"][i][1] for i in pairs]
print(f"  medians: mailroom {med('mailroom', 0):.2f} s wall, {med('mailroom', 1):.2f} s cpu, "
      f"{med('mailroom', 2):.1f} MiB; python {med('python', 0):.2f} s wall, {med('python', 1):.2f} s cpu, "
      f"{med('python', 2):.1f} MiB")
print(f"  python / mailroom, median of the pairs' ratios: wall x{statistics.median(wall):.1f} "
      f"(pairs x{min(wall):.1f} to x{max(wall):.1f}), cpu x{statistics.median(cpu):.1f}")
PY
