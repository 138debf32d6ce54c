/// A structured MIME header value such as Content-Type or Content-Disposition: `value; name=param; ...`.
struct MIMEHeaderValue: Sendable, Equatable {
    /// Lower-cased main value (`text/plain`, `attachment`), comments removed.
    var value: String
    /// Parameters by lower-cased name, RFC 2231 continuations joined and decoded.
    var params: [String: String]
}

/// RFC 2045 parameters with RFC 2231 extensions (`name*=charset'lang'%XX`, `name*0=`, `name*1*=`), tolerant of
/// unquoted values with spaces and of RFC 2047 encoded words in quoted values (which RFC 2047 §5 forbids but
/// many clients write).
enum MIMEParameters {
    static func parse(_ raw: [UInt8], issues: inout Set<IssueCode>) -> MIMEHeaderValue {
        let text = Array(HeaderText.string(raw).utf8)
        var i = 0
        var mainBytes: [UInt8] = []
        var depth = 0
        while i < text.count, text[i] != 0x3B || depth > 0 {
            let c = text[i]
            if c == 0x28 { depth += 1 } else if c == 0x29 && depth > 0 { depth -= 1 } else if depth == 0 { mainBytes.append(c) }
            i += 1
        }
        let value = mainValue(mainBytes)

        // Collect raw parameters: (name, section index, extended, raw value).
        var plain: [String: String] = [:]
        var sections: [String: [(index: Int, extended: Bool, value: [UInt8])]] = [:]
        while i < text.count {
            while i < text.count, text[i] == 0x3B || ByteLines.isSpace(text[i]) { i += 1 }
            let nameStart = i
            while i < text.count, text[i] != 0x3D, text[i] != 0x3B { i += 1 }
            guard i < text.count, text[i] == 0x3D else { continue }
            let name = String(decoding: text[nameStart..<i], as: UTF8.self).trimmingASCIISpaces().lowercased()
            i += 1
            while i < text.count, ByteLines.isWSP(text[i]) { i += 1 }
            var v: [UInt8] = []
            if i < text.count, text[i] == 0x22 {
                i += 1
                while i < text.count, text[i] != 0x22 {
                    if text[i] == 0x5C, i + 1 < text.count { i += 1 }
                    v.append(text[i])
                    i += 1
                }
                i += 1
                while i < text.count, text[i] != 0x3B { i += 1 }  // junk after the closing quote
            } else {
                while i < text.count, text[i] != 0x3B { v.append(text[i]); i += 1 }  // QUIRK: spaces unquoted
                while let l = v.last, ByteLines.isSpace(l) { v.removeLast() }
            }
            guard !name.isEmpty else { continue }
            // ASCII names are searched by byte (in ASCII each Character is one byte but CR LF).
            if let star = name.isASCII ? name.utf8.firstIndex(of: 0x2A) : name.firstIndex(of: "*") {
                let base = String(name[..<star])
                var rest = name[name.index(after: star)...]
                let extended = rest.hasSuffix("*") || rest.isEmpty
                if rest.hasSuffix("*") { rest = rest.dropLast() }
                let index = rest.isEmpty ? 0 : (Int(rest) ?? -1)
                guard index >= 0, !base.isEmpty else { continue }
                sections[base, default: []].append((index, extended, v))
            } else if plain[name] == nil {
                plain[name] = EncodedWords.decode(String(decoding: v, as: UTF8.self), issues: &issues)
            }
        }
        for (base, parts) in sections {
            var bytes: [UInt8] = []
            var charset: String?
            for (n, part) in parts.sorted(by: { $0.index < $1.index }).enumerated() {
                var v = part.value
                if part.extended {
                    if n == 0, let q1 = v.firstIndex(of: 0x27), let q2 = v[(q1 + 1)...].firstIndex(of: 0x27) {
                        charset = String(decoding: v[..<q1], as: UTF8.self)
                        v = Array(v[(q2 + 1)...])
                    }
                    bytes += percentDecoded(v)
                } else {
                    bytes += v
                }
            }
            let r = HeaderText.decode(bytes, charset: charset)
            if r.unknown { issues.insert(.unknownCharset) }
            plain[base] = r.text
        }
        return MIMEHeaderValue(value: value, params: plain)
    }

    /// The main value lower-cased without any white space; ASCII (nearly always) byte by byte, with the same
    /// result as the Character-based general path.
    static func mainValue(_ bytes: [UInt8]) -> String {
        guard bytes.withUnsafeBufferPointer(ASCIIBytes.isASCII) else { return mainValueGeneral(bytes) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for c in bytes where !ByteLines.isSpace(c) { out.append(ByteLines.lowerASCII(c)) }
        return String(decoding: out, as: UTF8.self)
    }

    static func mainValueGeneral(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).trimmingASCIISpaces().lowercased().filter { !$0.isWhitespace }
    }

    static func percentDecoded(_ v: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < v.count {
            if v[i] == 0x25, i + 2 < v.count, let h = TransferEncoding.hexValue(v[i + 1]),
               let l = TransferEncoding.hexValue(v[i + 2])
            {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(v[i])
                i += 1
            }
        }
        return out
    }
}
