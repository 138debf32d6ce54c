import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// The store's contacts are the truth once there is a store, and the contacts commands, as a process on a copy of
/// the sample pipeline loaded once: exit codes, one-line refusals, `review` passing after each.
@Suite struct ContactsCommandCLITests {
    static let window = ["--as-of", "2026-11-20", "--quiet"]

    /// A copy of the sample, loaded.
    struct Sample {
        let tmp = MailroomProcess.tempDir("contacts-cmd")
        let pipeline: URL
        var store: String { tmp.appendingPathComponent("pipelines/crm.sqlite").path }
        var csv: URL { tmp.appendingPathComponent("sample-data/contacts.csv") }

        init() throws {
            pipeline = try RunFiles.copySample(to: tmp)
            try load("r1")
        }

        func load(_ run: String) throws {
            let r = try MailroomProcess.run(["run", pipeline.path, "--run-dir", tmp.appendingPathComponent(run).path] + window)
            try #require(r.status == 0, "\(r.stderr)")
        }

        func mailroom(_ args: [String]) throws -> MailroomProcess.Result {
            try MailroomProcess.run(["contacts"] + args.prefix(1) + [pipeline.path] + args.dropFirst())
        }

        func dump() throws -> String {
            let r = try MailroomProcess.run(["store", "dump", pipeline.path, "--data"])
            try #require(r.status == 0, "\(r.stderr)")
            return r.stdout
        }

        func reviewPasses() throws {
            let r = try MailroomProcess.run(["review", pipeline.path])
            #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        }

        func linkedContacts() throws -> [String] {
            try CRMStore.open(path: store, readOnly: true).read("t") { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT contact_id FROM participants WHERE contact_id IS NOT NULL ORDER BY 1")
            }
        }

        /// Removes the contacts file's row of `id`.
        func removeRow(_ id: String) throws {
            let text = try String(contentsOf: csv, encoding: .utf8)
            let kept = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix(id + ",") }
            try #require(kept.count < text.split(separator: "\n", omittingEmptySubsequences: false).count)
            try kept.joined(separator: "\n").write(to: csv, atomically: false, encoding: .utf8)
        }
    }

    @Test func aReloadAfterAContactsFileRowIsRemovedUnlinksNothing() throws {
        let s = try Sample()
        defer { try? FileManager.default.removeItem(at: s.tmp) }
        let linked = try s.linkedContacts()
        try #require(linked.count >= 3)
        let links = "SELECT message_key || ' ' || role || ' ' || address || ' ' || contact_id FROM participants WHERE contact_id IS NOT NULL"
        let threadLinks = "SELECT thread_id || ' ' || contact_id || ' ' || address FROM thread_contacts"
        let read = { (sql: String) in
            Set(try CRMStore.open(path: s.store, readOnly: true).read("t") { db in try String.fetchAll(db, sql: sql) })
        }
        let (linksBefore, threadLinksBefore) = (try read(links), try read(threadLinks))
        for id in linked.prefix(3) { try s.removeRow(id) }
        // A dry run now matches against the store's contacts: the removed rows are still there (line 0), linked.
        let dry = s.tmp.appendingPathComponent("dry")
        try RunFiles.dryRun(s.pipeline, runDir: dry)
        let contacts = try RunFiles.ndjson(dry.appendingPathComponent("dedupe/contacts.ndjson"))
        let matched = try RunFiles.ndjson(dry.appendingPathComponent("match/links.ndjson"))
        for id in linked.prefix(3) {
            #expect(contacts.contains { $0["id"] as? String == id && $0["line"] as? Int == 0 })
            #expect(matched.contains { $0["contactId"] as? String == id })
        }
        // The reload keeps every link and thread link (the store's contacts may add some: an address two rows of
        // the file shared is the first one's in the store, so it links now).
        try s.load("r2")
        #expect(try read(links).isSuperset(of: linksBefore))
        #expect(try read(threadLinks).isSuperset(of: threadLinksBefore))
        #expect(Set(try s.linkedContacts()).isSuperset(of: linked))
        try s.reviewPasses()
    }

