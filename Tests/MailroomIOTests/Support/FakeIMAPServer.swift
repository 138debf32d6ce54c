import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small scripted IMAP server on loopback (plain, one connection at a time) for faults Dovecot cannot
/// produce: `[THROTTLED]`, BYE mid-fetch, Gmail's X-GM-MSGID. It speaks just enough IMAP for libcurl's LOGIN
/// and Mailroom's commands.
final class FakeIMAPServer: @unchecked Sendable {
    struct Message {
        var uid: UInt64
        var internalDate: String
        var body: [UInt8]
        var gmMsgId: String?
        /// The RFC822.SIZE the server announces instead of the body's real size (a message too large to send).
        var announcedSize: Int? = nil
        /// Gmail: the X-GM-LABELS value exactly as sent on the wire (`("\\Inbox" Customers)`, `()`, `NIL`), in
        /// answers to a FETCH asking for X-GM-LABELS.
        var labels: String? = nil
    }
    struct Folder {
        var name: String
        var attributes: String
        var uidValidity: UInt64
        var messages: [Message]
        /// Sent as `[UIDNEXT n]` in the EXAMINE answer when set (any number, malformed ones included).
        var uidNext: UInt64? = nil
    }
    enum Fault {
        case throttled, serverBug, bye
        /// Sends these bytes (given the command's tag) instead of the answer, then reads the next command: a
        /// hostile or broken server's answer.
        case reply((String) -> [UInt8])
    }
    /// How a `UID FETCH` that leaves messages out completes: `OK` (Exchange) or
    /// `NO Some messages could not be FETCHed` (Gmail, Exchange); or, as Dovecot answers for a message expunged
    /// meanwhile, `nilBody`: the message's answer is sent with `BODY[] NIL` and the FETCH completes `OK`.
    enum Omission { case ok, no, nilBody }

    let port: Int
    var folders: [Folder]
    var gmail: Bool
    /// When set, the server offers only `AUTH=XOAUTH2` (with SASL-IR) and accepts this user and bearer token.
    var xoauth2: (user: String, token: String)?
    /// OAuth2 with expiring tokens (issue 16): when set, the server offers only `AUTH=XOAUTH2` and accepts
    /// `oauthUser` with a bearer token for which this returns an expiry (monotonic seconds, `TokenEndpointServer.now()`)
    /// still ahead; once that moment passes the session is dropped (`* BYE`), between commands or in the middle
    /// of a `UID FETCH` answer, before the next message.
    var tokenExpiry: ((String) -> Double?)?
    /// The SASL error JSON sent (base64) before refusing an XOAUTH2 token; Gmail's own wording by default.
    var saslError = "{\"status\":\"401\",\"schemes\":\"bearer mac\",\"scope\":\"https://mail.google.com/\"}\n"
    var oauthUser = "u"
    /// Seconds to wait before sending each body of a `UID FETCH` (a slow server, so a token expires mid-fetch).
    var bodyDelay = 0.0
    /// Per `folder/UID`, how many times its body was sent whole.
    private(set) var bodiesSent: [String: Int] = [:]
    /// Per `folder/UID`, how many times it was in a FETCH answer (listing or body).
    private(set) var fetchAnswers: [String: Int] = [:]
    /// Whole `UID FETCH` command lines, in order (what was asked for).
    private(set) var fetchCommands: [String] = []
    /// Sessions dropped because their token expired (of which in the middle of a FETCH answer).
    private(set) var expiryDrops = 0
    private(set) var expiryDropsMidFetch = 0
    /// Decides a fault for (connection number from 1, command verb such as "UID FETCH" or "EXAMINE").
    var fault: (Int, String) -> Fault? = { _, _ in nil }
    /// Decides, for (connection number from 1, UID, whether the FETCH asks for the body), to leave the message
    /// out of a `UID FETCH` answer; the answer then completes as `omission` says.
    var leaveOut: (Int, UInt64, Bool) -> Bool = { _, _, _ in false }
    var omission = Omission.ok
    /// The bytes sent on connecting instead of `* OK fake IMAP ready` CRLF (a broken or hostile greeting).
    var greeting: [UInt8]?
    /// UIDs expunged by another client: no longer searched or fetched.
    var expunged: Set<UInt64> = []
    private(set) var commands: [String] = []
    private(set) var connections = 0
    private let listener: Int32
    private let lock = NSLock()

