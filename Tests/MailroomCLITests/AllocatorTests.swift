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

    /// A malformed `MALLOC_CONF`: jemalloc names what is wrong on stderr (one line for a value that is not a
    /// number; the same line twice for a key without a value, from its two passes over the string) and keeps the
    /// compiled-in settings; the run's output is the same as without it.
    @Test func aMalformedMallocConfIsOneLineOnStderrAndTheRunIsUnchanged() throws {
        let v = try MailroomProcess.run(["--version"], env: ["MALLOC_CONF": "narenas:abc"])
        #expect(v.status == 0)
        #expect(v.stdout.contains("narenas 2, oversize_threshold 128 KiB"), "\(v.stdout)")
        #expect(v.stderr == "<jemalloc>: Invalid conf value: narenas:abc\n")
        let keyOnly = try MailroomProcess.run(["--version"], env: ["MALLOC_CONF": "narenas"])
        #expect(keyOnly.status == 0)
        #expect(keyOnly.stdout.contains("narenas 2, oversize_threshold 128 KiB"), "\(keyOnly.stdout)")
        #expect(Set(keyOnly.stderr.split(separator: "\n")) == ["<jemalloc>: Conf string ends with key"])

        let tmp = MailroomProcess.tempDir("malloc-conf")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let pipeline = MailroomProcess.repoRoot.appendingPathComponent("pipelines/sample.yml").path
        func dryRun(_ folder: String, _ conf: String) throws -> MailroomProcess.Result {
            try MailroomProcess.run(["run", pipeline, "--dry-run", "--as-of", "2026-11-20", "--json", "--quiet",
                                     "--run-dir", tmp.appendingPathComponent(folder).appendingPathComponent("run").path],
                                    env: ["MALLOC_CONF": conf])
        }
        let plain = try dryRun("a", ""), malformed = try dryRun("b", "narenas:abc")
        #expect(plain.status == 0 && malformed.status == 0)
        #expect(malformed.stderr == "<jemalloc>: Invalid conf value: narenas:abc\n")
        #expect(malformed.stdoutBytes == plain.stdoutBytes)
        #expect(plain.stdout.hasPrefix("{\"schemaVersion\":\"mailroom.report/1\""))
    }
}
