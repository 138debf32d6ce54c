/// A token endpoint's URL, read enough to decide how to reach it: `https://HOST[:PORT]/PATH`, or
/// `http://HOST[:PORT]/PATH` for a loopback host only (the addresses a name resolves to are checked when
/// connecting, as for `security: none`).
public struct OAuthTokenURL: Sendable, Equatable {
    public var secure: Bool
    /// Without brackets for IPv6.
    public var host: String
    public var port: Int
    public var text: String

    public init?(_ text: String) { if case .success(let u) = Self.parse(text) { self = u } else { return nil } }

    private init(secure: Bool, host: String, port: Int, text: String) {
        self.secure = secure
        self.host = host
        self.port = port
        self.text = text
    }

    /// The URL, or why it is not one Mailroom uses (the rest of a sentence "'tokenUrl' … ").
    public static func parse(_ text: String) -> Result<OAuthTokenURL, Problem> {
        let lower = text.lowercased()
        let secure: Bool
        let rest: Substring
        if lower.hasPrefix("https://") { secure = true; rest = text.dropFirst(8) }
        else if lower.hasPrefix("http://") { secure = false; rest = text.dropFirst(7) }
        else { return .failure(.scheme) }
        guard !text.contains(where: { $0 == " " || $0 == "\t" || $0.isNewline || $0 == "\0" }) else { return .failure(.characters) }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return .failure(.userInfo) }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return .failure(.host) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return .failure(.host) }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty, case .success = IMAPHost.check(String(host)) else { return .failure(.host) }
        var port = secure ? 443 : 80
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { return .failure(.port) }
            port = p
        }
        if !secure, case .success(.address(let a)) = IMAPHost.check(String(host)), !IMAPHost.isLoopback(a) {
            return .failure(.plainNotLoopback)
        }
        return .success(OAuthTokenURL(secure: secure, host: String(host), port: port, text: text))
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case scheme, characters, userInfo, host, port, plainNotLoopback

        public var description: String {
            switch self {
            case .scheme: return "must start with https:// (http:// only for a loopback host)"
            case .characters: return "must not hold spaces, line breaks or NUL"
            case .userInfo: return "must not hold a user name or password (user@host)"
            case .host: return "must name a DNS name or an IP address as its host"
            case .port: return "has a port that is not a number from 1 to 65535"
            case .plainNotLoopback: return "uses http:// to a host that is not loopback: the client secret and refresh token would travel in clear (use https://)"
            }
        }
    }
}
