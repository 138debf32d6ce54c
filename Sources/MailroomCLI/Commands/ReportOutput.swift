import ArgumentParser
import Foundation
import MailroomIO

/// Where and how a report (dry run, review, plan) is printed: `--format text|json|html` and `--out FILE`.
/// Without `--out` the report goes to stdout (JSON: exactly one document); with it, stdout stays empty and one
/// line on stderr names the file.
enum ReportOutput {
    /// Writes `bytes` to `out`, atomically, or to stdout.
    static func emit(_ bytes: [UInt8], out: String?, what: String = "report") throws {
        guard let out else { Output.write(bytes); return }
        let url = URL(fileURLWithPath: out)
        do {
            try PrivateFiles.writeAtomically(bytes, to: url.path)
        } catch let e as MailroomError {
            throw MailroomError(.localIO, "cannot write the \(what): \(e.message); choose another --out path",
                                location: url.path)
        }
        ErrorReporter.printErr("Wrote the \(what) to \(url.path)")
    }

    /// The dry-run report in the chosen format.
    static func bytes(_ report: DryRunReport, format: ReportFormat, dryRun: Bool = true) -> [UInt8] {
        switch format {
        case .text: return Array(TerminalText.lines(report.text(dryRun: dryRun)).utf8)
        case .json: return TerminalText.json(report.jsonBytes() + [0x0A])
        case .html: return Array(report.html(dryRun: dryRun).utf8)
        }
    }
}
