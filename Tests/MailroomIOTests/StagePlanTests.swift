import Foundation
import Logging
import Testing
@testable import MailroomIO

/// The fusions of `StagePlan.swift` (extract feeds normalize, normalize feeds dedupe's first pass) write what
/// the stages write when each runs on its own, reading its predecessor's files.
@Suite struct StagePlanTests {
    /// An mbox as Thunderbird keeps it: a message, a reply, the same message again (a second copy), a list copy
    /// of the reply (footer added), and an entry that is not a message (quarantined).
    static let mbox = [
        message("a", subject: "Order 1", body: "Hello, about order 1."),
        message("b", subject: "Re: Order 1", extra: ["In-Reply-To: <a@customer.example>"], body: "Thanks."),
        message("a", subject: "Order 1", body: "Hello, about order 1."),
        message("b", subject: "Re: Order 1", extra: ["In-Reply-To: <a@customer.example>",
                                                      "List-Id: <sales.lists.example.com>"],
                body: "Thanks.\n--\nsales mailing list"),
        "From - Mon Nov 16 10:00:00 2026\nthis line is not a header field\n\n",
    ].joined()

    static func message(_ tag: String, subject: String, extra: [String] = [], body: String) -> String {
        ([
            "From - Mon Nov 16 10:00:00 2026",
            "Message-ID: <\(tag)@customer.example>",
            "Date: Mon, 16 Nov 2026 10:00:00 +0000",
            "From: Ann Lee <ann@customer.example>",
            "To: me@example.com",
            "Subject: \(subject)",
        ] + extra + ["", body, "", ""]).joined(separator: "\n")
    }

    /// Writes the pipeline and the mbox once: the second runner of a test must see the same mailbox file (its
    /// modification time is in extract's manifest inputs; rewriting it a second later made them differ).
    static func runner(_ dir: StoreTempDir, _ run: String) throws -> PipelineRunner {
        if !FileManager.default.fileExists(atPath: dir.file("Inbox")) { try writeFiles(dir) }
        return try start(dir, run)
    }

    /// A runner of the folder's pipeline as it is, into run directory `run`.
    static func start(_ dir: StoreTempDir, _ run: String) throws -> PipelineRunner {
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        return try PipelineRunner.start(pipeline: try LoadedPipeline.load(path: dir.file("p.yml")),
                                        runDirectory: URL(fileURLWithPath: dir.file(run)),
                                        options: RunOptions(asOf: "2026-11-20", days: 30), logger: quiet)
    }

    /// Runs the folder's pipeline through match fused ("fused") and stage by stage ("apart"), and checks that both
    /// wrote the same files, counts, outputs and inputs; returns the fused runner.
    @discardableResult
    static func fusedMatchesApart(_ dir: StoreTempDir, start: (String) throws -> PipelineRunner) throws -> PipelineRunner {
        let fused = try start("fused")
        try fused.run(through: .match)
        let apart = try start("apart")
        for stage in [Stage.extract, .normalize, .dedupe, .match] { try apart.run(stage) }
        for file in files {
            #expect(try bytes(dir, "fused", file) == bytes(dir, "apart", file), "\(file)")
        }
        for stage in [Stage.extract, .normalize, .dedupe, .match] {
            #expect(fused.manifest.stages[stage]?.counts == apart.manifest.stages[stage]?.counts, "\(stage)")
            #expect(fused.manifest.stages[stage]?.outputs == apart.manifest.stages[stage]?.outputs, "\(stage)")
            #expect(fused.manifest.stages[stage]?.inputs == apart.manifest.stages[stage]?.inputs, "\(stage)")
        }
        return fused
    }

    static func writeFiles(_ dir: StoreTempDir) throws {
        try """
        name: plan
        mailbox:
          source: mbox
          path: Inbox
          owner: me@example.com
        ownDomains: [example.com]
        store: sqlite:crm.sqlite

        """.write(toFile: dir.file("p.yml"), atomically: false, encoding: .utf8)
        try Self.mbox.write(toFile: dir.file("Inbox"), atomically: false, encoding: .utf8)
    }

