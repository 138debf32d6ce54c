import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// The real `mailroom` binary against Dovecot: `backfill --dry-run` lists without fetching, `sync` loads.
@Suite("mailroom backfill and sync against Dovecot", .enabled(if: DovecotFixtures.available, "Dovecot is not installed (/usr/sbin/dovecot)"))
struct IMAPCommandLineTests {
    /// The `mailroom` executable beside the test bundle (`MAILROOM_TEST_BINARY` names another build, e.g. to
    /// check that a test fails on an older one).
    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["MAILROOM_TEST_BINARY"] { return b }
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("mailroom").path
    }

    /// Whether the binary is built; when it is not, records that as the test's failure.
    static func isBuilt() -> Bool {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("mailroom is not built at \(binary)")
            return false
        }
        return true
    }

    /// Runs the binary with `args` and `env` added to this process's environment. `umask` (such as `"022"`, a
    /// user's shell default) is set by a shell that then runs the binary, instead of this process's umask.
    static func mailroom(_ args: [String], env: [String: String], umask: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        if let umask {
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "umask \(umask); exec \"$0\" \"$@\"", binary] + args
        } else {
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = args
        }
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        nonisolated(unsafe) var o = Data(), e = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { o = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        e = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func backfillDryRunListsTheWindowAndSyncLoadsIt() throws {
        guard Self.isBuilt() else { return }
        let server = try #require(DovecotFixtures.shared)
        let user = server.freshUser()
        let day = IMAPDate.days(year: 2026, month: 1, day: 11) * 86400
        let m1 = DovecotFixtures.message(800), m2 = DovecotFixtures.message(801)
        try server.addMessage(user: user.name, bytes: m1, internalDate: day + 100)
        try server.addMessage(user: user.name, bytes: DovecotFixtures.message(802), internalDate: day - 5 * 86400)
        try server.addMessage(user: user.name, folder: "Sent Items", bytes: m2, internalDate: day + 200)
        let dir = server.root.path + "/cli-\(UUID().uuidString)"
        try IMAPTestPipeline.write(in: dir, name: "imap-cli", port: server.plainPort, username: user.name,
                                   secretVariable: "MAILROOM_TEST_CLI_SECRET")
        let env = ["MAILROOM_TEST_CLI_SECRET": user.password]
        let flagsBefore = try server.flagsListing(user: user.name)

        let dry = try Self.mailroom(["backfill", dir + "/p.yml", "--dry-run", "--json", "--as-of", "2026-01-12", "--days", "3"], env: env)
        #expect(dry.status == 0)
        #expect(dry.stdout == """
            {"schema":"mailroom.backfill-listing/1","windowStart":"2026-01-10T00:00:00Z","windowEnd":"2026-01-13T00:00:00Z",\
            "mailboxes":[{"name":"work","listed":true,"messages":2,"bytes":\(m1.count + m2.count),"folders":[\
            {"folder":"INBOX","messages":1,"bytes":\(m1.count)},{"folder":"Sent Items","messages":1,"bytes":\(m2.count)}]}]}

            """)
        #expect(!FileManager.default.fileExists(atPath: dir + "/runs"))

        let sync = try Self.mailroom(["sync", dir + "/p.yml", "--run-dir", dir + "/run1", "--quiet"], env: env)
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(!sync.stdout.contains(user.password) && !sync.stderr.contains(user.password))
        let store = try CRMStore.open(path: dir + "/crm.sqlite", readOnly: true)
        #expect(try store.imapCursor(mailbox: "work", folder: "INBOX")?.highestUID == 2)
        #expect(try store.imapCursor(mailbox: "work", folder: "Sent Items")?.highestUID == 1)
        #expect(try server.flagsListing(user: user.name) == flagsBefore)
    }
}
