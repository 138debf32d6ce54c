import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

@Suite("IMAP backfill and sync against Dovecot", .enabled(if: DovecotFixtures.available, "Dovecot is not installed (/usr/sbin/dovecot)"))
struct IMAPExtractorTests {
    /// 2026-01-10T00:00:00Z
    static let start = IMAPDate.days(year: 2026, month: 1, day: 10) * 86400
    static let end = start + 3 * 86400

    /// A run directory inside the server's folder (removed with it when the test process ends).
    static func runDirectory() throws -> String {
        let root = DovecotFixtures.shared?.root.path ?? NSTemporaryDirectory()
        let d = root + "/run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func extractor(_ server: DovecotServer, user: (name: String, password: String), runDirectory: String,
                          folders: [String] = [], batchSize: Int = 2, port: Int? = nil) -> IMAPExtractor {
        let e = IMAPExtractor(mailbox: "work", endpoint: DovecotFixtures.endpoint(server, user: user, security: .tls),
                              folders: folders, runDirectory: runDirectory,
                              options: IMAPExtractOptions(batchSize: batchSize,
                                                          retry: IMAPRetryPolicy(maxRetries: 2, baseDelay: 0.01, maxDelay: 0.02)))
        return e
    }

    @Test func backfillKeepsExactlyTheWindowFromInboxAndSentWithBytesFlagsAndCoordinates() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let s = Self.start, e = Self.end
        // (internal date, folder, flags, in window?)
        let plan: [(Int64, String, String, Bool)] = [
            (s - 86400 * 5, "INBOX", "S", false), (s - 1, "INBOX", "", false), (s, "INBOX", "S", true),
            (s + 3600, "INBOX", "RS", true), (e - 1, "INBOX", "F", true), (e, "INBOX", "", false),
            (s + 7200, "Sent Items", "S", true), (s + 100, "Archive", "", false),
        ]
        var expected: [String: [UInt8]] = [:]
        for (i, p) in plan.enumerated() {
            // The last in-window message has no Date header: its date is INTERNALDATE.
            let body = p.0 == e - 1 ? DovecotFixtures.message(100 + i, extra: "Ends {7}\r\n", date: nil)
                : DovecotFixtures.message(100 + i, date: "Tue, 06 Jan 2026 0\(i):00:00 -0100")
            try server.addMessage(user: user.name, folder: p.1, bytes: body, internalDate: p.0, flags: p.2)
            if p.3 { expected["<msg-\(100 + i)@example.com>"] = body }
        }
        let before = try server.flagsListing(user: user.name) + server.flagsListing(user: user.name, folder: "Sent Items")
        let run = try Self.runDirectory()
        let extractor = Self.extractor(server, user: user, runDirectory: run)
        let window = DateWindow(start: s, end: e)

        let listing = try extractor.list(window: window)
        #expect(listing.map(\.folder) == ["INBOX", "Sent Items"])
        #expect(listing.map(\.messages) == [3, 1])
        let inboxBytes = plan.enumerated().filter { $0.element.3 && $0.element.1 == "INBOX" }
            .map { expected["<msg-\(100 + $0.offset)@example.com>"]!.count }.reduce(0, +)
        #expect(listing[0].bytes == inboxBytes)

        let result = try extractor.backfill(window: window)
        #expect(result.copies.count == 4)
        #expect(result.folders.map(\.fetched) == [3, 1])
        for c in result.copies {
            let bytes = try extractor.bytes(of: c)
            let id = try #require(IMAPReidentification.messageId(inHeader: bytes))
            #expect(bytes == expected["<\(id)>"])
            #expect(c.source == .imap && c.mailbox == "work")
            let imap = try #require(c.imap)
            #expect(c.copyId == "work/\(c.folder)/\(imap.uidValidity)-\(imap.uid)")
        }
        let inbox = result.copies.filter { $0.folder == "INBOX" }
        #expect(inbox.map(\.date) == ["2026-01-06T03:00:00Z", "2026-01-06T04:00:00Z", IMAPDate.iso8601(epoch: e - 1)])
        #expect(inbox.map(\.flags) == [["seen"], ["replied", "seen"], ["flagged"]])
        #expect(result.cursors.map(\.folder) == ["INBOX", "Sent Items"])
        // UID 6 is dated at the window's end (left out): the cursor stops below it, so a sync will fetch it.
        #expect(result.cursors[0].highestUID == 5)
        // Nothing changed on the server.
        #expect(try server.flagsListing(user: user.name) + server.flagsListing(user: user.name, folder: "Sent Items") == before)

