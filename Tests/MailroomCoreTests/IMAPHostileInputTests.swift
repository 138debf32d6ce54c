import Testing
import MailroomCore

/// The pure parts of issue 12 §3-§5: the framer's and parser's caps, numbers, dates, hosts, folder names and
/// the terminal sanitizer.
struct IMAPHostileInputTests {
    static func framed(_ s: String, limits: IMAPLimits = IMAPLimits()) throws -> [UInt8]? {
        var f = IMAPFramer(limits: limits)
        f.feed(Array(s.utf8))
        return try f.next()
    }

    @Test func aLineWithoutCRLFPastTheCapIsRefusedAsSoonAsItIsReceived() throws {
        var f = IMAPFramer(limits: IMAPLimits(maxLineBytes: 1000))
        f.feed([UInt8](repeating: 0x41, count: 999))
        #expect(try f.next() == nil)
        f.feed([0x41, 0x41])
        let e = try #require(throws: IMAPProtocolError.self) { try f.next() }
        #expect(e.message.contains("longer than 1000 bytes"))
    }

    @Test func literalsDoNotCountAsLineBytesButTheirSumIsCapped() throws {
        let limits = IMAPLimits(maxLineBytes: 40, maxLiteralBytes: 100)
        let body = String(repeating: "b", count: 90)
        #expect(try Self.framed("* 1 FETCH (BODY[] {90}\r\n\(body))\r\n", limits: limits) != nil)
        #expect(throws: IMAPProtocolError.self) {
            try Self.framed("* 1 FETCH (BODY[] {90}\r\n\(body) X {11}\r\n", limits: limits)
        }
        #expect(throws: IMAPProtocolError.self) { try Self.framed("* 1 FETCH (BODY[] {101}\r\n", limits: limits) }
    }

    @Test func theDefaultCapsAreTheDocumentedOnes() {
        let l = IMAPLimits()
        #expect(l.maxLineBytes == 16 << 20)
        #expect(l.maxLiteralBytes == 64 << 20 && l.maxLiteralBytes == MessageLimits().maxMessageBytes)
        #expect(l.maxNesting == 64)
        #expect(IMAPFramer().maxLiteral == 64 << 20)
    }

    @Test func deepNestingIsAProtocolErrorNotAStackOverflow() throws {
        let deep = "* 1 FETCH " + String(repeating: "(", count: 200_000) + String(repeating: ")", count: 200_000) + "\r\n"
        let e = try #require(throws: IMAPProtocolError.self) { try IMAPResponse.parse(Array(deep.utf8)) }
        #expect(e.message.contains("nested more than 64 deep"))
        let ok = "* 1 FETCH " + String(repeating: "(", count: 64) + String(repeating: ")", count: 64) + "\r\n"
        #expect(throws: Never.self) { try IMAPResponse.parse(Array(ok.utf8)) }
    }

    @Test func aTwentyDigitLiteralInsideALineIsAProtocolError() {
        #expect(throws: IMAPProtocolError.self) {
            try IMAPResponse.parse(Array("* 1 FETCH (BODY[] {99999999999999999999}x)\r\n".utf8))
        }
    }

    @Test(arguments: ["9223372036854775808", "18446744073709551615", "99999999999999999999999"])
    func numbersPastSixtyThreeBitsAreRefused(n: String) throws {
        #expect(throws: IMAPProtocolError.self) { try IMAPValue.atom(n).number64("UID") }
        let fetch = try IMAPResponse.parse(Array("* 1 FETCH (UID \(n))\r\n".utf8))
        guard case .data(let v) = fetch else { Issue.record("not data"); return }
        #expect(throws: IMAPProtocolError.self) { try IMAPFetchResult(v) }
        #expect(try IMAPValue.atom("9223372036854775807").number64("UID") == Int.max)
        #expect(try IMAPValue.atom("INBOX").number64("UID") == nil)
    }

    @Test(arguments: ["12-Jan-9223372036854775807 10:00:00 +0000", "12-Jan-10000 10:00:00 +0000", "12-Jan-0 10:00:00 +0000"])
    func internalDatesOutsideYearsOneTo9999AreUnreadable(text: String) {
        #expect(IMAPDate.parseInternalDate(text) == nil)
        #expect(IMAPDate.parseInternalDate("31-Dec-9999 23:59:59 +0000") != nil)
    }

    /// A status text after a response code with a million spaces: parsed in linear time (it was removeFirst
    /// per space, quadratic).
    @Test func aLongRunOfSpacesAfterAResponseCodeIsSkippedInOnePass() throws {
        let line = "* OK [ALERT]" + String(repeating: " ", count: 1_000_000) + "look\r\n"
        #expect(try IMAPResponse.parse(Array(line.utf8)) == .status(.ok, code: IMAPResponseCode(name: "ALERT"), text: "look"))
    }

    @Test func folderNamesWithLineBreaksOrNULCannotBecomeCommands() throws {
        for bad in ["Sent\r\nA1 DELETE INBOX", "Sent\nX", "Sent\u{0}"] {
            let e = try #require(throws: IMAPProtocolError.self) { try IMAPCommand.examine(wireName: bad) }
            #expect(!e.message.contains("\r") && !e.message.contains("\n") && !e.message.contains("\u{0}"))
        }
        // Names built from the pipeline are modified UTF-7: control characters are base64, never raw.
        #expect(!IMAPCommand.hasLineBreakOrNUL(IMAPCommand.mailbox("a\r\nb\u{0}")))
    }

    // MARK: hosts

    @Test(arguments: ["127.0.0.1@mail.example.com", "mail example.com", "-mail.example.com", "mail..example.com",
                      "127.1", "1.2.3.256", "[::1]", "fe80::1%eth0", "http://mail.example.com", "", "mail.example.com/x",
                      "0x7f.0.0.1", "a\u{1B}[2J.example.com"])
    func whatIsNeitherADNSNameNorAnIPAddressIsRefused(host: String) {
        guard case .failure = IMAPHost.check(host) else { Issue.record("\(host) accepted"); return }
    }

    @Test(arguments: ["mail.example.com", "127.mail.example.com", "localhost", "imap.gmail.com.", "bücher.example",
                      "127.0.0.1", "::1", "::ffff:127.0.0.1", "2001:db8::1", "192.0.2.7"])
    func dnsNamesAndIPAddressesAreHosts(host: String) {
        guard case .success = IMAPHost.check(host) else { Issue.record("\(host) refused"); return }
    }

    @Test func loopbackIsDecidedOnAddressesNeverOnText() throws {
        #expect(IMAPHost.check("127.mail.example.com") == .success(.name))
        #expect(IMAPHost.isLoopback([127, 0, 0, 1]) && IMAPHost.isLoopback([127, 200, 3, 4]))
        #expect(!IMAPHost.isLoopback([128, 0, 0, 1]) && !IMAPHost.isLoopback([192, 0, 2, 2]))
        #expect(IMAPHost.isLoopback(try #require(IMAPHost.ipv6("::1"))))
        #expect(IMAPHost.isLoopback(try #require(IMAPHost.ipv6("::ffff:127.0.0.1"))))
        #expect(!IMAPHost.isLoopback(try #require(IMAPHost.ipv6("::ffff:192.0.2.2"))))
        #expect(!IMAPHost.isLoopback(try #require(IMAPHost.ipv6("::2"))))
        // A name that resolves to a loopback and another address, or to nothing, is not plaintext-safe.
        #expect(IMAPHost.plaintextAllowed(resolved: [[127, 0, 0, 1], Array(repeating: 0, count: 15) + [1]]))
        #expect(!IMAPHost.plaintextAllowed(resolved: [[127, 0, 0, 1], [192, 0, 2, 2]]))
        #expect(!IMAPHost.plaintextAllowed(resolved: []))
    }

    static func pipeline(host: String, security: String = "none", folders: String = "") -> String {
        """
        name: p
        ownDomains: [example.com]
        mailbox:
          source: imap
          host: \(host)
          security: \(security)
          username: u
          secret: env:PW
        \(folders)
        """
    }

    @Test func aPipelineHostThatIsNoHostIsRefusedWithItsLine() throws {
        let e = try #require(throws: ConfigError.self) {
            try PipelineConfig.parse(yaml: Self.pipeline(host: "\"127.0.0.1@mail.example.com\""), file: "p.yml")
        }
        #expect(e.issues.count == 1)
        #expect(e.issues.first?.line == 5)
        #expect(e.issues.first?.detail.contains("must be a DNS name or an IP address") == true)
        // A non-loopback IP literal with security: none is refused at once, with the security line.
        let f = try #require(throws: ConfigError.self) { try PipelineConfig.parse(yaml: Self.pipeline(host: "192.0.2.7"), file: "p.yml") }
        #expect(f.issues.first?.line == 6)
        #expect(f.issues.first?.detail.contains("in clear") == true)
        // A name is judged when connecting, on what it resolves to.
        #expect(throws: Never.self) { try PipelineConfig.parse(yaml: Self.pipeline(host: "127.mail.example.com"), file: "p.yml") }
        #expect(throws: Never.self) { try PipelineConfig.parse(yaml: Self.pipeline(host: "::1"), file: "p.yml") }
    }

    @Test func aPipelineFolderWithALineBreakIsRefused() throws {
        let e = try #require(throws: ConfigError.self) {
            try PipelineConfig.parse(yaml: Self.pipeline(host: "localhost", folders: "  folders: [INBOX, \"Sent\\r\\nA1 DELETE INBOX\"]"), file: "p.yml")
        }
        #expect(e.issues.first?.line == 9)
        #expect(e.issues.first?.detail.contains("line break or NUL") == true)
    }

    // MARK: terminal

    @Test(arguments: [
        ("\u{1B}[2J", "\\x1B[2J"),
        ("a\u{7}b\u{7F}c\u{9B}d", "a\\x07b\\x7Fc\\x9Bd"),
        ("\u{202E}gnp.exe\u{2066}", "\\u{202E}gnp.exe\\u{2066}"),
        ("line\r\nnext\ttab", "line\\x0D\\x0Anext\\x09tab"),
        ("héllo 😀 Ω Привет 日本", "héllo 😀 Ω Привет 日本"),
    ])
    func theTerminalSanitizerEscapesControlsAndBidiAndKeepsUnicode(input: String, expected: String) {
        #expect(TerminalText.escaped(input) == expected)
    }

    @Test func theModifiedUTF7FolderThatClearsTheScreenIsEscaped() throws {
        let name = try #require(ModifiedUTF7.decode("&ABsAWwAyAEo-"))
        #expect(name == "\u{1B}[2J")
        #expect(TerminalText.escaped(name) == "\\x1B[2J")
        #expect(TerminalText.lines("a\n\u{1B}[2J\tb\n") == "a\n\\x1B[2J\tb\n")
        #expect(TerminalText.clean("x\u{1B}[31m\ny") == "x\\x1B[31m y")
    }
}

