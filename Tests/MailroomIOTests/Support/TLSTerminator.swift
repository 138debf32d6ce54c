import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// HTTPS in front of a plain loopback server, for tests of TLS to the OAuth2 token endpoint: Debian's `socat`
/// accepts TLS on a free port of 127.0.0.1 with a certificate of the tests' CA and forwards each connection to
/// `port`. Stopped by `close()` (and killed with the test process at the latest).
final class TLSTerminator: @unchecked Sendable {
    static let binary = "/usr/bin/socat"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let port: Int
    private let process: Process

    /// `certificate`/`key`: PEM files of a server certificate for 127.0.0.1 (DovecotServer's `server.pem`).
    init(certificate: String, key: String, forwardingTo target: Int) throws {
        port = try DovecotServer.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,cert=\(certificate),key=\(key),verify=0",
            "TCP:127.0.0.1:\(target)",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 where !DovecotServer.accepts(port) { usleep(50_000) }
        guard DovecotServer.accepts(port) else {
            close()
            throw HarnessError("socat did not start listening on \(port)")
        }
    }

    func close() {
        // SIGKILL: socat inherits the signal mask of the thread that started it, which may block SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { close() }
}
