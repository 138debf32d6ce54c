#!/usr/bin/env bash
# Relink against a reload (issue 15, requirement 6): loads a generated corpus (scripts/gen_corpus.py) into a new
# SQLite store with a release build, then times, each on the loaded store:
#   1. `mailroom relink` after one contact gains a second address (the busiest unmatched address of the run),
#   2. `mailroom relink` after ownDomains gains the busiest external domain (the whole store recomputed),
#   3. the reload: the same `mailroom run` into a new store.
# Usage: scripts/bench_relink.sh [CORPUS.mbox CONTACTS.csv]   (default: generates 100,000 messages as bench.sh does)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${BENCH_DIR:-/tmp/mailroom-bench-relink}"
mkdir -p "$work"
corpus="${1:-}"
contacts="${2:-}"
if [ -z "$corpus" ]; then
  corpus="$work/corpus-100000.mbox"
  contacts="$work/contacts-100000.csv"
  if [ ! -e "$corpus.done" ]; then
    python3 scripts/gen_corpus.py --messages 100000 --format mbox --out "$corpus" --contacts-out "$contacts" --seed 1
    touch "$corpus.done"
  fi
fi
swift build -c release --product mailroom >&2
bin="$PWD/.build/release/mailroom"
pipeline() {  # $1 file, $2 store, $3 ownDomains
  cat > "$1" <<YML
name: relink-bench
mailbox:
  source: mbox
  path: $corpus
  owner: [dana.reyes@northwind.example]
ownDomains: $3
contacts: $contacts
backfillDays: 36500
store: sqlite:$2
YML
}
timed() {  # $1 label, rest: command
  local label="$1"; shift
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" > "$work/out.txt"
  read -r wall user sys peak < "$work/time.txt"
  printf '%-44s %7.2f s wall %7.2f s CPU %6d MB peak\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$((peak / 1024))"
}
rm -rf "$work"/crm.sqlite* "$work"/fresh.sqlite* "$work"/run-*
pipeline "$work/p.yml" "$work/crm.sqlite" "[northwind.example]"
pipeline "$work/fresh.yml" "$work/fresh.sqlite" "[northwind.example]"
timed "load (run into a new store)" "$bin" run "$work/p.yml" --as-of 2026-11-20 --run-dir "$work/run-load" --quiet
messages=$(sqlite3 "$work/crm.sqlite" "SELECT count(*) FROM messages")
# One change: the busiest unmatched address becomes a second address of the first contact.
address=$(sqlite3 "$work/crm.sqlite" "SELECT address FROM participants WHERE contact_id IS NULL AND is_internal = 0 GROUP BY address ORDER BY count(*) DESC LIMIT 1")
contact=$(sqlite3 "$work/crm.sqlite" "SELECT id FROM contacts ORDER BY id LIMIT 1")
key=$(printf '%s' "$address" | tr 'A-Z' 'a-z')
sqlite3 "$work/crm.sqlite" "INSERT INTO contact_emails(contact_id, position, raw, address, key, folded_key, issue) VALUES ('$contact', 99, '$address', '$address', '$key', '$key', NULL)"
timed "relink dry run after one new address" "$bin" relink "$work/p.yml" --dry-run
timed "relink after one new address ($address)" "$bin" relink "$work/p.yml" --json
python3 -c "import json,sys; c=json.load(open('$work/out.txt'))['counts']; print('  links added', c['linksAdded'], 'threads changing class', c['classChanged'])"
# Another change: the busiest external domain becomes an own domain.
domain=$(sqlite3 "$work/crm.sqlite" "SELECT substr(address, instr(address, '@') + 1) AS d FROM participants WHERE is_internal = 0 GROUP BY d ORDER BY count(*) DESC LIMIT 1")
pipeline "$work/wide.yml" "$work/crm.sqlite" "[northwind.example, $domain]"
timed "relink after ownDomains gains $domain" "$bin" relink "$work/wide.yml" --json
python3 -c "import json,sys; c=json.load(open('$work/out.txt'))['counts']; print('  threads made internal', c['madeInternal'], 'participants changed', c['internalChanged'])"
timed "reload (run into a new store)" "$bin" run "$work/fresh.yml" --as-of 2026-11-20 --run-dir "$work/run-fresh" --quiet
echo "messages in the store: $messages"
