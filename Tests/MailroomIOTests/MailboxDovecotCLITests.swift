import Foundation
import GRDB
import Testing
@testable import MailroomIO

/// The mailbox lifecycle as a user runs it, through the `mailroom` binary, on a pipeline of two mailboxes on a
/// real Dovecot: list, test with a wrong password and a wrong port, disconnect a shared mailbox with dependents
/// (refused, then --replace-with), a run of it refused, reconnect (sync, then the gap advice), and the run log.
@Suite(.serialized, .enabled(if: DovecotFixtures.available, "needs /usr/sbin/dovecot"))
struct MailboxDovecotCLITests {
    static let day: Int64 = 86_400

    @Test func theLifecycleOfASharedMailboxThroughTheCommandLine() throws {
        let server = try #require(DovecotFixtures.shared)
        let shared = server.freshUser(), personal = server.freshUser()
        let now = Int64(Date().timeIntervalSince1970)
        let dates = [now - 40 * Self.day, now - 30 * Self.day, now - 3 * Self.day]
        for (i, d) in dates.enumerated() {
            try server.addMessage(user: shared.name, bytes: Self.message(700 + i, from: "carol@customer.org", to: "shared@example.com", date: d), internalDate: d)
        }
        let sentDate = now - 2 * Self.day
        try server.addMessage(user: shared.name, folder: "Sent Items",
                              bytes: Self.message(710, from: "shared@example.com", to: "carol@customer.org", date: sentDate),
                              internalDate: sentDate)
        try server.addMessage(user: personal.name, bytes: Self.message(720, from: "dan@customer.org", to: "me@example.com", date: now - Self.day),
                              internalDate: now - Self.day)
        let dir = StoreTempDir()
        let p = dir.file("p.yml")
        try Self.pipeline(server.plainPort, shared.name, personal.name).write(toFile: p, atomically: false, encoding: .utf8)
        let env = ["MR_LC_SHARED": shared.password, "MR_LC_PERSONAL": personal.password]

        // A first load of the shared mailbox, 25 days ago: the two old messages.
        let asOf = Self.dayString(now - 25 * Self.day)
        var r = try CLI.run(["run", p, "--mailbox", "shared", "--as-of", asOf, "--days", "20", "--quiet",
                             "--run-dir", dir.file("run-old")], env: env)
        #expect(r.status == 0, "\(r.stderr)")

        r = try CLI.run(["mailbox", "list", p], env: env)
        #expect(r.status == 0)
        #expect(r.stdout.contains("shared (imap): connected\n"))
        #expect(r.stdout.contains("messages loaded: 2\n"))
        #expect(r.stdout.contains("INBOX: 2 messages, newest \(MailDate.iso(dates[1]))"))
        #expect(r.stdout.contains("personal (imap): connected\n  last sync: never synced"))

        // Test: a wrong password is exit 13 and names the username and app password; the secret never shows.
        r = try CLI.run(["mailbox", "test", p, "shared"], env: ["MR_LC_SHARED": "Wrong-Secret-81", "MR_LC_PERSONAL": personal.password])
        #expect(r.status == 13)
        #expect(r.stdout.contains("✓ TCP port") && r.stdout.contains("✗ login"))
        #expect(r.stdout.contains("check the username and app password (exit 13, auth)"))
        #expect(!(r.stdout + r.stderr).contains("Wrong-Secret-81") && !(r.stdout + r.stderr).contains(shared.password))
        // The same wrong password in a run: exit 13, and the run log says which step failed and what to check.
        r = try CLI.run(["run", p, "--mailbox", "personal", "--quiet", "--run-dir", dir.file("run-badpw")],
                        env: ["MR_LC_SHARED": shared.password, "MR_LC_PERSONAL": "Wrong-Secret-82"])
        #expect(r.status == 13)
        r = try CLI.run(["runs", p, "--mailbox", "personal"], env: env)
        #expect(r.stdout.contains("  load  failed (auth)  personal"))
        #expect(r.stdout.contains("failed at login (username, app password)") && r.stdout.contains("check the username and the app password"))
        #expect(!r.stdout.contains("Wrong-Secret-82"))
        r = try CLI.run(["mailbox", "list", p], env: env)
        #expect(r.stdout.contains("personal (imap): failing\n"))
        r = try CLI.run(["mailbox", "test", p, "shared"], env: env)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("✓ Sent folder: Sent Items (\\Sent)"))
        #expect(!(r.stdout + r.stderr).contains(shared.password))
        // A wrong port is exit 11.
        let wrongPort = dir.file("wrong-port.yml")
        try Self.pipeline(try MailboxAdviceTests.closedPort(), shared.name, personal.name).write(toFile: wrongPort, atomically: false, encoding: .utf8)
        r = try CLI.run(["mailbox", "test", wrongPort, "shared", "--json"], env: env)
        #expect(r.status == 11)
        #expect(r.stdout.contains("\"step\":\"tcp\",\"exitCode\":11,\"code\":\"port\",\"check\":\"host and port\""))

