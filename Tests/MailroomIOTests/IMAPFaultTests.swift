import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// Faults Dovecot cannot produce, against a scripted loopback server.
struct IMAPFaultTests {
    static func message(_ n: Int) -> [UInt8] { DovecotFixtures.message(n) }

    static func server(gmail: Bool = false, address: String = "127.0.0.1") throws -> FakeIMAPServer {
        let inbox = FakeIMAPServer.Folder(name: "INBOX", attributes: "", uidValidity: 5, messages: (1...3).map {
            .init(uid: UInt64($0), internalDate: "12-Jan-2026 10:00:0\($0) +0000", body: message($0), gmMsgId: "10\($0)")
        })
        let sent = FakeIMAPServer.Folder(name: gmail ? "[Gmail]/Sent Mail" : "Sent", attributes: "\\Sent", uidValidity: 6, messages: [
            .init(uid: 40, internalDate: "12-Jan-2026 11:00:00 +0000", body: message(2), gmMsgId: "102"),
            .init(uid: 41, internalDate: "12-Jan-2026 11:00:01 +0000", body: message(9), gmMsgId: "109"),
        ])
        return try FakeIMAPServer(folders: [inbox, sent], gmail: gmail, address: address)
    }

    static func extractor(_ s: FakeIMAPServer, retries: Int = 3, sleeps: SleepLog) -> IMAPExtractor {
        let e = IMAPExtractor(mailbox: "m", endpoint: IMAPEndpoint(host: "127.0.0.1", port: s.port, security: .none, username: "u",
                                                                  secret: "p", connectTimeoutMs: 5000, ioTimeoutMs: 5000),
                              folders: [], runDirectory: NSTemporaryDirectory() + "mailroom-fake-\(UUID().uuidString)",
                              options: IMAPExtractOptions(batchSize: 2, retry: IMAPRetryPolicy(maxRetries: retries, baseDelay: 0.5, maxDelay: 8)))
        e.sleep = { sleeps.add($0) }
        return e
    }

