import CCurlShim
import MailroomCore

/// One logged-in IMAP connection: libcurl connects, does TLS (implicit or STARTTLS, required) and logs in
/// (`CURLOPT_CONNECT_ONLY`); Mailroom then sends its own tagged commands over `curl_easy_send`/`curl_easy_recv`
/// and frames the answers itself, so literals arrive whole and nothing but EXAMINE is ever used to open a folder.
///
/// Synchronous and not thread-safe: call it from a thread of its own, never from the async cooperative pool.
public final class IMAPConnection {
    public let endpoint: IMAPEndpoint
    private var handle: UnsafeMutableRawPointer?
    private var framer = IMAPFramer(limits: IMAPLimits())
    /// The `CURLOPT_RESOLVE` list that pins a plain connection to the checked loopback addresses.
    private var resolveList: UnsafeMutableRawPointer?
    /// The non-secret numeric options set on the handle, by name (`verify peer` 1, `use SSL` 1, ...): what
    /// tests read to pin the TLS settings.
    public private(set) var appliedOptions: [String: Int] = [:]
    private var tagNumber = 0
    private var receiveBuffer = [UInt8](repeating: 0, count: 256 * 1024)
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(MR_CURL_ERROR_SIZE))
    /// Debug trace of commands and first lines of responses, redacted (`IMAPRedaction`): never the secret, never
    /// message bytes. libcurl's own verbose output stays off (it would show the login).
    public var trace: ((String) -> Void)?
    /// Tag prefix distinct from libcurl's own `A001`.
    static let tagPrefix = "MR"

    private static let globalInit: Int32 = mr_curl_global_init()

    /// Connects and logs in. Throws `MailroomError` with `.host`, `.port`, `.tls`, `.auth` or `.network`.
    public init(_ endpoint: IMAPEndpoint) throws {
        self.endpoint = endpoint
        // Every stored property is initialized here, so a throw from now on runs deinit (which frees the buffer
        // and the handle): never free them in this initializer.
        errorBuffer.initialize(repeating: 0, count: Int(MR_CURL_ERROR_SIZE))
        try IMAPConnection.checkCurlVersion()
        // Plain IMAP only to loopback, decided on the addresses the host resolves to now; libcurl is then pinned
        // to exactly those addresses (a host name), so a second lookup cannot lead it elsewhere.
        let pinned = endpoint.security == .none ? try endpoint.checkedPlaintextAddresses() : nil
        _ = IMAPConnection.globalInit
        guard let h = mr_curl_easy_init() else {
            throw MailroomError(.internalError, "libcurl could not create a handle")
        }
        handle = h
        do {
            if let pinned {
                var rc: Int32 = 0
                resolveList = mr_curl_set_resolve(h, IMAPEndpoint.resolveEntry(host: endpoint.host, port: endpoint.port, addresses: pinned), &rc)
                if rc != 0 || resolveList == nil {
                    throw MailroomError(.internalError, "libcurl refused to pin \(endpoint.address) to its checked addresses: \(String(cString: mr_curl_strerror(rc)))")
                }
            }
            try configure(h)
            // What the server says during the login is kept (its lines only), so a refusal can be explained.
            let capture = UnsafeMutablePointer<mr_login_capture>.allocate(capacity: 1)
            defer { capture.deallocate() }
            let captured = mr_curl_capture_login(h, capture) == 0
            let rc = mr_curl_perform(h)
            let refusal = captured ? IMAPConnection.loginRefusal(capture) : nil
            if mr_curl_capture_stop(h) != 0 {
                throw MailroomError(.internalError, "libcurl refused to turn its login capture off")
            }
            if rc != 0 { throw IMAPConnection.error(code: rc, detail: lastErrorDetail(), endpoint: endpoint, refusal: refusal) }
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
        errorBuffer.deallocate()
    }

    /// Closes the connection (without LOGOUT; call `logout()` first for a polite end).
    public func close() {
        if let h = handle { mr_curl_easy_cleanup(h) }
        handle = nil
        mr_curl_slist_free(resolveList)
        resolveList = nil
    }

    private func configure(_ h: UnsafeMutableRawPointer) throws {
        func check(_ rc: Int32, _ what: String) throws {
            if rc != 0 {
                throw MailroomError(.internalError, "libcurl refused option \(what): \(String(cString: mr_curl_strerror(rc)))")
            }
        }
        func setLong(_ option: mr_curl_option, _ value: Int, _ what: String) throws {
            try check(mr_curl_setopt_long(h, option, value), what)
            appliedOptions[what] = value
        }
        try check(mr_curl_setopt_pointer(h, MR_OPT_ERRORBUFFER, errorBuffer), "error buffer")
        try check(mr_curl_setopt_string(h, MR_OPT_URL, endpoint.url), "URL")
        try setLong(MR_OPT_CONNECT_ONLY, 1, "connect only")
        try setLong(MR_OPT_NOSIGNAL, 1, "no signal")
        // Verbose output would show the login (base64): never on.
        try setLong(MR_OPT_VERBOSE, 0, "verbose")
        try setLong(MR_OPT_CONNECTTIMEOUT_MS, endpoint.connectTimeoutMs, "connect timeout")
        try setLong(MR_OPT_TIMEOUT_MS, endpoint.connectTimeoutMs, "timeout")
        try setLong(MR_OPT_SSL_VERIFYPEER, 1, "verify peer")
        try setLong(MR_OPT_SSL_VERIFYHOST, 2, "verify host")
        // TLS 1.2 or newer, whatever libcurl's or OpenSSL's defaults are.
        try setLong(MR_OPT_SSLVERSION_MIN_TLS12, 1, "TLS 1.2 or newer")
        // STARTTLS is required when asked for: CURLUSESSL_ALL (never TRY, which silently stays plain).
        try setLong(MR_OPT_USE_SSL_ALL, endpoint.security == .starttls ? 1 : 0, "use SSL")
        if let ca = endpoint.caFile { try check(mr_curl_setopt_string(h, MR_OPT_CAINFO, ca), "CA file") }
        try check(mr_curl_setopt_string(h, MR_OPT_USERNAME, endpoint.username), "username")
        switch endpoint.auth {
        case .password:
            try check(mr_curl_setopt_string(h, MR_OPT_PASSWORD, endpoint.secret), "password")
        case .xoauth2:
            try check(mr_curl_setopt_string(h, MR_OPT_XOAUTH2_BEARER, endpoint.secret), "bearer token")
            try check(mr_curl_setopt_string(h, MR_OPT_LOGIN_OPTIONS, "AUTH=XOAUTH2"), "login options")
        }
    }

    private func lastErrorDetail() -> String {
        String(cString: errorBuffer)
    }

    // MARK: commands

    /// Sends `command` with a fresh tag, passes every untagged response to `untagged`, and returns the tagged
    /// completion. A `NO`/`BAD` completion is returned, not thrown; BYE and I/O failures throw `.network`.
    @discardableResult
    public func run(_ command: String, untagged: (IMAPResponse) throws -> Void = { _ in }) throws -> IMAPResponse {
        tagNumber += 1
        let tag = "\(IMAPConnection.tagPrefix)\(tagNumber)"
        trace?("C: " + IMAPRedaction.command("\(tag) \(command)"))
        // A command is one line: a CR, LF or NUL from anywhere (a folder name) would start another command.
        if IMAPCommand.hasLineBreakOrNUL(command) {
            throw MailroomError(.internalError, "refused to send an IMAP command holding a line break or NUL: \(TerminalText.escaped(IMAPRedaction.command("\(tag) \(command)")))",
                                location: endpoint.address)
        }
        try send(Array("\(tag) \(command)\r\n".utf8))
        while true {
            let response = try readResponse()
            switch response {
            case .tagged(let t, _, _, _) where t == tag:
                return response
            case .tagged:
                continue
            case .status(.bye, _, let text):
                throw MailroomError(.network, "the server at \(endpoint.address) closed the connection (BYE \(text))",
                                    location: endpoint.address)
            default:
                do { try untagged(response) } catch let e as IMAPProtocolError { throw protocolError(e) }
            }
        }
    }

    /// Like `run`, but a `NO` or `BAD` completion throws: `[THROTTLED]`/`[UNAVAILABLE]`/`[LIMIT]` as `.network`
    /// (retried), others as `.network` marked the server's fault (not retried: it would refuse again) naming the
    /// command verb. A refusal of a command Mailroom sends is the server failing, not a bug in Mailroom.
    public func expectOK(_ command: String, untagged: (IMAPResponse) throws -> Void = { _ in }) throws {
        try checkOK(try run(command, untagged: untagged), command: command)
    }

    /// Throws for a `NO` or `BAD` completion `r` of `command`, as `expectOK` does.
    func checkOK(_ r: IMAPResponse, command: String) throws {
        guard case .tagged(_, let status, let code, let text) = r, status != .ok else { return }
        let verb = command.split(separator: " ").prefix(2).joined(separator: " ")
        let refusal = IMAPFailure.refused(verb: verb, status: status, code: code, text: text)
        let coded = code.map { "[\($0.name)] " } ?? ""
        if IMAPThrottling.isTransient(code: code?.name, text: text) {
            throw MailroomError(.network, "the server at \(endpoint.address) answered \(verb) with \(status.rawValue) \(coded)\(text)",
                                location: endpoint.address, cause: refusal)
        }
        if IMAPThrottling.isDailyLimit(text: text) {
            throw MailroomError(.network, "the server at \(endpoint.address) answered \(verb) with \(status.rawValue) \(coded)\(text): Gmail stops IMAP downloads for up to a day once an account passed its daily limits (2,500 MB of downloads a day); what was fetched is checkpointed: run the same command again tomorrow, and keep throttle.bytesPerDay at or below the limit",
                                location: endpoint.address, category: .fatal, cause: refusal)
        }
        throw MailroomError(.network, "the server at \(endpoint.address) answered \(verb) with \(status.rawValue) \(text)",
                            location: endpoint.address, category: .fatal, cause: refusal)
    }

    /// LOGOUT, ignoring failures (the connection is closed either way).
    public func logout() {
        _ = try? run("LOGOUT")
        close()
    }

    // MARK: bytes

    func send(_ bytes: [UInt8]) throws {
        guard let h = handle else { throw closedError() }
        var offset = 0
        while offset < bytes.count {
            var n = 0
            let rc = bytes.withUnsafeBytes { p in
                mr_curl_send(h, p.baseAddress! + offset, bytes.count - offset, &n)
            }
            if rc == 0 { offset += n; continue }
            if mr_curl_kind_of(rc) == MR_KIND_AGAIN { try wait(writable: true); continue }
            throw IMAPConnection.error(code: rc, detail: lastErrorDetail(), endpoint: endpoint, afterLogin: true)
        }
    }

    func readResponse() throws -> IMAPResponse {
        while true {
            let framed: [UInt8]?
            do { framed = try framer.next() } catch let e as IMAPProtocolError { throw protocolError(e) }
            if let framed {
                trace?("S: " + IMAPRedaction.response(framed))
                do { return try IMAPResponse.parse(framed) } catch let e as IMAPProtocolError { throw protocolError(e) }
            }
            try receive()
        }
    }

    private func receive() throws {
        guard let h = handle else { throw closedError() }
        while true {
            var n = 0
            let count = receiveBuffer.count
            let rc = receiveBuffer.withUnsafeMutableBytes { p in mr_curl_recv(h, p.baseAddress!, count, &n) }
            if rc == 0 {
                if n == 0 { throw closedError() }
                framer.feed(receiveBuffer[0..<n])
                return
            }
            if mr_curl_kind_of(rc) == MR_KIND_AGAIN { try wait(writable: false); continue }
            throw IMAPConnection.error(code: rc, detail: lastErrorDetail(), endpoint: endpoint, afterLogin: true)
        }
    }

    private func wait(writable: Bool) throws {
        guard let h = handle else { throw closedError() }
        let socket = mr_curl_active_socket(h)
        guard socket >= 0 else { throw closedError() }
        let r = mr_curl_wait_socket(socket, writable ? 2 : 1, Int32(endpoint.ioTimeoutMs))
        if r == 0 {
            throw MailroomError(.network, "no answer from \(endpoint.address) within \(endpoint.ioTimeoutMs / 1000) s",
                                location: endpoint.address)
        }
        if r < 0 { throw closedError() }
    }

    /// A protocol violation: the server's fault, `.network` (exit 16), `fatal` (not retried). The connection is closed:
    /// nothing more is read from a server that sent it.
    func protocolError(_ e: IMAPProtocolError) -> MailroomError {
        close()
        return MailroomError(.network, "the server at \(endpoint.address) broke the IMAP protocol or Mailroom's limits for a server's answer (not retried): \(e.message)",
                             location: endpoint.address, category: .fatal, cause: e)
    }

    private func closedError() -> MailroomError {
        MailroomError(.network, "the connection to \(endpoint.address) was dropped", location: endpoint.address)
    }
}
