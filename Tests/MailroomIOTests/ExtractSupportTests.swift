import Foundation
import Testing
@testable import MailroomIO

/// Shared fixtures of the extract tests: temporary folders, test-only date functions, corpora location.
enum ExtractFixtures {
    /// `../shared/corpora` beside the repository (three levels up from this file), or nil when absent.
    static let corpora: URL? = {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = repo.deletingLastPathComponent().appendingPathComponent("shared/corpora")
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue ? url : nil
    }()

    static var haveCorpora: Bool { corpora != nil }

    /// A test-only Date reader: the value of a `Date:` header when it is already ISO 8601 (`2026-11-20T10:00:00Z`),
    /// else nil. The real one is normalize's `HeaderScan.isoDate`.
    static func isoDateHeader(_ bytes: UnsafeRawBufferPointer) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) where line.hasPrefix("Date: ") {
            let v = line.dropFirst(6).trimmingCharacters(in: .whitespaces)
            return DateWindow.epochSeconds(iso: v) != nil ? v : nil
        }
        return nil
    }

    /// Test-only epoch → `YYYY-MM-DDTHH:MM:SSZ` (the real one is normalize's `MailDate.iso`).
    static func iso(_ epoch: Int64) -> String {
        let days = epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400
        let secs = epoch - days * 86_400
        // H. Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))Z"
    }

    /// Runs the extractor and returns the emitted copies and the summary. `include`: the mailbox's
    /// `includeFolders` (by default every reason, so that tests of the sources see every copy).
    static func scan(_ source: SourceKind, _ root: URL, window: DateWindow? = nil, chunkSize: Int = 1 << 20,
                     name: String = "box", include: Set<LeftOutReason> = Set(LeftOutReason.allCases))
        throws -> (copies: [MessageCopy], summary: ExtractSummary) {
        var copies: [MessageCopy] = []
        let mailbox = MailboxConfig(name: name, source: source, path: root.path, owner: [], includeFolders: include)
        let summary = try Extractor.scan(mailbox: mailbox, root: root, window: window, chunkSize: chunkSize,
                                         dateOf: isoDateHeader, isoFromEpoch: iso, emit: { copies.append($0) })
        return (copies, summary)
    }

    /// The bytes a locator gives back, through `MessageBytesReader`.
    static func bytes(_ root: URL, _ locator: Locator) throws -> [UInt8] {
        try MessageBytesReader(root: root).withBytes(locator) { Array($0) }
    }
}

/// A fresh temporary folder, removed when the value goes away.
final class TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mailroom-extract-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` (or raw bytes) at `relative`, creating folders.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> URL {
        try write(relative, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ relative: String, bytes: [UInt8]) throws -> URL {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file
    }

    func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(at: url.appendingPathComponent(relative),
                                                withIntermediateDirectories: true)
    }

    func symlink(_ relative: String, to destination: String) throws {
        let link = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: destination)
    }
}

struct ExtractSupportTests {
    @Test func theTestOnlyIsoFormatterWritesUTCDateTimes() {
        #expect(ExtractFixtures.iso(0) == "1970-01-01T00:00:00Z")
        #expect(ExtractFixtures.iso(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(ExtractFixtures.iso(1_795_687_200) == "2026-11-26T10:00:00Z")
        #expect(ExtractFixtures.iso(-1) == "1969-12-31T23:59:59Z")
    }
}

/// `OpenFileLimit`: the soft limit raised to the hard one (at most 65,536), and the files a scan opens ahead
/// fitted into what a limit leaves.
struct OpenFileLimitUnitTests {
    @Test func aScanOpensFewerFilesAheadUnderALowLimit() {
        #expect(OpenFileLimit.filesAhead(64, limit: 65_536) == 64)
        #expect(OpenFileLimit.filesAhead(64, limit: 160) == 64)
        #expect(OpenFileLimit.filesAhead(64, limit: 159) == 63)
        #expect(OpenFileLimit.filesAhead(64, limit: 60) == 14)
        #expect(OpenFileLimit.filesAhead(64, limit: 24) == 1)
        #expect(OpenFileLimit.filesAhead(64, limit: nil) == 64)
        #expect(OpenFileLimit.filesAhead(64, limit: UInt64.max) == 64)
    }

    static func hardLimit() -> UInt64 {
        var limit = rlimit()
        return getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 ? UInt64(limit.rlim_max) : 0
    }

    /// A file that cannot be opened is skipped for its own reasons, never for want of descriptors: that stops the
    /// run (exit 5), in extract's listing and in normalize's read alike.
    @Test func runningOutOfDescriptorsStopsTheRunInsteadOfSkippingTheFile() throws {
        var skipped = SkippedFiles(mailbox: "box", root: "/m")
        for errno in [EMFILE, ENFILE] {
            do {
                try skipped.unreadable("/m/cur/a", FileError(path: "/m/cur/a", errno: errno))
                Issue.record("errno \(errno) was skipped")
            } catch let e as MailroomError {
                #expect(e.status == .localIO && e.message.contains("cannot open more files") && e.location == "/m/cur/a")
            }
        }
        try skipped.unreadable("/m/cur/b", FileError(path: "/m/cur/b", errno: ENOENT))
        #expect(skipped.issues.count == 1)

        let missing = try TempDir()
        let reader = MessageBytesReader(root: missing.url, unchangedBefore: nil)
        do {
            try reader.withBytes(Locator(file: "absent", offset: 0, length: 3), identity: nil) { _ in }
            Issue.record("a missing file was read")
        } catch let e as MailroomError {
            #expect(e.category == .skippable, "a missing file is the copy's own problem")
        }
    }

    /// Lowers this process's soft limit no further than a shell's usual 1,024 (other tests run beside it).
    @Test(.enabled(if: hardLimit() > 1_024, "the hard open-file limit leaves nothing to raise"))
    func theSoftLimitIsRaisedToTheHardOne() throws {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        try #require(getrlimit(resource, &limit) == 0)
        let hard = limit.rlim_max
        limit.rlim_cur = min(limit.rlim_cur, 1_024)
        try #require(setrlimit(resource, &limit) == 0)
        OpenFileLimit.raise()
        #expect(OpenFileLimit.current() == UInt64(min(hard, 65_536)))
    }
}
