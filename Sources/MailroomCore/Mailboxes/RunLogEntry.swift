/// One row of the run log (`runs`): every sync, backfill, load, dry run, review, disconnect and reconnect.
public struct RunLogEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case load, sync, backfill, review, disconnect, reconnect
        case contactsImport = "contacts-import"
        case dryRun = "dry-run"
        // Since store schema 6 (`v6-contact-commands`).
        case contactsDuplicates = "contacts-duplicates"
        case contactsMerge = "contacts-merge"
        case contactsUnmerge = "contacts-unmerge"
        case contactsAddEmail = "contacts-add-email"
        case contactsRemoveEmail = "contacts-remove-email"
        case contactsExport = "contacts-export"
        case relink
    }

    public enum Status: String, Sendable {
        case running, ok, failed, partial
        /// Stopped by SIGINT or SIGTERM at a safe point; the message names the stage it reached.
        case interrupted
    }

    /// Where a folder stood: the run log keeps one per folder before and after a run.
    public struct Cursor: Sendable, Equatable {
        public var folder: String
        public var uidValidity: Int
        public var highestUID: Int

        public init(folder: String, uidValidity: Int, highestUID: Int) {
            self.folder = folder
            self.uidValidity = uidValidity
            self.highestUID = highestUID
        }
    }

    public var id: String
    public var kind: Kind
    public var windowStart: String?
    public var windowEnd: String?
    public var mailboxes: [String]
    /// ISO 8601 UTC.
    public var startedAt: String
    public var finishedAt: String?
    public var status: Status
    public var counts: [String: Int]
    /// One line for a person: what the run did, or for a failed run the failing step and what to check.
    public var message: String
    public var cursorBefore: [Cursor]?
    public var cursorAfter: [Cursor]?
    /// Provider throttling answers met (`[THROTTLED]`, `[UNAVAILABLE]`, ...).
    public var throttled: Int
    /// `ExitStatus.name` of a failed run.
    public var errorCode: String?

    public init(id: String, kind: Kind, windowStart: String? = nil, windowEnd: String? = nil, mailboxes: [String],
                startedAt: String, finishedAt: String? = nil, status: Status, counts: [String: Int] = [:],
                message: String, cursorBefore: [Cursor]? = nil, cursorAfter: [Cursor]? = nil, throttled: Int = 0,
                errorCode: String? = nil) {
        self.id = id
        self.kind = kind
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.mailboxes = mailboxes
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.counts = counts
        self.message = message
        self.cursorBefore = cursorBefore
        self.cursorAfter = cursorAfter
        self.throttled = throttled
        self.errorCode = errorCode
    }
}

extension RunLogEntry {
    package static func countsJSON(_ counts: [String: Int]) -> String {
        var w = JSONWriter()
        w.beginObject()
        for k in counts.keys.sorted() { w.field(k, counts[k]!) }
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    package static func cursorsJSON(_ cursors: [Cursor]?) -> String? {
        guard let cursors else { return nil }
        var w = JSONWriter()
        writeCursors(&w, cursors)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    package static func writeCursors(_ w: inout JSONWriter, _ cursors: [Cursor]) {
        w.beginArray()
        for c in cursors {
            w.beginObject()
            w.field("folder", c.folder)
            w.field("uidValidity", c.uidValidity)
            w.field("highestUID", c.highestUID)
            w.endObject()
        }
        w.endArray()
    }

    package static func parseCounts(_ text: String) -> [String: Int] {
        guard let v = try? JSONParser.parse(Array(text.utf8)), let o = v.objectValue else { return [:] }
        return o.compactMapValues(\.intValue)
    }

    package static func parseStrings(_ text: String) -> [String] {
        guard let v = try? JSONParser.parse(Array(text.utf8)), let a = v.arrayValue else { return [] }
        return a.compactMap(\.stringValue)
    }

    package static func parseCursors(_ text: String?) -> [Cursor]? {
        guard let text, let v = try? JSONParser.parse(Array(text.utf8)), let a = v.arrayValue else { return nil }
        return a.compactMap { e in
            guard let o = e.objectValue, let f = o["folder"]?.stringValue, let u = o["uidValidity"]?.intValue,
                  let h = o["highestUID"]?.intValue else { return nil }
            return Cursor(folder: f, uidValidity: u, highestUID: h)
        }
    }
}
