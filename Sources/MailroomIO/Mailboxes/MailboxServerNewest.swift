import Foundation
import MailroomCore

/// The newest message on an IMAP server, for `reconnect`'s comparison with what is loaded: the INTERNALDATE of
/// the highest UID in each folder the pipeline reads (EXAMINE and one `UID FETCH *`: nothing fetched, nothing
/// changed on the server).
enum MailboxServerNewest {
    /// ISO 8601 UTC, or nil when the server cannot be read (the reconnect's sync already reported errors).
    static func newest(_ config: MailboxConfig, pipelineDirectory: String,
                       environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let s = config.imap,
              let endpoint = try? IMAPSecret.endpoint(s, mailbox: config.name, pipelineDirectory: pipelineDirectory,
                                                      environment: environment),
              let session = try? IMAPSession(endpoint)
        else { return nil }
        defer { session.logout() }
        guard let listed = try? session.listFolders() else { return nil }
        var newest: Int64?
        let folders = s.allMail ? IMAPFolderChoice.allMailFolder(listed).map { [$0] } ?? []
            : IMAPFolderChoice.choose(listed: listed, requested: s.folders, include: config.includeFolders).folders
        for f in folders {
            guard let status = try? session.examine(f.wireName), status.exists > 0 else { continue }
            try? session.fetch("UID FETCH * (UID INTERNALDATE)") { r in
                if let d = r.internalDate { newest = max(newest ?? d, d) }
            }
        }
        return newest.map(MailDate.iso)
    }
}