    static let files = ["extract/messages.ndjson", "normalize/messages.ndjson", "normalize/quarantine.ndjson",
                        "dedupe/messages.ndjson", "dedupe/duplicates.ndjson", "match/threads.ndjson",
                        "match/links.ndjson", "match/unmatched.ndjson"]

    static func bytes(_ dir: StoreTempDir, _ run: String, _ file: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: dir.file(run + "/" + file)))
    }

    @Test func aFusedRunWritesTheFilesAndCountsOfStagesRunOneAfterTheOther() throws {
        let dir = StoreTempDir()
        let fused = try Self.fusedMatchesApart(dir) { try Self.runner(dir, $0) }
        let n = try #require(fused.manifest.stages[.normalize]?.counts)
        let d = try #require(fused.manifest.stages[.dedupe]?.counts)
        #expect(n["normalized"] == 4 && n["quarantined"] == 1)
        #expect(d["duplicates"] == 2 && d["mergedCopies"] == 1 && d["unique"] == 2)
    }

    /// The same for a Maildir and for a folder of .eml files, whose small files extract hands to normalize with
    /// their bytes (normalize does not read them again): a message and its reply, the same message again in
    /// another folder, one over the size extract reads whole, one saved with an mbox envelope line, and a file
    /// that is not a message.
    @Test(arguments: ["maildir", "eml"])
    func aFusedRunOfMessageFilesWritesTheFilesOfStagesRunOneAfterTheOther(source: String) throws {
        let dir = StoreTempDir()
        try """
        name: plan
        mailbox:
          source: \(source)
          path: Mail
          owner: me@example.com
        ownDomains: [example.com]
        store: sqlite:crm.sqlite

        """.write(toFile: dir.file("p.yml"), atomically: false, encoding: .utf8)
        func strip(_ m: String) -> String { String(m.drop { $0 != "\n" }.dropFirst()) }  // no From_ line
        let files: [(String, String)] = [
            ("cur/1763287200.1_1.host:2,S", strip(Self.message("a", subject: "Order 1", body: "Hello, about order 1."))),
            ("cur/1763287201.2_2.host:2,S", strip(Self.message("b", subject: "Re: Order 1",
                                                               extra: ["In-Reply-To: <a@customer.example>"], body: "Thanks."))),
            (".Archive/cur/1763287202.3_3.host:2,S", strip(Self.message("a", subject: "Order 1", body: "Hello, about order 1."))),
            ("cur/1763287203.4_4.host:2,S", strip(Self.message("c", subject: "Big", body: String(repeating: "long line of text\n",
                                                                                                 count: 1200)))),
            ("cur/1763287204.5_5.host:2,S", Self.message("d", subject: "Saved", body: "Saved from an mbox.")),
            ("cur/1794823205.6_6.host:2,S", "this line is not a header field\n\n"),
        ]
        for sub in ["Mail/cur", "Mail/new", "Mail/.Archive/cur", "Mail/.Archive/new"] {
            try FileManager.default.createDirectory(atPath: dir.file(sub), withIntermediateDirectories: true)
        }
        // As .eml files: cur/NAME → NAME.eml, .Archive/cur/NAME → Archive/NAME.eml.
        func emlName(_ name: String) -> String {
            name.replacingOccurrences(of: ".Archive/cur/", with: "Archive/").replacingOccurrences(of: "cur/", with: "")
                .replacingOccurrences(of: ":", with: "_") + ".eml"
        }
        try FileManager.default.createDirectory(atPath: dir.file("Mail/Archive"), withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(toFile: dir.file("Mail/" + (source == "eml" ? emlName(name) : name)), atomically: false, encoding: .utf8)
        }
        let fused = try Self.fusedMatchesApart(dir) { try Self.start(dir, $0) }
        let n = try #require(fused.manifest.stages[.normalize]?.counts)
        #expect(n["normalized"] == 5 && n["quarantined"] == 1)
        let normalized = String(decoding: try Self.bytes(dir, "fused", "normalize/messages.ndjson"), as: UTF8.self)
        #expect(normalized.contains("Saved from an mbox.") && normalized.contains("long line of text"))
    }

    /// Three conversations titled alike, among other mail: Ann's order, Bob's order, and our reply to Ann that
    /// Outlook sent without In-Reply-To or References. Subject grouping must read the reply's and the threads'
    /// participants again (by their lines' byte offsets in dedupe's file) to join the reply to Ann's thread only.
    static let subjectMbox = (1...6).map { n in
        mail("n\(n)", from: "News <news\(n)@lists.example.org>", to: "me@example.com", subject: "Digest \(n)", day: n)
    }.joined() + [
        mail("ann1", from: "Ann Lee <ann@customer.example>", to: "me@example.com", subject: "Order 2", day: 10),
        mail("bob1", from: "Bob Ray <bob@other.example>", to: "me@example.com", subject: "Order 2", day: 11),
        mail("reply", from: "Me <me@example.com>", to: "Ann Lee <ann@customer.example>", subject: "RE: Order 2", day: 12),
    ].joined()

    /// A folder with the pipeline and `subjectMbox` as its mailbox.
    static func subjectMailDir() throws -> StoreTempDir {
        let dir = StoreTempDir()
        try writeFiles(dir)
        try subjectMbox.write(toFile: dir.file("Inbox"), atomically: false, encoding: .utf8)
        return dir
    }

    static func mail(_ id: String, from: String, to: String, subject: String, day: Int) -> String {
        ["From - Mon Nov 16 10:00:00 2026", "Message-ID: <\(id)@mail.example>",
         "Date: \(day) Nov 2026 10:00:00 +0000", "From: \(from)", "To: \(to)", "Subject: \(subject)",
         "", "About \(subject).", "", ""].joined(separator: "\n")
    }

    @Test func dedupeGivesMatchItsFirstPassAsMatchWouldReadItOfDedupesFile() throws {
        let dir = try Self.subjectMailDir()
        let fused = try Self.runner(dir, "fused")
        try fused.run(through: .dedupe, matchFollows: true)
        let pass = try #require(fused.matchFirstPass)
        #expect(pass.input == fused.manifest.stages[.dedupe]?.outputs.first)
        #expect(pass.lineStart.count == 10)
        try fused.run(.match)
        #expect(fused.matchFirstPass == nil)
        let apart = try Self.runner(dir, "apart")
        for stage in [Stage.extract, .normalize, .dedupe, .match] { try apart.run(stage) }
        #expect(apart.manifest.stages[.match]?.counts["subjectJoins"] == 1)
        for file in Self.files {
            #expect(try Self.bytes(dir, "fused", file) == Self.bytes(dir, "apart", file), "\(file)")
        }
        #expect(fused.manifest.stages[.match]?.counts == apart.manifest.stages[.match]?.counts)
        // The reply joined Ann's thread, not Bob's (the most recent of that subject).
        var thread: [String: String] = [:]
        try fused.runDir.read(ThreadRecord.self, try #require(fused.manifest.stages[.match]?.outputs.first)) { t, _ in
            for id in t.ids { thread[id] = t.threadId }
        }
        #expect(thread["reply@mail.example"] == thread["ann1@mail.example"])
        #expect(thread["reply@mail.example"] != thread["bob1@mail.example"])
        // The report counts the messages alike.
        var a = try fused.report(), b = try apart.report()
        (a.run.runId, b.run.runId) = ("", "")
        #expect(a.jsonBytes() == b.jsonBytes())
    }

    /// Normalize lines that do not start as `NormalizedMessage.writeJSON` writes them (here one leading space, as a
    /// hand-edited file would have) are decoded and written again by dedupe; match's first pass then takes its
    /// fields from the line written, and match writes what it writes from normalize's own lines.
    @Test func linesDedupeWritesAgainGiveMatchTheFieldsOfTheLineWritten() throws {
        let dir = try Self.subjectMailDir()
        let runner = try Self.runner(dir, "run")
        try runner.run(through: .normalize)
        let file = dir.file("run/normalize/messages.ndjson")
        let spaced = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
            .split(separator: "\n").map { " " + $0 + "\n" }.joined()
        try spaced.write(toFile: file, atomically: false, encoding: .utf8)
        let (lines, sha) = try NDJSONReader.forEachLine(url: URL(fileURLWithPath: file)) { _, _ in }
        var normalize = try #require(runner.manifest.stages[.normalize])
        normalize.outputs[0] = FileSummary(file: normalize.outputs[0].file, schema: normalize.outputs[0].schema,
                                           lines: lines, bytes: spaced.utf8.count, sha256: sha)
        runner.manifest.stages[.normalize] = normalize
        let pass = MatchFirstPass(subjectJoinDays: 30)
        _ = try runner.drive(.dedupe) { try runner.runDedupe(feeding: pass) }
        #expect(!pass.abandoned && runner.matchFirstPass === pass)
        try runner.run(.match)
        #expect(runner.manifest.stages[.match]?.counts["subjectJoins"] == 1)
        let fused = try Self.runner(dir, "fused")
        try fused.run(through: .match)
        for file in Self.files where !file.hasPrefix("normalize/") {
            #expect(try Self.bytes(dir, "run", file) == Self.bytes(dir, "fused", file), "\(file)")
        }
    }

    /// A pass abandoned on a line whose fields could not be had is not handed to match, which then reads
    /// dedupe's file itself and writes the same.
    @Test func anAbandonedMatchPassLeavesMatchToReadDedupesFile() throws {
        let dir = try Self.subjectMailDir()
        let runner = try Self.runner(dir, "run")
        try runner.run(through: .normalize)
        let pass = MatchFirstPass(subjectJoinDays: 30)
        pass.add(nil, lineBytes: 0)
        _ = try runner.drive(.dedupe) { try runner.runDedupe(feeding: pass) }
        #expect(pass.abandoned && pass.lineStart.isEmpty)
        #expect(runner.matchFirstPass == nil)
        try runner.run(.match)
        let fused = try Self.runner(dir, "fused")
        try fused.run(through: .match)
        for file in Self.files {
            #expect(try Self.bytes(dir, "run", file) == Self.bytes(dir, "fused", file), "\(file)")
        }
    }

    /// Normalize's issues file is counted by code in its manifest entry (read back from `manifest.json`); a stage
    /// without record issues has no `issues` there.
    @Test func theManifestCountsEachStagesIssuesByCode() throws {
        let dir = StoreTempDir()
        let runner = try Self.runner(dir, "run")
        try runner.run(through: .dedupe)
        let manifest = try runner.runDir.readManifest()
        #expect(manifest.stages[.normalize]?.issues == ["not-a-message": 1])
        #expect(manifest.stages[.normalize]?.counts["quarantined"] == 1)
        #expect(manifest.stages[.dedupe]?.issues == [:])
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir.file("run/manifest.json"))), as: UTF8.self)
        #expect(text.components(separatedBy: "\"issues\"").count == 2)
    }

    @Test func aRunThroughNormalizeLeavesDedupeToReadItsFileLater() throws {
        let dir = StoreTempDir()
        let runner = try Self.runner(dir, "run")
        try runner.run(through: .normalize)
        #expect(runner.manifest.stages[.dedupe] == nil)
        let dedupeDir = dir.file("run/dedupe")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: dedupeDir)) ?? []).isEmpty)
        try runner.run(.dedupe)
        let fused = try Self.runner(dir, "fused")
        try fused.run(through: .dedupe)
        for file in ["dedupe/messages.ndjson", "dedupe/duplicates.ndjson"] {
            #expect(try Self.bytes(dir, "run", file) == Self.bytes(dir, "fused", file), "\(file)")
        }
    }
}
