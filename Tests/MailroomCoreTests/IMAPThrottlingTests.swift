import Testing
@testable import MailroomCore

/// Providers' "slow down" answers (issue 16 §4) and the daily download allowance.
@Suite struct IMAPThrottlingTests {
    /// Exchange Online's answers, as its IMAP service words them, are retried; RFC 5530 codes still are.
    @Test func exchangeOnlineThrottlingAnswersAreTransient() {
        #expect(IMAPThrottling.isTransient(code: nil, text: "Request is throttled. Suggested Backoff Time: 2359 milliseconds"))
        #expect(IMAPThrottling.isTransient(code: nil, text: "Server Unavailable. 15"))
        #expect(IMAPThrottling.isTransient(code: nil, text: "User is authenticated but not connected."))
        #expect(IMAPThrottling.isTransient(code: "throttled", text: ""))
        #expect(IMAPThrottling.isTransient(code: "UNAVAILABLE", text: "try later"))
        // A refusal that would come again is not.
        #expect(!IMAPThrottling.isTransient(code: "NONEXISTENT", text: "Unknown Mailbox: Foo"))
        #expect(!IMAPThrottling.isTransient(code: nil, text: "Command Error. 12"))
        #expect(!IMAPThrottling.isTransient(code: "ALERT", text: "Account exceeded command or bandwidth limits. (Failure)"))
    }

    @Test func theSuggestedBackoffIsReadInSeconds() {
        #expect(IMAPThrottling.suggestedBackoff("Request is throttled. Suggested Backoff Time: 2359 milliseconds") == 2.359)
        #expect(IMAPThrottling.suggestedBackoff("request is throttled. suggested backoff time:92 milliseconds") == 0.092)
        #expect(IMAPThrottling.suggestedBackoff("Request is throttled.") == nil)
        #expect(IMAPThrottling.suggestedBackoff("Suggested Backoff Time: soon") == nil)
        // At most 9 digits are read: a hostile number cannot overflow.
        #expect(IMAPThrottling.suggestedBackoff("Suggested Backoff Time: 99999999999999999999999 milliseconds") == 999_999.999)
    }

    /// Gmail's answer once an account passed its daily limits stops the run (it lasts up to a day).
    @Test func gmailsDailyLimitAnswerIsRecognized() {
        #expect(IMAPThrottling.isDailyLimit(text: "Account exceeded command or bandwidth limits. (Failure)"))
        #expect(!IMAPThrottling.isDailyLimit(text: "Some messages could not be FETCHed (Failure)"))
        #expect(IMAPThrottling.mentionsThrottling("the server at h answered UID FETCH with NO Request is throttled."))
        #expect(IMAPThrottling.mentionsThrottling("answered UID FETCH with NO [THROTTLED] slow down"))
        #expect(!IMAPThrottling.mentionsThrottling("the server at h rejected the login"))
    }

    /// Full speed while the day's allowance lasts, then a wait until the next day of the run begins.
    @Test func theDailyAllowanceWaitsForTheNextDayOfTheRun() {
        let day = 86_400.0
        let limit = IMAPRateLimit(bytesPerDay: 1_000)
        #expect(limit.dailyWait(fetched: 0, next: 600, elapsed: 0) == 0)
        #expect(limit.dailyWait(fetched: 600, next: 400, elapsed: 10) == 0)         // exactly the allowance
        #expect(limit.dailyWait(fetched: 600, next: 401, elapsed: 10) == day - 10)  // one byte over: next day
        #expect(limit.dailyWait(fetched: 1_000, next: 1, elapsed: day + 5) == 0)   // the second day has begun
        #expect(limit.dailyWait(fetched: 1_900, next: 200, elapsed: day + 5) == day - 5)
        // A batch larger than a whole day's allowance starts at the next fresh day, once.
        #expect(limit.dailyWait(fetched: 0, next: 5_000, elapsed: 0) == 0)
        #expect(limit.dailyWait(fetched: 10, next: 5_000, elapsed: 3) == day - 3)
        // Sizes near Int.max (a hostile listing) saturate instead of trapping.
        #expect(limit.dailyWait(fetched: Int.max - 5, next: Int.max, elapsed: 0) > 0)
        // No allowance: never a wait.
        #expect(IMAPRateLimit().dailyWait(fetched: .max / 2, next: 1_000, elapsed: 0) == 0)
    }

    /// `provider: gmail` presets Gmail's 2,500 MB a day; the pipeline may lower it or turn it off with 0.
    @Test func gmailPresetsItsDailyAllowanceAndThePlanUsesTheLowerOne() {
        #expect(IMAPThrottle.presetBytesPerDay(.gmail) == 2_500_000_000)
        #expect(IMAPThrottle.presetBytesPerDay(.outlook) == 0 && IMAPThrottle.presetBytesPerDay(.generic) == 0)
        let lowered = ProviderLimits.gmail.applying(IMAPThrottle(bytesPerDay: 1_000_000_000))
        #expect(lowered.bytesPerDay == 1_000_000_000 && lowered.source.contains("caps bytes/day"))
        #expect(ProviderLimits.gmail.applying(IMAPThrottle(bytesPerDay: 0)).bytesPerDay == 2_500_000_000)
    }
}

/// `throttle.bytesPerDay` in a pipeline: preset for Gmail, settable, 0 turns it off, a bad value is one line.
@Suite struct BytesPerDayConfigTests {
    static func imap(_ mailbox: [String]) throws -> IMAPSettings? {
        try PipelineConfig.parse(yaml: AllMailConfigTests.yaml(mailbox), file: "p.yml").mailboxes[0].imap
    }

    @Test func gmailGetsItsDailyAllowanceUnlessThePipelineSaysOtherwise() throws {
        #expect(try Self.imap(["provider: gmail"])?.throttle.bytesPerDay == 2_500_000_000)
        #expect(try Self.imap(["provider: outlook"])?.throttle.bytesPerDay == 0)
        #expect(try Self.imap(["host: mail.example.com"])?.throttle.bytesPerDay == 0)
        #expect(try Self.imap(["provider: gmail", "throttle: {messagesPerSecond: 5}"])?.throttle.bytesPerDay == 2_500_000_000)
        #expect(try Self.imap(["provider: gmail", "throttle: {bytesPerDay: 1000000000}"])?.throttle.bytesPerDay == 1_000_000_000)
        #expect(try Self.imap(["provider: gmail", "throttle: {bytesPerDay: 0}"])?.throttle.bytesPerDay == 0)
        #expect(try Self.imap(["host: mail.example.com", "throttle: {bytesPerDay: 5000}"])?.throttle.bytesPerDay == 5000)
        let p = AllMailConfigTests.problems(["provider: gmail", "throttle: {bytesPerDay: 1.5}"])
        #expect(p.contains("'bytesPerDay' in throttle of mailbox 'default' must be a whole number of bytes"), "\(p)")
        #expect(!p.contains("\n"))
    }
}
