import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// `secret: cmd:` through the real binary (issue 16 §2): the token a script prints logs in (the fake server
/// accepts only it), and neither that token, nor what the script writes to standard error, nor its argument
/// reaches the terminal, the logs (at trace level), any file of the run directories or the store.
struct SecretCommandCLITests {
    static let token = "tok-canary-5c2e8a71"
    static let argument = "canary-arg-88e0"

    /// `<dir>/p.yml` reading mailbox `work` from the fake server with XOAUTH2 and `secret: cmd:./tok.sh ARG`.
    static func pipeline(in dir: String, port: Int, script: String) throws -> String {
        _ = try SecretCommandTests.script(script, in: dir)
        let yaml = """
        name: cmdsecret
        ownDomains: [example.com]
        mailbox:
          name: work
          source: imap
          host: 127.0.0.1
          port: \(port)
          security: none
          username: u
          auth: xoauth2
          secret: cmd:./tok.sh \(argument)

        """
        try yaml.write(toFile: dir + "/p.yml", atomically: false, encoding: .utf8)
        return dir + "/p.yml"
    }

    static func server() throws -> FakeIMAPServer {
        let inbox = FakeIMAPServer.Folder(name: "INBOX", attributes: "", uidValidity: 9, messages: [
            .init(uid: 1, internalDate: "11-Jan-2026 10:00:01 +0000", body: DovecotFixtures.message(1)),
            .init(uid: 2, internalDate: "12-Jan-2026 09:00:00 +0000", body: DovecotFixtures.message(2)),
        ])
        let sent = FakeIMAPServer.Folder(name: "Sent", attributes: "\\Sent", uidValidity: 10, messages: [])
        let s = try FakeIMAPServer(folders: [inbox, sent])
        s.xoauth2 = (user: "u", token: token)
        return s
    }

    /// Every file below `dir` except the pipeline and the script (which hold the canaries by design).
    static func filesHolding(_ canaries: [String], below dir: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: dir)
        var hits: [String] = []
        while let rel = e?.nextObject() as? String {
            guard rel != "p.yml", rel != "tok.sh", let data = FileManager.default.contents(atPath: dir + "/" + rel) else { continue }
            for c in canaries where data.range(of: Data(c.utf8)) != nil { hits.append("\(rel): \(c)") }
        }
        return hits
    }

    static let canaries = [token, SecretCommandTests.stderrCanary, argument]

    @Test func aTokenFromACommandLogsInAndNeverReachesOutputLogsRunFilesOrTheStore() throws {
        let s = try Self.server()
        defer { s.close() }
        let dir = StoreTempDir()
        let p = try Self.pipeline(in: dir.path, port: s.port, script: "echo \(Self.token)")
        let env = ["MAILROOM_LOG": "trace"]
        var outputs: [String] = []

        let probe = try MailboxDovecotCLITests.CLI.run(["mailbox", "test", p, "work"], env: env)
        #expect(probe.status == 0, "\(probe.stdout)\(probe.stderr)")
        #expect(probe.stdout.contains("✓ login"), "\(probe.stdout)")
        outputs += [probe.stdout, probe.stderr]

        let dry = try MailboxDovecotCLITests.CLI.run(["run", p, "--dry-run", "--as-of", "2026-01-12", "--days", "3",
                                                      "--run-dir", dir.file("dry")], env: env)
        #expect(dry.status == 0, "\(dry.stderr)")
        outputs += [dry.stdout, dry.stderr]

        let run = try MailboxDovecotCLITests.CLI.run(["backfill", p, "--as-of", "2026-01-12", "--days", "3",
                                                      "--run-dir", dir.file("run")], env: env)
        #expect(run.status == 0, "\(run.stderr)")
        outputs += [run.stdout, run.stderr]

        #expect(s.log.filter { $0 == "AUTHENTICATE" }.count >= 3)
        #expect(FileManager.default.fileExists(atPath: dir.file("dry/extract/messages.ndjson")))
        #expect(FileManager.default.fileExists(atPath: dir.file("crm.sqlite")))
        for (i, text) in outputs.enumerated() {
            for c in Self.canaries { #expect(!text.contains(c), "output \(i) shows \(c)") }
        }
        #expect(Self.filesHolding(Self.canaries, below: dir.path) == [])
        // The scan does read the store and the run files: the program's name is there.
        #expect(Self.filesHolding(["cmd:./tok.sh"], below: dir.path).contains { $0.hasPrefix("crm.sqlite") })
        // The store names where the secret comes from: the program, not its argument.
        let store = try CRMStore.open(path: dir.file("crm.sqlite"), readOnly: true)
        #expect(try store.mailboxStatus("work").credentialsRef == "cmd:./tok.sh")
    }

    @Test func aFailingCommandIsOneLineWithTheAuthExitCodeAndNothingItPrinted() throws {
        let s = try Self.server()
        defer { s.close() }
        let dir = StoreTempDir()
        let p = try Self.pipeline(in: dir.path, port: s.port, script: "echo \(Self.token)\nexit 3")

        let probe = try MailboxDovecotCLITests.CLI.run(["mailbox", "test", p, "work"], env: [:])
        #expect(probe.status == 13, "\(probe.stdout)\(probe.stderr)")
        #expect(probe.stdout.contains("the secret command failed (exit 3) for mailbox work (program ./tok.sh)"), "\(probe.stdout)")

        let dry = try MailboxDovecotCLITests.CLI.run(["run", p, "--dry-run", "--as-of", "2026-01-12", "--days", "3",
                                                      "--run-dir", dir.file("dry")], env: ["MAILROOM_LOG": "trace"])
        #expect(dry.status == 13, "\(dry.stderr)")
        #expect(dry.stderr.contains("the secret command failed (exit 3) for mailbox work (program ./tok.sh)"), "\(dry.stderr)")
        for text in [probe.stdout, probe.stderr, dry.stdout, dry.stderr] {
            for c in Self.canaries { #expect(!text.contains(c), "\(c) shown") }
        }
        #expect(Self.filesHolding(Self.canaries, below: dir.path) == [])
        #expect(s.log.filter { $0 == "AUTHENTICATE" }.isEmpty)
    }
}
