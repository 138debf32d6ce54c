import Foundation
import MailroomCore
#if canImport(Glibc)
import Glibc
#endif

extension IMAPEndpoint {
    /// One address the host resolved to: its bytes (4 or 16) and its numeric text.
    struct ResolvedAddress: Equatable {
        var bytes: [UInt8]
        var text: String
    }

    /// Every TCP address `host` resolves to (`getaddrinfo`, blocking), without repeats; the `getaddrinfo`
    /// error text when it does not resolve.
    static func resolve(_ host: String, port: Int) -> Result<[ResolvedAddress], HostLookupError> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        guard rc == 0, let first = res else { return .failure(HostLookupError(reason: String(cString: gai_strerror(rc)))) }
        defer { freeaddrinfo(first) }
        var out: [ResolvedAddress] = []
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let ai = p {
            p = ai.pointee.ai_next
            guard let sa = ai.pointee.ai_addr else { continue }
            var bytes: [UInt8] = []
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            switch Int32(sa.pointee.sa_family) {
            case AF_INET:
                sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { s in
                    var a = s.pointee.sin_addr
                    bytes = withUnsafeBytes(of: &a) { Array($0) }
                    _ = inet_ntop(AF_INET, &a, &text, socklen_t(text.count))
                }
            case AF_INET6:
                sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { s in
                    var a = s.pointee.sin6_addr
                    bytes = withUnsafeBytes(of: &a) { Array($0) }
                    _ = inet_ntop(AF_INET6, &a, &text, socklen_t(text.count))
                }
            default: continue
            }
            let r = ResolvedAddress(bytes: bytes, text: String(cString: text))
            if !out.contains(r) { out.append(r) }
        }
        return out.isEmpty ? .failure(HostLookupError(reason: "no address")) : .success(out)
    }

    struct HostLookupError: Error { var reason: String }

    /// For `security: none`: the host's addresses when every one is loopback (the connection is then pinned
    /// to them); else the error that refuses to send the password in clear. Checked on the addresses the host
    /// resolves to now, when connecting, never on the host's text.
    func checkedPlaintextAddresses() throws -> [ResolvedAddress] {
        if case .failure(let p) = IMAPHost.check(host) {
            throw MailroomError(.usage, "the host '\(host)' is neither a DNS name nor an IP address: \(p.reason)", location: address)
        }
        let resolved: [ResolvedAddress]
        switch IMAPEndpoint.resolve(host, port: port) {
        case .failure(let e):
            throw MailroomError(.host, "the host name \(host) does not resolve (\(e.reason)); check the host", location: address)
        case .success(let r):
            resolved = r
        }
        guard IMAPHost.plaintextAllowed(resolved: resolved.map(\.bytes)) else {
            let others = resolved.filter { !IMAPHost.isLoopback($0.bytes) }.map(\.text)
            throw MailroomError(.tls, "'security: none' would send the password in clear to \(address), which resolves to \(others.joined(separator: ", ")) (not loopback): use tls or starttls (plain IMAP is for loopback addresses only)",
                                location: address)
        }
        return resolved
    }

    /// The `CURLOPT_RESOLVE` entry that pins `host:port` to `addresses` (IPv6 in brackets).
    static func resolveEntry(host: String, port: Int, addresses: [ResolvedAddress]) -> String {
        "\(host):\(port):" + addresses.map { $0.bytes.count == 16 ? "[\($0.text)]" : $0.text }.joined(separator: ",")
    }
}
