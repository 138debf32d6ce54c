#!/usr/bin/env bash
# Fuzzes the parsers that read bytes from strangers with libFuzzer + AddressSanitizer, each target for a bounded
# time, two at a time. Fails (exit 1) when any target finds a crash, a broken invariant, a leak, a timeout or an
# out-of-memory input; prints executions and findings per target either way.
#
#   scripts/fuzz.sh [--seconds N] [--jobs N] [--targets header,mime,...] [--keep DIR] [--no-build]
#
# One executable (product mailroom-fuzz) holds every target; MAILROOM_FUZZ_TARGET picks one, so the sanitized
# build happens once, in .build-fuzz (git-ignored). Seeds: Fuzz/seeds/<target>/ (small, committed, made from the
# tests' fixtures), plus files of this repository (goldens, sample data) and of ../shared/corpora when present,
# copied at run time into a temporary directory — never into the repository. Dictionaries: Fuzz/dicts/.
# A finding's input is kept in .build-fuzz/findings/ (or --keep DIR); replay it with a normal build:
#   MAILROOM_FUZZ_TARGET=<target> .build/debug/mailroom-fuzz FILE
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=75
jobs=2
targets="header mime address date mbox imap-framer imap-response json ndjson pipeline"
findings_dir=".build-fuzz/findings"
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --targets) targets="${2//,/ }"; shift 2 ;;
        --keep) findings_dir="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "fuzz.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

scratch=.build-fuzz
# SwiftPM passes --sanitize=fuzzer and --sanitize=address to swiftc as two flags, and for compiling the last one
# wins: Swift code got AddressSanitizer but no coverage, so libFuzzer fuzzed blind (only C code counted). The
# combined -sanitize=fuzzer,address, given after them, instruments Swift code for both; the --sanitize flags
# still make SwiftPM link libFuzzer (-Xswiftc -sanitize=fuzzer alone fails to link).
build_args=(--product mailroom-fuzz --sanitize=fuzzer --sanitize=address --scratch-path "$scratch"
            -Xswiftc -sanitize=fuzzer,address -Xswiftc -DMAILROOM_FUZZ)
if [ "$build" = 1 ]; then
    echo "fuzz.sh: building mailroom-fuzz with libFuzzer and AddressSanitizer (scratch path $scratch)"
    swift build "${build_args[@]}" 2>&1 | grep -v "Cannot export local symbol" | tail -3
fi
bin="$(swift build "${build_args[@]}" --show-bin-path)/mailroom-fuzz"
[ -x "$bin" ] || { echo "fuzz.sh: $bin was not built" >&2; exit 1; }
# Guard against fuzzing blind: the parsers' Swift code must carry libFuzzer's coverage counters.
# (grep -c, not grep -q: under pipefail, grep -q leaving early fails nm with SIGPIPE.)
if [ "$(nm "$(dirname "$bin")/MailroomCore.build/HeaderParser.swift.o" 2>/dev/null | grep -c sancov)" = 0 ]; then
    echo "fuzz.sh: MailroomCore was compiled without libFuzzer coverage (see build_args)" >&2
    exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/mailroom-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$findings_dir"
# MAILROOM_CORPORA: where the third-party corpora are when not beside the repository (a git worktree elsewhere).
corpora="${MAILROOM_CORPORA:-../shared/corpora}"
[ -d "$corpora" ] || { echo "fuzz.sh: $corpora is absent: committed seeds and repository files only"; corpora=""; }

# Copies a file into a corpus directory under a name made from its content (duplicates collapse).
seed() { local dir="$1" f="$2"; cp "$f" "$dir/$(sha1sum "$f" | cut -c1-16)"; }
# Writes each non-empty line of stdin as its own seed file $1/$2-<line> (the first $3 lines).
# (awk reads all of stdin: head would leave early and, under pipefail, the writer's SIGPIPE would end the script.)
seed_lines() { awk -v d="$1" -v p="$2" -v n="$3" 'NR <= n && length($0) > 0 { f = d "/" p "-" NR; printf "%s", $0 > f; close(f) }'; }
# Single-message files of the corpora (not mbox files, not the folders' own notes and licenses).
corpus_messages() {
    [ -n "$corpora" ] || return 0
    find "$corpora" -type f -size -256k ! -path '*/UPSTREAM-LICENSE/*' ! -path '*/address-tests/*' \
        ! -name '*.md' ! -name '*.tsv' ! -name '*.xml' ! -name '*mbox*' ! -name '*.rlug' ! -name '*.noindex' | sort
}

