import Foundation
import Testing
@testable import MailroomIO
import MailroomCore
#if canImport(Glibc)
import Glibc
#endif

/// `secret: cmd:PROGRAM ARG…` (issue 16 §2), with real programs: small shell scripts each test writes. Each
/// prints a token on standard output and a canary on standard error, which must never come back.
struct SecretCommandTests {
    static let stderrCanary = "stderr-canary-9d41c"

    /// A folder with `name` holding `body` as an executable shell script (mode 700).
    static func script(_ body: String, name: String = "tok.sh", in dir: String? = nil) throws -> String {
        let d = try dir ?? IMAPSecretTests.folder()
        let path = d + "/" + name
        try ("#!/bin/sh\necho \(stderrCanary) >&2\n" + body + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o700)
        return d
    }

    static func load(_ argv: [String], in dir: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                     timeout: Double = SecretCommand.defaultTimeoutSeconds) throws -> String {
        try IMAPSecret.load(.command(argv), baseDirectory: dir, mailbox: "work", environment: environment, commandTimeout: timeout)
    }

    static func failure(_ argv: [String], in dir: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                        timeout: Double = SecretCommand.defaultTimeoutSeconds) throws -> MailroomError {
        let e = try #require(throws: MailroomError.self) { _ = try load(argv, in: dir, environment: environment, timeout: timeout) }
        #expect(e.status == .auth)
        #expect(!e.description.contains(stderrCanary))
        #expect(!e.description.contains("canary-arg"))
        return e
    }

    @Test func theProgramsOutputWithoutSurroundingWhiteSpaceIsTheSecret() throws {
        let d = try Self.script("printf '  \\tya29.token-canary-1 \\r\\n\\n'")
        defer { try? FileManager.default.removeItem(atPath: d) }
        #expect(try Self.load(["./tok.sh"], in: d) == "ya29.token-canary-1")
        #expect(try Self.load([d + "/tok.sh"], in: "/") == "ya29.token-canary-1")
    }