        // Dependents; disconnect is refused while they exist, then moves them with --replace-with.
        for (kind, name) in [("owner", "alice"), ("shared-user", "bob"), ("email-flow", "Renewals")] {
            #expect(try CLI.run(["mailbox", "depend", p, "shared", "--add", kind, name], env: env).status == 0)
        }
        r = try CLI.run(["mailbox", "disconnect", p, "shared"], env: env)
        #expect(r.status == 2)
        #expect(r.stderr.contains("3 dependents rely on mailbox shared: email-flow \"Renewals\", owner \"alice\", shared-user \"bob\""))
        let before = try Self.rowCounts(dir.file("crm.sqlite"))
        r = try CLI.run(["mailbox", "disconnect", p, "shared", "--replace-with", "personal"], env: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Moved to personal: email-flow \"Renewals\", shared-user \"bob\""))
        #expect(try Self.rowCounts(dir.file("crm.sqlite")) == before)
        let afterDisconnect = try CRMStore.open(path: dir.file("crm.sqlite"), readOnly: true)
        #expect(try afterDisconnect.mailboxStatus("shared").credentialsRef == nil)
        #expect(try afterDisconnect.cursorAuthority(mailbox: "shared") == ["INBOX": false, "Sent Items": false])

        // A run of the disconnected mailbox is refused with exit 9 and says how to reconnect.
        r = try CLI.run(["run", p, "--mailbox", "shared", "--quiet", "--run-dir", dir.file("run-refused")], env: env)
        #expect(r.status == 9)
        #expect(r.stderr.contains("mailbox shared is disconnected") && r.stderr.contains("mailroom mailbox reconnect"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("run-refused")))
        r = try CLI.run(["sync", p, "--mailbox", "shared", "--quiet", "--run-dir", dir.file("sync-refused")], env: env)
        #expect(r.status == 9 && r.stderr.contains("mailbox shared is disconnected") && r.stderr.contains("it is not synced, backfilled or run"))

        // A reconnect whose sync fails (the password changed) leaves the mailbox failing and not synced since:
        // a backfill then warns to sync first.
        let badEnv = ["MR_LC_SHARED": "Wrong-Secret-83", "MR_LC_PERSONAL": personal.password]
        r = try CLI.run(["mailbox", "reconnect", p, "shared", "--quiet", "--run-dir", dir.file("run-badsync")], env: badEnv)
        #expect(r.status == 13 && !r.stderr.contains("Wrong-Secret-83"))
        r = try CLI.run(["backfill", p, "--mailbox", "shared", "--dry-run"], env: badEnv)
        #expect(r.stderr.contains("warning: mailbox shared was reconnected and has not been synced since"))
        r = try CLI.run(["mailbox", "list", p], env: env)
        #expect(r.stdout.contains("shared (imap): failing; reconnected, not synced yet\n"))

        // While it was away: a new message arrives, and the server renumbers the INBOX (UIDVALIDITY changes).
        let lateDate = now - Self.day
        try server.addMessage(user: shared.name, bytes: Self.message(711, from: "carol@customer.org", to: "shared@example.com", date: lateDate),
                              internalDate: lateDate)
        try server.doveadm(["mailbox", "update", "-u", shared.name, "--uid-validity", "4242", "INBOX"])

        // Reconnect: the sync continues every folder from its stored cursor (the INBOX re-identified under its new
        // UIDVALIDITY), so it fetches exactly the 3 messages that are new, and no backfill is needed.
        r = try CLI.run(["mailbox", "reconnect", p, "shared", "--quiet", "--run-dir", dir.file("run-sync")], env: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Reconnected shared (was connected)."))
        #expect(r.stdout.contains("Synced now: 3 messages new since the stored cursors"))
        #expect(r.stdout.contains("Newest loaded before: \(MailDate.iso(dates[1])); newest loaded now: \(MailDate.iso(lateDate)); newest on the server: \(MailDate.iso(lateDate))."))
        #expect(r.stdout.contains("No backfill needed: every folder continued from its stored cursor"))
        #expect(!r.stdout.contains("mailroom backfill"))

        let afterReconnect = try CRMStore.open(path: dir.file("crm.sqlite"), readOnly: true).mailboxStatus("shared")
        #expect(afterReconnect.credentialsRef == "env:MR_LC_SHARED" && !afterReconnect.syncPending)
        r = try CLI.run(["runs", p, "--json"], env: env)
        #expect(r.status == 0)
        let runs = try #require(try JSONParser.parse(Array(r.stdout.utf8)).objectValue?["runs"]?.arrayValue)
        #expect(runs.compactMap { $0.objectValue?["kind"]?.stringValue }
                == ["sync", "reconnect", "sync", "reconnect", "sync", "load", "disconnect", "load", "load"])
        #expect(runs.compactMap { $0.objectValue?["status"]?.stringValue }
                == ["ok", "ok", "failed", "ok", "failed", "failed", "ok", "failed", "ok"])
        #expect(runs.map { $0.objectValue?["errorCode"]?.stringValue }
                == [nil, nil, "auth", nil, "disconnected", "disconnected", nil, "auth", nil])
        let sync = try #require(runs.first?.objectValue)
        #expect(sync["status"]?.stringValue == "ok")
        #expect(sync["message"]?.stringValue?.hasPrefix("3 messages new since the stored cursors") == true)
        let cursorsBefore = sync["cursorBefore"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let after = sync["cursorAfter"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(cursorsBefore.map { $0["folder"]?.stringValue } == ["INBOX", "Sent Items"])
        #expect(after.first { $0["folder"]?.stringValue == "INBOX" }?["uidValidity"]?.intValue == 4242)
        #expect(cursorsBefore.first { $0["folder"]?.stringValue == "INBOX" }?["uidValidity"]?.intValue != 4242)
        // A plain sync of the other mailbox is logged as a sync too, with its cursors.
        r = try CLI.run(["sync", p, "--mailbox", "personal", "--quiet", "--run-dir", dir.file("sync-personal")], env: env)
        #expect(r.status == 0, "\(r.stderr)")
        r = try CLI.run(["runs", p, "--mailbox", "personal", "--limit", "1"], env: env)
        #expect(r.stdout.contains("  sync  ok  personal"))
        #expect(r.stdout.contains("    1 message new since the stored cursors (7-day window where a folder had none); 0 matched 0 contacts; loaded 1 messages in 1 threads\n"))
        #expect(r.stdout.contains("    cursors: none -> INBOX "))
        r = try CLI.run(["mailbox", "list", p], env: env)
        #expect(r.stdout.contains("shared (imap): connected\n  last sync:"))
        #expect(r.stdout.contains("messages loaded: 5\n"))
        #expect(r.stdout.contains("relied on by: email-flow \"Renewals\", shared-user \"bob\""))
    }

    @Test func implicitTLSIsCheckedStepByStepAndAnUntrustedCertificateFailsAtTheCertificateStep() throws {
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        func probe(_ ca: String, port: Int? = nil) -> MailboxProbe.Report {
            let s = IMAPSettings(host: "127.0.0.1", port: port ?? server.tlsPort, security: .tls, username: user.name,
                                 secret: .env("MR_LC_TLS"), caFile: ca)
            return MailboxProbe.imap("work", s, pipelineDirectory: "/", environment: ["MR_LC_TLS": user.password],
                                     connectTimeoutMs: 5000)
        }
        let good = probe(server.caFile)
        #expect(good.passed)
        #expect(good.steps.map(\.step) == [.dns, .tcp, .tls, .certificate, .login, .folders, .sent])
        #expect(good.steps.allSatisfy { $0.ok == true })
        let bad = probe(server.otherCAFile)
        #expect(bad.steps.last?.step == .certificate && bad.steps.last?.ok == false)
        #expect(bad.failure?.status == .tls)
        #expect(bad.check == "encryption (security, caFile) and port")
        #expect(!(bad.text() + String(decoding: bad.json(), as: UTF8.self)).contains(user.password))
        // Implicit TLS against the plain port: the handshake itself fails, before any certificate.
        let plain = probe(server.caFile, port: server.plainPort)
        #expect(plain.steps.map(\.step) == [.dns, .tcp, .tls])
        #expect(plain.failure?.status == .tls)
    }

    static func rowCounts(_ path: String) throws -> [Int] {
        let store = try CRMStore.open(path: path, readOnly: true)
        return try store.read("count") { db in
            try ["messages", "message_copies", "threads", "participants", "thread_contacts"].map {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1
            }
        }
    }

    static func pipeline(_ port: Int, _ shared: String, _ personal: String) -> String {
        """
        name: lifecycle
        ownDomains: [example.com]
        backfillDays: 7
        mailboxes:
          - name: shared
            source: imap
            host: 127.0.0.1
            port: \(port)
            security: none
            username: \(shared)
            secret: env:MR_LC_SHARED
            owner: [shared@example.com]
          - name: personal
            source: imap
            host: 127.0.0.1
            port: \(port)
            security: none
            username: \(personal)
            secret: env:MR_LC_PERSONAL
            owner: [me@example.com]

        """
    }

    static func dayString(_ epoch: Int64) -> String { String(MailDate.iso(epoch).prefix(10)) }

    static func message(_ n: Int, from: String, to: String, date: Int64) -> [UInt8] {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let d = f.string(from: Date(timeIntervalSince1970: TimeInterval(date)))
        return Array("From: <\(from)>\r\nTo: <\(to)>\r\nSubject: lifecycle \(n)\r\nMessage-ID: <lc-\(n)@example.com>\r\nDate: \(d)\r\n\r\nBody \(n).\r\n".utf8)
    }

    /// Runs the built `mailroom` binary (beside the test bundle) and captures its output.
    enum CLI {
        struct Result { var status: Int32; var stdout: String; var stderr: String }

        /// The built binary with `args`, and `env` over this process's environment, not started yet.
        static func process(_ args: [String], env: [String: String]) -> Process {
            var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
            let p = Process()
            p.executableURL = dir.appendingPathComponent("mailroom")
            p.arguments = args
            var environment = ProcessInfo.processInfo.environment
            for (k, v) in env { environment[k] = v }
            p.environment = environment
            return p
        }

        static func run(_ args: [String], env: [String: String]) throws -> Result {
            let p = process(args, env: env)
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            p.standardInput = FileHandle.nullDevice
            try p.run()
            nonisolated(unsafe) var outData = Data(), errData = Data()
            let group = DispatchGroup()
            group.enter()
            DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
            group.enter()
            DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
            group.wait()
            p.waitUntilExit()
            return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self))
        }
    }
}
