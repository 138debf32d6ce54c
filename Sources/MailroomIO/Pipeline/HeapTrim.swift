import Foundation

/// Trims the heap with glibc's `malloc_trim`: memory a finished piece of work freed goes back to the system.
/// glibc otherwise keeps it in every thread's arena, and the next stage's peak sits on top of the last one's
/// leftovers.
enum HeapTrim {
    static func returnFreedMemory() {
        _ = mallocTrim?(0)
    }

    /// glibc's `malloc_trim`, looked up once (its header is not part of the Glibc module); nil elsewhere.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let f = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(f, to: (@convention(c) (Int) -> Int32).self)
    }()
}
