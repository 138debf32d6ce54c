import MailroomCore

/// Problems in an input file, each with its line: all reported at once.
public struct FileIssuesError: Error, Sendable, CustomStringConvertible {
    public var status: ExitStatus
    public var file: String
    public var issues: [RecordIssue]

    public init(status: ExitStatus, file: String, issues: [RecordIssue]) {
        self.status = status
        self.file = file
        self.issues = issues
    }

    public var description: String {
        issues.map { i in i.line.map { "\(file):\($0): \(i.detail)" } ?? "\(file): \(i.detail)" }
            .joined(separator: "\n")
    }
}
