/// Finds contacts that look like one person: two contacts are grouped when any of their emails share a matching
/// `key` or a provider-folded `foldedKey` (union-find, so groups are transitive). Nothing is merged.
///
/// Reasons, per pair of emails on different contacts:
/// - equal `key`: `idn-variant` when one domain was written in Unicode and the other in punycode,
///   `case-variant` when the written addresses differ only in case, `same-address` otherwise;
/// - equal `foldedKey` only: `plus-tag` (a `+tag` differs), `gmail-dots` (dots differ in a Gmail local part),
///   `googlemail-domain` (googlemail.com against gmail.com); several can apply at once.
///
/// Output: groups numbered `g1`, `g2`, ... in order of their first contact in the input; contact ids in input
/// order; reasons sorted by key, then reason, each with the written addresses involved, sorted.
public enum ContactDuplicates {
    public static func groups(_ contacts: [Contact]) -> [ContactGroup] {
        var sets = UnionFind(count: contacts.count)
        // Bucket every usable email by key and by folded key: (contact index, email index), not a copy of the
        // email (its five strings retained and released for every email of the file).
        var byKey: [String: [(Int, Int)]] = [:]
        var byFolded: [String: [(Int, Int)]] = [:]
        byKey.reserveCapacity(contacts.count)  // sized once: about one email per contact
        byFolded.reserveCapacity(contacts.count)
        for (i, c) in contacts.enumerated() {
            for (j, e) in c.emails.enumerated() {
                guard let key = e.key, let folded = e.foldedKey else { continue }
                byKey[key, default: []].append((i, j))
                byFolded[folded, default: []].append((i, j))
            }
        }

        // Findings: (a contact of the group, reason, shared key, written addresses). Within a bucket, compare
        // distinct written forms (or distinct keys), not every pair of contacts, so a widely shared address
        // stays linear.
        struct Finding { var contact: Int; var reason: String; var key: String; var addresses: [String] }
        var findings: [Finding] = []
        // A bucket of one email (most of them) shares nothing: skipped before any set is made for it.
        for (key, entries) in byKey where entries.count > 1 {
            let contactsInBucket = Set(entries.map(\.0))
            guard contactsInBucket.count > 1, let first = entries.first?.0 else { continue }
            for (c, _) in entries { sets.union(first, c) }
            var byForm: [String: Set<Int>] = [:]
            for (c, j) in entries { byForm[written(contacts[c].emails[j].raw), default: []].insert(c) }
            let forms = byForm.keys.sorted()
            for f in forms where byForm[f]!.count > 1 {
                findings.append(Finding(contact: first, reason: "same-address", key: key, addresses: [f]))
            }
            forEachPair(forms, byForm) { fa, fb in
                for r in sameKeyReasons(fa, fb) {
                    findings.append(Finding(contact: first, reason: r, key: key, addresses: [fa, fb]))
                }
            }
        }
        for (folded, entries) in byFolded where entries.count > 1 {
            var byKeyHere: [String: Set<Int>] = [:]
            var formsOfKey: [String: Set<String>] = [:]
            for (c, j) in entries {
                let e = contacts[c].emails[j]
                guard let k = e.key else { continue }
                byKeyHere[k, default: []].insert(c)
                formsOfKey[k, default: []].insert(written(e.raw))
            }
            guard byKeyHere.count > 1, let first = entries.first?.0 else { continue }
            forEachPair(byKeyHere.keys.sorted(), byKeyHere) { ka, kb in
                for c in byKeyHere[ka]!.union(byKeyHere[kb]!) { sets.union(first, c) }
                let addresses = Array(formsOfKey[ka]!.union(formsOfKey[kb]!))
                for r in foldedReasons(ka, kb) {
                    findings.append(Finding(contact: first, reason: r, key: folded, addresses: addresses))
                }
            }
        }

        // Members per root, in input order; groups in order of their first member.
        var members: [Int: [Int]] = [:]
        var order: [Int] = []
        for i in contacts.indices {
            let r = sets.find(i)
            if members[r] == nil { order.append(r) }
            members[r, default: []].append(i)
        }
        var reasonsByRoot: [Int: [String: Set<String>]] = [:]  // root -> "key\0reason" -> addresses
        for f in findings {
            let id = f.key + "\u{0}" + f.reason
            reasonsByRoot[sets.find(f.contact), default: [:]][id, default: []].formUnion(f.addresses)
        }

        var out: [ContactGroup] = []
        for root in order {
            guard let m = members[root], m.count > 1 else { continue }
            let reasons = (reasonsByRoot[root] ?? [:]).keys.sorted().map { id -> ContactGroupReason in
                let parts = id.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
                let addresses = reasonsByRoot[root]![id]!.sorted()
                return ContactGroupReason(reason: String(parts[1]), key: String(parts[0]), addresses: addresses)
            }
            out.append(ContactGroup(groupId: "g\(out.count + 1)", contactIds: m.map { contacts[$0].id },
                                    reasons: reasons))
        }
        return out
    }

