import Foundation
import Testing
@testable import MailroomCore
@testable import MailroomIO

/// A dry run reports right after its match from what match collected as it read dedupe's messages and wrote its
/// files; a report built again from the files (`mailroom report --run DIR`) is the same report.
@Suite struct ReportMatchPartTests {
    /// The sample pipeline run through match into `dir`; its runner.
    static func sampleThroughMatch(_ dir: URL) throws -> PipelineRunner {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let loaded = try LoadedPipeline.load(path: repo.appendingPathComponent("pipelines/sample.yml").path)
        let runner = try PipelineRunner.start(pipeline: loaded, runDirectory: dir,
                                              options: RunOptions(asOf: "2026-11-20", days: 60))
        try runner.run(through: .match)
        return runner
    }

    @Test func theReportTakenFromMatchEqualsTheOneReadFromItsFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-matchpart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let runner = try Self.sampleThroughMatch(dir)
        #expect(runner.matchReportPart != nil && runner.matchMessagePart != nil)
        let taken = try runner.report()
        // The report from the files: the parts are dropped, so dedupe's messages and match's three files are read.
        runner.matchReportPart = nil
        runner.matchMessagePart = nil
        let read = try runner.report()
        #expect(taken == read)
        #expect(read.messages.sent > 0 && read.messages.received > 0 && read.messages.bulk > 0)
        #expect(!read.bulkByReason.isEmpty && !read.folders.isEmpty && read.perDay.count > 1)
        // The sample's report has every part match feeds it, so the comparison covers them.
        #expect(read.threads.matched > 0 && read.threads.unmatched > 0 && read.threads.internalOnly > 0)
        #expect(!read.spotChecks.isEmpty && !read.unmatchedAddresses.isEmpty && read.contacts.matched > 0)
    }

    @Test func aPartForOtherFilesIsNotTaken() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-matchpart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let runner = try Self.sampleThroughMatch(dir)
        let read = try runner.report()
        // A part collected for files the manifest no longer names (a match run since by another process) is
        // left: the report reads the files.
        var stale = try #require(runner.matchReportPart)
        stale.outputs[1].sha256 = String(repeating: "0", count: 64)
        stale.part = ReportBuilder.MatchPart()
        runner.matchReportPart = stale
        var staleMessages = try #require(runner.matchMessagePart)
        staleMessages.input.sha256 = String(repeating: "0", count: 64)
        staleMessages.part = ReportBuilder.MessagePart()
        runner.matchMessagePart = staleMessages
        #expect(try runner.report() == read)
    }
}
