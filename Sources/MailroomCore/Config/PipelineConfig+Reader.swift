import Yams

/// Every problem found in a pipeline file: they are all reported at once.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// Each with its line and column when known (codes of stage `config`).
    public var issues: [RecordIssue]

    public init(file: String, issues: [RecordIssue]) {
        self.file = file
        self.issues = issues
    }

    /// One line per issue: `FILE:LINE: message`.
    public var description: String {
        issues.map { i in i.line.map { "\(file):\($0): \(i.detail)" } ?? "\(file): \(i.detail)" }
            .joined(separator: "\n")
    }
}

extension PipelineConfig {
    static let topKeys = ["name", "mailbox", "mailboxes", "ownDomains", "contacts", "backfillDays", "store",
                          "createContacts", "subjectJoinDays", "secret"]
    static let mailboxKeys = ["name", "source", "path", "owner", "host", "port", "security", "username", "secret",
                              "auth", "folders", "caFile", "provider", "throttle", "includeFolders", "oauth",
                              "allMail"]
    static let imapOnlyKeys: Set<String> = ["host", "port", "security", "username", "secret", "auth", "folders",
                                            "caFile", "provider", "throttle", "oauth", "allMail"]
    static let throttleKeys = ["messagesPerSecond", "bytesPerSecond", "bytesPerDay", "connections", "maxRetries"]
    /// A mailbox name is a folder name in the run directory: bounded well within 255 bytes.
    public static let maxMailboxNameBytes = 64

    /// Parses and validates a pipeline file's text. `file` only names the file in errors.
    public static func parse(yaml: String, file: String) throws(ConfigError) -> PipelineConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let e as YamlError {
            throw ConfigError(file: file, issues: [ConfigReader.issue(from: e)])
        } catch {
            throw ConfigError(file: file, issues: [RecordIssue(.yamlInvalid, "not valid YAML: \(error)")])
        }
        var r = ConfigReader()
        let config = r.pipeline(root)
        if !r.issues.isEmpty || config == nil {
            throw ConfigError(file: file, issues: r.issues.sorted { ($0.line ?? 0, $0.location.column ?? 0) < ($1.line ?? 0, $1.location.column ?? 0) })
        }
        return config!
    }
}

/// Walks the YAML tree collecting every issue instead of stopping at the first.
struct ConfigReader {
    var issues: [RecordIssue] = []
    /// The mapping being read: missing keys are reported at its line.
    var container: Node?

    static func issue(from e: YamlError) -> RecordIssue {
        switch e {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return RecordIssue(.yamlInvalid, at: .init(line: mark.line, column: mark.column), "not valid YAML: \(problem)")
        case .composer(_, let problem, let mark, _):
            return RecordIssue(.yamlInvalid, at: .init(line: mark.line, column: mark.column), "not valid YAML: \(problem)")
        default:
            return RecordIssue(.yamlInvalid, "not valid YAML: \(e)")
        }
    }

    /// An issue at `node` (else at the mapping being read): a value of the wrong type or outside its choices
    /// unless `code` says otherwise.
    mutating func add(_ node: Node?, _ message: String, code: IssueCode = .valueInvalid) {
        let at = node ?? container
        issues.append(RecordIssue(code, at: .init(line: at?.mark?.line, column: at?.mark?.column), message))
    }

