import Foundation
import GRDB
import Testing
import MailroomCore
@testable import MailroomIO

@Suite struct StoreContactsTests {
    typealias F = StoreFixture

    @Test func reimportingContactsUpdatesThemByIdWithoutDuplicates() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let first = try store.importContacts(F.contacts, runId: "import-1")
        #expect(first.created == 2)
        let renamed = [F.contact("c1", "Alice C. Customer", ["alice@customer.com"]), F.contacts[1],
                       F.contact("c3", "Dana", ["dana@d.example"])]
        let second = try store.importContacts(renamed, runId: "import-2")
        #expect(second.created == 1)
        #expect(second.updated == 1)
        #expect(second.unchanged == 1)
        try store.read("t") { (db: Database) throws in
            #expect(try String.fetchAll(db, sql: "SELECT id FROM contacts ORDER BY id") == ["c1", "c2", "c3"])
            #expect(try String.fetchOne(db, sql: "SELECT name FROM contacts WHERE id = 'c1'") == "Alice C. Customer")
            #expect(try String.fetchAll(db, sql: "SELECT key FROM contact_emails WHERE contact_id = 'c1'")
                    == ["alice@customer.com"])
            #expect(try String.fetchOne(db, sql: "SELECT kind FROM runs WHERE id = 'import-2'") == "contacts-import")
        }
        let third = try store.importContacts(renamed, runId: "import-3")
        #expect(third.unchanged == 3)
    }

    @Test func anAddressAlreadyOnAnotherContactIsNotSavedTwice() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let s = try store.importContacts([F.contacts[0], F.contact("c9", "Alias", ["ALICE@customer.com", "z@z.io"])],
                                         runId: "i")
        #expect(s.emailsSkipped == [.init(contactId: "c9", position: 0, heldBy: "c1")])
        #expect(try store.read("t") { db in
            try String.fetchAll(db, sql: "SELECT contact_id FROM contact_emails WHERE key = 'alice@customer.com'")
        } == ["c1"])
        let kept = try store.read("t") { db in
            try Row.fetchOne(db, sql: "SELECT key, issue FROM contact_emails WHERE contact_id = 'c9' AND position = 0")
        }
        #expect(kept?["key"] as String? == nil)
        #expect(kept?["issue"] == "held-by:c1")
        let review = try ReviewChecks.run(store)
        #expect(review.passed)
        #expect(review.findings.map(\.severity) == [.warning])
        #expect(review.findings.first?.contactId == "c9")
    }

    @Test func anImportedContactTakesOverAContactCreatedFromSentMail() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        _ = try F.load(store, F.input(F.messages, threads: F.threads, contacts: F.contacts),
                       options: LoadOptions(createContacts: .sent))
        let s = try store.importContacts([F.contact("c5", "New Person", ["new.person@prospect.io"])], runId: "i")
        #expect(s.replacedCreated == 1)
        try store.read("t") { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts WHERE id LIKE 'auto:%'") == 0)
            #expect(try String.fetchOne(db, sql: """
                SELECT contact_id FROM participants WHERE message_key = 'mid:m5' AND role = 'to'
                """) == "c5")
            #expect(try String.fetchAll(db, sql: "SELECT contact_id FROM thread_contacts WHERE thread_id = 't4'")
                    .contains("c5"))
        }
        #expect(try ReviewChecks.run(store).passed)
    }

    @Test func folderCursorsAreSavedAndReadInsideATransaction() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        #expect(try store.cursor(mailbox: "main", folder: "INBOX") == nil)
        try store.saveCursor(FolderUIDCursor(mailbox: "main", folder: "INBOX", uidValidity: 7, highestUID: 40))
        try store.write("t") { db in
            let c = try CRMStore.cursor(db, mailbox: "main", folder: "INBOX")
            try CRMStore.saveCursor(db, FolderUIDCursor(mailbox: "main", folder: "INBOX", uidValidity: 7,
                                                        highestUID: (c?.highestUID ?? 0) + 10))
        }
        #expect(try store.cursor(mailbox: "main", folder: "INBOX")?.highestUID == 50)
        var run = F.run
        run.cursors = [FolderUIDCursor(mailbox: "main", folder: "Sent", uidValidity: 3, highestUID: 9)]
        _ = try F.load(store, F.input(F.messages, threads: F.threads, contacts: F.contacts), run: run)
        #expect(try store.cursor(mailbox: "main", folder: "Sent")
                == FolderUIDCursor(mailbox: "main", folder: "Sent", uidValidity: 3, highestUID: 9))
    }

    /// The cursor rows hold what IMAP numbers are (unsigned); a row edited by hand to a negative number is a
    /// damaged store (exit 4), never a trap when a sync or a load reads it.
    @Test func aNegativeCursorRowIsRefusedAsADamagedStore() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        try store.saveCursor(FolderUIDCursor(mailbox: "main", folder: "INBOX", uidValidity: 7, highestUID: 40))
        try store.write("t") { db in try db.execute(sql: "UPDATE cursors SET highest_uid = -1") }
        let e = try #require(throws: MailroomError.self) { try store.cursor(mailbox: "main", folder: "INBOX") }
        #expect(e.status == .store)
        #expect(e.message.contains("folder \"INBOX\"") && e.message.contains("damaged"))
    }

    /// A NUL in a contacts file's id, name or email (the JSON escape \u0000) is stored as U+FFFD, as the PostgreSQL
    /// loader stores it, not cut short at the NUL; importing the same file again changes nothing.
    @Test func aNULInAContactIsStoredAsReplacementAndReimportIsUnchanged() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let c = Contact(id: "c\u{0}1", name: "Ali\u{0}ce", emails: [
            ContactEmail(raw: "bad\u{0}addr", address: nil, key: nil, foldedKey: nil, issue: "no\u{0}at-sign"),
        ], line: 1)
        #expect(try store.importContacts([c], runId: "i1").created == 1)
        try store.read("t") { (db: Database) throws in
            let row = try #require(try Row.fetchOne(db, sql: """
                SELECT c.id, c.name, e.raw, e.issue FROM contacts c JOIN contact_emails e ON e.contact_id = c.id
                """))
            #expect(row["id"] == "c\u{FFFD}1")
            #expect(row["name"] == "Ali\u{FFFD}ce")
            #expect(row["raw"] == "bad\u{FFFD}addr")
            #expect(row["issue"] == "no\u{FFFD}at-sign")
        }
        let again = try store.importContacts([c], runId: "i2")
        #expect(again.unchanged == 1)
        #expect(again.updated == 0)
    }
}
