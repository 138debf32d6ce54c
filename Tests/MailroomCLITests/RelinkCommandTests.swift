import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// `mailroom relink PIPELINE`: over the loaded sample, after the contacts or the pipeline file change, relink
/// leaves the store a fresh load of the same mail with the same contacts and configuration would leave
/// (`store dump --data` byte-identical), changes only what the change touches, and `review` passes after it.
@Suite struct RelinkCommandTests {
    static let sample = MailroomProcess.repoRoot.appendingPathComponent("sample-data")
    static let csv = (try? String(contentsOf: sample.appendingPathComponent("contacts.csv"), encoding: .utf8)) ?? ""

    /// A pipeline on the sample mailbox with its own contacts file and store in `dir`.
    static func pipeline(_ dir: URL, name: String = "pipeline", contacts: String = "contacts.csv",
                         store: String = "crm.sqlite", ownDomains: String = "[northwind.example]",
                         owner: String = "[dana.reyes@northwind.example, dana@northwind.example]") throws -> String {
        let p = dir.appendingPathComponent("\(name).yml")
        try """
            name: sample
            mailbox:
              source: maildir
              path: \(sample.appendingPathComponent("mailbox").path)
              owner: \(owner)
            ownDomains: \(ownDomains)
            contacts: \(contacts)
            backfillDays: 60
            store: sqlite:\(store)
            createContacts: never
            """.write(to: p, atomically: false, encoding: .utf8)
        return p.path
    }

