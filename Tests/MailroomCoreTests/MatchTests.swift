import Foundation
import Synchronization
import Testing
@testable import MailroomCore

@Suite struct ContactMatching {
    static let contacts = [
        ContactDuplicateGroups.contact("ann", "ann@client.example", "ann.private@mail.example"),
        ContactDuplicateGroups.contact("bob", "not an address", "Bob@Client.example"),
        ContactDuplicateGroups.contact("gm", "jane.doe@gmail.com"),
        ContactDuplicateGroups.contact("s1", "shared@client.example"),
        ContactDuplicateGroups.contact("s2", "other@client.example", "SHARED@client.example"),
        ContactDuplicateGroups.contact("t1", "team+a@client.example"),
        ContactDuplicateGroups.contact("t2", "team+b@client.example"),
        ContactDuplicateGroups.contact("exact", "tag+x@client.example"),
        ContactDuplicateGroups.contact("fold", "tag@client.example"),
        ContactDuplicateGroups.contact("staff", "alice@ourco.example"),
    ]

    @Test(arguments: [
        ("ANN@client.example", ContactLookup.match(contactId: "ann", rule: .primaryEmail)),
        ("ann.private@mail.example", .match(contactId: "ann", rule: .otherEmail)),
        ("bob@client.example", .match(contactId: "bob", rule: .primaryEmail)),  // first usable email is primary
        ("janedoe+news@googlemail.com", .match(contactId: "gm", rule: .folded)),
        ("ann+crm@client.example", .match(contactId: "ann", rule: .folded)),
        ("shared@client.example", .ambiguous(["s1", "s2"])),
        ("team@client.example", .ambiguous(["t1", "t2"])),
        ("tag+x@client.example", .match(contactId: "exact", rule: .primaryEmail)),  // exact level decides
        ("stranger@client.example", .none),
        ("ann@client.example.evil", .none),
    ] as [(String, ContactLookup)])
    func addressesLinkAtTheMostExactLevelThatMatches(raw: String, expected: ContactLookup) {
        let index = ContactIndex(contacts: Self.contacts)
        #expect(index.lookup(Fixture.address(raw)) == expected)
    }
}

@Suite struct MatcherBehaviour {
    static let own = ["ourco.example"]
    static let owner: Set<String> = ["me@personal.example"]
    static let index = ContactIndex(contacts: ContactMatching.contacts)
    static let me = Fixture.address("me@personal.example")
    static let alice = Fixture.address("alice@ourco.example")
    static let bob = Fixture.address("bob@sales.ourco.example")
    static let ann = Fixture.address("ann@client.example")
    static let shared = Fixture.address("shared@client.example")
    static let stranger = Fixture.address("stranger@else.example")

    static func run(_ messages: [(String, NormalizedMessage, String)])
        -> (links: [ParticipantLink], threads: [ThreadRecord], unmatched: [UnmatchedAddress])
    {
        var matcher = Matcher(ownDomains: own, owner: owner, contacts: index)
        var links: [ParticipantLink] = []
        for (key, m, thread) in messages { links += matcher.add(Fixture.deduped(key, m), threadId: thread) }
        let (threads, unmatched) = matcher.finish()
        return (links, threads, unmatched)
    }

    /// `threadOrder` and `record(at:of:)` (what the runner makes on every core): the records, made in any order
    /// and on several threads at once, are `finish()`'s, in its order. 400 random messages in 120 threads, with
    /// contacts, internal, unmatched and undated messages, several mailboxes and a thread id that is not a digest.
    @Test func threadRecordsMadeOutOfOrderOnSeveralThreadsAreFinishs() {
        var g = SystemRandomNumberGenerator()
        let people = [Self.me, Self.alice, Self.bob, Self.ann, Self.shared, Self.stranger] + (0..<30).map {
            Fixture.address("person\($0)@client\($0 % 7).example", name: $0 % 3 == 0 ? "Person \($0)" : nil)
        }
        var matcher = Matcher(ownDomains: Self.own, owner: Self.owner, contacts: Self.index)
        for k in 0..<400 {
            let day = Int.random(in: 1...28, using: &g)
            let m = Fixture.message(copyId: "c\(k)", mailbox: ["a", "b", "c"].randomElement(using: &g)!,
                                    date: k % 17 == 0 ? nil : "2024-02-\(day < 10 ? "0" : "")\(day)T09:00:00Z",
                                    subject: "s\(k % 40)", from: [people.randomElement(using: &g)!],
                                    to: (0..<Int.random(in: 1...3, using: &g)).map { _ in people.randomElement(using: &g)! },
                                    cc: Bool.random(using: &g) ? [people.randomElement(using: &g)!] : [],
                                    direction: Bool.random(using: &g) ? .sent : .received)
            let thread = k % 120 == 5 ? "thread-named-\(k % 3)" : ThreadIdDigest.string(ThreadIdDigest.of(rootId: "r\(k % 120)"))
            _ = matcher.add(Fixture.deduped("mid:\(k)", m), threadId: thread)
        }
        let (threads, unmatched) = matcher.finish()
        let order = matcher.threadOrder()
        #expect(order.count == threads.count && threads.count > 100)
        #expect(matcher.unmatchedRecords() == unmatched)
        #expect((0..<order.count).reversed().map { matcher.record(at: $0, of: order) }.reversed() == threads)
        let made = Mutex([ThreadRecord?](repeating: nil, count: order.count))
        let finished = matcher
        DispatchQueue.concurrentPerform(iterations: 4) { w in
            for i in stride(from: w, to: order.count, by: 4) {
                let r = finished.record(at: i, of: order)
                made.withLock { $0[i] = r }
            }
        }
        #expect(made.withLock { $0 } == threads.map { Optional($0) })
    }

