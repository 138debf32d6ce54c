import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// `allMail: true` through the built `mailroom` binary against a server acting like Gmail (`FakeGmail`):
/// `mailbox test` says it reads All Mail (`\All`) with labels, or names what is missing; a pipeline that misuses
/// the key stops with one line naming it (exit 2); a backfill loaded into SQLite and into PostgreSQL dumps the
/// same bytes, labels included.
struct IMAPGmailCLITests {
    typealias CLI = MailboxDovecotCLITests.CLI
    static let env = ["MAILROOM_TEST_GMAIL_CLI": "app-password"]

    /// `<dir>/p.yml`: one Gmail mailbox `work` on the fake server, plus `mailbox` lines and a `store` line.
    static func pipeline(_ dir: String, port: Int, mailbox: [String] = ["provider: gmail", "allMail: true"],
                         store: String? = nil) throws -> String {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let lines = ["name: gmail", "ownDomains: [example.com]"] + (store.map { ["store: \($0)"] } ?? []) + [
            "mailbox:", "  name: work", "  source: imap", "  host: 127.0.0.1", "  port: \(port)", "  security: none",
            "  username: \(FakeGmail.owner)", "  secret: env:MAILROOM_TEST_GMAIL_CLI"] + mailbox.map { "  " + $0 }
        let path = dir + "/p.yml"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static func tempDir() -> String { NSTemporaryDirectory() + "mailroom-gmail-cli-\(UUID().uuidString)" }

    @Test func mailboxTestSaysItReadsAllMailWithLabelsOrNamesWhatIsMissing() throws {
        let s = try FakeGmail.server()
        defer { s.close() }
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ok = try CLI.run(["mailbox", "test", try Self.pipeline(dir, port: s.port), "work"], env: Self.env)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("reading [Google Mail]/All Mail (\\All) once, with each message's labels (X-GM-LABELS)"), "\(ok.stdout)")

        let noAll = try FakeGmail.server(allMailAttributes: "\\HasNoChildren")
        defer { noAll.close() }
        let missing = try CLI.run(["mailbox", "test", try Self.pipeline(dir, port: noAll.port), "work"], env: Self.env)
        #expect(missing.status == ExitStatus.folder.rawValue)
        #expect((missing.stdout + missing.stderr).contains("lists no All Mail folder (no folder with the special-use attribute \\All)"))

        let notGmail = try FakeGmail.server(gmail: false)
        defer { notGmail.close() }
        let noExt = try CLI.run(["mailbox", "test", try Self.pipeline(dir, port: notGmail.port), "work"], env: Self.env)
        #expect(noExt.status == ExitStatus.folder.rawValue)
        #expect((noExt.stdout + noExt.stderr).contains("does not offer X-GM-EXT-1"))
    }

    @Test func aPipelineMisusingAllMailStopsWithOneLineNamingTheKey() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try Self.pipeline(dir, port: 1, mailbox: ["allMail: true"])
        let r = try CLI.run(["mailbox", "test", p, "work"], env: Self.env)
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n").filter { $0.contains("allMail") }
        #expect(lines.count == 1 && lines[0].contains("p.yml:11: 'allMail' in mailbox 'work' needs 'provider: gmail'"), "\(r.stderr)")
    }
}

/// The same Gmail backfill loaded into SQLite and PostgreSQL: `mailroom store dump` is byte-identical, labels
/// included.
@Suite("Gmail labels in both stores", .serialized, .enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresGmailLabelsTests {
    @Test func aGmailBackfillDumpsTheSameLabelsFromSQLiteAndPostgreSQL() throws {
        let s = try FakeGmail.server()
        defer { s.close() }
        let lite = IMAPGmailCLITests.tempDir(), pg = IMAPGmailCLITests.tempDir()
        defer { for d in [lite, pg] { try? FileManager.default.removeItem(atPath: d) } }
        var dumps: [String] = []
        for (dir, store) in [(lite, "sqlite:crm.sqlite"), (pg, try PostgresPipelineTests.postgresStore())] {
            let p = try IMAPGmailCLITests.pipeline(dir, port: s.port, store: store)
            let r = try MailboxDovecotCLITests.CLI.run(["run", p, "--as-of", "2026-01-12", "--days", "3", "--run-dir", dir + "/run1", "--quiet"],
                                                       env: IMAPGmailCLITests.env)
            #expect(r.status == 0, "\(r.stderr)")
            let d = try MailboxDovecotCLITests.CLI.run(["store", "dump", p, "--data"], env: [:])
            #expect(d.status == 0, "\(d.stderr)")
            dumps.append(d.stdout)
        }
        #expect(dumps[0] == dumps[1])
        #expect(dumps[1].contains(#"|folder='[Google Mail]/All Mail'|flags='["seen"]'|labels='["Customers","Project été","\\\\Inbox"]'"#), "\(dumps[1])")
        #expect(dumps[1].contains(#"|labels='[]'"#))
        #expect(dumps[1].components(separatedBy: "\nmessage_copies|").count - 1 == 4, "one copy per message, the draft left out")
        // Each message's body was sent once per store's run: twice in all.
        #expect(s.fetchCounts.bodies.count == 4 && s.fetchCounts.bodies.values.allSatisfy { $0 == 2 })
    }
}