    /// The mapping's entries by key, reporting unknown and repeated keys.
    mutating func entries(_ node: Node, allowed: [String], context: String) -> [String: (key: Node, value: Node)] {
        guard case .mapping(let m) = node else {
            add(node, "\(context) must be a mapping of keys to values")
            return [:]
        }
        var out: [String: (key: Node, value: Node)] = [:]
        for (k, v) in m {
            guard let name = k.string else { add(k, "\(context): a key must be a plain word"); continue }
            if !allowed.contains(name) {
                let hint = ConfigReader.closest(name, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                add(k, "unknown key '\(name)' in \(context)\(hint)", code: .keyUnknown)
                continue
            }
            if out[name] != nil { add(k, "key '\(name)' appears twice in \(context)", code: .keyRepeated); continue }
            out[name] = (k, v)
        }
        return out
    }

    static func closest(_ word: String, in candidates: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var prev = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var cur = [i] + Array(repeating: 0, count: b.count)
                for j in 1...max(b.count, 1) where !b.isEmpty {
                    cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                }
                prev = cur
            }
            return prev[b.count]
        }
        let w = Array(word.lowercased())
        let best = candidates.map { ($0, distance(w, Array($0.lowercased()))) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    mutating func string(_ e: [String: (key: Node, value: Node)], _ k: String, required: Bool, context: String)
        -> String?
    {
        guard let (key, v) = e[k] else {
            if required { add(nil, "missing key '\(k)' in \(context)", code: .keyMissing) }
            return nil
        }
        guard case .scalar(let s) = v, !s.string.isEmpty, v.null == nil else {
            add(v.mark == nil ? key : v, "'\(k)' in \(context) must be a non-empty string")
            return nil
        }
        return s.string
    }

    /// A `true`/`false` value; nil when the key is absent.
    mutating func bool(_ e: [String: (key: Node, value: Node)], _ k: String, context: String) -> Bool? {
        guard let (_, v) = e[k] else { return nil }
        guard case .scalar = v, let b = v.bool else {
            add(v, "'\(k)' in \(context) must be true or false")
            return nil
        }
        return b
    }

    mutating func int(_ e: [String: (key: Node, value: Node)], _ k: String, context: String, range: ClosedRange<Int>)
        -> Int?
    {
        guard let (_, v) = e[k] else { return nil }
        guard case .scalar = v, let i = v.int else {
            add(v, "'\(k)' in \(context) must be a whole number")
            return nil
        }
        guard range.contains(i) else {
            add(v, "'\(k)' in \(context) must be between \(range.lowerBound) and \(range.upperBound), not \(i)")
            return nil
        }
        return i
    }

    mutating func number(_ e: [String: (key: Node, value: Node)], _ k: String, context: String) -> Double? {
        guard let (_, v) = e[k] else { return nil }
        guard case .scalar = v, let d = v.float, d >= 0, d.isFinite else {
            add(v, "'\(k)' in \(context) must be a number of at least 0")
            return nil
        }
        return d
    }

    /// A string or a list of strings.
    mutating func strings(_ e: [String: (key: Node, value: Node)], _ k: String, required: Bool, context: String)
        -> [String]?
    {
        guard let (_, v) = e[k] else {
            if required { add(nil, "missing key '\(k)' in \(context)", code: .keyMissing) }
            return nil
        }
        switch v {
        case .scalar(let s) where v.null == nil && !s.string.isEmpty:
            return [s.string]
        case .sequence(let seq):
            var out: [String] = []
            for item in seq {
                guard case .scalar(let s) = item, item.null == nil, !s.string.isEmpty else {
                    add(item, "'\(k)' in \(context) must list non-empty strings")
                    continue
                }
                out.append(s.string)
            }
            return out
        default:
            add(v, "'\(k)' in \(context) must be a string or a list of strings")
            return nil
        }
    }

    mutating func oneOf<E: RawRepresentable & CaseIterable>(
        _ e: [String: (key: Node, value: Node)], _ k: String, _: E.Type, context: String
    ) -> E? where E.RawValue == String {
        guard let s = string(e, k, required: false, context: context) else { return nil }
        guard let v = E(rawValue: s) else {
            let choices = E.allCases.map(\.rawValue).joined(separator: " | ")
            add(e[k]?.value, "'\(k)' in \(context) must be one of \(choices), not '\(s)'")
            return nil
        }
        return v
    }

    mutating func pipeline(_ root: Node?) -> PipelineConfig? {
        guard let root else {
            add(nil, "the pipeline file is empty")
            return nil
        }
        guard case .mapping = root else {
            add(root, "the pipeline file must be a mapping of keys to values")
            return nil
        }
        container = root
        let e = entries(root, allowed: PipelineConfig.topKeys, context: "the pipeline")
        let name = string(e, "name", required: true, context: "the pipeline")
        var mailboxes: [MailboxConfig] = []
        switch (e["mailbox"], e["mailboxes"]) {
        case (nil, nil):
            add(nil, "missing key 'mailbox' (or 'mailboxes') in the pipeline", code: .keyMissing)
        case (.some(let a), .some):
            add(a.key, "use either 'mailbox' or 'mailboxes', not both", code: .keyRepeated)
        case (.some(let one), nil):
            if let m = mailbox(one.value, defaultName: "default") { mailboxes.append(m) }
            container = root
        case (nil, .some(let many)):
            if case .sequence(let seq) = many.value, !seq.isEmpty {
                var seen: [String: Node] = [:]
                for item in seq {
                    defer { container = root }
                    guard let m = mailbox(item, defaultName: nil) else { continue }
                    if seen[m.name] != nil {
                        add(item, "mailbox name '\(m.name)' is used twice")
                    } else {
                        seen[m.name] = item
                        mailboxes.append(m)
                    }
                }
            } else {
                add(many.value, "'mailboxes' must be a non-empty list of mailboxes")
            }
        }
        var ownDomains: [String] = []
        if let domains = strings(e, "ownDomains", required: true, context: "the pipeline") {
            for d in domains {
                let ascii = DomainName.toASCII(d)
                if let ascii { ownDomains.append(ascii) } else { add(e["ownDomains"]?.value, "'\(d)' in 'ownDomains' is not a valid domain name") }
            }
            if domains.isEmpty { add(e["ownDomains"]?.value, "'ownDomains' must list at least one domain") }
        }
        let contacts = string(e, "contacts", required: false, context: "the pipeline")
        let days = int(e, "backfillDays", context: "the pipeline", range: 1...36500) ?? 14
        let (store, storeSecret) = self.store(e)
        let create = oneOf(e, "createContacts", CreateContacts.self, context: "the pipeline") ?? .never
        let joinDays = int(e, "subjectJoinDays", context: "the pipeline", range: 0...3650)
            ?? ThreadBuilder.defaultSubjectJoinDays
        guard let name, issues.isEmpty else { return nil }
        return PipelineConfig(name: name, mailboxes: mailboxes, ownDomains: ownDomains, contacts: contacts,
                              backfillDays: days, store: store, createContacts: create, subjectJoinDays: joinDays,
                              storeSecret: storeSecret)
    }

    mutating func mailbox(_ node: Node, defaultName: String?) -> MailboxConfig? {
        let before = issues.count
        container = node
        let e = entries(node, allowed: PipelineConfig.mailboxKeys, context: "a mailbox")
        guard case .mapping = node else { return nil }
        let name = string(e, "name", required: defaultName == nil, context: "a mailbox") ?? defaultName ?? ""
        let ctx = name.isEmpty ? "a mailbox" : "mailbox '\(name)'"
        if !name.isEmpty, !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) {
            add(e["name"]?.value, "mailbox name '\(name)' may only hold letters, digits, '-', '_' and '.'")
        }
        if name.utf8.count > PipelineConfig.maxMailboxNameBytes {
            // It names a folder of the run directory (`extract/raw/<mailbox>/`).
            add(e["name"]?.value, "mailbox name '\(name.prefix(20))…' is \(name.utf8.count) bytes long; "
                + "at most \(PipelineConfig.maxMailboxNameBytes) bytes (UTF-8) are allowed")
        }
        let source = oneOf(e, "source", SourceKind.self, context: ctx)
        if e["source"] == nil { add(node, "missing key 'source' in \(ctx)", code: .keyMissing) }
        let owner = (strings(e, "owner", required: source != .imap, context: ctx) ?? []).map { $0.lowercased() }
        var path: String?
        var imap: IMAPSettings?
        if let source {
            if source == .imap {
                if let p = e["path"] { add(p.key, "'path' does not apply to an imap mailbox (\(ctx))", code: .keyUnknown) }
                imap = imapSettings(e, context: ctx, node: node)
            } else {
                path = string(e, "path", required: true, context: ctx)
                for k in PipelineConfig.imapOnlyKeys.sorted() {
                    if let entry = e[k] { add(entry.key, "'\(k)' applies only to source: imap (\(ctx))", code: .keyUnknown) }
                }
            }
        }
        let include = includeFolders(e, context: ctx)
        guard issues.count == before, let source else { return nil }
        var owners = owner
        if owners.isEmpty, let imap { owners = [imap.username.lowercased()] }
        return MailboxConfig(name: name, source: source, path: path, owner: owners, imap: imap,
                             includeFolders: include)
    }

