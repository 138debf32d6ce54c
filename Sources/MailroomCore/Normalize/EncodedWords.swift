/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in unstructured header text and phrases.
enum EncodedWords {
    /// Decodes every encoded word in `text`. White space between adjacent encoded words is removed, and adjacent
    /// words in one charset are decoded together (so a character split across words survives). Malformed words are
    /// kept as literal text (`encoded-word-invalid`); an unknown charset decodes as UTF-8 or windows-1252
    /// (`unknown-charset`).
    static func decode(_ text: String, issues: inout Set<IssueCode>) -> String {
        guard text.containsASCII("=?") else { return text }
        let b = Array(text.utf8)
        var out = ""
        var literalStart = 0
        var lastWordEnd = -1
        var pending: (charset: String, bytes: [UInt8])?

        func flushPending() {
            guard let p = pending else { return }
            let r = HeaderText.decode(p.bytes, charset: p.charset)
            if r.unknown { issues.insert(.unknownCharset) }
            out += r.text
            pending = nil
        }

        var i = 0
        while i + 1 < b.count {
            guard b[i] == 0x3D, b[i + 1] == 0x3F, let w = word(b, at: i) else {
                i += 1
                continue
            }
            let gap = b[literalStart..<i]
            let gapIsWhite = lastWordEnd == literalStart && gap.allSatisfy(ByteLines.isSpace)
            guard let payload = w.payload else {
                issues.insert(.encodedWordInvalid)
                flushPending()
                out += String(decoding: b[literalStart..<w.end], as: UTF8.self)
                literalStart = w.end
                lastWordEnd = -1
                i = w.end
                continue
            }
            if !gapIsWhite {
                flushPending()
                out += String(decoding: gap, as: UTF8.self)
            }
            if let p = pending, p.charset == w.charset {
                pending!.bytes += payload
            } else {
                flushPending()
                pending = (w.charset, payload)
            }
            literalStart = w.end
            lastWordEnd = w.end
            i = w.end
        }
        flushPending()
        out += String(decoding: b[literalStart...], as: UTF8.self)
        return out
    }

    /// The encoded word starting at `i` (`=?`): its charset (lower-cased, language removed), decoded payload (nil
    /// when the encoding or the data is malformed) and the offset after `?=`. Nil when the text is not shaped like
    /// an encoded word at all.
    static func word(_ b: [UInt8], at i: Int) -> (charset: String, payload: [UInt8]?, end: Int)? {
        var j = i + 2
        let csStart = j
        while j < b.count, b[j] != 0x3F, b[j] > 0x20, b[j] < 0x7F, j - csStart < 80 { j += 1 }
        guard j < b.count, b[j] == 0x3F, j > csStart else { return nil }
        let charset = HeaderText.normalizedCharset(String(decoding: b[csStart..<j], as: UTF8.self))
        j += 1
        guard j + 1 < b.count, b[j + 1] == 0x3F else { return nil }
        let enc = ByteLines.lowerASCII(b[j])
        j += 2
        let textStart = j
        while j + 1 < b.count, !(b[j] == 0x3F && b[j + 1] == 0x3D) {
            if ByteLines.isSpace(b[j]) || j - textStart > 4096 { return nil }
            j += 1
        }
        guard j + 1 < b.count else { return nil }
        let data = b[textStart..<j]
        let end = j + 2
        switch enc {
        case UInt8(ascii: "b"):
            return (charset, TransferEncoding.base64(data, strict: true), end)
        case UInt8(ascii: "q"):
            return (charset, TransferEncoding.quotedPrintable(data, underscoreIsSpace: true), end)
        default:
            return (charset, nil, end)
        }
    }
}
