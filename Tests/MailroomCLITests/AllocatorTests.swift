import Foundation
import Testing

/// The `mailroom` executable runs on jemalloc with the settings its C shim compiles in (`CAllocShim`), and
/// `MALLOC_CONF` still overrides them. The test bundles themselves run on glibc's malloc.
@Suite struct AllocatorTests {
    /// jemalloc must be the malloc every library resolves to, not only loaded: `--version` compares the two.
    @Test func theExecutableRunsOnJemallocWithItsCompiledInSettings() throws {
        let r = try MailroomProcess.run(["--version"], env: ["MALLOC_CONF": ""])
        #expect(r.status == 0)
        #expect(r.stdout.contains("jemalloc 5."), "\(r.stdout)")
        #expect(r.stdout.contains("narenas 2, oversize_threshold 128 KiB"), "\(r.stdout)")
        #expect(!r.stdout.contains("another allocator"), "\(r.stdout)")
    }

    @Test func mallocConfInTheEnvironmentOverridesThem() throws {
        let r = try MailroomProcess.run(["--version"], env: ["MALLOC_CONF": "narenas:1,oversize_threshold:1048576"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("narenas 1, oversize_threshold 1024 KiB"), "\(r.stdout)")
    }
}