        // A rerun of the same window reads the checkpoint and fetches nothing.
        let again = try Self.extractor(server, user: user, runDirectory: run).backfill(window: window)
        #expect(again.copies == result.copies)
        #expect(again.folders.map(\.fetched) == [0, 0])
        #expect(again.cursors == result.cursors)
    }

    @Test func aNamedFolderTheServerLacksStopsWithAFolderError() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let extractor = Self.extractor(server, user: user, runDirectory: try Self.runDirectory(), folders: ["INBOX", "Projekte/2026"])
        let e = try #require(throws: MailroomError.self) { _ = try extractor.backfill(window: DateWindow(start: 0, end: 1)) }
        #expect(e.status == .folder)
        #expect(e.message.contains("\"Projekte/2026\""))
    }

    @Test func syncFetchesOnlyNewMailThenSurvivesAUIDValidityChange() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let s = Self.start
        for i in 0..<3 { try server.addMessage(user: user.name, bytes: DovecotFixtures.message(200 + i), internalDate: s + Int64(i)) }
        let store = try IMAPFileCursorStore(path: try Self.runDirectory() + "/cursors.json")
        let window = DateWindow(start: s - 86400, end: s + 86400)

        func sync() throws -> IMAPExtractResult {
            let ex = Self.extractor(server, user: user, runDirectory: try Self.runDirectory(), folders: ["INBOX"])
            let r = try ex.sync(store: store, firstWindow: window)
            try store.save(r.cursors, known: try ex.knownMessages(r.copies))
            return r
        }
        let first = try sync()
        #expect(first.copies.count == 3)
        #expect(try sync().copies.isEmpty)

        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(203), internalDate: s + 10)
        let second = try sync()
        #expect(second.copies.count == 1)
        #expect(second.copies.first?.imap?.uid == 4)

        // Renumber the folder under the tool, add one more message: only that one is new.
        let oldValidity = try #require(try store.imapCursor(mailbox: "work", folder: "INBOX")).uidValidity
        try server.doveadm(["mailbox", "update", "-u", user.name, "--uid-validity", "\(oldValidity + 1000)", "INBOX"])
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(204), internalDate: s + 20)
        let third = try sync()
        #expect(third.copies.count == 1)
        let copy = try #require(third.copies.first)
        #expect(copy.imap?.uidValidity == Int(oldValidity + 1000))
        #expect(try store.imapCursor(mailbox: "work", folder: "INBOX")?.uidValidity == oldValidity + 1000)
        #expect(try sync().copies.isEmpty)
    }

    @Test func aUIDValidityChangeThatCannotBeConfirmedStopsTheFolder() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(300), internalDate: Self.start)
        let store = try IMAPFileCursorStore(path: try Self.runDirectory() + "/cursors.json")
        // The store remembers msg-300 with other content, under another UIDVALIDITY.
        try store.save([FolderUIDCursor(mailbox: "work", folder: "INBOX", uidValidity: 1, highestUID: 1)],
                       known: ["INBOX": [IMAPKnownMessage(messageId: "msg-300@example.com", contentHash: "00")]])
        let ex = Self.extractor(server, user: user, runDirectory: try Self.runDirectory(), folders: ["INBOX"])
        let e = try #require(throws: MailroomError.self) {
            _ = try ex.sync(store: store, firstWindow: DateWindow(start: 0, end: 1))
        }
        #expect(e.status == .sourceChanged)
        #expect(e.location == "INBOX")
    }

    @Test func aPipelineMailboxIsReadWithItsSecretFileAndCAFile() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(500), internalDate: Self.start + 5)
        try server.addMessage(user: user.name, folder: "Sent Items", bytes: DovecotFixtures.message(501), internalDate: Self.start + 6)
        let dir = try Self.runDirectory()
        try FileManager.default.copyItem(atPath: server.caFile, toPath: dir + "/test-ca.pem")
        try "\(user.password)\n".write(toFile: dir + "/imap.secret", atomically: false, encoding: .utf8)
        chmod(dir + "/imap.secret", 0o600)
        let yaml = """
            name: imap-test
            ownDomains: [example.com]
            mailbox:
              name: work
              source: imap
              host: localhost
              port: \(server.plainPort)
              security: starttls
              username: \(user.name)
              secret: file:imap.secret
              caFile: test-ca.pem
            """
        let config = try PipelineConfig.parse(yaml: yaml, file: "p.yml")
        let mailbox = try #require(config.mailboxes.first)
        let window = DateWindow(start: Self.start, end: Self.end)
        let counts = try IMAPMailboxSource.list(mailbox, pipelineDirectory: dir, window: window)
        #expect(counts.map(\.messages) == [1, 1])
        var emitted: [MessageCopy] = []
        let (summary, result) = try IMAPMailboxSource.backfill(mailbox, pipelineDirectory: dir, runDirectory: dir + "/run",
                                                               window: window) { emitted.append($0) }
        #expect(summary.inWindow == 2)
        #expect(emitted == result.copies)
        #expect(emitted.map(\.folder) == ["INBOX", "Sent Items"])
        #expect(FileManager.default.fileExists(atPath: dir + "/run/extract/raw/work/" + emitted[0].locator.file))
        #expect(try IMAPExtractor.bytes(of: emitted[1].locator, rawDirectory: dir + "/run/extract/raw/work") == DovecotFixtures.message(501))
    }

    @Test func theRunnersExtractStageWritesIMAPCopiesAndResumesOnRerun() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(600), internalDate: Self.start + 5)
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(601), internalDate: Self.start - 5)
        let dir = try Self.runDirectory()
        try IMAPTestPipeline.write(in: dir, name: "imap-run", port: server.plainPort, username: user.name,
                                   secretVariable: "MAILROOM_TEST_IMAP_SECRET")
        setenv("MAILROOM_TEST_IMAP_SECRET", user.password, 1)
        let runner = try PipelineRunner.start(pipeline: try LoadedPipeline.load(path: dir + "/p.yml"),
                                              runDirectory: URL(fileURLWithPath: dir + "/run"),
                                              options: RunOptions(asOf: "2026-01-12", days: 3))
        #expect(try runner.imapListing().first?.folders.map(\.messages) == [1, 0])
        let config = try #require(runner.pipeline.config.mailbox(named: "work"))
        for _ in 0..<2 {
            let writer = try runner.runDir.writer("extract/messages.ndjson", schema: MessageCopy.schema)
            let summary = try runner.extractIMAPMailbox(config, writer: writer)
            #expect(summary.inWindow == 1)
            _ = try writer.finish()
        }
        let root = try #require(runner.manifest.mailboxes.first?.root)
        #expect(root == dir + "/run/extract/raw/work")
        #expect(FileManager.default.fileExists(atPath: root + "/checkpoint.json"))
    }
}