    @Test func linksCoverEveryRoleInHeaderOrder() {
        let m = Fixture.message(from: [Self.ann], sender: Self.alice, replyTo: [Self.shared], to: [Self.me],
                                cc: [Self.stranger], bcc: [Self.bob])
        let links = Self.run([("mid:1", m, "t1")]).links
        #expect(links.map(\.role) == ["from", "sender", "reply-to", "to", "cc", "bcc"])
        #expect(links.map(\.isInternal) == [false, true, false, true, false, true])
        #expect(links[0].contactId == "ann" && links[0].rule == .primaryEmail && links[0].ambiguous.isEmpty)
        #expect(links[2].contactId == nil && links[2].rule == nil && links[2].ambiguous == ["s1", "s2"])
        #expect(links[4].contactId == nil && links[4].ambiguous.isEmpty)
        #expect(links.allSatisfy { $0.messageKey == "mid:1" && $0.threadId == "t1" })
    }

    @Test func anAddressRepeatedInOneRoleGetsOneLink() {
        let m = Fixture.message(from: [Self.ann], to: [Self.stranger, Fixture.address("Stranger@else.example")],
                                cc: [Self.stranger])
        let links = Self.run([("mid:1", m, "t1")]).links
        #expect(links.map { "\($0.role) \($0.address)" } == [
            "from ann@client.example", "to stranger@else.example", "cc stranger@else.example",
        ])
    }

    @Test func anInternalOnlyThreadIsNeverLinkedEvenWhenAContactHoldsAnInternalAddress() throws {
        // The contact "staff" saves alice@ourco.example, and the owner's own address is internal by owner list.
        let m = Fixture.message(from: [Self.alice], to: [Self.me, Self.bob])
        let (links, threads, unmatched) = Self.run([("mid:1", m, "t1")])
        #expect(links.allSatisfy { $0.isInternal && $0.contactId == nil && $0.ambiguous.isEmpty })
        let t = try #require(threads.first)
        #expect(t.classification == .internalOnly)
        #expect(t.contacts.isEmpty)
        #expect(t.external.isEmpty)
        #expect(unmatched.isEmpty)
    }

    @Test(arguments: [
        ("internal people only", [[alice], [bob, me]], ThreadClass.internalOnly),
        ("one linked customer in a later message", [[alice, bob], [alice, ann]], .matched),
        ("linked customer and a stranger", [[ann, stranger, alice]], .matched),
        ("stranger only", [[alice, stranger]], .unmatched),
        ("ambiguous address does not match", [[alice, shared]], .unmatched),
    ] as [(String, [[Address]], ThreadClass)])
    func threadsAreClassifiedByTheirExternalParticipants(_ label: String, messages: [[Address]], expected: ThreadClass) {
        let input = messages.enumerated().map { i, people in
            ("mid:\(i)", Fixture.message(copyId: "c\(i)", from: [people[0]], to: Array(people.dropFirst())), "t1")
        }
        #expect(Self.run(input).threads.map(\.classification) == [expected], "\(label)")
    }

    @Test func threadRecordsSummariseTheirMessages() throws {
        let annUpper = Fixture.address("Ann@client.example")
        let run = Self.run([
            ("mid:late", Fixture.message(copyId: "c1", mailbox: "inbox-b", date: "2024-03-02T00:00:00Z",
                                         subject: "Re: Offer", from: [Self.ann], to: [Self.me]), "tA"),
            ("mid:undated", Fixture.message(copyId: "c2", subject: "Re: Offer", from: [Self.me], to: [annUpper],
                                            direction: .sent), "tA"),
            ("mid:early", Fixture.message(copyId: "c3", mailbox: "inbox-a", date: "2024-03-01T00:00:00Z",
                                          subject: "Offer", from: [Self.me], to: [Self.ann], cc: [Self.stranger],
                                          direction: .sent), "tA"),
            ("mid:z", Fixture.message(copyId: "c4", from: [Self.alice], to: [Self.bob]), "t0"),
        ])
        #expect(run.threads.map(\.threadId) == ["t0", "tA"])
        let t = run.threads[1]
        #expect(t == ThreadRecord(
            threadId: "tA", classification: .matched, subject: "Offer",
            messageKeys: ["mid:early", "mid:late", "mid:undated"],
            firstDate: "2024-03-01T00:00:00Z", lastDate: "2024-03-02T00:00:00Z", sent: 2, received: 1,
            participants: ["Ann@client.example", "me@personal.example", "stranger@else.example"],
            external: ["Ann@client.example", "stranger@else.example"],
            contacts: [ThreadContact(contactId: "ann", address: "Ann@client.example", rule: .primaryEmail)],
            mailboxes: ["inbox-a", "inbox-b"]))
    }

    @Test func unmatchedAddressesAreCountedAndOrdered() {
        let x = Fixture.address("x@else.example", name: "Old X")
        let xNamed = Fixture.address("x@else.example", name: "New X")
        let y = Fixture.address("y@else.example", name: "Y")
        let z = Fixture.address("z@else.example")
        let news = Fixture.address("news@list.example")
        let run = Self.run([
            ("mid:1", Fixture.message(copyId: "1", date: "2024-01-01T00:00:00Z", from: [x], to: [Self.me]), "t1"),
            ("mid:2", Fixture.message(copyId: "2", date: "2024-01-05T00:00:00Z", from: [Self.me], to: [xNamed, y],
                                      cc: [x], direction: .sent), "t2"),
            ("mid:3", Fixture.message(copyId: "3", date: "2024-01-09T00:00:00Z", from: [y], to: [Self.me]), "t2"),
            ("mid:4", Fixture.message(copyId: "4", from: [z], to: [Self.me]), "t3"),
            ("mid:5", Fixture.message(copyId: "5", date: "2024-01-02T00:00:00Z", from: [news], to: [Self.me],
                                      bulk: ["list-id"]), "t4"),
            ("mid:6", Fixture.message(copyId: "6", date: "2024-01-03T00:00:00Z", from: [news], to: [Self.me],
                                      bulk: ["list-unsubscribe"]), "t4"),
            ("mid:7", Fixture.message(copyId: "7", from: [Self.ann], to: [Self.shared, Self.me]), "t5"),
        ])
        #expect(run.unmatched == [
            UnmatchedAddress(address: "y@else.example", name: "Y", messages: 2, threads: 1, sentTo: 1,
                             lastSeen: "2024-01-09T00:00:00Z", bulkOnly: false),
            UnmatchedAddress(address: "x@else.example", name: "New X", messages: 2, threads: 2, sentTo: 1,
                             lastSeen: "2024-01-05T00:00:00Z", bulkOnly: false),
            UnmatchedAddress(address: "news@list.example", name: nil, messages: 2, threads: 1, sentTo: 0,
                             lastSeen: "2024-01-03T00:00:00Z", bulkOnly: true),
            UnmatchedAddress(address: "z@else.example", name: nil, messages: 1, threads: 1, sentTo: 0,
                             lastSeen: nil, bulkOnly: false),
        ])
    }

    @Test func finishDoesNotDependOnMessageOrder() {
        var input: [(String, NormalizedMessage, String)] = []
        let people = [Self.ann, Self.stranger, Self.alice, Self.shared,
                      Fixture.address("q@else.example", name: "Q"), Fixture.address("Q@else.example", name: "Q2")]
        for i in 0..<24 {
            let date: String? = i % 5 == 0 ? nil : "2024-05-\(10 + i % 7)T00:00:00Z"
            let m = Fixture.message(copyId: "c\(i)", mailbox: "box\(i % 3)", date: date, subject: "s\(i)",
                                    from: [people[i % people.count]], to: [Self.me, people[(i + 2) % people.count]],
                                    direction: i % 4 == 0 ? .sent : .received, bulk: i % 6 == 0 ? ["list-id"] : [])
            input.append(("mid:\(i)", m, "t\(i % 4)"))
        }
        let expected = Self.run(input)
        var rng = SplitMix64(seed: 3)
        for _ in 0..<10 {
            let again = Self.run(input.shuffled(using: &rng))
            #expect(again.threads == expected.threads)
            #expect(again.unmatched == expected.unmatched)
        }
    }
}

