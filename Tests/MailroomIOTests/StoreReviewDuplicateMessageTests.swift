import Foundation
import Testing
@testable import MailroomIO

/// `review`'s duplicate-message check: one email (same Message-ID, sender and date) stored as two message rows,
/// as a list's copy and the direct copy were before dedupe merged them, fails the review naming one example.
@Suite struct StoreReviewDuplicateMessageTests {
    typealias F = StoreFixture

    /// The fixture's messages plus `extra`, each in the thread given, loaded into a fresh store.
    static func loaded(_ dir: StoreTempDir, _ extra: [(DedupedMessage, String)]) throws -> CRMStore {
        let store = try F.open(dir)
        var threads = F.threads
        for (m, t) in extra { threads[m.key] = t }
        _ = try F.load(store, F.input(F.messages + extra.map(\.0), threads: threads, contacts: F.contacts),
                       options: LoadOptions(createContacts: .sent))
        return store
    }

    /// A second row for the email `base`: key `mid:<id>#…`, other content, and `change` applied.
    static func secondRow(of base: DedupedMessage, _ change: (inout NormalizedMessage) -> Void) -> DedupedMessage {
        var m = base.message
        m.contentHash = "hash-list-copy"
        m.subject = "[support] " + m.subject
        m.bulk = ["list-id", "precedence"]
        m.copyId = "main/Lists/copy-2"
        change(&m)
        return DedupedMessage(key: base.key + "#0123456789ab", message: m,
                              copies: [CopyRef(copyId: m.copyId, mailbox: "main", folder: "Lists", flags: [])])
    }

    static let order = F.message("order7", from: "alice@customer.com", to: [F.owner], subject: "Order 7",
                                 date: "2024-05-03T09:15:02Z")

    @Test func oneEmailStoredTwiceFailsTheReviewNamingItsMessagesAndThreads() throws {
        let dir = StoreTempDir()
        // The list's copy names the sender with another case in the local part: the same address once normalized.
        let copy = Self.secondRow(of: Self.order) { $0.from = [F.addr("Alice@customer.com")] }
        let store = try Self.loaded(dir, [(Self.order, "t10"), (copy, "t11")])
        let r = try ReviewChecks.run(store)
        #expect(!r.passed)
        let f = r.findings.filter { $0.check == "duplicate-message" }
        #expect(f.count == 1)
        #expect(f.first?.severity == .failure)
        #expect(f.first?.threadId == "t10")
        #expect(f.first?.messageKey == "mid:order7#0123456789ab")
        #expect(f.first?.detail == "Message-ID order7@mail from alice@customer.com dated 2024-05-03T09:15:02Z is stored "
            + "as 2 messages: mid:order7 (thread t10), mid:order7#0123456789ab (thread t11)")
        #expect(r.status(of: "duplicate-message") == "failed")
        #expect(r.text().contains("FAILED  duplicate-message: no Message-ID is on two messages with the same sender and date"))
    }

    @Test func aMessageIdReusedWithAnotherSenderOrAnotherDateIsNotAFinding() throws {
        let dir = StoreTempDir()
        let otherSender = Self.secondRow(of: Self.order) { $0.from = [F.addr("bob@client.org")] }
        var otherDate = Self.secondRow(of: Self.order) { $0.date = "2024-05-03T09:15:03Z" }
        otherDate.key = "mid:order7#ba9876543210"
        otherDate.copies = [CopyRef(copyId: "main/Lists/copy-3", mailbox: "main", folder: "Lists", flags: [])]
        let store = try Self.loaded(dir, [(Self.order, "t10"), (otherSender, "t11"), (otherDate, "t12")])
        let r = try ReviewChecks.run(store)
        #expect(r.findings.filter { $0.check == "duplicate-message" } == [])
        #expect(r.status(of: "duplicate-message") == "ok")
    }

    @Test func severalEmailsStoredTwiceAreCountedInTheOneFinding() throws {
        let dir = StoreTempDir()
        let other = F.message("order8", from: "bob@client.org", to: [F.owner], subject: "Order 8",
                              date: "2024-05-03T11:00:00Z")
        var otherCopy = Self.secondRow(of: other) { _ in }
        otherCopy.copies = [CopyRef(copyId: "main/Lists/copy-8", mailbox: "main", folder: "Lists", flags: [])]
        let store = try Self.loaded(dir, [(Self.order, "t10"), (Self.secondRow(of: Self.order) { _ in }, "t11"),
                                          (other, "t12"), (otherCopy, "t13")])
        let f = try ReviewChecks.run(store).findings.filter { $0.check == "duplicate-message" }
        #expect(f.count == 1)
        #expect(f.first?.threadId == "t10")
        #expect(f.first?.detail.hasSuffix("(2 emails stored more than once; the first is named)") == true)
    }
}
