/// What the MIME walk found in a message.
struct MIMESummary: Sendable {
    var attachments = 0
    var snippet = ""
    /// A `message/delivery-status` part (or the global variant) was seen.
    var deliveryStatus = false
    /// The message's own (top-level) media type, lower-cased: `multipart/report`, `text/plain`, ...
    var topType = ""
    var issues = Set<IssueCode>()
}

/// Walks a message's MIME tree over its bytes: counts attachments, finds the text part for the snippet, and
/// stops at the depth and part limits. Only the snippet's part is decoded, and only as far as the snippet needs;
/// attachments are never decoded. Parts of an attached message/rfc822 are not walked.
struct MIMEWalker {
    let b: UnsafeRawBufferPointer
    let limits: MessageLimits
    var summary = MIMESummary()
    private var parts = 0
    private var stopped = false
    private var plain: Leaf?
    private var html: Leaf?
    private var firstPlainScan = MIMEWalker.firstPlainSnippetScan

    struct Leaf {
        var charset: String?
        var encoding: String
        var body: Range<Int>
    }

    init(_ b: UnsafeRawBufferPointer, limits: MessageLimits) {
        self.b = b
        self.limits = limits
    }

    /// Walks the message whose top-level header is `top` and whose bytes end at `end`.
    /// `firstScan`: the bytes of a plain-text part decoded first for the snippet (tests compare other sizes).
    static func walk(_ b: UnsafeRawBufferPointer, top: HeaderBlock, end: Int, limits: MessageLimits,
                     firstScan: Int = MIMEWalker.firstPlainSnippetScan) -> MIMESummary {
        var w = MIMEWalker(b, limits: limits)
        w.firstPlainScan = firstScan
        w.entity(top, body: top.bodyStart..<max(top.bodyStart, end), depth: 0, defaultType: "text/plain")
        if let leaf = w.plain {
            w.summary.snippet = w.snippet(leaf, html: false)
        } else if let leaf = w.html {
            w.summary.snippet = w.snippet(leaf, html: true)
        }
        return w.summary
    }

    private mutating func entity(_ h: HeaderBlock, body: Range<Int>, depth: Int, defaultType: String) {
        guard !stopped else { return }
        parts += 1
        if parts > limits.maxParts {
            summary.issues.insert(.partLimit)
            stopped = true
            return
        }
        if h.limitHit { summary.issues.insert(.headerLimit) }
        let ct = h.first("content-type").map { MIMEParameters.parse($0, issues: &summary.issues) }
        var type = ct?.value ?? ""
        if !type.containsASCII("/") { type = defaultType }
        if depth == 0 { summary.topType = type }
        let disposition = h.first("content-disposition").map { MIMEParameters.parse($0, issues: &summary.issues) }

        if type.hasPrefix("multipart/"), let boundary = ct?.params["boundary"], !boundary.isEmpty {
            guard depth < limits.maxMIMEDepth else {
                summary.issues.insert(.mimeDepthLimit)
                return
            }
            let childDefault = type == "multipart/digest" ? "message/rfc822" : "text/plain"
            for part in Self.split(b, body: body, boundary: Array(boundary.utf8)) {
                guard !stopped else { return }
                let ph = HeaderParser.parse(b, range: part, topLevel: false, maxBytes: limits.maxHeaderBytes,
                                            maxFields: limits.maxHeaderFields)
                entity(ph, body: min(ph.bodyStart, part.upperBound)..<part.upperBound, depth: depth + 1,
                       defaultType: childDefault)
            }
            return
        }
        if type == "message/delivery-status" || type == "message/global-delivery-status" {
            summary.deliveryStatus = true
        }
        let filename = disposition?.params["filename"] ?? ct?.params["name"]
        let isAttachment = (filename.map { !$0.isEmpty } ?? false) || disposition?.value == "attachment"
        if isAttachment {
            summary.attachments += 1
            return
        }
        let encoding = h.first("content-transfer-encoding").map {
            HeaderText.string($0).trimmingASCIISpaces().lowercased()
        } ?? ""
        let leaf = Leaf(charset: ct?.params["charset"], encoding: encoding, body: body)
        guard Self.hasText(b, body) else { return }
        if type == "text/plain" && plain == nil { plain = leaf }
        if type == "text/html" && html == nil { html = leaf }
    }

    /// Whether the range holds anything but white space (empty text parts give no snippet).
    static func hasText(_ b: UnsafeRawBufferPointer, _ r: Range<Int>) -> Bool {
        for k in r where !ByteLines.isSpace(b[k]) { return true }
        return false
    }

