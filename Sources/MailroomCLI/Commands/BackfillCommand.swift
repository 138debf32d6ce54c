import ArgumentParser
import Foundation
import MailroomIO

/// `mailroom backfill PIPELINE [--days N] [--mailbox NAME] [--dry-run]`: the window of the last N days through
/// every stage into a new run directory; with `--dry-run`, only what the window holds on each IMAP server
/// (messages and bytes per folder, from a listing: no message is fetched, nothing is written).
struct BackfillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Fetch the last N days of the pipeline's mailboxes and run them through the stages (with --dry-run: count what the window holds on the IMAP servers, fetch nothing)."
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Flag(help: "Only count the window's messages and bytes on the IMAP servers; fetch and write nothing.")
    var dryRun = false

    @OptionGroup var window: RunWindowOptions

    @Flag(help: "Print one JSON document on stdout.")
    var json = false

    func run() throws {
        let loaded = try LoadedPipeline.load(path: pipeline)
        let asOfDay = window.asOfDay
        let days = window.days(for: loaded)
        let mailbox = window.mailbox
        // A mailbox reconnected and not synced since: sync first, then backfill only the gap it reports.
        for w in try MailboxGate.check(loaded, only: mailbox, purpose: .backfill).warnings { ErrorReporter.printErr(w) }
        guard !dryRun else { return try listing(loaded, asOf: asOfDay, days: days) }
        let dir = try window.runDirectory(for: loaded)
        Interrupt.install()  // SIGINT/SIGTERM stop at the next safe point (exit 130/143)
        do {
            try backfill(loaded, dir)
        } catch {
            RunDirectory.releaseIfReservedAndEmpty(dir)
            // The run log keeps failed and refused backfills too, naming the failing step.
            RunLogRecorder.recordFailure(loaded, runId: dir.lastPathComponent, kind: .backfill,
                                         mailboxes: window.mailboxNames(for: loaded), window: window.window(for: loaded),
                                         error: error)
            throw error
        }
    }

    func backfill(_ loaded: LoadedPipeline, _ dir: URL) throws {
        let runner = try PipelineRunner.start(pipeline: loaded, runDirectory: dir, options: window.runOptions(for: loaded))
        let cursorsBefore = RunLogRecorder.cursors(loaded, mailboxes: runner.manifest.mailboxes.map(\.name))
        runner.showProgress(quiet: window.quiet)
        try runner.run(through: .match)
        let report = try runner.report()
        let load = try runner.run(.load)
        RunOutput.afterLoad(runner) { _ = try RunLogRecorder.finished(runner, kind: .backfill, cursorBefore: cursorsBefore) }
        try RunOutput.emit(report, runner: runner, format: json ? .json : .text, out: nil, load: load)
    }

    /// The dry run: a listing of each IMAP mailbox's window.
    func listing(_ loaded: LoadedPipeline, asOf: String, days: Int) throws {
        guard let day = DateWindow.parseDay(asOf) else {
            throw MailroomError(.usage, "--as-of must be a date written YYYY-MM-DD, not '\(asOf)'")
        }
        let window = DateWindow(asOfDay: day, days: days)
        let mailboxes = try MailboxGate.check(loaded, only: self.window.mailbox, purpose: .backfill).mailboxes
        var rows: [(name: String, folders: [IMAPListingCount]?)] = []
        for m in mailboxes {
            rows.append((m.name, m.source == .imap
                ? try IMAPMailboxSource.list(m, pipelineDirectory: loaded.directory.path, window: window) : nil))
        }
        if json {
            var w = JSONWriter()
            w.beginObject()
            w.field("schema", "mailroom.backfill-listing/1")
            w.field("windowStart", IMAPDate.iso8601(epoch: window.start))
            w.field("windowEnd", IMAPDate.iso8601(epoch: window.end))
            w.key("mailboxes")
            w.beginArray()
            for r in rows {
                w.beginObject()
                w.field("name", r.name)
                w.field("listed", r.folders != nil)
                w.field("messages", r.folders?.map(\.messages).reduce(0, +) ?? 0)
                w.field("bytes", r.folders.map(IMAPListingCount.totalBytes) ?? 0)
                w.key("folders")
                w.beginArray()
                for f in r.folders ?? [] {
                    w.beginObject()
                    w.field("folder", f.folder)
                    w.field("messages", f.messages)
                    w.field("bytes", f.bytes)
                    w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.endObject()
            Output.json(w.bytes + [0x0A])
            return
        }
        var text = "Backfill window \(IMAPDate.iso8601(epoch: window.start)) to \(IMAPDate.iso8601(epoch: window.end)) (\(days) days)\n"
        for r in rows {
            guard let folders = r.folders else {
                text += "\(r.name): file mailbox, not listed (run `mailroom run --dry-run` for its counts)\n"
                continue
            }
            text += "\(r.name): \(folders.map(\.messages).reduce(0, +)) messages, \(IMAPListingCount.totalBytes(folders)) bytes\n"
            for f in folders { text += "  \(f.folder): \(f.messages) messages, \(f.bytes) bytes\n" }
        }
        Output.write(text)
    }
}
