import Foundation
import Testing
@testable import MailroomIO
import MailroomCore

/// The contacts commands (`duplicates`, `merge`, `unmerge`, `add-email`, `remove-email`, `export`) and `relink` on
/// a PostgreSQL store, through the `mailroom` binary, against the same commands on an SQLite store holding the same
/// data: the sample pipeline loaded into each, then every step must give the same exit code, stdout and stderr
/// (store location, folders and clock masked), the same exported file, and the same `store dump --data`.
@Suite(.serialized, .enabled(if: PostgresServer.isAvailable, "needs PostgreSQL 15"))
struct PostgresContactCommandsTests {
    typealias CLI = MailboxDovecotCLITests.CLI

    /// The sample pipeline with absolute paths and no `store:` line (`Pair` gives each its store).
    static func samplePipeline() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("pipelines/sample.yml"), encoding: .utf8)
        #expect(text.contains("store: sqlite:crm.sqlite\n"))
        return text.replacingOccurrences(of: "../sample-data", with: root.appendingPathComponent("sample-data").path)
            .replacingOccurrences(of: "store: sqlite:crm.sqlite\n", with: "")
    }

    /// Runs `a` on both stores; expects the same exit code and output (a command's run id masked too).
    @discardableResult
    static func step(_ s: PostgresCommandsTests.Pair, _ a: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
        func masked(_ r: CLI.Result, _ dir: StoreTempDir) -> CLI.Result {
            func m(_ t: String) -> String {
                s.mask(t, dir).replacingOccurrences(of: "\\d{8}T\\d{6}Z?", with: "T", options: .regularExpression)
            }
            return CLI.Result(status: r.status, stdout: m(r.stdout), stderr: m(r.stderr))
        }
        let l = masked(try CLI.run(s.args(a, s.lite), env: s.env), s.lite)
        let p = masked(try CLI.run(s.args(a, s.pg), env: s.env), s.pg)
        #expect(p.status == l.status, "\(a): exit \(p.status) on PostgreSQL, \(l.status) on SQLite: \(p.stderr)",
                sourceLocation: sourceLocation)
        #expect(p.stdout == l.stdout, "\(a): stdout differs:\n\(p.stdout)\n---\n\(l.stdout)", sourceLocation: sourceLocation)
        #expect(p.stderr == l.stderr, "\(a): stderr differs:\n\(p.stderr)\n---\n\(l.stderr)", sourceLocation: sourceLocation)
        return l
    }

    /// Both stores' `store dump --data` are equal (and returned).
    @discardableResult
    static func sameRows(_ s: PostgresCommandsTests.Pair, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let d = try step(s, ["store", "dump", "P", "--data"], sourceLocation: sourceLocation)
        #expect(d.status == 0, "\(d.stderr)", sourceLocation: sourceLocation)
        return d.stdout
    }

    @Test func contactCommandsAndRelinkDoOnPostgreSQLWhatTheyDoOnSQLite() throws {
        let s = try PostgresCommandsTests.Pair(pipeline: try Self.samplePipeline(), env: [:])
        // No store yet: exit 4 on both.
        #expect(try Self.step(s, ["contacts", "duplicates", "P"]).status == 4)
        #expect(try Self.step(s, ["relink", "P", "--dry-run"]).status == 4)
        #expect(try Self.step(s, ["run", "P", "--quiet", "--as-of", "2026-11-20", "--run-dir", "DIR/run1"]).status == 0)
        let loaded = try Self.sameRows(s)

        // duplicates
        let dups = try Self.step(s, ["contacts", "duplicates", "P"])
        #expect(dups.status == 0 && dups.stdout.contains("C017"), "\(dups.stdout)\(dups.stderr)")
        try Self.step(s, ["contacts", "duplicates", "P", "--json"])

        // merge: a dry run writes nothing; the merge moves the links; bad input is exit 2 with nothing written.
        #expect(try Self.step(s, ["contacts", "merge", "P", "--keep", "C001", "C017", "--dry-run"]).status == 0)
        #expect(try Self.sameRows(s) == loaded)
        #expect(try Self.step(s, ["contacts", "merge", "P", "--keep", "C001", "C999"]).status == 2)
        #expect(try Self.step(s, ["contacts", "merge", "P", "--keep", "C001", "C001"]).status == 2)
        let merged = try Self.step(s, ["contacts", "merge", "P", "--keep", "C001", "C017", "--json"])
        #expect(merged.status == 0 && merged.stdout.contains("\"mergeId\""), "\(merged.stdout)\(merged.stderr)")
        let afterMerge = try Self.sameRows(s)
        #expect(afterMerge != loaded && !afterMerge.contains("id='C017'"))
        #expect(try Self.step(s, ["contacts", "merge", "P", "--keep", "C003", "C019"]).status == 0)
        try Self.sameRows(s)
        // unmerge: the later merge first (the earlier one is independent), then a second unmerge is refused.
        #expect(try Self.step(s, ["contacts", "unmerge", "P", "2"]).status == 0)
        #expect(try Self.sameRows(s) == afterMerge)
        #expect(try Self.step(s, ["contacts", "unmerge", "P", "1"]).status == 0)
        #expect(try Self.sameRows(s) == loaded)
        #expect(try Self.step(s, ["contacts", "unmerge", "P", "1"]).status == 2)
        #expect(try Self.step(s, ["contacts", "unmerge", "P", "9"]).status == 2)

        // add-email / remove-email: relinks the messages carrying the address.
        #expect(try Self.step(s, ["contacts", "add-email", "P", "C001", "mia.chen@contoso.example"]).status == 2)
        #expect(try Self.step(s, ["contacts", "add-email", "P", "C001", "not an address"]).status == 2)
        #expect(try Self.step(s, ["contacts", "add-email", "P", "C999", "x@contoso.example"]).status == 2)
        #expect(try Self.step(s, ["contacts", "add-email", "P", "C001", "laura.bianchi@contoso.example", "--dry-run"]).status == 0)
        #expect(try Self.sameRows(s) == loaded)
        let added = try Self.step(s, ["contacts", "add-email", "P", "C026", "laura.bianchi@contoso.example"])
        #expect(added.status == 0 && added.stdout.contains("participant links added"), "\(added.stdout)\(added.stderr)")
        #expect(try Self.sameRows(s) != loaded)
        #expect(try Self.step(s, ["contacts", "remove-email", "P", "C026", "nobody@contoso.example"]).status == 2)
        #expect(try Self.step(s, ["contacts", "remove-email", "P", "C026", "laura.bianchi@contoso.example", "--json"]).status == 0)
        try Self.sameRows(s)
        #expect(try Self.step(s, ["contacts", "remove-email", "P", "C011", "chidi@okafor-consulting.example"]).status == 0)
        try Self.sameRows(s)

        // relink: after a change of ownDomains, the dry run and the relink print the same and write the same rows.
        for dir in [s.lite, s.pg] {
            let p = dir.file("p.yml")
            let text = try String(contentsOfFile: p, encoding: .utf8)
            try text.replacingOccurrences(of: "ownDomains: [northwind.example]", with: "ownDomains: [northwind.example, contoso.example]")
                .write(toFile: p, atomically: false, encoding: .utf8)
        }
        let dry = try Self.step(s, ["relink", "P", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let beforeRelink = try Self.sameRows(s)
        try Self.step(s, ["relink", "P"])
        #expect(try Self.step(s, ["relink", "P", "--allow-visibility-change"]).status == 0)
        #expect(try Self.sameRows(s) != beforeRelink)
        try Self.step(s, ["relink", "P", "--dry-run"])

        // export: the same file from both stores.
        #expect(try Self.step(s, ["contacts", "export", "P", "DIR/out.csv", "--dry-run"]).status == 0)
        #expect(try Self.step(s, ["contacts", "export", "P", "DIR/out.csv"]).status == 0)
        let files = try [s.lite, s.pg].map { try String(contentsOfFile: $0.file("out.csv"), encoding: .utf8) }
        #expect(files[0] == files[1] && files[0].hasPrefix("id,name,emails"))
        try Self.step(s, ["runs", "P"])
        try Self.sameRows(s)
    }

    /// On PostgreSQL a contacts command, a relink or a mailbox disconnect is refused (exit 6, the lock named) while a load holds a
    /// mailbox lock of the store, as the SQLite lock file refuses it; nothing is written.
    @Test func aCommandIsRefusedWhileALoadHoldsAMailboxOfTheStore() throws {
        let s = try PostgresCommandsTests.Pair(pipeline: try Self.samplePipeline(), env: [:])
        let p = s.pg.file("p.yml")
        #expect(try CLI.run(["run", p, "--quiet", "--as-of", "2026-11-20", "--run-dir", s.pg.file("run1")], env: [:]).status == 0)
        let store = try #require(try PGStore.open(for: try LoadedPipeline.load(path: p), create: false))
        let held = try PGLoadLock.acquire(store.connection, runId: "holder", mailboxes: ["default"], shard: nil)
        let dump = try CLI.run(["store", "dump", p, "--data"], env: [:])
        for a in [["contacts", "merge", p, "--keep", "C001", "C017"], ["relink", p],
                  ["contacts", "add-email", p, "C026", "laura.bianchi@contoso.example"],
                  ["mailbox", "disconnect", p, "default", "--force"]] {
            let r = try CLI.run(a, env: [:])
            #expect(r.status == 6, "\(a): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("mailbox 'default'"), "\(r.stderr)")
        }
        #expect(try CLI.run(["store", "dump", p, "--data"], env: [:]).stdout == dump.stdout)
        PGLoadLock.release(store.connection, held)
        #expect(try CLI.run(["contacts", "merge", p, "--keep", "C001", "C017"], env: [:]).status == 0)
        let d = try CLI.run(["mailbox", "disconnect", p, "default", "--force"], env: [:])
        #expect(d.status == 0, "\(d.stderr)")
    }
}