    /// No shell: each word reaches the program as it is, `;`, `$`, quotes and spaces included.
    @Test func argumentsReachTheProgramAsWordsWithoutAShell() throws {
        let d = try Self.script(#"printf '%s|' "$#" "$@""#)
        defer { try? FileManager.default.removeItem(atPath: d) }
        let words = try #require(try? SecretCommandLine.split(#"./tok.sh "a b; touch pwned" '$HOME' `id` *"#).get())
        #expect(try Self.load(words, in: d) == #"4|a b; touch pwned|$HOME|`id`|*|"#)
        #expect(!FileManager.default.fileExists(atPath: d + "/pwned"))
    }

    /// A bare name is looked for in PATH's absolute folders; the program runs in the pipeline file's folder.
    @Test func aBareNameIsFoundOnPathAndRunsInThePipelinesFolder() throws {
        let bin = try Self.script("cat token.txt", name: "mr-test-token")
        let pipelineDir = try IMAPSecretTests.folder()
        defer { for d in [bin, pipelineDir] { try? FileManager.default.removeItem(atPath: d) } }
        try "from-the-pipeline-folder\n".write(toFile: pipelineDir + "/token.txt", atomically: false, encoding: .utf8)
        let env = ["PATH": "relative/bin::/nonexistent:\(bin):/usr/bin:/bin"]
        #expect(try Self.load(["mr-test-token"], in: pipelineDir, environment: env) == "from-the-pipeline-folder")
    }

    @Test func aFailingProgramIsNamedWithItsExitCodeAndNothingItPrinted() throws {
        let d = try Self.script("echo token-canary-2\nexit 3")
        defer { try? FileManager.default.removeItem(atPath: d) }
        let e = try Self.failure(["./tok.sh", "canary-arg-1"], in: d)
        #expect(e.message.hasPrefix("the secret command failed (exit 3) for mailbox work (program ./tok.sh)"), "\(e)")
        #expect(e.location == "cmd:./tok.sh")
        #expect(!e.description.contains("token-canary-2"))
    }

    @Test func aProgramKilledByASignalIsNamedWithTheSignal() throws {
        let d = try Self.script("kill -TERM $$")
        defer { try? FileManager.default.removeItem(atPath: d) }
        let e = try Self.failure(["./tok.sh"], in: d)
        #expect(e.message.hasPrefix("the secret command was killed by signal 15 for mailbox work"), "\(e)")
    }

    /// Past the timeout the program and every process it started are killed: none is left running.
    @Test func aProgramPastItsTimeoutIsKilledWithItsChildren() throws {
        let d = try Self.script("echo $$ > pids\nsleep 60 &\necho $! >> pids\nwait")
        defer { try? FileManager.default.removeItem(atPath: d) }
        let e = try Self.failure(["./tok.sh"], in: d, timeout: 0.5)
        #expect(e.message.hasPrefix("the secret command timed out after 0.5 s for mailbox work (program ./tok.sh)"), "\(e)")
        let pids = try String(contentsOfFile: d + "/pids", encoding: .utf8).split(separator: "\n").compactMap { pid_t($0) }
        #expect(pids.count == 2)
        for pid in pids { #expect(Self.endsSoon(pid), "process \(pid) is still running") }
    }

    /// Gone, or a zombie waiting for init: SIGKILL is delivered asynchronously, so this looks for up to 10 s.
    static func endsSoon(_ pid: pid_t) -> Bool {
        for _ in 0..<1000 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
            usleep(10_000)
        }
        return false
    }

    @Test func aProgramThatPrintsNothingButWhiteSpaceIsAnError() throws {
        let d = try Self.script("printf ' \\n\\n'")
        defer { try? FileManager.default.removeItem(atPath: d) }
        #expect(try Self.failure(["./tok.sh"], in: d).message.hasPrefix("the secret command printed nothing for mailbox work"))
    }

    /// Output is read up to 64 KiB: a program printing without end is stopped there, not read into memory.
    @Test(arguments: ["head -c 70000 /dev/zero | tr '\\000' a", "yes token-canary-3"])
    func aProgramPrintingMoreThan64KiBIsStopped(body: String) throws {
        let d = try Self.script(body)
        defer { try? FileManager.default.removeItem(atPath: d) }
        let e = try Self.failure(["./tok.sh"], in: d)
        #expect(e.message.hasPrefix("the secret command printed more than 64 KiB for mailbox work"), "\(e)")
        #expect(!e.description.contains("token-canary-3"))
    }

    @Test func aProgramPrintingTwoLinesIsRefused() throws {
        let d = try Self.script("printf 'token-canary-4\\nsecond\\n'")
        defer { try? FileManager.default.removeItem(atPath: d) }
        let e = try Self.failure(["./tok.sh"], in: d)
        #expect(e.message.hasPrefix("the secret command printed more than one line"), "\(e)")
        #expect(!e.description.contains("token-canary-4"))
    }

    /// A NUL or bytes that are not UTF-8 would reach the server as another secret (U+FFFD in place of each bad
    /// byte, or a password cut at the NUL): refused, without the bytes.
    @Test(arguments: ["printf 'token-canary-5\\377\\376x'", "printf 'token-canary-5\\000x'"])
    func aProgramPrintingANulOrBytesThatAreNotUTF8IsRefused(body: String) throws {
        let d = try Self.script(body)
        defer { try? FileManager.default.removeItem(atPath: d) }
        let e = try Self.failure(["./tok.sh"], in: d)
        #expect(e.message.hasPrefix("the secret command printed a NUL byte or bytes that are not UTF-8 text for mailbox work"), "\(e)")
        #expect(!e.description.contains("token-canary-5"))
    }

    /// A program that closes its output but goes on running is stopped at the timeout with everything it
    /// started, not waited for without end.
    @Test func aProgramThatClosesItsOutputButKeepsRunningIsStoppedAtTheTimeout() throws {
        let d = try Self.script("printf token-canary-6\nexec >&-\nsleep 60")
        defer { try? FileManager.default.removeItem(atPath: d) }
        let e = try Self.failure(["./tok.sh"], in: d, timeout: 1)
        #expect(e.message.hasPrefix("the secret command timed out after 1 s for mailbox work"), "\(e)")
        #expect(!e.description.contains("token-canary-6"))
    }

    @Test func aProgramThatCannotBeFoundOrRunIsNamed() throws {
        let d = try Self.script("echo never", name: "not-executable.sh")
        defer { try? FileManager.default.removeItem(atPath: d) }
        chmod(d + "/not-executable.sh", 0o600)
        var e = try Self.failure(["mr-no-such-program", "canary-arg-2"], in: d, environment: ["PATH": d + ":/usr/bin"])
        #expect(e.message.hasPrefix("the secret command could not be started: No such file or directory (not found on PATH) for mailbox work (program mr-no-such-program)"), "\(e)")
        e = try Self.failure(["./missing.sh"], in: d)
        #expect(e.message.hasPrefix("the secret command could not be started: No such file or directory"), "\(e)")
        e = try Self.failure(["./not-executable.sh"], in: d)
        #expect(e.message.hasPrefix("the secret command could not be started: Permission denied"), "\(e)")
    }

    /// The program gets `/dev/null` as standard input and error, a process group of its own, and none of
    /// Mailroom's other descriptors (here one opened without close-on-exec).
    @Test func theProgramRunsAloneWithNoOtherDescriptors() throws {
        let d = try Self.script(#"printf '%s,%s,%s,%s' "$(readlink /proc/$$/fd/0)" "$(readlink /proc/$$/fd/2)" "$(ls -l /proc/$$/fd | grep -c leak-marker)" "$(($(cut -d' ' -f5 /proc/$$/stat) == $$))""#)
        defer { try? FileManager.default.removeItem(atPath: d) }
        let fd = open(d + "/leak-marker", O_CREAT | O_RDWR, 0o600)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(try Self.load(["./tok.sh"], in: d) == "/dev/null,/dev/null,0,1")
    }
}
