import Foundation

/// A stream of records, read once per call: an in-memory array (tests) or an NDJSON file of a run directory.
public struct RecordSource<R: Sendable>: Sendable {
    /// Calls `body` for each record, in order; throws an error naming the file and line on a bad record.
    public let forEach: @Sendable (_ body: (R) throws -> Void) throws -> Void

    public init(_ forEach: @escaping @Sendable (_ body: (R) throws -> Void) throws -> Void) {
        self.forEach = forEach
    }

    public init(_ records: [R]) {
        self.forEach = { body in for r in records { try body(r) } }
    }
}

extension RecordSource where R: JSONRecord {
    /// The records of an NDJSON file, one per line (`NDJSONReader`: a bad or missing file is an `.input` error
    /// naming the file and line). Read on the calling thread: the store load reads a source on a prefetch thread
    /// of its own (`forEachPrefetched`).
    public static func ndjson(_ url: URL, displayPath: String? = nil) -> RecordSource<R> {
        RecordSource { body in
            try NDJSONReader.forEach(R.self, url: url, displayPath: displayPath, readAhead: false) { record, _, _ in
                try body(record)
            }
        }
    }
}
