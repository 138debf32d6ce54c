import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// One legitimate message over the 64 MiB message size limit on a server (issue 12 §1, IMAP): its announced
/// RFC822.SIZE is over the limit, so its body is never asked for; its copy is recorded without bytes
/// (`tooLarge`), normalize quarantines it as `too-large`, the cursor passes it and the run ends with exit 0.
/// A server that announces a small size and then sends a literal over the cap is still hostile (exit 16).
struct IMAPTooLargeTests {
    static let big = 100 << 20

    /// INBOX with UIDs 1...3; UID 2 is announced at `size` bytes (its real bytes are a small message, sent only if
    /// asked for).
    static func server(size: Int = big) throws -> FakeIMAPServer {
        let inbox = FakeIMAPServer.Folder(name: "INBOX", attributes: "", uidValidity: 5, messages: (1...3).map {
            .init(uid: UInt64($0), internalDate: "12-Jan-2026 10:00:0\($0) +0000", body: DovecotFixtures.message(50 + $0),
                  announcedSize: $0 == 2 ? size : nil)
        }, uidNext: 4)
        return try FakeIMAPServer(folders: [inbox])
    }

    /// The UIDs whose body (`BODY.PEEK[]`) the server is asked for.
    final class AskedBodies: @unchecked Sendable {
        private let lock = NSLock()
        private var asked: Set<UInt64> = []
        var uids: Set<UInt64> { lock.lock(); defer { lock.unlock() }; return asked }

        init(_ s: FakeIMAPServer) {
            s.leaveOut = { [weak self] _, uid, body in
                if body, let self { self.lock.lock(); self.asked.insert(uid); self.lock.unlock() }
                return false
            }
        }
    }

    @Test func aMessageAnnouncedOverTheLimitIsNotFetchedAndTheCursorPassesIt() throws {
        let s = try Self.server()
        defer { s.close() }
        let asked = AskedBodies(s)
        let run = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let ex = IMAPOmissionTests.extractor(s, run: run, sleeps: IMAPFaultTests.SleepLog())
        let r = try ex.backfill(window: IMAPFaultTests.window)
        #expect(r.copies.compactMap { $0.imap?.uid } == [1, 2, 3])
        let big = try #require(r.copies.first { $0.imap?.uid == 2 })
        #expect(big.tooLarge == Self.big)
        #expect(big.locator.length == 0)
        #expect(big.date == "2026-01-12T10:00:02Z")
        #expect(r.copies.filter { $0.imap?.uid != 2 }.allSatisfy { $0.tooLarge == nil })
        #expect(asked.uids == [1, 3])
        let folder = try #require(r.folders.first)
        #expect(folder.tooLarge == 1)
        #expect(folder.fetched == 2)
        #expect(folder.missingUIDs == [])
        #expect(folder.cursorNote == nil)
        #expect(r.cursors.first?.highestUID == 3)
        // The line in extract/messages.ndjson carries the size and reads back the same.
        let line = String(decoding: big.jsonBytes(), as: UTF8.self)
        #expect(line.contains("\"tooLarge\":\(Self.big)"))
        #expect(try MessageCopy(jsonBytes: big.jsonBytes()) == big)
        #expect(!String(decoding: r.copies[0].jsonBytes(), as: UTF8.self).contains("tooLarge"))

        // Rerunning the extract in the same run directory resumes from the journal: the marker is kept and
        // nothing is asked for again.
        let again = try IMAPOmissionTests.extractor(s, run: run, sleeps: IMAPFaultTests.SleepLog()).backfill(window: IMAPFaultTests.window)
        #expect(again.copies == r.copies)
        #expect(again.folders.first?.fetched == 0)
        #expect(asked.uids == [1, 3])
    }

