import Foundation
import GRDB
import Logging
import Testing
@testable import MailroomIO

/// mbox copy ids follow the message, not its offset: a mail client that compacts the file (drops deleted
/// messages, rewrites the rest) or rewrites its status headers in place leaves every surviving copy its id.
@Suite struct MboxCopyIdentityTests {
    /// A message as Thunderbird stores it in an mbox file.
    static func thunderbird(_ tag: String, status: String = "0001", extra: [String] = [], body: String? = nil) -> String {
        ([
            "From - Mon Nov 16 10:00:00 2026",
            "X-Mozilla-Status: \(status)",
            "X-Mozilla-Status2: 00000000",
            "X-Mozilla-Keys: " + String(repeating: " ", count: 80),
            "Message-ID: <\(tag)@customer.example>",
            "Date: Mon, 16 Nov 2026 10:00:00 +0000",
            "From: Ann Lee <ann@customer.example>",
            "To: me@example.com",
            "Subject: Order \(tag)",
        ] + extra + ["", body ?? "Hello, about order \(tag).", "", ""]).joined(separator: "\n")
    }

    static func ids(_ url: URL) throws -> [String: String] {
        let (copies, _) = try ExtractFixtures.scan(.mbox, url)
        var out: [String: String] = [:]
        for c in copies {
            let bytes = String(decoding: try ExtractFixtures.bytes(url, c.locator), as: UTF8.self)
            let subject = bytes.split(separator: "\n").first { $0.hasPrefix("Subject: ") }.map(String.init) ?? "?"
            out[subject] = c.copyId
        }
        return out
    }

    @Test func compactingTheFileKeepsEverySurvivingCopysId() throws {
        let d = try TempDir()
        let before = Self.thunderbird("a") + Self.thunderbird("b") + Self.thunderbird("c") + Self.thunderbird("d")
        let url = try d.write("Inbox", before)
        let first = try Self.ids(url)
        #expect(first.count == 4)
        #expect(Set(first.values).count == 4)
        // Thunderbird compacts after "b" is deleted; "c" was read and replied to meanwhile (its X-Mozilla-Status
        // rewritten in place), and mutt added Status/X-Status to "d".
        let after = Self.thunderbird("a") + Self.thunderbird("c", status: "0003")
            + Self.thunderbird("d", extra: ["Status: RO", "X-Status: A"])
        try d.write("Inbox", after)
        let second = try Self.ids(url)
        #expect(second.count == 3)
        for subject in ["Subject: Order a", "Subject: Order c", "Subject: Order d"] {
            #expect(second[subject] == first[subject], "\(subject)")
        }
        #expect(!second.values.contains(first["Subject: Order b"]!))
    }

    @Test func exactRepeatsInOneFileAreNumberedInFileOrder() throws {
        let d = try TempDir()
        let one = Self.thunderbird("x")
        let url = try d.write("Inbox.mbox", one + Self.thunderbird("y") + one + one)
        let (copies, _) = try ExtractFixtures.scan(.mbox, url)
        let ids = copies.map(\.copyId)
        #expect(Set(ids).count == 4)
        #expect(ids[2] == ids[0] + ".2")
        #expect(ids[3] == ids[0] + ".3")
        #expect(ids.allSatisfy { $0.hasPrefix("box/Inbox/") })
        // The id part is 16 hex digits, and the offset is in the locator.
        let key = String(ids[0].dropFirst("box/Inbox/".count))
        #expect(key.count == 16 && key.allSatisfy(\.isHexDigit))
        #expect(copies[2].locator.offset > copies[1].locator.offset)
    }

    @Test func aBodyOfAnotherLengthUnderTheSameHeadersIsAnotherMessage() throws {
        let d = try TempDir()
        let url = try d.write("Inbox", Self.thunderbird("z", body: "short") + Self.thunderbird("z", body: "longer body"))
        let (copies, _) = try ExtractFixtures.scan(.mbox, url)
        #expect(copies.count == 2)
        #expect(!copies[1].copyId.hasSuffix(".2"))
        #expect(copies[0].copyId != copies[1].copyId)
    }

    // MARK: reload into the store

    static func pipeline(_ dir: StoreTempDir) throws -> LoadedPipeline {
        try """
        name: compaction
        mailbox:
          source: mbox
          path: Inbox
          owner: me@example.com
        ownDomains: [example.com]
        store: sqlite:crm.sqlite

        """.write(toFile: dir.file("p.yml"), atomically: false, encoding: .utf8)
        return try LoadedPipeline.load(path: dir.file("p.yml"))
    }

    static func load(_ dir: StoreTempDir, run: String) throws {
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let runner = try PipelineRunner.start(pipeline: try pipeline(dir), runDirectory: URL(fileURLWithPath: dir.file(run)),
                                              options: RunOptions(asOf: "2026-11-20", days: 30), logger: quiet)
        try runner.run(through: .load)
    }

