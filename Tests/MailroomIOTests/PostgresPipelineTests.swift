import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// The sample pipeline (`pipelines/sample.yml`, `sample-data/`) run by the built `mailroom` binary into SQLite and
/// into PostgreSQL (`PostgresServer`): `mailroom store dump` prints the same bytes for both; a rerun of the load
/// changes nothing; a load killed (`kill -9`, `MAILROOM_FAULT`) between batches and rerun ends the same.
@Suite("PostgreSQL pipeline", .serialized, .enabled(if: PostgresServer.isAvailable, PostgresServer.skipReason))
struct PostgresPipelineTests {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var binary: URL {
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("mailroom")
    }

    static func mailroom(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { _, b in b }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// A copy of the sample with `createContacts: sent` and `store` as given; returns the pipeline file.
    static func sample(store: String, in dir: StoreTempDir) throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(at: dir.url.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
        try fm.copyItem(at: repoRoot.appendingPathComponent("sample-data"), to: dir.url.appendingPathComponent("sample-data"))
        let text = try String(contentsOf: repoRoot.appendingPathComponent("pipelines/sample.yml"), encoding: .utf8)
            .replacingOccurrences(of: "store: sqlite:crm.sqlite", with: "store: \(store)")
            .replacingOccurrences(of: "createContacts: never", with: "createContacts: sent")
        let file = dir.file("pipelines/sample.yml")
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        return file
    }

    static func postgresStore() throws -> String {
        let server = try PostgresServer.get()
        return "postgres:///\(try server.createDatabase())?host=\(server.socketDir)&port=\(server.port)&user=\(PostgresServer.admin)"
    }

    static func run(_ pipeline: String, _ dir: StoreTempDir, env: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        try mailroom(["run", pipeline, "--as-of", "2026-11-20", "--run-dir", dir.file("run1"), "--quiet"], env: env)
    }

    static func dump(_ pipeline: String, data: Bool = true) throws -> String {
        let d = try mailroom(["store", "dump", pipeline] + (data ? ["--data"] : []))
        guard d.status == 0 else { throw MailroomError(.internalError, "store dump failed: \(d.stderr)") }
        return d.stdout
    }

    @Test func theSampleLoadedIntoSQLiteAndPostgreSQLDumpsTheSameAndARerunChangesNothing() throws {
        let liteDir = StoreTempDir(), pgDir = StoreTempDir()
        let lite = try Self.sample(store: "sqlite:crm.sqlite", in: liteDir)
        let pg = try Self.sample(store: try Self.postgresStore(), in: pgDir)
        let a = try Self.run(lite, liteDir)
        #expect(a.status == 0, "\(a.stderr)")
        let b = try Self.run(pg, pgDir)
        #expect(b.status == 0, "\(b.stderr)")
        let liteDump = try Self.dump(lite)
        let pgDump = try Self.dump(pg)
        #expect(pgDump == liteDump)
        #expect(pgDump.contains("\nmessages|") && pgDump.contains("\nparticipants|") && pgDump.contains("\nthread_contacts|"))
        #expect(pgDump.contains("origin='created-from-sent'"))

        let all = try Self.dump(pg, data: false)
        #expect(all.contains("runs|") && all.contains("status='ok'"))
        let again = try Self.mailroom(["stage", "load", "--run", pgDir.file("run1")])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.dump(pg, data: false) == all)
    }

    /// Killed (`kill -9`) just before the threads batch commits (the contacts batch committed), then
    /// `stage load` of the same run: the same store as SQLite's uninterrupted load.
    @Test func aLoadKilledBetweenBatchesAndRerunEndsAsAnUninterruptedOne() throws {
        let liteDir = StoreTempDir(), pgDir = StoreTempDir()
        let lite = try Self.sample(store: "sqlite:crm.sqlite", in: liteDir)
        #expect(try Self.run(lite, liteDir).status == 0)
        let pg = try Self.sample(store: try Self.postgresStore(), in: pgDir)
        let killed = try Self.run(pg, pgDir, env: ["MAILROOM_FAULT": "load.batch.beforeCommit:2:kill"])
        #expect(killed.status == 9, "\(killed.stderr)")
        #expect(killed.stderr.contains("fault injected at load.batch.beforeCommit:2"))
        let partial = try Self.dump(pg, data: false)
        #expect(partial.contains("checkpoints|run_id=") && partial.contains("phase='threads'"))
        #expect(!partial.contains("\nthreads|"))
        let rerun = try Self.mailroom(["stage", "load", "--run", pgDir.file("run1")])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try Self.dump(pg) == Self.dump(lite))
    }

    /// Real third-party mail (`../shared/corpora`): Netscape-era list mail with tabs, quoted names and comments in
    /// addresses (mimekit's `content-length.mbox`), a kernel patch thread with trailers and follow-ups (b4), and
    /// gmime's `From `-substring mbox, as one mbox whose owner sent the patch thread. Loaded by the binary into
    /// SQLite and PostgreSQL (rows straight into the tables, encoded by `PostgresCopy`), the dumps are the same
    /// bytes, with contacts created from sent mail and links to an imported contact among them. Skipped when the
    /// corpora are absent.
    @Test(.enabled(if: ExtractFixtures.haveCorpora, "../shared/corpora is absent"))
    func realMailLoadedIntoSQLiteAndPostgreSQLDumpsTheSame() throws {
        let corpora = try #require(ExtractFixtures.corpora)
        var mbox = Data()
        for f in ["mimekit/mbox/content-length.mbox.txt", "b4/trailers-thread-with-followups.mbox", "gmime/mbox/substring.mbox"] {
            var d = try Data(contentsOf: corpora.appendingPathComponent(f))
            if d.last != 0x0A { d.append(0x0A) }
            mbox.append(d)
        }
        func pipeline(store: String, in dir: StoreTempDir) throws -> String {
            try mbox.write(to: dir.url.appendingPathComponent("mail.mbox"))
            try "id,name,emails\nC1,Jamie Zawinski,jwz@netscape.com\n".write(toFile: dir.file("contacts.csv"), atomically: false, encoding: .utf8)
            let file = dir.file("real.yml")
            try """
                name: real
                mailbox:
                  source: mbox
                  path: mail.mbox
                  owner: [konstantin@linuxfoundation.org]
                ownDomains: [linuxfoundation.org]
                contacts: contacts.csv
                backfillDays: 36500
                store: \(store)
                createContacts: sent

                """.write(toFile: file, atomically: false, encoding: .utf8)
            return file
        }
        let liteDir = StoreTempDir(), pgDir = StoreTempDir()
        let lite = try pipeline(store: "sqlite:crm.sqlite", in: liteDir)
        let pg = try pipeline(store: try Self.postgresStore(), in: pgDir)
        let a = try Self.run(lite, liteDir)
        #expect(a.status == 0, "\(a.stderr)")
        let b = try Self.run(pg, pgDir)
        #expect(b.status == 0, "\(b.stderr)")
        let pgDump = try Self.dump(pg)
        #expect(try Self.dump(lite) == pgDump)
        #expect(pgDump.components(separatedBy: "\nmessages|").count > 30)
        #expect(pgDump.contains("origin='created-from-sent'"))
        #expect(pgDump.contains("contact_id='C1'"))
        #expect(pgDump.contains("address='jgildred@opensoft.com'"))  // `addr (Comment Name)` form
    }
}
