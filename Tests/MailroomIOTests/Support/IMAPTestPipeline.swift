import Foundation

/// The pipeline file the IMAP tests write: one mailbox `work` (plain IMAP on loopback, to the fake server or
/// Dovecot) whose secret comes from an environment variable.
enum IMAPTestPipeline {
    /// Writes `<dir>/p.yml` (making `dir` first) and returns its path. `extra` lines are added to the mailbox as
    /// they are (`folders: [INBOX]`, `throttle: {maxRetries: 1}`, `owner: [...]`).
    @discardableResult
    static func write(in dir: String, name: String, port: Int, username: String = "u", secretVariable: String,
                      extra: [String] = []) throws -> String {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let lines = ["name: \(name)", "ownDomains: [example.com]", "mailbox:", "  name: work", "  source: imap",
                     "  host: 127.0.0.1", "  port: \(port)", "  security: none", "  username: \(username)",
                     "  secret: env:\(secretVariable)"] + extra.map { "  " + $0 }
        let path = dir + "/p.yml"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
