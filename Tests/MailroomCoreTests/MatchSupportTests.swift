import Testing
@testable import MailroomCore

/// Fixtures shared by the dedupe, threading and match tests (no tests of its own).
enum Fixture {
    static func address(_ raw: String, name: String? = nil) -> Address {
        var a = AddressNormalizer.parse(raw)!
        a.name = name
        return a
    }

    static func message(copyId: String = "c1", mailbox: String = "inbox-a", messageId: String? = nil,
                        hash: String = String(repeating: "ab", count: 32), date: String? = nil,
                        subject: String = "", from: [Address] = [], sender: Address? = nil,
                        replyTo: [Address] = [], to: [Address] = [], cc: [Address] = [], bcc: [Address] = [],
                        inReplyTo: [String] = [], references: [String] = [], direction: Direction = .received,
                        bulk: [String] = []) -> NormalizedMessage {
        NormalizedMessage(copyId: copyId, mailbox: mailbox, folder: "INBOX", flags: [], messageId: messageId,
                          contentHash: hash, date: date, subject: subject, baseSubject: baseSubject(subject),
                          from: from, sender: sender, replyTo: replyTo, to: to, cc: cc, bcc: bcc,
                          inReplyTo: inReplyTo, references: references, direction: direction, bulk: bulk,
                          issues: [], size: 100, attachments: 0, snippet: "")
    }

    static func deduped(_ key: String, _ m: NormalizedMessage, mailboxes: [String]? = nil) -> DedupedMessage {
        let copies = (mailboxes ?? [m.mailbox]).enumerated().map { i, mb in
            CopyRef(copyId: "\(m.copyId)-\(i)", mailbox: mb, folder: m.folder, flags: [])
        }
        return DedupedMessage(key: key, message: m, copies: copies)
    }

    /// A simple stand-in for the normalizer's base subject: reply prefixes removed, lower-cased.
    static func baseSubject(_ s: String) -> String {
        var t = Substring(s)
        while true {
            let trimmed = t.drop { $0 == " " }
            let lower = trimmed.lowercased()
            if lower.hasPrefix("re:") || lower.hasPrefix("fw:") { t = trimmed.dropFirst(3); continue }
            if lower.hasPrefix("fwd:") { t = trimmed.dropFirst(4); continue }
            return trimmed.lowercased()
        }
    }

    static func hash(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 64 - hex.count) + hex
    }
}

/// A small deterministic random number generator, so shuffled tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
