import Testing
@testable import MailroomCore

@Suite struct NormalizeLimits {
    /// A message nested `depth` multiparts deep, with a text part at the bottom.
    static func mimeBomb(depth: Int) -> String {
        var s = "From: a@b.example\nSubject: bomb\nContent-Type: multipart/mixed; boundary=b0\n\n"
        for k in 0..<depth { s += "--b\(k)\nContent-Type: multipart/mixed; boundary=b\(k + 1)\n\n" }
        s += "--b\(depth)\nContent-Type: text/plain\n\ndeep\n"
        for k in stride(from: depth, through: 0, by: -1) { s += "--b\(k)--\n" }
        return s
    }

    @Test func deepMIMEBombStopsDescendingAndIsFlagged() throws {
        let m = try NormalizeMessages.message(Self.mimeBomb(depth: 2000))
        #expect(m.issues.contains("mime-depth-limit"))
        #expect(m.snippet == "")
    }

    @Test func nestingWithinTheDepthLimitIsWalked() throws {
        let m = try NormalizeMessages.message(Self.mimeBomb(depth: 10))
        #expect(!m.issues.contains("mime-depth-limit"))
        #expect(m.snippet == "deep")
    }

    @Test func tooManyPartsStopTheWalkAndAreFlagged() throws {
        var s = "From: a@b.example\nSubject: wide\nContent-Type: multipart/mixed; boundary=w\n\n"
        for k in 0..<5000 { s += "--w\nContent-Type: image/png; name=p\(k).png\n\nAAAA\n" }
        s += "--w--\n"
        let m = try NormalizeMessages.message(s)
        #expect(m.issues.contains("part-limit"))
        #expect(m.attachments == MessageLimits().maxParts - 1)
    }

    @Test func fiveThousandHeaderFieldsAreCappedAndFlagged() throws {
        var s = "From: a@b.example\nSubject: many fields\n"
        for k in 0..<5000 { s += "X-Trace-\(k): hop \(k)\n" }
        s += "To: late@b.example\n\nbody\n"
        let m = try NormalizeMessages.message(s)
        #expect(m.issues.contains("header-limit"))
        #expect(m.subject == "many fields")
        #expect(m.to.isEmpty)  // beyond the field limit
        #expect(m.snippet == "body")
    }

    @Test func oversizedHeaderSectionIsCappedAndFlagged() throws {
        var settings = NormalizeFixture.settings
        settings.limits.maxHeaderBytes = 1024
        let s = "From: a@b.example\nX-Big: " + String(repeating: "x", count: 4000) + "\nSubject: s\n\nbody\n"
        let m = try NormalizeMessages.message(s, settings: settings)
        #expect(m.issues == ["date-missing", "header-limit", "message-id-missing"])
        #expect(m.from.count == 1)
        #expect(m.snippet == "body")
    }

    @Test func hugeFoldedFieldKeepsWhatFitsAndIsFlagged() throws {
        var settings = NormalizeFixture.settings
        settings.limits.maxHeaderBytes = 4096
        let s = "Subject: start\n" + String(repeating: " more\n", count: 10_000) + "From: a@b.example\n\nbody\n"
        let m = try NormalizeMessages.message(s, settings: settings)
        #expect(m.issues.contains("header-limit"))
        #expect(m.subject.hasPrefix("start more more"))
        #expect(m.subject.utf8.count < 4096)
        #expect(m.snippet == "body")
    }

    @Test(arguments: [(50, false), (58, true)])
    func headerByteLimitCutsLFAndCRLFCopiesAtTheSameField(limit: Int, toFits: Bool) throws {
        // The header is 57 bytes with LF line ends (From and Subject take 41) and 60 with CRLF.
        var settings = NormalizeFixture.settings
        settings.limits.maxHeaderBytes = limit
        let lf = Array("From: a@b.example\nSubject: first subject\nTo: c@d.example\n\nbody\n".utf8)
        guard case .message(let a) = NormalizeMessages.normalize(lf, settings: settings),
              case .message(let b) = NormalizeMessages.normalize(NormalizeFixture.crlf(lf), settings: settings)
        else {
            Issue.record("both copies must normalize")
            return
        }
        #expect(a.to.isEmpty == !toFits && b.to.isEmpty == !toFits)
        #expect(a.subject == "first subject" && b.subject == a.subject)
        #expect(a.issues.contains("header-limit") == !toFits && a.issues == b.issues)
    }

