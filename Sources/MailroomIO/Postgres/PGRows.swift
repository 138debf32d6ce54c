import CPQShim

/// The rows of a statement, copied out of libpq's result: values in text format, `nil` for NULL.
public struct PGRows: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String?]]
    /// Rows a command affected (`UPDATE`, `INSERT`, `COPY`), 0 when it says none.
    public var affected: Int

    public init(columns: [String], rows: [[String?]], affected: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.affected = affected
    }

    init(result: UnsafeMutableRawPointer) {
        let n = Int(mr_pq_nfields(result))
        columns = (0..<n).map { String(cString: mr_pq_fname(result, Int32($0))) }
        rows = (0..<Int(mr_pq_ntuples(result))).map { r in
            (0..<n).map { c in mr_pq_value(result, Int32(r), Int32(c)).map { String(cString: $0) } }
        }
        affected = Int(String(cString: mr_pq_cmd_tuples(result))) ?? 0
    }

    /// The one value of a one-row, one-column answer (`SELECT count(*) …`); nil when NULL or absent.
    public var scalar: String? { rows.first?.first ?? nil }
}
