import Foundation
import GRDB
import Testing
import MailroomCore
@testable import MailroomIO

/// The contacts commands on a store: merge / unmerge, add-email / remove-email, duplicates and export, on a
/// generated corpus with planted duplicate contacts. `review` passes after each.
@Suite struct ContactCommandsTests {
    typealias F = StoreFixture

    /// Planted duplicates: p1/p2 (a `+tag`), p3/p4 (Gmail dots and googlemail.com), p5/p6 (one shared address,
    /// which the store keeps on p5 only); c1 an ordinary customer.
    static let contacts = [
        F.contact("p1", "Paula Reyes", ["paula@acme.io"], line: 2),
        F.contact("p2", "Paula R.", ["paula+crm@acme.io", "paula.r@acme-mail.io"], line: 3),
        F.contact("p3", "Greg Li", ["g.reg.li@gmail.com"], line: 4),
        F.contact("p4", "Greg", ["gregli@googlemail.com"], line: 5),
        F.contact("p5", "Vendor Sales", ["sales@vendor.io"], line: 6),
        F.contact("p6", "Vendor", ["sales@vendor.io", "orders@vendor.io"], line: 7),
        F.contact("c1", "Alice Customer", ["alice@customer.com"], line: 8),
    ]

    /// 60 messages in 20 threads between the owner and the planted addresses, strangers and a colleague.
    static func corpus() -> (messages: [DedupedMessage], threads: [String: String]) {
        let others = ["paula@acme.io", "paula+crm@acme.io", "paula.r@acme-mail.io", "g.reg.li@gmail.com",
                      "gregli@googlemail.com", "sales@vendor.io", "orders@vendor.io", "alice@customer.com",
                      "stranger@other.net", "colleague@example.com", "paula+news@acme.io"]
        var ms: [DedupedMessage] = []
        var ts: [String: String] = [:]
        for i in 0..<60 {
            let key = String(format: "g%03d", i)
            let other = others[(i * 7 + i / 11) % others.count]
            let sent = i % 3 == 0
            let d = String(format: "2024-05-%02dT%02d:00:00Z", 1 + i % 28, i % 24)
            ms.append(F.message(key, from: sent ? F.owner : other, to: [sent ? other : F.owner],
                                cc: i % 5 == 0 ? ["stranger@other.net"] : [], subject: "S\(i / 3)", date: d,
                                folder: sent ? "Sent" : "INBOX"))
            ts["mid:" + key] = String(format: "tg%02d", i / 3)
        }
        return (ms, ts)
    }

    static func loaded(_ dir: StoreTempDir) throws -> CRMStore {
        let store = try F.open(dir)
        _ = try store.importContacts(contacts, runId: "import-1")
        let (ms, ts) = corpus()
        _ = try F.load(store, F.input(ms, threads: ts, contacts: contacts))
        #expect(try ReviewChecks.run(store).failures.isEmpty)
        return store
    }

    static func dump(_ store: CRMStore) throws -> String { try StoreDump.canonical(store, scope: .data) }

    static func linked(_ store: CRMStore, _ contact: String) throws -> [String] {
        try store.read("t") { db in
            try String.fetchAll(db, sql: "SELECT message_key || ' ' || role || ' ' || address FROM participants WHERE contact_id = ? ORDER BY 1",
                                arguments: [contact])
        }
    }

    static func carrying(_ store: CRMStore, _ addresses: [String]) throws -> [String] {
        try store.read("t") { db in
            try String.fetchAll(db, sql: """
                SELECT message_key || ' ' || role || ' ' || address FROM participants
                WHERE address IN (\(addresses.map { _ in "?" }.joined(separator: ", "))) ORDER BY 1
                """, arguments: StatementArguments(addresses))
        }
    }

    @Test func mergeMovesEmailsAndLinksAndUnmergeRestoresAByteIdenticalDump() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        let before = try Self.dump(store)
        let p2Links = try Self.linked(store, "p2")
        let p1Links = try Self.linked(store, "p1")
        try #require(!p2Links.isEmpty && !p1Links.isEmpty)

        // A dry run changes nothing and logs nothing.
        let dry = try store.mergeContacts(keep: "p1", merge: ["p2"], dryRun: true)
        #expect(dry.dryRun && dry.runId == nil && dry.counts["participantsMoved"] == p2Links.count)
        #expect(try Self.dump(store) == before)
        #expect(try StoreDump.canonical(store).contains("contacts-merge") == false)

