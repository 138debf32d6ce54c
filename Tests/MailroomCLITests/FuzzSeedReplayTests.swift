import Foundation
import Testing

/// The fuzz executable as `swift build` builds it (no libFuzzer): it replays input files through a target. Every
/// committed seed must pass every check of its target, and an unknown target is refused — so the harness that CI
/// fuzzes with (`scripts/fuzz.sh`) builds, links and runs without the sanitizers too.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: FuzzBinary.url.path), "needs the built mailroom-fuzz"))
struct FuzzSeedReplayTests {
    static let targets = ["header", "mime", "address", "date", "mbox", "imap-framer", "imap-response", "json", "ndjson",
                          "pipeline"]

    static func replay(_ target: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = FuzzBinary.url
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["MAILROOM_FUZZ_TARGET"] = target
        env["SWIFT_BACKTRACE"] = "enable=no"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test(arguments: targets)
    func everyCommittedSeedPassesItsTarget(target: String) throws {
        let dir = MailroomProcess.repoRoot.appendingPathComponent("Fuzz/seeds/\(target)").path
        let seeds = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(!seeds.isEmpty)
        let r = try Self.replay(target, [dir])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == "mailroom-fuzz: \(target): \(seeds.count) inputs, no finding\n")
    }

    @Test func anUnknownTargetIsRefusedNamingTheTargets() throws {
        let r = try Self.replay("headers", [])
        #expect(r.status == 2)
        #expect(r.err.contains("one of: header, mime, address, date, mbox, imap-framer, imap-response, json, ndjson, pipeline"))
    }

    @Test func aMissingInputIsRefusedSoATypoCannotReplayNothingAndPass() throws {
        let r = try Self.replay("json", ["/nonexistent/seed"])
        #expect(r.status == 2)
        #expect(r.err.contains("no such file: /nonexistent/seed"))
    }
}

/// `mailroom-fuzz` beside `mailroom` (SwiftPM builds every product into one folder).
enum FuzzBinary {
    static var url: URL { MailroomProcess.binary.deletingLastPathComponent().appendingPathComponent("mailroom-fuzz") }
}
