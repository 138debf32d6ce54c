import Foundation
import MailroomCore

/// Extract's wiring: `Extractor.scan` (MailroomCore) over each local mailbox, or the IMAP download, into
/// `extract/messages.ndjson`. In a fresh local run it also feeds normalize (see `StagePlan.swift`).
extension PipelineRunner {
    /// A cheap fingerprint of a mailbox path: size and modification time (content hashes would read it all).
    static func fingerprint(_ url: URL) -> String {
        var st = stat()
        guard lstat(url.path, &st) == 0 else { return "missing" }
        return "size:\(st.st_size) mtime:\(st.st_mtim.tv_sec)"
    }

    /// The extract count of copies left out for `reason`: `leftOutDrafts`, `leftOutJunk`, ….
    static func leftOutCount(_ reason: LeftOutReason) -> String {
        "leftOut" + reason.rawValue.prefix(1).uppercased() + reason.rawValue.dropFirst()
    }

    /// Extracts every mailbox into `extract/messages.ndjson`; `forward` also gets each copy once it is written,
    /// with the message's bytes when extract read them whole (small Maildir files, see `MessageFile.readHeader`).
    func runExtract(forward: ((MessageCopy, [UInt8]?) throws -> Void)? = nil) throws -> StageResult {
        var result = StageResult()
        let w = window
        result.settings = ["asOf": .string(manifest.asOf), "days": .int(manifest.days),
                           "windowStart": .string(manifest.windowStart), "windowEnd": .string(manifest.windowEnd)]
        let writer = try runDir.writer("extract/messages.ndjson", schema: MessageCopy.schema)
        let skippedWriter = IssuesWriter(try runDir.writer("extract/skipped.ndjson", schema: RecordIssue.schema))
        var total = ExtractSummary()
        for m in manifest.mailboxes {
            guard let config = pipeline.config.mailbox(named: m.name) else {
                throw MailroomError(.usage, "the pipeline no longer has mailbox '\(m.name)' that this run was started with", location: pipeline.url.path)
            }
            let root = URL(fileURLWithPath: m.root)
            result.inputs.append(StageInput(name: "mailbox:\(m.name)", fingerprint: Self.fingerprint(root)))
            let s: ExtractSummary
            switch config.source {
            case .imap:
                precondition(forward == nil, "IMAP copies are not forwarded: their bytes are written as they arrive")
                s = try extractIMAPMailbox(config, writer: writer)
            case .mbox, .maildir, .eml:
                s = try Extractor.scan(mailbox: config, root: root, window: w, shard: m.shard, dateOf: HeaderScan.isoDate(in:),
                                       isoFromEpoch: MailDate.iso, keepingWhole: forward != nil) { copy, bytes in
                    try Interrupt.safePoint(.extract)
                    try writer.write(copy)
                    try forward?(copy, bytes)
                }
            }
            for issue in s.skipped { try skippedWriter.write(issue) }
            total.found += s.found
            total.inWindow += s.inWindow
            total.outsideWindow += s.outsideWindow
            total.undated += s.undated
            total.skippedFiles += s.skippedFiles
            total.leftOut.merge(s.leftOut, uniquingKeysWith: +)
        }
        result.outputs.append(try writer.finish())
        result.outputs.append(try skippedWriter.finish())
        result.counts = ["found": total.found, "extracted": total.inWindow, "outsideWindow": total.outsideWindow,
                         "undated": total.undated, "skippedFiles": total.skippedFiles]
        for reason in LeftOutReason.allCases { result.counts[Self.leftOutCount(reason)] = total.leftOut[reason] ?? 0 }
        result.issues = skippedWriter.countsByCode
        return result
    }
}
