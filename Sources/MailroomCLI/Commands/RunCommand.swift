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
        Interrupt.install()  // SIGINT/SIGTERM stop at the next safe point (exit 130/143)
        let outcome = try RunWorkflow.run(window.request(pipeline, dryRun: dryRun), warn: ErrorReporter.printErr)
        try RunOutput.emit(outcome, format: json ? .json : format, out: out)
    }
}
