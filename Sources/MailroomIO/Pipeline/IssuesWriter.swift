import MailroomCore

/// A stage's record-issues file, one line per record the stage could not take (normalize's
/// `normalize/quarantine.ndjson`, extract's `extract/skipped.ndjson`), counted by issue code as the lines are
/// written (the manifest's `issues`). The bytes written are the lines given, as they are.
final class IssuesWriter {
    private let writer: NDJSONWriter
    /// Lines written per issue code.
    private(set) var countsByCode: [String: Int] = [:]
    /// Lines written.
    var count: Int { countsByCode.values.reduce(0, +) }

    init(_ writer: NDJSONWriter) { self.writer = writer }

    /// Writes one issue's line (already encoded) under `code`.
    func writeLine(_ line: [UInt8], code: IssueCode) throws {
        try writer.writeLine(line)
        countsByCode[code.rawValue, default: 0] += 1
    }

    /// Writes one issue under its code.
    func write(_ issue: RecordIssue) throws {
        try writer.write(issue)
        countsByCode[issue.code.rawValue, default: 0] += 1
    }

    /// Puts the file in place.
    func finish() throws -> FileSummary { try writer.finish() }
}
