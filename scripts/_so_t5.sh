#!/usr/bin/env bash
# Scale-out benchmark: a generated corpus split over W mailboxes (scripts/gen_corpus.py, one Maildir per mailbox,
# seeds 1..W), loaded into a fresh local PostgreSQL (initdb on a Unix socket, listen_addresses='') first by one
# worker (`mailroom run PIPELINE`: every mailbox in one process), then by W workers at once (scripts/workers.sh,
# one `mailroom run PIPELINE --mailbox NAME` each) into a second database. Prints wall time, throughput, each
# worker's peak resident memory (/usr/bin/time) and the W-worker total against one worker.
#
#   scripts/bench_scaleout.sh [--messages N] [--workers W] [--compare] [--no-build]
#
#   --messages N   messages in all (default 1000000), N/W per mailbox
#   --workers W    mailboxes and workers (default 8)
#   --compare      also check that both databases dump the same data (`mailroom store dump --data`)
#
# As root, initdb and pg_ctl run as `postgres` (runuser). BENCH_DIR (default /tmp/mailroom-bench) keeps the
# corpora between runs. Run it under `nice` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
messages=1000000
workers=8
compare=0
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --compare) compare=1; shift ;;
    --no-build) build=0; shift ;;
    *) echo "usage: scripts/bench_scaleout.sh [--messages N] [--workers W] [--compare] [--no-build]" >&2; exit 2 ;;
  esac
done
case "$messages$workers" in *[!0-9]*) echo "bench_scaleout: --messages and --workers take numbers" >&2; exit 2 ;; esac
pgbin=/usr/lib/postgresql/15/bin
[ -x "$pgbin/initdb" ] || { echo "bench_scaleout: PostgreSQL 15 is not installed ($pgbin); scripts/install-deps.sh installs it" >&2; exit 3; }
work="${BENCH_DIR:-/tmp/mailroom-bench}"
mkdir -p "$work"
[ "$build" = 1 ] && swift build -c release --product mailroom >&2
bin=/tmp/mr-t5
per=$((messages / workers))

# The corpus: W Maildirs of N/W messages each (different seeds: different people, threads and messages).
corpus="$work/scaleout-$messages-$workers"
if [ ! -e "$corpus/done" ]; then
  rm -rf "$corpus"
  mkdir -p "$corpus"
  echo "bench_scaleout: generating $workers mailboxes of $per messages" >&2
  seq 1 "$workers" | xargs -P 2 -I{} python3 scripts/gen_corpus.py --messages "$per" --format maildir \
    --out "$corpus/mb{}" --seed {} --contacts-out "$corpus/contacts-{}.csv"
  touch "$corpus/done"
fi

# A private cluster on a Unix socket.
pg="$work/scaleout-pg"
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_cluster() { as_owner "$pgbin/pg_ctl" -D "$pg/data" -m fast stop >/dev/null 2>&1 || true; }
trap stop_cluster EXIT
stop_cluster
rm -rf "$pg"
mkdir -p "$pg/sock"
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$pg"
as_owner "$pgbin/initdb" -D "$pg/data" -U mailroom -A trust -E UTF8 --locale=C >"$pg/initdb.log" 2>&1
cat >> "$pg/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$pg/sock'
synchronous_commit = off
max_connections = $((workers * 2 + 10))
shared_buffers = 256MB
max_wal_size = 4GB
CONF
as_owner "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w start >/dev/null
for db in one many; do "$pgbin/psql" -h "$pg/sock" -U mailroom -d postgres -qc "CREATE DATABASE $db" ; done

# Both pipelines: the same W mailboxes and contacts, one database each.
head -n 1 "$corpus/contacts-1.csv" > "$corpus/contacts.csv"
for i in $(seq 1 "$workers"); do tail -n +2 "$corpus/contacts-$i.csv"; done | sort -u -t, -k1,1 >> "$corpus/contacts.csv"
names=()
for db in one many; do
  {
    echo "name: scaleout-$db"
    echo "mailboxes:"
    for i in $(seq 1 "$workers"); do
      echo "  - {name: mb$i, source: maildir, path: $corpus/mb$i, owner: [dana.reyes@northwind.example]}"
    done
    echo "ownDomains: [northwind.example]"
    echo "contacts: $corpus/contacts.csv"
    echo "backfillDays: 36500"
    echo "createContacts: sent"
    echo "store: postgres:///$db?host=$pg/sock&user=mailroom"
  } > "$work/scaleout-$db.yml"
