import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A local OAuth2 token endpoint for the refresh-token grant (issue 16 §5): plain HTTP/1.1 on 127.0.0.1 (allowed
/// for loopback only), one request per connection. Issues access tokens that expire after `lifetime` seconds,
/// rotates the refresh token on every grant when `rotate` is set (the old one then answers `invalid_grant`), and
/// can be told to answer an OAuth error or an HTTP status instead. `FakeIMAPServer.tokenExpiry` asks it which
/// access tokens are valid, and until when.
final class TokenEndpointServer: @unchecked Sendable {
    enum Mode { case issue, error(status: Int, code: String), status(Int) }

    let port: Int
    var url: String { "http://127.0.0.1:\(port)/token" }
    let clientId: String
    let clientSecret: String?
    /// Prefix of every token issued (a canary the tests look for in outputs and files).
    let canary: String
    var lifetime: Double
    var rotate: Bool
    var mode = Mode.issue
    private var refreshTokens: Set<String>
    private var accessTokens: [String: Double] = [:]
    private var counter = 0
    private(set) var grants = 0
    private(set) var lastBody = ""
    /// The user an active token belongs to, in introspection answers.
    var introspectionUser = "u"
    private(set) var introspections = 0
    var introspectionCount: Int { lock.lock(); defer { lock.unlock() }; return introspections }
    /// The introspection URL (`POST /introspect`, form field `token`) for Dovecot's oauth2 passdb.
    var introspectionURL: String { "http://127.0.0.1:\(port)/introspect" }
    private let listener: Int32
    private let lock = NSLock()

    /// Monotonic seconds, the clock both fake servers share.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    init(refreshToken: String, clientId: String, clientSecret: String?, canary: String, lifetime: Double = 2,
         rotate: Bool = true) throws {
        self.refreshTokens = [refreshToken]
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.canary = canary
        self.lifetime = lifetime
        self.rotate = rotate
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        listener = fd
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &a) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp in
                bind(fd, sp, len) == 0 && listen(fd, 8) == 0 && getsockname(fd, sp, &len) == 0
            }
        }
        guard ok else { throw HarnessError("token endpoint cannot listen") }
        port = Int(UInt16(bigEndian: a.sin_port))
        let t = Thread { [self] in self.serve() }
        t.start()
    }

    func close() { shutdown(listener, Int32(SHUT_RDWR)) }

    /// When `token` (an access token this endpoint issued) expires; nil for any other text.
    func expiry(of token: String) -> Double? {
        lock.lock(); defer { lock.unlock() }
        return accessTokens[token]
    }

    /// Refresh tokens currently accepted.
    var validRefreshTokens: Set<String> { lock.lock(); defer { lock.unlock() }; return refreshTokens }
    var grantCount: Int { lock.lock(); defer { lock.unlock() }; return grants }

    private func serve() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 { Glibc.close(listener); return }
            handle(fd)
            Glibc.close(fd)
        }
    }

    private func handle(_ fd: Int32) {
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 8192)
        var headerEnd: Int?
        var contentLength = 0
        var sentContinue = false
        while true {
            if headerEnd == nil, let r = find(data, Array("\r\n\r\n".utf8)) {
                headerEnd = r + 4
                let head = String(decoding: data[..<r], as: UTF8.self).lowercased()
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    contentLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
                if head.contains("expect: 100-continue"), !sentContinue {
                    sentContinue = true
                    send(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                }
            }
            if let h = headerEnd, data.count >= h + contentLength { break }
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { return }
            data += buf[0..<n]
        }
        let body = String(decoding: data[headerEnd!...], as: UTF8.self)
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let decode = { (s: String) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? s }
            form[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
        }
        let requestLine = String(decoding: data.prefix(while: { $0 != 13 && $0 != 10 }), as: UTF8.self)
        let (status, json) = requestLine.hasPrefix("POST /introspect ") ? introspect(form) : answer(form, body: body)
        let bytes = Array(json.utf8)
        let reason = status == 200 ? "OK" : "Error"
        send(fd, Array("HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n".utf8) + bytes)
    }

    /// Token introspection (RFC 7662) for Dovecot's oauth2 passdb: an access token this endpoint issued and that
    /// has not expired is active, for `introspectionUser`.
    private func introspect(_ form: [String: String]) -> (Int, String) {
        lock.lock(); defer { lock.unlock() }
        introspections += 1
        guard let token = form["token"], let until = accessTokens[token], until > Self.now() else {
            return (200, "{\"active\":false}")
        }
        return (200, "{\"active\":true,\"username\":\"\(introspectionUser)\",\"scope\":\"mail\"}")
    }

    private func answer(_ form: [String: String], body: String) -> (Int, String) {
        lock.lock(); defer { lock.unlock() }
        grants += 1
        lastBody = body
        switch mode {
        case .error(let status, let code):
            return (status, "{\"error\":\"\(code)\",\"error_description\":\"refused by the test endpoint\"}")
        case .status(let status):
            return (status, "<html>down</html>")
        case .issue:
            break
        }
        guard form["grant_type"] == "refresh_token" else {
            return (400, "{\"error\":\"unsupported_grant_type\"}")
        }
        guard form["client_id"] == clientId, form["client_secret"] == clientSecret else {
            return (401, "{\"error\":\"invalid_client\",\"error_description\":\"unknown client\"}")
        }
        guard let rt = form["refresh_token"], refreshTokens.contains(rt) else {
            return (400, "{\"error\":\"invalid_grant\",\"error_description\":\"token revoked\"}")
        }
        counter += 1
        let access = "\(canary)-at-\(counter)"
        accessTokens[access] = Self.now() + lifetime
        var json = "{\"access_token\":\"\(access)\",\"token_type\":\"Bearer\",\"expires_in\":\(Int(lifetime))"
        if rotate {
            let next = "\(canary)-rt-\(counter)"
            refreshTokens = [next]
            json += ",\"refresh_token\":\"\(next)\""
        }
        return (200, json + "}")
    }

    private func send(_ fd: Int32, _ b: [UInt8]) {
        _ = b.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, b.count, Int32(MSG_NOSIGNAL)) }
    }

    private func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }
}
