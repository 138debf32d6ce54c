import ArgumentParser
import Foundation
import MailroomIO

/// `mailroom sync PIPELINE [--mailbox NAME]`: "sync now". Each IMAP folder fetches what is above the cursor the
/// store holds (a folder without a cursor: the pipeline's `backfillDays`), then the run goes through every stage
/// and load saves the new cursors with the loaded rows. File mailboxes are read over the same window.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fetch what is new on the IMAP servers since the last load and run it through the stages into the store."
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    /// `--days` is the window for folders never synced before.
    @OptionGroup var window: RunWindowOptions

    @Flag(help: "Print the report as one JSON document.")
    var json = false

    func run() throws {
        let loaded = try LoadedPipeline.load(path: pipeline)
        let dir = try window.runDirectory(for: loaded)
        Interrupt.install()  // SIGINT/SIGTERM stop at the next safe point (exit 130/143)
        do {
            try sync(loaded, dir)
        } catch {
            RunDirectory.releaseIfReservedAndEmpty(dir)
            // The run log keeps failed and refused syncs too, naming the failing step.
            RunLogRecorder.recordFailure(loaded, runId: dir.lastPathComponent, kind: .sync,
                                         mailboxes: window.mailboxNames(for: loaded),
                                         window: nil, error: error)
            throw error
        }
    }

    func sync(_ loaded: LoadedPipeline, _ dir: URL) throws {
        let runner = try PipelineRunner.start(pipeline: loaded, runDirectory: dir, options: window.runOptions(for: loaded))
        let cursorsBefore = RunLogRecorder.cursors(loaded, mailboxes: runner.manifest.mailboxes.map(\.name))
        try runner.markIMAPSync()
        runner.showProgress(quiet: window.quiet)
        try runner.run(through: .match)
        let report = try runner.report()
        let load = try runner.run(.load)
        RunOutput.afterLoad(runner) { _ = try RunLogRecorder.finished(runner, kind: .sync, cursorBefore: cursorsBefore) }
        try RunOutput.emit(report, runner: runner, format: json ? .json : .text, out: nil, load: load)
    }
}