    /// copy_id → Message-ID of the message its row points at.
    static func copyRows(_ dir: StoreTempDir) throws -> [String: String] {
        let store = try CRMStore.open(path: dir.file("crm.sqlite"), readOnly: true)
        return try store.read("t") { db in
            var out: [String: String] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT c.copy_id, m.message_id FROM message_copies c JOIN messages m ON m.key = c.message_key
                """) {
                out[r["copy_id"]] = r["message_id"]
            }
            return out
        }
    }

    @Test func aReloadAfterCompactionLeavesEverySurvivingCopyOnItsOwnMessage() throws {
        let dir = StoreTempDir()
        try (Self.thunderbird("a") + Self.thunderbird("b") + Self.thunderbird("c") + Self.thunderbird("d"))
            .write(toFile: dir.file("Inbox"), atomically: false, encoding: .utf8)
        try Self.load(dir, run: "run1")
        let first = try Self.copyRows(dir)
        #expect(first.count == 4)
        try (Self.thunderbird("a") + Self.thunderbird("c", status: "0003") + Self.thunderbird("d"))
            .write(toFile: dir.file("Inbox"), atomically: false, encoding: .utf8)
        try Self.load(dir, run: "run2")
        let second = try Self.copyRows(dir)
        // No row was pointed at another message; the rows of a, c and d are the same rows; b's row stays (the
        // store keeps what was loaded).
        #expect(second == first)
        #expect(Set(second.values) == ["a@customer.example", "b@customer.example", "c@customer.example",
                                       "d@customer.example"])
    }

    /// JSON objects of an NDJSON file of a run directory.
    static func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func aFileCompactedBetweenExtractAndNormalizeGivesNoCopyAnotherMessagesContent() throws {
        let dir = StoreTempDir()
        try (Self.thunderbird("a") + Self.thunderbird("b") + Self.thunderbird("c") + Self.thunderbird("d"))
            .write(toFile: dir.file("Inbox"), atomically: false, encoding: .utf8)
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let runner = try PipelineRunner.start(pipeline: try Self.pipeline(dir), runDirectory: URL(fileURLWithPath: dir.file("run")),
                                              options: RunOptions(asOf: "2026-11-20", days: 30), logger: quiet)
        _ = try runner.run(.extract)
        // Thunderbird compacts the file while the run goes on: b was deleted, every later message moves up (c to
        // where b was, d to where c was); the messages are the same length, so b's and c's places hold whole
        // messages again, of other copies.
        try (Self.thunderbird("a") + Self.thunderbird("c") + Self.thunderbird("d"))
            .write(toFile: dir.file("Inbox"), atomically: false, encoding: .utf8)
        // Its modification time set back to long before extract (as `cp -p` or a restored backup leave it):
        // normalize must still see that the file changed.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_577_836_800)],
                                              ofItemAtPath: dir.file("Inbox"))
        _ = try runner.run(.normalize)

        var extracted: [String: String] = [:]  // copy id → the subject it was extracted for
        for c in try Self.lines(dir.file("run/extract/messages.ndjson")) {
            let locator = try #require(c["locator"] as? [String: Any])
            let offset = try #require(locator["offset"] as? Int)
            let before = Self.thunderbird("a") + Self.thunderbird("b") + Self.thunderbird("c") + Self.thunderbird("d")
            let at = String(decoding: Array(before.utf8)[offset...], as: UTF8.self)
            extracted[try #require(c["copyId"] as? String)] = String(at.split(separator: "\n").first { $0.hasPrefix("Message-ID:") } ?? "")
        }
        #expect(extracted.count == 4)
        let normalized = try Self.lines(dir.file("run/normalize/messages.ndjson"))
        // a did not move; nothing else is normalized under an id that names another message.
        #expect(normalized.map { $0["messageId"] as? String } == ["a@customer.example"])
        for m in normalized {
            let id = try #require(m["copyId"] as? String)
            #expect(extracted[id] == "Message-ID: <\(m["messageId"] as? String ?? "?")>", "\(id)")
        }
        // b's and c's places hold other messages now, d's is past the end of the file: quarantined, rerun extract.
        let quarantined = try Self.lines(dir.file("run/normalize/quarantine.ndjson"))
        #expect(quarantined.count == 3)
        #expect(quarantined.allSatisfy { ($0["reason"] as? String) == "unreadable" && (($0["detail"] as? String) ?? "").contains("rerun extract") })
        #expect(quarantined.filter { (($0["detail"] as? String) ?? "").contains("another message is at this place") }.count == 2)
    }

    @Test func offsetNamedRowsOfAnEarlierVersionGiveWayToTheNewIdsOnTheNextLoad() throws {
        let dir = StoreTempDir()
        let a = Self.thunderbird("a"), b = Self.thunderbird("b")
        try (a + b).write(toFile: dir.file("Inbox"), atomically: false, encoding: .utf8)
        try Self.load(dir, run: "run1")
        // As an earlier version stored them: copy ids by the From_ line's byte offset.
        let store = try CRMStore.open(path: dir.file("crm.sqlite"))
        try store.write("t") { db in
            try db.execute(sql: "UPDATE message_copies SET copy_id = 'default/Inbox/0' WHERE message_key = 'mid:a@customer.example'")
            try db.execute(sql: "UPDATE message_copies SET copy_id = 'default/Inbox/\(a.utf8.count)' WHERE message_key = 'mid:b@customer.example'")
        }
        // The file was compacted since: b moved to offset 0, where a was.
        try b.write(toFile: dir.file("Inbox"), atomically: false, encoding: .utf8)
        try Self.load(dir, run: "run2")
        let rows = try Self.copyRows(dir)
        // b's old row is superseded by its new one; a's stays on a (a is gone from the file, its row is kept).
        #expect(rows["default/Inbox/0"] == "a@customer.example")
        #expect(rows["default/Inbox/\(a.utf8.count)"] == nil)
        #expect(rows.filter { $0.value == "b@customer.example" }.count == 1)
        #expect(rows.count == 2)
    }
}
