/// The closed set of record-issue codes: what can be wrong with one record (a file extract skipped, a message
/// copy normalize quarantined or read with problems, a row of the contacts file, a key of the pipeline file).
/// The raw value is the code written in the run directory's files, the report and the store; the README's
/// issue-code table lists exactly these cases with their `meaning` (a test checks it).
public enum IssueCode: String, Sendable, CaseIterable, Comparable {
    // extract: files left out (not message copies), listed in `extract/skipped.ndjson`
    case fileUnreadable = "file-unreadable"
    case fileNameNotUTF8 = "file-name-not-utf8"
    case notMbox = "not-mbox"
    case maildirRepeatedName = "maildir-repeated-name"

    // normalize: copies quarantined (`normalize/quarantine.ndjson`, field `reason`)
    case empty = "empty"
    case notAMessage = "not-a-message"
    case binaryContent = "binary-content"
    case tooLarge = "too-large"
    case unreadable = "unreadable"

    // normalize: copies read with problems, loaded anyway (`issues` of `normalize/messages.ndjson`)
    case headerMalformed = "header-malformed"
    case headerLimit = "header-limit"
    case messageIdMissing = "message-id-missing"
    case messageIdInvalid = "message-id-invalid"
    case dateMissing = "date-missing"
    case dateUnparseable = "date-unparseable"
    case addressInvalid = "address-invalid"
    case encodedWordInvalid = "encoded-word-invalid"
    case unknownCharset = "unknown-charset"
    case partLimit = "part-limit"
    case mimeDepthLimit = "mime-depth-limit"

    // contacts file
    case csvQuoteUnclosed = "csv-quote-unclosed"
    case contactsColumnsMissing = "contacts-columns-missing"
    case contactIdEmpty = "contact-id-empty"
    case contactIdRepeated = "contact-id-repeated"
    case notAnAddress = "not-an-address"
    case contactWithoutEmail = "contact-without-email"

    // pipeline file
    case yamlInvalid = "yaml-invalid"
    case keyUnknown = "key-unknown"
    case keyRepeated = "key-repeated"
    case keyMissing = "key-missing"
    case valueInvalid = "value-invalid"

    /// Who finds the issue.
    public enum Stage: String, Sendable {
        case extract, normalize, contacts, config
    }

    /// What becomes of the record.
    public enum Effect: String, Sendable {
        /// The record is left out and the run goes on (a skipped file, a quarantined copy).
        case leftOut = "left out"
        /// The record is kept as well as it could be read (a message with a missing Date, a contact without email).
        case kept
        /// The input file cannot be trusted as a whole: the command stops (exit 2 or 3) listing every such issue.
        case stops
    }

    public var stage: Stage {
        switch self {
        case .fileUnreadable, .fileNameNotUTF8, .notMbox, .maildirRepeatedName: return .extract
        case .empty, .notAMessage, .binaryContent, .tooLarge, .unreadable, .headerMalformed, .headerLimit,
             .messageIdMissing, .messageIdInvalid, .dateMissing, .dateUnparseable, .addressInvalid,
             .encodedWordInvalid, .unknownCharset, .partLimit, .mimeDepthLimit:
            return .normalize
        case .csvQuoteUnclosed, .contactsColumnsMissing, .contactIdEmpty, .contactIdRepeated, .notAnAddress,
             .contactWithoutEmail:
            return .contacts
        case .yamlInvalid, .keyUnknown, .keyRepeated, .keyMissing, .valueInvalid: return .config
        }
    }

    public var effect: Effect {
        switch self {
        case .fileUnreadable, .fileNameNotUTF8, .notMbox, .maildirRepeatedName,
             .empty, .notAMessage, .binaryContent, .tooLarge, .unreadable:
            return .leftOut
        case .headerMalformed, .headerLimit, .messageIdMissing, .messageIdInvalid, .dateMissing, .dateUnparseable,
             .addressInvalid, .encodedWordInvalid, .unknownCharset, .partLimit, .mimeDepthLimit,
             .notAnAddress, .contactWithoutEmail:
            return .kept
        case .csvQuoteUnclosed, .contactsColumnsMissing, .contactIdEmpty, .contactIdRepeated,
             .yamlInvalid, .keyUnknown, .keyRepeated, .keyMissing, .valueInvalid:
            return .stops
        }
    }

    /// One line for the README's table: what the code means.
    public var meaning: String {
        switch self {
        case .fileUnreadable: return "a message or mbox file cannot be opened or read"
        case .fileNameNotUTF8: return "a file or folder name is not UTF-8 (it could not be named in the run's files)"
        case .notMbox: return "a file named like an mbox (`.mbox`, `mbox`) does not start with a From_ line"
        case .maildirRepeatedName: return "a Maildir message's unique name seen twice (caught mid-rename): the first is kept"
        case .empty: return "the copy is empty or only white space"
        case .notAMessage: return "no mail header field at the start"
        case .binaryContent: return "a NUL byte in the header section"
        case .tooLarge: return "over the message size limit (64 MiB); only its header section is read"
        case .unreadable: return "the copy's bytes are gone, cut short or another message's since extract"
        case .headerMalformed: return "a header line that is not a field"
        case .headerLimit: return "header section over 512 KiB or 1,000 fields: the rest skipped"
        case .messageIdMissing: return "no Message-ID"
        case .messageIdInvalid: return "a Message-ID that cannot be read"
        case .dateMissing: return "no Date"
        case .dateUnparseable: return "a Date that cannot be read"
        case .addressInvalid: return "an address list entry that is not an address"
        case .encodedWordInvalid: return "an RFC 2047 encoded word that cannot be decoded"
        case .unknownCharset: return "a charset Mailroom does not know (read as UTF-8 or Latin-1)"
        case .partLimit: return "more than 500 MIME parts: the rest not walked"
        case .mimeDepthLimit: return "multipart nesting deeper than 20: deeper parts not walked"
        case .csvQuoteUnclosed: return "a quoted field is never closed"
        case .contactsColumnsMissing: return "no header row, or it lacks `id`, `name` or `emails`"
        case .contactIdEmpty: return "a contact with an empty id"
        case .contactIdRepeated: return "a contact id used twice"
        case .notAnAddress: return "a contact's email is not an address (kept, unusable)"
        case .contactWithoutEmail: return "a contact has no usable email"
        case .yamlInvalid: return "the pipeline file is not valid YAML"
        case .keyUnknown: return "a key the pipeline file does not have"
        case .keyRepeated: return "a key given twice"
        case .keyMissing: return "a required key is missing"
        case .valueInvalid: return "a value of the wrong type or outside its choices"
        }
    }

    /// By raw value: records list their codes sorted as text.
    public static func < (a: IssueCode, b: IssueCode) -> Bool { a.rawValue < b.rawValue }
}
