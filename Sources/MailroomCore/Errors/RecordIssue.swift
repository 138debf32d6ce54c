/// One problem with one record, wherever it is found: a file extract skipped, a message copy normalize
/// quarantined, a row of the contacts file, a key of the pipeline file. `code` says what (one of a closed set),
/// `location` where, `detail` is one line for a person.
///
/// As an NDJSON line (`extract/skipped.ndjson`, schema `mailroom.record-issue/1`): `code`, the location's
/// fields that are known (`mailbox`, `file`, `line`, `column`, `copyId`) and `detail`.
public struct RecordIssue: JSONRecord, Equatable, CustomStringConvertible {
    public static let schema = "mailroom.record-issue/1"

    /// Where the issue is: as much of it as is known.
    public struct Location: Sendable, Equatable {
        /// The mailbox (extract, normalize).
        public var mailbox: String?
        /// The file: relative to the mailbox's path for extract; as named by the user for contacts and pipeline
        /// files (often left out there: the error naming the file carries it).
        public var file: String?
        /// 1-based line (and column) in `file`.
        public var line: Int?
        public var column: Int?
        /// The message copy (normalize).
        public var copyId: String?

        public init(mailbox: String? = nil, file: String? = nil, line: Int? = nil, column: Int? = nil,
                    copyId: String? = nil) {
            self.mailbox = mailbox
            self.file = file
            self.line = line
            self.column = column
            self.copyId = copyId
        }
    }

    public var code: IssueCode
    public var location: Location
    /// One line for a person: what is wrong. Never a secret or a message's content.
    public var detail: String

    public init(_ code: IssueCode, at location: Location = Location(), _ detail: String) {
        self.code = code
        self.location = location
        self.detail = detail
    }

    public var line: Int? { location.line }
    /// The input file cannot be trusted as a whole (`IssueCode.Effect.stops`).
    public var fatal: Bool { code.effect == .stops }

    /// `line N: detail`, or the detail alone.
    public var description: String {
        if let line = location.line { return "line \(line): \(detail)" }
        return detail
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json)
        let raw = try o.string("code")
        guard let code = IssueCode(rawValue: raw) else { throw JSONError("field \"code\" is not an issue code: \(raw)") }
        self.code = code
        location = Location(mailbox: try o.optionalString("mailbox"), file: try o.optionalString("file"),
                            line: try o.optionalInt("line"), column: try o.optionalInt("column"),
                            copyId: try o.optionalString("copyId"))
        detail = try o.string("detail")
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("code", code.rawValue)
        if let v = location.mailbox { w.field("mailbox", v) }
        if let v = location.file { w.field("file", v) }
        if let v = location.line { w.field("line", v) }
        if let v = location.column { w.field("column", v) }
        if let v = location.copyId { w.field("copyId", v) }
        w.field("detail", detail)
        w.endObject()
    }
}
