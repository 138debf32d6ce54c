import Foundation
import Logging
import MailroomCore

/// The entry points the pipeline calls for a `source: imap` mailbox. Each reads the secret (env or owner-only
/// file), connects, and works synchronously: call from a plain thread (a `ParsableCommand.run()`), never from
/// an async task.
public enum IMAPMailboxSource {
    /// An extractor for the mailbox, writing below `<runDirectory>/extract/raw/<mailbox>/`.
    public static func extractor(_ config: MailboxConfig, pipelineDirectory: String, runDirectory: String,
                                 environment: [String: String] = ProcessInfo.processInfo.environment,
                                 logger: Logger = Logger(label: "mailroom.imap")) throws -> IMAPExtractor {
        guard let s = config.imap else {
            throw MailroomError(.usage, "mailbox \(config.name) is not an IMAP mailbox", location: config.name)
        }
        let endpoint = try IMAPSecret.endpoint(s, mailbox: config.name, pipelineDirectory: pipelineDirectory, environment: environment)
        let ex = IMAPExtractor(mailbox: config.name, endpoint: endpoint, folders: s.folders, runDirectory: runDirectory,
                               options: IMAPExtractOptions(s.throttle), logger: logger)
        ex.includeFolders = config.includeFolders
        ex.allMail = s.allMail
        return ex
    }

    /// Extract stage of `mailroom run` / `mailroom backfill`: every message of `window` in the mailbox's folders,
    /// handed to `emit` (folder order, then UID). Resumes from the run directory's checkpoint.
    /// With a `store`, stored cursors are not moved past mail the window leaves out (see `IMAPExtractor.backfill`).
    public static func backfill(_ config: MailboxConfig, pipelineDirectory: String, runDirectory: String, window: DateWindow,
                                store: IMAPCursorStore? = nil,
                                environment: [String: String] = ProcessInfo.processInfo.environment,
                                logger: Logger = Logger(label: "mailroom.imap"),
                                emit: (MessageCopy) throws -> Void) throws -> (summary: ExtractSummary, result: IMAPExtractResult) {
        let ex = try extractor(config, pipelineDirectory: pipelineDirectory, runDirectory: runDirectory,
                               environment: environment, logger: logger)
        let result = try ex.backfill(window: window, store: store)
        for c in result.copies { try emit(c) }
        return (result.summary, result)
    }

    /// `mailroom sync`: what is new since the stored cursors (a folder without a cursor: `firstWindow`). The caller
    /// saves `result.cursors` with the loaded rows, after load succeeds.
    public static func sync(_ config: MailboxConfig, pipelineDirectory: String, runDirectory: String,
                            store: IMAPCursorStore, firstWindow: DateWindow,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            logger: Logger = Logger(label: "mailroom.imap"),
                            emit: (MessageCopy) throws -> Void) throws -> (summary: ExtractSummary, result: IMAPExtractResult) {
        let ex = try extractor(config, pipelineDirectory: pipelineDirectory, runDirectory: runDirectory,
                               environment: environment, logger: logger)
        let result = try ex.sync(store: store, firstWindow: firstWindow)
        for c in result.copies { try emit(c) }
        return (result.summary, result)
    }

    /// Dry run / planner: messages and bytes the window holds per folder, from a listing (no bodies fetched).
    public static func list(_ config: MailboxConfig, pipelineDirectory: String, window: DateWindow,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            logger: Logger = Logger(label: "mailroom.imap")) throws -> [IMAPListingCount] {
        let ex = try extractor(config, pipelineDirectory: pipelineDirectory, runDirectory: NSTemporaryDirectory(),
                               environment: environment, logger: logger)
        defer { ex.close() }
        return try ex.list(window: window)
    }
}
