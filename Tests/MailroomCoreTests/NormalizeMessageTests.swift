import Foundation
import Testing
@testable import MailroomCore

/// Whole messages through `Normalizer.normalize`.
@Suite struct NormalizeMessages {
    static func normalize(_ text: String, settings: NormalizeSettings = NormalizeFixture.settings) -> NormalizeOutcome {
        normalize(Array(text.utf8), settings: settings)
    }

    static func normalize(_ bytes: [UInt8], settings: NormalizeSettings = NormalizeFixture.settings) -> NormalizeOutcome {
        bytes.withUnsafeBytes {
            Normalizer.normalize(copy: NormalizeFixture.copy(size: bytes.count), bytes: $0, settings: settings)
        }
    }

    static func message(_ text: String, settings: NormalizeSettings = NormalizeFixture.settings) throws -> NormalizedMessage {
        guard case .message(let m) = normalize(text, settings: settings) else {
            Issue.record("expected a message")
            throw CancellationError()
        }
        return m
    }

    static let plain = """
        Return-Path: <jane@example.org>
        Received: from mx.example.org by mx.example.com; Tue, 5 Mar 2024 10:22:02 +0000
        Message-ID: <Reply.1@Example.ORG>
        In-Reply-To: <orig.1@example.com>
        References: <root@example.com> <orig.1@example.com> <Reply.1@example.org>
        Date: Tue, 5 Mar 2024 11:22:01 +0100
        From: Jane Doe <jane@example.org>
        To: Me <me@example.com>, "Doe, John" <john@example.net>
        Cc: undisclosed-recipients:;
        Subject: Re: [team] Fwd: =?utf-8?q?Gr=C3=BC=C3=9Fe?=
         from Wien

        Hello   there,
        this is the body.


        """

    static let multipart = """
        From: me@example.com
        To: jane@example.org
        Date: 5 Mar 2024 10:22 GMT
        Message-ID: <m1@example.com>
        Subject: Report
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        preamble
        --outer
        Content-Type: multipart/alternative; boundary=inner

        --inner
        Content-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: quoted-printable

        Caf=E9 menu =
        attached.
        --inner
        Content-Type: text/html; charset=utf-8

        <p>Café menu</p>
        --inner--
        --outer
        Content-Type: application/pdf; name="menu.pdf"
        Content-Transfer-Encoding: base64

        JVBERi0xLjQK
        --outer
        Content-Type: text/plain
        Content-Disposition: attachment

        notes
        --outer--
        epilogue
        """

    static let html = """
        From: news@shop.example
        Subject: Deals
        Date: Tue, 5 Mar 2024 10:22:01 +0000
        Message-ID: <d@shop.example>
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: base64

        \(base64("<html><head><title>T</title><style>p{color:red}</style></head><body><script>var x=1;</script><p>Big&nbsp;deals &amp; more</p><!-- hidden --><div>Caf&eacute; &#8364;5</div></body></html>"))
        """