done
for i in $(seq 1 "$workers"); do names+=("mb$i"); done

# Each mailroom process under /usr/bin/time: wall seconds and peak RSS (KiB) per task.
times="$work/scaleout-times"
rm -rf "$times" "$work/scaleout-runs-"*
mkdir -p "$times"
wrapper="$work/scaleout-mailroom.sh"
cat > "$wrapper" <<SH
#!/usr/bin/env bash
label=all
prev=
for a in "\$@"; do [ "\$prev" = --mailbox ] && label=\$a; prev=\$a; done
cd "$work"
exec /usr/bin/time -f "%e %M" -o "$times/\$label.time" "$bin" "\$@"
SH
chmod +x "$wrapper"

echo "bench_scaleout: 1 worker, $workers mailboxes, $messages messages" >&2
start=$(date +%s.%N)
"$wrapper" run "$work/scaleout-one.yml" --quiet --as-of 2026-11-20 --run-dir "$work/scaleout-runs-one" > /dev/null
one_wall=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { print a - b }')
echo "bench_scaleout: $workers workers" >&2
start=$(date +%s.%N)
MAILROOM="$wrapper" scripts/workers.sh "$work/scaleout-many.yml" -j "$workers" --logs "$work/scaleout-logs" "${names[@]}" \
  -- --as-of 2026-11-20 > "$work/scaleout-workers.out"
many_wall=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { print a - b }')

loaded() { "$pgbin/psql" -h "$pg/sock" -U mailroom -d "$1" -Atc "SELECT count(*) FROM message_copies"; }
one_copies=$(loaded one)
many_copies=$(loaded many)
echo
echo "Scale-out: $messages messages in $workers Maildir mailboxes, PostgreSQL 15 on a Unix socket, $(nproc) CPUs"
printf '%-12s %10s %12s %14s %16s\n' "load" "wall s" "copies" "copies/s" "peak RSS MiB"
printf '%-12s %10.1f %12s %14.0f %16s\n' "1 worker" "$one_wall" "$one_copies" "$(awk -v a="$one_copies" -v b="$one_wall" 'BEGIN { print a / b }')" \
  "$(awk '{printf "%.0f", $2 / 1024}' "$times/all.time")"
peaks=""
for n in "${names[@]}"; do peaks="$peaks $(awk '{printf "%.0f", $2 / 1024}' "$times/$n.time")"; done
max=$(for p in $peaks; do echo "$p"; done | sort -n | tail -1)
printf '%-12s %10.1f %12s %14.0f %16s\n' "$workers workers" "$many_wall" "$many_copies" "$(awk -v a="$many_copies" -v b="$many_wall" 'BEGIN { print a / b }')" "max $max"
echo "per-worker peak RSS MiB:$peaks"
echo "per-worker wall s: $(for n in "${names[@]}"; do awk '{printf "%s ", $1}' "$times/$n.time"; done)"
printf '%s workers against 1: %.2fx the throughput (wall %.1f s → %.1f s)\n' "$workers" \
  "$(awk -v a="$one_wall" -v b="$many_wall" 'BEGIN { print a / b }')" "$one_wall" "$many_wall"
if [ "$compare" = 1 ]; then
  "$bin" store dump "$work/scaleout-one.yml" --data > "$work/scaleout-one.dump"
  "$bin" store dump "$work/scaleout-many.yml" --data > "$work/scaleout-many.dump"
  if cmp -s "$work/scaleout-one.dump" "$work/scaleout-many.dump"; then
    echo "store dump --data: identical ($(wc -l < "$work/scaleout-one.dump") lines)"
  else
    echo "store dump --data: DIFFERENT (diff $work/scaleout-one.dump $work/scaleout-many.dump)"
    exit 1
  fi
fi
