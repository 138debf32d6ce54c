extension PostgresSettings {
    /// Why a `store:` URI was refused. The message never repeats the URI: it may hold a password.
    public struct URIProblem: Error, Sendable, Equatable {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    /// Reads `postgres://…` or `postgresql://…` as libpq does (percent-encoding decoded in every part, `[…]` around
    /// an IPv6 address, query keywords overriding the parts before). Refuses a password (in the user part or as
    /// `password=`), several hosts, unknown keywords and an unknown `sslmode`.
    public static func parse(uri: String) -> Result<PostgresSettings, URIProblem> {
        let scheme = ["postgresql://", "postgres://"].first { uri.hasPrefix($0) }
        guard let scheme else { return .failure(URIProblem("a PostgreSQL store must start with postgres:// or postgresql://")) }
        var rest = Substring(uri.dropFirst(scheme.count))
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var authority = rest
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        }
        var s = PostgresSettings()
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if userinfo.contains(":") {
                return .failure(URIProblem("the store URI holds a password: take it out and name it with 'secret: env:NAME' or 'secret: file:PATH' (or use ~/.pgpass)"))
            }
            guard let u = percentDecoded(userinfo) else { return .failure(URIProblem("the user in the store URI has a bad %-escape")) }
            s.user = u.isEmpty ? nil : u
        }
        if authority.contains(",") {
            return .failure(URIProblem("the store URI names several hosts; Mailroom connects to one"))
        }
        var hostPart = authority
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return .failure(URIProblem("the store URI has '[' without ']' around its IPv6 address")) }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return .failure(URIProblem("the store URI has text after its IPv6 address")) }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        guard let host = percentDecoded(hostPart) else { return .failure(URIProblem("the host in the store URI has a bad %-escape")) }
        s.host = host.isEmpty ? nil : host
        if let portPart {
            switch port(portPart) {
            case .success(let p): s.port = p
            case .failure(let e): return .failure(e)
            }
        }
        guard let db = percentDecoded(path) else { return .failure(URIProblem("the database in the store URI has a bad %-escape")) }
        s.database = db.isEmpty ? nil : db
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard kv.count == 2, let key = percentDecoded(kv[0]), let value = percentDecoded(kv[1]) else {
                return .failure(URIProblem("the store URI's query must be KEYWORD=VALUE pairs joined by '&'"))
            }
            switch key {
            case "password", "sslpassword":
                return .failure(URIProblem("the store URI holds a password ('\(key)='): take it out and name it with 'secret: env:NAME' or 'secret: file:PATH' (or use ~/.pgpass)"))
            case "host": s.host = value.isEmpty ? nil : value
            case "port":
                switch port(Substring(value)) {
                case .success(let p): s.port = p
                case .failure(let e): return .failure(e)
                }
            case "dbname": s.database = value.isEmpty ? nil : value
            case "user": s.user = value.isEmpty ? nil : value
            case "client_encoding":
                return .failure(URIProblem("'client_encoding' cannot be set in the store URI: Mailroom always uses UTF8"))
            default:
                guard allowedKeywords.contains(key) else {
                    return .failure(URIProblem("unknown keyword '\(key)' in the store URI's query (libpq keywords such as sslmode, sslrootcert, connect_timeout, application_name)"))
                }
                if key == "sslmode", !sslModes.contains(value) {
                    return .failure(URIProblem("'sslmode' in the store URI must be one of \(sslModes.joined(separator: " | ")), not '\(value)'"))
                }
                guard s.options[key] == nil else { return .failure(URIProblem("keyword '\(key)' appears twice in the store URI")) }
                s.options[key] = value
            }
        }
        if s.host?.contains(",") == true { return .failure(URIProblem("the store URI names several hosts; Mailroom connects to one")) }
        return .success(s)
    }

    private static func port(_ text: Substring) -> Result<Int, URIProblem> {
        guard let p = Int(text), (1...65535).contains(p) else {
            return .failure(URIProblem("the port in the store URI must be a number from 1 to 65535"))
        }
        return .success(p)
    }

    /// `%XX` escapes decoded as UTF-8; nil for a bad escape or bytes that are not UTF-8.
    static func percentDecoded(_ s: Substring) -> String? {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b != UInt8(ascii: "%") { bytes.append(b); continue }
            guard it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            bytes.append(v)
            it = it.dropFirst(2)
        }
        guard !bytes.contains(0) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
