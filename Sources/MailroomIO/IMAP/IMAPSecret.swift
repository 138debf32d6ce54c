import Foundation
import MailroomCore

/// Reads the password or token a pipeline names (`env:NAME` or `file:PATH`). The value is returned to the
/// caller only; errors name where it was looked for, never what it is.
public enum IMAPSecret {
    /// - Parameters:
    ///   - baseDirectory: folder relative `file:` paths are resolved against (the pipeline file's folder).
    ///   - environment: the process environment (passed in so tests need not set variables).
    public static func load(_ reference: SecretReference, baseDirectory: String, mailbox: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        switch reference {
        case .env(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw MailroomError(.auth, "the secret of mailbox \(mailbox) comes from the environment variable \(name), which is not set or empty; set it to the app password or token",
                                    location: "env:\(name)")
            }
            return value
        case .file(let path):
            let full = path.hasPrefix("/") ? path : baseDirectory + "/" + path
            var st = stat()
            guard stat(full, &st) == 0 else {
                throw MailroomError(.auth, "the secret file of mailbox \(mailbox) cannot be read (\(String(cString: strerror(errno)))); check the path in 'secret'",
                                    location: full)
            }
            guard (st.st_mode & S_IFMT) == S_IFREG else {
                throw MailroomError(.auth, "the secret of mailbox \(mailbox) must be a regular file", location: full)
            }
            guard st.st_mode & 0o077 == 0 else {
                let mode = String(st.st_mode & 0o777, radix: 8)
                throw MailroomError(.auth, "the secret file of mailbox \(mailbox) is readable by others (mode \(mode)); run chmod 600 on it",
                                    location: full)
            }
            guard let data = FileManager.default.contents(atPath: full) else {
                throw MailroomError(.auth, "the secret file of mailbox \(mailbox) cannot be read; check its owner and mode", location: full)
            }
            var bytes = [UInt8](data)
            while let last = bytes.last, last == 10 || last == 13 || last == 32 || last == 9 { bytes.removeLast() }
            guard !bytes.isEmpty else {
                throw MailroomError(.auth, "the secret file of mailbox \(mailbox) is empty", location: full)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
