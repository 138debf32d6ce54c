/// RFC 5322 address lists as mail really writes them: groups, quoted local parts, comments, encoded-word display
/// names, angle-addr and bare addr-spec, obsolete routes, a missing `>`, unquoted commas in names and the pipermail
/// `x at y.com` form. Every mailbox goes through `AddressNormalizer.make`; unusable ones are dropped with
/// issue `address-invalid`.
enum AddressList {
    /// Parses an address header value. `pipermailAt` accepts `user at host` when the value has no `@` at all
    /// (list archives write From that way). Duplicate addresses (same key) are kept once.
    static func parse(_ raw: [UInt8], pipermailAt: Bool = false, issues: inout Set<IssueCode>,
                      memo: AddressMemo? = nil) -> [Address] {
        // ASCII bytes are their own text; most are a list of plain shapes, read in one pass (`parseSimple`), whose
        // entries `memo` may know already.
        let ascii = raw.withUnsafeBufferPointer(ASCIIBytes.isASCII)
        if ascii, let simple = raw.withUnsafeBufferPointer({ parseSimple($0, issues: &issues, memo: memo) }) {
            return simple
        }
        return parseTokens(raw, pipermailAt: pipermailAt, issues: &issues)
    }

    /// `parse` through tokens: every shape.
    static func parseTokens(_ raw: [UInt8], pipermailAt: Bool, issues: inout Set<IssueCode>) -> [Address] {
        let text = raw.withUnsafeBufferPointer(ASCIIBytes.isASCII) ? raw : Array(HeaderText.string(raw).utf8)
        let toks = AddressToken.tokenize(text)
        var out: [Address] = []
        var keys: Set<String>?  // only for long lists; short ones are searched
        let entries = mergeSplitNames(split(toks))
        let allowAt = pipermailAt && !text.contains(0x40)
        for entry in entries {
            guard entry.contains(where: { !$0.isComment }) else { continue }
            guard let a = mailbox(entry, pipermailAt: allowAt, issues: &issues) else {
                issues.insert(.addressInvalid)
                continue
            }
            appendUnique(a, to: &out, keys: &keys)
        }
        return out
    }

    /// Appends `a` unless an address with its key is already in `out` (short lists are searched; `keys` is made
    /// for long ones).
    static func appendUnique(_ a: Address, to out: inout [Address], keys: inout Set<String>?) {
        if out.count < 16 {
            if !out.contains(where: { $0.key == a.key }) { out.append(a) }
            return
        }
        if keys == nil { keys = Set(out.map(\.key)) }
        if keys!.insert(a.key).inserted { out.append(a) }
    }

    /// Splits tokens into mailbox entries at top-level commas and group punctuation; group names are dropped.
    static func split(_ toks: [AddressToken]) -> [[AddressToken]] {
        var entries: [[AddressToken]] = []
        var current: [AddressToken] = []
        var angleStart: Int?
        var inGroup = false
        func finish() {
            entries.append(current)
            current = []
            angleStart = nil
        }
        for t in toks {
            if let a = angleStart {
                if t.is(0x3E) { angleStart = nil; current.append(t); continue }
                // QUIRK: a `,` inside `<` without a route means the `>` is missing.
                if t.is(0x2C) {
                    let routed = a + 1 < current.count && current[a + 1].is(0x40)
                    if !routed { finish(); continue }
                }
                current.append(t)
                continue
            }
            if t.is(0x3C) { angleStart = current.count; current.append(t); continue }
            if t.is(0x2C) { finish(); continue }
            if t.is(0x3B) { finish(); inGroup = false; continue }
            if t.is(0x3A), !inGroup, !current.contains(where: { $0.is(0x40) }) {
                current = []  // `Group name:` starts a group
                inGroup = true
                continue
            }
            current.append(t)
        }
        finish()
        return entries
    }

    /// QUIRK: `Doe, John <j@x>` — an entry with neither `@` nor `<`, followed by a named angle-addr, is the first
    /// half of an unquoted display name.
    static func mergeSplitNames(_ entries: [[AddressToken]]) -> [[AddressToken]] {
        var out: [[AddressToken]] = []
        var k = 0
        while k < entries.count {
            let e = entries[k]
            let plainWords = !e.isEmpty && e.allSatisfy { $0.isWord || $0.isComment }
            if plainWords, k + 1 < entries.count, let lt = entries[k + 1].firstIndex(where: { $0.is(0x3C) }), lt > 0,
               entries[k + 1][..<lt].allSatisfy({ $0.isWord || $0.isComment })
            {
                var comma = AddressToken.special(0x2C)
                comma.spaceBefore = false
                out.append(e + [comma] + entries[k + 1])
                k += 2
                continue
            }
            out.append(e)
            k += 1
        }
        return out
    }

