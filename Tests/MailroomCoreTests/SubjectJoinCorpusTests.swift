import Foundation
import Testing
@testable import MailroomCore

/// Subject grouping on real third-party mail (`../shared/corpora`: single-message files and the mbox files their
/// manifests list), normalized, deduplicated, threaded and matched as the stages do. Skips when it is absent.
@Suite struct SubjectJoinCorpus {
    static var available: Bool { NormalizeCorpora.available }

    /// Every message: single-message files, and each message of the mbox files (split on `From ` lines after a
    /// blank line, enough for these files).
    static func messages() throws -> [(name: String, bytes: [UInt8])] {
        var out = try NormalizeCorpora.singleMessageFiles().map { url in
            (url.lastPathComponent, try [UInt8](Data(contentsOf: url)))
        }
        let root = NormalizeCorpora.corpora
        for dir in try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() {
            let manifest = root.appendingPathComponent(dir).appendingPathComponent("MANIFEST.tsv")
            guard let text = try? String(contentsOf: manifest, encoding: .utf8) else { continue }
            var files: [String] = []
            for line in text.split(separator: "\n").dropFirst() {
                let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
                if cols.count >= 2, cols[1] == "mbox", !files.contains(String(cols[0])) { files.append(String(cols[0])) }
            }
            for f in files {
                let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent(dir).appendingPathComponent(f)))
                let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                var current: [UInt8]?
                var previousBlank = true
                for (n, l) in lines.enumerated() {
                    if previousBlank, l.starts(with: Array("From ".utf8)) {
                        if let c = current { out.append(("\(f)#\(out.count)", c)) }
                        current = []
                    } else if current != nil {
                        current!.append(contentsOf: l)
                        if n < lines.count - 1 { current!.append(UInt8(ascii: "\n")) }
                    }
                    previousBlank = l.isEmpty || l == [0x0D]
                }
                if let c = current { out.append(("\(f)#\(out.count)", c)) }
            }
        }
        return out
    }

    /// Message identities, deduplicated as dedupe does.
    static func identities() throws -> [DedupedMessage] {
        var dedupe = MessageDeduplicator()
        var out: [DedupedMessage] = []
        for (name, bytes) in try messages() {
            guard case .message(let m) = NormalizeCorpora.outcome(bytes, name) else { continue }
            let copy = CopyRef(copyId: m.copyId, mailbox: m.mailbox, folder: m.folder, flags: m.flags)
            if case .keep(let key) = dedupe.observe(m) { out.append(DedupedMessage(key: key, message: m, copies: [copy])) }
        }
        return out
    }

    static func assign(_ ids: [DedupedMessage], days: Int = ThreadBuilder.defaultSubjectJoinDays,
                       _ people: (DedupedMessage) -> [String]) -> ThreadAssignment {
        var b = ThreadBuilder(subjectJoinDays: days)
        for d in ids { b.add(ThreadInput(d)) }
        return b.finish { $0.map { people(ids[$0]) } }
    }

    @Test(.enabled(if: available, "../shared/corpora is absent: subject joins on real mail skipped"))
    func noSubjectJoinOnRealMailMergesThreadsWithoutASharedParticipant() throws {
        let ids = try Self.identities()
        #expect(ids.count > 300)
        let insiders = InternalAddresses(ownDomains: NormalizeFixture.settings.ownDomains,
                                         owner: Set(NormalizeFixture.settings.owner))
        let external = Dictionary(ids.map { ($0.key, Set(insiders.externalKeys(DedupedMatchFields($0)))) }) { a, _ in a }
        let a = Self.assign(ids) { insiders.externalKeys(DedupedMatchFields($0)) }
        var members: [String: [String]] = [:]
        for d in ids { members[a.threadId(for: d.key)!, default: []].append(d.key) }
        var joins = 0
        for d in ids where a.joinedBySubject(key: d.key) {
            joins += 1
            let others = members[a.threadId(for: d.key)!]!.filter { $0 != d.key }
                .reduce(into: Set<String>()) { $0.formUnion(external[$1] ?? []) }
            #expect(!external[d.key]!.isDisjoint(with: others), "\(d.key) joined by subject a thread of strangers")
            #expect(ThreadInput(d).inReplyTo.isEmpty && ThreadInput(d).references.isEmpty, "\(d.key)")
        }
        #expect(joins == a.subjectJoins)

        // The same mail where nobody shares an address: subject grouping must then join nothing, although the
        // old rule (any header-less reply joined the earliest thread of its subject) had replies to place.
        let strangers = Self.assign(ids, days: 36_500) { ["only-\($0.key)"] }
        #expect(strangers.subjectJoins == 0)
        let everyone = Self.assign(ids, days: 36_500) { _ in ["same@example.org"] }
        #expect(everyone.subjectJoins > 0, "the corpora hold header-less replies to place")
        #expect(everyone.subjectJoins >= a.subjectJoins)
    }

    /// Conversations counted independently of the thread builder: a union-find over message keys, a message
    /// joined to the Message-ID it owns (a reused id's `#hash` copy owns none) and to every id its In-Reply-To and
    /// References name. Without subject grouping the threads are exactly those components; with it, each subject
    /// join merges two of them, so there are as many fewer threads as joins.
    @Test(.enabled(if: available, "../shared/corpora is absent: thread counts on real mail skipped"))
    func threadsOnRealMailAreTheReferenceComponentsLessTheSubjectJoins() throws {
        let ids = try Self.identities()
        var parent: [String: String] = [:]
        func find(_ x: String) -> String {
            var r = x
            while let p = parent[r], p != r { r = p }
            var y = x
            while let p = parent[y], p != r { parent[y] = r; y = p }
            return r
        }
        func union(_ a: String, _ b: String) {
            if parent[a] == nil { parent[a] = a }
            if parent[b] == nil { parent[b] = b }
            let (ra, rb) = (find(a), find(b))
            if ra != rb { parent[ra] = rb }
        }
        for d in ids {
            let t = ThreadInput(d)
            union("key:" + t.key, "key:" + t.key)
            if let id = t.messageId, t.key == "mid:" + id { union("key:" + t.key, "id:" + id) }
            for ref in t.inReplyTo + t.references { union("key:" + t.key, "id:" + ref) }
        }
        let components = Set(ids.map { find("key:" + $0.key) }).count
        #expect(components > 100 && components < ids.count, "the corpora hold threads of several messages")

        let off = Self.assign(ids, days: 0) { _ in [] }
        #expect(off.subjectJoins == 0)
        #expect(off.threadCount == components)
        let insiders = InternalAddresses(ownDomains: NormalizeFixture.settings.ownDomains,
                                         owner: Set(NormalizeFixture.settings.owner))
        let usual = Self.assign(ids) { insiders.externalKeys(DedupedMatchFields($0)) }
        #expect(usual.threadCount == components - usual.subjectJoins)
    }
}