    @Test func everyTruncationOfAMessageNormalizesOrIsQuarantined() {
        let bytes = Array(NormalizeMessages.multipart.utf8)
        for n in 0...bytes.count {
            switch NormalizeMessages.normalize(Array(bytes[..<n])) {
            case .message(let m): #expect(m.size == n)
            case .quarantined(let q): #expect(n < 20, "prefix \(n): \(q.reason)")
            }
        }
    }

    @Test func messagesOverTheSizeLimitAreQuarantined() {
        var settings = NormalizeFixture.settings
        settings.limits.maxMessageBytes = 100
        let outcome = NormalizeMessages.normalize(NormalizeMessages.plain, settings: settings)
        guard case .quarantined(let q) = outcome else {
            Issue.record("expected quarantine")
            return
        }
        #expect(q.reason == .tooLarge)
        #expect(q.copyId == "box/INBOX/1")
        #expect(q.detail.contains("limit of 100 bytes"))
    }

    @Test func extremeLimitsDoNotTrap() {
        var settings = NormalizeFixture.settings
        settings.limits.maxHeaderBytes = .max
        settings.limits.maxMessageBytes = .max
        settings.limits.maxParts = .max
        settings.limits.maxMIMEDepth = .max
        settings.limits.maxHeaderFields = .max
        guard case .quarantined(let q) = NormalizeMessages.normalize([0x41, 0x00, 0x0A, 0x42], settings: settings) else {
            Issue.record("expected quarantine")
            return
        }
        #expect(q.reason == .binaryContent)
        guard case .message(let m) = NormalizeMessages.normalize(Self.mimeBomb(depth: 3), settings: settings) else {
            Issue.record("expected a message")
            return
        }
        #expect(m.snippet == "deep")
    }

    @Test func defaultLimitsAreDocumentedValues() {
        let l = MessageLimits()
        #expect(l.maxMessageBytes == 64 << 20 && l.maxHeaderBytes == 512 << 10 && l.maxHeaderFields == 1000)
        #expect(l.maxMIMEDepth == 20 && l.maxParts == 500)
    }
}

@Suite struct NormalizeQuarantine {
    @Test(arguments: [
        ([UInt8](), "empty"),
        (Array(" \n\r\n\t\n".utf8), "empty"),
        (Array("Hello, this is plain text.\nAnother line.\n".utf8), "not-a-message"),
        (Array("Note: just a text file\n\nwith a colon line\n".utf8), "not-a-message"),
        (Array(" indented first line\nFrom: a@b.example\n\n".utf8), "not-a-message"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52], "binary-content"),
        ([0x00, 0x00, 0x14, 0x00, 0x38, 0x5D, 0x0A, 0xC6, 0x7D], "binary-content"),
        (Array("Plain text\n\nthen a NUL\u{0} in what would be the body\n".utf8), "not-a-message"),
        (Array("From: a@b.example\nSubject: x\u{0}y\n\nbody".utf8), "binary-content"),
    ])
    func unreadableCopiesAreQuarantinedWithAReason(bytes: [UInt8], reason: String) {
        guard case .quarantined(let q) = NormalizeMessages.normalize(bytes) else {
            Issue.record("expected quarantine")
            return
        }
        #expect(q.reason.rawValue == reason)
        #expect(!q.detail.isEmpty && !q.detail.contains("\n"))
        #expect(q.locator == NormalizeFixture.copy(size: bytes.count).locator)
    }

    @Test func nulBytesInTheBodyDoNotQuarantine() {
        guard case .message = NormalizeMessages.normalize(Array("From: a@b.example\n\nbinary\u{0}body".utf8)) else {
            Issue.record("expected a message")
            return
        }
    }

    @Test func quarantineDetailNamesTheByteOffset() {
        guard case .quarantined(let q) = NormalizeMessages.normalize(Array("From: a@b.example\nX: \u{0}\n\n".utf8))
        else {
            Issue.record("expected quarantine")
            return
        }
        #expect(q.detail == "NUL byte in the header section at byte offset 21")
    }
}
