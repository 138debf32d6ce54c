import Foundation
import Testing
@testable import MailroomCore
@testable import MailroomIO

/// A run checks its contacts file before it makes a run directory or reads any mail: what would stop it (an empty
/// or repeated id, an unclosed quote, a missing column) stops it there, every such line named; emails that are not
/// addresses do not, and dedupe warns about them when it reads the file whole.
@Suite struct PreflightContactsTests {
    /// The sample mailbox with a contacts file holding `csv`, in `dir`.
    static func pipeline(in dir: URL, csv: String) throws -> LoadedPipeline {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(csv.utf8).write(to: dir.appendingPathComponent("contacts.csv"))
        let yml = """
        name: preflight-contacts
        mailbox:
          source: maildir
          path: \(repo.appendingPathComponent("sample-data/mailbox").path)
          owner: [dana.reyes@northwind.example]
        ownDomains: [northwind.example]
        contacts: contacts.csv
        backfillDays: 60
        """
        let url = dir.appendingPathComponent("pipeline.yml")
        try Data(yml.utf8).write(to: url)
        return try LoadedPipeline.load(path: url.path)
    }

    @Test func aContactsFileThatWouldStopTheRunStopsItBeforeAnyRunDirectory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-preflight-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = "id,name,emails\nC1,Mia Chen,mia@contoso.example\nC1,Mia Again,not an address\n,No Id,x@y.example\n"
        let run = dir.appendingPathComponent("run")
        let e = try #require(throws: FileIssuesError.self) {
            _ = try PipelineRunner.start(pipeline: try Self.pipeline(in: dir, csv: csv), runDirectory: run,
                                         options: RunOptions(asOf: "2026-11-20", days: 60))
        }
        #expect(e.issues.map(\.line) == [3, 4])
        #expect(e.issues.map(\.code) == [.contactIdRepeated, .contactIdEmpty])
        #expect(!FileManager.default.fileExists(atPath: run.path))
    }

    @Test func emailsThatAreNotAddressesDoNotStopTheRunAndDedupeKeepsThem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-preflight-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = "id,name,emails\nC1,Mia Chen,mia@contoso.example;not an address\nC2,No Email,\n"
        let runner = try PipelineRunner.start(pipeline: try Self.pipeline(in: dir, csv: csv), runDirectory: dir.appendingPathComponent("run"),
                                              options: RunOptions(asOf: "2026-11-20", days: 60))
        try runner.run(through: .dedupe)
        let summary = try #require(runner.manifest.stages[.dedupe]?.outputs.first { $0.file == "dedupe/contacts.ndjson" })
        var contacts: [Contact] = []
        try runner.runDir.read(Contact.self, summary) { c, _ in contacts.append(c) }
        #expect(contacts.map(\.id) == ["C1", "C2"])
        #expect(contacts[0].emails.map(\.issue) == [nil, ContactsCSV.notAnAddress])
    }
}
