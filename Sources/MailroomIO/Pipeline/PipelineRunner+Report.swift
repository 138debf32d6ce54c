import Foundation
import MailroomCore

/// The first part of the dry-run report, read on another thread: see `PipelineRunner.startReport()`.
public final class ReportPrepass {
    let task: JoinableThread<ReportBuilder>

    init(_ task: JoinableThread<ReportBuilder>) { self.task = task }

    /// Waits for the reading to end (when the report is abandoned).
    public func cancel() { task.waitIgnoringResult() }
}

extension PipelineRunner {
    /// Builds the dry-run report from the run's files (match must be complete) and writes `report.json`.
    /// With a `prepass` started before match, only match's own files (and the contacts) are read here.
    public func report(after prepass: ReportPrepass? = nil) throws -> DryRunReport {
        guard manifest.stages[.match]?.status == .complete else {
            prepass?.cancel()
            throw MailroomError(.input, "the report needs a complete match stage: run `mailroom stage match --run \(runDir.display(""))`", location: runDir.display(RunDirectory.manifestName))
        }
        let inputs = try reportFirstPartInputs()
        var b = try prepass?.task.wait() ?? Self.reportFirstPart(inputs, runDir)
        if let held = matchMessagePart, held.input == inputs.messages {
            // This runner's match read them just now: what the report counts of them was collected then.
            b.take(messagePart: held.part)
        } else {
            try runDir.read(DedupedReportFields.self, inputs.messages) { m, _ in b.add(message: m) }
        }
        var contacts: [Contact] = []
        var groups: [ContactGroup] = []
        try runDir.read(Contact.self, try stageOutput(.dedupe, "dedupe/contacts.ndjson")) { c, _ in contacts.append(c) }
        try runDir.read(ContactGroup.self, try stageOutput(.dedupe, "dedupe/contact-groups.ndjson")) { g, _ in groups.append(g) }
        b.add(contacts: contacts.map(ContactReportFields.init), groups: groups)
        let matchFiles = [try stageOutput(.match, "match/threads.ndjson"), try stageOutput(.match, "match/links.ndjson"),
                          try stageOutput(.match, "match/unmatched.ndjson")]
        if let held = matchReportPart, held.outputs == matchFiles {
            // This runner's match wrote them just now: what the report takes from them was collected then.
            b.add(matchPart: held.part)
        } else {
            try runDir.read(ThreadRecord.self, matchFiles[0]) { t, _ in b.add(thread: t) }
            try runDir.read(LinkReportFields.self, matchFiles[1]) { l, _ in b.add(link: l) }
            try runDir.read(UnmatchedAddress.self, matchFiles[2]) { u, _ in b.add(unmatched: u) }
        }
        var report = b.finish()
        report.imapFolders = try imapFolderNotes()
        report.cleanup = CleanupSuggestions.make(groups: groups, contacts: contacts, unmatched: report.unmatchedAddresses)
        report.cleanupPaths = CleanupSuggestions.Paths(pipeline: pipeline.displayPath,
                                                       contactsFile: pipeline.config.contacts.map { pipeline.resolve($0).path })
        var bytes = report.jsonBytes()
        bytes.append(0x0A)
        try runDir.writeAtomically(bytes, to: "report.json")
        return report
    }

    /// Starts reading what the report takes from normalize's quarantine and dedupe's dropped copies (dedupe must
    /// be complete) on another thread, so that it overlaps match. Pass the result to `report(after:)`, which
    /// adds dedupe's messages (counted by match as it read them, or read then).
    public func startReport() throws -> ReportPrepass {
        let inputs = try reportFirstPartInputs()
        var dir = runDir
        dir.progress = nil  // one progress line: match's
        return ReportPrepass(JoinableThread { try Self.reportFirstPart(inputs, dir) })
    }

    struct ReportFirstPartInputs {
        var run: DryRunReport.RunInfo
        var extract: [String: Int]
        var quarantine: FileSummary
        var duplicates: FileSummary
        var messages: FileSummary
    }

    func reportFirstPartInputs() throws -> ReportFirstPartInputs {
        ReportFirstPartInputs(run: DryRunReport.RunInfo(runId: manifest.runId, pipeline: manifest.pipelineName,
                                                        asOf: manifest.asOf, days: manifest.days,
                                                        windowStart: manifest.windowStart, windowEnd: manifest.windowEnd),
                              extract: manifest.stages[.extract]?.counts ?? [:],
                              quarantine: try stageOutput(.normalize, "normalize/quarantine.ndjson"),
                              duplicates: try stageOutput(.dedupe, "dedupe/duplicates.ndjson"),
                              messages: try stageOutput(.dedupe, "dedupe/messages.ndjson"))
    }

    /// The report's counts of copies (message identities are `report(after:)`'s).
    static func reportFirstPart(_ inputs: ReportFirstPartInputs, _ dir: RunDirectory) throws -> ReportBuilder {
        var b = ReportBuilder(run: inputs.run)
        let ex = inputs.extract
        b.setExtract(found: ex["found"] ?? 0, extracted: ex["extracted"] ?? 0,
                     outsideWindow: ex["outsideWindow"] ?? 0, undated: ex["undated"] ?? 0,
                     leftOut: Dictionary(uniqueKeysWithValues: LeftOutReason.allCases.map { ($0, ex[leftOutCount($0)] ?? 0) }))
        try dir.read(QuarantineRecord.self, inputs.quarantine) { q, _ in b.add(quarantine: q) }
        try dir.read(DroppedCopy.self, inputs.duplicates) { d, _ in b.add(duplicate: d) }
        return b
    }
}