extension IMAPHostileInputTests {
    /// `[::1]` is an IPv6 address written as in a URL: the reason says to drop the brackets.
    @Test func aBracketedIPv6AddressIsRefusedSayingToDropTheBrackets() {
        for (host, bare) in [("[::1]", "::1"), ("[2001:db8::7]", "2001:db8::7")] {
            guard case .failure(let p) = IMAPHost.check(host) else { Issue.record("\(host) accepted"); continue }
            #expect(p.reason == "an IPv6 address is written without brackets: host: \"\(bare)\"")
        }
        // Brackets around anything else are still just characters no host name has.
        guard case .failure(let p) = IMAPHost.check("[mail.example.com]") else { Issue.record("accepted"); return }
        #expect(p.reason.contains("'['"), "\(p.reason)")
    }
}

extension IMAPHostileInputTests {
    /// The framer and the tokenizer read a literal's length with one reader (`IMAPLimits.literalLength`): 12
    /// digits are read by both, 13 are refused by both with the same words.
    @Test func theFramerAndTheTokenizerReadLiteralLengthsAlike() throws {
        let twelve = "* 1 FETCH (BODY[] {000000000005}\r\nhello)\r\n"
        #expect(try Self.framed(twelve) == Array(twelve.utf8))
        #expect(throws: Never.self) { try IMAPResponse.parse(Array(twelve.utf8)) }
        let thirteen = "* 1 FETCH (BODY[] {0000000000005}\r\nhello)\r\n"
        let framing = try #require(throws: IMAPProtocolError.self) { try Self.framed(thirteen) }
        let parsing = try #require(throws: IMAPProtocolError.self) { try IMAPResponse.parse(Array(thirteen.utf8)) }
        #expect(framing.message == "a literal's length has more than 12 digits")
        #expect(parsing == framing)
    }

    /// Digits and `}` at a line's end without a `{` are no literal: the line is framed as it is (the framer
    /// refused it once the digits passed 12, before looking for the `{`).
    @Test func digitsAndABraceWithoutAnOpeningBraceAreNoLiteral() throws {
        let line = "* OK [ALERT] quota 12345678901234567890}\r\n"
        #expect(try Self.framed(line) == Array(line.utf8))
        #expect(try IMAPResponse.parse(Array(line.utf8)) == .status(.ok, code: IMAPResponseCode(name: "ALERT"),
                                                                   text: "quota 12345678901234567890}"))
    }
}