    @Test func mergeThenUnmergeGivesAByteIdenticalDumpAndReviewPassesAfterEach() throws {
        let s = try Sample()
        defer { try? FileManager.default.removeItem(at: s.tmp) }
        let before = try s.dump()
        let dups = try s.mailroom(["duplicates", "--json"])
        #expect(dups.status == 0, "\(dups.stderr)")
        #expect(dups.stdout.contains("\"contactIds\":[\"C001\",\"C017\"]"), "\(dups.stdout)")
        #expect(dups.stdout.contains("\"contactIds\":[\"C009\",\"C010\"]"), "\(dups.stdout)")

        let dry = try s.mailroom(["merge", "--keep", "C001", "C017", "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.hasPrefix("Dry run (nothing written): merged C017 into C001"), "\(dry.stdout)\(dry.stderr)")
        #expect(try s.dump() == before)

        let merge = try s.mailroom(["merge", "--keep", "C001", "C017", "--json"])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("\"mergeId\":1") && merge.stdout.contains("\"command\":\"merge\""), "\(merge.stdout)")
        try s.reviewPasses()
        #expect(try s.dump() != before)
        let runs = try MailroomProcess.run(["runs", s.pipeline.path, "--json"])
        #expect(runs.stdout.contains("\"kind\":\"contacts-merge\""), "\(runs.stdout)")

        let unmerge = try s.mailroom(["unmerge", "1"])
        #expect(unmerge.status == 0 && unmerge.stdout.hasPrefix("unmerged merge 1"), "\(unmerge.stdout)\(unmerge.stderr)")
        #expect(try s.dump() == before)
        try s.reviewPasses()
    }

    @Test func addEmailLinksTheMessagesCarryingItAndRemoveEmailUnlinksThem() throws {
        let s = try Sample()
        defer { try? FileManager.default.removeItem(at: s.tmp) }
        let before = try s.dump()
        let carrying = try CRMStore.open(path: s.store, readOnly: true).read("t") { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM participants WHERE address = 'laura.bianchi@contoso.example'") ?? 0
        }
        try #require(carrying > 0)
        let add = try s.mailroom(["add-email", "C002", "laura.bianchi@contoso.example", "--json"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("\"linksAdded\":\(carrying)"), "\(add.stdout)")
        try s.reviewPasses()
        let remove = try s.mailroom(["remove-email", "C002", "laura.bianchi@contoso.example"])
        #expect(remove.status == 0 && remove.stdout.contains("\(carrying) participant links removed"), "\(remove.stdout)\(remove.stderr)")
        #expect(try s.dump() == before)
        try s.reviewPasses()
    }

    /// The walk-through's order: merge and add an address, then a larger load with the same contacts file. The
    /// file's rows, unchanged since they were imported, leave the edits alone (the merged contact is not made
    /// again); a row changed in the file wins, and the links through an address it dropped go with it.
    @Test func aReloadKeepsWhatContactsCommandsChangedUntilTheFileRowChanges() throws {
        let s = try Sample()
        defer { try? FileManager.default.removeItem(at: s.tmp) }
        // The first load matched against the file alone (an address on two rows linked to neither); from the
        // second on, the store's contacts decide (the first row holds it).
        try s.load("r1b")
        #expect(try s.mailroom(["merge", "--keep", "C001", "C017"]).status == 0)
        #expect(try s.mailroom(["add-email", "C002", "laura.bianchi@contoso.example"]).status == 0)
        let edited = try s.dump()
        try s.load("r2")
        #expect(try s.dump() == edited)
        try s.reviewPasses()

        // C002's row changes in the file (a new name, still without laura): the file wins.
        let text = try String(contentsOf: s.csv, encoding: .utf8)
        try text.replacingOccurrences(of: "C002,Samuel Okonkwo,", with: "C002,Samuel O. Okonkwo,")
            .write(to: s.csv, atomically: false, encoding: .utf8)
        try s.load("r3")
        let store = try CRMStore.open(path: s.store, readOnly: true)
        try store.read("t") { (db: Database) throws in
            #expect(try String.fetchOne(db, sql: "SELECT name FROM contacts WHERE id = 'C002'") == "Samuel O. Okonkwo")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM contact_emails WHERE raw LIKE 'laura%'") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM participants WHERE address LIKE 'laura%' AND contact_id IS NOT NULL") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts WHERE id = 'C017'") == 0)
        }
        try s.reviewPasses()
    }

    @Test func badInputIsOneLineAndExitTwo() throws {
        let s = try Sample()
        defer { try? FileManager.default.removeItem(at: s.tmp) }
        let before = try s.dump()
        for (args, text) in [(["merge", "--keep", "C001", "C999"], "no contact C999 in the store"),
                             (["add-email", "C999", "a@b.example"], "no contact C999"),
                             (["add-email", "C002", "Mia.Chen@contoso.example"], "already held by contact C001"),
                             (["add-email", "C002", "not-an-address"], "is not an email address"),
                             (["remove-email", "C002", "nobody@x.example"], "has no email"),
                             (["unmerge", "5"], "no merge 5"),
                             (["unmerge", "x"], "MERGE_ID must be")] {
            let r = try s.mailroom(args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(text), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        #expect(try s.dump() == before)
    }

    @Test func exportWritesAPrivateFileThatImportsBackUnchanged() throws {
        let s = try Sample()
        defer { try? FileManager.default.removeItem(at: s.tmp) }
        let file = s.tmp.appendingPathComponent("export.csv")
        let r = try s.mailroom(["export", file.path])
        #expect(r.status == 0 && r.stdout.contains("exported 41 contacts"), "\(r.stdout)\(r.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try MailroomProcess.run(["contacts", "import", file.path, "--pipeline", s.pipeline.path])
        #expect(again.status == 0 && again.stdout.contains("0 new, 0 updated, 41 unchanged"), "\(again.stdout)\(again.stderr)")
    }

    /// The contact commands run on PostgreSQL too (PostgresContactCommandsTests); a PostgreSQL store whose secret is
    /// not set is one line naming the variable, exit 13, before any connection.
    @Test func aPostgresStoreWithoutItsSecretIsOneLineAndExitThirteen() throws {
        let tmp = MailroomProcess.tempDir("contacts-pg")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let pipeline = try RunFiles.copySample(to: tmp)
        let text = try String(contentsOf: pipeline, encoding: .utf8)
            .replacingOccurrences(of: "store: sqlite:crm.sqlite", with: "store: postgres://loader@db.example:6432/crm\nsecret: env:PG_PASSWORD")
        try text.write(to: pipeline, atomically: false, encoding: .utf8)
        let r = try MailroomProcess.run(["contacts", "merge", pipeline.path, "--keep", "C001", "C017"])
        #expect(r.status == 13, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("PostgreSQL")
            && r.stderr.contains("PG_PASSWORD"), "\(r.stderr)")
    }
}
