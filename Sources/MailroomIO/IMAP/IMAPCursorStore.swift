import Foundation
import MailroomCore

/// What a sync reads from the store: the folder cursors (saved with the loaded rows, by the load stage) and the
/// identities of the messages loaded from a folder (for re-identification after a UIDVALIDITY change). The CRM
/// store implements it (`CRMStore+IMAPCursorStore.swift`); `IMAPFileCursorStore` is a file-backed one.
public protocol IMAPCursorStore {
    func imapCursor(mailbox: String, folder: String) throws -> FolderUIDCursor?
    func knownMessages(mailbox: String, folder: String) throws -> [IMAPKnownMessage]
}

/// A JSON file of cursors and known messages (atomic replace on save), for tests and tools without a store.
public final class IMAPFileCursorStore: IMAPCursorStore {
    public let path: String
    private var cursors: [String: FolderUIDCursor] = [:]
    private var known: [String: [IMAPKnownMessage]] = [:]

    public init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let o = try JSONObject(try JSONParser.parse([UInt8](data)), what: "cursor file")
        for c in try o.array("cursors", { $0 }) {
            let co = try JSONObject(c, what: "cursor")
            let cur = FolderUIDCursor(mailbox: try co.string("mailbox"), folder: try co.string("folder"),
                                 uidValidity: UInt64(try co.int("uidValidity")), highestUID: UInt64(try co.int("highestUID")))
            cursors[key(cur.mailbox, cur.folder)] = cur
            known[key(cur.mailbox, cur.folder)] = try co.array("known") { k in
                let ko = try JSONObject(k, what: "known message")
                return IMAPKnownMessage(messageId: try ko.optionalString("messageId"), contentHash: try ko.string("contentHash"),
                                        date: try ko.optionalString("date"), sender: try ko.optionalString("sender") ?? "")
            }
        }
    }

    private func key(_ m: String, _ f: String) -> String { m + "\u{0}" + f }

    public func imapCursor(mailbox: String, folder: String) throws -> FolderUIDCursor? { cursors[key(mailbox, folder)] }

    public func knownMessages(mailbox: String, folder: String) throws -> [IMAPKnownMessage] {
        known[key(mailbox, folder)] ?? []
    }

    /// Saves cursors and adds the identities of newly loaded messages (by folder).
    public func save(_ new: [FolderUIDCursor], known newKnown: [String: [IMAPKnownMessage]]) throws {
        for c in new {
            let k = key(c.mailbox, c.folder)
            cursors[k] = c
            known[k, default: []].append(contentsOf: newKnown[c.folder] ?? [])
        }
        var w = JSONWriter()
        w.beginObject()
        w.key("cursors")
        w.beginArray()
        for k in cursors.keys.sorted() {
            let c = cursors[k]!
            w.beginObject()
            w.field("mailbox", c.mailbox)
            w.field("folder", c.folder)
            w.field("uidValidity", Int(c.uidValidity))
            w.field("highestUID", Int(c.highestUID))
            w.key("known")
            w.beginArray()
            for m in known[k] ?? [] {
                w.beginObject()
                w.field("messageId", m.messageId)
                w.field("contentHash", m.contentHash)
                w.field("date", m.date)
                w.field("sender", m.sender)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        try IMAPCheckpointFile.writeAtomically(w.bytes + [10], to: path)
    }
}
