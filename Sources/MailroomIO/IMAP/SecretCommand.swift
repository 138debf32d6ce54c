import CCurlShim
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the program of a `secret: cmd:PROGRAM ARG…` and returns what it printed: the password or access token.
///
/// - No shell: `posix_spawn` of the program itself, with the words `SecretCommandLine` split. A program without a
///   `/` is looked for in the absolute folders of `PATH`; a relative path is taken from the pipeline file's folder,
///   which is also the program's working directory.
/// - Standard input is `/dev/null`; standard error goes to `/dev/null` (never read, shown or logged: helpers print
///   diagnostics there that can hold tokens); standard output is read through a pipe, at most `maxOutputBytes`.
/// - Every other descriptor is closed in the child (`posix_spawn_file_actions_addclosefrom_np(3)` on Linux,
///   `POSIX_SPAWN_CLOEXEC_DEFAULT` on macOS), so the program never holds Mailroom's IMAP sockets, store or run
///   files; the pipe itself is made `O_CLOEXEC` as well.
/// - The program runs in a process group of its own with default signal handlers and an empty signal mask. On
///   timeout (or too much output) the whole group gets SIGKILL before the program is reaped, so helpers it
///   started go too and the group id cannot have been reused.
///
/// Blocking (poll, waitpid): call it from a plain thread, as for the IMAP connection, never from the async pool.
public enum SecretCommand {
    public static let defaultTimeoutSeconds: Double = 30
    public static let maxOutputBytes = 64 << 10

    /// Why no secret came out. Never holds what the program printed.
    public enum Failure: Error, Sendable, Equatable {
        /// The program could not be found or started (errno text).
        case cannotStart(String)
        case exit(Int32)
        case signal(Int32)
        case timedOut(Double)
        case tooMuchOutput
        /// Nothing but white space.
        case emptyOutput
        /// More than one line once trimmed (a password or token is one line).
        case severalLines
        /// A NUL byte or bytes that are not UTF-8: sent as they are decoded, they would be a different secret.
        case notText
    }

    /// Runs `argv` and returns its standard output without surrounding spaces, tabs, CR and LF.
    public static func run(_ argv: [String], baseDirectory: String, environment: [String: String],
                           timeoutSeconds: Double = defaultTimeoutSeconds) throws(Failure) -> String {
        guard let name = argv.first, !name.isEmpty else { throw .cannotStart("no program named") }
        let base = absolute(baseDirectory)
        let program = try resolve(name, base: base, environment: environment)
        var fds: [Int32] = [-1, -1]
        guard makePipe(&fds) else { throw .cannotStart(String(cString: strerror(errno))) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd) }
        let pid: pid_t
        do {
            defer { close(writeEnd) }
            pid = try spawn(program, argv: argv, directory: base, environment: environment, stdout: writeEnd)
        }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeoutSeconds) * 1e9)
        var output: [UInt8] = []
        let status: Int32
        do {
            try readAll(readEnd, into: &output, deadline: deadline, timeout: timeoutSeconds)
            status = try waitForExit(pid, deadline: deadline, timeout: timeoutSeconds)
        } catch {
            killAndReap(pid)
            throw error
        }
        let signal = status & 0x7F
        if signal != 0 { throw .signal(signal) }
        let code = (status >> 8) & 0xFF
        if code != 0 { throw .exit(code) }
        return try trimmed(output)
    }

    /// The password or token in `output`: one line without the white space around it.
    static func trimmed(_ output: [UInt8]) throws(Failure) -> String {
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }
        guard let first = output.firstIndex(where: { !isSpace($0) }),
              let last = output.lastIndex(where: { !isSpace($0) }) else { throw .emptyOutput }
        let value = output[first...last]
        if value.contains(where: { $0 == 10 || $0 == 13 }) { throw .severalLines }
        if value.contains(0) { throw .notText }
        guard let text = String(validating: value, as: UTF8.self) else { throw .notText }
        return text
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The file to run: a path (relative ones from `base`), or the first executable regular file named so in
    /// an absolute folder of `PATH` (empty and relative entries are skipped: they would depend on the folder
    /// Mailroom was started in).
    static func resolve(_ program: String, base: String, environment: [String: String]) throws(Failure) -> String {
        if program.contains("/") { return program.hasPrefix("/") ? program : base + "/" + program }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where dir.hasPrefix("/") {
            let candidate = "\(dir)/\(program)"
            var st = stat()
            if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        throw .cannotStart("\(String(cString: strerror(ENOENT))) (not found on PATH)")
    }

    static func makePipe(_ fds: inout [Int32]) -> Bool {
        let rc = mr_pipe_cloexec(&fds)
        if rc != 0 { errno = rc }
        return rc == 0
    }
}