    static func base64(_ s: String) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let b = Array(s.utf8)
        var out = ""
        var i = 0
        while i < b.count {
            let n = min(3, b.count - i)
            let v = (UInt32(b[i]) << 16) | (n > 1 ? UInt32(b[i + 1]) << 8 : 0) | (n > 2 ? UInt32(b[i + 2]) : 0)
            for k in 0..<4 { out.append(k <= n ? table[Int(v >> (18 - 6 * UInt32(k)) & 63)] : "=") }
            i += 3
        }
        return out
    }

    @Test func plainMessageNormalizesEveryField() throws {
        let m = try Self.message(Self.plain)
        #expect(m.messageId == "Reply.1@example.org")
        #expect(m.date == "2024-03-05T10:22:01Z")
        #expect(m.subject == "Re: [team] Fwd: Grüße from Wien")
        #expect(m.baseSubject == "grüße from wien")
        #expect(m.from.map(\.key) == ["jane@example.org"])
        #expect(m.from.first?.name == "Jane Doe")
        #expect(m.to.map(\.key) == ["me@example.com", "john@example.net"])
        #expect(m.cc.isEmpty)
        #expect(m.inReplyTo == ["orig.1@example.com"])
        // The message's own id stays (threading ignores it unless another message reused the id).
        #expect(m.references == ["root@example.com", "orig.1@example.com", "Reply.1@example.org"])
        #expect(m.direction == .received)
        #expect(m.bulk.isEmpty)
        #expect(m.issues.isEmpty)
        #expect(m.snippet == "Hello there, this is the body.")
        #expect(m.attachments == 0)
        #expect(m.size == Self.plain.utf8.count)
        #expect(m.contentHash.count == 64)
    }

    @Test(arguments: [plain, multipart, html])
    func lfAndCrlfCopiesNormalizeIdentically(text: String) throws {
        let lf = Array(text.utf8)
        guard case .message(var a) = Self.normalize(lf), case .message(var b) = Self.normalize(NormalizeFixture.crlf(lf))
        else {
            Issue.record("both copies must normalize")
            return
        }
        #expect(a.contentHash == b.contentHash)
        a.size = 0
        b.size = 0
        #expect(a == b)
    }

    @Test func transportHeadersDoNotChangeTheContentHash() throws {
        let a = try Self.message(Self.plain)
        let extra = "Delivered-To: me@example.com\nX-Gmail-Labels: Inbox,Important\nStatus: RO\nX-Status: A\n"
        let b = try Self.message("From jane@example.org Tue Mar  5 10:22:01 2024\n" + extra + Self.plain)
        let c = try Self.message(Self.plain.replacingOccurrences(of: "this is the body.", with: "this is another body."))
        #expect(a.contentHash == b.contentHash)
        #expect(a.contentHash != c.contentHash)
    }

    @Test func multipartWalkCountsAttachmentsAndPicksThePlainTextSnippet() throws {
        let m = try Self.message(Self.multipart)
        #expect(m.attachments == 2)
        #expect(m.snippet == "Café menu attached.")
        #expect(m.direction == .sent)
        #expect(m.date == "2024-03-05T10:22:00Z")
        #expect(m.issues.isEmpty)
    }

    @Test func htmlOnlyMessageSnippetDropsTagsScriptsAndStyles() throws {
        let m = try Self.message(Self.html)
        #expect(m.snippet == "Big deals & more Café €5")
    }

    @Test func longBodiesGiveAtMostTwoHundredCharacters() throws {
        let body = String(repeating: "word ", count: 20_000)
        let m = try Self.message("From: a@b.example\nSubject: x\n\n" + body)
        #expect(m.snippet.count <= 200 && m.snippet.count >= 195)
        #expect(body.hasPrefix(m.snippet))
    }

    @Test func missingMultipartFinalBoundaryIsTolerated() throws {
        let m = try Self.message("""
            From: a@b.example
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain

            first part
            --b
            Content-Type: image/png; name=x.png

            iVBORw0KGgo=
            """)
        #expect(m.snippet == "first part")
        #expect(m.attachments == 1)
    }

    @Test func headerIssuesAreReportedSortedAndUnique() throws {
        let m = try Self.message("""
            From: Bob <bob@example.org>, MAILER
            To: nobody, also nobody
            Message-ID: not an id
            Date: sometime soon
            Subject: =?utf-8?x?bad?= and =?x-unknown-cs?q?abc?=

            body
            """)
        #expect(m.issues == ["address-invalid", "date-unparseable", "encoded-word-invalid", "message-id-invalid",
                             "unknown-charset"])
        #expect(m.messageId == nil && m.date == nil)
        #expect(m.subject == "=?utf-8?x?bad?= and abc")
    }

    @Test func indentedFirstHeaderLineIsReadAsAFieldAndFlagged() throws {
        let m = try Self.message(" From: a@b.example\nSubject: x\n\nbody\n")
        #expect(m.from.map(\.key) == ["a@b.example"])
        #expect(m.issues.contains("header-malformed"))
    }

    @Test func strayFirstLineBeforeTheHeaderFieldsIsSkippedAndFlagged() throws {
        let m = try Self.message("Microsoft Mail Internet Headers Version 2.0\nFrom: a@b.example\nSubject: x\n\nbody\n")
        #expect(m.from.map(\.key) == ["a@b.example"])
        #expect(m.subject == "x")
        #expect(m.issues.contains("header-malformed"))
    }

    @Test func emptyTextPartsGiveNoSnippetAndTheNextTextPartIsUsed() throws {
        let m = try Self.message("""
            From: a@b.example
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain

            --b
            Content-Type: text/plain

            second
            --b--
            """)
        #expect(m.snippet == "second")
    }

    @Test func bodyCharsetsDecodeAndUnknownOnesAreFlagged() throws {
        // "テスト" in Shift_JIS
        let sjis: [UInt8] = [0x83, 0x65, 0x83, 0x58, 0x83, 0x67]
        let head = Array("From: a@b.example\nContent-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: 8bit\n\n".utf8)
        guard case .message(let m) = Self.normalize(head + sjis) else {
            Issue.record("expected a message")
            return
        }
        #expect(m.snippet == "テスト")
        #expect(m.issues == ["date-missing", "message-id-missing"])
        let u = try Self.message("From: a@b.example\nContent-Type: text/plain; charset=x-nonesuch\n\nhello\n")
        #expect(u.snippet == "hello")
        #expect(u.issues.contains("unknown-charset"))
    }

    @Test func rawWindows1252HeaderBytesDecode() {
        let bytes = Array("From: Ren".utf8) + [0xE9] + Array(" <rene@b.example>\nSubject: Caf".utf8) + [0xE9, 0x80]
            + Array("\n\nbody\n".utf8)
        guard case .message(let m) = Self.normalize(bytes) else {
            Issue.record("expected a message")
            return
        }
        #expect(m.subject == "Café€")
        #expect(m.from.first?.name == "René")
    }

    @Test func missingDateAndMessageIDAreFlagged() throws {
        let m = try Self.message("From: a@b.example\nSubject: x\n\nbody\n")
        #expect(m.issues == ["date-missing", "message-id-missing"])
    }

    @Test func senderDecidesDirectionWhenFromIsEmpty() throws {
        let m = try Self.message("From: undisclosed:;\nSender: Me <ME@Example.com>\nSubject: x\n\nbody\n")
        #expect(m.direction == .sent)
        #expect(m.sender?.key == "me@example.com")
    }

    @Test func pipermailFromIsAccepted() throws {
        let m = try Self.message("From: jane at example.org (Jane Doe)\nSubject: x\n\nbody\n")
        #expect(m.from.map(\.key) == ["jane@example.org"])
        #expect(m.from.first?.name == "Jane Doe")
    }

    /// The message's own id stays in References: it may name another message that reused the id (a ticket
    /// system's update naming the ticket); threading drops it otherwise.
    @Test func freeTextInReplyToYieldsItsIdAndSelfReferencesAreKeptForThreading() throws {
        let m = try Self.message("""
            From: a@b.example
            Message-ID: <self@b.example>
            In-Reply-To: Your message of "Tue, 5 Mar 2024" <parent@b.example>
            References: <self@b.example>

            body
            """)
        #expect(m.inReplyTo == ["parent@b.example"])
        #expect(m.references == ["self@b.example"])
    }

    /// A sender whose clock was set to the year 1000 (or 9999), in a message as Thunderbird writes it: a date its
    /// zone moves out of years 1000-9999 in UTC is unparseable (the message keeps no date, and says so); one its
    /// zone keeps inside is read as written.
    @Test(arguments: [
        ("Mon, 1 Jan 1000 00:01:00 +0200", nil), ("Mon, 1 Jan 1000 00:01:00 +0000", "1000-01-01T00:01:00Z"),
        ("Fri, 31 Dec 9999 23:30:00 -0100", nil), ("Fri, 31 Dec 9999 23:30:00 +0100", "9999-12-31T22:30:00Z"),
    ] as [(String, String?)])
    func aClockSetCenturiesOffKeepsNoDateOnlyWhenItsZoneMovesItOutOfRange(date: String, iso: String?) throws {
        let m = try Self.message("""
            Message-ID: <7c1e2a90-5b1d-4f3e-9a77-3c2f0e8d1b42@old-clock.example>
            Date: \(date)
            MIME-Version: 1.0
            User-Agent: Mozilla Thunderbird
            Content-Language: en-US
            To: Me <me@example.com>
            From: Old Clock <clock@old-clock.example>
            Subject: Meeting notes
            Content-Type: text/plain; charset=UTF-8; format=flowed
            Content-Transfer-Encoding: 7bit

            Notes attached below.
            """)
        #expect(m.date == iso)
        #expect(m.issues.contains(IssueCode.dateUnparseable.rawValue) == (iso == nil))
    }
}

