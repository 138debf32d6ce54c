/// How a contact created from sent mail (`createContacts: sent`) is named, identified and spelled, so that the
/// store ends the same whatever order loads meet its addresses in: one process loading every mailbox, or many
/// workers loading one mailbox each in any order.
///
/// - **Id**: `auto:` + the folded key (`AddressNormalizer.foldedKey`) of the first address that creates it. Every
///   address that folds to it (`+tag`, Gmail dots, `googlemail.com`) finds it, so no later spelling renames it.
/// - **Email**: one row, the best spelling met (`spellingPrecedes`): a later load meeting a better one rewrites it.
/// - **Name**: the least real display name met over all loads (bytewise; a name holding an `@`, often the
///   address itself, is not a real name); without one, the email row's display address. A later load meeting a
///   lesser real name, or respelling a contact that has none, renames it. The comparisons are bytewise on UTF-8,
///   never locale collation, so SQLite and PostgreSQL agree.
public enum CreatedContactRules {
    public static func id(folded: String) -> String { "auto:" + folded }

    /// A display name that can name a contact: not blank, no `@`.
    public static func isRealName(_ name: String) -> Bool {
        !name.utf8.contains(0x40) && !name.allSatisfy(\.isWhitespace)
    }

    /// Whether real name `a` ranks before real name `b`.
    public static func nameRanksBefore(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// A created contact's name after a load meets it: `current` (nil: a new contact), a display name the load
    /// met (`candidate`, nil: none), and the display address of its email row after the load (`display`).
    public static func name(current: String?, candidate: String?, display: String) -> String {
        let real = candidate.flatMap { isRealName($0) ? $0 : nil }
        if let current, isRealName(current) {
            guard let real, nameRanksBefore(real, current) else { return current }
            return real
        }
        return real ?? display
    }

    /// What a created contact shows: its one email (as written, its match key, its display address) and its name.
    public struct Shown: Equatable, Sendable {
        public var raw: String
        public var key: String
        public var address: String
        public var name: String

        public init(raw: String, key: String, address: String, name: String) {
            self.raw = raw
            self.key = key
            self.address = address
            self.name = name
        }
    }

    /// A created contact after a load meets one of its addresses (`raw`, its match `key` and display `address`,
    /// folding to `folded`) with display name `candidate`: the better spelling first, then the name against the
    /// email that results. Both stores apply exactly this.
    public static func met(_ s: Shown, raw: String, key: String, address: String, folded: String,
                           candidate: String?) -> Shown {
        var out = s
        if spellingPrecedes(raw, key: key, s.raw, key: s.key, folded: folded) {
            (out.raw, out.key, out.address) = (raw, key, address)
        }
        out.name = name(current: s.name, candidate: candidate, display: out.address)
        return out
    }

    /// Whether spelling `a` (with match key `aKey`) of an address folding to `folded` ranks before spelling `b`:
    /// the plain address first (its key is the folded key), then one without a `+tag`, then the least key, then
    /// the least spelling.
    public static func spellingPrecedes(_ a: String, key aKey: String, _ b: String, key bKey: String,
                                        folded: String) -> Bool {
        let ra = rank(aKey, folded), rb = rank(bKey, folded)
        if ra != rb { return ra < rb }
        if aKey != bKey { return aKey.utf8.lexicographicallyPrecedes(bKey.utf8) }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func rank(_ key: String, _ folded: String) -> Int {
        if key == folded { return 0 }
        let local = key.utf8.lastIndex(of: 0x40).map { key.utf8[..<$0] } ?? key.utf8[...]
        let plus = local.firstIndex(of: 0x2B)
        return plus == nil || plus == local.startIndex ? 1 : 2
    }
}
