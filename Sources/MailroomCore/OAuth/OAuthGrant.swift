/// The refresh-token grant's request body and the rule deciding when an access token is renewed. Pure.
public enum OAuthGrant {
    /// `application/x-www-form-urlencoded` body of a refresh-token grant (RFC 6749 §6). Holds secrets: never
    /// logged, and wiped by the caller after sending where it can.
    public static func body(refreshToken: String, clientId: String, clientSecret: String?, scope: String) -> [UInt8] {
        var fields = [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", clientId)]
        if let clientSecret { fields.append(("client_secret", clientSecret)) }
        if !scope.isEmpty { fields.append(("scope", scope)) }
        return Array(fields.map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&").utf8)
    }

    /// Form encoding: unreserved characters as they are, space as `+`, every other byte `%XX`.
    public static func formEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: " "):
                out += "+"
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b & 15)]))
            }
        }
        return out
    }

    /// Lifetime assumed when the endpoint names none (`expires_in` absent): an hour, as Google and Microsoft give.
    public static let defaultLifetime = 3600.0

    /// Seconds before expiry at which a token is renewed: 60 s, or a tenth of its lifetime when that is less
    /// (a token living 2 s is renewed in its last 0.2 s).
    public static func renewalMargin(lifetime: Double) -> Double { min(60, max(0, lifetime) / 10) }

    /// Whether a token with `remaining` seconds left of `lifetime` should be renewed before it is used again.
    public static func shouldRenew(remaining: Double, lifetime: Double) -> Bool {
        remaining <= renewalMargin(lifetime: lifetime)
    }
}
