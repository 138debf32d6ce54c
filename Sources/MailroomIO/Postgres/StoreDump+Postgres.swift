extension StoreDump {
    /// The canonical dump of a PostgreSQL store: the same text as `canonical(_:scope:)` gives for an SQLite store
    /// holding the same rows. Columns in table order; rows sorted by every column with NULL first and text
    /// compared bytewise (`COLLATE "C"`), as SQLite's `ORDER BY` does; integers bare, text quoted and escaped.
    /// Read in one repeatable-read transaction, so the dump is one snapshot.
    public static func canonical(_ c: PGConnection, scope: Scope = .all) throws -> String {
        try PGSchema.requireMigrated(c)
        return try c.transaction { c in
            try c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            var lines: [String] = []
            for table in StoreSchema.tables {
                if scope == .data && bookkeeping.contains(table) { continue }
                let columns = try c.execute("""
                    SELECT column_name, data_type FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
                    """, [table]).rows.map { (name: $0[0] ?? "", isText: $0[1] == "text") }
                let order = columns.map { "\(PGConnection.quoted($0.name))\($0.isText ? " COLLATE \"C\"" : "") NULLS FIRST" }
                let list = columns.map { PGConnection.quoted($0.name) }.joined(separator: ", ")
                let rows = try c.execute("SELECT \(list) FROM \(table) ORDER BY \(order.joined(separator: ", "))").rows
                for row in rows {
                    var line = table
                    for (i, col) in columns.enumerated() {
                        let masked = volatile.contains("\(table).\(col.name)")
                            || (scope == .data && volatileInData.contains("\(table).\(col.name)"))
                        line += "|\(col.name)="
                        if masked {
                            line += "*"
                        } else if let v = row[i] {
                            line += col.isText ? "'" + escaped(v) + "'" : v
                        } else {
                            line += "NULL"
                        }
                    }
                    lines.append(line)
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}
