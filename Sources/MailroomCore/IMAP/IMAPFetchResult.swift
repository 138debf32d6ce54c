/// What one `* n FETCH (...)` response carried. Absent items are nil.
public struct IMAPFetchResult: Sendable, Equatable {
    public var sequence: UInt64
    public var uid: UInt64?
    public var size: Int?
    /// INTERNALDATE as epoch seconds (UTC).
    public var internalDate: Int64?
    /// Server flags as sent (`\Seen`, `$Forwarded`).
    public var flags: [String]?
    /// `BODY[]` bytes.
    public var body: [UInt8]?
    /// `BODY[HEADER.FIELDS (...)]` bytes.
    public var headerFields: [UInt8]?
    /// Gmail's X-GM-MSGID (decimal).
    public var gmMsgId: String?
    /// Gmail's X-GM-LABELS, decoded (`IMAPGmailLabels`).
    public var labels: [String]?

    public init(sequence: UInt64, uid: UInt64? = nil, size: Int? = nil, internalDate: Int64? = nil,
                flags: [String]? = nil, body: [UInt8]? = nil, headerFields: [UInt8]? = nil, gmMsgId: String? = nil,
                labels: [String]? = nil) {
        self.sequence = sequence
        self.uid = uid
        self.size = size
        self.internalDate = internalDate
        self.flags = flags
        self.body = body
        self.headerFields = headerFields
        self.gmMsgId = gmMsgId
        self.labels = labels
    }

    /// Reads the values of an untagged `n FETCH (...)` response; nil when it is not one.
    public init?(_ values: [IMAPValue]) throws {
        guard values.count >= 3, values[1].atom?.uppercased() == "FETCH", let items = values[2].list,
              let seq = try values[0].number64("the FETCH sequence number") else { return nil }
        self.init(sequence: UInt64(seq))
        var i = 0
        while i + 1 < items.count {
            guard let name = items[i].atom?.uppercased() else { throw IMAPProtocolError("FETCH item without name") }
            let v = items[i + 1]
            switch name {
            case "UID": uid = try v.number64("UID").map { UInt64($0) }
            case "RFC822.SIZE": size = try v.number64("RFC822.SIZE")
            case "X-GM-MSGID": gmMsgId = v.atom
            case "X-GM-LABELS": labels = try IMAPGmailLabels.parse(v)
            case "FLAGS": flags = v.list?.compactMap { $0.atom }
            case "INTERNALDATE":
                guard let text = v.text, let epoch = IMAPDate.parseInternalDate(text) else {
                    throw IMAPProtocolError("unreadable INTERNALDATE (day-month-year of 1 to 9999, time, zone)")
                }
                internalDate = epoch
            case "BODY[]", "RFC822":
                body = v.bytes  // NIL (Dovecot, for a message expunged meanwhile) is no body: not delivered
            default:
                if name.hasPrefix("BODY[HEADER") { headerFields = v.bytes ?? [] }
            }
            i += 2
        }
    }

    /// Mailroom's flag names for the server flags: seen, replied, flagged, draft, trashed, passed (sorted).
    public static func mailroomFlags(_ flags: [String]) -> [String] {
        var out: Set<String> = []
        for f in flags {
            switch f.lowercased() {
            case "\\seen": out.insert("seen")
            case "\\answered": out.insert("replied")
            case "\\flagged": out.insert("flagged")
            case "\\draft": out.insert("draft")
            case "\\deleted": out.insert("trashed")
            case "$forwarded": out.insert("passed")
            default: break
            }
        }
        return out.sorted()
    }
}
