import Foundation

/// Trims the heap with glibc's `malloc_trim`: memory a finished piece of work freed goes back to the system.
/// glibc otherwise keeps it in every thread's arena, and the next stage's peak sits on top of the last one's
/// leftovers.
public enum HeapTrim {
    static func returnFreedMemory() {
        _ = mallocTrim?(0)
    }

    /// Caps glibc's malloc arenas at two per core (`M_ARENA_MAX`), unless `MALLOC_ARENA_MAX` is set. Call before
    /// any thread starts. glibc lets threads use up to eight arenas per core, and memory freed in one arena serves
    /// only that arena: with the stages' reader and writer threads each allocating in arenas of their own, a 100k
    /// `run` with the load peaked at 102-109 MiB with glibc's default against 99-99.6 MiB with two per core, at
    /// the same speed (100k dry run, 4 pairs: CPU x0.99, wall x1.00). One per core was leaner still (93-94 MiB)
    /// but cost 8% more CPU in lock contention.
    public static func limitArenas() {
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil, let mallopt else { return }
        let mArenaMax: Int32 = -8  // <malloc.h>
        _ = mallopt(mArenaMax, Int32(2 * max(2, ProcessInfo.processInfo.activeProcessorCount)))
    }

    /// glibc's `malloc_trim`, looked up once (its header is not part of the Glibc module); nil elsewhere.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(f, to: (@convention(c) (Int) -> Int32).self)
    }()

    /// glibc's `mallopt`, the same way.
    private static let mallopt: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
        return unsafeBitCast(f, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()
}