@Suite struct NormalizeBaseSubjects {
    @Test(arguments: [
        ("Re: Hello", "hello"),
        ("RE: Re: re:  Hello   World", "hello world"),
        ("Fwd: Fw: AW: SV: Antw: Hello", "hello"),
        ("Ref: Réf.: Hello", "hello"),
        ("[list] Re: [other-list] Fwd: Hello", "hello"),
        ("Re[2]: Re(3): Hello", "hello"),
        ("WG: TR: Hello", "hello"),
        ("Really: not a prefix", "really: not a prefix"),
        ("Re: ", ""),
        ("Ответ Re: Привет", "ответ re: привет"),
        ("[Fwd: Re: Hello]", "hello"),
        ("R: R: I: Ciao", "ciao"),
        ("Re:   Hello\tthere", "hello there"),
    ])
    func replyAndForwardPrefixesAreStripped(subject: String, expected: String) {
        #expect(BaseSubject.of(subject) == expected)
    }
}

@Suite struct NormalizeBulk {
    @Test(arguments: [
        ("List-Unsubscribe: <mailto:u@x.example>\nList-Id: <news.x.example>\n", "a@x.example", ["list-unsubscribe", "list-id"]),
        ("Precedence: bulk\n", "a@x.example", ["precedence"]),
        ("Precedence: first-class\n", "a@x.example", []),
        ("Auto-Submitted: auto-replied\n", "a@x.example", ["auto-submitted"]),
        ("Auto-Submitted: no\n", "a@x.example", []),
        ("Content-Type: multipart/report; report-type=delivery-status; boundary=x\n", "a@x.example", ["delivery-report"]),
        ("", "MAILER-DAEMON@x.example", ["delivery-report"]),
        ("", "Mail Delivery System <MAILER-DAEMON>", ["delivery-report"]),
        ("", "no-reply@x.example", ["noreply-sender"]),
        ("", "DoNotReply+alerts@x.example", ["noreply-sender"]),
        ("Precedence: list\nList-Id: l.x.example\n", "noreply@x.example", ["list-id", "precedence", "noreply-sender"]),
        ("", "noreplyjane@x.example", []),
    ])
    func bulkReasonsAreDetectedInOrder(headers: String, from: String, expected: [String]) throws {
        let m = try NormalizeMessages.message("From: \(from)\nSubject: s\n\(headers)\nbody\n")
        #expect(m.bulk == expected)
    }
}