/// A thread with a thousand participants and more (a long list thread) keeps each once with its smallest spelling,
/// as a small one does, also once its participants are indexed rather than scanned.
@Suite struct LargeThreadTests {
    @Test func aThreadWithAThousandParticipantsKeepsEachOnceWithItsSmallestSpelling() {
        let people = (0..<1200).map { Fixture.address("p\($0)@list.example") }
        var messages: [(String, NormalizedMessage, String)] = (0..<40).map { i in
            ("mid:\(i)", Fixture.message(messageId: "\(i)@x", from: [MatcherBehaviour.ann],
                                         to: Array(people[(i * 30)..<(i * 30 + 30)])), "t1")
        }
        // Later spellings of early participants: the upper-case local part is the smaller one (same key) and
        // replaces the first.
        let again = [Fixture.address("P5@list.example"), Fixture.address("p1199@list.example")]
        messages.append(("mid:late", Fixture.message(messageId: "late@x", from: [MatcherBehaviour.ann], to: again), "t1"))
        let thread = MatcherBehaviour.run(messages).threads[0]
        #expect(thread.participants.count == 1201)
        #expect(thread.external.count == 1201)
        #expect(thread.participants.contains("P5@list.example"))
        #expect(!thread.participants.contains("p5@list.example"))
        #expect(Set(thread.participants).count == thread.participants.count)
    }
}
