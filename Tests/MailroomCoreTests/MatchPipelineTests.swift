import Testing
@testable import MailroomCore

/// The pure core of dedupe and match wired together the way the stage runner streams it: contacts file →
/// contact index; normalized copies → deduplicator → identities → thread builder → matcher.
@Suite struct MatchPipeline {
    static let csv = """
        id,name,emails\r
        c1,Ann Client,ann@client.example;ann.alt@client.example\r
        c2,Jane Gmail,jane.doe@gmail.com\r
        c3,Staff Alias,alice@ourco.example\r

        """

    static let alice = Fixture.address("alice@ourco.example", name: "Alice")
    static let ann = Fixture.address("Ann@client.example", name: "Ann")
    static let jane = Fixture.address("janedoe+news@googlemail.com", name: "Jane")
    static let stranger = Fixture.address("sales@vendor.example", name: "Vendor Sales")
    static let bob = Fixture.address("bob@ourco.example")

    static let copies: [NormalizedMessage] = [
        Fixture.message(copyId: "a1", mailbox: "alice", messageId: "1@client.example", hash: Fixture.hash(1),
                        date: "2024-01-01T09:00:00Z", subject: "Quote", from: [ann], to: [alice]),
        Fixture.message(copyId: "a2", mailbox: "alice", messageId: "2@ourco.example", hash: Fixture.hash(2),
                        date: "2024-01-02T09:00:00Z", subject: "Re: Quote", from: [alice], to: [ann],
                        inReplyTo: ["1@client.example"], references: ["1@client.example"], direction: .sent),
        Fixture.message(copyId: "a3", mailbox: "alice", hash: Fixture.hash(3), date: "2024-01-03T09:00:00Z",
                        subject: "Hello", from: [jane], to: [alice]),
        Fixture.message(copyId: "a4", mailbox: "alice", messageId: "4@ourco.example", hash: Fixture.hash(4),
                        date: "2024-01-04T09:00:00Z", subject: "Lunch", from: [alice], to: [bob], direction: .sent),
        Fixture.message(copyId: "a5", mailbox: "alice", messageId: "5@vendor.example", hash: Fixture.hash(5),
                        date: "2024-01-05T09:00:00Z", subject: "Offer", from: [stranger], to: [alice],
                        bulk: ["list-unsubscribe"]),
        // The same reply again, archived in a second mailbox.
        Fixture.message(copyId: "b1", mailbox: "bob", messageId: "2@ourco.example", hash: Fixture.hash(2),
                        date: "2024-01-02T09:00:00Z", subject: "Re: Quote", from: [alice], to: [ann],
                        inReplyTo: ["1@client.example"], references: ["1@client.example"], direction: .sent),
    ]

    @Test func contactsCopiesThreadsAndMatchesComeOutAsRecords() throws {
        let (contacts, issues) = ContactsCSV.parse(Array(Self.csv.utf8))
        #expect(issues.isEmpty)
        #expect(ContactDuplicates.groups(contacts).isEmpty)

        // Dedupe: identities in first-copy order, later copies appended.
        var dedupe = MessageDeduplicator()
        var identities: [DedupedMessage] = []
        var position: [String: Int] = [:]
        var dropped: [DroppedCopy] = []
        for m in Self.copies {
            let copy = CopyRef(copyId: m.copyId, mailbox: m.mailbox, folder: m.folder, flags: m.flags)
            switch dedupe.observe(m) {
            case .keep(let key):
                position[key] = identities.count
                identities.append(DedupedMessage(key: key, message: m, copies: [copy]))
            case .duplicate(let key, let reason):
                identities[position[key]!].copies.append(copy)
                dropped.append(DroppedCopy(copyId: m.copyId, mailbox: m.mailbox, folder: m.folder, key: key,
                                           reason: reason))
            }
        }
        #expect(identities.map(\.key) == ["mid:1@client.example", "mid:2@ourco.example", "hash:" + Fixture.hash(3),
                                          "mid:4@ourco.example", "mid:5@vendor.example"])
        #expect(dropped.map(\.reason) == ["same-message-id"])

        var builder = ThreadBuilder()
        for d in identities { builder.add(ThreadInput(d)) }
        let assignment = builder.finish()
        #expect(assignment.threadCount == 4)

        var matcher = Matcher(ownDomains: ["OurCo.example"], owner: [Self.alice.key],
                              contacts: ContactIndex(contacts: contacts))
        var links: [ParticipantLink] = []
        for d in identities {
            links += matcher.add(d, threadId: try #require(assignment.threadId(for: d.key)))
        }
        let (threads, unmatched) = matcher.finish()

        let quote = ThreadBuilder.threadId(rootId: "1@client.example")
        #expect(links.filter { $0.threadId == quote }.map { "\($0.role) \($0.contactId ?? "-") \($0.isInternal)" }
            == ["from c1 false", "to - true", "from - true", "to c1 false"])
        #expect(threads.map(\.threadId) == threads.map(\.threadId).sorted())
        let byId = Dictionary(uniqueKeysWithValues: threads.map { ($0.threadId, $0) })
        let q = try #require(byId[quote])
        #expect(q.classification == .matched)
        #expect(q.messageKeys == ["mid:1@client.example", "mid:2@ourco.example"])
        #expect(q.mailboxes == ["alice", "bob"])
        #expect((q.sent, q.received) == (1, 1))
        #expect(q.contacts == [ThreadContact(contactId: "c1", address: "Ann@client.example", rule: .primaryEmail)])

        let hello = try #require(byId[ThreadBuilder.threadId(rootId: "hash:" + Fixture.hash(3))])
        #expect(hello.contacts == [ThreadContact(contactId: "c2", address: "janedoe+news@googlemail.com",
                                                 rule: .folded)])
        #expect(byId[ThreadBuilder.threadId(rootId: "4@ourco.example")]?.classification == .internalOnly)
        #expect(byId[ThreadBuilder.threadId(rootId: "5@vendor.example")]?.classification == .unmatched)
        #expect(unmatched == [UnmatchedAddress(address: "sales@vendor.example", name: "Vendor Sales", messages: 1,
                                               threads: 1, sentTo: 0, lastSeen: "2024-01-05T09:00:00Z",
                                               bulkOnly: true)])

        // Records serialize byte for byte the same on a rerun.
        func bytes() -> [[UInt8]] { threads.map { $0.jsonBytes() } + unmatched.map { $0.jsonBytes() } }
        var again = Matcher(ownDomains: ["ourco.example"], owner: [Self.alice.key],
                            contacts: ContactIndex(contacts: contacts))
        for d in identities.reversed() { _ = again.add(d, threadId: assignment.threadId(for: d.key)!) }
        let (t2, u2) = again.finish()
        #expect(t2.map { $0.jsonBytes() } + u2.map { $0.jsonBytes() } == bytes())
    }
}
