import CCurlShim
import MailroomCore

extension IMAPConnection {
    /// Maps a libcurl failure to a run error that says what to check: host, port, encryption, username/app
    /// password. After login, every failure is a dropped connection (`.network`, retried).
    static func error(code: Int32, detail: String, endpoint e: IMAPEndpoint, afterLogin: Bool = false,
                      refusal: IMAPLoginRefusal? = nil) -> MailroomError {
        let curl = String(cString: mr_curl_strerror(code))
        let why = detail.isEmpty ? curl : detail
        let at = e.address
        let cause = IMAPFailure.curl(code: code, detail: why)
        if afterLogin {
            return MailroomError(.network, "the connection to \(at) failed: \(why)", location: at, cause: cause)
        }
        switch mr_curl_kind_of(code) {
        case MR_KIND_HOST:
            return IMAPEndpoint.unresolvable(host: e.host, why: why, at: at)
        case MR_KIND_PORT:
            return MailroomError(.port, "nothing accepts connections at \(at) (\(why)); check the host and port", location: at, cause: cause)
        case MR_KIND_TIMEOUT:
            return MailroomError(.port, "connecting to \(at) timed out (\(why)); check the host, the port and the encryption (security: \(e.security.rawValue))", location: at, cause: cause)
        case MR_KIND_TLS:
            let hint: String
            switch e.security {
            case .starttls: hint = "the server must offer STARTTLS with a certificate valid for \(e.host)"
            case .tls: hint = "port \(e.port) must speak implicit TLS with a certificate valid for \(e.host)"
            case .none: hint = "check the encryption setting"
            }
            let ca = e.caFile.map { " (trusting the CA file \($0))" } ?? ""
            return MailroomError(.tls, "encryption failed with \(at): \(why)\(ca); check the encryption (security: \(e.security.rawValue)): \(hint)", location: at, cause: cause)
        case MR_KIND_AUTH:
            return loginRefused(at: at, auth: e.auth, refusal: refusal, cause: cause)
        case MR_KIND_NETWORK:
            return MailroomError(.network, "the connection to \(at) failed during login: \(why); check the port and the encryption (security: \(e.security.rawValue))", location: at, cause: cause)
        default:
            return MailroomError(.network, "connecting to \(at) failed: \(why)", location: at, cause: cause)
        }
    }

    /// A refused login, with what the server said (its tagged text and a decoded SASL error) and what to check.
    static func loginRefused(at: String, auth: IMAPAuth, refusal: IMAPLoginRefusal?, cause: IMAPFailure) -> MailroomError {
        var check = auth == .xoauth2 ? "the username and the OAuth2 access token" : "the username and the app password"
        if let meaning = refusal?.saslMeaning { check = "\(meaning); check \(check)" } else { check = "check \(check)" }
        if auth == .xoauth2, refusal?.isScopeError == true {
            check += " and the scope the token was granted ('oauth.scope')"
        }
        let said = refusal.map { " (\($0.said))" } ?? ""
        return MailroomError(.auth, "the server at \(at) rejected the login\(said); \(check)", location: at, cause: cause)
    }

    /// The login capture as a decoded refusal (nil when the server said nothing useful).
    static func loginRefusal(_ capture: UnsafeMutablePointer<mr_login_capture>) -> IMAPLoginRefusal? {
        func text<T>(_ field: inout T) -> String {
            withUnsafeBytes(of: &field) { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                let end = bytes.firstIndex(of: 0) ?? bytes.count
                return String(decoding: bytes[..<end], as: UTF8.self)
            }
        }
        return IMAPLoginRefusal.parse(continuation: text(&capture.pointee.continuation),
                                      refusal: text(&capture.pointee.refusal))
    }
}