    /// After a UIDVALIDITY change, re-identification reads the folder's bodies, but not one announced over the
    /// limit (a real server would send its 100 MiB and end the sync on the literal cap, exit 16): it is taken as
    /// new, recorded without bytes like any over-limit message, and the other two are known and not fetched again.
    @Test func reidentificationAfterAUIDValidityChangeNeverAsksForABodyOverTheLimit() throws {
        let s = try Self.server()
        defer { s.close() }
        let asked = AskedBodies(s)
        let run = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let store = try IMAPFileCursorStore(path: run + "-cursors.json")
        defer { try? FileManager.default.removeItem(atPath: run + "-cursors.json") }
        // Loaded before the server renumbered the folder (UIDVALIDITY 4, now 5): UIDs 1 and 3, by their bytes.
        let known = [1, 3].map { IMAPKnownMessage(bytes: s.folders[0].messages[$0 - 1].body) }
        try store.save([FolderUIDCursor(mailbox: "m", folder: "INBOX", uidValidity: 4, highestUID: 3)], known: ["INBOX": known])
        let r = try IMAPOmissionTests.extractor(s, run: run, sleeps: IMAPFaultTests.SleepLog())
            .sync(store: store, firstWindow: IMAPFaultTests.window)
        #expect(asked.uids == [1, 3])  // re-identification read these; nothing asked for UID 2's body
        #expect(r.copies.compactMap { $0.imap?.uid } == [2])
        #expect(r.copies.first?.tooLarge == Self.big)
        #expect(r.folders.first?.tooLarge == 1)
        #expect(r.cursors.first == FolderUIDCursor(mailbox: "m", folder: "INBOX", uidValidity: 5, highestUID: 3))
    }

    /// The largest size IMAP allows (2^63 - 1) is a size like any other: the message is left out, and the dry
    /// run's listing adds such sizes without overflowing.
    @Test func theLargestAnnouncedSizeIsLeftOutAndListingsSaturate() throws {
        let s = try Self.server(size: Int.max)
        defer { s.close() }
        let asked = AskedBodies(s)
        s.folders[0].messages[2].announcedSize = Int.max
        let run = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let ex = IMAPOmissionTests.extractor(s, run: run, sleeps: IMAPFaultTests.SleepLog())
        let listed = try ex.list(window: IMAPFaultTests.window)
        #expect(listed == [IMAPListingCount(folder: "INBOX", messages: 3, bytes: Int.max)])
        #expect(IMAPListingCount.totalBytes(listed + listed) == Int.max)
        let r = try ex.backfill(window: IMAPFaultTests.window)
        #expect(r.copies.map(\.tooLarge) == [nil, Int.max, Int.max])
        #expect(asked.uids == [1])
        #expect(r.cursors.first?.highestUID == 3)
    }

