/// The common shapes of an all-ASCII address list, parsed in one pass over its bytes without tokens: entries of
/// `local@domain`, `<local@domain>`, `Display Name <local@domain>` and `"Display Name" <local@domain>`, separated
/// by commas (empty entries skipped). Anything else (comments, groups, routes, domain literals, escapes, dots or
/// other specials in a name, a missing `>`, words before a bare address) is left to the token parser: `nil`.
/// What it returns is what `AddressList.parseTokens` returns for the same bytes, issues included
/// (`AddressListSimpleTests` compares the two).
extension AddressList {
    /// One entry's parts, as byte ranges of the value.
    private struct SimpleEntry {
        var name: Range<Int>?
        var quoted = false
        var local: Range<Int>
        var domain: Range<Int>
    }

    static func parseSimple(_ b: UnsafeBufferPointer<UInt8>, issues: inout Set<IssueCode>,
                            memo: AddressMemo? = nil) -> [Address]? {
        var entries: [SimpleEntry] = []
        var i = 0
        let n = b.count
        func skipSpace() { while i < n, ByteLines.isSpace(b[i]) { i += 1 } }
        func isAtom(_ c: UInt8) -> Bool { c > 0x20 && c < 0x7F && !AddressToken.isSpecial(c) }
        func atomRun() -> Range<Int> {
            let s = i
            while i < n, isAtom(b[i]) { i += 1 }
            return s..<i
        }
        /// `dot-atom "@" dot-atom` from `i`, no space inside.
        func addrSpec() -> (Range<Int>, Range<Int>)? {
            func dotAtom() -> Range<Int>? {
                let s = i
                while true {
                    if atomRun().isEmpty { return nil }
                    guard i < n, b[i] == 0x2E else { return s..<i }
                    i += 1
                }
            }
            guard let local = dotAtom(), i < n, b[i] == 0x40 else { return nil }
            i += 1
            guard let domain = dotAtom() else { return nil }
            return (local, domain)
        }
        /// After an entry: white space, then a comma or the end.
        func entryEnd() -> Bool {
            skipSpace()
            if i == n { return true }
            guard b[i] == 0x2C else { return false }
            i += 1
            return true
        }
        while true {
            skipSpace()
            if i == n { break }
            if b[i] == 0x2C { i += 1; continue }
            var name: Range<Int>?
            var quoted = false
            if b[i] == 0x22 {
                let open = i + 1
                i += 1
                while i < n, b[i] != 0x22 {
                    guard b[i] != 0x5C, b[i] >= 0x20 || ByteLines.isSpace(b[i]), b[i] < 0x7F else { return nil }
                    i += 1
                }
                guard i < n else { return nil }
                name = open..<i
                quoted = true
                i += 1
                skipSpace()
                guard i < n, b[i] == 0x3C else { return nil }
            } else if b[i] != 0x3C {
                let first = atomRun()
                guard !first.isEmpty, i < n else {
                    // One word alone, or a special: not a shape read here.
                    return nil
                }
                if b[i] == 0x40 || b[i] == 0x2E {
                    // A bare address.
                    i = first.lowerBound
                    guard let (local, domain) = addrSpec(), entryEnd() else { return nil }
                    entries.append(SimpleEntry(local: local, domain: domain))
                    continue
                }
                // Words of a display name, up to `<`.
                var end = first.upperBound
                while true {
                    skipSpace()
                    guard i < n else { return nil }
                    if b[i] == 0x3C { break }
                    let w = atomRun()
                    guard !w.isEmpty, i < n, b[i] == 0x3C || ByteLines.isSpace(b[i]) else { return nil }
                    end = w.upperBound
                }
                name = first.lowerBound..<end
            }
            // At `<`.
            i += 1
            guard let (local, domain) = addrSpec(), i < n, b[i] == 0x3E else { return nil }
            i += 1
            guard entryEnd() else { return nil }
            entries.append(SimpleEntry(name: name, quoted: quoted, local: local, domain: domain))
        }
        var out: [Address] = []
        var keys: Set<String>?  // only for long lists; short ones are searched
        for e in entries {
            /// The entry's address from its bytes alone (the memo keeps it by them).
            func make(_ issues: inout Set<IssueCode>) -> Address? {
                var text = ""
                if let r = e.name {
                    if e.quoted {
                        text = String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
                    } else {
                        // Words joined by one space, as the token parser renders a phrase.
                        var bytes: [UInt8] = []
                        bytes.reserveCapacity(r.count)
                        var space = false
                        for c in b[r] {
                            if ByteLines.isSpace(c) { space = true; continue }
                            if space { bytes.append(0x20); space = false }
                            bytes.append(c)
                        }
                        text = String(decoding: bytes, as: UTF8.self)
                    }
                }
                let name = cleanName(EncodedWords.decode(text, issues: &issues))
                guard let a = AddressNormalizer.make(local: String(decoding: UnsafeBufferPointer(rebasing: b[e.local]), as: UTF8.self),
                                                     domain: String(decoding: UnsafeBufferPointer(rebasing: b[e.domain]), as: UTF8.self),
                                                     name: name.isEmpty ? nil : name) else {
                    issues.insert(.addressInvalid)
                    return nil
                }
                return a
            }
            let a: Address?
            if let memo {
                a = memo.address(b, name: e.name, quoted: e.quoted, local: e.local, domain: e.domain, issues: &issues,
                                 make: make)
            } else {
                a = make(&issues)
            }
            if let a { appendUnique(a, to: &out, keys: &keys) }
        }
        return out
    }
}
