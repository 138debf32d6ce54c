import ArgumentParser
import Foundation
import MailroomCore
import MailroomIO

extension PlanPurpose: ExpressibleByArgument {}

enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `mailroom plan PIPELINE`: what each backfill window would bring and cost, and which to choose. Runs a dry run
/// over the widest window (nothing is loaded) unless `--from-run` names one already made.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what backfill windows of 7 to 365 days would bring and take at the provider's limits, and suggest one.",
        discussion: "Makes a dry run over the widest window (nothing is written to any store), or reads one made before with --from-run."
    )

    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(help: "Plan from this existing run directory (match complete) instead of making a dry run.")
    var fromRun: String?

    @Option(help: "The run directory for the dry run (default: runs/<time>-plan next to the pipeline file).")
    var runDir: String?

    @Option(help: "The day the windows end with, YYYY-MM-DD UTC (default: today).")
    var asOf: String?

    @Option(help: "Only this mailbox of the pipeline.")
    var mailbox: String?

    @Option(help: "Limits to estimate time with: gmail, outlook or generic (default: the pipeline's IMAP provider, else generic).")
    var provider: String?

    @Option(help: "The windows to plan, in days, comma-separated.")
    var windows = BackfillPlan.defaultWindows.map(String.init).joined(separator: ",")

    @Option(help: "What the backfill is for: handoff (7–14 days), sales or support (30–60), history (longer).")
    var purpose: PlanPurpose = .handoff

    @Flag(help: "Print one JSON document (same as --format json).")
    var json = false

    @Option(help: "Plan format: text or json.")
    var format: PlanFormat = .text

    @Option(help: "Write the plan to this file instead of standard output.")
    var out: String?

    var windowDays: [Int] { windows.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        let parts = windows.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count == windowDays.count, windowDays.allSatisfy({ (1...36500).contains($0) }) else {
            throw ValidationError("--windows must be day counts between 1 and 36500 separated by commas, not '\(windows)'")
        }
        if let provider, ProviderLimits.named(provider) == nil {
            throw ValidationError("--provider must be one of \(ProviderLimits.presets.map(\.name).joined(separator: ", ")), not '\(provider)'")
        }
    }

    @Flag(help: "No progress line on stderr.")
    var quiet = false

    func run() throws {
        let outcome = try PlanWorkflow.run(
            PlanWorkflow.Request(pipeline: pipeline, fromRun: fromRun, runDirectory: runDir, asOf: asOf, mailbox: mailbox,
                                 provider: provider, windows: windowDays, quiet: quiet, purpose: purpose),
            warn: ErrorReporter.printErr)
        if json || format == .json {
            try ReportOutput.emit(TerminalText.json(outcome.plan.jsonBytes() + [0x0A]), out: out, what: "plan")
        } else {
            try ReportOutput.emit(Array(outcome.plan.text().utf8), out: out, what: "plan")
            if out == nil { Output.write("\nDry run: \(outcome.runDirectory)\n") }
        }
    }
}
