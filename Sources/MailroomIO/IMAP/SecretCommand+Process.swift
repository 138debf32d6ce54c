import CCurlShim
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SecretCommand {
    /// Starts `program` in a process group of its own: stdin and stderr `/dev/null`, stdout `stdout`, nothing
    /// else open, working directory `directory`, default signal handlers (`mr_spawn_isolated`).
    static func spawn(_ program: String, argv: [String], directory: String, environment: [String: String],
                      stdout: Int32) throws(Failure) -> pid_t {
        let cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgv { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: Int32 = 0
        var rc = mr_spawn_isolated(program, cArgv, cEnv, directory, stdout, &pid)
        // "Text file busy": the file is open for writing somewhere, often only for an instant (another thread's
        // child between fork and exec still holds a descriptor a helper just wrote the script with). Tried
        // again a few times, 20 ms apart, before it counts.
        var tries = 1
        while rc == ETXTBSY && tries < 5 {
            usleep(20_000)
            tries += 1
            rc = mr_spawn_isolated(program, cArgv, cEnv, directory, stdout, &pid)
        }
        guard rc == 0 else { throw .cannotStart(String(cString: strerror(rc))) }
        return pid_t(pid)
    }

    /// Reads `fd` to its end (every writer gone). Past the deadline or past `maxOutputBytes`, the program's
    /// group is killed and reaped.
    static func readAll(_ fd: Int32, into output: inout [UInt8], deadline: UInt64, timeout: Double) throws(Failure) {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { throw .timedOut(timeout) }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(min((deadline - now) / 1_000_000 + 1, 1_000)))
            if ready < 0 && errno != EINTR { throw .cannotStart(String(cString: strerror(errno))) }
            guard ready > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw .cannotStart(String(cString: strerror(errno)))
            }
            if n == 0 { return }
            output.append(contentsOf: buffer[..<n])
            if output.count > maxOutputBytes { throw .tooMuchOutput }
        }
    }

    /// The program's wait status once it has ended (its output is closed: it normally ends at once).
    static func waitForExit(_ pid: pid_t, deadline: UInt64, timeout: Double) throws(Failure) -> Int32 {
        var pause: UInt32 = 1_000
        while true {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { return status }
            if r < 0 && errno != EINTR { throw .cannotStart(String(cString: strerror(errno))) }
            guard DispatchTime.now().uptimeNanoseconds < deadline else { throw .timedOut(timeout) }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    /// SIGKILL to the program's whole group, then reaps the program. Called while it is not yet reaped, so its
    /// pid (the group id) cannot belong to anything else.
    static func killAndReap(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