    /// A load as it goes once the store holds the contacts (its contacts file imported first): the store's
    /// contacts are match's, so an address two contacts of the file share goes to the one imported first
    /// (`held-by:`), as every later load links it.
    static func load(_ pipeline: String, _ dir: URL, _ run: String) throws {
        let csv = try String(contentsOfFile: pipeline, encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("contacts: ") }.map { dir.appendingPathComponent(String($0.dropFirst("contacts: ".count))).path }
        let imported = try MailroomProcess.run(["contacts", "import", try #require(csv), "--pipeline", pipeline])
        try #require(imported.status == 0, "\(imported.stderr)")
        let r = try MailroomProcess.run(["run", pipeline, "--as-of", "2026-11-20", "--quiet",
                                         "--run-dir", dir.appendingPathComponent(run).path])
        try #require(r.status == 0, "\(r.stderr)")
    }

    static func dump(_ pipeline: String) throws -> String {
        let r = try MailroomProcess.run(["store", "dump", pipeline, "--data"])
        try #require(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    static func relink(_ pipeline: String, _ extra: [String] = []) throws -> (status: Int32, json: [String: Any], stderr: String) {
        let r = try MailroomProcess.run(["relink", pipeline, "--json"] + extra)
        let json = (try? JSONSerialization.jsonObject(with: Data(r.stdoutBytes))) as? [String: Any] ?? [:]
        return (r.status, json, r.stderr)
    }

    static func counts(_ json: [String: Any]) -> [String: Int] { json["counts"] as? [String: Int] ?? [:] }

    static func review(_ pipeline: String) throws -> MailroomProcess.Result {
        try MailroomProcess.run(["review", pipeline])
    }

    static func query<T>(_ dir: URL, _ store: String = "crm.sqlite", _ body: (Database) throws -> T) throws -> T {
        try CRMStore.open(path: dir.appendingPathComponent(store).path, readOnly: true).read("test", body)
    }

    @Test func aContactsSecondAddressLinksExactlyTheMessagesCarryingItAndEqualsAFreshLoad() throws {
        let dir = MailroomProcess.tempDir("relink-address")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.csv.write(to: dir.appendingPathComponent("contacts.csv"), atomically: false, encoding: .utf8)
        let p = try Self.pipeline(dir)
        try Self.load(p, dir, "run1")
        let carrying = try Self.query(dir) { db in
            try Row.fetchAll(db, sql: """
                SELECT p.message_key, p.role, p.contact_id, t.visibility FROM participants p
                JOIN messages m ON m.key = p.message_key JOIN threads t ON t.id = m.thread_id
                WHERE lower(p.address) = 'mateus.costa@litware.example'
                """)
        }
        try #require(carrying.count >= 6)
        #expect(carrying.allSatisfy { ($0["contact_id"] as String?) == nil })
        let customer = carrying.filter { ($0["visibility"] as String) == "customer" }.count

        // Nothing changed yet: relink has nothing to do, and a dry run writes nothing.
        let before = try Self.dump(p)
        let idle = try Self.relink(p, ["--dry-run"])
        #expect(idle.status == 0, "\(idle.stderr)")
        #expect(idle.json["changes"] as? Bool == false)
        #expect(try Self.dump(p) == before)

        // C012 gains a second address, imported from an updated CSV.
        let updated = Self.csv.replacingOccurrences(of: "C012,Inês Duarte,ines.duarte@litware.example",
                                                    with: "C012,Inês Duarte,ines.duarte@litware.example;mateus.costa@litware.example")
        try #require(updated != Self.csv)
        try updated.write(to: dir.appendingPathComponent("contacts-2.csv"), atomically: false, encoding: .utf8)
        let imported = try MailroomProcess.run(["contacts", "import", dir.appendingPathComponent("contacts-2.csv").path,
                                                "--pipeline", p])
        try #require(imported.status == 0, "\(imported.stderr)")
        let afterImport = try Self.dump(p)

        let dry = try Self.relink(p, ["--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(try Self.dump(p) == afterImport, "a dry run writes nothing")
        let contacts = dry.json["contacts"] as? [[String: Any]] ?? []
        #expect(contacts.map { $0["contactId"] as? String } == ["C012"])
        #expect(contacts.first?["added"] as? Int == customer)
        #expect(contacts.first?["removed"] as? Int == 0)
        #expect((contacts.first?["examplesAdded"] as? [[String: Any]])?.first?["address"] as? String == "mateus.costa@litware.example")
        #expect(Self.counts(dry.json)["toSent"] == 0 && Self.counts(dry.json)["toReceived"] == 0)
        let text = try MailroomProcess.run(["relink", p, "--dry-run"])
        #expect(text.stdout.contains("C012 (Inês Duarte): +\(customer) -0"), "\(text.stdout)")
        #expect(text.stdout.contains("+ mateus.costa@litware.example"), "\(text.stdout)")
        #expect(text.stdout.contains("Run without --dry-run"), "\(text.stdout)")

        let applied = try Self.relink(p)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(Self.counts(applied.json)["linksAdded"] == customer)
        let runId = try #require(applied.json["runId"] as? String)
        let after = try Self.query(dir) { db in
            try Row.fetchAll(db, sql: """
                SELECT p.message_key, p.role, p.contact_id, p.rule FROM participants p
                WHERE lower(p.address) = 'mateus.costa@litware.example'
                """)
        }
        #expect(after.filter { ($0["contact_id"] as String?) == "C012" }.count == customer)
        #expect(after.allSatisfy { ($0["contact_id"] as String?) != "C012" || ($0["rule"] as String?) == "other-email" })
        // Only those rows changed: every other line of the dump is as before.
        let changed = Set(try Self.dump(p).split(separator: "\n")).symmetricDifference(Set(afterImport.split(separator: "\n")))
        #expect(changed.allSatisfy { $0.hasPrefix("participants|") || $0.hasPrefix("thread_contacts|") || $0.hasPrefix("threads|") },
                "\(changed)")
        #expect(changed.filter { $0.hasPrefix("participants|") }.count == customer * 2)
        let run = try Self.query(dir) { db in try Row.fetchOne(db, sql: "SELECT kind, status FROM runs WHERE id = ?", arguments: [runId]) }
        #expect(run?["kind"] as String? == "relink")
        #expect(run?["status"] as String? == "ok")

        // A fresh load of the same mail with the updated contacts leaves the same data.
        let fresh = try Self.pipeline(dir, name: "fresh", contacts: "contacts-2.csv", store: "fresh.sqlite")
        try Self.load(fresh, dir, "run2")
        #expect(try Self.dump(p) == Self.dump(fresh))
        let review = try Self.review(p)
        #expect(review.status == 0, "\(review.stdout)\(review.stderr)")
        // Relinking again changes nothing.
        #expect(try Self.relink(p).json["changes"] as? Bool == false)
    }

    @Test func anOwnDomainTurnsItsThreadsInternalAndTheReverseNeedsTheFlag() throws {
        let dir = MailroomProcess.tempDir("relink-domains")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.csv.write(to: dir.appendingPathComponent("contacts.csv"), atomically: false, encoding: .utf8)
        let p = try Self.pipeline(dir)
        try Self.load(p, dir, "run1")
        let original = try Self.dump(p)
        // Threads whose every external participant is on contoso.example: internal once it is an own domain.
        let expected = try Self.query(dir) { db in
            try Set(String.fetchAll(db, sql: """
                SELECT t.id FROM threads t WHERE t.visibility = 'customer' AND NOT EXISTS (
                    SELECT 1 FROM messages m JOIN participants p ON p.message_key = m.key
                    WHERE m.thread_id = t.id AND p.is_internal = 0 AND p.address NOT LIKE '%@contoso.example')
                """))
        }
        try #require(!expected.isEmpty)

        let widened = try Self.pipeline(dir, name: "widened", ownDomains: "[northwind.example, contoso.example]")
        let r = try Self.relink(widened)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.counts(r.json)["madeInternal"] == expected.count)
        let nowInternal = try Self.query(dir) { db in
            try Set(String.fetchAll(db, sql: "SELECT id FROM threads WHERE visibility = 'internal'"))
        }
        #expect(expected.isSubset(of: nowInternal))
        let linkedInternal = try Self.query(dir) { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM participants p JOIN messages m ON m.key = p.message_key
                JOIN threads t ON t.id = m.thread_id WHERE t.visibility = 'internal' AND p.contact_id IS NOT NULL
                """) ?? -1
        }
        #expect(linkedInternal == 0)
        #expect(try Self.review(widened).status == 0)
        // The same as a fresh load with the wider ownDomains.
        let fresh = try Self.pipeline(dir, name: "fresh", store: "fresh.sqlite", ownDomains: "[northwind.example, contoso.example]")
        try Self.load(fresh, dir, "run2")
        #expect(try Self.dump(widened) == Self.dump(fresh))

        // Back to the original ownDomains: those threads would become visible on contacts. Without the flag they
        // stay internal and the output says so.
        let held = try Self.relink(p)
        #expect(held.status == 0, "\(held.stderr)")
        #expect(Self.counts(held.json)["heldInternal"] == expected.count)
        #expect(Self.counts(held.json)["madeVisible"] == 0)
        #expect(Set((held.json["heldInternalThreads"] as? [[String: Any]] ?? []).compactMap { $0["threadId"] as? String }) == expected)
        let stillInternal = try Self.query(dir) { db in
            try Set(String.fetchAll(db, sql: "SELECT id FROM threads WHERE visibility = 'internal'"))
        }
        #expect(expected.isSubset(of: stillInternal))
        let text = try MailroomProcess.run(["relink", p, "--dry-run"])
        #expect(text.stdout.contains("left internal: \(expected.count) (rerun with --allow-visibility-change to apply)"), "\(text.stdout)")
        #expect(try Self.review(p).status == 0)

        // With the flag: exactly the original load again.
        let allowed = try Self.relink(p, ["--allow-visibility-change"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(Self.counts(allowed.json)["madeVisible"] == expected.count)
        #expect(try Self.dump(p) == original)
        #expect(try Self.review(p).status == 0)
    }

    @Test func anOwnerAddressAddedTurnsItsMessagesSentAsAFreshLoadWould() throws {
        let dir = MailroomProcess.tempDir("relink-owner")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.csv.write(to: dir.appendingPathComponent("contacts.csv"), atomically: false, encoding: .utf8)
        let p = try Self.pipeline(dir)
        try Self.load(p, dir, "run1")
        // Someone else at Northwind writes from the shared mailbox: messages from them become sent.
        let author = try Self.query(dir) { db in
            try String.fetchOne(db, sql: """
                SELECT p.address FROM participants p JOIN messages m ON m.key = p.message_key
                WHERE p.role = 'from' AND m.direction = 'received' AND p.address LIKE '%@northwind.example'
                GROUP BY p.address ORDER BY count(*) DESC, p.address LIMIT 1
                """)
        }
        let who = try #require(author)
        let owner = "[dana.reyes@northwind.example, dana@northwind.example, \(who)]"
        let changed = try Self.pipeline(dir, name: "owners", owner: owner)
        let r = try Self.relink(changed)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.counts(r.json)["toSent"] ?? 0 > 0)
        let fresh = try Self.pipeline(dir, name: "fresh", store: "fresh.sqlite", owner: owner)
        try Self.load(fresh, dir, "run2")
        #expect(try Self.dump(changed) == Self.dump(fresh))
    }

    /// Relink runs on PostgreSQL too (PostgresContactCommandsTests); a PostgreSQL host that does not resolve is one
    /// line, exit 10.
    @Test func anUnreachablePostgresStoreIsOneLineAndAMissingStoreIsExitFour() throws {
        let dir = MailroomProcess.tempDir("relink-pg")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try Self.pipeline(dir, store: "x")
        try String(contentsOfFile: p, encoding: .utf8).replacingOccurrences(of: "store: sqlite:x", with: "store: postgres://db.example/crm")
            .write(toFile: p, atomically: false, encoding: .utf8)
        let pg = try MailroomProcess.run(["relink", p])
        #expect(pg.status == 10, "\(pg.stderr)")
        #expect(pg.stderr.split(separator: "\n").count == 1, "\(pg.stderr)")
        #expect(pg.stderr.contains("PostgreSQL"), "\(pg.stderr)")
        let missing = try MailroomProcess.run(["relink", try Self.pipeline(dir), "--dry-run"])
        #expect(missing.status == 4)
        #expect(missing.stderr.contains("no store here yet"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("crm.sqlite").path))
    }
}

/// `mailroom plan` after a first load: review and cleanup pending until a relink or contacts command, and the
/// store's duplicate contact groups and the busy unmatched addresses named.
@Suite struct PlanCleanupCommandTests {
    @Test func afterALoadThePlanSaysCleanupIsPendingUntilARelink() throws {
        let dir = MailroomProcess.tempDir("plan-cleanup")
        defer { try? FileManager.default.removeItem(at: dir) }
        try RelinkCommandTests.csv.write(to: dir.appendingPathComponent("contacts.csv"), atomically: false, encoding: .utf8)
        let p = try RelinkCommandTests.pipeline(dir)
        let run = dir.appendingPathComponent("run1").path
        let before = try MailroomProcess.run(["plan", p, "--as-of", "2026-11-20", "--run-dir", dir.appendingPathComponent("plan").path, "--quiet"])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("Suggested window: 14 days, for a handoff (7–14 days)"), "\(before.stdout)")
        #expect(!before.stdout.contains("Before a larger window"))
        try RelinkCommandTests.load(p, dir, "run1")
        let pending = try MailroomProcess.run(["plan", p, "--from-run", run, "--json"])
        #expect(pending.status == 0, "\(pending.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(pending.stdoutBytes)) as? [String: Any])
        let cleanup = try #require(doc["cleanup"] as? [String: Any])
        #expect(cleanup["pending"] as? Bool == true)
        #expect(cleanup["cleanedSinceLoad"] as? Bool == false)
        #expect(cleanup["duplicateGroups"] as? Int == 5)
        #expect((cleanup["unmatched"] as? [[String: Any]])?.compactMap { $0["address"] as? String }
                == ["laura.bianchi@contoso.example", "mateus.costa@litware.example"])
        // The review names the same cleanup as exact commands: a merge per duplicate group, and for the busiest
        // unlinked addresses an add-email or a one-contact import.
        let review = try MailroomProcess.run(["review", p, "--json"])
        #expect(review.status == 0, "\(review.stderr)")
        let reviewDoc = try #require(try JSONSerialization.jsonObject(with: Data(review.stdoutBytes)) as? [String: Any])
        let suggested = try #require(reviewDoc["cleanup"] as? [String: Any])
        #expect((suggested["merges"] as? [[String: Any]])?.compactMap { $0["command"] as? String }.first
                == "mailroom contacts merge PIPELINE --keep C001 C017")
        let addresses = (suggested["addresses"] as? [[String: Any]]) ?? []
        #expect(addresses.first?["address"] as? String == "laura.bianchi@contoso.example")
        let reviewText = try MailroomProcess.run(["review", p])
        #expect(reviewText.stdout.contains("g5 (same-address): mailroom contacts merge \(p) --keep C009 C010"), "\(reviewText.stdout)")
        #expect(reviewText.stdout.contains(" > NEW-1.csv && mailroom contacts import NEW-1.csv --pipeline \(p)"), "\(reviewText.stdout)")
        let dryText = try MailroomProcess.run(["report", "--run", run])
        #expect(dryText.stdout.contains("g1 (case-variant): mailroom contacts merge \(p) --keep C001 C017"), "\(dryText.stdout)")

        #expect(try RelinkCommandTests.relink(p).status == 0)
        let text = try MailroomProcess.run(["plan", p, "--from-run", run, "--purpose", "sales"])
        #expect(text.stdout.contains("Suggested window: 60 days, for active sales (30–60 days)"), "\(text.stdout)")
        // A relink after the load is the cleanup: what is left is named, not pending (two contacts sharing an
        // address may be two people).
        #expect(!text.stdout.contains("Before a larger window"), "\(text.stdout)")
        #expect(text.stdout.contains("Cleanup: done since the last load"), "\(text.stdout)")
        #expect(text.stdout.contains("  Still in the store, if not meant: 5 duplicate contact groups"), "\(text.stdout)")
    }
}
