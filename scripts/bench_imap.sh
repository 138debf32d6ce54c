#!/usr/bin/env bash
# Mailroom's IMAP extraction benchmark (issue 7, item 3): the benchmark corpus as a Maildir (default 10,000
# messages), every message flattened into one user's INBOX on a Dovecot this script starts on 127.0.0.1 (a free
# port, plain IMAP: loopback only), then timed, each RUNS times (min and median printed; Mailroom and mbsync in
# turn, after one Mailroom run not counted, with the median of the pairs' ratios):
#   - `mailroom backfill` (extract → match → load) into a run directory and a SQLite store on /dev/shm: the extract
#     stage's wall and CPU seconds, messages/s and MB/s from the run manifest; the whole command's wall time and
#     peak resident memory from /usr/bin/time;
#   - mbsync (optional: Debian package isync), pulling the same INBOX into a Maildir on /dev/shm (Sync Pull, no
#     expunge, no flags pushed to the server), for comparison;
#   - one bulk `UID FETCH 1:* (BODY.PEEK[])` by python3's imaplib over one connection: the server's own cost.
# Checks that the flags on the server are the same before and after (doveadm fetch 'uid flags').
#
#   scripts/bench_imap.sh                    # 10,000 messages, 3 runs each
#   scripts/bench_imap.sh --messages 2000 --runs 1 --no-build
#
# Needs: swift, python3, /usr/bin/time, Debian's dovecot-imapd (dovecot, doveadm); optional: mbsync (apt-get
# install isync). BENCH_DIR (default /tmp/mailroom-bench) keeps the generated corpus (corpus-N.maildir, shared
# with scripts/bench.sh); Dovecot's mail and config live in a temporary folder, run directories in /dev/shm; both
# are removed on exit, and Dovecot stopped, whatever happens. All traffic goes to 127.0.0.1 only.
# Dovecot indexes the flattened INBOX once (doveadm index) before anything is timed. BENCH_IMAP_KEEP=1 copies the
# /dev/shm folder (run directories, manifests) to /tmp/imapbench-kept before it is removed, for a closer look.
set -euo pipefail
cd "$(dirname "$0")/.."
messages=10000
runs=3
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "usage: scripts/bench_imap.sh [--messages N] [--runs N] [--no-build]   (mbsync from Debian's isync is optional)" >&2
       exit 2 ;;
  esac
done
for tool in /usr/sbin/dovecot /usr/bin/doveadm /usr/bin/time python3; do
  command -v "$tool" > /dev/null || { echo "bench_imap: $tool is missing (apt-get install dovecot-imapd time python3)" >&2; exit 2; }
done
work="${BENCH_DIR:-/tmp/mailroom-bench}"
mkdir -p "$work"
if [ "$build" = 1 ]; then swift build -c release --product mailroom >&2; fi
bin="$PWD/.build/release/mailroom"
[ -x "$bin" ] || { echo "bench_imap: $bin is missing (run without --no-build)" >&2; exit 2; }

corpus="$work/corpus-$messages.maildir"
if [ ! -e "$corpus.done" ]; then
  rm -rf "$corpus"
  echo "bench_imap: generating $messages messages as maildir" >&2
  python3 scripts/gen_corpus.py --messages "$messages" --format maildir --out "$corpus" \
    --contacts-out "$work/contacts-$messages.csv" --seed 1
  touch "$corpus.done"
fi

root=$(mktemp -d /tmp/mailroom-imapbench.XXXXXX)
shm=$(mktemp -d /dev/shm/mailroom-imapbench.XXXXXX)
conf="$root/dovecot.conf"
cleanup() {
  status=$?
  set +e
  if [ "$status" != 0 ] && [ -f "$root/dovecot.log" ]; then
    echo "bench_imap: failed; the end of Dovecot's log:" >&2
    tail -n 20 "$root/dovecot.log" >&2
  fi
  if [ -f "$root/run/master.pid" ]; then
    master=$(cat "$root/run/master.pid")
    /usr/bin/doveadm -c "$conf" stop > /dev/null 2>&1
    for _ in $(seq 50); do kill -0 "$master" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$master" 2> /dev/null
  fi
  [ -n "${BENCH_IMAP_KEEP:-}" ] && cp -r "$shm" /tmp/imapbench-kept
  rm -rf "$root" "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

user=bench
password="pw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [ "$(id -u)" = 0 ]; then mail_user=nobody; mail_group=nogroup; else mail_user=$(id -un); mail_group=$(id -gn); fi
mkdir -p "$root/run" "$root/state" "$root/mail/$user"
chmod 755 "$root"
printf '%s:{PLAIN}%s\n' "$user" "$password" > "$root/passwd"
chmod 600 "$root/passwd"; chown "$mail_user:$mail_group" "$root/passwd"
cat > "$conf" <<CONF
base_dir = $root/run
state_dir = $root/state
log_path = $root/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $mail_user
default_internal_group = $mail_group
default_login_user = $mail_user
first_valid_uid = 0
mail_location = maildir:$root/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN $root/passwd
}
userdb {
  driver = static
  args = uid=$mail_user gid=$mail_group home=$root/mail/%u allow_all_users=yes
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
namespace inbox {
  inbox = yes
  separator = /
}
CONF

# Flatten the corpus's folders (INBOX, Sent/, Archive/) into INBOX's cur/: copies (the corpus stays untouched),
# each file's mtime set to the date in its name, which Dovecot gives as INTERNALDATE.
python3 - "$corpus" "$root/mail/$user" <<'PY'
import os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
for d in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(dst, d), exist_ok=True)
n = 0
for folder in [""] + sorted(f for f in os.listdir(src) if f not in ("cur", "new", "tmp")):
    cur = os.path.join(src, folder, "cur")
    if not os.path.isdir(cur):
        continue
    for name in sorted(os.listdir(cur)):
        target = os.path.join(dst, "cur", name)
        shutil.copyfile(os.path.join(cur, name), target)
        ts = int(name.split(".", 1)[0])
        os.utime(target, (ts, ts))
        n += 1
