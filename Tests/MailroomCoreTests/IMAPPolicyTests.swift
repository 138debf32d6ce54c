import Testing
import MailroomCore

struct IMAPPolicyTests {
    @Test func backoffDoublesUpToTheCapAndStopsAfterTheLastRetry() {
        let p = IMAPRetryPolicy(maxRetries: 5, baseDelay: 1, maxDelay: 6)
        #expect((1...6).map { p.delay(beforeRetry: $0) } == [1, 2, 4, 6, 6, nil])
        #expect(IMAPRetryPolicy(maxRetries: 0).delay(beforeRetry: 1) == nil)
    }

    @Test func theRateLimitPausesForTheSlowerOfMessagesAndBytes() {
        let r = IMAPRateLimit(messagesPerSecond: 10, bytesPerSecond: 1000)
        #expect(r.pause(messages: 20, bytes: 500, elapsed: 0.5) == 1.5)
        #expect(r.pause(messages: 5, bytes: 4000, elapsed: 1) == 3)
        #expect(r.pause(messages: 5, bytes: 100, elapsed: 2) == 0)
        #expect(IMAPRateLimit().pause(messages: 1_000_000, bytes: 1 << 40, elapsed: 0) == 0)
        #expect(r.batchSize(default: 200) == 10)
        #expect(IMAPRateLimit().batchSize(default: 200) == 200)
    }

    @Test func checkpointsRoundTripThroughJSON() throws {
        var c = IMAPCheckpoint(windowStart: 10, windowEnd: 20)
        c.update(.init(folder: "Sent Items", uidValidity: 7, rawFile: "a.raw", rawBytes: 5, journalFile: "a.copies.ndjson",
                       journalBytes: 9, copies: 1, complete: true))
        #expect(try IMAPCheckpoint(jsonBytes: c.jsonBytes()) == c)
    }
}

struct IMAPRedactionTests {
    @Test(arguments: [
        ("A1 LOGIN alice s3cret", "A1 LOGIN <redacted>"),
        ("A2 authenticate PLAIN AGFsaWNlAHMzY3JldA==", "A2 AUTHENTICATE <redacted>"),
        ("dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2sBAQ==", "<redacted>"),
        ("MR3 EXAMINE INBOX", "MR3 EXAMINE INBOX"),
    ])
    func loginsAndSASLDataNeverReachTheLog(line: String, logged: String) {
        #expect(IMAPRedaction.command(line) == logged)
    }

    @Test func responsesAreLoggedWithoutTheirLiterals() {
        #expect(IMAPRedaction.response(Array("* 1 FETCH (BODY[] {5}\r\nhello)\r\n".utf8)) == "* 1 FETCH (BODY[] {5} …")
        #expect(IMAPRedaction.response(Array("MR1 OK done\r\n".utf8)) == "MR1 OK done")
    }
}