    /// Calls `body` for each pair of distinct values (forms or keys) held by two different contacts.
    private static func forEachPair(_ values: [String], _ holders: [String: Set<Int>],
                                    _ body: (String, String) -> Void) {
        guard values.count > 1 else { return }
        for i in values.indices {
            for j in values.index(after: i)..<values.endIndex {
                let a = holders[values[i]]!, b = holders[values[j]]!
                // Different contacts unless both are held by the same single contact.
                if a.count > 1 || b.count > 1 || a != b { body(values[i], values[j]) }
            }
        }
    }

    /// The address as written, without the angle brackets, `mailto:` or white space around it.
    static func written(_ raw: String) -> String {
        var s = raw.trimmingASCIISpaces()
        if s.hasPrefix("<"), s.hasSuffix(">"), s.count >= 2 { s = String(s.dropFirst().dropLast()) }
        if s.lowercased().hasPrefix("mailto:") { s = String(s.dropFirst(7)) }
        return s.trimmingASCIISpaces()
    }

    /// Reasons for two written addresses with the same matching key.
    static func sameKeyReasons(_ rawA: String, _ rawB: String) -> [String] {
        let a = written(rawA), b = written(rawB)
        let idn = isIDNVariant(domainPart(a), domainPart(b))
        var reasons: [String] = []
        if idn { reasons.append("idn-variant") }
        // Keys are equal, so the local parts can only differ in case; without an IDN difference so can domains.
        if localPart(a) != localPart(b) || (!idn && a != b && a.lowercased() == b.lowercased()) {
            reasons.append("case-variant")
        }
        return reasons.isEmpty ? ["same-address"] : reasons
    }

    /// Reasons for two addresses whose keys differ but fold to the same key.
    static func foldedReasons(_ ka: String, _ kb: String) -> [String] {
        let (la, da) = split(ka), (lb, db) = split(kb)
        let gmail: Set<Substring> = ["gmail.com", "googlemail.com"]
        var reasons: [String] = []
        let (baseA, tagA) = untagged(la), (baseB, tagB) = untagged(lb)
        if tagA != tagB { reasons.append("plus-tag") }
        if gmail.contains(da), gmail.contains(db), baseA != baseB { reasons.append("gmail-dots") }
        if da != db, gmail.contains(da), gmail.contains(db) { reasons.append("googlemail-domain") }
        return reasons.isEmpty ? ["same-address"] : reasons
    }

    private static func split(_ key: String) -> (Substring, Substring) {
        guard let at = key.lastIndex(of: "@") else { return (Substring(key), "") }
        return (key[..<at], key[key.index(after: at)...])
    }

    /// Local part without and with its `+tag` (a leading `+` is not a tag, as in `foldedKey`).
    private static func untagged(_ local: Substring) -> (Substring, Substring) {
        guard let plus = local.firstIndex(of: "+"), plus != local.startIndex else { return (local, "") }
        return (local[..<plus], local[plus...])
    }

    private static func localPart(_ s: String) -> Substring { split(s).0 }
    private static func domainPart(_ s: String) -> Substring { split(s).1 }

    /// One domain written in Unicode, the other with punycode (`xn--`) labels.
    static func isIDNVariant(_ a: Substring, _ b: Substring) -> Bool {
        func unicode(_ d: Substring) -> Bool { d.utf8.contains { $0 >= 0x80 } }
        func puny(_ d: Substring) -> Bool { d.lowercased().contains("xn--") }
        return (unicode(a) && puny(b)) || (puny(a) && unicode(b))
    }
}
