import Foundation
import GRDB
@testable import MailroomIO

/// A fresh temporary folder per test, removed afterwards.
final class StoreTempDir {
    let url: URL
    var path: String { url.path }

    init() {
        url = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("mailroom-store-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Builds small, consistent run records (messages, threads, links, contacts) the way the stages would.
enum StoreFixture {
    static let ownDomains = ["example.com"]
    static let owner = "me@example.com"

    static func addr(_ s: String, name: String? = nil) -> Address {
        var a = AddressNormalizer.parse(s)!
        a.name = name
        return a
    }

    static func contact(_ id: String, _ name: String, _ emails: [String], line: Int = 1) -> Contact {
        Contact(id: id, name: name, emails: emails.map { raw in
            let a = AddressNormalizer.parse(raw)
            return ContactEmail(raw: raw, address: a?.address, key: a?.key,
                                foldedKey: a.map { AddressNormalizer.foldedKey($0) },
                                issue: a == nil ? "not-an-address" : nil)
        }, line: line)
    }

    /// A message with one copy. `from`/`to` are addresses; direction follows the owner.
    static func message(_ key: String, from: String, to: [String], cc: [String] = [], subject: String = "Hello",
                        date: String? = "2024-05-01T10:00:00Z", mailbox: String = "main", folder: String = "INBOX",
                        copyId: String? = nil, toNames: [String: String] = [:]) -> DedupedMessage {
        let direction: Direction = from == owner ? .sent : .received
        let copy = copyId ?? "\(mailbox)/\(folder)/\(key)"
        let m = NormalizedMessage(
            copyId: copy, mailbox: mailbox, folder: folder, flags: ["seen"], messageId: key + "@mail",
            contentHash: "hash-" + key, date: date, subject: subject, baseSubject: subject.lowercased(),
            from: [addr(from)], sender: nil, replyTo: [], to: to.map { addr($0, name: toNames[$0]) },
            cc: cc.map { addr($0) }, bcc: [], inReplyTo: [], references: [], direction: direction, bulk: [],
            issues: [], size: 100, attachments: 0, snippet: "snippet of " + key)
        return DedupedMessage(key: "mid:" + key, message: m,
                              copies: [CopyRef(copyId: copy, mailbox: mailbox, folder: folder, flags: ["seen"])])
    }

    static func isInternal(_ a: Address) -> Bool { ownDomains.contains(a.domain) }

    /// The match stage in miniature: threads (given as message key → thread id) and links against `contacts`.
    /// `subjectJoins`: keys of messages to record as joined to their thread by subject.
    static func input(_ messages: [DedupedMessage], threads assignment: [String: String],
                      contacts: [Contact], subjectJoins: Set<String> = []) -> LoadInput {
        var owners: [String: [(String, MatchRule)]] = [:]
        for c in contacts {
            for (i, e) in c.emails.enumerated() {
                guard let k = e.key else { continue }
                owners[k, default: []].append((c.id, i == 0 ? .primaryEmail : .otherEmail))
            }
        }
        var links: [ParticipantLink] = []
        var byThread: [String: [DedupedMessage]] = [:]
        for d in messages {
            let t = assignment[d.key]!
            byThread[t, default: []].append(d)
            for (role, a) in d.message.allAddresses {
                let o = isInternal(a) ? [] : (owners[a.key] ?? [])
                links.append(ParticipantLink(messageKey: d.key, threadId: t, role: role, address: a.address,
                                             isInternal: isInternal(a), contactId: o.count == 1 ? o[0].0 : nil,
                                             rule: o.count == 1 ? o[0].1 : nil,
                                             ambiguous: o.count > 1 ? o.map(\.0).sorted() : []))
            }
        }
        var threads: [ThreadRecord] = []
        for (t, ms) in byThread.sorted(by: { $0.key < $1.key }) {
            let all = Set(ms.flatMap { $0.message.allAddresses.map { $0.address.address } })
            let external = ms.flatMap { $0.message.allAddresses.map(\.address) }.filter { !isInternal($0) }
            let extAddrs = Set(external.map(\.address)).sorted()
            var tcs: [ThreadContact] = []
            for a in Set(external.map(\.key)).sorted() {
                if let o = owners[a], o.count == 1 {
                    tcs.append(ThreadContact(contactId: o[0].0, address: a, rule: o[0].1))
                }
            }
            let cls: ThreadClass = extAddrs.isEmpty ? .internalOnly : (tcs.isEmpty ? .unmatched : .matched)
            let sorted = ms.sorted { ($0.message.date ?? "~", $0.key) < ($1.message.date ?? "~", $1.key) }
            threads.append(ThreadRecord(
                threadId: t, classification: cls, subject: sorted[0].message.subject,
                messageKeys: sorted.map(\.key), firstDate: sorted.first?.message.date,
                lastDate: sorted.last?.message.date, sent: ms.filter { $0.message.direction == .sent }.count,
                received: ms.filter { $0.message.direction == .received }.count, participants: all.sorted(),
                external: extAddrs, contacts: tcs, mailboxes: Array(Set(ms.map(\.message.mailbox))).sorted(),
                subjectJoins: ms.map(\.key).filter(subjectJoins.contains).sorted()))
        }
        return LoadInput(contacts: RecordSource(contacts), threads: RecordSource(threads),
                         messages: RecordSource(messages), links: RecordSource(links))
    }

    /// Two customers on contacts, an internal thread, an unmatched thread with a sent message to a newcomer.
    static let contacts = [
        contact("c1", "Alice Customer", ["alice@customer.com", "a.customer@gmail.com"], line: 2),
        contact("c2", "Bob Client", ["Bob@Client.org"], line: 3),
    ]

    static let messages: [DedupedMessage] = [
        message("m1", from: "alice@customer.com", to: [owner], subject: "Order", date: "2024-05-01T09:00:00Z"),
        message("m2", from: owner, to: ["alice@customer.com"], subject: "Re: Order", date: "2024-05-01T10:00:00Z",
                folder: "Sent"),
        message("m3", from: owner, to: ["colleague@example.com"], subject: "Lunch", date: "2024-05-02T10:00:00Z",
                folder: "Sent"),
        message("m4", from: "stranger@other.net", to: [owner], subject: "Offer", date: "2024-05-03T10:00:00Z"),
        message("m5", from: owner, to: ["new.person@prospect.io"], cc: ["bob@client.org"], subject: "Intro",
                date: "2024-05-04T10:00:00Z", folder: "Sent", toNames: ["new.person@prospect.io": "New Person"]),
        message("m6", from: "colleague@example.com", to: [owner], subject: "Re: Lunch", date: "2024-05-02T11:00:00Z"),
    ]

    static let threads = ["mid:m1": "t1", "mid:m2": "t1", "mid:m3": "t2", "mid:m6": "t2", "mid:m4": "t3",
                          "mid:m5": "t4"]

    static let run = LoadRunInfo(runId: "run-1", windowStart: "2024-04-25T00:00:00Z",
                                 windowEnd: "2024-05-05T00:00:00Z", mailboxes: ["main"])

    /// `count` messages in `count / 3` threads, alternating sent and received, for batch and crash tests.
    static func many(_ count: Int) -> (messages: [DedupedMessage], threads: [String: String]) {
        var ms: [DedupedMessage] = []
        var ts: [String: String] = [:]
        for i in 0..<count {
            let key = String(format: "n%03d", i)
            let other = i % 4 == 0 ? "colleague@example.com" : (i % 4 == 1 ? "alice@customer.com" : "x\(i % 5)@ext.net")
            let sent = i % 2 == 0
            let d = String(format: "2024-05-%02dT%02d:00:00Z", 1 + i % 28, i % 24)
            ms.append(message(key, from: sent ? owner : other, to: [sent ? other : owner], subject: "S\(i / 3)",
                              date: d, folder: sent ? "Sent" : "INBOX"))
            ts["mid:" + key] = String(format: "tt%02d", i / 3)
        }
        return (ms, ts)
    }

    static func open(_ dir: StoreTempDir, _ name: String = "crm.sqlite") throws -> CRMStore {
        try CRMStore.open(path: dir.file(name))
    }

    static func load(_ store: CRMStore, _ input: LoadInput, run: LoadRunInfo = run,
                     options: LoadOptions = LoadOptions(), fault: FaultHook = .none) throws -> LoadSummary {
        try StoreLoader(store: store, options: options, fault: fault).load(run, input)
    }
}

extension RecordSource {
    /// Every record, in order.
    func all() throws -> [R] {
        var out: [R] = []
        try forEach { out.append($0) }
        return out
    }
}