        let r = try store.mergeContacts(keep: "p1", merge: ["p2"], dryRun: false)
        #expect(r.mergeId == 1 && r.runId != nil)
        #expect(try store.run(id: r.runId!)?.kind == .contactsMerge)
        try store.read("t") { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts WHERE id = 'p2'") == 0)
            #expect(try String.fetchAll(db, sql: "SELECT raw FROM contact_emails WHERE contact_id = 'p1' ORDER BY position")
                    == ["paula@acme.io", "paula+crm@acme.io", "paula.r@acme-mail.io"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM thread_contacts WHERE contact_id = 'p2'") == 0)
        }
        // Every link of p2 is now p1's; and paula+news@, which folded to both (ambiguous), now links to p1.
        let news = try Self.carrying(store, ["paula+news@acme.io"])
        try #require(!news.isEmpty)
        #expect(try Self.linked(store, "p1") == (p1Links + p2Links + news).sorted())
        let review = try ReviewChecks.run(store)
        #expect(review.failures.isEmpty, "\(review.failures.map(\.detail))")

        // Unmerge puts back the exact rows.
        let u = try store.unmergeContacts(1, dryRun: false)
        #expect(u.counts["contactsRestored"] == 1)
        #expect(try Self.dump(store) == before)
        #expect(try ReviewChecks.run(store).failures.isEmpty)
        // Only once.
        #expect(throws: MailroomError.self) { try store.unmergeContacts(1, dryRun: false) }
        #expect(try store.read("t") { db in try String.fetchOne(db, sql: "SELECT undone_run FROM contact_merges WHERE id = 1") } == u.runId)
    }

