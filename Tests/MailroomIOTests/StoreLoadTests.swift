import Foundation
import GRDB
import Testing
@testable import MailroomIO

@Suite struct StoreLoadTests {
    typealias F = StoreFixture

    static var input: LoadInput { F.input(F.messages, threads: F.threads, contacts: F.contacts) }

    @Test func aLoadStoresOneRowPerMessageIdentityCopyThreadAndParticipant() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let s = try F.load(store, Self.input)
        #expect(s.messages == 6)
        #expect(s.threads == 4)
        #expect(s.contacts == 2)
        #expect(s.copies == 6)
        try store.read("t") { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") == 6)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM message_copies") == 6)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM threads") == 4)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM participants") == 13)
            #expect(try String.fetchOne(db, sql: "SELECT status FROM runs WHERE id = 'run-1'") == "ok")
            #expect(try String.fetchOne(db, sql: "SELECT phase FROM checkpoints WHERE run_id = 'run-1'") == "done")
            #expect(try String.fetchAll(db, sql: "SELECT contact_id FROM thread_contacts WHERE thread_id = 't1'")
                    == ["c1"])
            let m2 = try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE key = 'mid:m2'")
            #expect(m2?["direction"] == "sent")
            #expect(m2?["thread_id"] == "t1")
            #expect(m2?["snippet"] == "snippet of m2")
        }
    }

    @Test(arguments: [1, 2, 500])
    func loadingTheSameRunTwiceLeavesTheSameRows(batchSize: Int) throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let options = LoadOptions(createContacts: .sent, batchSize: batchSize)
        _ = try F.load(store, Self.input, options: options)
        let once = try StoreDump.canonical(store)
        _ = try F.load(store, Self.input, options: options)
        #expect(try StoreDump.canonical(store) == once)
    }

    @Test func overlappingWindowsLeaveTheSameRowsAsOneLoadOfTheirUnion() throws {
        let (ms, ts) = F.many(30)
        let first = Array(ms[0..<20]), second = Array(ms[10..<30])
        let dirA = StoreTempDir(), dirB = StoreTempDir()
        let split = try F.open(dirA)
        _ = try F.load(split, F.input(first, threads: ts, contacts: F.contacts),
                       run: LoadRunInfo(runId: "a", windowStart: nil, windowEnd: nil, mailboxes: ["main"]))
        _ = try F.load(split, F.input(second, threads: ts, contacts: F.contacts),
                       run: LoadRunInfo(runId: "b", windowStart: nil, windowEnd: nil, mailboxes: ["main"]))
        let whole = try F.open(dirB)
        _ = try F.load(whole, F.input(ms, threads: ts, contacts: F.contacts),
                       run: LoadRunInfo(runId: "all", windowStart: nil, windowEnd: nil, mailboxes: ["main"]))
        #expect(try StoreDump.canonical(split, scope: .data) == StoreDump.canonical(whole, scope: .data))
        #expect(try split.read("t") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") } == 30)
    }

    @Test func theSameMessageFromTwoFoldersIsOneMessageWithTwoCopies() throws {
        let inbox = F.message("dup", from: "alice@customer.com", to: [F.owner, "carol@example.com"], mailbox: "main",
                              folder: "INBOX")
        let archive = F.message("dup", from: "alice@customer.com", to: [F.owner, "carol@example.com"],
                                mailbox: "carol", folder: "Archive")
        var both = inbox
        both.copies += archive.copies
        let threads = ["mid:dup": "t9"]
        let dirA = StoreTempDir(), dirB = StoreTempDir()
        let separately = try F.open(dirA)
        _ = try F.load(separately, F.input([archive], threads: threads, contacts: F.contacts),
                       run: LoadRunInfo(runId: "r1", windowStart: nil, windowEnd: nil, mailboxes: ["carol"]))
        _ = try F.load(separately, F.input([inbox], threads: threads, contacts: F.contacts),
                       run: LoadRunInfo(runId: "r2", windowStart: nil, windowEnd: nil, mailboxes: ["main"]))
        let together = try F.open(dirB)
        _ = try F.load(together, F.input([both], threads: threads, contacts: F.contacts),
                       run: LoadRunInfo(runId: "r3", windowStart: nil, windowEnd: nil, mailboxes: ["carol", "main"]))
        let a = try StoreDump.canonical(separately, scope: .data), b = try StoreDump.canonical(together, scope: .data)
        #expect(a == b, "\(Set(a.split(separator: "\n")).symmetricDifference(b.split(separator: "\n")))")
        try together.read("t") { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") == 1)
            #expect(try String.fetchAll(db, sql: "SELECT folder FROM message_copies ORDER BY folder")
                    == ["Archive", "INBOX"])
        }
    }

    @Test func loadingNeverCreatesContactsUnlessAskedTo() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let s = try F.load(store, Self.input, options: LoadOptions(createContacts: .never))
        #expect(s.contactsCreated == 0)
        #expect(try store.read("t") { db in try String.fetchAll(db, sql: "SELECT id FROM contacts ORDER BY id") }
                == ["c1", "c2"])
    }

    @Test func createContactsSentCreatesOnlyExternalRecipientsOfSentMailNobodyHolds() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        // m5: sent to new.person@prospect.io (new) and cc bob@client.org (on c2 as Bob@Client.org);
        // m4: received from stranger@other.net (not sent to: no contact); m3: internal colleague (no contact).
        let s = try F.load(store, Self.input, options: LoadOptions(createContacts: .sent))
        #expect(s.contactsCreated == 1)
        try store.read("t") { (db: Database) throws in
            let rows = try Row.fetchAll(db, sql: "SELECT id, name, origin, created_run FROM contacts ORDER BY id")
            #expect(rows.map { $0["id"] as String } == ["auto:new.person@prospect.io", "c1", "c2"])
            #expect(rows[0]["name"] == "New Person")
            #expect(rows[0]["origin"] == "created-from-sent")
            #expect(rows[0]["created_run"] == "run-1")
            let link = try Row.fetchOne(db, sql: """
                SELECT contact_id, rule FROM participants WHERE message_key = 'mid:m5' AND role = 'to'
                """)
            #expect(link?["contact_id"] == "auto:new.person@prospect.io")
            #expect(link?["rule"] == "created-from-sent")
            #expect(try String.fetchOne(db, sql: """
                SELECT contact_id FROM participants WHERE message_key = 'mid:m5' AND role = 'cc'
                """) == "c2")
        }
    }

    @Test func createContactsSentNeverAddsASecondContactForAFoldedAddress() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        // a.customer@gmail.com is on c1; the owner writes to a.customer+news@googlemail.com: the same person.
        let m = F.message("g1", from: F.owner, to: ["a.customer+news@googlemail.com"], folder: "Sent")
        let s = try F.load(store, F.input([m], threads: ["mid:g1": "tg"], contacts: F.contacts),
                           options: LoadOptions(createContacts: .sent))
        #expect(s.contactsCreated == 0)
        #expect(try store.read("t") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts") } == 2)
    }

    @Test func internalOnlyThreadsAreStoredInternalAndNeverLinked() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        _ = try F.load(store, Self.input, options: LoadOptions(createContacts: .sent))
        try store.read("t") { (db: Database) throws in
            let t2 = try Row.fetchOne(db, sql: "SELECT visibility, class FROM threads WHERE id = 't2'")
            #expect(t2?["visibility"] == "internal")
            #expect(t2?["class"] == "internal-only")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM thread_contacts WHERE thread_id = 't2'") == 0)
        }
    }

    @Test func anInternalThreadStaysInternalWhenALaterMessageBringsACustomerIn() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let internalOnly = [F.messages[2], F.messages[5]]  // m3, m6: t2
        _ = try F.load(store, F.input(internalOnly, threads: F.threads, contacts: F.contacts),
                       run: LoadRunInfo(runId: "r1", windowStart: nil, windowEnd: nil, mailboxes: ["main"]))
        // A later reply (References into t2) copies Alice, a customer: match now calls t2 matched.
        let reply = F.message("m7", from: F.owner, to: ["colleague@example.com"], cc: ["alice@customer.com"],
                              subject: "Re: Lunch", date: "2024-05-03T09:00:00Z", folder: "Sent")
        var threads = F.threads
        threads["mid:m7"] = "t2"
        let later = F.input(internalOnly + [reply], threads: threads, contacts: F.contacts)
        let s = try F.load(store, later, run: LoadRunInfo(runId: "r2", windowStart: nil, windowEnd: nil,
                                                           mailboxes: ["main"]),
                           options: LoadOptions(createContacts: .sent))
        #expect(s.threadsHeldInternal == 1)
        try store.read("t") { (db: Database) throws in
            let t2 = try Row.fetchOne(db, sql: "SELECT visibility, class, proposed_class FROM threads WHERE id = 't2'")
            #expect(t2?["visibility"] == "internal")
            #expect(t2?["proposed_class"] == "matched")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM thread_contacts WHERE thread_id = 't2'") == 0)
            #expect(try Int.fetchOne(db, sql: """
                SELECT count(*) FROM participants p JOIN messages m ON m.key = p.message_key
                WHERE m.thread_id = 't2' AND p.contact_id IS NOT NULL
                """) == 0)
        }
    }

    @Test func anInterruptedLoadResumesFromItsCheckpoint() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let (ms, ts) = F.many(12)
        let input = F.input(ms, threads: ts, contacts: F.contacts)
        let options = LoadOptions(batchSize: 5)
        #expect(throws: SimulatedCrash.self) {
            try F.load(store, input, options: options, fault: .throwing(at: "load.batch.afterCommit", occurrence: 3))
        }
        // Commits: contacts, threads, then messages 1-5 (the 3rd), 6-10, 11-12 with the phase advance.
        try store.read("t") { (db: Database) throws in
            let cp = try Row.fetchOne(db, sql: "SELECT phase, position FROM checkpoints WHERE run_id = 'run-1'")
            #expect(cp?["phase"] == "messages")
            #expect(cp?["position"] == 5)
            #expect(try String.fetchOne(db, sql: "SELECT status FROM runs WHERE id = 'run-1'") == "running")
        }
        let s = try F.load(store, input, options: options)
        #expect(s.resumedFrom == "messages:5")
        #expect(s.messages == 12)
        let clean = StoreTempDir()
        let other = try F.open(clean)
        _ = try F.load(other, input, options: options)
        #expect(try StoreDump.canonical(store) == StoreDump.canonical(other))
    }

    @Test func anInterruptedLoadWhoseInputChangedStartsOverInsteadOfSkipping() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let (ms, ts) = F.many(12)
        let options = LoadOptions(batchSize: 5)
        var run = F.run
        run.inputFingerprint = "old"
        #expect(throws: SimulatedCrash.self) {
            try F.load(store, F.input(ms, threads: ts, contacts: F.contacts), run: run, options: options,
                       fault: .throwing(at: "load.batch.afterCommit", occurrence: 3))
        }
        // The stage was rerun: other messages come first now, so skipping the first 5 would lose them.
        let reordered = Array(ms.reversed())
        run.inputFingerprint = "new"
        let s = try F.load(store, F.input(reordered, threads: ts, contacts: F.contacts), run: run, options: options)
        #expect(s.resumedFrom == nil)
        #expect(try store.read("t") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") } == 12)
    }

    @Test func aLinkToAMessageThatWasNotLoadedIsAnInputError() throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        var input = Self.input
        input.links = RecordSource([ParticipantLink(messageKey: "mid:nowhere", threadId: "t1", role: "to",
                                                    address: "x@y.com", isInternal: false, contactId: nil, rule: nil,
                                                    ambiguous: [])])
        let e = try #require(throws: MailroomError.self) { try F.load(store, input) }
        #expect(e.status == .input)
        #expect(try store.read("t") { db in try String.fetchOne(db, sql: "SELECT status FROM runs") } == "failed")
    }
}
