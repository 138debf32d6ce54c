import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension MailboxProbe {
    /// A resolved socket address.
    struct Address {
        var family: Int32
        var storage: sockaddr_storage
        var length: socklen_t
        var text: String

        /// The address's bytes (4 for IPv4, 16 for IPv6; empty for another family).
        var bytes: [UInt8] {
            var st = storage
            return withUnsafePointer(to: &st) { p -> [UInt8] in
                switch family {
                case AF_INET:
                    return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { s in
                        withUnsafeBytes(of: s.pointee.sin_addr) { Array($0) }
                    }
                case AF_INET6:
                    return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { s in
                        withUnsafeBytes(of: s.pointee.sin6_addr) { Array($0) }
                    }
                default:
                    return []
                }
            }
        }
    }

    enum Resolved {
        case success([Address])
        case failure(String)
    }

    /// `getaddrinfo` for TCP.
    static func resolve(_ host: String, port: Int) -> Resolved {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        guard rc == 0, let first = res else { return .failure(String(cString: gai_strerror(rc))) }
        defer { freeaddrinfo(first) }
        var out: [Address] = []
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let ai = p {
            var storage = sockaddr_storage()
            let len = ai.pointee.ai_addrlen
            withUnsafeMutableBytes(of: &storage) { dst in
                dst.copyMemory(from: UnsafeRawBufferPointer(start: ai.pointee.ai_addr, count: Int(len)))
            }
            var buf = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            _ = getnameinfo(ai.pointee.ai_addr, len, &buf, socklen_t(buf.count), nil, 0, NI_NUMERICHOST)
            out.append(Address(family: ai.pointee.ai_family, storage: storage, length: len, text: String(cString: buf)))
            p = ai.pointee.ai_next
        }
        return out.isEmpty ? .failure("no address") : .success(out)
    }

    /// Connects with a timeout; nil on success, else why not.
    static func connectTCP(_ a: Address, timeoutMs: Int) -> String? {
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
