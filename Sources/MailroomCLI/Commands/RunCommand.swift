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

    @OptionGroup var window: RunWindowOptions

    @Flag(help: "Print the report as one JSON document (same as --format json).")
    var json = false

    @Option(help: "Report format: text, json or html (one self-contained page with charts).")
    var format: ReportFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var out: String?

    func validate() throws {
        if json && format != .json && format != .text { throw ValidationError("--json and --format \(format.rawValue) disagree: give one") }
    }

    func run() throws {
        let loaded = try LoadedPipeline.load(path: pipeline)
        let dir = try window.runDirectory(for: loaded)
        Interrupt.install()  // SIGINT/SIGTERM stop at the next safe point (exit 130/143)
        do {
            try runPipeline(loaded, dir)
        } catch {
            RunDirectory.releaseIfReservedAndEmpty(dir)
            // The run log keeps failed runs too, naming the failing step (not dry runs: they never write the store).
            if !dryRun {
                RunLogRecorder.recordFailure(loaded, runId: dir.lastPathComponent, kind: .load,
                                             mailboxes: window.mailboxNames(for: loaded), window: window.window(for: loaded),
                                             error: error)
            }
            throw error
        }
    }

    func runPipeline(_ loaded: LoadedPipeline, _ dir: URL) throws {
        let options = window.runOptions(for: loaded)
        // A load takes the store's lock first, so a second run against the same store stops at once.
        let storeLock = dryRun ? nil : try FileLock.acquire(path: CRMStore.lockPath(for: try CRMStore.path(for: loaded)),
                                                          what: "store \(try CRMStore.path(for: loaded))")
        defer { storeLock?.release() }
        let runner = try PipelineRunner.start(pipeline: loaded, runDirectory: dir, options: options)
        runner.showProgress(quiet: window.quiet)
        try runner.run(through: .dedupe)
        // The report's pass over the messages overlaps match.
        let prepass = try runner.startReport()
        do {
            try runner.run(.match)
        } catch {
            prepass.cancel()
            throw error
        }
        let report = try runner.report(after: prepass)
        let load = dryRun ? nil : try runner.run(.load)
        if load != nil { RunOutput.afterLoad(runner) { try RunLogRecorder.noteIMAP(runner) } }
        try RunOutput.emit(report, runner: runner, format: json ? .json : format, out: out, load: load)
    }
}