print(f"bench_imap: {n} messages flattened into INBOX", file=sys.stderr)
PY
chown -R "$mail_user:$mail_group" "$root/mail"
bytes=$(du -sb "$root/mail/$user/cur" | cut -f1)
count=$(find "$root/mail/$user/cur" -type f | wc -l)

/usr/sbin/dovecot -c "$conf" < /dev/null > "$root/start.log" 2>&1
for _ in $(seq 100); do
  python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" \
    2> /dev/null && break
  sleep 0.1
done
echo "bench_imap: Dovecot $(/usr/sbin/dovecot --version | cut -d' ' -f1) on 127.0.0.1:$port; indexing INBOX once (not timed)" >&2
/usr/bin/doveadm -c "$conf" index -u "$user" INBOX
/usr/bin/doveadm -c "$conf" fetch -u "$user" 'uid flags' mailbox INBOX all > "$root/flags.before"

secret="$shm/secret"
printf '%s\n' "$password" > "$secret"
chmod 600 "$secret"
pipeline="$shm/bench-imap.yml"
cat > "$pipeline" <<YML
name: bench-imap
mailbox:
  name: bench
  source: imap
  host: 127.0.0.1
  port: $port
  security: none
  username: $user
  secret: file:$secret
  folders: [INBOX]
  owner: [dana.reyes@northwind.example]
ownDomains: [northwind.example]
contacts: $work/contacts-$messages.csv
store: sqlite:$shm/crm.sqlite
YML

results="$shm/results.tsv"
: > "$results"
# One Mailroom run, not counted: it warms the server's and this machine's caches, and the flags after it must
# equal those before (Mailroom only EXAMINEs, so even the session flag \Recent survives it). Then Mailroom and
# mbsync alternate (M B M B ...), so that the machine's drift falls on both and each pair's ratio means something.
mailroom_run() {  # mailroom_run NAME [counted]
  rm -rf "$shm"/crm.sqlite*
  /usr/bin/time -f "%e %U %S %M" -o "$shm/time.txt" \
    "$bin" backfill "$pipeline" --days 36500 --as-of 2026-11-20 --run-dir "$shm/$1" --json > "$shm/backfill.json"
  [ "${2:-}" = counted ] && printf 'mailroom\t%s\t%s\n' "$(cat "$shm/time.txt")" "$shm/$1/manifest.json" >> "$results"
  return 0
}
mailroom_run run-warm-up
/usr/bin/doveadm -c "$conf" fetch -u "$user" 'uid flags' mailbox INBOX all > "$root/flags.after-mailroom"

have_mbsync=0
command -v mbsync > /dev/null && have_mbsync=1
[ "$have_mbsync" = 1 ] || echo "bench_imap: mbsync is not installed (apt-get install isync): no comparison" >&2
for i in $(seq "$runs"); do
  mailroom_run "run-$i" counted
  [ "$have_mbsync" = 1 ] || continue
  near="$shm/mbsync-$i"
  mkdir -p "$near"
  cat > "$shm/mbsyncrc" <<RC
IMAPAccount bench
Host 127.0.0.1
Port $port
User $user
PassCmd "cat $secret"
SSLType None
AuthMechs LOGIN

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path $near/
Inbox $near/INBOX

Channel bench
Far :bench-far:
Near :bench-near:
Patterns INBOX
Sync Pull
Create Near
Expunge None
SyncState *
RC
  # mbsync warns that the password goes in clear (loopback here): its stderr is shown only when it fails.
  /usr/bin/time -f "%e %U %S %M" -o "$shm/time.txt" mbsync -q -c "$shm/mbsyncrc" bench 2> "$shm/mbsync.err" \
    || { cat "$shm/mbsync.err" >&2; exit 1; }
  got=$(find "$near/INBOX/cur" "$near/INBOX/new" -type f | wc -l)
  [ "$got" = "$count" ] || echo "bench_imap: mbsync run $i pulled $got of $count messages" >&2
  printf 'mbsync\t%s\t-\n' "$(cat "$shm/time.txt")" >> "$results"
  rm -rf "$near"
