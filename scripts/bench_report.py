"""Prints the benchmark table from scripts/bench.sh's results file and the runs' manifests."""
import json
import os
import platform
import statistics
import sys


def load_pairs(path):
    """The `--load-pairs` runs: per corpus, each pair's SQLite and PostgreSQL load stage, and the medians."""
    pairs = {}  # (n, fmt) -> {pair: {mode: (wall, cpu, rss MB)}}
    for line in open(path):
        if not line.strip():
            continue
        n, fmt, i, mode, times = line.rstrip("\n").split("\t")
        wall, user, sys_, rss_kb = times.split()
        pairs.setdefault((n, fmt), {}).setdefault(i, {})[mode] = (float(wall), float(user) + float(sys_),
                                                                  int(rss_kb) / 1024)
    for (n, fmt), by in sorted(pairs.items(), key=lambda kv: (int(kv[0][0]), kv[0][1])):
        done = [p for _, p in sorted(by.items(), key=lambda kv: int(kv[0])) if "load" in p and "pgload" in p]
        if not done:
            continue
        print(f"{int(n):,} messages, {fmt}, load stage alone, {len(done)} alternating pairs "
              f"(wall s, CPU s, peak MB of the process):")
        for p in done:
            (sw, sc, sm), (pw, pc, pm) = p["load"], p["pgload"]
            print(f"  SQLite {sw:6.2f} {sc:6.2f} {sm:5.0f}   PostgreSQL {pw:6.2f} {pc:6.2f} {pm:5.0f}   x{pw / sw:.3f}")
        ratios = [p["pgload"][0] / p["load"][0] for p in done]
        print(f"  median: SQLite {statistics.median(p['load'][0] for p in done):.2f} s, "
              f"PostgreSQL {statistics.median(p['pgload'][0] for p in done):.2f} s; PostgreSQL / SQLite, median of "
              f"the pairs x{statistics.median(ratios):.3f} (x{min(ratios):.3f} to x{max(ratios):.3f})")
        print()


def memory_pairs(path):
    """The `--memory-pairs` runs: per format, each pair's peak (MiB, as /usr/bin/time reports it) at the smallest and
    the largest size, with the load, and the ratio of the medians."""
    peaks = {}  # fmt -> {pair: {n: MiB}}
    for line in open(path):
        if not line.strip():
            continue
        fmt, i, n, times = line.rstrip("\n").split("\t")
        peaks.setdefault(fmt, {}).setdefault(i, {})[int(n)] = int(times.split()[3]) / 1024
    for fmt, by in sorted(peaks.items()):
        done = [p for p in by.values() if len(p) == 2]
        if not done:
            continue
        small, big = sorted(done[0])
        s = statistics.median(p[small] for p in done)
        b = statistics.median(p[big] for p in done)
        ratios = [p[big] / p[small] for p in done]
        print(f"peak memory with the load, {big:,} / {small:,} messages, {fmt}, {len(done)} alternating pairs: "
              f"median {b:.1f} / {s:.1f} MiB = x{b / s:.3f}; pairs x{min(ratios):.3f} to x{max(ratios):.3f} "
              f"({small:,}: {min(p[small] for p in done):.1f}-{max(p[small] for p in done):.1f} MiB, "
              f"{big:,}: {min(p[big] for p in done):.1f}-{max(p[big] for p in done):.1f} MiB)")


def main(path, pairs_path=None, memory_path=None):
    rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}")
    print()
    totals = {}
    python = {}
    loads = {}  # (n, fmt) -> {mode: load stage wall seconds}
    for n, fmt, mode, size, times, run in rows:
        wall, user, sys_, rss_kb = times.split()
        wall, cpu_s, rss_mb = float(wall), float(user) + float(sys_), int(rss_kb) / 1024
        if mode == "python":
            python[(n, fmt)] = (wall, cpu_s, rss_mb)
            continue
        m = json.load(open(os.path.join(run, "manifest.json")))
        msgs = m["stages"]["extract"]["counts"]["found"]
        mb = int(size) / 1e6
        totals[(n, fmt, mode)] = (wall, rss_mb)
        label = {"dry": "dry run", "load": "dry run + load", "pgload": "dry run + load into PostgreSQL"}[mode]
        print(f"{int(n):,} messages, {fmt}, {label}: {mb:,.0f} MB")
        if "load" in m["stages"]:
            loads.setdefault((n, fmt), {})[mode] = m["stages"]["load"]["durationMs"] / 1000
        print(f"  {'stage':<10} {'wall s':>8} {'cpu s':>8} {'msg/s':>10} {'MB/s':>8} {'peak MB':>8}")
        # In a new run extract and normalize overlap: extract's row is its own thread's, normalize's row starts
        # with extract and ends when normalize does.
        for stage in ["extract", "normalize", "dedupe", "match", "load"]:
            s = m["stages"].get(stage)
            if not s:
                continue
            w = s["durationMs"] / 1000
            print(f"  {stage:<10} {w:>8.2f} {s.get('cpuMs', 0) / 1000:>8.2f} {msgs / w if w else 0:>10,.0f} "
                  f"{mb / w if w else 0:>8.1f} {s.get('maxRSSKB', 0) / 1024:>8.0f}")
        print(f"  {'total':<10} {wall:>8.2f} {cpu_s:>8.2f} {msgs / wall if wall else 0:>10,.0f} "
              f"{mb / wall if wall else 0:>8.1f} {rss_mb:>8.0f}")
        print()
    for (n, fmt), (wall, cpu_s, rss_mb) in sorted(python.items(), key=lambda kv: (int(kv[0][0]), kv[0][1])):
        dry = totals.get((n, fmt, "dry"))
        vs = f"  (Mailroom's dry run: x{wall / dry[0]:.1f} faster)" if dry else ""
        print(f"{int(n):,} messages, {fmt}, plain Python (scripts/bench_python.py): {wall:.2f} s wall, "
              f"{cpu_s:.2f} s CPU, peak {rss_mb:.0f} MB{vs}")
    if python:
        print()
    for (n, fmt), by in sorted(loads.items(), key=lambda kv: (int(kv[0][0]), kv[0][1])):
        if "load" in by and "pgload" in by:
            print(f"{int(n):,} messages, {fmt}, load stage: SQLite {by['load']:.2f} s, PostgreSQL {by['pgload']:.2f} s "
                  f"(PostgreSQL / SQLite x{by['pgload'] / by['load']:.2f})")
    if any("pgload" in by for by in loads.values()):
        print()
    sizes = sorted({int(n) for n, *_ in rows})
    if len(sizes) >= 2:
        small, big = str(sizes[0]), str(sizes[-1])
        print(f"ratios {int(big):,} / {int(small):,} messages (time, peak memory):")
        for (n, fmt, mode), (wall, rss) in sorted(totals.items()):
            if n != big or (small, fmt, mode) not in totals:
                continue
            w0, r0 = totals[(small, fmt, mode)]
            label = {"dry": "dry run", "load": "with load", "pgload": "PostgreSQL"}[mode]
            print(f"  {fmt:<8} {label:<10} time x{wall / w0:.1f}  memory x{rss / r0:.2f}")
    if pairs_path and os.path.exists(pairs_path) and os.path.getsize(pairs_path) > 0:
        print()
        load_pairs(pairs_path)
    if memory_path and os.path.exists(memory_path) and os.path.getsize(memory_path) > 0:
        print()
        memory_pairs(memory_path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None, sys.argv[3] if len(sys.argv) > 3 else None)
