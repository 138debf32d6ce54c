/// Builds canonical `Address` values, the one normalization shared by message headers, contacts and the store.
///
/// - local part: Unicode NFC, kept as written (case preserved for display); the match key lower-cases it.
/// - domain: UTS-46 to lower-case ASCII (punycode) for keys; the Unicode form kept for display.
public enum AddressNormalizer {
    /// Longest local part and address accepted (RFC 5321 limits, with slack for real-world mail).
    public static let maxLocalBytes = 128
    public static let maxAddressBytes = 320

    /// A canonical address from an already-parsed local part (unquoted content) and domain, or nil when either
    /// part is unusable. `name` is the decoded display name, trimmed; empty names become nil.
    public static func make(local rawLocal: String, domain rawDomain: String, name: String? = nil) -> Address? {
        let local = ICU.nfc(rawLocal)
        guard !local.isEmpty, local.utf8.count <= maxLocalBytes else { return nil }
        guard local.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return nil }
        guard let domain = DomainName.toASCII(rawDomain) else { return nil }
        let shownLocal = needsQuoting(local) ? quote(local) : local
        let address = joined(shownLocal, domain)
        guard address.utf8.count <= maxAddressBytes else { return nil }
        // An ASCII local part without capitals is its own lower case: the key is the address (one string for both).
        let key = shownLocal.isASCII && !shownLocal.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A })
            ? address : joined(shownLocal.lowercased(), domain)
        var displayName: String?
        if let name {
            let t = ICU.nfc(name.trimmingASCIISpaces())
            if !t.isEmpty { displayName = t }
        }
        return Address(address: address, key: key, local: local, domain: domain,
                       domainUnicode: DomainName.toUnicode(domain), name: displayName)
    }

    /// `local + "@" + domain`, made in one allocation.
    static func joined(_ local: String, _ domain: String) -> String {
        var l = local, d = domain
        return l.withUTF8 { lb in
            d.withUTF8 { db in
                String(unsafeUninitializedCapacity: lb.count + 1 + db.count) { out in
                    _ = out.initialize(fromContentsOf: lb)
                    out[lb.count] = 0x40
                    _ = UnsafeMutableBufferPointer(rebasing: out[(lb.count + 1)...]).initialize(fromContentsOf: db)
                    return lb.count + 1 + db.count
                }
            }
        }
    }

    /// A bare addr-spec (`local@domain`, optionally in angle brackets, surrounding white space ignored), as
    /// contacts files hold them. The local part may be a quoted string. Nil when unusable.
    public static func parse(_ raw: String) -> Address? {
        let s = raw.trimmingASCIISpaces()
        return s.isASCII ? parseASCII(s) : parseByCharacter(s)
    }

    /// `parse` of trimmed ASCII text, by its bytes: in ASCII each Character is one byte but CR LF, and none of the
    /// bytes looked for (`<`, `>`, `@`, `"`, space, `,`) is part of CR LF, so the result is `parseByCharacter`'s
    /// (`AddressNormalizerTests` compares the two).
    static func parseASCII(_ trimmed: String) -> Address? {
        var s = Substring(trimmed)
        if s.utf8.count >= 2, s.utf8.first == 0x3C, s.utf8.last == 0x3E { s = s.dropFirst().dropLast() }
        if s.utf8.count >= 7, s.utf8.prefix(7).elementsEqual("mailto:".utf8, by: { ByteLines.lowerASCII($0) == $1 }) {
            s = s.dropFirst(7)
        }
        guard let at = s.utf8.lastIndex(of: 0x40) else { return nil }
        var local = String(s[..<at])
        let domain = String(s[s.utf8.index(after: at)...])
        if local.utf8.count >= 2, local.utf8.first == 0x22, local.utf8.last == 0x22 {
            local = unquote(String(local.dropFirst().dropLast()))
        } else if local.utf8.contains(where: { $0 == 0x20 || $0 == 0x22 || $0 == 0x3C || $0 == 0x3E || $0 == 0x2C }) {
            return nil
        }
        return make(local: local, domain: domain)
    }

    /// `parse` of trimmed text, by Characters.
    static func parseByCharacter(_ trimmed: String) -> Address? {
        var s = trimmed
        if s.hasPrefix("<"), s.hasSuffix(">"), s.count >= 2 { s = String(s.dropFirst().dropLast()) }
        if s.lowercased().hasPrefix("mailto:") { s = String(s.dropFirst(7)) }
        guard let at = s.lastIndex(of: "@") else { return nil }
        var local = String(s[..<at])
        let domain = String(s[s.index(after: at)...])
        if local.hasPrefix("\""), local.hasSuffix("\""), local.count >= 2 {
            local = unquote(String(local.dropFirst().dropLast()))
        } else if local.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" || $0 == "," }) {
            return nil
        }
        return make(local: local, domain: domain)
    }

    /// The matching key with provider folding applied: a `+tag` is removed from the local part; for gmail.com
    /// and googlemail.com dots are removed and the domain becomes gmail.com.
    public static func foldedKey(local: String, domain: String) -> String {
        var l = local.lowercased()
        if let plus = l.firstIndex(ofASCII: 0x2B), plus != l.startIndex { l = String(l[..<plus]) }
        var d = domain
        if d == "gmail.com" || d == "googlemail.com" {
            l.removeAll { $0 == "." }
            d = "gmail.com"
        }
        return (needsQuoting(l) ? quote(l) : l) + "@" + d
    }

    public static func foldedKey(_ a: Address) -> String { foldedKey(local: a.local, domain: a.domain) }

    /// RFC 5322 dot-atom test for a local part.
    static func needsQuoting(_ local: String) -> Bool {
        guard local.isASCII else { return needsQuotingGeneral(local) }
        var s = local
        return s.withUTF8 { b in
            guard let first = b.first, let last = b.last else { return false }
            if first == 0x2E || last == 0x2E { return true }
            var prev: UInt8 = 0
            for c in b {
                if c == 0x2E && prev == 0x2E { return true }
                prev = c
                if ASCIIBytes.isAlphanumeric(c) { continue }
                switch c {
                case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D...0x2F, 0x3D, 0x3F, 0x5E...0x60, 0x7B...0x7E: continue
                default: return true
                }
            }
            return false
        }
    }

    /// `needsQuoting` for any text, by Unicode scalars.
    static func needsQuotingGeneral(_ local: String) -> Bool {
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") { return true }
        for u in local.unicodeScalars {
            if u.value >= 0x80 { continue }  // RFC 6532 UTF-8 local parts are atoms
            let c = Character(u)
            if c.isLetter || c.isNumber { continue }
            if "!#$%&'*+-/=?^_`{|}~.".contains(c) { continue }
            return true
        }
        return false
    }

    static func quote(_ local: String) -> String {
        var out = "\""
        for c in local {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "\""
    }

    static func unquote(_ s: String) -> String {
        var out = ""
        var escaped = false
        for c in s {
            if escaped { out.append(c); escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            out.append(c)
        }
        return out
    }
}
