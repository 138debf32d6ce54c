import GRDB
import MailroomCore

/// Migration `v8-copy-labels`: a copy's Gmail labels (`allMail: true` reads All Mail once, with each message's
/// X-GM-LABELS). PostgreSQL applies the same migration under the same name (`PGSchema`). Applied after
/// `v7-thread-ids`; never edit it once released, add a `v9` instead.
///
/// | table | column | meaning |
/// | --- | --- | --- |
/// | `message_copies` | `labels` | the copy's labels as a JSON array, sorted (`["Customers","\\Inbox"]`); NULL for copies of sources without labels |
extension StoreSchema {
    static func migrateV8(_ db: Database) throws {
        for sql in v8 { try db.execute(sql: sql) }
        try db.execute(sql: "PRAGMA user_version = 8")
        try db.execute(sql: "UPDATE schema_info SET value = '8' WHERE key = 'schema_version'")
    }

    /// The statements of `v8-copy-labels`, the same for both stores.
    static let v8 = ["ALTER TABLE message_copies ADD COLUMN labels TEXT"]

    /// The `labels` column's value: the labels sorted, as a JSON array; nil (NULL) when the copy has none recorded.
    static func labelsColumn(_ labels: [String]?) -> String? {
        guard let labels else { return nil }
        var w = JSONWriter()
        w.beginArray()
        for l in labels.sorted() { w.string(l) }
        w.endArray()
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
