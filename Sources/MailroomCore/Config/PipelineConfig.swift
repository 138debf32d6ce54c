/// A pipeline file, validated. Paths are as written (relative to the pipeline file's folder); the I/O layer
/// resolves them. Defaults are documented on each field and in the README's pipeline reference.
public struct PipelineConfig: Sendable, Equatable {
    public var name: String
    /// One or more mailboxes (`mailbox:` is the one-mailbox form of `mailboxes:`).
    public var mailboxes: [MailboxConfig]
    /// The company's own domains, lower-case ASCII; subdomains count as internal.
    public var ownDomains: [String]
    /// Contacts CSV (`id,name,emails`), relative to the pipeline file. Optional: without it nothing matches.
    public var contacts: String?
    /// Default backfill window in days (`--days` overrides). Default 14.
    public var backfillDays: Int
    /// Where `load` writes. Default `sqlite:crm.sqlite` beside the pipeline file.
    public var store: StoreLocation
    /// The PostgreSQL store's password (`secret:` beside `store:`); nil leaves it to libpq (`PGPASSWORD`,
    /// `~/.pgpass`). Only with a `postgres://` store.
    public var storeSecret: SecretReference?
    /// Whether loading mail may create contacts. Default `never`.
    public var createContacts: CreateContacts
    /// How many days after a thread's last message a reply without thread headers may still join it by subject
    /// (when it shares an external participant); 0 turns subject grouping off. Default
    /// `ThreadBuilder.defaultSubjectJoinDays` (30).
    public var subjectJoinDays: Int

    public init(name: String, mailboxes: [MailboxConfig], ownDomains: [String], contacts: String?,
                backfillDays: Int = 14, store: StoreLocation = .sqlite(path: "crm.sqlite"),
                createContacts: CreateContacts = .never,
                subjectJoinDays: Int = ThreadBuilder.defaultSubjectJoinDays, storeSecret: SecretReference? = nil) {
        self.name = name
        self.mailboxes = mailboxes
        self.ownDomains = ownDomains
        self.contacts = contacts
        self.backfillDays = backfillDays
        self.store = store
        self.createContacts = createContacts
        self.subjectJoinDays = subjectJoinDays
        self.storeSecret = storeSecret
    }

    public func mailbox(named n: String) -> MailboxConfig? { mailboxes.first { $0.name == n } }

    /// The mailbox a command names (`--mailbox`, `mailbox test NAME`, …); a usage error listing the pipeline's
    /// mailboxes when there is none of that name.
    public func requireMailbox(named n: String) throws -> MailboxConfig {
        guard let m = mailbox(named: n) else {
            throw MailroomError(.usage, "no mailbox named '\(n)' in the pipeline (it has: \(mailboxes.map(\.name).joined(separator: ", ")))")
        }
        return m
    }
}

public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)
}

public enum CreateContacts: String, Sendable, CaseIterable {
    /// Loading mail never creates a contact.
    case never
    /// Only for external addresses the mailbox owner wrote to.
    case sent
}

/// One mailbox of a pipeline.
public struct MailboxConfig: Sendable, Equatable {
    /// Name used by commands and in copy ids. Default: `default` for a single `mailbox:`.
    public var name: String
    public var source: SourceKind
    /// File sources: the mbox file, Maildir folder (or tree of Maildir folders) or folder of .eml files.
    public var path: String?
    /// The mailbox's own addresses (lower-cased): From one of these means sent, else received.
    public var owner: [String]
    public var imap: IMAPSettings?
    /// Mail that is not correspondence to import anyway (`includeFolders`). Default none: drafts, junk, trash
    /// and outbox folders (by name, IMAP SPECIAL-USE or Gmail label) are left out and counted.
    public var includeFolders: Set<LeftOutReason>

    public init(name: String, source: SourceKind, path: String?, owner: [String], imap: IMAPSettings? = nil,
                includeFolders: Set<LeftOutReason> = []) {
        self.name = name
        self.source = source
        self.path = path
        self.owner = owner
        self.imap = imap
        self.includeFolders = includeFolders
    }
}

