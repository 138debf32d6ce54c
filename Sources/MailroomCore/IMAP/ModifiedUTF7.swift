/// IMAP's modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable ASCII stands for itself except `&`,
/// written `&-`; other characters are UTF-16, base64 with `,` for `/`, between `&` and `-`.
public enum ModifiedUTF7 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)

    public static func encode(_ name: String) -> String {
        var out: [UInt8] = []
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            var bytes: [UInt8] = []
            for u in pending { bytes.append(UInt8(u >> 8)); bytes.append(UInt8(u & 0xFF)) }
            out.append(UInt8(ascii: "&"))
            var i = 0
            while i < bytes.count {
                let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
                let n = min(3, bytes.count - i)
                out.append(alphabet[Int(b0 >> 2)])
                out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
                if n > 1 { out.append(alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)]) }
                if n > 2 { out.append(alphabet[Int(b2 & 0x3F)]) }
                i += 3
            }
            out.append(UInt8(ascii: "-"))
            pending.removeAll()
        }
        for scalar in name.unicodeScalars {
            let v = scalar.value
            if v >= 0x20 && v <= 0x7E {
                flush()
                if v == 0x26 { out.append(contentsOf: [0x26, 0x2D]) } else { out.append(UInt8(v)) }
            } else {
                pending.append(contentsOf: Array(String(scalar).utf16))
            }
        }
        flush()
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a mailbox name; nil when it is not valid modified UTF-7.
    public static func decode(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        var out = ""
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            guard c >= 0x20 && c <= 0x7E else { return nil }
            if c != UInt8(ascii: "&") {
                out.unicodeScalars.append(Unicode.Scalar(c))
                i += 1
                continue
            }
            guard let end = bytes[(i + 1)...].firstIndex(of: UInt8(ascii: "-")) else { return nil }
            if end == i + 1 { out.append("&"); i = end + 1; continue }
            var bits: UInt32 = 0
            var nbits = 0
            var units: [UInt16] = []
            var pendingByte: UInt8? = nil
            for b in bytes[(i + 1)..<end] {
                guard let v = alphabet.firstIndex(of: b) else { return nil }
                bits = bits << 6 | UInt32(v)
                nbits += 6
                if nbits >= 8 {
                    nbits -= 8
                    let byte = UInt8((bits >> UInt32(nbits)) & 0xFF)
                    if let hi = pendingByte { units.append(UInt16(hi) << 8 | UInt16(byte)); pendingByte = nil }
                    else { pendingByte = byte }
                }
            }
            guard pendingByte == nil, !units.isEmpty else { return nil }
            var decoded = ""
            for r in Unicode.UTF16.decode(units) {
                guard let r else { return nil }
                decoded.unicodeScalars.append(r)
            }
            out += decoded
            i = end + 1
        }
        return out
    }
}

private extension Unicode.UTF16 {
    /// Decodes UTF-16 units; a nil element marks an unpaired surrogate.
    static func decode(_ units: [UInt16]) -> [Unicode.Scalar?] {
        var out: [Unicode.Scalar?] = []
        var it = units.makeIterator()
        var decoder = Unicode.UTF16()
        loop: while true {
            switch decoder.decode(&it) {
            case .scalarValue(let s): out.append(s)
            case .emptyInput: break loop
            case .error: out.append(nil)
            }
        }
        return out
    }
}
