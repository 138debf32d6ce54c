import Testing
@testable import MailroomIO
import MailroomCore

/// Contacts created from sent mail (`createContacts: sent`) end the same whatever order loads meet their addresses
/// in: mailbox `a` then `b`, `b` then `a`, or one run of both, in SQLite and in PostgreSQL (`CreatedContactRules`).
/// The mail is how one customer reaches a team's two mailboxes: her Gmail address as a colleague's autocomplete
/// wrote it (capitals, dots), with a `+crm` tag, and as `googlemail.com` with another display name; Outlook's
/// habit of repeating the address as the display name; a recipient written in two cases with two names.
@Suite("Contacts created from sent mail, in any load order")
struct CreatedContactOrderTests {
    typealias F = StoreFixture

    static let options = LoadOptions(createContacts: .sent, batchSize: 2)

    static var mailboxA: [DedupedMessage] {
        [F.message("a1", from: F.owner, to: ["a.costa+crm@gmail.com", "zed@new.org"], subject: "Intro",
                   date: "2024-05-01T09:00:00Z", mailbox: "a", folder: "Sent",
                   toNames: ["a.costa+crm@gmail.com": "a.costa+crm@gmail.com", "zed@new.org": "Zed Zulu"]),
         F.message("a2", from: F.owner, to: ["A.Costa@gmail.com"], subject: "Quote", date: "2024-05-02T09:00:00Z",
                   mailbox: "a", folder: "Sent", toNames: ["A.Costa@gmail.com": "Costa, Ana"])]
    }

    static var mailboxB: [DedupedMessage] {
        [F.message("b1", from: F.owner, to: ["acosta@googlemail.com", "Zed@New.org"], subject: "Follow-up",
                   date: "2024-05-03T09:00:00Z", mailbox: "b", folder: "Sent",
                   toNames: ["acosta@googlemail.com": "Ana Costa", "Zed@New.org": "Zed"]),
         F.message("b2", from: F.owner, to: ["pat@shop.example"], subject: "Invoice", date: "2024-05-04T09:00:00Z",
                   mailbox: "b", folder: "Sent")]
    }

    static func input(_ messages: [DedupedMessage]) -> LoadInput {
        F.input(messages, threads: Dictionary(uniqueKeysWithValues: messages.map { ($0.key, "t-" + $0.key) }),
                contacts: F.contacts)
    }

    static func run(_ id: String, _ mailboxes: [String]) -> LoadRunInfo {
        LoadRunInfo(runId: id, windowStart: nil, windowEnd: nil, mailboxes: mailboxes)
    }

    /// The loads of each order: a then b, b then a, one run of both.
    static var orders: [(String, [(LoadRunInfo, LoadInput)])] {
        let a = (run("run-a", ["a"]), input(mailboxA)), b = (run("run-b", ["b"]), input(mailboxB))
        return [("a, b", [a, b]), ("b, a", [b, a]), ("a+b", [(run("run-ab", ["a", "b"]), input(mailboxA + mailboxB))])]
    }

    static func rows(_ dump: String, _ table: String) -> [Substring] {
        dump.split(separator: "\n").filter { $0.hasPrefix(table + "|") && $0.contains("auto:") }
    }

