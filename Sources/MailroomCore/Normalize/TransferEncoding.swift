/// Content-Transfer-Encoding and RFC 2047 payload decoders, tolerant of real-world damage.
enum TransferEncoding {
    private static let base64Table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (k, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            t[Int(c)] = UInt8(k)
        }
        t[Int(UInt8(ascii: "-"))] = 62  // QUIRK: base64url alphabet seen in broken encoders
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    /// Base64 with white space, line breaks and missing padding tolerated. `strict`: any other stray
    /// character makes it fail (RFC 2047 words); otherwise stray characters are skipped (bodies).
    static func base64(_ input: some Collection<UInt8>, strict: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3 / 4)
        var acc: UInt32 = 0, n = 0
        for c in input {
            if c == UInt8(ascii: "=") { if strict { break } else { continue } }
            let v = base64Table[Int(c)]
            if v == 0xFF {
                if ByteLines.isSpace(c) || !strict { continue }
                return nil
            }
            acc = acc << 6 | UInt32(v)
            n += 1
            if n == 4 {
                out.append(UInt8(acc >> 16 & 0xFF)); out.append(UInt8(acc >> 8 & 0xFF)); out.append(UInt8(acc & 0xFF))
                acc = 0; n = 0
            }
        }
        if n == 2 { out.append(UInt8(acc >> 4 & 0xFF)) }
        if n == 3 { out.append(UInt8(acc >> 10 & 0xFF)); out.append(UInt8(acc >> 2 & 0xFF)) }
        if strict && n == 1 { return nil }
        return out
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    /// Quoted-printable (RFC 2045 §6.7): soft line breaks removed, `=XX` decoded; a stray `=` is kept as is.
    /// `underscoreIsSpace` for RFC 2047 Q words.
    static func quotedPrintable(_ input: some Collection<UInt8>, underscoreIsSpace: Bool = false) -> [UInt8] {
        let b = Array(input)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "=") {
                if i + 2 < b.count, let h = hexValue(b[i + 1]), let l = hexValue(b[i + 2]) {
                    out.append(h << 4 | l)
                    i += 3
                    continue
                }
                // soft line break: `=` then optional white space then a line ending
                var j = i + 1
                while j < b.count, ByteLines.isWSP(b[j]) { j += 1 }
                if j == b.count { i = j; continue }
                if b[j] == ByteLines.lf { i = j + 1; continue }
                if b[j] == ByteLines.cr {
                    i = (j + 1 < b.count && b[j + 1] == ByteLines.lf) ? j + 2 : j + 1
                    continue
                }
                out.append(c)
                i += 1
                continue
            }
            out.append(underscoreIsSpace && c == UInt8(ascii: "_") ? 0x20 : c)
            i += 1
        }
        return out
    }
}
