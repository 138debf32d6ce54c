import CICUShim

/// Swift face of the ICU shim: IDNA (UTS-46), NFC and charset conversion. Pure functions.
public enum ICU {
    /// Calls a shim function with a growing output buffer.
    static func withBuffer(initial: Int, _ call: (UnsafeMutablePointer<CChar>, Int32) -> Int32) -> (Int32, [UInt8]) {
        var cap = max(initial, 16)
        while true {
            var out = [UInt8](repeating: 0, count: cap)
            let n = out.withUnsafeMutableBufferPointer { buf in
                buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: cap) { call($0, Int32(cap)) }
            }
            if n == MR_ICU_BUFFER_TOO_SMALL && cap < 1 << 26 {
                cap *= 4
                continue
            }
            if n >= 0 { out.removeSubrange(Int(n)...) } else { out = [] }
            return (n, out)
        }
    }

    /// UTS-46 to ASCII; nil when a label is invalid.
    public static func idnaToASCII(_ domain: String) -> String? {
        var s = domain
        return s.withUTF8 { input -> String? in
            var errs: UInt32 = 0
            let (n, out) = withBuffer(initial: input.count * 4 + 64) { o, cap in
                input.withMemoryRebound(to: CChar.self) { mr_idna_to_ascii($0.baseAddress, Int32($0.count), o, cap, &errs) }
            }
            return n >= 0 ? String(decoding: out, as: UTF8.self) : nil
        }
    }

    /// UTS-46 to Unicode; nil when a label is invalid.
    public static func idnaToUnicode(_ domain: String) -> String? {
        var s = domain
        return s.withUTF8 { input -> String? in
            var errs: UInt32 = 0
            let (n, out) = withBuffer(initial: input.count * 4 + 64) { o, cap in
                input.withMemoryRebound(to: CChar.self) { mr_idna_to_unicode($0.baseAddress, Int32($0.count), o, cap, &errs) }
            }
            return n >= 0 ? String(decoding: out, as: UTF8.self) : nil
        }
    }

    /// Unicode NFC. ASCII text is returned as is without calling ICU.
    public static func nfc(_ text: String) -> String {
        if text.isASCII { return text }  // ASCII is its own NFC (the check reads the bytes a word at a time)
        var s = text
        return s.withUTF8 { input -> String in
            let (n, out) = withBuffer(initial: input.count * 3 + 16) { o, cap in
                input.withMemoryRebound(to: CChar.self) { mr_nfc($0.baseAddress, Int32($0.count), o, cap) }
            }
            return n >= 0 ? String(decoding: out, as: UTF8.self) : text
        }
    }

    /// Whether ICU has a converter for the charset name.
    public static func isKnownCharset(_ name: String) -> Bool { mr_charset_known(name) == 1 }

    public enum ConversionError: Error, Equatable { case unknownCharset, failed }

    /// Decodes bytes in `charset` to a String. `lossy` is true when bytes had to be replaced by U+FFFD.
    public static func decode(_ bytes: some Collection<UInt8>, charset: String) -> Result<(text: String, lossy: Bool), ConversionError> {
        let input = Array(bytes)
        if input.isEmpty { return .success(("", false)) }
        var subs: Int32 = 0
        let (n, out) = input.withUnsafeBufferPointer { inBuf in
            withBuffer(initial: input.count * 3 + 16) { o, cap in
                inBuf.withMemoryRebound(to: CChar.self) {
                    mr_to_utf8(charset, $0.baseAddress, Int32($0.count), o, cap, &subs)
                }
            }
        }
        if n == MR_ICU_UNKNOWN_CHARSET { return .failure(.unknownCharset) }
        if n < 0 { return .failure(.failed) }
        return .success((String(decoding: out, as: UTF8.self), subs != 0))
    }
}

/// Domain names: lower-case ASCII for keys, Unicode for display.
public enum DomainName {
    /// Lower-case ASCII (punycode) form of a domain, or nil when it is not a valid domain name.
    /// Accepts Unicode or punycode input, a trailing dot, and full-width dots.
    public static func toASCII(_ domain: String) -> String? {
        plainASCII(domain) ?? toASCIIGeneral(domain)
    }

    /// The answer of `toASCIIGeneral` for the common input that is already a valid lower-case ASCII host name
    /// (without surrounding white space, `xn--` or `_`, optionally with a trailing dot), checked over bytes;
    /// nil for anything else.
    static func plainASCII(_ domain: String) -> String? {
        var s = domain
        return s.withUTF8 { b -> String? in
            var n = b.count
            if n > 0, b[n - 1] == 0x2E { n -= 1 }
            guard n > 0, n <= 253 else { return nil }
            var labelStart = 0
            for k in 0...n {
                let c = k < n ? b[k] : 0x2E
                if c == 0x2E {
                    let len = k - labelStart
                    guard len > 0, len <= 63, b[labelStart] != 0x2D, b[k - 1] != 0x2D else { return nil }
                    labelStart = k + 1
                } else if c == 0x2D {
                    if k >= 3, b[k - 3] == 0x78, b[k - 2] == 0x6E, b[k - 1] == 0x2D { return nil }  // `xn--`
                } else if !((c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)) {
                    return nil
                }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: b[..<n]), as: UTF8.self)
        }
    }

    /// `toASCII` for any input.
    static func toASCIIGeneral(_ domain: String) -> String? {
        var d = domain.trimmingASCIISpaces()
        if d.hasSuffix(".") { d.removeLast() }
        guard !d.isEmpty, d.utf8.count <= 1024 else { return nil }
        if d.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E }),
           !d.contains("xn--"), isValidASCIIHostname(d)
        {
            return d
        }
        guard let a = ICU.idnaToASCII(d) else { return nil }
        let lower = a.lowercased()
        return isValidASCIIHostname(lower) ? lower : nil
    }

    /// Unicode form for display; falls back to the ASCII form.
    public static func toUnicode(_ asciiDomain: String) -> String {
        guard asciiDomain.containsASCII("xn--") else { return asciiDomain }
        return ICU.idnaToUnicode(asciiDomain) ?? asciiDomain
    }

    static func isValidASCIIHostname(_ d: String) -> Bool {
        guard d.utf8.count <= 253 else { return false }
        let labels = d.split(separator: ".", omittingEmptySubsequences: false)
        guard !labels.isEmpty else { return false }
        for l in labels {
            guard !l.isEmpty, l.utf8.count <= 63, l.first != "-", l.last != "-" else { return false }
            guard l.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F })
            else { return false }
        }
        return true
    }

    /// True when `domain` (lower-case ASCII) is one of `own` or a subdomain of one.
    public static func isInternal(_ domain: String, ownDomains own: [String]) -> Bool {
        for o in own where domain == o || domain.hasSuffix("." + o) { return true }
        return false
    }
}

extension String {
    /// Removes space, tab, LF and CR Characters from both ends (a CR LF pair is one Character, and not removed).
    func trimmingASCIISpaces() -> String {
        // Nothing to trim when neither end byte is one of them (each of those Characters is that one byte).
        let isTrimmed: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = utf8.first, let last = utf8.last, isTrimmed(first) || isTrimmed(last) else { return self }
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
