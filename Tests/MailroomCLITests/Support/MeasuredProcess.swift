import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `mailroom` binary as `/bin/sh -c 'umask U; exec mailroom ARGS'` (the umask a user's shell
/// has) and, when `measure` is set, under GNU time (`/usr/bin/time -f %M`): its exit status, its output, and
/// the peak resident memory of `mailroom` itself. GNU time reads it from `wait4` for a child it forked itself.
/// The test process cannot use `wait4` or `getrusage(RUSAGE_CHILDREN)` on its own children for this: they are
/// started with `posix_spawn` (vfork), and Linux carries the spawning process's peak into the child's
/// `ru_maxrss` at `exec`, so every child would report at least the test process's own peak (about 280 MB in
/// a full test run).
enum MeasuredProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Peak resident set size in KiB (nil when not measured).
        var maxRSSKB: Int?
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    static let timeBinary = "/usr/bin/time"

    /// `fileLimit`: a `ulimit` for the shell to set before `exec` (`-n 40`: soft and hard; `-S -n 40`: soft only).
    static func run(_ args: [String], umask: String = "022", fileLimit: String? = nil, env: [String: String] = [:],
                    measure: Bool = false) throws -> Result {
        let io = MailroomProcess.tempDir("mailroom-measured")
        defer { try? FileManager.default.removeItem(at: io) }
        let outPath = io.appendingPathComponent("stdout").path, errPath = io.appendingPathComponent("stderr").path
        let rssPath = io.appendingPathComponent("maxrss").path
        if measure, access(timeBinary, X_OK) != 0 {
            throw SpawnError(description: "\(timeBinary) (GNU time, Debian package `time`) is needed to measure peak memory: scripts/install-deps.sh installs it")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK))

        let script = "umask \(umask); " + (fileLimit.map { "ulimit \($0) || exit 99; " } ?? "") + "exec \"$0\" \"$@\""
        let shell: [String] = ["/bin/sh", "-c", script, MailroomProcess.binary.path] + args
        let words = measure ? [timeBinary, "-f", "%M", "-o", rssPath] + shell : shell
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) }
        argv.append(nil)
        defer { for a in argv { free(a) } }
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") }
        envp.append(nil)
        defer { for e in envp { free(e) } }

        var pid: pid_t = 0
        let rc = posix_spawn(&pid, words[0], &actions, &attr, argv, envp)
        guard rc == 0 else { throw SpawnError(description: "posix_spawn failed: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SpawnError(description: "waitpid failed: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are C macros: a signal death is reported as 128 + signal.
        let signal = status & 0x7F
        let code = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return Result(status: code,
                      stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                      maxRSSKB: measure ? (try? String(contentsOfFile: rssPath, encoding: .utf8))
                          .flatMap { Int($0.split(separator: "\n").last.map(String.init) ?? "") } : nil)
    }
}
