import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A message file of several GB (a backup tool's runaway attachment, a disk image saved into `cur/`, an mbox
/// whose separators do not parse) is quarantined as `too-large` from its size alone, after reading at most its
/// header section, and the run goes on with exit 0. The files are sparse (`ftruncate`: no disk or memory
/// used), and the real `mailroom` binary's peak resident memory is measured (GNU time, see `MeasuredProcess`):
/// it must stay under 200 MB, where reading the message whole would take its full size.
@Suite(.serialized) struct OversizeMessageTests {
    /// Over 4 GiB, so no 32-bit length could hold it.
    static let hugeSize: off_t = (4 << 30) + 12_345
    static let rssLimitKB = 200 * 1024

    static let hugeHeader = """
        From: Backup Robot <robot@customer.example>\r
        To: Dana Reyes <dana@example.com>\r
        Subject: Nightly disk image\r
        Date: Tue, 17 Nov 2026 10:00:00 +0000\r
        Message-ID: <disk-image-42@customer.example>\r
        MIME-Version: 1.0\r
        Content-Type: application/octet-stream\r
        \r

        """

    static let smallMessage = """
        From: Carol Diaz <carol@customer.example>\r
        To: Dana Reyes <dana@example.com>\r
        Subject: Renewal\r
        Date: Mon, 16 Nov 2026 09:00:00 +0000\r
        Message-ID: <renewal-7@customer.example>\r
        \r
        Shall we renew for another year?\r

        """

    /// A folder for the huge files: `/dev/shm` when there is one (a hole read from tmpfs costs no page cache),
    /// else the temporary folder.
    static func workDir() -> URL {
        let shm = URL(fileURLWithPath: "/dev/shm")
        if access(shm.path, W_OK) == 0 {
            let u = shm.appendingPathComponent("mailroom-oversize-\(UUID().uuidString)")
            if (try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)) != nil { return u }
        }
        return MailroomProcess.tempDir("mailroom-oversize")
    }

    /// Writes `prefix`, then extends the file with a hole to `size` bytes.
    static func writeSparse(_ url: URL, prefix: String, size: off_t) throws {
        try Data(prefix.utf8).write(to: url)
        let fd = open(url.path, O_WRONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        try #require(ftruncate(fd, size) == 0, "ftruncate: \(String(cString: strerror(errno)))")
    }

    static func pipeline(_ dir: URL, source: String, path: String) throws -> String {
        let p = dir.appendingPathComponent("p.yml").path
        try """
            name: oversize
            mailbox:
              source: \(source)
              path: \(path)
              owner: [dana@example.com]
            ownDomains: [example.com]
            store: sqlite:crm.sqlite
            """.write(toFile: p, atomically: false, encoding: .utf8)
        return p
    }

    /// Runs the dry run and checks: exit 0, the huge copy quarantined `too-large` with its size, Message-ID and
    /// Date, the small message normalized, and the process's peak memory under the limit.
    static func expectQuarantinedWithinMemory(_ dir: URL, pipeline: String, hugeCopyPrefix: String) throws {
        let run = dir.appendingPathComponent("run")
        let r = try MeasuredProcess.run(["run", pipeline, "--dry-run", "--as-of", "2026-11-20", "--days", "30",
                                         "--run-dir", run.path, "--format", "json"], measure: true)
        #expect(r.status == 0, "exit \(r.status): \(r.stderr)")
        let peak = try #require(r.maxRSSKB, "GNU time gave no peak memory")
        #expect(peak > 1024 && peak < rssLimitKB, "peak resident memory \(peak / 1024) MB, limit \(rssLimitKB / 1024) MB")
        let quarantined = try RunFiles.ndjson(run.appendingPathComponent("normalize/quarantine.ndjson"))
        try #require(quarantined.count == 1, "\(quarantined)")
        let q = quarantined[0]
        #expect((q["copyId"] as? String)?.hasPrefix(hugeCopyPrefix) == true, "\(q)")
        #expect(q["reason"] as? String == "too-large")
        #expect((q["detail"] as? String)?.contains("over the limit of 67108864 bytes") == true, "\(q)")
        #expect(q["messageId"] as? String == "disk-image-42@customer.example")
        #expect(q["date"] as? String == "2026-11-17T10:00:00Z")
        let normalized = try RunFiles.ndjson(run.appendingPathComponent("normalize/messages.ndjson"))
        #expect(normalized.map { $0["messageId"] as? String } == ["renewal-7@customer.example"])
        // The report counts it, as every quarantined copy.
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let messages = report["messages"] as? [String: Any]
        #expect(messages?["quarantined"] as? Int == 1, "\(r.stdout.prefix(400))")
    }

    @Test func aMultiGigabyteFileInAMaildirCurFolderIsQuarantinedWithoutBeingRead() throws {
        let dir = Self.workDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cur = dir.appendingPathComponent("Maildir/cur")
        try FileManager.default.createDirectory(at: cur, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Maildir/new"), withIntermediateDirectories: true)
        try Data(Self.smallMessage.utf8).write(to: cur.appendingPathComponent("1795338000.M1P7.host:2,S"))
        let huge = cur.appendingPathComponent("1795428000.M2P7.host:2,S")
        try Self.writeSparse(huge, prefix: Self.hugeHeader, size: Self.hugeSize)
        let p = try Self.pipeline(dir, source: "maildir", path: "Maildir")
        try Self.expectQuarantinedWithinMemory(dir, pipeline: p, hugeCopyPrefix: "default/INBOX/1795428000.M2P7.host")
    }

    @Test func aMultiGigabyteEmlFileIsQuarantinedWithoutBeingRead() throws {
        let dir = Self.workDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let eml = dir.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: eml, withIntermediateDirectories: true)
        try Data(Self.smallMessage.utf8).write(to: eml.appendingPathComponent("renewal.eml"))
        try Self.writeSparse(eml.appendingPathComponent("disk-image.eml"), prefix: Self.hugeHeader, size: Self.hugeSize)
        let p = try Self.pipeline(dir, source: "eml", path: "export")
        try Self.expectQuarantinedWithinMemory(dir, pipeline: p, hugeCopyPrefix: "default/disk-image.eml")
    }

    /// An mbox whose last message never ends: after its header section come gigabytes with no line break and
    /// no From_ line, so the splitter sees one message to the end of the file.
    @Test func anMboxWithOneHugeUnsplittableMessageIsQuarantinedWithoutBeingRead() throws {
        let dir = Self.workDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mbox = dir.appendingPathComponent("archive.mbox")
        let content = "From carol@customer.example Mon Nov 16 09:00:00 2026\n"
            + Self.smallMessage.replacingOccurrences(of: "\r\n", with: "\n") + "\n"
            + "From robot@customer.example Tue Nov 17 10:00:00 2026\n"
            + Self.hugeHeader.replacingOccurrences(of: "\r\n", with: "\n")
        try Self.writeSparse(mbox, prefix: content, size: Self.hugeSize)
        let p = try Self.pipeline(dir, source: "mbox", path: "archive.mbox")
        try Self.expectQuarantinedWithinMemory(dir, pipeline: p, hugeCopyPrefix: "default/archive/")
    }
}
