extension ThreadBuilder {
    /// Canonical Message-ID → the entries that reuse it (keys `mid:<id>#…`: another message with the id of the
    /// one keyed `mid:<id>`), in key order. Empty in most mailboxes.
    func reusedIdEntries(_ entries: [Entry], byKey: [Int32]) -> [Int32: [Int32]] {
        var out: [Int32: [Int32]] = [:]
        for i in byKey {
            let e = entries[Int(i)]
            guard reusesId(e) else { continue }
            out[strings.canonical(e.messageId), default: []].append(i)
        }
        return out
    }

    /// The parent of a message keyed `mid:<id>` that names only its own id (In-Reply-To or References) while
    /// other messages reuse that id: the oldest of those that is older than it. Its own id cannot be its parent,
    /// but the message it answers can hold the same id when a client or ticket system reused it; which of them
    /// got the plain key depends only on input order, so this makes the result the same either way (the reused
    /// one naming the id links to the plain one, see `parentClaim`).
    func reusedIdParent(_ e: Entry, _ entries: [Entry], reusing: [Int32: [Int32]]) -> Int32? {
        guard registeredId(e) != nil, namesOwnId(e), let others = reusing[strings.canonical(e.messageId)] else { return nil }
        var best: Int32?
        for o in others where isOlder(entries[Int(o)], than: e) {
            if let b = best, !isOlder(entries[Int(o)], than: entries[Int(b)]) { continue }
            best = o
        }
        return best
    }
}