    /// Byte ranges of the parts of a multipart body (preamble and epilogue dropped). A missing final boundary
    /// ends the last part at the end of the body.
    static func split(_ b: UnsafeRawBufferPointer, body: Range<Int>, boundary: [UInt8]) -> [Range<Int>] {
        let delimiter: [UInt8] = [0x2D, 0x2D] + boundary
        var out: [Range<Int>] = []
        var partStart: Int?
        var prevContentEnd = body.lowerBound
        var i = body.lowerBound
        let end = body.upperBound
        while i < end {
            let (contentEnd, next) = ByteLines.line(b, from: i, end: end)
            if contentEnd - i >= delimiter.count, b[i] == 0x2D, b[i + 1] == 0x2D,
               ByteLines.hasPrefix(b, at: i, end: contentEnd, delimiter)
            {
                var k = i + delimiter.count
                let closing = k + 1 < contentEnd && b[k] == 0x2D && b[k + 1] == 0x2D
                if closing { k += 2 }
                while k < contentEnd, ByteLines.isSpace(b[k]) { k += 1 }
                if k == contentEnd {
                    if let s = partStart { out.append(s..<max(s, prevContentEnd)) }
                    if closing { return out }
                    partStart = next
                }
            }
            prevContentEnd = contentEnd
            i = next
        }
        if let s = partStart, s < end { out.append(s..<end) }
        return out
    }

    /// Most bytes of one part decoded for the snippet.
    static let maxSnippetScan = 1 << 20

    /// The bytes of a plain-text part decoded first (then four times as many, and so on): 200 characters of prose
    /// take about 250 bytes, so 512 mostly suffice. Past 512 the sizes are 2048, 8192 … as when the scan started at
    /// 2048. The snippet does not depend on it (tests compare every first scan with the part decoded whole).
    static let firstPlainSnippetScan = 512

    /// The first characters of a text part, decoding only a growing prefix of it.
    private mutating func snippet(_ leaf: Leaf, html: Bool) -> String {
        let limit = 200
        var take = html ? 16384 : firstPlainScan
        let charset = HeaderText.normalizedCharset(leaf.charset)
        let utf8 = HeaderText.utf8Labels.contains(charset)
        let asciiCompatible = HeaderText.decodesASCIIAsItself(label: charset)
        while true {
            let cut = leaf.body.lowerBound..<min(leaf.body.upperBound, leaf.body.lowerBound + take)
            let whole = cut.upperBound == leaf.body.upperBound
            // A cut prefix ends after a line break when there is one in its second half, so that it cuts no
            // quoted-printable escape, base64 quantum or 8-bit character.
            let r = whole ? cut : cut.lowerBound..<ByteLines.endAfterLastLineBreak(b, cut, notBefore: cut.lowerBound + cut.count / 2)
            let raw = ByteLines.slice(b, r)
            var bytes: [UInt8]
            switch leaf.encoding {
            case "quoted-printable": bytes = TransferEncoding.quotedPrintable(raw)
            case "base64": bytes = TransferEncoding.base64(raw, strict: false) ?? []
            default: bytes = Array(raw)
            }
            // A character split by the cut (a soft line break, base64, or no line break to cut at) is left out:
            // UTF-8 with a broken last character would be read as windows-1252 whole.
            if !whole, utf8 { bytes.removeLast(ValidUTF8.incompleteTail(bytes)) }
            let text: String
            if !html, asciiCompatible, let t = bytes.withUnsafeBufferPointer({
                ASCIIBytes.isASCII($0) ? HeaderText.collapsingWhiteSpace(utf8: $0, keepingAtLeast: limit + 21) : nil
            }) {
                text = t  // ASCII in a charset that decodes ASCII as itself: the bytes are the text
            } else {
                let decoded = HeaderText.decode(bytes, charset: leaf.charset)
                if decoded.unknown { summary.issues.insert(.unknownCharset) }
                text = HeaderText.collapsingWhiteSpace(html ? HTMLText.plainText(decoded.text) : decoded.text,
                                                       keepingAtLeast: limit + 21)
            }
            // A cut prefix may end in a broken character, tag or entity: keep a margin beyond the limit. Past
            // `maxSnippetScan` bytes (a body of markup or blank lines) take what was found.
            // (The collapse stops soon after `limit + 21` Characters; see `collapsingWhiteSpace(_:keepingAtLeast:)`.)
            if whole || HeaderText.collapsedText(text, hasAtLeast: limit + 21) || take >= Self.maxSnippetScan {
                // Collapsed ASCII text holds no CR LF pair: each byte is one Character.
                let start = text.isASCII
                    ? String(decoding: text.utf8.prefix(limit), as: UTF8.self) : String(text.prefix(limit))
                return start.trimmingWhiteSpace()
            }
            take *= 4
        }
    }
}
