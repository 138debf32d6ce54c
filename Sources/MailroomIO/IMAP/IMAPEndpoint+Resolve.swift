import Foundation
import MailroomCore
#if canImport(Glibc)
import Glibc
#endif

extension IMAPEndpoint {
    /// One TCP address a host resolved to: the socket address to connect to, its bytes (4 or 16) and its
    /// numeric text.
    struct ResolvedAddress {
        var family: Int32
        var storage: sockaddr_storage
        var length: socklen_t
        var bytes: [UInt8]
        var text: String
    }

    /// Every TCP address `host` resolves to (`getaddrinfo`, blocking), in its order and without repeats; the
    /// `getaddrinfo` error text when it does not resolve. The one resolver of IMAP hosts: `mailbox test` shows
    /// and connects to these addresses, and plain IMAP checks them and pins libcurl to them.
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
            guard !out.contains(where: { $0.bytes == bytes }) else { continue }
            var storage = sockaddr_storage()
            let length = ai.pointee.ai_addrlen
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: sa, count: Int(length))) }
            out.append(ResolvedAddress(family: ai.pointee.ai_family, storage: storage, length: length, bytes: bytes,
                                       text: text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }))
        }
        return out.isEmpty ? .failure(HostLookupError(reason: "no address")) : .success(out)
    }

    struct HostLookupError: Error { var reason: String }

    /// The error for a host that does not resolve (exit 10).
    static func unresolvable(host: String, why: String, at: String) -> MailroomError {
        MailroomError(.host, "the host name \(host) does not resolve (\(why)); check the host", location: at)
    }

    /// The refusal of plain IMAP to `at` when `addresses` (bytes and text) are not all loopback
    /// (`IMAPHost.plaintextAllowed`); nil when plain IMAP may go there.
    static func plaintextRefusal(_ addresses: [(bytes: [UInt8], text: String)], at: String) -> MailroomError? {
        guard !IMAPHost.plaintextAllowed(resolved: addresses.map(\.bytes)) else { return nil }
        let others = addresses.filter { !IMAPHost.isLoopback($0.bytes) }.map(\.text)
        return MailroomError(.tls, "'security: none' would send the password in clear to \(at), which resolves to \(others.joined(separator: ", ")) (not loopback): use tls or starttls (plain IMAP is for loopback addresses only)",
                             location: at)
    }

    /// For `security: none`: checks the host's addresses before anything is sent and throws the refusal unless
    /// every one is loopback. Returns the addresses libcurl must be pinned to for a host name (resolved now, so
    /// a second lookup cannot lead it elsewhere); nil for an IP address, which is connected to as written (no
    /// lookup to pin, and libcurl cannot parse a pin entry for an IPv6 host).
    func checkedPlaintextAddresses() throws -> [ResolvedAddress]? {
        switch IMAPHost.check(host) {
        case .failure(let p):
            throw MailroomError(.usage, "the host '\(host)' is neither a DNS name nor an IP address: \(p.reason)", location: address)
        case .success(.address(let a)):
            if let refusal = IMAPEndpoint.plaintextRefusal([(a, host)], at: address) { throw refusal }
            return nil
        case .success(.name):
            switch IMAPEndpoint.resolve(host, port: port) {
            case .failure(let e):
                throw IMAPEndpoint.unresolvable(host: host, why: e.reason, at: address)
            case .success(let resolved):
                if let refusal = IMAPEndpoint.plaintextRefusal(resolved.map { ($0.bytes, $0.text) }, at: address) { throw refusal }
                return resolved
            }
        }
    }

    /// The `CURLOPT_RESOLVE` entry that pins `host:port` (a DNS name) to `addresses` (IPv6 in brackets).
    static func resolveEntry(host: String, port: Int, addresses: [ResolvedAddress]) -> String {
        "\(host):\(port):" + addresses.map { $0.bytes.count == 16 ? "[\($0.text)]" : $0.text }.joined(separator: ",")
    }
}
