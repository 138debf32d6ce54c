import Foundation
import MailroomCore

extension PipelineRunner {
    /// Builds the dry-run report from the run's files (match must be complete) and writes `report.json`.
    public func report() throws -> DryRunReport {
        guard manifest.stages[.match]?.status == .complete else {
            throw MailroomError(.input, "the report needs a complete match stage: run `mailroom stage match --run \(runDir.display(""))`", location: runDir.display(RunDirectory.manifestName))
        }
        var b = ReportBuilder(run: DryRunReport.RunInfo(runId: manifest.runId, pipeline: manifest.pipelineName,
                                                         asOf: manifest.asOf, days: manifest.days,
                                                         windowStart: manifest.windowStart, windowEnd: manifest.windowEnd))
        let ex = manifest.stages[.extract]?.counts ?? [:]
        b.setExtract(found: ex["found"] ?? 0, extracted: ex["extracted"] ?? 0,
                     outsideWindow: ex["outsideWindow"] ?? 0, undated: ex["undated"] ?? 0)
        try runDir.read(QuarantineRecord.self, try stageOutput(.normalize, "normalize/quarantine.ndjson")) { q, _ in b.add(quarantine: q) }
        try runDir.read(DroppedCopy.self, try stageOutput(.dedupe, "dedupe/duplicates.ndjson")) { d, _ in b.add(duplicate: d) }
        try runDir.read(DedupedReportFields.self, try stageOutput(.dedupe, "dedupe/messages.ndjson")) { m, _ in b.add(message: m) }
        var contacts: [ContactReportFields] = []
        var groups: [ContactGroup] = []
        try runDir.read(ContactReportFields.self, try stageOutput(.dedupe, "dedupe/contacts.ndjson")) { c, _ in contacts.append(c) }
        try runDir.read(ContactGroup.self, try stageOutput(.dedupe, "dedupe/contact-groups.ndjson")) { g, _ in groups.append(g) }
        b.add(contacts: contacts, groups: groups)
        try runDir.read(ThreadRecord.self, try stageOutput(.match, "match/threads.ndjson")) { t, _ in b.add(thread: t) }
        try runDir.read(LinkReportFields.self, try stageOutput(.match, "match/links.ndjson")) { l, _ in b.add(link: l) }
        try runDir.read(UnmatchedAddress.self, try stageOutput(.match, "match/unmatched.ndjson")) { u, _ in b.add(unmatched: u) }
        let report = b.finish()
        var bytes = report.jsonBytes()
        bytes.append(0x0A)
        try runDir.writeAtomically(bytes, to: "report.json")
        return report
    }
}
