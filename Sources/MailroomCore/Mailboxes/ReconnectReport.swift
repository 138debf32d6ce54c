/// What `mailroom mailbox reconnect` did and found.
public struct ReconnectReport: JSONWritable {
    public var mailbox: String
    public var wasState: MailboxStatus.State
    public var runDirectory: String
    public var pipelinePath = ""
    public var newestLoadedBefore: String?
    public var newestLoadedAfter: String?
    /// Newest INTERNALDATE on the server over the folders read (nil for file mailboxes or when it could not be read).
    public var newestOnServer: String?
    public var windowStart = ""
    public var windowEnd = ""
    public var oldestFetched: String?
    /// Copies the sync extracted.
    public var fetched = 0
    public var syncRunId: String?
    public var syncMessage: String?
    /// The sync's messages a server did not deliver (exit 8 after the report is shown), nil when none.
    public var partial: MailroomError?
    /// Every folder synced on from its stored cursor (UIDVALIDITY confirmed or re-identified): nothing is missing.
    public var continuedFromCursors = false
    /// nil: no backfill needed.
    public var advice: BackfillAdvice?

    public init(mailbox: String, wasState: MailboxStatus.State, runDirectory: String, newestLoadedBefore: String?) {
        self.mailbox = mailbox
        self.wasState = wasState
        self.runDirectory = runDirectory
        self.newestLoadedBefore = newestLoadedBefore
    }

    /// The backfill command that covers exactly the gap.
    public var backfillCommand: String? {
        advice.map { "mailroom backfill \(pipelinePath) --mailbox \(mailbox) --as-of \($0.asOf) --days \($0.days)" }
    }

    public func text() -> String {
        var out = "Reconnected \(mailbox) (was \(wasState.rawValue)).\n"
        out += "Synced now: \(syncMessage ?? "\(fetched) messages") (window \(windowStart) to \(windowEnd)).\n"
        out += "Newest loaded before: \(newestLoadedBefore ?? "none"); newest loaded now: \(newestLoadedAfter ?? "none")"
        if let s = newestOnServer { out += "; newest on the server: \(s)" }
        out += ".\n"
        if let a = advice, let cmd = backfillCommand {
            out += "Backfill needed: \(a.gapDays) day\(a.gapDays == 1 ? "" : "s") may be missing, from \(a.from) (newest loaded before) to \(a.oldestFetched ?? a.to) (oldest fetched by this sync).\n"
            out += "Run: \(cmd)\n"
        } else if continuedFromCursors {
            out += "No backfill needed: every folder continued from its stored cursor (UIDVALIDITY confirmed, or the folder re-identified), so everything newer was fetched\(partial == nil ? "" : " or is listed below")" + ".\n"
        } else if newestLoadedBefore == nil {
            out += "No backfill needed: nothing was loaded from this mailbox before; this sync loaded its first window.\n"
        } else {
            out += "No backfill needed: the sync reached back to \(windowStart), before the newest message loaded earlier.\n"
        }
        if let p = partial { out += "Not fetched yet: \(p.message)\n" }
        out += "Run directory: \(runDirectory)\n"
        return out
    }

    /// Schema of `mailroom mailbox reconnect --json`. History: 1 — first version.
    public static let jsonSchema = "mailroom.reconnect/1"

    /// The JSON document, with its newline (`--json`).
    public func json() -> [UInt8] { jsonBytes() + [0x0A] }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("schema", Self.jsonSchema)
        w.field("mailbox", mailbox)
        w.field("wasState", wasState.rawValue)
        w.field("syncRunId", syncRunId)
        w.field("syncMessage", syncMessage)
        w.field("windowStart", windowStart)
        w.field("windowEnd", windowEnd)
        w.field("fetched", fetched)
        w.field("oldestFetched", oldestFetched)
        w.field("newestLoadedBefore", newestLoadedBefore)
        w.field("newestLoadedAfter", newestLoadedAfter)
        w.field("newestOnServer", newestOnServer)
        w.field("continuedFromCursors", continuedFromCursors)
        w.field("backfillNeeded", advice != nil)
        w.key("backfill")
        if let a = advice {
            w.beginObject()
            w.field("from", a.from)
            w.field("to", a.oldestFetched ?? a.to)
            w.field("gapDays", a.gapDays)
            w.field("asOf", a.asOf)
            w.field("days", a.days)
            w.field("command", backfillCommand)
            w.endObject()
        } else {
            w.null()
        }
        w.field("runDirectory", runDirectory)
        w.endObject()
    }
}
