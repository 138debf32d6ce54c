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

    @Option(help: "Only this mailbox of the pipeline.")
    var mailbox: String?

    @Option(help: "The run directory to create (default: runs/<time> next to the pipeline file).")
    var runDir: String?

    @Option(help: "Window in days for folders never synced before (default: the pipeline's backfillDays).")
    var days: Int?

    @Flag(help: "Print the report as one JSON document.")
    var json = false

    @Flag(help: "No progress line on stderr.")
    var quiet = false

    func validate() throws {
        if let days, !(1...36500).contains(days) { throw ValidationError("--days must be between 1 and 36500, not \(days)") }
    }

    func run() throws {
        let loaded = try LoadedPipeline.load(path: pipeline)
        let dir = runDir.map { URL(fileURLWithPath: $0) }
            ?? loaded.directory.appendingPathComponent("runs").appendingPathComponent(WallClock.runName())
        do {
            try sync(loaded, dir)
        } catch {
            // The run log keeps failed and refused syncs too, naming the failing step.
            RunLogRecorder.recordFailure(loaded, runId: dir.lastPathComponent, kind: .sync,
                                         mailboxes: mailbox.map { [$0] } ?? loaded.config.mailboxes.map(\.name),
                                         window: nil, error: error)
            throw error
        }
    }

    func sync(_ loaded: LoadedPipeline, _ dir: URL) throws {
        let runner = try PipelineRunner.start(pipeline: loaded, runDirectory: dir,
                                              options: RunOptions(asOf: WallClock.todayUTC(),
                                                                  days: days ?? loaded.config.backfillDays, mailbox: mailbox))
        let cursorsBefore = RunLogRecorder.cursors(loaded, mailboxes: runner.manifest.mailboxes.map(\.name))
        try runner.markIMAPSync()
        runner.showProgress(quiet: quiet)
        try runner.run(through: .match)
        let report = try runner.report()
        try runner.run(.load)
        _ = try? RunLogRecorder.finished(runner, kind: .sync, cursorBefore: cursorsBefore) // best effort: the load committed
        try ReportOutput.emit(ReportOutput.bytes(report, format: json ? .json : .text), out: nil)
        if !json { Output.write("\nRun directory: \(runner.runDir.display(""))\n") }
    }
}
