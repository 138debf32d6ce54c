import Testing
@testable import MailroomCore

/// Subject grouping never joins strangers: replies without In-Reply-To and References, written as real clients
/// write them, parsed by the normalizer, threaded and matched as the match stage does.
@Suite struct SubjectJoins {
    static let owner = "dana@northwind.example"
    static let settings = NormalizeSettings(owner: [owner], ownDomains: ["northwind.example"])
    static let insiders = InternalAddresses(ownDomains: ["northwind.example"],
                                            owner: [AddressNormalizer.parse(owner)!.key])

    /// One message as a client writes it (LF line endings; the normalizer takes either).
    static func mail(_ id: String, date: String, from: String, to: String, cc: String? = nil, subject: String,
                     extra: [String] = [], body: String = "Thanks,\nsee below.") -> String {
        var h = ["Message-ID: <\(id)>", "Date: \(date)", "From: \(from)", "To: \(to)"]
        if let cc { h.append("Cc: \(cc)") }
        h.append("Subject: \(subject)")
        h += extra
        h += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
        return h.joined(separator: "\n") + "\n\n" + body + "\n"
    }

    /// Outlook (Windows, any language) without thread headers: `Thread-Topic` and `Thread-Index` only.
    static func outlook(_ id: String, date: String, from: String, to: String, cc: String? = nil,
                        subject: String, topic: String) -> String {
        mail(id, date: date, from: from, to: to, cc: cc, subject: subject,
             extra: ["Thread-Topic: \(topic)", "Thread-Index: AdqQx2b5Yk3mZ1lTQ0W8mJc2hQeXAg==",
                     "X-MS-Has-Attach:", "X-MS-TNEF-Correlator:", "Content-Language: en-US"])
    }

    static func normalize(_ text: String) throws -> NormalizedMessage {
        let bytes = Array(text.utf8)
        let outcome = bytes.withUnsafeBytes {
            Normalizer.normalize(copy: NormalizeFixture.copy(size: bytes.count), bytes: $0, settings: settings)
        }
        guard case .message(let m) = outcome else {
            Issue.record("not read: \(text.prefix(80))")
            throw CancellationError()
        }
        return m
    }

    struct Result {
        var assignment: ThreadAssignment
        var threads: [ThreadRecord]
        /// Input numbers the participant source was asked about (nil when it was not asked).
        var asked: [Int]?
        /// Every message's key.
        var keys: [String]

        /// The thread of the message with this Message-ID (compared without case, as the normalizer may fold it).
        func thread(of id: String) -> String? {
            keys.first { $0.lowercased() == "mid:" + id.lowercased() }.flatMap { assignment.threadId(for: $0) }
        }
        func together(_ a: String, _ b: String) -> Bool { thread(of: a) != nil && thread(of: a) == thread(of: b) }
    }

    /// Threads and matches the messages as the match stage does (participants from the records themselves).
    static func run(_ texts: [String], days: Int = ThreadBuilder.defaultSubjectJoinDays) throws -> Result {
        let ids = try texts.map { t in
            let m = try normalize(t)
            return Fixture.deduped("mid:" + m.messageId!, m)
        }
        var b = ThreadBuilder(subjectJoinDays: days)
        for d in ids { b.add(ThreadInput(d)) }
        var asked: [Int]?
        let a = b.finish { inputs in
            asked = inputs
            return inputs.map { insiders.externalKeys(DedupedMatchFields(ids[$0])) }
        }
        var matcher = Matcher(ownDomains: ["northwind.example"], owner: [AddressNormalizer.parse(owner)!.key],
                              contacts: ContactIndex(contacts: []))
        for (i, d) in ids.enumerated() {
            _ = matcher.add(d, threadId: a.threadId(forInput: i)!, joinedBySubject: a.joinedBySubject(forInput: i))
        }
        return Result(assignment: a, threads: matcher.finish().threads, asked: asked, keys: ids.map(\.key))
    }