    /// Listens on `address` (an IP address of this machine, IPv4 or IPv6; loopback unless a test needs another
    /// interface).
    init(folders: [Folder], gmail: Bool = false, address: String = "127.0.0.1") throws {
        self.folders = folders
        self.gmail = gmail
        let v6 = address.contains(":")
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        listener = fd
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        var len: socklen_t
        if v6 {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            guard inet_pton(AF_INET6, address, &a.sin6_addr) == 1 else { throw HarnessError("not an IPv6 address: \(address)") }
            len = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { d in withUnsafeBytes(of: a) { d.copyMemory(from: $0) } }
        } else {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_addr.s_addr = inet_addr(address)
            len = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { d in withUnsafeBytes(of: a) { d.copyMemory(from: $0) } }
        }
        let ok = withUnsafeMutablePointer(to: &storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp in
                bind(fd, sp, len) == 0 && listen(fd, 8) == 0 && getsockname(fd, sp, &len) == 0
            }
        }
        guard ok else { throw HarnessError("fake IMAP server cannot listen on \(address)") }
        // sin_port and sin6_port are at the same offset (2) of their structures.
        port = withUnsafeBytes(of: storage) { Int(UInt16($0[2]) << 8 | UInt16($0[3])) }
        // The thread keeps the server alive until it has stopped (after `close()`): a test may end while the
        // thread still finishes a hostile answer to a client that has gone.
        let t = Thread { [self] in self.serve() }
        t.start()
    }

    /// Stops accepting. The serving thread closes the listener itself once `accept` fails, so its descriptor
    /// number cannot be reused by another test's socket while this thread might still use it.
    func close() { shutdown(listener, Int32(SHUT_RDWR)) }

    var log: [String] { lock.lock(); defer { lock.unlock() }; return commands }
    /// `bodiesSent`, `expiryDrops` and `expiryDropsMidFetch` read under the lock.
    var oauthCounts: (bodies: [String: Int], drops: Int, midFetch: Int) {
        lock.lock(); defer { lock.unlock() }
        return (bodiesSent, expiryDrops, expiryDropsMidFetch)
    }
    /// `bodiesSent`, `fetchAnswers` and `fetchCommands` read under the lock.
    var fetchCounts: (bodies: [String: Int], answers: [String: Int], commands: [String]) {
        lock.lock(); defer { lock.unlock() }
        return (bodiesSent, fetchAnswers, fetchCommands)
    }

    private func serve() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                Glibc.close(listener)
                return
            }
            lock.lock(); connections += 1; let n = connections; lock.unlock()
            handle(fd, connection: n)
            Glibc.close(fd)
        }
    }

    private func handle(_ fd: Int32, connection: Int) {
        var pending: [UInt8] = []
        func send(_ s: String) { send(Array(s.utf8)) }
        func send(_ b: [UInt8]) { _ = b.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, b.count, Int32(MSG_NOSIGNAL)) } }
        func readLine() -> String? {
            while true {
                if let i = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[..<i], as: UTF8.self).trimmingCharacters(in: .newlines)
                    pending.removeSubrange(...i)
                    return line
                }
                var buf = [UInt8](repeating: 0, count: 4096)
                let n = recv(fd, &buf, buf.count, 0)
                if n <= 0 { return nil }
                pending += buf[0..<n]
            }
        }
        send(greeting ?? Array("* OK fake IMAP ready\r\n".utf8))
        var selected: Folder?
        var sessionExpiry: Double?
        func expired(midFetch: Bool) -> Bool {
            guard let e = sessionExpiry, TokenEndpointServer.now() >= e else { return false }
            lock.lock(); expiryDrops += 1; if midFetch { expiryDropsMidFetch += 1 }; lock.unlock()
            send("* BYE session expired: the access token is no longer valid\r\n")
            return true
        }
        while let line = readLine() {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let tag = parts[0], rest = parts[1]
            let words = rest.split(separator: " ").map(String.init)
            let verb = (words.first?.uppercased() == "UID" ? "UID " + (words.dropFirst().first ?? "") : words.first ?? "").uppercased()
            lock.lock(); commands.append(verb); lock.unlock()
            if expired(midFetch: false) { return }
            if let f = fault(connection, verb) {
                switch f {
                case .throttled: send("\(tag) NO [THROTTLED] too many requests\r\n"); continue
                case .serverBug: send("\(tag) NO [SERVERBUG] internal error\r\n"); continue
                case .bye: send("* BYE server going down\r\n"); return
                case .reply(let bytes): send(bytes(tag)); continue
                }
            }
            switch verb {
            case "CAPABILITY":
                let auth = xoauth2 != nil || tokenExpiry != nil ? " SASL-IR AUTH=XOAUTH2 LOGINDISABLED" : ""
                send("* CAPABILITY IMAP4rev1 SPECIAL-USE\(gmail ? " X-GM-EXT-1" : "")\(auth)\r\n\(tag) OK done\r\n")
            case "AUTHENTICATE":
                // As Gmail refuses an XOAUTH2 token: a continuation with base64 JSON (RFC 7628 section 3.2.2),
                // the client's dummy answer, then the tagged NO.
                func refuseToken() {
                    send("+ \(Data(saslError.utf8).base64EncodedString())\r\n")
                    _ = readLine()
                    send("\(tag) NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n")
                }
                var payload = words.count > 2 ? words[2] : ""
                if payload.isEmpty {
                    send("+ \r\n")
                    payload = readLine() ?? ""
                }
                let decoded = Data(base64Encoded: payload).map { String(decoding: $0, as: UTF8.self) } ?? ""
                if let check = tokenExpiry, words.count > 1, words[1].uppercased() == "XOAUTH2" {
                    let prefix = "user=\(oauthUser)\u{1}auth=Bearer ", suffix = "\u{1}\u{1}"
                    if decoded.hasPrefix(prefix), decoded.hasSuffix(suffix),
                       let until = check(String(decoded.dropFirst(prefix.count).dropLast(suffix.count))),
                       until > TokenEndpointServer.now() {
                        sessionExpiry = until
                        send("\(tag) OK authenticated\r\n")
                    } else {
                        refuseToken()
                    }
                } else if let x = xoauth2, words.count > 1, words[1].uppercased() == "XOAUTH2",
                   decoded == "user=\(x.user)\u{1}auth=Bearer \(x.token)\u{1}\u{1}" {
                    send("\(tag) OK authenticated\r\n")
                } else if words.count > 1, words[1].uppercased() == "XOAUTH2" {
                    refuseToken()
                } else {
                    send("\(tag) NO [AUTHENTICATIONFAILED] invalid credentials\r\n")
                }
            case "LOGIN":
                send("\(tag) OK logged in\r\n")
            case "LIST":
                for f in folders { send("* LIST (\(f.attributes)) \"/\" \"\(f.name)\"\r\n") }
                send("\(tag) OK listed\r\n")
            case "EXAMINE":
                let name = rest.dropFirst("EXAMINE ".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                guard let f = folders.first(where: { $0.name == name }) else { send("\(tag) NO no such folder\r\n"); continue }
                selected = f
                let next = f.uidNext.map { "* OK [UIDNEXT \($0)] next\r\n" } ?? ""
                send("* \(f.messages.count) EXISTS\r\n* OK [UIDVALIDITY \(f.uidValidity)] ok\r\n\(next)\(tag) OK [READ-ONLY] done\r\n")
            case "UID SEARCH":
                // `UID SEARCH UID <set>` answers the messages in the set (`n:*` up to the highest); others: all.
                var found = (selected?.messages ?? []).filter { !expunged.contains($0.uid) }
                if words.count > 3, words[2].uppercased() == "UID" {
                    let top = found.map(\.uid).max() ?? 0
                    let set = FakeIMAPServer.uids(words[3].replacingOccurrences(of: "*", with: String(top)))
                    found = found.filter { set.contains($0.uid) || (words[3].hasSuffix(":*") && $0.uid == top) }
                }
                send("* SEARCH \(found.map { String($0.uid) }.joined(separator: " "))\r\n\(tag) OK done\r\n")
            case "UID FETCH":
                let set = FakeIMAPServer.uids(words.count > 2 ? words[2] : "")
                let wantBody = rest.contains("BODY.PEEK[]")
                let wantLabels = gmail && rest.contains("X-GM-LABELS")
                lock.lock(); fetchCommands.append(rest); lock.unlock()
                var leftOut = false
                for (i, m) in (selected?.messages ?? []).enumerated() where set.contains(m.uid) && !expunged.contains(m.uid) {
                    let omit = leaveOut(connection, m.uid, wantBody)
                    if omit && !(omission == .nilBody && wantBody) { leftOut = true; continue }
                    var head = "* \(i + 1) FETCH (UID \(m.uid) RFC822.SIZE \(m.announcedSize ?? m.body.count) INTERNALDATE \"\(m.internalDate)\" FLAGS (\\Seen)"
                    if gmail, let g = m.gmMsgId { head += " X-GM-MSGID \(g)" }
                    if wantLabels, let l = m.labels { head += " X-GM-LABELS \(l)" }
                    lock.lock(); fetchAnswers["\(selected?.name ?? "")/\(m.uid)", default: 0] += 1; lock.unlock()
                    if omit {
                        send(head + " BODY[] NIL)\r\n")
                    } else if wantBody {
                        if bodyDelay > 0 { Thread.sleep(forTimeInterval: bodyDelay) }
                        if expired(midFetch: true) { return }
                        send(head + " BODY[] {\(m.body.count)}\r\n")
                        send(m.body)
                        send(")\r\n")
                        lock.lock(); bodiesSent["\(selected?.name ?? "")/\(m.uid)", default: 0] += 1; lock.unlock()
                    } else {
                        send(head + ")\r\n")
                    }
                }
                send(leftOut && omission == .no ? "\(tag) NO Some messages could not be FETCHed (Failure)\r\n"
                                                : "\(tag) OK fetched\r\n")
            case "LOGOUT":
                send("* BYE bye\r\n\(tag) OK bye\r\n")
                return
            default:
                send("\(tag) BAD unknown\r\n")
            }
        }
    }

    static func uids(_ set: String) -> Set<UInt64> {
        var out: Set<UInt64> = []
        for part in set.split(separator: ",") {
            let r = part.split(separator: ":").compactMap { UInt64($0) }
            if r.count == 2 { for u in min(r[0], r[1])...max(r[0], r[1]) { out.insert(u) } } else if r.count == 1 { out.insert(r[0]) }
        }
        return out
    }
}
