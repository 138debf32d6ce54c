import Foundation
import MailroomCore

extension PipelineRunner {
    /// The extract stage for one `source: imap` mailbox: the run's window from the server into
    /// `extract/raw/<mailbox>/` (raw files, copy journals, checkpoint), every copy written to `writer`. A rerun of
    /// the stage in the same run directory resumes from the checkpoint and fetches nothing twice.
    func extractIMAPMailbox(_ config: MailboxConfig, writer: NDJSONWriter) throws -> ExtractSummary {
        let (summary, result) = try IMAPMailboxSource.backfill(
            config, pipelineDirectory: pipeline.directory.path, runDirectory: runDir.url.path, window: window,
            logger: logger) { try writer.write($0) }
        for f in result.folders {
            logger.info("imap folder extracted", metadata: [
                "run.id": "\(manifest.runId)", "mailbox": "\(config.name)", "folder": "\(f.folder)",
                "copies": "\(f.copies)", "fetched": "\(f.fetched)", "resumed": "\(f.resumed)", "bytes": "\(f.bytes)"])
        }
        return summary
    }

    /// What the run's window holds on each IMAP mailbox of the run (messages and bytes per folder, from a listing:
    /// no bodies fetched), for the dry run and the planner.
    public func imapListing() throws -> [(mailbox: String, folders: [IMAPListingCount])] {
        var out: [(mailbox: String, folders: [IMAPListingCount])] = []
        for m in manifest.mailboxes where m.source == .imap {
            guard let config = pipeline.config.mailbox(named: m.name) else { continue }
            out.append((m.name, try IMAPMailboxSource.list(config, pipelineDirectory: pipeline.directory.path,
                                                          window: window, logger: logger)))
        }
        return out
    }
}