    static let dana = "Dana Reyes <dana@northwind.example>"
    static let mia = "Mia Chen <Mia.Chen@contoso.example>"
    static let raj = "Raj Patel <raj.patel@fabrikam.example>"
    static let bob = "Bob Stone <bob@northwind.example>"

    static let slides = mail("slides-1@northwind.example", date: "Mon, 2 Mar 2026 09:15:00 +0100", from: dana,
                             to: mia, subject: "Slides", extra: ["User-Agent: Mozilla Thunderbird"])

    @Test func outlookRepliesWithoutThreadHeadersJoinTheSameCustomersThread() throws {
        let r = try Self.run([
            Self.slides,
            Self.outlook("AM6PR02MB1@eurprd02.prod.outlook.com", date: "Wed, 4 Mar 2026 16:40:11 +0000",
                         from: Self.mia, to: Self.dana, subject: "RE: Slides", topic: "Slides"),
            Self.mail("angebot-1@northwind.example", date: "Tue, 10 Mar 2026 08:00:00 +0100", from: Self.dana,
                      to: "Hans Müller <hans.mueller@baecker.example>", subject: "Angebot Q2"),
            Self.outlook("FR2P281MB2@DEUP281.PROD.OUTLOOK.COM", date: "Thu, 12 Mar 2026 10:02:44 +0000",
                         from: "\"Müller, Hans\" <Hans.Mueller@baecker.example>", to: Self.dana,
                         subject: "AW: Angebot Q2", topic: "Angebot Q2"),
            Self.mail("offert-1@northwind.example", date: "Tue, 10 Mar 2026 08:30:00 +0100", from: Self.dana,
                      to: "Karin Berg <karin@kontor.example>", subject: "Offert"),
            Self.outlook("HE1P190MB3@EURP190.PROD.OUTLOOK.COM", date: "Fri, 13 Mar 2026 07:12:09 +0000",
                         from: "Karin Berg <karin@kontor.example>", to: Self.dana, cc: Self.bob,
                         subject: "SV: Offert", topic: "Offert"),
        ])
        #expect(r.together("AM6PR02MB1@eurprd02.prod.outlook.com", "slides-1@northwind.example"))
        #expect(r.together("FR2P281MB2@DEUP281.PROD.OUTLOOK.COM", "angebot-1@northwind.example"))
        #expect(r.together("HE1P190MB3@EURP190.PROD.OUTLOOK.COM", "offert-1@northwind.example"))
        #expect(r.assignment.subjectJoins == 3)
        #expect(r.threads.count == 3)
        let slidesThread = try #require(r.threads.first { $0.subject == "Slides" })
        #expect(slidesThread.subjectJoins == ["mid:AM6PR02MB1@eurprd02.prod.outlook.com"])
    }

    @Test func aPhoneReplyThatDroppedItsReferencesJoinsWithinTheBound() throws {
        // The iPhone answer keeps the subject but its client (a mail-to-SMS bridge) drops In-Reply-To/References.
        let r = try Self.run([
            Self.mail("pricing-1@northwind.example", date: "Mon, 9 Nov 2026 11:00:00 +0100", from: Self.dana,
                      to: Self.raj, cc: Self.bob, subject: "Pricing for 2027"),
            Self.mail("pricing-2@fabrikam.example", date: "Mon, 9 Nov 2026 15:30:00 +0100", from: Self.raj,
                      to: Self.dana, cc: Self.bob, subject: "Re: Pricing for 2027",
                      extra: ["X-Mailer: iPhone Mail (22B91)"], body: "Looks good.\n\nSent from my iPhone"),
            Self.mail("pricing-3@northwind.example", date: "Tue, 10 Nov 2026 09:00:00 +0100", from: Self.dana,
                      to: Self.raj, subject: "Re: Pricing for 2027",
                      extra: ["In-Reply-To: <pricing-2@fabrikam.example>",
                              "References: <pricing-2@fabrikam.example>"]),
        ])
        #expect(r.together("pricing-2@fabrikam.example", "pricing-1@northwind.example"))
        #expect(r.together("pricing-3@northwind.example", "pricing-1@northwind.example"))
        #expect(r.assignment.subjectJoins == 1)
        #expect(r.assignment.joinedBySubject(key: "mid:pricing-2@fabrikam.example"))
        #expect(!r.assignment.joinedBySubject(key: "mid:pricing-3@northwind.example"))  // threaded by its headers
    }

