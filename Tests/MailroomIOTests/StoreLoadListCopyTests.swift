import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// A message loaded by one run and its mailing-list copy brought alone by a later run (a sync between the two
/// deliveries, another mailbox): the stored message keeps the copy without list decoration, in either order.
@Suite struct StoreLoadListCopyTests {
    typealias F = StoreFixture

    static let direct = F.message("order7", from: "alice@customer.com", to: [F.owner], subject: "Order 7",
                                  date: "2024-05-03T09:15:02Z")

    static var listCopy: DedupedMessage {
        var d = direct
        d.message.subject = "[support] Order 7"
        d.message.snippet = "snippet of the list copy"
        d.message.bulk = ["list-id", "precedence"]
        d.message.contentHash = "hash-list-copy"
        d.copies = [CopyRef(copyId: "main/Lists/order7", mailbox: "main", folder: "Lists", flags: [])]
        return d
    }

    static func loadOne(_ store: CRMStore, _ d: DedupedMessage, run: String) throws {
        let info = LoadRunInfo(runId: run, windowStart: "2024-04-25T00:00:00Z", windowEnd: "2024-05-05T00:00:00Z",
                               mailboxes: ["main"])
        _ = try F.load(store, F.input([d], threads: [d.key: "t7"], contacts: F.contacts), run: info)
    }

    static func stored(_ store: CRMStore) throws -> (subject: String, snippet: String, bulk: Int, copies: Int) {
        try store.read("check") { db in
            let r = try #require(try Row.fetchOne(db, sql: "SELECT subject, snippet, bulk FROM messages WHERE key = 'mid:order7'"))
            let copies = try Int.fetchOne(db, sql: "SELECT count(*) FROM message_copies WHERE message_key = 'mid:order7'") ?? 0
            return (r["subject"], r["snippet"], r["bulk"], copies)
        }
    }

    @Test(arguments: [false, true])
    func theDirectCopysTextIsKeptWhicheverRunCameFirst(_ listFirst: Bool) throws {
        let dir = StoreTempDir()
        let store = try F.open(dir)
        let runs = listFirst ? [Self.listCopy, Self.direct] : [Self.direct, Self.listCopy]
        for (i, d) in runs.enumerated() { try Self.loadOne(store, d, run: "run-\(i + 1)") }
        let s = try Self.stored(store)
        #expect(s.subject == "Order 7")
        #expect(s.snippet == "snippet of order7")
        #expect(s.bulk == 0)
        #expect(s.copies == 2)
        #expect(try store.read("count") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") } == 1)
    }
}