    /// `includeFolders`: `all`, or one or a list of `drafts`, `junk`, `trash`, `outbox`.
    mutating func includeFolders(_ e: [String: (key: Node, value: Node)], context ctx: String) -> Set<LeftOutReason> {
        guard let names = strings(e, "includeFolders", required: false, context: ctx) else { return [] }
        var out = Set<LeftOutReason>()
        for n in names {
            if n == "all" {
                out.formUnion(LeftOutReason.allCases)
            } else if let r = LeftOutReason(rawValue: n) {
                out.insert(r)
            } else {
                let choices = (LeftOutReason.allCases.map(\.rawValue) + ["all"]).joined(separator: " | ")
                add(e["includeFolders"]?.value, "'includeFolders' in \(ctx) must list \(choices), not '\(n)'")
            }
        }
        return out
    }

    mutating func imapSettings(_ e: [String: (key: Node, value: Node)], context ctx: String, node: Node) -> IMAPSettings? {
        let provider = oneOf(e, "provider", IMAPProvider.self, context: ctx) ?? .generic
        let presetHost: String? = switch provider {
        case .gmail: "imap.gmail.com"
        case .outlook: "outlook.office365.com"
        case .generic: nil
        }
        let host = string(e, "host", required: presetHost == nil, context: ctx) ?? presetHost
        let security = oneOf(e, "security", IMAPSecurity.self, context: ctx) ?? .tls
        let port = int(e, "port", context: ctx, range: 1...65535) ?? (security == .tls ? 993 : 143)
        let username = string(e, "username", required: true, context: ctx)
        var secret: SecretReference?
        if let s = string(e, "secret", required: e["oauth"] == nil, context: ctx) {
            switch SecretReference.parse(s) {
            case .success(let r): secret = r
            // Never echo the value: it may be the password itself.
            case .failure(let p): add(e["secret"]?.value, "'secret' in \(ctx) \(p)")
            }
        }
        let auth = oneOf(e, "auth", IMAPAuth.self, context: ctx) ?? .password
        let folders = strings(e, "folders", required: false, context: ctx) ?? []
        let allMail = bool(e, "allMail", context: ctx) ?? false
        if allMail, let a = e["allMail"] {
            if provider != .gmail {
                add(a.key, "'allMail' in \(ctx) needs 'provider: gmail' (it reads Gmail's All Mail folder with each message's labels)")
            }
            if e["folders"] != nil {
                add(a.key, "'allMail' in \(ctx) reads All Mail only: remove 'folders' (or 'allMail')", code: .keyRepeated)
            }
        }
        let caFile = string(e, "caFile", required: false, context: ctx)
        var throttle = IMAPThrottle(bytesPerDay: IMAPThrottle.presetBytesPerDay(provider))
        if let t = e["throttle"] {
            let te = entries(t.value, allowed: PipelineConfig.throttleKeys, context: "throttle of \(ctx)")
            throttle.messagesPerSecond = number(te, "messagesPerSecond", context: "throttle") ?? 0
            throttle.bytesPerSecond = number(te, "bytesPerSecond", context: "throttle") ?? 0
            if let perDay = number(te, "bytesPerDay", context: "throttle") {
                if perDay > 1e15 || perDay != perDay.rounded() {  // `number` already refused a negative
                    add(te["bytesPerDay"]?.value, "'bytesPerDay' in throttle of \(ctx) must be a whole number of bytes from 0 (no daily allowance) to 10^15")
                } else {
                    throttle.bytesPerDay = Int(perDay)
                }
            }
            throttle.connections = int(te, "connections", context: "throttle", range: 1...16) ?? 1
            throttle.maxRetries = int(te, "maxRetries", context: "throttle", range: 0...100) ?? 5
        }
        if let host {
            switch IMAPHost.check(host) {
            case .failure(let p):
                add(e["host"]?.value, "'host' in \(ctx) must be a DNS name or an IP address, not '\(TerminalText.escaped(host))': \(p.reason)")
            case .success(.address(let a)) where security == .none && !IMAPHost.isLoopback(a):
                // A name is checked where it counts: on the addresses it resolves to, when connecting.
                add(e["security"]?.value, "'security: none' sends the password in clear: allowed only for a loopback host, not '\(host)' (\(ctx))")
            default: break
            }
        }
        if let list = e["folders"]?.value, folders.contains(where: IMAPCommand.hasLineBreakOrNUL) {
            add(list, "'folders' in \(ctx) names a folder with a line break or NUL character, which cannot be sent to an IMAP server")
        }
        var oauth: OAuthSettings?
        if let o = e["oauth"] {
            if let s = e["secret"] {
                add(s.key, "use either 'secret' (an access token or password) or 'oauth' (a refresh token Mailroom exchanges for access tokens) in \(ctx), not both", code: .keyRepeated)
            }
            if auth != .xoauth2 {
                add(o.key, "'oauth' in \(ctx) needs 'auth: xoauth2'")
            }
            oauth = oauthSettings(o.value, provider: provider, context: ctx)
            if oauth != nil, secret == nil { secret = oauth?.refreshToken }
        }
        guard let host, let username, let secret else { return nil }
        return IMAPSettings(host: host, port: port, security: security, username: username, secret: secret,
                            auth: auth, folders: folders, caFile: caFile, provider: provider, throttle: throttle,
                            oauth: oauth, allMail: allMail)
    }
}
