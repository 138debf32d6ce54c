import ArgumentParser
import Foundation
import MailroomIO

/// `mailroom review PIPELINE [--json | --format text|json|html] [--out FILE]`: the post-load checks over the pipeline's CRM store. Reads only.
/// Exit 0 when every check holds (warnings allowed), `reviewFailed` (7) when one fails, each failure named.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Check the loaded CRM store the way the CRM team would (exit 7 when a check fails).",
        discussion: """
            Checks: every message linked to a contact has that contact's address among its participants; no two \
            contacts share a normalized address; no internal-only thread is linked to a contact; each mailbox has \
            sent messages in the last 7 days of its window (a warning only: the Sent folder may be missing). \
            Prints a spot-check sample of matched threads. The store is opened read-only.
            """
    )

    @Argument(help: "The pipeline file (YAML); its `store:` names the store.")
    var pipeline: String

    @Option(help: "Review this store instead of the pipeline's (sqlite:PATH, a path, or postgres://… with its password from PGPASSWORD or ~/.pgpass).")
    var store: String?

    @Flag(help: "Print one JSON document (with schemaVersion) instead of text (same as --format json).")
    var json = false

    @Option(help: "Output format: text, json or html.")
    var format: ReportFormat = .text

    @Option(help: "Write the review to this file instead of stdout.")
    var out: String?

    func validate() throws {
        if json && format != .json && format != .text { throw ValidationError("--json and --format \(format.rawValue) disagree: give one") }
    }

    func run() throws {
        let report = try ReviewWorkflow.run(pipeline: pipeline, store: store)
        let chosen: ReportFormat = json ? .json : format
        let body: [UInt8]
        switch chosen {
        case .text: body = Array((TerminalText.cleanLines(report.text()) + "\n").utf8)
        case .json: body = TerminalText.json(Array((report.json() + "\n").utf8))
        case .html: body = Array(report.html().utf8)
        }
        try ReportOutput.emit(body, out: out, what: "review")
        if !report.passed { throw ExitCode(ExitStatus.reviewFailed.rawValue) }
    }
}
