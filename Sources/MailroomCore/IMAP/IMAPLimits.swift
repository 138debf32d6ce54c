/// Caps on what one IMAP server answer may hold, so a hostile or broken server cannot make Mailroom grow
/// without bound or recurse deeply: an answer over a cap ends the connection with a protocol error (exit 16,
/// naming the server) instead of being read on.
public struct IMAPLimits: Sendable, Equatable {
    /// Bytes of one response outside its literals (its lines). Default 16 MiB: a `SEARCH` answer of about two
    /// million UIDs.
    public var maxLineBytes: Int
    /// Bytes of the literals of one response together (a message body is one literal). Default 64 MiB, the
    /// message size limit of normalize (`MessageLimits.maxMessageBytes`): a larger body is refused, never held.
    public var maxLiteralBytes: Int
    /// Nesting of parenthesised lists in one response. Default 64 (Mailroom's own answers nest at most 3 deep).
    public var maxNesting: Int

    public init(maxLineBytes: Int = 16 << 20, maxLiteralBytes: Int = MessageLimits().maxMessageBytes,
                maxNesting: Int = 64) {
        self.maxLineBytes = maxLineBytes
        self.maxLiteralBytes = maxLiteralBytes
        self.maxNesting = maxNesting
    }

    /// Largest number IMAP allows anywhere (RFC 9051 `number64`: 2^63 - 1); larger numbers are a protocol error.
    public static let maxNumber: UInt64 = UInt64(Int64.max)
    /// Largest year of an INTERNALDATE (RFC 9051 `date-year` is 4 digits).
    public static let maxYear = 9999
    /// Most digits a literal's length may have (up to 999 GB, far past any cap), so reading it cannot overflow.
    static let maxLiteralDigits = 12

    /// The length a literal announces, from the digits between its `{` and `}` (ASCII digits; none reads as 0):
    /// the one reader of literal lengths, for the framer and the tokenizer. More than `maxLiteralDigits` digits
    /// are a protocol error.
    static func literalLength(_ digits: some Collection<UInt8>) throws -> Int {
        guard digits.count <= maxLiteralDigits else {
            throw IMAPProtocolError("a literal's length has more than \(maxLiteralDigits) digits")
        }
        return digits.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    /// `64 MiB` / `512 KiB` / `100 bytes`, for messages.
    public static func size(_ n: Int) -> String {
        if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n >= 1 << 10 && n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
        return "\(n) bytes"
    }
}
