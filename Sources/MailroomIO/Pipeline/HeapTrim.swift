import Foundation

/// Gives memory a finished piece of work freed back to the system, and sets the allocator up for a run.
///
/// The `mailroom` executable runs on jemalloc (linked in by its C shim, `CAllocShim`, whose `malloc_conf` holds
/// jemalloc's settings); the test bundles and the fuzz build run on glibc's malloc. Each function does what fits
/// the allocator the process has: jemalloc is recognised by its `mallctl`, looked up at run time, so that this
/// library does not depend on it.
public enum HeapTrim {
    /// jemalloc: purges every arena's unused dirty pages (`arena.<MALLCTL_ARENAS_ALL>.purge`), which it would
    /// otherwise give back only over its decay time, seconds later. glibc: `malloc_trim`, as memory freed stays
    /// in every thread's arena otherwise. Either way, the next stage's peak does not sit on top of the last one's
    /// leftovers.
    static func returnFreedMemory() {
        if let mallctl {
            _ = "arena.4096.purge".withCString { mallctl($0, nil, nil, nil, 0) }
        } else {
            _ = mallocTrim?(0)
        }
    }

    /// Sets glibc's allocator up for a run; call before any thread starts. Each setting yields to the environment
    /// variable that sets it (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`).
    ///
    /// - Arenas: at most two per core (`M_ARENA_MAX`). glibc lets threads use up to eight arenas per core, and
    ///   memory freed in one arena serves only that arena: with the stages' reader and writer threads each
    ///   allocating in arenas of their own, a 100k `run` with the load peaked at 102-109 MiB with glibc's default
    ///   against 99-99.6 MiB with two per core, at the same speed (100k dry run, 4 pairs: CPU x0.99, wall x1.00).
    ///   One per core was leaner still (93-94 MiB) but cost 8% more CPU in lock contention.
    /// - Large blocks: every block of `mmapThreshold` bytes or more is mapped on its own and unmapped when freed
    ///   (`M_MMAP_THRESHOLD`, which also stops glibc from raising the threshold as it does by default after the
    ///   first such block is freed, up to 32 MiB). With the default, the arrays and buffers a stage frees (a
    ///   string table's pages, a reader's chunks, an array outgrown) stay in the heap as free space that later
    ///   small blocks fragment, and the next stage's peak sits on top of them: at the end of match of a 100k run
    ///   glibc held 65.7 MB from the system for 39.2 MB in use (`malloc_stats`), 54.1 MB with the threshold. A
    ///   100k run with its load peaked at 81.7 MiB against 87.0 (4 pairs; 10k: 68.6 against 73.0, 10 pairs),
    ///   at the same speed once the blocks handed on most often were no longer allocated anew each time (see
    ///   `NDJSONReader.readDecoded` and `NormalizeWorker.line`).
    ///
    /// Under jemalloc this does nothing: its settings are compiled in (`CAllocShim`) or come from `MALLOC_CONF`.
    public static func configureAllocator() {
        guard mallctl == nil, let mallopt else { return }
        for (option, value) in settings(environment: ProcessInfo.processInfo.environment,
                                        cores: ProcessInfo.processInfo.activeProcessorCount) {
            _ = mallopt(option, value)
        }
    }

    /// `mallopt` options of <malloc.h>.
    static let mArenaMax: Int32 = -8
    static let mMmapThreshold: Int32 = -3

    /// 128 KiB, glibc's own starting value, kept fixed.
    static let mmapThreshold: Int32 = 128 * 1024

    /// What `configureAllocator` sets, as `mallopt` options and values, for this environment and core count.
    static func settings(environment: [String: String], cores: Int) -> [(option: Int32, value: Int32)] {
        var out: [(option: Int32, value: Int32)] = []
        if environment["MALLOC_ARENA_MAX"] == nil { out.append((mArenaMax, Int32(2 * max(2, cores)))) }
        if environment["MALLOC_MMAP_THRESHOLD_"] == nil { out.append((mMmapThreshold, mmapThreshold)) }
        return out
    }

    /// glibc's `malloc_trim`, looked up once (its header is not part of the Glibc module); nil elsewhere.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(f, to: (@convention(c) (Int) -> Int32).self)
    }()

    /// jemalloc's `mallctl`, when jemalloc is the process's allocator; nil under glibc.
    private static let mallctl: MallCtl? = {
        guard let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallctl") else { return nil }
        return unsafeBitCast(f, to: MallCtl.self)
    }()

    private typealias MallCtl = @convention(c) (UnsafePointer<CChar>, UnsafeMutableRawPointer?,
                                                UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int) -> Int32

    /// glibc's `mallopt`, the same way.
    private static let mallopt: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
        return unsafeBitCast(f, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()
}
