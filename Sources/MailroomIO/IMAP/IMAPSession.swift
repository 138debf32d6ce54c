import MailroomCore

/// What EXAMINE reported about a folder.
public struct IMAPFolderStatus: Sendable, Equatable {
    public var uidValidity: UInt64
    public var exists: Int
    public var uidNext: UInt64?
}

/// IMAP commands Mailroom uses, over one `IMAPConnection`. Read-only: folders are opened with EXAMINE and
/// bodies read with `BODY.PEEK[]`, so nothing on the server changes (no `\Seen`).
public final class IMAPSession {
    public let connection: IMAPConnection
    public private(set) var capabilities: Set<String> = []

    public init(_ endpoint: IMAPEndpoint) throws {
        connection = try IMAPConnection.open(endpoint)
        try refreshCapabilities()
    }

    public var endpoint: IMAPEndpoint { connection.endpoint }

    /// Gmail's extensions (X-GM-MSGID) are offered.
    public var isGmail: Bool { capabilities.contains("X-GM-EXT-1") }

    func refreshCapabilities() throws {
        var caps: Set<String> = []
        try connection.expectOK("CAPABILITY") { r in
            if case .data(let v) = r, v.first?.atom?.uppercased() == "CAPABILITY" {
                for c in v.dropFirst() { if let a = c.atom { caps.insert(a.uppercased()) } }
            }
        }
        capabilities = caps
    }

    /// Every folder, with special-use attributes when the server has them.
    public func listFolders() throws -> [IMAPListedFolder] {
        var out: [IMAPListedFolder] = []
        try connection.expectOK(IMAPCommand.list(specialUse: capabilities.contains("SPECIAL-USE"))) { r in
            if case .data(let v) = r, let f = IMAPListedFolder(listValues: v) { out.append(f) }
        }
        return out
    }

    /// Opens a folder read-only, by its wire name (modified UTF-7, as LIST gives it; `ModifiedUTF7.encode` a
    /// display name). A folder the server does not have throws `.folder`.
    @discardableResult
    public func examine(_ wireName: String) throws -> IMAPFolderStatus {
        let folder = ModifiedUTF7.decode(wireName) ?? wireName
        var validity: UInt64?
        var exists = 0
        var uidNext: UInt64?
        let command: String
        do { command = try IMAPCommand.examine(wireName: wireName) } catch let e as IMAPProtocolError {
            throw connection.protocolError(e)
        }
        let r = try connection.run(command) { r in
            switch r {
            case .status(.ok, let code?, _):
                // Numbers past 2^63 - 1 are a protocol error (IMAPValue.number64), never a trap.
                if code.name == "UIDVALIDITY" {
                    validity = try IMAPValue.number64(code.argument, what: "UIDVALIDITY").map { UInt64($0) }
                }
                // UIDNEXT is at least 1 (RFC 9051 nz-number); a 0 is ignored like a missing one.
                if code.name == "UIDNEXT", let n = try IMAPValue.number64(code.argument, what: "UIDNEXT"), n > 0 {
                    uidNext = UInt64(n)
                }
            case .data(let v):
                if v.count >= 2, v[1].atom?.uppercased() == "EXISTS", let n = try v[0].number64("EXISTS") { exists = n }
            default: break
            }
        }
        guard case .tagged(_, let status, let code, let text) = r else { throw MailroomError(.internalError, "no EXAMINE answer") }
        if status != .ok {
            if IMAPThrottling.isTransient(code: code?.name, text: text) {
                throw MailroomError(.network, "the server at \(endpoint.address) answered EXAMINE with \(code.map { "[\($0.name)] " } ?? "")\(text)",
                                    location: endpoint.address, cause: IMAPFailure.refused(verb: "EXAMINE", status: status, code: code, text: text))
            }
            throw MailroomError(.folder, "the folder \"\(folder)\" cannot be opened on \(endpoint.address) (\(text)); check the folder name",
                                location: folder)
        }
        guard let validity else {
            throw MailroomError(.network, "the server at \(endpoint.address) gave no UIDVALIDITY for \"\(folder)\"",
                                location: folder)
        }
        return IMAPFolderStatus(uidValidity: validity, exists: exists, uidNext: uidNext)
    }

    /// `UID SEARCH <criteria>`, answer sorted.
    public func uidSearch(_ command: String) throws -> [UInt64] {
        var uids: [UInt64] = []
        try connection.expectOK(command) { r in
            if case .data(let v) = r, v.first?.atom?.uppercased() == "SEARCH" {
                for n in v.dropFirst() { if let u = try n.number64("a SEARCH UID") { uids.append(UInt64(u)) } }
            }
        }
        return uids.sorted()
    }

    /// Runs a `UID FETCH` and hands each FETCH answer (with a UID) to `each`, as it arrives.
    /// An unreadable FETCH answer is a protocol error (`.network`, the server's fault, not retried).
    public func fetch(_ command: String, each: (IMAPFetchResult) throws -> Void) throws {
        try connection.expectOK(command) { r in try handleFetch(r, each) }
    }

    /// Like `fetch`, but a plain `NO` completion is not an error: Gmail and Exchange answer
    /// `NO Some messages could not be FETCHed` after delivering the messages they could. Returns that text (nil
    /// after `OK`); the caller compares what arrived with what it asked for and retries the rest. A `NO` with a
    /// transient code (`[THROTTLED]`, ...) is still `.network`; `BAD` is still an error.
    public func fetchAllowingOmissions(_ command: String, each: (IMAPFetchResult) throws -> Void) throws -> String? {
        try omission(in: try fetchAnswer(command, each: each), of: command)
    }

    /// `fetchAllowingOmissions` in two steps: the answers and the completion (throws only when the connection
    /// fails or `each` throws), then `omission(in:of:)` on the completion.
    func fetchAnswer(_ command: String, each: (IMAPFetchResult) throws -> Void) throws -> IMAPResponse {
        try connection.run(command) { r in try handleFetch(r, each) }
    }

    /// The text of a plain `NO` completion (nil after `OK`); other refusals throw as `expectOK` does.
    func omission(in r: IMAPResponse, of command: String) throws -> String? {
        if case .tagged(_, .no, let code, let text) = r, !IMAPThrottling.isTransient(code: code?.name, text: text),
           !IMAPThrottling.isDailyLimit(text: text) {
            return text.isEmpty ? "NO" : text
        }
        try connection.checkOK(r, command: command)
        return nil
    }

    private func handleFetch(_ r: IMAPResponse, _ each: (IMAPFetchResult) throws -> Void) throws {
        guard case .data(let v) = r else { return }
        let parsed: IMAPFetchResult?
        do { parsed = try IMAPFetchResult(v) } catch let e as IMAPProtocolError {
            throw connection.protocolError(IMAPProtocolError("\(e.message) (in a FETCH answer)"))
        }
        guard let f = parsed, f.uid != nil else { return }
        try each(f)
    }

    public func logout() { connection.logout() }
}
