import Foundation
import MailroomCore

/// Where a sync starts in one folder: the UIDVALIDITY it was read under and the highest UID loaded.
public struct IMAPCursor: Sendable, Equatable {
    public var mailbox: String
    public var folder: String
    public var uidValidity: UInt64
    public var highestUID: UInt64

    public init(mailbox: String, folder: String, uidValidity: UInt64, highestUID: UInt64) {
        self.mailbox = mailbox
        self.folder = folder
        self.uidValidity = uidValidity
        self.highestUID = highestUID
    }
}

/// The sync cursors, kept with the loaded rows (the CRM store implements this; `IMAPFileCursorStore` is the
/// file-backed one for tests and stores without cursors). Cursors are saved only after the rows they cover
/// are loaded, in the same transaction.
public protocol IMAPCursorStore {
    func cursor(mailbox: String, folder: String) throws -> IMAPCursor?
    /// Identities of the messages loaded from a folder, for re-identification after a UIDVALIDITY change.
    func knownMessages(mailbox: String, folder: String) throws -> [IMAPKnownMessage]
    func save(_ cursors: [IMAPCursor], known: [String: [IMAPKnownMessage]]) throws
}

/// A JSON file of cursors and known messages (atomic replace on save).
public final class IMAPFileCursorStore: IMAPCursorStore {
    public let path: String
    private var cursors: [String: IMAPCursor] = [:]
    private var known: [String: [IMAPKnownMessage]] = [:]

    public init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let v = try JSONParser.parse([UInt8](data))
        let o = try JSONObject(v, what: "cursor file")
        for c in try o.array("cursors", { $0 }) {
            let co = try JSONObject(c, what: "cursor")
            let cur = IMAPCursor(mailbox: try co.string("mailbox"), folder: try co.string("folder"),
                                 uidValidity: UInt64(try co.int("uidValidity")), highestUID: UInt64(try co.int("highestUID")))
            cursors[key(cur.mailbox, cur.folder)] = cur
            known[key(cur.mailbox, cur.folder)] = try co.array("known") { k in
                let ko = try JSONObject(k, what: "known message")
                return IMAPKnownMessage(messageId: try ko.optionalString("messageId"), sha256: try ko.string("sha256"),
                                        size: try ko.int("size"))
            }
        }
    }

    private func key(_ m: String, _ f: String) -> String { m + "\u{0}" + f }

    public func cursor(mailbox: String, folder: String) throws -> IMAPCursor? { cursors[key(mailbox, folder)] }

    public func knownMessages(mailbox: String, folder: String) throws -> [IMAPKnownMessage] {
        known[key(mailbox, folder)] ?? []
    }

    public func save(_ new: [IMAPCursor], known newKnown: [String: [IMAPKnownMessage]]) throws {
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
                w.field("sha256", m.sha256)
                w.field("size", m.size)
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
