/// A status condition: `OK`, `NO`, `BAD`, `BYE` or `PREAUTH`.
public enum IMAPStatus: String, Sendable, Equatable {
    case ok = "OK", no = "NO", bad = "BAD", bye = "BYE", preauth = "PREAUTH"
}

/// The response code in brackets after a status (`[UIDVALIDITY 42]`, `[THROTTLED]`), split into its name
/// (upper-cased) and the rest.
public struct IMAPResponseCode: Sendable, Equatable {
    public var name: String
    public var argument: String

    public init(name: String, argument: String = "") {
        self.name = name
        self.argument = argument
    }
}

/// One response from the server, as framed by `IMAPFramer`.
public enum IMAPResponse: Sendable, Equatable {
    /// `tag OK|NO|BAD [code] text`: the end of a command.
    case tagged(tag: String, status: IMAPStatus, code: IMAPResponseCode?, text: String)
    /// `* OK|NO|BAD|BYE|PREAUTH [code] text`.
    case status(IMAPStatus, code: IMAPResponseCode?, text: String)
    /// Any other untagged response: `* 3 EXISTS`, `* 1 FETCH (...)`, `* SEARCH 1 2`, `* LIST (...) "/" x`.
    case data([IMAPValue])
    /// `+ text`: the server waits for more of the command.
    case continuation(String)

    public static func parse(_ bytes: [UInt8]) throws -> IMAPResponse {
        var t = IMAPTokenizer(bytes)
        guard let first = bytes.first else { throw IMAPProtocolError("empty response") }
        if first == UInt8(ascii: "+") {
            var c = IMAPTokenizer(bytes, position: 1)
            c.skipSpaces()
            return .continuation(c.restOfLine())
        }
        let tag = try t.value()
        guard case .atom(let tagText) = tag else { throw IMAPProtocolError("response starts with no tag") }
        t.skipSpaces()
        if tagText == "*" {
            let save = t.position
            if case .atom(let word)? = try? t.value(), let status = IMAPStatus(rawValue: word.uppercased()) {
                let (code, text) = statusTail(&t)
                return .status(status, code: code, text: text)
            }
            t = IMAPTokenizer(bytes, position: save)
            return .data(try t.values())
        }
        guard case .atom(let word) = try t.value(), let status = IMAPStatus(rawValue: word.uppercased()) else {
            throw IMAPProtocolError("tagged response without OK, NO or BAD")
        }
        let (code, text) = statusTail(&t)
        return .tagged(tag: tagText, status: status, code: code, text: text)
    }

    private static func statusTail(_ t: inout IMAPTokenizer) -> (IMAPResponseCode?, String) {
        t.skipSpaces()
        let line = Array(t.restOfLine().utf8)
        var code: IMAPResponseCode?
        var textStart = 0
        if line.first == UInt8(ascii: "["), let close = line.firstIndex(of: UInt8(ascii: "]")) {
            let inside = String(decoding: line[1..<close], as: UTF8.self)
            let parts = inside.split(separator: " ", maxSplits: 1)
            code = IMAPResponseCode(name: parts.first.map { $0.uppercased() } ?? "",
                                    argument: parts.count > 1 ? String(parts[1]) : "")
            // Index arithmetic, not removeFirst: a long run of spaces must not cost quadratic time.
            textStart = close + 1
            while textStart < line.count && line[textStart] == 32 { textStart += 1 }
        }
        return (code, String(decoding: line[textStart...], as: UTF8.self))
    }
}