    @Test func reSlidesTwoYearsLaterWithAnotherCustomerStartsItsOwnThread() throws {
        let later = Self.mail("slides-2028@fabrikam.example", date: "Fri, 10 Mar 2028 14:00:00 +0000",
                              from: Self.raj, to: Self.dana, subject: "Re: Slides")
        let r = try Self.run([Self.slides, later])
        #expect(!r.together("slides-2028@fabrikam.example", "slides-1@northwind.example"))
        #expect(r.assignment.subjectJoins == 0)
        #expect(r.threads.allSatisfy { $0.subjectJoins.isEmpty })
        // Nor when the other customer writes the next day: the bound alone does not make a join.
        let nextDay = Self.mail("slides-b@fabrikam.example", date: "Tue, 3 Mar 2026 10:00:00 +0000",
                                from: Self.raj, to: Self.dana, subject: "Re: Slides")
        #expect(!(try Self.run([Self.slides, nextDay])).together("slides-b@fabrikam.example", "slides-1@northwind.example"))
    }

    static func followUp(_ date: String) -> String {
        mail("follow@contoso.example", date: date, from: mia, to: dana, subject: "Re: Slides")
    }

    @Test func theSameCustomerJoinsWithinTheBoundAndNotAfterIt() throws {
        // 2 March 08:15 UTC + 30 days = 1 April 08:15 UTC.
        let inside = try Self.run([Self.slides, Self.followUp("Wed, 1 Apr 2026 08:15:00 +0000")])
        #expect(inside.together("follow@contoso.example", "slides-1@northwind.example"))
        let outside = try Self.run([Self.slides, Self.followUp("Wed, 1 Apr 2026 08:15:01 +0000")])
        #expect(!outside.together("follow@contoso.example", "slides-1@northwind.example"))
        // A longer bound from the pipeline lets it join.
        let longer = try Self.run([Self.slides, Self.followUp("Wed, 1 Apr 2026 08:15:01 +0000")], days: 31)
        #expect(longer.together("follow@contoso.example", "slides-1@northwind.example"))
    }

    @Test func sharingOnlyTheOwnersOrColleaguesAddressesIsNoJoin() throws {
        let ownerOnly = Self.mail("owner-only@northwind.example", date: "Thu, 5 Mar 2026 09:00:00 +0000",
                                  from: Self.dana, to: Self.raj, subject: "Re: Slides")
        #expect(!(try Self.run([Self.slides, ownerOnly])).together("owner-only@northwind.example", "slides-1@northwind.example"))
        // Bob is on the company's domain: not a participant that can join two customers' conversations.
        let withBob = Self.mail("slides-bob@northwind.example", date: "Mon, 2 Mar 2026 10:00:00 +0000",
                                from: Self.dana, to: Self.mia, cc: Self.bob, subject: "Slides")
        let bobToRaj = Self.mail("bob-raj@northwind.example", date: "Tue, 3 Mar 2026 09:00:00 +0000",
                                 from: Self.bob, to: Self.raj, cc: Self.dana, subject: "RE: Slides")
        let r = try Self.run([withBob, bobToRaj])
        #expect(!r.together("bob-raj@northwind.example", "slides-bob@northwind.example"))
    }

    @Test func settingZeroNeverJoinsAndAsksForNoParticipants() throws {
        let r = try Self.run([Self.slides, Self.followUp("Tue, 3 Mar 2026 10:00:00 +0000")], days: 0)
        #expect(!r.together("follow@contoso.example", "slides-1@northwind.example"))
        #expect(r.asked == nil)
        #expect(r.assignment.subjectJoins == 0)
    }

