import Foundation
import GRDB
import Testing
@testable import MailroomIO

@Suite struct StoreReviewTests {
    typealias F = StoreFixture

    static func loaded(_ dir: StoreTempDir) throws -> CRMStore {
        let store = try F.open(dir)
        _ = try F.load(store, F.input(F.messages, threads: F.threads, contacts: F.contacts),
                       options: LoadOptions(createContacts: .sent))
        return store
    }

    @Test func aCleanLoadPassesEveryCheckWithASpotCheckSample() throws {
        let dir = StoreTempDir()
        let r = try ReviewChecks.run(try Self.loaded(dir))
        #expect(r.findings == [])
        #expect(r.passed)
        #expect(r.sample == [
            SpotCheck(threadId: "t1", sender: "alice@customer.com", recipient: "me@example.com", subject: "Order",
                      date: "2024-05-01T09:00:00Z"),
            SpotCheck(threadId: "t4", sender: "me@example.com", recipient: "new.person@prospect.io",
                      subject: "Intro", date: "2024-05-04T10:00:00Z"),
        ])
        #expect(r.text().hasSuffix("review passed (0 warnings)"))
    }

    @Test func aMessageLinkedToTheWrongContactIsNamed() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        try store.write("plant") { db in
            try db.execute(sql: """
                UPDATE participants SET contact_id = 'c2' WHERE message_key = 'mid:m1' AND role = 'from'
                """)
        }
        let r = try ReviewChecks.run(store)
        #expect(!r.passed)
        let f = r.findings.filter { $0.check == "linked-address" }
        // Not one of c2's addresses, and thread t1 has no link to c2 (thread_contacts disagrees).
        #expect(f.count == 2)
        #expect(f.contains { $0.detail.contains("thread_contacts disagrees with participants") })
        #expect(f.first?.messageKey == "mid:m1")
        #expect(f.first?.contactId == "c2")
        #expect(f.first?.severity == .failure)
    }

    @Test func aThreadLinkedToAContactThroughAnAddressNoMessageHasIsNamed() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        try store.write("plant") { db in
            try db.execute(sql: """
                INSERT INTO thread_contacts(thread_id, contact_id, address, rule)
                VALUES ('t3', 'c2', 'bob@client.org', 'primary-email')
                """)
        }
        let r = try ReviewChecks.run(store)
        let f = r.findings.filter { $0.check == "linked-address" }
        #expect(f.map(\.threadId) == ["t3"])
        #expect(f.first?.detail.contains("no message of the thread has that participant") == true)
        #expect(!r.passed)
    }

    @Test func twoContactsSharingANormalizedAddressAreNamed() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        try store.write("plant") { db in
            // Stored with an un-normalized key, so the unique index does not stop it: the review re-normalizes.
            try db.execute(sql: "INSERT INTO contacts(id, name, origin) VALUES ('c7', 'Alice again', 'import')")
            try db.execute(sql: """
                INSERT INTO contact_emails(contact_id, position, raw, address, key, folded_key)
                VALUES ('c7', 0, 'ALICE@Customer.COM', 'ALICE@customer.com', 'ALICE@customer.com', NULL)
                """)
        }
        let r = try ReviewChecks.run(store)
        #expect(!r.passed)
        let f = r.findings.filter { $0.check == "duplicate-address" && $0.severity == .failure }
        #expect(f.map(\.detail) == ["contacts c1, c7 share the address alice@customer.com"])
    }

    @Test func anInternalThreadLinkedToAContactIsNamed() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        try store.write("plant") { db in
            try db.execute(sql: """
                INSERT INTO thread_contacts(thread_id, contact_id, address, rule)
                VALUES ('t2', 'c1', 'alice@customer.com', 'primary-email')
                """)
        }
        let r = try ReviewChecks.run(store)
        #expect(!r.passed)
        let f = r.findings.filter { $0.check == "internal-linked" }
        #expect(f.map(\.threadId) == ["t2"])
        #expect(f.map(\.contactId) == ["c1"])
        #expect(r.status(of: "internal-linked") == "failed")
    }

    @Test func aThreadOfOnlyInternalParticipantsMarkedCustomerAndLinkedIsNamed() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        try store.write("plant") { db in
            try db.execute(sql: "UPDATE threads SET visibility = 'customer', class = 'matched' WHERE id = 't2'")
            try db.execute(sql: """
                UPDATE participants SET contact_id = 'c2' WHERE message_key = 'mid:m3' AND role = 'to'
                """)
        }
        let r = try ReviewChecks.run(store)
        #expect(r.findings.filter { $0.check == "internal-linked" }.map(\.threadId) == ["t2"])
        #expect(r.findings.filter { $0.check == "linked-address" }.map(\.messageKey) == ["mid:m3", "mid:m3"])
        #expect(!r.passed)
    }

    @Test func aMailboxWithNoRecentSentMailIsAWarningNotAFailure() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let received = F.messages.filter { $0.message.direction == .received }
        _ = try F.load(store, F.input(received, threads: F.threads, contacts: F.contacts))
        let r = try ReviewChecks.run(store)
        #expect(r.passed)
        #expect(r.findings.map(\.check) == ["recent-sent"])
        #expect(r.findings.first?.mailbox == "main")
        #expect(r.findings.first?.detail.contains("2024-04-28T00:00:00Z and 2024-05-05T00:00:00Z") == true)
    }

    @Test func everyPlantedMistakeIsNamedInTheJSONReport() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        try store.write("plant") { db in
            try db.execute(sql: "UPDATE participants SET contact_id = 'c1' WHERE message_key = 'mid:m4' AND role = 'from'")
            try db.execute(sql: "INSERT INTO contacts(id, name, origin) VALUES ('c8', 'Bob twin', 'import')")
            try db.execute(sql: """
                INSERT INTO contact_emails(contact_id, position, raw, address, key) VALUES
                ('c8', 0, 'bob@client.org', 'bob@client.org', 'BOB@client.org')
                """)
            try db.execute(sql: "UPDATE participants SET contact_id = 'c1' WHERE message_key = 'mid:m3' AND role = 'from'")
            // A list's copy of m1 stored as a message of its own, in another thread.
            try db.execute(sql: """
                INSERT INTO messages(key, message_id, content_hash, thread_id, mailbox, direction, date, subject, snippet, bulk)
                SELECT 'mid:m1#0123456789ab', message_id, 'list-copy', 't3', mailbox, direction, date,
                       '[list] ' || subject, snippet, 1 FROM messages WHERE key = 'mid:m1'
                """)
            try db.execute(sql: """
                INSERT INTO participants(message_key, role, address, is_internal)
                VALUES ('mid:m1#0123456789ab', 'from', 'alice@customer.com', 0)
                """)
        }
        let r = try ReviewChecks.run(store)
        let json = try JSONParser.parse(Array(r.json().utf8))
        let o = try JSONObject(json)
        #expect(try o.int("schemaVersion") == 1)
        #expect(try o.bool("passed") == false)
        var statuses: [String: String] = [:]
        for c in try o.array("checks", { try JSONObject($0) }) { statuses[try c.string("check")] = try c.string("status") }
        #expect(statuses == ["linked-address": "failed", "duplicate-address": "failed", "internal-linked": "failed",
                             "recent-sent": "ok", "duplicate-message": "failed",
                             "subject-join-stranger": "ok"])
    }
}
