import Foundation
import GRDB

/// A canonical text dump of the store for comparing two stores: every table in a fixed order, rows sorted by
/// all their columns, volatile columns (timestamps) masked as `*`.
public enum StoreDump {
    public enum Scope: Sendable {
        /// Every table, run bookkeeping included: two loads of the same run ids compare equal.
        case all
        /// The CRM data only (no `runs`, `checkpoints`, `schema_info`, `contact_merges`; which run created a contact masked):
        /// loads of different runs covering the same mail compare equal.
        case data
    }

    /// Columns whose values differ between two otherwise identical loads.
    static let volatile: Set<String> = ["runs.started_at", "runs.finished_at", "checkpoints.updated_at",
                                        "cursors.updated_at", "mailboxes.state_changed_at",
                                        "mailbox_dependents.added_at"]
    static let volatileInData: Set<String> = ["contacts.created_run"]
    /// Not CRM data: the run log, load checkpoints, the schema, and the undo records of `contacts merge`.
    static let bookkeeping: Set<String> = ["runs", "checkpoints", "schema_info", "contact_merges"]

    /// One line per row: `table|column=value|...`.
    public static func canonical(_ db: Database, scope: Scope = .all) throws -> String {
        var lines: [String] = []
        for table in StoreSchema.tables {
            if scope == .data && bookkeeping.contains(table) { continue }
            let columns = try db.columns(in: table).map(\.name)
            let order = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            let rows = try Row.fetchAll(db, sql: "SELECT \(order) FROM \(table) ORDER BY \(order)")
            for row in rows {
                var line = table
                for c in columns {
                    let masked = volatile.contains("\(table).\(c)")
                        || (scope == .data && volatileInData.contains("\(table).\(c)"))
                    let v: DatabaseValue = row[c]
                    line += "|\(c)=" + (masked ? "*" : render(v))
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    public static func canonical(_ store: CRMStore, scope: Scope = .all) throws -> String {
        try store.read("dump the store") { db in try canonical(db, scope: scope) }
    }

    /// A text value on one line, terminal-safe and unambiguous: backslash doubled, `\n` `\r` `\t` for line
    /// breaks and tabs, `\u{XXXX}` for every other character `TerminalText.isUnsafe` names.
    static func escaped(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == "\\" || TerminalText.isUnsafe($0.value) }) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where TerminalText.isUnsafe(u.value): out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    private static func render(_ v: DatabaseValue) -> String {
        switch v.storage {
        case .null: return "NULL"
        case .int64(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return "'" + escaped(s) + "'"
        case .blob(let b): return "x'" + b.map { String(format: "%02x", $0) }.joined() + "'"
        }
    }
}