    @Test func onlyTheMessagesOfThreadsSharingTheSubjectAreAsked() throws {
        let r = try Self.run([
            Self.mail("other@northwind.example", date: "Mon, 2 Mar 2026 07:00:00 +0000", from: Self.dana,
                      to: Self.raj, subject: "Contract"),
            Self.slides,
            Self.followUp("Tue, 3 Mar 2026 10:00:00 +0000"),
        ])
        #expect(r.asked == [1, 2])
        // Mail whose replies all carry their headers is never asked about.
        let plain = try Self.run([Self.slides])
        #expect(plain.asked == nil)
    }

    @Test func ofSeveralQualifyingThreadsTheMostRecentIsJoined() throws {
        let january = Self.mail("jan@northwind.example", date: "Mon, 2 Feb 2026 09:00:00 +0000", from: Self.dana,
                                to: Self.mia, subject: "Slides")
        let february = Self.mail("feb@northwind.example", date: "Mon, 16 Feb 2026 09:00:00 +0000",
                                 from: Self.dana, to: Self.mia, subject: "Slides")
        let reply = Self.followUp("Wed, 18 Feb 2026 12:00:00 +0000")
        for order in [[january, february, reply], [reply, february, january], [february, reply, january]] {
            let r = try Self.run(order)
            #expect(r.together("follow@contoso.example", "feb@northwind.example"))
            #expect(!r.together("follow@contoso.example", "jan@northwind.example"))
        }
    }

    @Test func aReplyNeverJoinsAThreadThatBeganAfterIt() throws {
        let reply = Self.followUp("Sun, 1 Mar 2026 12:00:00 +0000")
        let r = try Self.run([Self.slides, reply])
        #expect(!r.together("follow@contoso.example", "slides-1@northwind.example"))
    }

    @Test func aConversationContinuedTwiceWithoutHeadersStaysOneThread() throws {
        // The second reply is 40 days after the original but 20 after the first reply, which joined.
        let first = Self.followUp("Fri, 20 Mar 2026 12:00:00 +0000")
        let second = Self.mail("follow-2@northwind.example", date: "Thu, 9 Apr 2026 12:00:00 +0000",
                               from: Self.dana, to: Self.mia, subject: "RE: Slides")
        let r = try Self.run([second, Self.slides, first])
        #expect(r.together("follow@contoso.example", "slides-1@northwind.example"))
        #expect(r.together("follow-2@northwind.example", "slides-1@northwind.example"))
        #expect(r.assignment.subjectJoins == 2)
        #expect(r.threads.count == 1)
        #expect(r.threads[0].subjectJoins == ["mid:follow-2@northwind.example", "mid:follow@contoso.example"])
    }

    @Test func undatedRepliesDoNotJoin() throws {
        let undated = Self.mail("undated@contoso.example", date: "someday", from: Self.mia, to: Self.dana,
                                subject: "Re: Slides")
        let r = try Self.run([Self.slides, undated])
        #expect(!r.together("undated@contoso.example", "slides-1@northwind.example"))
    }

    @Test func theThreadRecordListsSubjectJoinsOnlyWhenThereAreAny() throws {
        var t = ThreadRecord(threadId: "t1", classification: .unmatched, subject: "s", messageKeys: ["mid:a"],
                             firstDate: nil, lastDate: nil, sent: 0, received: 1, participants: [], external: [],
                             contacts: [], mailboxes: ["m"])
        #expect(!String(decoding: t.jsonBytes(), as: UTF8.self).contains("subjectJoins"))
        #expect(try ThreadRecord(jsonBytes: t.jsonBytes()) == t)
        t.subjectJoins = ["mid:a"]
        #expect(String(decoding: t.jsonBytes(), as: UTF8.self).contains("\"subjectJoins\":[\"mid:a\"]"))
        #expect(try ThreadRecord(jsonBytes: t.jsonBytes()) == t)
    }
}