done

for i in $(seq "$runs"); do
  python3 - "$port" "$user" "$secret" "$count" >> "$results" <<'PY'
import imaplib, resource, sys, time
port, user, secret, count = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
start = time.monotonic()
c0 = time.process_time()
m = imaplib.IMAP4("127.0.0.1", port)
m.login(user, open(secret).read().strip())
m.select("INBOX", readonly=True)
typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[])")
got = sum(1 for d in data if isinstance(d, tuple))
m.logout()
wall, cpu = time.monotonic() - start, time.process_time() - c0
if got != count:
    print(f"bench_imap: bulk fetch got {got} of {count} messages", file=sys.stderr)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"bulk\t{wall:.3f} {cpu:.3f} 0 {rss}\t-")
PY
done

/usr/bin/doveadm -c "$conf" fetch -u "$user" 'uid flags' mailbox INBOX all > "$root/flags.after"
# Mailroom only EXAMINEs, so even the session flag \Recent must survive its runs; mbsync SELECTs (which clears
# \Recent, as any mail client does), so the final comparison leaves \Recent out.
flags_ok=yes
cmp -s "$root/flags.before" "$root/flags.after-mailroom" || flags_ok=no
cmp -s <(sed 's/ \\Recent//' "$root/flags.before") <(sed 's/ \\Recent//' "$root/flags.after") || flags_ok=no

python3 - "$results" "$count" "$bytes" "$runs" "$flags_ok" "$(/usr/sbin/dovecot --version | cut -d' ' -f1)" \
  "$(mbsync --version 2> /dev/null || echo none)" <<'PY'
import json, statistics, sys
path, count, size, runs, flags_ok, dovecot, mbsync = sys.argv[1:8]
count, mb = int(count), int(size) / 1e6
rows = {}
for line in open(path):
    tool, times, manifest = line.rstrip("\n").split("\t")
    wall, user, sys_, rss = times.split()
    rows.setdefault(tool, []).append((float(wall), float(user) + float(sys_), int(rss) / 1024, manifest))
print(f"IMAP extraction: {count:,} messages ({mb:,.0f} MB) in INBOX of a loopback Dovecot {dovecot}, "
      f"{runs} runs each (min / median)")
print(f"  {'what':<52} {'wall s':>13} {'cpu s':>6} {'msg/s':>8} {'MB/s':>6} {'peak MB':>8}")

def line(label, walls, cpus, rss):
    lo, med = min(walls), statistics.median(walls)
    cpu = min(cpus)
    peak = f"{max(rss):>8.0f}" if rss else f"{'-':>8}"
    print(f"  {label:<52} {lo:>6.2f}/{med:<6.2f} {cpu:>6.2f} {count / lo:>8,.0f} {mb / lo:>6.1f} {peak}")

if "mailroom" in rows:
    ex = []
    for _, _, _, manifest in rows["mailroom"]:
        s = json.load(open(manifest))["stages"]["extract"]
        found = s.get("counts", {}).get("found")
        if found is not None and found != count:
            print(f"  warning: the extract stage found {found} of {count:,} messages")
        ex.append((s["durationMs"] / 1000, s.get("cpuMs", 0) / 1000, s.get("maxRSSKB", 0) / 1024))
    line("mailroom backfill: extract stage (manifest)", [e[0] for e in ex], [e[1] for e in ex], [e[2] for e in ex])
    r = rows["mailroom"]
    line("mailroom backfill: whole command", [x[0] for x in r], [x[1] for x in r], [x[2] for x in r])
if "mbsync" in rows:
    r = rows["mbsync"]
    line(f"mbsync {mbsync.split()[-1]} (Sync Pull into Maildir)", [x[0] for x in r], [x[1] for x in r], [x[2] for x in r])
if "mailroom" in rows and "mbsync" in rows:
    ratios = [e[0] / b[0] for e, b in zip(ex, rows["mbsync"])]
    print(f"  paired, run in turn: extract stage / mbsync wall, median of {len(ratios)} pairs "
          f"x{statistics.median(ratios):.2f} (pairs x{min(ratios):.2f} to x{max(ratios):.2f})")
if "bulk" in rows:
    r = rows["bulk"]
    line("bulk UID FETCH 1:* BODY.PEEK[] (imaplib, login..logout)", [x[0] for x in r], [x[1] for x in r], [])
print(f"  flags on the server unchanged (doveadm fetch 'uid flags', before vs after): {flags_ok}")
print("  (cpu s: the client's own, min; the server's work is not counted. The whole command also matches and loads.)")
PY
[ "$flags_ok" = yes ]
