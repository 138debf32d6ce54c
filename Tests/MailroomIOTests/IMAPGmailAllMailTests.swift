import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// `allMail: true` against a server acting like Gmail (`FakeGmail`): All Mail is found by `\All` under its
/// localized name, read once with each message's X-GM-LABELS, drafts left out and counted; a rerun or a sync
/// fetches nothing twice.
struct IMAPGmailAllMailTests {
    static let window = DateWindow(start: IMAPDate.days(year: 2026, month: 1, day: 11) * 86400,
                                   end: IMAPDate.days(year: 2026, month: 1, day: 12) * 86400)

    static func extractor(_ s: FakeIMAPServer, run: String) -> IMAPExtractor {
        let e = IMAPExtractor(mailbox: "m", endpoint: IMAPEndpoint(host: "127.0.0.1", port: s.port, security: .none, username: "u",
                                                                  secret: "p", connectTimeoutMs: 5000, ioTimeoutMs: 5000),
                              folders: [], runDirectory: run, options: IMAPExtractOptions(batchSize: 2))
        e.allMail = true
        e.sleep = { _ in }
        return e
    }

    static func tempRun() -> String { NSTemporaryDirectory() + "mailroom-gmail-\(UUID().uuidString)/run" }

    static func remove(_ run: String) { try? FileManager.default.removeItem(atPath: (run as NSString).deletingLastPathComponent) }

    @Test func allMailIsReadOnceWithEachMessagesLabelsAndDraftsAreLeftOutAndCounted() throws {
        let s = try FakeGmail.server()
        defer { s.close() }
        let run = Self.tempRun()
        defer { Self.remove(run) }
        let r = try Self.extractor(s, run: run).backfill(window: Self.window)

        #expect(r.folders.map(\.folder) == [FakeGmail.allMail])
        #expect(r.copies.map { $0.imap?.uid } == [101, 102, 104, 105])
        #expect(r.copies.map(\.folder) == Array(repeating: FakeGmail.allMail, count: 4))
        #expect(r.copies.map(\.labels) == [["\\Inbox", "Customers", "Project été"], ["\\Sent", "Customers"],
                                           ["\\Inbox", "\\Important"], []])
        #expect(r.copies.map { $0.imap?.gmMsgId } == ["901", "902", "904", "905"])
        #expect(r.folders[0].drafts == 1 && r.folders[0].fetched == 4)
        #expect(r.summary.leftOut == [.drafts: 1] && r.summary.found == 5 && r.summary.inWindow == 4)
        #expect(r.cursors.map(\.highestUID) == [105], "the cursor passes the draft")

        // Each message's body once, from All Mail only: no label folder opened, the draft's body never asked for.
        let counts = s.fetchCounts
        let prefix = FakeGmail.allMail + "/"
        #expect(counts.bodies == [prefix + "101": 1, prefix + "102": 1, prefix + "104": 1, prefix + "105": 1])
        #expect(counts.answers.keys.allSatisfy { $0.hasPrefix(prefix) })
        #expect(s.log.filter { $0 == "EXAMINE" }.count == 1)
        #expect(counts.commands.allSatisfy { $0.contains("X-GM-LABELS") && $0.contains("X-GM-MSGID") })

        // The copy journal (what extract's NDJSON is written from) holds the labels.
        let journal = try FileManager.default.contentsOfDirectory(atPath: run + "/extract/raw/m").filter { $0.hasSuffix(".copies.ndjson") }
        #expect(journal.count == 1)
        let text = try String(contentsOfFile: run + "/extract/raw/m/" + journal[0], encoding: .utf8)
        #expect(text.contains(#""labels":["\\Inbox","Customers","Project été"]"#))

        // Rerun in the same run directory: everything resumed from the checkpoint, nothing fetched again.
        let again = try Self.extractor(s, run: run).backfill(window: Self.window)
        #expect(again.copies == r.copies)
        #expect(again.folders[0].resumed == 4 && again.folders[0].fetched == 0 && again.folders[0].drafts == 1)
        #expect(s.fetchCounts.bodies == counts.bodies)
    }

    struct Stop: Error {}

    @Test func aReadStoppedAfterItsFirstBatchResumesWithoutFetchingAnythingTwice() throws {
        let s = try FakeGmail.server()
        defer { s.close() }
        let run = Self.tempRun()
        defer { Self.remove(run) }
        let stopped = Self.extractor(s, run: run)
        stopped.afterBatch = { _ in throw Stop() }
        #expect(throws: Stop.self) { _ = try stopped.backfill(window: Self.window) }
        stopped.close()  // as a process that stops does: the server serves one connection at a time
        let prefix = FakeGmail.allMail + "/"
        #expect(s.fetchCounts.bodies == [prefix + "101": 1, prefix + "102": 1])

        let r = try Self.extractor(s, run: run).backfill(window: Self.window)
        #expect(r.copies.map { $0.imap?.uid } == [101, 102, 104, 105])
        #expect(r.copies.map { $0.labels?.first } == ["\\Inbox", "\\Sent", "\\Inbox", nil])
        #expect(r.folders[0].resumed == 2 && r.folders[0].fetched == 2 && r.folders[0].drafts == 1)
        #expect(s.fetchCounts.bodies == [prefix + "101": 1, prefix + "102": 1, prefix + "104": 1, prefix + "105": 1])
    }

    @Test func aMissingAllFolderOrMissingLabelsExtensionIsAOneLineFolderError() throws {
        let plain = try FakeGmail.server(allMailAttributes: "\\HasNoChildren")
        defer { plain.close() }
        let run = Self.tempRun()
        defer { Self.remove(run) }
        let e = try #require(throws: MailroomError.self) { _ = try Self.extractor(plain, run: run).backfill(window: Self.window) }
        #expect(e.status == .folder)
        #expect(e.message.hasPrefix("mailbox m: the server at 127.0.0.1:\(plain.port) lists no All Mail folder (no folder with the special-use attribute \\All)"))
        #expect(!e.message.contains("\n"))
        #expect(plain.fetchCounts.commands.isEmpty)

        let notGmail = try FakeGmail.server(gmail: false)
        defer { notGmail.close() }
        let g = try #require(throws: MailroomError.self) { _ = try Self.extractor(notGmail, run: run).backfill(window: Self.window) }
        #expect(g.status == .folder)
        #expect(g.message.contains("mailbox m: 'allMail' needs Gmail's labels") && g.message.contains("X-GM-EXT-1"))
        #expect(notGmail.fetchCounts.commands.isEmpty)
    }

    @Test func draftsAreKeptWithIncludeFoldersDrafts() throws {
        let s = try FakeGmail.server()
        defer { s.close() }
        let run = Self.tempRun()
        defer { Self.remove(run) }
        let e = Self.extractor(s, run: run)
        e.includeFolders = [.drafts]
        let r = try e.backfill(window: Self.window)
        #expect(r.copies.map { $0.imap?.uid } == [101, 102, 103, 104, 105])
        #expect(r.copies[2].labels == ["\\Draft"])
        #expect(r.summary.leftOut.isEmpty)
    }

    @Test func theDryRunListingCountsAllMailWithoutDrafts() throws {
        let s = try FakeGmail.server()
        defer { s.close() }
        let run = Self.tempRun()
        defer { Self.remove(run) }
        let e = Self.extractor(s, run: run)
        defer { e.close() }
        let counts = try e.list(window: Self.window)
        #expect(counts.map(\.folder) == [FakeGmail.allMail])
        #expect(counts.map(\.messages) == [4])
        #expect(s.fetchCounts.bodies.isEmpty)
    }
}
