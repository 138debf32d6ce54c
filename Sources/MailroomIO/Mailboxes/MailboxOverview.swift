import Foundation
import GRDB
import MailroomCore

/// One mailbox as `mailroom mailbox list` shows it: state, last sync, what is loaded, what relies on it.
public struct MailboxOverview: Sendable, Equatable {
    public enum State: String, Sendable {
        case connected, disconnected
        /// Connected, but its last sync (or backfill, or load) failed.
        case failing
    }

    public struct Folder: Sendable, Equatable {
        public var folder: String
        public var messages: Int
        /// Newest loaded message date in the folder (ISO 8601 UTC).
        public var newest: String?
    }

    public var name: String
    public var source: String
    public var state: State
    public var stateChangedAt: String?
    public var stateReason: String?
    public var syncPending: Bool
    /// The newest finished sync, backfill or load that covered the mailbox; nil: never synced.
    public var lastSync: RunLogEntry?
    /// Distinct messages with a copy in this mailbox.
    public var messages: Int
    public var folders: [Folder]
    public var dependents: [MailboxDependent]

    /// Every mailbox of the pipeline, in pipeline order. Without a store, every mailbox is connected and never
    /// synced (no store is created).
    public static func all(_ pipeline: LoadedPipeline) throws -> [MailboxOverview] {
        let blank = pipeline.config.mailboxes.map {
            MailboxOverview(name: $0.name, source: $0.source.rawValue, state: .connected, syncPending: false,
                            messages: 0, folders: [], dependents: [])
        }
        guard let store = try StoreAccess.existing(pipeline, readOnly: false) else { return blank }
        return try store.readSQL("read the mailboxes") { db in
            try pipeline.config.mailboxes.map { m in try overview(db, name: m.name, source: m.source.rawValue) }
        }
    }

    static func overview(_ db: any StoreSQL, name: String, source: String) throws -> MailboxOverview {
        let s = try CRMStore.mailboxStatus(db, name)
        let last = try CRMStore.lastSync(db, mailbox: name)
        var state: State = s.state == .disconnected ? .disconnected : .connected
        if state == .connected, let last, last.status == .failed { state = .failing }
        let messages = try db.int("""
            SELECT count(DISTINCT message_key) FROM message_copies WHERE mailbox = ?
            """, [name])
        let folders = try db.rows("""
            SELECT c.folder AS folder, count(DISTINCT c.message_key) AS n, max(m.date) AS newest
            FROM message_copies c JOIN messages m ON m.key = c.message_key
            WHERE c.mailbox = ? GROUP BY c.folder ORDER BY c.folder
            """, [name]).map { Folder(folder: $0[0] ?? "", messages: StoreRow.int($0[1]), newest: $0[2]) }
        return MailboxOverview(name: name, source: source, state: state, stateChangedAt: s.changedAt,
                               stateReason: s.reason, syncPending: s.syncPending, lastSync: last,
                               messages: messages, folders: folders,
                               dependents: try CRMStore.dependents(db, of: name))
    }
}

extension MailboxOverview {
    /// Schema of `mailroom mailbox list --json`. History: 1 — first version.
    public static let jsonSchema = "mailroom.mailboxes/1"

    public static func text(_ all: [MailboxOverview]) -> String {
        var out = ""
        for m in all {
            var head = "\(m.name) (\(m.source)): \(m.state.rawValue)"
            if m.state == .disconnected { head += " since \(m.stateChangedAt ?? "?")" + (m.stateReason.map { " (\($0))" } ?? "") }
            if m.syncPending { head += "; reconnected, not synced yet" }
            out += head + "\n"
            if let l = m.lastSync {
                out += "  last sync: \(l.startedAt) \(l.kind.rawValue) \(l.status.rawValue): \(l.message)\n"
            } else {
                out += "  last sync: never synced\n"
            }
            out += "  messages loaded: \(NumberText.grouped(m.messages))\n"
            for f in m.folders {
                out += "    \(f.folder): \(NumberText.grouped(f.messages)) messages, newest \(f.newest ?? "undated")\n"
            }
            out += "  relied on by: " + (m.dependents.isEmpty ? "nothing recorded" : m.dependents.map(\.label).joined(separator: ", ")) + "\n"
        }
        return out
    }

    public static func json(_ all: [MailboxOverview]) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("schema", jsonSchema)
        w.key("mailboxes")
        w.beginArray()
        for m in all {
            w.beginObject()
            w.field("name", m.name)
            w.field("source", m.source)
            w.field("state", m.state.rawValue)
            w.field("stateChangedAt", m.stateChangedAt)
            w.field("stateReason", m.stateReason)
            w.field("syncPending", m.syncPending)
            w.key("lastSync")
            if let l = m.lastSync {
                w.beginObject()
                w.field("runId", l.id)
                w.field("kind", l.kind.rawValue)
                w.field("startedAt", l.startedAt)
                w.field("finishedAt", l.finishedAt)
                w.field("status", l.status.rawValue)
                w.field("message", l.message)
                w.endObject()
            } else {
                w.null()
            }
            w.field("messages", m.messages)
            w.key("folders")
            w.beginArray()
            for f in m.folders {
                w.beginObject()
                w.field("folder", f.folder)
                w.field("messages", f.messages)
                w.field("newest", f.newest)
                w.endObject()
            }
            w.endArray()
            w.key("dependents")
            w.beginArray()
            for d in m.dependents {
                d.writeJSON(&w)
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes + [0x0A]
    }
}