    @Test func sqliteEndsTheSameInEveryOrder() throws {
        var dumps: [String] = []
        for (name, loads) in Self.orders {
            let (dump, _) = try PostgresLoadTests.sqliteDump(loads, options: Self.options, scope: .data)
            dumps.append(dump)
            #expect(dump == dumps[0], "order \(name)")
        }
        let d = dumps[0]
        // One contact per person, named by the least real name; the plain (untagged) spelling with the least key.
        #expect(Self.rows(d, "contacts") == [
            "contacts|id='auto:acosta@gmail.com'|name='Ana Costa'|origin='created-from-sent'|created_run=*|file_row=NULL",
            "contacts|id='auto:pat@shop.example'|name='pat@shop.example'|origin='created-from-sent'|created_run=*|file_row=NULL",
            "contacts|id='auto:zed@new.org'|name='Zed'|origin='created-from-sent'|created_run=*|file_row=NULL",
        ], "\(d)")
        #expect(Self.rows(d, "contact_emails") == [
            "contact_emails|contact_id='auto:acosta@gmail.com'|position=0|raw='A.Costa@gmail.com'|address='A.Costa@gmail.com'|key='a.costa@gmail.com'|folded_key='acosta@gmail.com'|issue=NULL",
            "contact_emails|contact_id='auto:pat@shop.example'|position=0|raw='pat@shop.example'|address='pat@shop.example'|key='pat@shop.example'|folded_key='pat@shop.example'|issue=NULL",
            "contact_emails|contact_id='auto:zed@new.org'|position=0|raw='Zed@new.org'|address='Zed@new.org'|key='zed@new.org'|folded_key='zed@new.org'|issue=NULL",
        ], "\(d)")
        // Every spelling links to the one contact.
        #expect(Self.rows(d, "participants").count == 6, "\(d)")
        #expect(!d.contains("auto:a.costa"), "\(d)")
    }

    @Test(.enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
    func postgresEndsAsSQLiteInEveryOrder() throws {
        let (expected, _) = try PostgresLoadTests.sqliteDump(Self.orders[0].1, options: Self.options, scope: .data)
        for (name, loads) in Self.orders {
            let c = try PostgresLoadTests.newDatabase()
            for (run, input) in loads { try PostgresLoadTests.pgLoad(c, input, run: run, options: Self.options) }
            #expect(try StoreDump.canonical(c, scope: .data) == expected, "order \(name)")
        }
    }

    /// Someone moved a created contact to another address (`contacts add-email`, then `remove-email` of the one the
    /// load gave it): a later load meeting the removed address leaves it unlinked, gives it no email back and
    /// creates no second contact, on both stores.
    @Test func anAddressRemovedFromACreatedContactIsNotGivenBack() throws {
        func pat(_ key: String, _ date: String) -> DedupedMessage {
            F.message(key, from: F.owner, to: ["pat@shop.example"], subject: "Invoice " + key, date: date,
                      mailbox: "b", folder: "Sent", toNames: ["pat@shop.example": "Pat Shop"])
        }
        let first = (Self.run("run-1", ["b"]), Self.input([pat("p1", "2024-05-01T09:00:00Z")]))
        let later = (Self.run("run-2", ["b"]), Self.input([pat("p2", "2024-05-02T09:00:00Z")]))
        func edit(_ store: any MailroomStore) throws {
            _ = try store.addContactEmail("auto:pat@shop.example", "pat@other.example", dryRun: false)
            _ = try store.removeContactEmail("auto:pat@shop.example", "pat@shop.example", dryRun: false)
        }
        let dir = StoreTempDir()
        let store = try F.open(dir)
        _ = try F.load(store, first.1, run: first.0, options: Self.options)
        try edit(store)
        _ = try F.load(store, later.1, run: later.0, options: Self.options)
        let lite = try StoreDump.canonical(store, scope: .data)
        #expect(Self.rows(lite, "contacts").count == 1, "\(lite)")
        #expect(Self.rows(lite, "contact_emails") == [
            "contact_emails|contact_id='auto:pat@shop.example'|position=0|raw='pat@other.example'|address='pat@other.example'|key='pat@other.example'|folded_key='pat@other.example'|issue=NULL",
        ], "\(lite)")
        #expect(lite.contains("participants|message_key='mid:p2'|role='to'|address='pat@shop.example'|is_internal=0|contact_id=NULL"), "\(lite)")

        guard PostgresServer.isAvailable else { return }
        let c = try PostgresLoadTests.newDatabase()
        try PostgresLoadTests.pgLoad(c, first.1, run: first.0, options: Self.options)
        try edit(PGStore(connection: c))
        try PostgresLoadTests.pgLoad(c, later.1, run: later.0, options: Self.options)
        #expect(try StoreDump.canonical(c, scope: .data) == lite)
    }
}