    /// A listing that announces a small size, then a body literal over the 64 MiB cap: a hostile server, refused
    /// before the literal is read (exit 16), as before.
    @Test func aLiteralOverTheCapAfterASmallAnnouncedSizeIsStillAProtocolError() throws {
        let s = try Self.server(size: 200)
        defer { s.close() }
        final class Count: @unchecked Sendable { var n = 0 }
        let fetches = Count()
        s.fault = { _, verb in
            guard verb == "UID FETCH" else { return nil }
            fetches.n += 1
            // The first UID FETCH is the listing (answered normally); the next asks for bodies.
            return fetches.n == 1 ? nil : .reply { _ in Array("* 1 FETCH (UID 1 BODY[] {104857600}\r\nFrom: a@example.com\r\n".utf8) }
        }
        let run = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        let sleeps = IMAPFaultTests.SleepLog()
        let e = try #require(throws: MailroomError.self) {
            _ = try IMAPOmissionTests.extractor(s, run: run, sleeps: sleeps).backfill(window: IMAPFaultTests.window)
        }
        #expect(e.status == .network)
        #expect(e.category == .fatal)
        #expect(e.message.contains("104857600 bytes") && e.message.contains("64 MiB"), "\(e.message)")
        #expect(fetches.n == 2)
        #expect(sleeps.delays.isEmpty)
    }

    /// Normalize turns the marked copy into a `too-large` quarantine record naming folder, UID and size, without
    /// reading any bytes.
    @Test func normalizeQuarantinesTheMarkedCopyWithoutBytes() {
        let copy = MessageCopy(copyId: "m/INBOX/5-2", mailbox: "m", source: .imap, folder: "INBOX",
                               locator: Locator(file: "", offset: 0, length: 0), date: nil,
                               imap: IMAPCoordinates(uidValidity: 5, uid: 2), tooLarge: Self.big)
        let q = Normalizer.unfetched(copy: copy, size: Self.big, settings: NormalizeSettings(owner: [], ownDomains: []))
        #expect(q.reason == .tooLarge)
        #expect(q.detail == "folder \"INBOX\" UID 2: the server gives the message's size as 104857600 bytes (RFC822.SIZE), over the limit of 67108864 bytes; not fetched")
        #expect(q.copyId == "m/INBOX/5-2" && q.folder == "INBOX")
    }

    /// The binary: a run whose server holds a message announced at 100 MiB ends with exit 0, the message in
    /// normalize's quarantine (`too-large`, folder, UID, size) and the report's quarantine section, the others
    /// loaded, and the cursor past it.
    @Test func theRunGoesOnExitsZeroAndReportsTheMessageQuarantined() throws {
        guard IMAPCommandLineTests.isBuilt() else { return }
        let s = try Self.server()
        defer { s.close() }
        let asked = AskedBodies(s)
        let dir = IMAPOmissionTests.tempRun()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try IMAPHostileServerTests.pipeline(port: s.port).write(toFile: dir + "/p.yml", atomically: false, encoding: .utf8)
        let r = try IMAPCommandLineTests.mailroom(["run", dir + "/p.yml", "--run-dir", dir + "/run", "--as-of", "2026-01-12",
                                                   "--days", "3", "--quiet"], env: ["MR_HOSTILE_PW": "pw"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(asked.uids == [1, 3])
        let quarantine = try String(contentsOfFile: dir + "/run/normalize/quarantine.ndjson", encoding: .utf8)
        let records = quarantine.split(separator: "\n")
        #expect(records.count == 1, "\(quarantine)")
        #expect(records.first?.contains("\"reason\":\"too-large\"") == true)
        #expect(records.first?.contains("folder \\\"INBOX\\\" UID 2: the server gives the message's size as 104857600 bytes") == true, "\(quarantine)")
        #expect(r.stdout.contains("Quarantined (not loaded)") && r.stdout.contains("too-large"), "\(r.stdout)")
        let store = try CRMStore.open(path: dir + "/crm.sqlite", readOnly: true)
        #expect(try store.imapCursor(mailbox: "default", folder: "INBOX")?.highestUID == 3)
        #expect(try store.knownMessages(mailbox: "default", folder: "INBOX").count == 2)
    }
}

/// The same against the real Dovecot: one 65 MiB message (appended once, as a Maildir file) is left on the
/// server and quarantined by normalize; the small one beside it loads, and the cursor passes both.
@Suite("IMAP message over the size limit (Dovecot)", .enabled(if: DovecotFixtures.available, "Dovecot is not installed (/usr/sbin/dovecot)"))
struct IMAPTooLargeDovecotTests {
    @Test func aSixtyFiveMebibyteMessageIsQuarantinedAndTheRunGoesOn() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let day = IMAPDate.days(year: 2026, month: 1, day: 12) * 86400
        // 65 MiB: headers, then lines of 76 letters.
        var big = Array("From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nSubject: scans\r\nMessage-ID: <big@example.com>\r\n\r\n".utf8)
        let header = big.count
        big += [UInt8](repeating: UInt8(ascii: "A"), count: (65 << 20) - header)
        for i in stride(from: header + 76, to: big.count - 1, by: 78) { big[i] = 13; big[i + 1] = 10 }
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(1), internalDate: day + 3600)
        try server.addMessage(user: user.name, bytes: big, internalDate: day + 7200)
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(3), internalDate: day + 10800)
        let dir = server.root.path + "/toolarge-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ex = IMAPExtractor(mailbox: "work", endpoint: DovecotFixtures.endpoint(server, user: user), folders: ["INBOX"],
                               runDirectory: dir)
        let r = try ex.backfill(window: IMAPFaultTests.window)
        #expect(r.copies.compactMap { $0.imap?.uid } == [1, 2, 3])
        let announced = try #require(r.copies.first { $0.imap?.uid == 2 }?.tooLarge)
        #expect(announced >= 65 << 20)
        #expect(r.folders.first?.fetched == 2)
        #expect(r.folders.first?.bytes ?? 0 < 1 << 20)
        #expect(r.cursors.first?.highestUID == 3)
        #expect(try ex.bytes(of: r.copies[2]) == DovecotFixtures.message(3))
    }
}
