import Testing
@testable import MailroomIO

/// The allocator settings a run makes: two arenas per core and a fixed mapping threshold, each unless the
/// environment variable that sets it is there (glibc reads those itself). What glibc then does with a large block
/// depends on the free space the process already holds, so it is measured by the benchmark (docs/benchmark-history.md,
/// issue 17, twelfth part), not asserted here.
@Suite struct HeapTrimTests {
    static func pairs(_ s: [(option: Int32, value: Int32)]) -> [[Int32]] { s.map { [$0.option, $0.value] } }

    @Test func aPlainEnvironmentGetsBothSettings() {
        #expect(Self.pairs(HeapTrim.settings(environment: ["HOME": "/root"], cores: 2))
                == [[HeapTrim.mArenaMax, 4], [HeapTrim.mMmapThreshold, 131_072]])
        #expect(Self.pairs(HeapTrim.settings(environment: [:], cores: 8))
                == [[HeapTrim.mArenaMax, 16], [HeapTrim.mMmapThreshold, 131_072]])
        #expect(Self.pairs(HeapTrim.settings(environment: [:], cores: 1))[0] == [HeapTrim.mArenaMax, 4],
                "at least two cores' worth")
    }

    @Test func eachSettingYieldsToItsEnvironmentVariable() {
        #expect(Self.pairs(HeapTrim.settings(environment: ["MALLOC_ARENA_MAX": "1"], cores: 2))
                == [[HeapTrim.mMmapThreshold, 131_072]])
        #expect(Self.pairs(HeapTrim.settings(environment: ["MALLOC_MMAP_THRESHOLD_": "1048576"], cores: 2))
                == [[HeapTrim.mArenaMax, 4]])
        #expect(HeapTrim.settings(environment: ["MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "0"], cores: 2).isEmpty)
    }

    @Test func theOptionNumbersAreGlibcs() {
        // <malloc.h>: M_MMAP_THRESHOLD -3, M_ARENA_MAX -8.
        #expect(HeapTrim.mMmapThreshold == -3)
        #expect(HeapTrim.mArenaMax == -8)
    }
}
