import ArgumentParser
import Foundation
import MailroomIO

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, html
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipeline's stages into a new run directory (with --dry-run: up to the report, nothing loaded)."
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Flag(help: "Stop after match and print the dry-run report; nothing is written to any store.")
    var dryRun = false

    @Option(help: "The run directory to create (default: runs/<time> next to the pipeline file).")
    var runDir: String?

    @Option(help: "Backfill window in days (default: the pipeline's backfillDays).")
    var days: Int?

    @Option(help: "The day the window ends with, YYYY-MM-DD UTC (default: today), for reproducible runs.")
    var asOf: String?

    @Option(help: "Only this mailbox of the pipeline.")
    var mailbox: String?

    @Flag(help: "Print the report as one JSON document (same as --format json).")
    var json = false

    @Option(help: "Report format: text, json or html (one self-contained page with charts).")
    var format: ReportFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var out: String?

    func validate() throws {
        if let days, !(1...36500).contains(days) { throw ValidationError("--days must be between 1 and 36500, not \(days)") }
        if json && format != .json && format != .text { throw ValidationError("--json and --format \(format.rawValue) disagree: give one") }
    }

    @Flag(help: "No progress line on stderr.")
    var quiet = false

    func run() throws {
        let loaded = try LoadedPipeline.load(path: pipeline)
        let dir = runDir.map { URL(fileURLWithPath: $0) }
            ?? loaded.directory.appendingPathComponent("runs").appendingPathComponent(WallClock.runName())
        do {
            try runPipeline(loaded, dir)
        } catch {
            // The run log keeps failed runs too, naming the failing step (not dry runs: they never write the store).
            if !dryRun {
                let day = DateWindow.parseDay(asOf ?? WallClock.todayUTC())
                RunLogRecorder.recordFailure(loaded, runId: dir.lastPathComponent, kind: .load,
                                             mailboxes: mailbox.map { [$0] } ?? loaded.config.mailboxes.map(\.name),
                                             window: day.map { DateWindow(asOfDay: $0, days: days ?? loaded.config.backfillDays) },
                                             error: error)
            }
            throw error
        }
    }

    func runPipeline(_ loaded: LoadedPipeline, _ dir: URL) throws {
        let options = RunOptions(asOf: asOf ?? WallClock.todayUTC(), days: days ?? loaded.config.backfillDays, mailbox: mailbox)
        // A load takes the store's lock first, so a second run against the same store stops at once.
        let storeLock = dryRun ? nil : try FileLock.acquire(path: CRMStore.lockPath(for: try CRMStore.path(for: loaded)),
                                                          what: "store \(try CRMStore.path(for: loaded))")
        defer { storeLock?.release() }
        let runner = try PipelineRunner.start(pipeline: loaded, runDirectory: dir, options: options)
        runner.showProgress(quiet: quiet)
        try runner.run(through: .match)
        let report = try runner.report()
        var loadLine: String?
        if !dryRun {
            let load = try runner.run(.load)
            let store = load.settings["store"]?.stringValue ?? "the store"
            loadLine = "Loaded into \(store): " + load.counts.keys.sorted().map { "\($0) \(load.counts[$0]!)" }.joined(separator: ", ")
        }
        let chosen: ReportFormat = json ? .json : format
        let bytes = chosen == .text ? Array(report.text(dryRun: dryRun).utf8) : ReportOutput.bytes(report, format: chosen)
        try ReportOutput.emit(bytes, out: out)
        if chosen == .text && out == nil {
            if let loadLine { Output.write("\n\(loadLine)\n") }
            Output.write("\nRun directory: \(runner.runDir.display(""))\n")
        }
    }
}
