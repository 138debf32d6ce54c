import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension MailboxProbe {
    /// Connects with a timeout; nil on success, else why not.
    static func connectTCP(_ a: IMAPEndpoint.ResolvedAddress, timeoutMs: Int) -> String? {
        let fd = socket(a.family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var storage = a.storage
        let rc = withUnsafePointer(to: &storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, a.length) }
        }
        if rc == 0 { return nil }
        guard errno == EINPROGRESS else { return String(cString: strerror(errno)) }
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let n = poll(&pfd, 1, Int32(timeoutMs))
        if n == 0 { return "timed out after \(timeoutMs / 1000) s" }
        if n < 0 { return String(cString: strerror(errno)) }
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
        return err == 0 ? nil : String(cString: strerror(err))
    }
}
