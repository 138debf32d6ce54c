import ArgumentParser
import Foundation
import MailroomIO

/// Options shared by the commands that start a run (`run`, `backfill`, `sync`): where its directory goes, which
/// window, which mailbox, and whether to show progress.
struct RunWindowOptions: ParsableArguments {
    @Option(help: "The run directory to create (default: runs/<time> next to the pipeline file).")
    var runDir: String?

    @Option(help: "Window in days (default: the pipeline's backfillDays).")
    var days: Int?

    @Option(help: "The day the window ends with, YYYY-MM-DD UTC (default: today), for reproducible runs.")
    var asOf: String?

    @Option(help: "Only this mailbox of the pipeline.")
    var mailbox: String?

    @Flag(help: "No progress line on stderr.")
    var quiet = false

    func validate() throws {
        if let days, !(1...36500).contains(days) { throw ValidationError("--days must be between 1 and 36500, not \(days)") }
    }

    var asOfDay: String { asOf ?? WallClock.todayUTC() }

    func days(for pipeline: LoadedPipeline) -> Int { days ?? pipeline.config.backfillDays }

    func runOptions(for pipeline: LoadedPipeline) -> RunOptions {
        RunOptions(asOf: asOfDay, days: days(for: pipeline), mailbox: mailbox)
    }

    /// The window the run covers, when `--as-of` is a valid day (the runner reports a bad one).
    func window(for pipeline: LoadedPipeline) -> DateWindow? {
        DateWindow.parseDay(asOfDay).map { DateWindow(asOfDay: $0, days: days(for: pipeline)) }
    }

    /// `--run-dir`, else a new directory under `runs/` next to the pipeline file, named for the time and made
    /// at once so that two runs started together never share it.
    func runDirectory(for pipeline: LoadedPipeline) throws -> URL {
        try runDir.map { URL(fileURLWithPath: $0) }
            ?? RunDirectory.reserve(in: pipeline.directory.appendingPathComponent("runs"))
    }

    /// The mailboxes a run touches, for the run log.
    func mailboxNames(for pipeline: LoadedPipeline) -> [String] {
        mailbox.map { [$0] } ?? pipeline.config.mailboxes.map(\.name)
    }
}

/// What a run prints: the report (text, JSON or HTML), what was loaded, and where the run directory is; and how
/// it ends when a server did not deliver some messages.
enum RunOutput {
    static func loadLine(_ load: StageRecord) -> String {
        let store = load.settings["store"]?.stringValue ?? "the store"
        return "Loaded into \(store): " + load.counts.keys.sorted().map { "\($0) \(load.counts[$0]!)" }.joined(separator: ", ")
    }

    /// Prints the run's output, then ends the command as `endIfPartial` says.
    static func emit(_ report: DryRunReport, runner: PipelineRunner, format: ReportFormat, out: String?,
                     load: StageRecord?) throws {
        try ReportOutput.emit(ReportOutput.bytes(report, format: format, dryRun: load == nil), out: out)
        if format == .text && out == nil {
            if let load { Output.write("\n\(loadLine(load))\n") }
            Output.write("\nRun directory: \(runner.runDir.display(""))\n")
        }
        try endIfPartial(runner)
    }

    /// After a committed load, completes its run log row (`record`: cursors, counts, IMAP notes, the mailbox's
    /// last sync). A failure there does not undo the load, so the command goes on to its output and exit code,
    /// but it is never silent: one line on stderr names it and the run it concerns.
    static func afterLoad(_ runner: PipelineRunner, _ record: () throws -> Void) {
        do { try record() } catch {
            let reason = (error as? MailroomError)?.description ?? "\(error)"
            ErrorReporter.printErr("mailroom: warning: the load committed, but its run log row \(runner.manifest.runId) could not be completed (\(reason)); the loaded data is complete, `mailroom runs` may show that run unfinished")
        }
    }

    /// Exit 8 ("partial") after the output when an IMAP server did not deliver some messages: everything else
    /// is processed (loaded, unless a dry run) and those folders' cursors stay below them.
    static func endIfPartial(_ runner: PipelineRunner) throws {
        if let partial = try runner.imapPartialError() { throw partial }
    }
}
