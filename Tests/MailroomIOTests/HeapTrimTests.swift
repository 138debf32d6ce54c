#if canImport(Glibc)
import Foundation
import Glibc
import Testing
@testable import MailroomIO

/// A large block is mapped on its own, so that freeing it gives its memory back to the system at once, also
/// after one was freed (glibc's default then raises its threshold: the next such block would come from the heap
/// and stay there as free space once freed).
@Suite struct HeapTrimTests {
    /// glibc marks a block it mapped on its own by bit 1 (`IS_MMAPPED`) of the size word just before the block.
    static func isMapped(_ p: UnsafeMutableRawPointer) -> Bool {
        (p - MemoryLayout<Int>.size).load(as: Int.self) & 2 != 0
    }

    @Test func aLargeBlockIsMappedAlsoAfterOneWasFreed() throws {
        guard ProcessInfo.processInfo.environment["MALLOC_MMAP_THRESHOLD_"] == nil else { return }
        HeapTrim.configureAllocator()
        // 24 MiB: below glibc's ceiling for the raised threshold (32 MiB), above any free space this test process
        // is likely to hold in its heap (a block that fits free space is taken from there, mapped or not).
        let size = 24 << 20
        for round in 0..<3 {
            let p = try #require(malloc(size))
            #expect(Self.isMapped(p), "round \(round): the block came from the heap")
            free(p)
        }
    }
}
#endif
