import Foundation
import Logging
@testable import MailroomIO
import MailroomCore

/// The pipeline file the IMAP tests write: one mailbox `work` (plain IMAP on loopback, to the fake server or
/// Dovecot) whose secret comes from an environment variable.
enum IMAPTestPipeline {
    /// Writes `<dir>/p.yml` (making `dir` first) and returns its path. `extra` lines are added to the mailbox as
    /// they are (`folders: [INBOX]`, `throttle: {maxRetries: 1}`, `owner: [...]`).
    @discardableResult
    static func write(in dir: String, name: String, port: Int, username: String = "u", secretVariable: String,
                      ownDomain: String = "example.com", extra: [String] = []) throws -> String {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let lines = ["name: \(name)", "ownDomains: [\(ownDomain)]", "mailbox:", "  name: work", "  source: imap",
                     "  host: 127.0.0.1", "  port: \(port)", "  security: none", "  username: \(username)",
                     "  secret: env:\(secretVariable)"] + extra.map { "  " + $0 }
        let path = dir + "/p.yml"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    /// Runs `<dir>/p.yml` through every stage into its store, each time in a new run directory
    /// (`<dir>/run1`, `run2`, ...), as of 2026-01-12 over 3 days.
    final class Runs {
        let dir: String
        private var count = 0
        private let logger: Logger

        init(dir: String) {
            self.dir = dir
            var quiet = Logger(label: "test")
            quiet.logLevel = .critical
            logger = quiet
        }

        /// A run (`sync`: as `mailroom sync`, else as a backfill); returns the copies its extract wrote.
        func run(sync: Bool) throws -> [MessageCopy] {
            count += 1
            let runner = try PipelineRunner.start(pipeline: try LoadedPipeline.load(path: dir + "/p.yml"),
                                                  runDirectory: URL(fileURLWithPath: dir + "/run\(count)"),
                                                  options: RunOptions(asOf: "2026-01-12", days: 3), logger: logger)
            if sync { try runner.markIMAPSync() }
            try runner.run(through: .load)
            var copies: [MessageCopy] = []
            try NDJSONReader.forEach(MessageCopy.self, url: runner.runDir.fileURL("extract/messages.ndjson")) { c, _ in
                copies.append(c)
            }
            return copies
        }

        /// The pipeline's store, read-only.
        func store() throws -> CRMStore { try CRMStore.open(path: dir + "/crm.sqlite", readOnly: true) }
    }
}