# Fills $work/corpus/<target> with the target's seeds.
prepare() {
    local t="$1" dir="$work/corpus/$1" f
    mkdir -p "$dir"
    for f in Fuzz/seeds/"$t"/*; do if [ -f "$f" ]; then seed "$dir" "$f"; fi; done
    case "$t" in
        header|mime)
            for f in sample-data/mailbox/*/cur/* sample-data/mailbox/cur/*; do if [ -f "$f" ]; then seed "$dir" "$f"; fi; done
            corpus_messages | while read -r f; do seed "$dir" "$f"; done ;;
        mbox)
            if [ -n "$corpora" ]; then
                find "$corpora" -type f -size -512k \( -name '*mbox*' -o -name '*.rlug' \) \
                    ! -name '*.md' | while read -r f; do seed "$dir" "$f"; done
            fi ;;
        address)
            if [ -n "$corpora" ]; then
                sed -n 's:.*<address>\(.*\)</address>.*:\1:p' "$corpora"/address-tests/isemail/tests.xml \
                    | sed 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g' | seed_lines "$dir" isemail 400
                corpus_messages | xargs -d '\n' grep -ahiE '^(from|to|cc|reply-to): ' 2>/dev/null \
                    | sed -E 's/^[^:]*: //' | sort -u | awk -v d="$dir" '{ f = d "/hdr-" NR; printf "%s", $0 > f; close(f) }' \
                    || true
            fi ;;
        date)
            if [ -n "$corpora" ]; then
                corpus_messages | xargs -d '\n' grep -ahi '^date: ' 2>/dev/null \
                    | sed -E 's/^[^:]*: //' | tr -d '\r' | sort -u | awk -v d="$dir" '{ f = d "/hdr-" NR; printf "%s", $0 > f; close(f) }' \
                    || true
            fi ;;
        json)
            for f in Tests/MailroomCLITests/Golden/sample/*/*.ndjson; do
                seed_lines "$dir" "$(basename "$(dirname "$f")")-$(basename "$f" .ndjson)" 40 < "$f"
            done
            seed "$dir" Tests/MailroomCLITests/Golden/sample/report.json ;;
        ndjson)
            for f in Tests/MailroomCLITests/Golden/sample/*/*.ndjson; do seed "$dir" "$f"; done ;;
        pipeline)
            for f in pipelines/*.yml; do seed "$dir" "$f"; done ;;
        imap-framer|imap-response)
            # A server's answer to UID FETCH BODY[] for a few real messages: the message as a literal.
            corpus_messages | awk 'NR <= 12' | while read -r f; do
                { printf '* 1 FETCH (UID 1 RFC822.SIZE %s BODY[] {%s}\r\n' "$(wc -c < "$f")" "$(wc -c < "$f")"
                  cat "$f"; printf ')\r\nA1 OK done\r\n'; } > "$dir/fetch-$(basename "$f")"
            done ;;
    esac
}

dict_for() {
    case "$1" in imap-*) echo Fuzz/dicts/imap.dict ;; ndjson) echo Fuzz/dicts/json.dict ;; *) echo "Fuzz/dicts/$1.dict" ;; esac
}
max_len_for() {
    case "$1" in mime|mbox|imap-framer|imap-response) echo 65536 ;; header) echo 16384 ;; *) echo 4096 ;; esac
}

# Runs one target; its libFuzzer log goes to $work/<target>.log.
run_target() {
    local t="$1" log="$work/$1.log"
    mkdir -p "$work/tmp-$t" "$work/artifacts-$t"
    set +e
    SWIFT_BACKTRACE=enable=no MAILROOM_FUZZ_TARGET="$t" TMPDIR="$work/tmp-$t" \
        ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
        nice -n 10 "$bin" "$work/corpus/$t" -max_total_time="$seconds" -dict="$(dict_for "$t")" \
        -max_len="$(max_len_for "$t")" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts-$t/" > "$log" 2>&1
    echo $? > "$work/$t.rc"
    set -e
}

for t in $targets; do prepare "$t"; done
echo "fuzz.sh: ${seconds}s per target, $jobs at a time: $targets"
running=0
for t in $targets; do
    if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
    run_target "$t" &
    running=$((running + 1))
done
wait

failed=0
printf '%-14s %12s %10s %8s  %s\n' target executions exec/s corpus findings
for t in $targets; do
    log="$work/$t.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    corpus=$(ls "$work/corpus/$t" | wc -l)
    found=$(ls "$work/artifacts-$t" | wc -l)
    rc=$(cat "$work/$t.rc")
    note="none"
    if [ "$found" -gt 0 ] || [ "$rc" != 0 ]; then
        failed=1
        note="$found input(s), libFuzzer exit $rc, kept in $findings_dir/$t/"
        mkdir -p "$findings_dir/$t"
        cp "$work/artifacts-$t"/* "$findings_dir/$t/" 2>/dev/null || true
        cp "$log" "$findings_dir/$t/libfuzzer.log"
    fi
    printf '%-14s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$corpus" "$note"
done
if [ "$failed" = 1 ]; then
    for t in $targets; do
        [ "$(cat "$work/$t.rc")" = 0 ] && continue
        echo "---- $t: libFuzzer's report"
        grep -E 'ERROR|Fatal error|fuzz invariant|SUMMARY|Test unit written|Base64' "$work/$t.log" | awk 'NR <= 20'
    done
    echo "fuzz.sh: FAILED: a target found an input that crashes it (replay: MAILROOM_FUZZ_TARGET=<target> .build/debug/mailroom-fuzz FILE)"
    exit 1
fi
echo "fuzz.sh: ok: no finding"
