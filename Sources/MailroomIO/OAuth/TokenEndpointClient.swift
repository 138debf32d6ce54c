import CCurlShim
import MailroomCore

/// One POST to an OAuth2 token endpoint through libcurl (`mr_curl_http_post`): TLS verified, plain `http://` only
/// to loopback addresses (checked after resolving and pinned, as plain IMAP is). Blocking: call it from a thread
/// of its own (the IMAP extract's, a command's main thread), never from the async cooperative pool.
enum TokenEndpointClient {
    struct Answer {
        var status: Int
        var body: [UInt8]
    }

    /// Largest reply read: a token answer is a few KiB.
    static let maxReplyBytes = 256 << 10

    /// Posts `form` to `url`. Throws `MailroomError` naming the token endpoint: `.host` (does not resolve), `.port`
    /// (nothing accepts connections), `.tls` (handshake or certificate; plain HTTP to an address that is not
    /// loopback), `.tokenEndpoint` (timeouts, a dropped connection, an oversized reply: retriable).
    static func post(_ url: OAuthTokenURL, form: [UInt8], caFile: String?, timeoutMs: Int, mailbox: String) throws -> Answer {
        let at = "the token endpoint \(url.host):\(url.port)"
        var pin: String?
        if !url.secure {
            switch IMAPHost.check(url.host) {
            case .success(.address(let a)):
                guard IMAPHost.isLoopback(a) else {
                    throw MailroomError(.tls, "mailbox \(mailbox): \(at) is http:// to an address that is not loopback; use https://", location: url.text)
                }
            case .success(.name):
                switch IMAPEndpoint.resolve(url.host, port: url.port) {
                case .failure(let e):
                    throw MailroomError(.host, "mailbox \(mailbox): the host name \(url.host) of \(at) does not resolve (\(e.reason)); check 'oauth.tokenUrl'", location: url.text)
                case .success(let resolved):
                    if let refusal = IMAPEndpoint.plaintextRefusal(resolved.map { ($0.bytes, $0.text) }, at: "\(url.host):\(url.port)") {
                        throw MailroomError(.tls, "mailbox \(mailbox): http:// token endpoint: \(refusal.message)", location: url.text)
                    }
                    pin = "\(url.host):\(url.port):" + resolved.map { $0.bytes.count == 16 ? "[\($0.text)]" : $0.text }.joined(separator: ",")
                }
            case .failure(let p):
                throw MailroomError(.usage, "mailbox \(mailbox): the host of 'oauth.tokenUrl' is neither a DNS name nor an IP address: \(p.reason)", location: url.text)
            }
        }
        _ = curlReady
        var status = 0
        var reply: UnsafeMutablePointer<CChar>?
        var replyLength = 0
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(MR_CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(MR_CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        var bodyCopy = form
        defer { for i in bodyCopy.indices { bodyCopy[i] = 0 } }
        let rc = bodyCopy.withUnsafeBytes { b in
            mr_curl_http_post(url.text, b.baseAddress, b.count, caFile, pin, timeoutMs, &status, &reply, &replyLength,
                              maxReplyBytes, errorBuffer)
        }
        defer { mr_curl_free_reply(reply, replyLength) }
        if rc != 0 {
            let detail = String(cString: errorBuffer)
            let why = TerminalText.escaped(detail.isEmpty ? String(cString: mr_curl_strerror(rc)) : detail)
            switch mr_curl_kind_of(rc) {
            case MR_KIND_HOST:
                throw MailroomError(.host, "mailbox \(mailbox): the host name \(url.host) of \(at) does not resolve (\(why)); check 'oauth.tokenUrl' and the network", location: url.text)
            case MR_KIND_PORT:
                throw MailroomError(.port, "mailbox \(mailbox): nothing accepts connections at \(at) (\(why)); check 'oauth.tokenUrl' and the network (a proxy is not used)", location: url.text)
            case MR_KIND_TLS:
                throw MailroomError(.tls, "mailbox \(mailbox): TLS with \(at) failed (\(why)); check 'oauth.caFile' and the system's CA certificates", location: url.text)
            default:
                throw MailroomError(.tokenEndpoint, "mailbox \(mailbox): the request to \(at) failed (\(why))", location: url.text,
                                    category: .retriable)
            }
        }
        var body: [UInt8] = []
        if let reply, replyLength > 0 {
            body = UnsafeRawBufferPointer(start: reply, count: replyLength).map { $0 }
        }
        return Answer(status: status, body: body)
    }

    private static let curlReady: Int32 = mr_curl_global_init()
}
