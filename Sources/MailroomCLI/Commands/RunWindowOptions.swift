import ArgumentParser
import Foundation
import MailroomCore
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

    @Option(help: ArgumentHelp("Only shard I of N of the --mailbox (a file mailbox too large for one task), I from 1 to N: the N shards together take every message once.",
                               valueName: "I/N"))
    var shard: String?

    @Flag(help: "No progress line on stderr.")
    var quiet = false

    func validate() throws {
        if let days, !(1...36500).contains(days) { throw ValidationError("--days must be between 1 and 36500, not \(days)") }
        if let shard {
            if case .failure(let e) = MailboxShard.parse(shard) { throw ValidationError(e.message) }
            if mailbox == nil { throw ValidationError("--shard \(shard) needs --mailbox NAME: a shard is a part of one mailbox") }
        }
    }

    /// What the workflow is given.
    func request(_ pipeline: String, dryRun: Bool = false) -> RunRequest {
        RunRequest(pipeline: pipeline, runDirectory: runDir, asOf: asOf, days: days, mailbox: mailbox,
                   shard: shard.flatMap { try? MailboxShard.parse($0).get() }, dryRun: dryRun, quiet: quiet)
    }
}

/// What a run prints: the report (text, JSON or HTML), what was loaded, and where the run directory is; and how
/// it ends when a server did not deliver some messages.
enum RunOutput {
    static func loadLine(_ load: StageRecord) -> String {
        let store = load.settings["store"]?.stringValue ?? "the store"
        return "Loaded into \(store): " + load.counts.keys.sorted().map { "\($0) \(load.counts[$0]!)" }.joined(separator: ", ")
    }

    /// Prints the run's output, then ends the command with exit 8 ("partial") when an IMAP server did not deliver
    /// some messages: everything else is processed (loaded, unless a dry run).
    static func emit(_ outcome: RunOutcome, format: ReportFormat, out: String?) throws {
        try ReportOutput.emit(ReportOutput.bytes(outcome.report, format: format, dryRun: outcome.load == nil), out: out)
        if format == .text && out == nil {
            if let load = outcome.load { Output.write("\n\(loadLine(load))\n") }
            Output.write("\nRun directory: \(outcome.runDirectory)\n")
        }
        if let partial = outcome.partial { throw partial }
    }
}