    /// Removes the extractor's run directory (`<run>/extract/raw/<mailbox>` → `<run>`).
    static func remove(_ e: IMAPExtractor) {
        let run = ((e.rawDirectory as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        try? FileManager.default.removeItem(atPath: (run as NSString).deletingLastPathComponent)
    }

    final class SleepLog: @unchecked Sendable {
        private(set) var delays: [Double] = []
        func add(_ d: Double) { delays.append(d) }
    }

    static let window = DateWindow(start: IMAPDate.days(year: 2026, month: 1, day: 12) * 86400,
                                   end: IMAPDate.days(year: 2026, month: 1, day: 13) * 86400)

    @Test func throttledFetchesAreRetriedWithExponentialBackoffOnANewConnection() throws {
        let s = try Self.server()
        defer { s.close() }
        s.fault = { conn, verb in verb == "UID FETCH" && conn <= 2 ? .throttled : nil }
        let sleeps = SleepLog()
        let ex = Self.extractor(s, sleeps: sleeps)
        defer { Self.remove(ex) }
        let r = try ex.backfill(window: Self.window)
        #expect(r.copies.count == 5)
        #expect(sleeps.delays == [0.5, 1.0])
        #expect(s.connections == 3)
    }

    /// Exchange Online's throttling answers carry no response code: `NO Request is throttled. Suggested Backoff
    /// Time: N milliseconds` is retried after at least the suggested time, `User is authenticated but not
    /// connected.` (too many connections) after the policy's backoff. Nothing is fetched twice.
    @Test func exchangeOnlineThrottlingAnswersAreRetriedAfterTheSuggestedBackoff() throws {
        let s = try Self.server()
        defer { s.close() }
        s.fault = { conn, verb in
            if verb == "UID FETCH" && conn == 1 {
                return .reply { Array("\($0) NO Request is throttled. Suggested Backoff Time: 2359 milliseconds\r\n".utf8) }
            }
            if verb == "EXAMINE" && conn == 2 { return .reply { Array("\($0) NO User is authenticated but not connected.\r\n".utf8) } }
            return nil
        }
        let sleeps = SleepLog()
        let ex = Self.extractor(s, sleeps: sleeps)
        defer { Self.remove(ex) }
        let r = try ex.backfill(window: Self.window)
        #expect(r.copies.count == 5)
        #expect(sleeps.delays == [2.359, 1.0])
        #expect(s.connections == 3)
        #expect(s.fetchCounts.bodies.values.allSatisfy { $0 == 1 }, "\(s.fetchCounts.bodies)")
    }

    /// Gmail's answer once an account passed its daily limits is not retried in the run (it lasts up to a day):
    /// one line says so and what to do.
    @Test func gmailsDailyLimitAnswerStopsTheRunWithoutRetries() throws {
        let s = try Self.server(gmail: true)
        defer { s.close() }
        s.fault = { _, verb in
            verb == "UID FETCH" ? .reply { Array("\($0) NO [ALERT] Account exceeded command or bandwidth limits. (Failure)\r\n".utf8) } : nil
        }
        let sleeps = SleepLog()
        let ex = Self.extractor(s, sleeps: sleeps)
        defer { Self.remove(ex) }
        let e = try #require(throws: MailroomError.self) { _ = try ex.backfill(window: Self.window) }
        #expect(e.status == .network && e.category == .fatal)
        #expect(e.message.contains("Gmail stops IMAP downloads for up to a day") && e.message.contains("run the same command again tomorrow"), "\(e.message)")
        #expect(sleeps.delays.isEmpty)
        #expect(IMAPThrottling.mentionsThrottling(e.message))
    }

    /// `throttle.bytesPerDay`: once the day's allowance would be passed, the extract waits for the next day of the
    /// run (the recorded sleep), reopens the session and goes on from its checkpoint; every body once.
    @Test func aDailyAllowanceWaitsForTheNextDayAndFetchesEachBodyOnce() throws {
        let s = try Self.server()
        defer { s.close() }
        let sleeps = SleepLog()
        let ex = Self.extractor(s, sleeps: sleeps)
        defer { Self.remove(ex) }
        // About two of these messages a day (each is 120-odd bytes), in batches of two.
        let size = Self.message(1).count
        ex.options.rateLimit = IMAPRateLimit(bytesPerDay: 2 * size + 10)
        let r = try ex.backfill(window: Self.window)
        #expect(r.copies.count == 5)
        // INBOX's third message waits for day 2 of the run, Sent's two for day 3: two waits, each up to the start
        // of the next day, together two days.
        #expect(ex.dailyWaits == 2, "\(ex.dailyWaits) waits")
        #expect(sleeps.delays.count == 2)
        #expect(sleeps.delays.allSatisfy { $0 > 86_400 - 60 && $0 <= 86_400 }, "\(sleeps.delays)")
        #expect(sleeps.delays.reduce(0, +) > 2 * 86_400 - 60)
        #expect(s.fetchCounts.bodies.values.allSatisfy { $0 == 1 }, "\(s.fetchCounts.bodies)")
        #expect(s.connections == ex.dailyWaits + 1)
    }

    /// `[SERVERBUG]` is as passing on EXAMINE as on a FETCH: retried, not taken for a wrong folder name.
    @Test func aServerBugOnExamineIsRetriedLikeOnAFetch() throws {
        let s = try Self.server()
        defer { s.close() }
        s.fault = { conn, verb in verb == "EXAMINE" && conn == 1 ? .serverBug : nil }
        let sleeps = SleepLog()
        let ex = Self.extractor(s, sleeps: sleeps)
        defer { Self.remove(ex) }
        let r = try ex.backfill(window: Self.window)
        #expect(r.copies.count == 5)
        #expect(sleeps.delays == [0.5])
    }

    /// A server that answers `UIDNEXT 0` and lists a message as `UID 0` (both malformed: UIDs start at 1) gets
    /// the run going on, not a crash: the messages in the window are read, and the folder's cursor stays at 0.
    @Test func aZeroUIDNextAndAZeroUIDDoNotStopTheRun() throws {
        let inbox = FakeIMAPServer.Folder(name: "INBOX", attributes: "", uidValidity: 5, messages: [
            .init(uid: 0, internalDate: "20-Jan-2026 10:00:00 +0000", body: Self.message(1)),
            .init(uid: 2, internalDate: "12-Jan-2026 10:00:02 +0000", body: Self.message(2)),
        ], uidNext: 0)
        let s = try FakeIMAPServer(folders: [inbox])
        defer { s.close() }
        let ex = Self.extractor(s, sleeps: SleepLog())
        defer { Self.remove(ex) }
        let r = try ex.backfill(window: Self.window)
        #expect(r.copies.compactMap { $0.imap?.uid } == [2])
        #expect(r.cursors.first?.highestUID == 0)
    }

    @Test func aByeMidFetchIsRetriedAndNothingIsFetchedTwice() throws {
        let s = try Self.server()
        defer { s.close() }
        var fetches = 0
        s.fault = { conn, verb in
            guard verb == "UID FETCH" else { return nil }
            fetches += 1
            // Connection 1: listing, first body batch, then BYE on the second body batch.
            return conn == 1 && fetches == 3 ? .bye : nil
        }
        let sleeps = SleepLog()
        let e = Self.extractor(s, sleeps: sleeps)
        defer { Self.remove(e) }
        let r = try e.backfill(window: Self.window)
        #expect(r.copies.count == 5)
        #expect(r.folders.first?.fetched == 3)
        #expect(sleeps.delays == [0.5])
        #expect(try r.copies.filter { $0.folder == "INBOX" }.map { try e.bytes(of: $0) } == (1...3).map(Self.message))
    }

    @Test func retriesRunOutAsANetworkError() throws {
        let s = try Self.server()
        defer { s.close() }
        s.fault = { _, verb in verb == "EXAMINE" ? .throttled : nil }
        let sleeps = SleepLog()
        let ex = Self.extractor(s, retries: 2, sleeps: sleeps)
        defer { Self.remove(ex) }
        let e = try #require(throws: MailroomError.self) { _ = try ex.backfill(window: Self.window) }
        #expect(e.status == .network)
        #expect(e.message.contains("THROTTLED"))
        #expect(sleeps.delays == [0.5, 1.0])
    }

    @Test func gmailLabelsOfOneMessageShareOneFetchedCopy() throws {
        let s = try Self.server(gmail: true)
        defer { s.close() }
        let sleeps = SleepLog()
        let e = Self.extractor(s, sleeps: sleeps)
        defer { Self.remove(e) }
        let r = try e.backfill(window: Self.window)
        #expect(r.folders.map(\.folder) == ["INBOX", "[Gmail]/Sent Mail"])
        #expect(r.folders.map(\.fetched) == [3, 1])
        #expect(r.folders.map(\.reused) == [0, 1])
        let labelled = r.copies.filter { $0.imap?.gmMsgId == "102" }
        #expect(labelled.count == 2)
        #expect(labelled[0].locator == labelled[1].locator)
        #expect(try e.bytes(of: labelled[1]) == Self.message(2))
    }

    @Test func theDebugTraceShowsCommandsButNeitherTheSecretNorMessageBytes() throws {
        let s = try Self.server()
        defer { s.close() }
        let session = try IMAPSession(IMAPEndpoint(host: "127.0.0.1", port: s.port, security: .none, username: "u",
                                                   secret: "app-pw-xyzzy", connectTimeoutMs: 5000, ioTimeoutMs: 5000))
        final class Lines: @unchecked Sendable { var all: [String] = [] }
        let lines = Lines()
        session.connection.trace = { lines.all.append($0) }
        try session.examine("INBOX")
        try session.fetch(IMAPCommand.fetchBodies([1, 2, 3], gmail: false)) { _ in }
        session.logout()
        #expect(lines.all.contains { $0.contains("EXAMINE INBOX") })
        #expect(lines.all.contains { $0.hasPrefix("S: * 1 FETCH") })
        #expect(!lines.all.contains { $0.contains("app-pw-xyzzy") || $0.contains("Body of message") })
        #expect(s.log.first == "CAPABILITY")
    }

    @Test func xoauth2SendsTheBearerTokenAndAWrongTokenIsAnAuthenticationError() throws {
        let s = try Self.server()
        defer { s.close() }
        s.xoauth2 = ("u@example.com", "ya29.token")
        func endpoint(_ token: String) -> IMAPEndpoint {
            IMAPEndpoint(host: "127.0.0.1", port: s.port, security: .none, username: "u@example.com", secret: token,
                         auth: .xoauth2, connectTimeoutMs: 5000, ioTimeoutMs: 5000)
        }
        let session = try IMAPSession(endpoint("ya29.token"))
        #expect(try session.examine("INBOX").exists == 3)
        session.logout()
        let e = try #require(throws: MailroomError.self) { _ = try IMAPSession(endpoint("ya29.wrong-7c1d")) }
        #expect(e.status == .auth)
        #expect(e.message.contains("OAuth2 access token"))
        #expect(!e.description.contains("wrong-7c1d"))
        // A refusal for a missing scope (RFC 6750's name) points at the scope too.
        s.saslError = #"{"status":"insufficient_scope","schemes":"bearer","scope":"https://mail.google.com/"}"#
        let scope = try #require(throws: MailroomError.self) { _ = try IMAPSession(endpoint("ya29.narrow-9e2f")) }
        #expect(scope.status == .auth)
        #expect(scope.message.hasSuffix("rejected the login (SASL error status insufficient_scope, scope https://mail.google.com/); the token lacks the scope the server needs (https://mail.google.com/); check the username and the OAuth2 access token and the scope the token was granted ('oauth.scope')"), "\(scope.message)")
    }
}