public enum IMAPSecurity: String, Sendable, CaseIterable {
    /// Implicit TLS (port 993 by default).
    case tls
    /// Plain connection upgraded with STARTTLS, which the server must offer (port 143 by default).
    case starttls
    /// No encryption: allowed only for loopback hosts.
    case none
}

public enum IMAPAuth: String, Sendable, CaseIterable {
    case password
    case xoauth2
}

public enum IMAPProvider: String, Sendable, CaseIterable {
    case gmail, outlook, generic
}

/// Where a secret comes from: never the pipeline file itself.
public enum SecretReference: Sendable, Equatable, CustomStringConvertible {
    case env(String)
    case file(String)
    /// `cmd:PROGRAM ARG…`: the program's standard output, trimmed (split by `SecretCommandLine`, never by a shell).
    case command([String])

    /// `env:NAME`, `file:PATH` or `cmd:PROGRAM`: a command's arguments are left out (they may carry a secret).
    public var description: String {
        switch self {
        case .env(let n): return "env:\(n)"
        case .file(let p): return "file:\(p)"
        case .command(let argv): return "cmd:\(argv.first ?? "")"
        }
    }
}

public struct IMAPThrottle: Sendable, Equatable {
    /// 0 means unlimited.
    public var messagesPerSecond: Double
    public var bytesPerSecond: Double
    /// A daily download allowance in bytes (0: none): a run fetches at most this much in each 24 hours since it
    /// started, then waits for the next day. Preset for `provider: gmail` to Gmail's IMAP download limit.
    public var bytesPerDay: Int
    public var connections: Int
    public var maxRetries: Int

    public init(messagesPerSecond: Double = 0, bytesPerSecond: Double = 0, bytesPerDay: Int = 0, connections: Int = 1,
                maxRetries: Int = 5) {
        self.messagesPerSecond = messagesPerSecond
        self.bytesPerSecond = bytesPerSecond
        self.bytesPerDay = bytesPerDay
        self.connections = connections
        self.maxRetries = maxRetries
    }

    /// The daily allowance a provider publishes: Gmail's 2,500 MB of IMAP downloads a day per account (Google
    /// Workspace Admin Help, "Gmail bandwidth limits"); none for the others (Exchange Online throttles by its
    /// answers instead, which are retried).
    public static func presetBytesPerDay(_ provider: IMAPProvider) -> Int {
        provider == .gmail ? 2_500_000_000 : 0
    }
}

public struct IMAPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var security: IMAPSecurity
    public var username: String
    public var secret: SecretReference
    public var auth: IMAPAuth
    /// Folders to read; empty means INBOX and the Sent folder.
    public var folders: [String]
    public var caFile: String?
    public var provider: IMAPProvider
    public var throttle: IMAPThrottle
    /// `oauth:` (with `auth: xoauth2`): Mailroom gets access tokens itself by the refresh-token grant. `secret`
    /// is then the refresh token's reference (what the store's `credentials_ref` names).
    public var oauth: OAuthSettings?
    /// `allMail: true` (`provider: gmail` only, without `folders`): read Gmail's All Mail folder (special-use
    /// `\All`) once instead of INBOX and Sent, keeping each message's labels (X-GM-LABELS) on its copy.
    public var allMail: Bool

    public init(host: String, port: Int, security: IMAPSecurity, username: String, secret: SecretReference,
                auth: IMAPAuth = .password, folders: [String] = [], caFile: String? = nil,
                provider: IMAPProvider = .generic, throttle: IMAPThrottle = IMAPThrottle(), oauth: OAuthSettings? = nil,
                allMail: Bool = false) {
        self.oauth = oauth
        self.allMail = allMail
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.secret = secret
        self.auth = auth
        self.folders = folders
        self.caFile = caFile
        self.provider = provider
        self.throttle = throttle
    }
}
