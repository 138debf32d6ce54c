import Foundation
import MailroomCore

extension PipelineRunner {
    /// Checks what can be checked before a run directory is made: every file mailbox's path exists and the
    /// contacts file is readable and well-formed. A bad input then fails at once, without reading any mail.
    static func preflight(_ pipeline: LoadedPipeline, mailboxes: [MailboxConfig]) throws {
        for m in mailboxes where m.source != .imap {
            let url = pipeline.resolve(m.path ?? "")
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw MailroomError(.input, "mailbox '\(m.name)': the path does not exist (check 'path' in \(pipeline.url.lastPathComponent))", location: url.path)
            }
        }
        if let url = pipeline.contactsURL {
            // Only what would stop the run: dedupe reads the emails (and warns about them) when it writes contacts.
            _ = try parseContactsFile(url, shown: pipeline.config.contacts ?? url.path, readingEmails: false)
        }
    }

    /// Parses a contacts file; every fatal problem is reported at once with its line.
    static func parseContactsFile(_ url: URL, shown: String,
                                  readingEmails: Bool = true) throws -> (contacts: [Contact], issues: [RecordIssue], bytes: [UInt8]) {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MailroomError(.input, "contacts file not found or unreadable", location: url.path)
        }
        let bytes = [UInt8](data)
        let (contacts, issues) = ContactsCSV.parse(bytes, readingEmails: readingEmails)
        let fatal = issues.filter(\.fatal)
        if !fatal.isEmpty {
            throw FileIssuesError(status: .input, file: shown,
                                  issues: fatal)
        }
        return (contacts, issues, bytes)
    }
}
