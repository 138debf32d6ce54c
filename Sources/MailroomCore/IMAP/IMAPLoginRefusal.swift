/// What an IMAP server said when it refused a login, decoded for the person running Mailroom.
///
/// - `refusal`: the tagged `NO`/`BAD` line (`A002 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)`); its
///   response code and text are kept.
/// - `continuation`: the last SASL continuation (`+ eyJzdGF0dXMiOi…`). A server that refuses an XOAUTH2 or
///   OAUTHBEARER token sends base64 JSON there before the `NO` (RFC 7628 section 3.2.2; Gmail:
///   `{"status":"401","schemes":"bearer mac","scope":"https://mail.google.com/"}`; Dovecot 2.3's oauth2 passdb:
///   `{"status":"401","schemes":"bearer","scope":"mail"}`). libcurl gives up at that continuation, so for
///   XOAUTH2 the tagged `NO` after it is usually never read.
///
/// Server text is untrusted: it is escaped and cut to 200 characters. It holds no secret (only what the server sent
/// is kept, never the login libcurl sent).
public struct IMAPLoginRefusal: Sendable, Equatable {
    /// The response code of the tagged line (`AUTHENTICATIONFAILED`, `ALERT`, `UNAVAILABLE`), upper-cased.
    public var code: String?
    /// The tagged line's human text after the code.
    public var text: String?
    /// The SASL error's `status` (`"401"`, `"invalid_token"`), `scope` and `schemes`, when the continuation held
    /// base64 JSON.
    public var saslStatus: String?
    public var saslScope: String?
    public var saslSchemes: String?

    public init(code: String? = nil, text: String? = nil, saslStatus: String? = nil, saslScope: String? = nil,
                saslSchemes: String? = nil) {
        self.code = code
        self.text = text
        self.saslStatus = saslStatus
        self.saslScope = saslScope
        self.saslSchemes = saslSchemes
    }

    /// Nil when the server said nothing worth showing (no tagged refusal, no decodable continuation).
    public static func parse(continuation: String, refusal: String) -> IMAPLoginRefusal? {
        var r = IMAPLoginRefusal()
        let line = refusal.trimmingSpaces()
        if !line.isEmpty {
            // `TAG NO [CODE args] text` or `TAG NO text`.
            var rest = Substring(line)
            for _ in 0..<2 {
                if let space = rest.firstIndex(of: " ") { rest = rest[rest.index(after: space)...] } else { rest = "" }
            }
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                r.code = inside.split(separator: " ").first.map { String($0).uppercased() }
                rest = rest[rest.index(after: close)...]
            }
            let text = String(rest).trimmingSpaces()
            r.text = text.isEmpty ? nil : IMAPLoginRefusal.shown(text)
        }
        let cont = continuation.trimmingSpaces()
        if cont.hasPrefix("+") {
            let payload = String(cont.dropFirst()).trimmingSpaces()
            if let bytes = TransferEncoding.base64(Array(payload.utf8), strict: true), !bytes.isEmpty, let json = try? JSONParser.parse(bytes), let o = json.objectValue {
                func field(_ k: String) -> String? {
                    guard let v = o[k] else { return nil }
                    let s = v.stringValue ?? v.intValue.map(String.init)
                    return s.flatMap { $0.isEmpty ? nil : IMAPLoginRefusal.shown($0) }
                }
                r.saslStatus = field("status")
                r.saslScope = field("scope")
                r.saslSchemes = field("schemes")
            }
        }
        return r == IMAPLoginRefusal() ? nil : r
    }

    /// What the server said, as one clause: `NO [AUTHENTICATIONFAILED] Invalid credentials; SASL error status 401,
    /// scope https://mail.google.com/`.
    public var said: String {
        var parts: [String] = []
        if code != nil || text != nil {
            parts.append(([code.map { "[\($0)]" }, text].compactMap { $0 }).joined(separator: " "))
        }
        if let saslStatus {
            var s = "SASL error status \(saslStatus)"
            if let saslScope { s += ", scope \(saslScope)" }
            parts.append(s)
        }
        return parts.joined(separator: "; ")
    }

    /// What the SASL status means, for a line saying what to check (nil when it is not one Mailroom knows).
    /// Gmail and Dovecot answer HTTP status numbers; RFC 6750 error names (`invalid_token`) are understood too.
    public var saslMeaning: String? {
        switch saslStatus?.lowercased() {
        case "401", "invalid_token":
            return "the access token is invalid or expired"
        case "400", "invalid_request":
            return "the token does not belong to this username (for Microsoft 365: the mailbox address; a shared mailbox takes a delegate's token with the shared address as username), or the request was malformed"
        case _ where isScopeError:
            return "the token lacks the scope the server needs" + (saslScope.map { " (\($0))" } ?? "")
        default:
            return nil
        }
    }

    /// The SASL status says the token lacks a scope (403, `insufficient_scope`).
    public var isScopeError: Bool { ["403", "insufficient_scope"].contains(saslStatus?.lowercased() ?? "") }

    /// `[ALERT]` text is meant for the user (Gmail: "Application-specific password required: https://…").
    public var isAlert: Bool { code == "ALERT" }

    static func shown(_ s: String) -> String {
        let e = TerminalText.escaped(s)
        return e.count > 200 ? String(e.prefix(200)) + "…" : e
    }
}
