import Testing
@testable import MailroomCore

@Suite struct NormalizeEncodedWords {
    @Test(arguments: [
        ("=?utf-8?B?SGVsbG8gV29ybGQ=?=", "Hello World", [String]()),
        ("=?UTF-8?Q?caf=C3=A9_au_lait?=", "café au lait", []),
        ("=?iso-8859-1?q?caf=E9?=", "café", []),
        ("=?ISO-8859-15?Q?=A4uro?=", "€uro", []),
        ("=?koi8-r?B?8NLJ18XU?=", "Привет", []),
        ("=?utf-8?q?a?= =?utf-8?q?b?=", "ab", []),
        ("=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab", []),
        ("=?utf-8?q?a?= plain =?utf-8?q?b?=", "a plain b", []),
        ("Re: =?utf-8?q?Gr=C3=BC=C3=9Fe?= aus Wien", "Re: Grüße aus Wien", []),
        ("=?utf-8?B?w6k=?==?utf-8?B?w6k=?=", "éé", []),
        ("=?utf-8?B?4oI=?= =?utf-8?B?rA==?=", "€", []),  // one character split across two words
        ("=?utf-8*en?q?hi?=", "hi", []),
        ("=?utf-8?x?abc?=", "=?utf-8?x?abc?=", ["encoded-word-invalid"]),
        ("=?utf-8?b?!!!?=", "=?utf-8?b?!!!?=", ["encoded-word-invalid"]),
        ("=?x-nonesuch?q?abc?=", "abc", ["unknown-charset"]),
        ("price =? unknown", "price =? unknown", []),
        ("no words here", "no words here", []),
    ])
    func encodedWordsDecode(raw: String, expected: String, issues: [String]) {
        var found = Set<IssueCode>()
        #expect(EncodedWords.decode(raw, issues: &found) == expected)
        #expect(found.map(\.rawValue).sorted() == issues)
    }

    @Test func rawEightBitHeadersDecodeAsUTF8ElseWindows1252() {
        #expect(HeaderText.string(Array("Grüße".utf8)) == "Grüße")
        #expect(HeaderText.string([0x47, 0x72, 0xFC, 0xDF, 0x65, 0x80]) == "Grüße€")
    }
}

@Suite struct NormalizeMIMEParameters {
    @Test(arguments: [
        ("text/plain; charset=\"UTF-8\"", "text/plain", "charset", "UTF-8"),
        ("TEXT/Plain;charset=iso-8859-1 (comment)", "text/plain", "charset", "iso-8859-1 (comment)"),
        ("multipart/mixed; boundary=\"==b;1==\"", "multipart/mixed", "boundary", "==b;1=="),
        ("multipart/mixed;\r\n boundary=abc", "multipart/mixed", "boundary", "abc"),
        ("attachment; filename=my file.pdf", "attachment", "filename", "my file.pdf"),
        ("attachment; filename*=UTF-8''na%C3%AFve%20file.txt", "attachment", "filename", "naïve file.txt"),
        ("attachment; filename*=iso-8859-1'de'Gr%FC%DFe.txt", "attachment", "filename", "Grüße.txt"),
        ("attachment; filename*0=\"long\"; filename*1=\"name.txt\"", "attachment", "filename", "longname.txt"),
        ("attachment; filename*1*=%C3%A9.txt; filename*0*=utf-8''caf", "attachment", "filename", "café.txt"),
        ("attachment; filename=\"plain.txt\"; filename*=utf-8''better.txt", "attachment", "filename", "better.txt"),
        ("attachment; filename=\"=?utf-8?q?caf=C3=A9.txt?=\"", "attachment", "filename", "café.txt"),
        ("inline; filename=\"a \\\"quoted\\\" name\"", "inline", "filename", "a \"quoted\" name"),
    ])
    func parametersDecode(raw: String, value: String, param: String, expected: String) {
        var issues = Set<IssueCode>()
        let v = MIMEParameters.parse(Array(raw.utf8), issues: &issues)
        #expect(v.value == value)
        #expect(v.params[param] == expected)
    }

    @Test(arguments: [
        "", " ", "text/plain", " TEXT/Plain ", "text / html", "multipart/\tmixed", "text/pla\r\nin", "\r\ntext/x\r\n",
        "Text/Plain\u{1}", "text/plain\u{A0}", "téxt/plain", " Text/Plain\u{2003}x", "APPLICATION/PDF",
    ])
    func asciiMainValueMatchesTheGeneralMainValue(raw: String) {
        let bytes = Array(raw.utf8)
        #expect(MIMEParameters.mainValue(bytes) == MIMEParameters.mainValueGeneral(bytes))
    }
}

@Suite struct NormalizeTransferEncodings {
    @Test func quotedPrintableDecodesSoftBreaksAndEscapes() {
        let qp = TransferEncoding.quotedPrintable(Array("caf=C3=A9 =\r\nau lait=\nx = y=3".utf8))
        #expect(String(decoding: qp, as: UTF8.self) == "café au laitx = y=3")
    }

    @Test func base64ToleratesLineBreaksAndMissingPadding() {
        #expect(TransferEncoding.base64(Array("SGVs\r\nbG8".utf8), strict: false) == Array("Hello".utf8))
        #expect(TransferEncoding.base64(Array("SGVsbG8*".utf8), strict: true) == nil)
    }
}
