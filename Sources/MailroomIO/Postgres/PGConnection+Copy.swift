import CPQShim

extension PGConnection {
    /// Bytes sent to the server per `PQputCopyData` call.
    static let copyChunk = 256 << 10

    /// `COPY table (columns) FROM STDIN` in text format: every row (`nil` is NULL) escaped by `PostgresCopy`
    /// (values normalized by `StoreText`), sent in chunks of `copyChunk` bytes. Returns the rows the server loaded.
    /// All or nothing: a failure aborts the COPY and nothing of it is kept. Inside a transaction, the transaction is
    /// then aborted too (the caller rolls it back).
    @discardableResult
    public func copyIn<S: Sequence>(table: String, columns: [String], rows: S) throws -> Int where S.Element == [String?] {
        try startCopy(table: table, columns: columns)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(PGConnection.copyChunk + 4096)
        var sent = true
        var badRow: Int?
        for row in rows {
            guard row.count == columns.count else {
                // A caller's mistake: abort the COPY (nothing of it is kept) rather than send a shifted row.
                badRow = row.count
                sent = false
                break
            }
            PostgresCopy.appendRow(row, to: &buffer)
            if buffer.count >= PGConnection.copyChunk {
                sent = put(buffer[...])
                buffer.removeAll(keepingCapacity: true)
                if !sent { break }
            }
        }
        if sent, !buffer.isEmpty { sent = put(buffer[...]) }
        if let badRow {
            _ = try? endCopy(table: table, sent: false)
            throw MailroomError(.internalError, "cannot load \(table): a row of \(badRow) values for \(columns.count) columns (nothing was loaded)",
                                location: target.location)
        }
        return try endCopy(table: table, sent: sent)
    }

    /// `copyIn` of rows already encoded (`PostgresCopy.encode`), so that one batch's rows can be sent twice (into the
    /// store's table, then into staging when that meets a stored key) while encoded once.
    @discardableResult
    public func copyIn(table: String, columns: [String], encoded: [UInt8]) throws -> Int {
        try startCopy(table: table, columns: columns)
        var sent = true
        var at = 0
        while sent, at < encoded.count {
            let end = min(encoded.count, at + PGConnection.copyChunk)
            sent = put(encoded[at..<end])
            at = end
        }
        return try endCopy(table: table, sent: sent)
    }

    private func startCopy(table: String, columns: [String]) throws {
        let sql = "COPY \(PGConnection.quoted(table)) (\(columns.map(PGConnection.quoted).joined(separator: ", "))) FROM STDIN"
        let start = try run(sql, [])
        guard mr_pq_result_status(start) == MR_PQ_COPY_IN else {
            defer { mr_pq_clear(start) }
            throw failure(start, doing: "start loading \(table)")
        }
        mr_pq_clear(start)
    }

    /// Ends the COPY (aborting it unless every row was `sent`) and returns the rows the server loaded.
    private func endCopy(table: String, sent: Bool) throws -> Int {
        let sentError = sent ? nil : String(cString: mr_pq_error_message(handle))
        _ = mr_pq_put_copy_end(handle, sent ? nil : "Mailroom could not send the rows")
        var loaded = 0
        var failed: MailroomError?
        while let h = handle, let r = mr_pq_get_result(h) {
            if failed == nil {
                switch mr_pq_result_status(r) {
                case MR_PQ_COMMAND_OK: loaded = Int(String(cString: mr_pq_cmd_tuples(r))) ?? 0
                default: failed = failure(r, doing: "load \(table)")
                }
            }
            mr_pq_clear(r)
        }
        if let sentError, failed == nil || mr_pq_connected(handle) == 0 {
            throw PGErrors.queryFailed(message: sentError, sqlState: "", connectionLost: mr_pq_connected(handle) == 0,
                                       doing: "load \(table)", target: target)
        }
        if let failed { throw failed }
        return loaded
    }

    private func put(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { c in mr_pq_put_copy_data(handle, c.baseAddress, Int32(c.count)) == 1 }
        }
    }

    /// A name as an SQL identifier: `"name"` with `"` doubled; `schema.table` is quoted part by part.
    public static func quoted(_ identifier: String) -> String {
        identifier.split(separator: ".", omittingEmptySubsequences: false)
            .map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ".")
    }
}
