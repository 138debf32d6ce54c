extension ThreadBuilder {
    /// One message identity as the builder keeps it: string ids into `strings`, a range of `links` and a packed
    /// date (about 40 bytes plus 4 per linked id, the strings shared).
    struct Entry {
        /// The key's string id: of the part after `mid:` when `keyIsMid`, else of the whole key.
        var key: Int32
        /// -1 when there is none.
        var messageId: Int32
        var baseSubject: Int32
        /// In-Reply-To ids, then References ids, from here in `links`.
        var linkStart: Int32
        var inReplyToCount: Int32
        var referencesCount: Int32
        /// See `DateTable`.
        var date: Int64
        var keyIsMid: Bool
        var subjectIsReply: Bool

        var inReplyTo: Range<Int> { Int(linkStart)..<Int(linkStart + inReplyToCount) }
        var references: Range<Int> { Int(linkStart + inReplyToCount)..<Int(linkStart + inReplyToCount + referencesCount) }

        /// Has neither In-Reply-To nor References: only then may the subject place it in a thread.
        var hasNoThreadHeaders: Bool { inReplyToCount == 0 && referencesCount == 0 }
    }

    static let midPrefix: [UInt8] = Array("mid:".utf8)

    /// Interns the input's strings and appends its links.
    mutating func makeEntry(_ m: ThreadInput) -> Entry {
        var key = m.key
        let keyIsMid = key.utf8.starts(with: Self.midPrefix)
        let keyId = key.withUTF8 { strings.intern(UnsafeBufferPointer(rebasing: $0[(keyIsMid ? 4 : 0)...])) }
        let start = Int32(links.count)
        for id in m.inReplyTo { links.append(strings.intern(id)) }
        for id in m.references { links.append(strings.intern(id)) }
        return Entry(key: keyId, messageId: m.messageId.map { strings.intern($0) } ?? -1,
                     baseSubject: strings.intern(m.baseSubject), linkStart: start,
                     inReplyToCount: Int32(m.inReplyTo.count), referencesCount: Int32(m.references.count),
                     date: dates.code(m.date), keyIsMid: keyIsMid, subjectIsReply: m.subjectIsReply)
    }

    /// The input an entry was made from.
    func input(_ e: Entry) -> ThreadInput {
        ThreadInput(key: key(e), messageId: e.messageId < 0 ? nil : strings.string(e.messageId),
                    inReplyTo: links[e.inReplyTo].map { strings.string($0) },
                    references: links[e.references].map { strings.string($0) },
                    baseSubject: strings.string(e.baseSubject), subjectIsReply: e.subjectIsReply,
                    date: dates.string(e.date))
    }

    func key(_ e: Entry) -> String {
        e.keyIsMid ? "mid:" + strings.string(e.key) : strings.string(e.key)
    }

    /// The message's container is registered under its Message-ID only when it is the first identity with that
    /// id (its key is `mid:<id>`); a reused id (`mid:<id>#…`) or a missing one gets a container of its own.
    func registeredId(_ e: Entry) -> (canonical: Int32, spelling: Int32)? {
        guard e.messageId >= 0, !strings.isEmpty(e.messageId), e.keyIsMid, strings.equal(e.key, e.messageId)
        else { return nil }
        return (strings.canonical(e.messageId), e.messageId)
    }

    /// A linked id that can name a parent: not empty, not the message's own id.
    func isOtherId(_ id: Int32, of e: Entry) -> Bool {
        !strings.isEmpty(id) && !(e.messageId >= 0 && strings.equal(id, e.messageId))
    }

    /// The parent the message names itself: a sane In-Reply-To (exactly one id, not its own), else the last
    /// References id that is not its own. A message that reuses another's id (key `mid:<id>#…`) and names no
    /// other id than its own names the message keyed `mid:<id>` (a help desk's update reusing the ticket's id).
    func parentClaim(_ e: Entry) -> Int32? {
        if e.inReplyToCount == 1, isOtherId(links[Int(e.linkStart)], of: e) { return links[Int(e.linkStart)] }
        if let p = links[e.references].last(where: { isOtherId($0, of: e) }) { return p }
        guard reusesId(e), namesOwnId(e) else { return nil }
        return e.messageId
    }

    /// The message reuses an earlier message's Message-ID: its key is `mid:<id>#…`, so its container is not
    /// registered under the id.
    func reusesId(_ e: Entry) -> Bool {
        e.keyIsMid && e.messageId >= 0 && !strings.isEmpty(e.messageId) && registeredId(e) == nil
    }

    /// The message (which has a Message-ID) names its own id in In-Reply-To or References.
    func namesOwnId(_ e: Entry) -> Bool {
        links[e.inReplyTo.lowerBound..<e.references.upperBound].contains { strings.equal($0, e.messageId) }
    }

    /// The order of the keys as strings (negative, zero or positive).
    func compareKeys(_ a: Entry, _ b: Entry) -> Int {
        if a.keyIsMid == b.keyIsMid { return strings.compare(a.key, b.key) }
        // `mid:` + x against another key: the prefix is ASCII, so the NFC form of the whole is `mid:` + NFC(x).
        let sign = a.keyIsMid ? 1 : -1
        let mid = a.keyIsMid ? a.key : b.key
        let other = a.keyIsMid ? b.key : a.key
        return sign * strings.withBytes(strings.canonical(mid)) { x in
            strings.withBytes(strings.canonical(other)) { y in
                Self.midPrefix.withUnsafeBufferPointer { p in
                    let head = UnsafeBufferPointer(rebasing: y.prefix(4))
                    let c = StringTable.compareBytes(p, head)
                    if c != 0 || y.count <= 4 { return c }
                    return StringTable.compareBytes(x, UnsafeBufferPointer(rebasing: y[4...]))
                }
            }
        }
    }

    /// Entry indices in key order (`compareKeys`). The order is the byte order of each key written in full
    /// (`mid:` + the id) in its NFC form, so it is decided by the first eight of those bytes (zero-padded: a
    /// smaller prefix is a smaller key) and by `compareKeys` only when they are equal.
    func entriesByKey() -> [Int32] {
        let prefix = entries.map(keyPrefix)
        var order = [Int32](0..<Int32(entries.count))
        order.sort { a, b in
            let p = prefix[Int(a)], q = prefix[Int(b)]
            return p != q ? p < q : compareKeys(entries[Int(a)], entries[Int(b)]) < 0
        }
        return order
    }

    /// The first eight bytes of the key in full, big-endian, zero-padded.
    func keyPrefix(_ e: Entry) -> UInt64 {
        strings.withBytes(strings.canonical(e.key)) { x in
            var p: UInt64 = 0, n = 0
            if e.keyIsMid { for c in Self.midPrefix { p = p << 8 | UInt64(c); n += 1 } }
            var i = 0
            while n < 8, i < x.count { p = p << 8 | UInt64(x[i]); n += 1; i += 1 }
            return n == 0 ? 0 : p << (8 * UInt64(8 - n))
        }
    }

    /// `byKey` (the entries in key order) newest first by `isOlder`. Keys are unique, so between two packed dates
    /// that are equal the order is the keys' order, their places in `byKey`.
    func entriesNewestFirst(byKey: [Int32]) -> [Int32] {
        var rank = [Int32](repeating: 0, count: entries.count)
        for (r, i) in byKey.enumerated() { rank[Int(i)] = Int32(r) }
        var out = byKey
        out.sort { x, y in
            let a = entries[Int(y)].date, b = entries[Int(x)].date
            if a >= 0, b >= 0 { return a != b ? a < b : rank[Int(y)] < rank[Int(x)] }
            return isOlder(entries[Int(y)], than: entries[Int(x)])
        }
        return out
    }

    /// Message order used throughout: dated before undated, earlier date first, then key.
    func isOlder(_ a: Entry, than b: Entry) -> Bool {
        switch (a.date == DateTable.none, b.date == DateTable.none) {
        case (false, false):
            let c = dates.compare(a.date, b.date)
            return c != 0 ? c < 0 : compareKeys(a, b) < 0
        case (false, true): return true
        case (true, false): return false
        case (true, true): return compareKeys(a, b) < 0
        }
    }
}
