import Foundation
import MailroomCore

/// Reads the password or token a pipeline names (`env:NAME`, `file:PATH` or `cmd:PROGRAM ARG…`). The value is
/// returned to the caller only; errors name where it was looked for, never what it is.
public enum IMAPSecret {
    /// - Parameters:
    ///   - baseDirectory: folder relative `file:` paths and `cmd:` programs are resolved against (the pipeline
    ///     file's folder).
    ///   - environment: the process environment (passed in so tests need not set variables); a `cmd:` program
    ///     gets it as its environment.
    ///   - commandTimeout: seconds a `cmd:` program may take (`SecretCommand.defaultTimeoutSeconds`).
    public static func load(_ reference: SecretReference, baseDirectory: String, mailbox: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            commandTimeout: Double = SecretCommand.defaultTimeoutSeconds) throws -> String {
        try load(reference, baseDirectory: baseDirectory, owner: "mailbox \(mailbox)", environment: environment,
                 commandTimeout: commandTimeout)
    }

    /// The same for any owner of a secret (`owner` is how messages name it: "mailbox work", "the PostgreSQL store").
    public static func load(_ reference: SecretReference, baseDirectory: String, owner: String,
                            environment: [String: String],
                            commandTimeout: Double = SecretCommand.defaultTimeoutSeconds) throws -> String {
        switch reference {
        case .command(let argv):
            return try command(argv, baseDirectory: baseDirectory, owner: owner, environment: environment,
                               timeout: commandTimeout)
        case .env(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw MailroomError(.auth, "the secret of \(owner) comes from the environment variable \(name), which is not set or empty; set it to the app password or token",
                                    location: "env:\(name)")
            }
            return value
        case .file(let path):
            let full = path.hasPrefix("/") ? path : baseDirectory + "/" + path
            // Open first (following symlinks, as Kubernetes mounts secrets), then check the file that was opened:
            // its owner and mode are the resolved file's, and nothing can swap it between check and read.
            let fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else {
                throw MailroomError(.auth, "the secret file of \(owner) cannot be read (\(String(cString: strerror(errno)))); check the path in 'secret'",
                                    location: full)
            }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            var st = stat()
            guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                throw MailroomError(.auth, "the secret of \(owner) must be a regular file", location: full)
            }
            guard st.st_uid == geteuid() else {
                throw MailroomError(.auth, "the secret file of \(owner) belongs to user id \(st.st_uid), not to the user running Mailroom (\(geteuid())); it must be your own file (chown it, mode 600)",
                                    location: full)
            }
            guard st.st_mode & 0o077 == 0 else {
                let mode = String(st.st_mode & 0o777, radix: 8)
                throw MailroomError(.auth, "the secret file of \(owner) is readable by others (mode \(mode)); run chmod 600 on it",
                                    location: full)
            }
            // At most one byte past the cap is read, whatever the size says: a file under /proc says 0 and may
            // hold gigabytes (/proc/self/pagemap), and a file may grow after fstat.
            let maxBytes = 64 << 10
            guard st.st_size <= maxBytes, let data = try? handle.read(upToCount: maxBytes + 1) ?? Data(),
                  data.count <= maxBytes else {
                throw MailroomError(.auth, "the secret file of \(owner) cannot be read (or is larger than 64 KiB); check it holds only the secret", location: full)
            }
            var bytes = [UInt8](data)
            while let last = bytes.last, last == 10 || last == 13 || last == 32 || last == 9 { bytes.removeLast() }
            guard !bytes.isEmpty else {
                throw MailroomError(.auth, "the secret file of \(owner) is empty", location: full)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
