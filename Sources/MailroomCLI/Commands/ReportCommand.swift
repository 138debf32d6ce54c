import ArgumentParser
import Foundation
import MailroomIO

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the dry-run report of an existing run directory (after match)."
    )

    @Option(name: .customLong("run"), help: "The run directory.")
    var runDirectory: String

    @Flag(help: "Print one JSON document (same as --format json).")
    var json = false

    @Option(help: "Report format: text, json or html (one self-contained page with charts).")
    var format: ReportFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var out: String?

    @Option(help: "Also write every unmatched external address to this CSV file (spreadsheet-safe).")
    var unmatchedCsv: String?

    func validate() throws {
        if json && format != .json && format != .text { throw ValidationError("--json and --format \(format.rawValue) disagree: give one") }
    }

    @Flag(help: "No progress line on stderr.")
    var quiet = false

    func run() throws {
        let outcome = try ReportWorkflow.run(runDirectory: runDirectory, quiet: quiet)
        try ReportOutput.emit(ReportOutput.bytes(outcome.report, format: json ? .json : format), out: out)
        if let unmatchedCsv {
            let csv = CSVExport.unmatchedAddresses(try outcome.unmatchedAddresses())
            try ReportOutput.emit(Array(csv.utf8), out: unmatchedCsv, what: "unmatched addresses CSV")
        }
    }
}