    /// One mailbox from its tokens.
    static func mailbox(_ entry: [AddressToken], pipermailAt: Bool, issues: inout Set<IssueCode>) -> Address? {
        // Slices of one token array (indices are the array's, not 0-based).
        let comment = entry.last(where: \.isComment)
        let toks = comment == nil ? entry : entry.filter { !$0.isComment }
        var nameToks: ArraySlice<AddressToken> = []
        var spec: ArraySlice<AddressToken>
        if let lt = toks.firstIndex(where: { $0.is(0x3C) }) {
            nameToks = toks[..<lt]
            spec = toks[(lt + 1)...].prefix { !$0.is(0x3E) }
            if let colon = spec.lastIndex(where: { $0.is(0x3A) }) { spec = spec[(colon + 1)...] }  // route
        } else {
            spec = toks[...]
        }
        var local: ArraySlice<AddressToken>, domain: ArraySlice<AddressToken>
        if let at = spec.lastIndex(where: { $0.is(0x40) }) {
            local = spec[..<at]
            domain = spec[(at + 1)...]
            // QUIRK: `John Smith john@x.example` — words before the local part's own run are a display name.
            if let gap = local.lastIndex(where: \.spaceBefore), gap > local.startIndex, nameToks.isEmpty,
               !local[gap].is(0x2E), !local[gap - 1].is(0x2E)
            {
                nameToks = local[..<gap]
                local = local[gap...]
            }
            if let gap = domain.dropFirst().firstIndex(where: \.spaceBefore) { domain = domain[..<gap] }
        } else if pipermailAt, let at = spec.firstIndex(where: { $0.isAtWord }), at > spec.startIndex {
            local = spec[..<at]
            domain = spec[(at + 1)...]
        } else {
            return nil
        }
        guard !local.isEmpty, !domain.isEmpty else { return nil }
        var name = phrase(nameToks, issues: &issues)
        if name.isEmpty, let c = comment, case .comment(let bytes) = c.kind {
            name = EncodedWords.decode(HeaderText.string(bytes), issues: &issues)
        }
        name = cleanName(name)
        return AddressNormalizer.make(local: render(local, spaces: false), domain: render(domain, spaces: false),
                                      name: name.isEmpty ? nil : name)
    }

    /// A display name: words joined as written, encoded words decoded.
    static func phrase(_ toks: ArraySlice<AddressToken>, issues: inout Set<IssueCode>) -> String {
        EncodedWords.decode(render(toks, spaces: true), issues: &issues)
    }

    /// Token text: atoms and specials as written, quoted strings unquoted.
    static func render(_ toks: ArraySlice<AddressToken>, spaces: Bool) -> String {
        var bytes: [UInt8] = []
        for (n, t) in toks.enumerated() {
            if spaces, n > 0, t.spaceBefore { bytes.append(0x20) }
            switch t.kind {
            case .atom(let b), .quoted(let b), .literal(let b): bytes += b
            case .special(let c): bytes.append(c)
            case .comment: break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Controls removed, white space trimmed, one level of stray surrounding quotes removed.
    static func cleanName(_ raw: String) -> String {
        var s = HeaderText.collapsingWhiteSpace(raw)
        for q in [UInt8(ascii: "'"), UInt8(ascii: "\"")] where isQuoted(s, by: q) {
            s = String(s.dropFirst().dropLast()).trimmingWhiteSpace()
        }
        return s
    }

    /// Whether `s` has at least two Characters, the first and the last being the ASCII quote `q`. In ASCII text
    /// each byte is one Character but CR LF, which neither starts nor ends with a quote, so bytes answer it.
    static func isQuoted(_ s: String, by q: UInt8) -> Bool {
        if s.isASCII { return s.utf8.count >= 2 && s.utf8.first == q && s.utf8.last == q }
        let c = String(UnicodeScalar(q))
        return s.hasPrefix(c) && s.hasSuffix(c) && s.count >= 2
    }
}