    @Test func mergeOfSeveralAndOfASharedAddressThenUnmergeInReverse() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        let before = try Self.dump(store)
        // p6 keeps sales@ without a key (p5 holds it): merged into p5 it is a repeat.
        _ = try store.mergeContacts(keep: "p5", merge: ["p6"], dryRun: false)
        try store.read("t") { (db: Database) throws in
            #expect(try String.fetchAll(db, sql: "SELECT coalesce(issue, '-') FROM contact_emails WHERE contact_id = 'p5' ORDER BY position")
                    == ["-", "repeated", "-"])
        }
        #expect(try Self.linked(store, "p5") == (try Self.carrying(store, ["sales@vendor.io", "orders@vendor.io"])))
        let middle = try Self.dump(store)
        _ = try store.mergeContacts(keep: "p3", merge: ["p4", "c1"], dryRun: false)
        #expect(try ReviewChecks.run(store).failures.isEmpty)
        // The first merge cannot be undone while the second, which changed nothing of p5, stands? It can: p5 is untouched.
        // Merges undone in reverse order restore each state.
        _ = try store.unmergeContacts(2, dryRun: false)
        #expect(try Self.dump(store) == middle)
        _ = try store.unmergeContacts(1, dryRun: false)
        #expect(try Self.dump(store) == before)
    }

    @Test func unmergeIsRefusedOnceTheKeptContactChanged() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        _ = try store.mergeContacts(keep: "p1", merge: ["p2"], dryRun: false)
        _ = try store.addContactEmail("p1", "paula@home.example", dryRun: false)
        let e = try #require(throws: MailroomError.self) { try store.unmergeContacts(1, dryRun: false) }
        #expect(e.status == .usage && e.message.contains("changed since merge 1"))
        _ = try store.removeContactEmail("p1", "paula@home.example", dryRun: false)
        _ = try store.unmergeContacts(1, dryRun: false)
        #expect(try ReviewChecks.run(store).failures.isEmpty)
    }

    @Test func addEmailLinksExactlyTheMessagesCarryingItAndRemoveEmailUnlinksThem() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        let before = try Self.dump(store)
        let carrying = try Self.carrying(store, ["stranger@other.net"])
        try #require(carrying.count > 5)
        let c1Before = try Self.linked(store, "c1")

        let dry = try store.addContactEmail("c1", "Stranger@Other.net", dryRun: true)
        #expect(dry.counts["linksAdded"] == carrying.count)
        #expect(try Self.dump(store) == before)

        let r = try store.addContactEmail("c1", "Stranger@Other.net", dryRun: false)
        #expect(r.counts["linksAdded"] == carrying.count)
        #expect(try Self.linked(store, "c1") == (c1Before + carrying).sorted())
        try store.read("t") { (db: Database) throws in
            // Each thread of those messages links c1 through the address, and is matched.
            let threads = try String.fetchAll(db, sql: """
                SELECT DISTINCT m.thread_id FROM participants p JOIN messages m ON m.key = p.message_key
                WHERE p.address = 'stranger@other.net' ORDER BY 1
                """)
            #expect(try String.fetchAll(db, sql: """
                SELECT thread_id FROM thread_contacts WHERE contact_id = 'c1' AND address = 'stranger@other.net' ORDER BY 1
                """) == threads)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM threads WHERE class <> 'matched' AND id IN (\(threads.map { "'\($0)'" }.joined(separator: ",")))") == 0)
        }
        #expect(try ReviewChecks.run(store).failures.isEmpty)

        let removed = try store.removeContactEmail("c1", "stranger@other.net", dryRun: false)
        #expect(removed.counts["linksRemoved"] == carrying.count)
        #expect(try Self.linked(store, "c1") == c1Before)
        #expect(try Self.dump(store) == before)
        #expect(try ReviewChecks.run(store).failures.isEmpty)
    }

    @Test func removingTheOnlyAddressOfAContactUnmatchesItsThreads() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        // A thread of her own (nobody else is linked on it).
        _ = try F.load(store, F.input([F.message("solo", from: "alice@customer.com", to: [F.owner], subject: "Solo")],
                                      threads: ["mid:solo": "tsolo"], contacts: Self.contacts),
                       run: LoadRunInfo(runId: "run-2", windowStart: F.run.windowStart, windowEnd: F.run.windowEnd,
                                        mailboxes: ["main"]))
        let aliceThreads = try store.read("t") { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT thread_id FROM thread_contacts WHERE contact_id = 'c1' ORDER BY 1")
        }
        try #require(!aliceThreads.isEmpty)
        // Those of her threads where nobody else is linked become unmatched; every other class stays.
        let aloneSQL = """
            SELECT DISTINCT tc.thread_id FROM thread_contacts tc WHERE tc.contact_id = 'c1' AND NOT EXISTS (
                SELECT 1 FROM messages m JOIN participants p ON p.message_key = m.key
                WHERE m.thread_id = tc.thread_id AND p.contact_id IS NOT NULL AND p.contact_id <> 'c1') ORDER BY 1
            """
        let alone = try store.read("t") { db in try String.fetchAll(db, sql: aloneSQL) }
        try #require(!alone.isEmpty)
        let classes = "SELECT id || ' ' || class FROM threads ORDER BY id"
        let classesBefore = try store.read("t") { db in try String.fetchAll(db, sql: classes) }
        let r = try store.removeContactEmail("c1", "alice@customer.com", dryRun: false)
        #expect(r.counts["threadsUnmatched"] == alone.count)
        #expect(try store.read("t") { db in try String.fetchAll(db, sql: classes) }
                == classesBefore.map { line in alone.contains(String(line.split(separator: " ")[0])) ? line.replacingOccurrences(of: " matched", with: " unmatched") : line })
        #expect(try Self.linked(store, "c1").isEmpty)
        try store.read("t") { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM thread_contacts WHERE contact_id = 'c1'") == 0)
        }
        #expect(try ReviewChecks.run(store).failures.isEmpty)
    }

    @Test func badInputIsRefusedAsUsageWithNothingWritten() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        let before = try StoreDump.canonical(store)
        let cases: [(() throws -> ContactCommandResult, String)] = [
            ({ try store.mergeContacts(keep: "p1", merge: ["nobody"], dryRun: false) }, "no contact nobody"),
            ({ try store.mergeContacts(keep: "p1", merge: ["p1"], dryRun: false) }, "both kept and merged"),
            ({ try store.addContactEmail("nobody", "x@y.io", dryRun: false) }, "no contact nobody"),
            ({ try store.addContactEmail("c1", "paula@acme.io", dryRun: false) }, "already held by contact p1"),
            ({ try store.addContactEmail("c1", "not an address", dryRun: false) }, "is not an email address"),
            ({ try store.removeContactEmail("c1", "paula@acme.io", dryRun: false) }, "has no email"),
            ({ try store.unmergeContacts(7, dryRun: false) }, "no merge 7"),
        ]
        for (run, text) in cases {
            let e = try #require(throws: MailroomError.self) { try run() }
            #expect(e.status == .usage && e.message.contains(text), "\(e.message)")
        }
        #expect(try StoreDump.canonical(store) == before)
    }

    @Test func duplicatesFindThePlantedGroupsIncludingTheSharedAddress() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        let r = try store.contactDuplicates(dryRun: false)
        #expect(r.groups.map(\.contactIds) == [["p1", "p2"], ["p3", "p4"], ["p5", "p6"]])
        #expect(r.groups[2].reasons.map(\.reason) == ["same-address"])
        #expect(r.text.contains("mailroom contacts merge PIPELINE --keep p1 p2"))
        #expect(try store.run(id: r.runId!)?.kind == .contactsDuplicates)
    }

    @Test func exportIsTheInverseOfImportWithFormulaCellsNeutralized() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        _ = try store.importContacts([F.contact("x1", "=HYPERLINK(\"http://evil\")", ["-dash@x.io"], line: 2),
                                      F.contact("x2", "'+quoted", ["@odd@x.io", "ok@x.io"], line: 3)], runId: "i2")
        var bytes: [UInt8] = []
        let r = try store.exportContacts(dryRun: false) { bytes = $0 }
        #expect(r.counts["contacts"] == Self.contacts.count + 2)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("id,name,emails\r\n"))
        #expect(text.contains("x1,\"'=HYPERLINK(\"\"http://evil\"\")\",'-dash@x.io\r\n"))
        #expect(text.contains("x2,''+quoted,'@odd@x.io; ok@x.io\r\n"))
        for line in text.split(separator: "\r\n").dropFirst() {
            for cell in line.split(separator: ",") {
                #expect(!["=", "+", "-", "@"].contains(cell.first.map(String.init) ?? ""), "\(line)")
            }
        }
        // Importing the export changes nothing; into an empty store it gives the same contacts.
        let (parsed, issues) = ContactsCSV.parse(bytes)
        #expect(issues.filter(\.fatal).isEmpty)
        let again = try store.importContacts(parsed, runId: "i3")
        #expect(again.unchanged == parsed.count && again.updated == 0 && again.created == 0)
        let fresh = try F.open(dir, "fresh.sqlite")
        _ = try fresh.importContacts(parsed, runId: "i4")
        let read = { (s: CRMStore) in try s.read("t") { db in try CRMStore.importedContacts(db) } }
        #expect(try read(fresh).map { [$0.id, $0.name] + $0.emails.map(\.raw) }
                == (try read(store)).map { [$0.id, $0.name] + $0.emails.map(\.raw) })
    }

    @Test func reviewFindsThreadLinksThatDisagreeWithParticipants() throws {
        let dir = StoreTempDir()
        let store = try Self.loaded(dir)
        try store.write("t") { db in
            let t = try String.fetchOne(db, sql: "SELECT thread_id FROM thread_contacts WHERE contact_id = 'c1' LIMIT 1")!
            // The thread still names c1, but its participants are unlinked: what a reload used to leave.
            try db.execute(sql: """
                UPDATE participants SET contact_id = NULL, rule = NULL WHERE contact_id = 'c1'
                    AND message_key IN (SELECT key FROM messages WHERE thread_id = ?)
                """, arguments: [t])
        }
        let review = try ReviewChecks.run(store)
        #expect(review.failures.contains { $0.detail.contains("thread_contacts disagrees with participants") })
    }
}

extension ReviewReport {
    /// The findings that fail the review.
    var failures: [ReviewFinding] { findings.filter { $0.severity == .failure } }
}

@Suite struct LoadNeverUnlinksTests {
    typealias F = StoreFixture

    /// A later load whose match linked a participant to nobody (its contacts file row went missing) keeps the
    /// stored link, and the thread link with it.
    @Test func aLoadWhoseLinksNameNoContactKeepsTheStoredLinks() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        _ = try F.load(store, F.input(F.messages, threads: F.threads, contacts: F.contacts))
        let before = try StoreDump.canonical(store, scope: .data)
        try #require(before.contains("contact_id='c1'"))
        _ = try F.load(store, F.input(F.messages, threads: F.threads, contacts: []),
                       run: LoadRunInfo(runId: "run-2", windowStart: F.run.windowStart, windowEnd: F.run.windowEnd,
                                        mailboxes: ["main"]))
        #expect(try StoreDump.canonical(store, scope: .data) == before)
        #expect(try ReviewChecks.run(store).passed)
    }
}
