/// The dry-run report: what a load would bring, before anything is loaded. `report.json` in the run directory
/// and `mailroom run --dry-run --json` hold it. Schema `mailroom.report/1`.
public struct DryRunReport: Sendable, Equatable {
    public static let schema = "mailroom.report/1"

    public struct RunInfo: Sendable, Equatable {
        public var runId: String
        public var pipeline: String
        public var asOf: String
        public var days: Int
        public var windowStart: String
        public var windowEnd: String
        public init(runId: String, pipeline: String, asOf: String, days: Int, windowStart: String, windowEnd: String) {
            self.runId = runId
            self.pipeline = pipeline
            self.asOf = asOf
            self.days = days
            self.windowStart = windowStart
            self.windowEnd = windowEnd
        }
    }

    public struct Messages: Sendable, Equatable {
        /// Message copies found in the mailboxes (all dates).
        public var found = 0
        /// Copies in the window, handed to normalize.
        public var extracted = 0
        public var outsideWindow = 0
        /// Copies with no readable date (kept).
        public var undated = 0
        /// Copies in the window left out as not correspondence (drafts, junk, trash, outbox), by reason.
        public var leftOut: [LeftOutReason: Int] = [:]
        public var leftOutTotal: Int { leftOut.values.reduce(0, +) }
        public var quarantined = 0
        /// Copies dropped as repeats of a message already kept (every copy of a message after its first).
        public var duplicates = 0
        /// Of `duplicates`, the copies merged across lists or transports: the same Message-ID, sender and date
        /// with other content (a list's subject tag, footer or headers; reason `list-or-transport-copy`).
        public var mergedCopies = 0
        /// Message identities after dedupe.
        public var unique = 0
        public var sent = 0
        public var received = 0
        /// Bulk or automated messages (newsletters, notifications, delivery reports).
        public var bulk = 0
        public init() {}
    }

    public struct Threads: Sendable, Equatable {
        public var total = 0
        public var matched = 0
        public var unmatched = 0
        public var internalOnly = 0
        public init() {}
    }

    public struct Contacts: Sendable, Equatable {
        public var total = 0
        /// Contacts with no usable email address.
        public var withoutAddress = 0
        /// Contacts linked to at least one thread.
        public var matched = 0
        public var duplicateGroups: [ContactGroup] = []
        public init() {}
    }

    public struct DayCount: Sendable, Equatable {
        public var day: String
        public var sent: Int
        public var received: Int
        public init(day: String, sent: Int, received: Int) {
            self.day = day
            self.sent = sent
            self.received = received
        }
    }

    public struct SpotCheck: Sendable, Equatable {
        public var threadId: String
        public var subject: String
        public var contacts: [String]
        public var external: [String]
        public var messages: Int
        public var lastDate: String?
        public init(threadId: String, subject: String, contacts: [String], external: [String], messages: Int, lastDate: String?) {
            self.threadId = threadId
            self.subject = subject
            self.contacts = contacts
            self.external = external
            self.messages = messages
            self.lastDate = lastDate
        }
    }

    public var run: RunInfo
    public var messages = Messages()
    public var threads = Threads()
    public var contacts = Contacts()
    /// Copies dropped, by reason (`same-message-id`, `list-or-transport-copy`, `same-content-hash`).
    public var duplicatesByReason: [String: Int] = [:]
    /// Quarantined copies by reason, and the first ones in full.
    public var quarantineByReason: [String: Int] = [:]
    public var quarantined: [QuarantineRecord] = []
    /// Bulk messages by reason.
    public var bulkByReason: [String: Int] = [:]
    /// Problems that did not stop a message, by code (`date-unparseable`, `unknown-charset`, ...).
    public var issues: [String: Int] = [:]
    /// Addresses on two or more contacts (never linked).
    public var ambiguousAddresses: [String] = []
    /// The unmatched external addresses most worth adding to contacts, most messages first.
    public var unmatchedAddresses: [UnmatchedAddress] = []
    /// Unique messages per day (UTC), sent and received.
    public var perDay: [DayCount] = []
    /// Copies per mailbox and folder.
    public var folders: [String: Int] = [:]
    public var spotChecks: [SpotCheck] = []
    /// IMAP folders whose messages the server did not deliver, or whose cursor was held back (empty otherwise).
    public var imapFolders: [IMAPFolderNote] = []
    /// Merge and add-email commands for the duplicate groups and the busiest unmatched addresses.
    public var cleanup = CleanupSuggestions()
    /// The paths the text and HTML commands name (not in the JSON, which names `PIPELINE`).
    public var cleanupPaths = CleanupSuggestions.Paths.placeholders

    public init(run: RunInfo) { self.run = run }
}
