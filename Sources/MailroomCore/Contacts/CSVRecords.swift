/// An RFC 4180 tokenizer over bytes: one record (row) at a time, each field decoded as UTF-8 (lossily, U+FFFD).
///
/// Accepted beyond the RFC, because spreadsheets write it: a UTF-8 byte order mark, LF or lone CR line ends,
/// a missing final line end, and text after a closing quote (kept as written). Line numbers are 1-based
/// physical lines, so a quoted field holding line breaks makes the next record start further down.
struct CSVRecords {
    struct Record: Equatable {
        /// Physical line the record starts on.
        var line: Int
        var fields: [String]
    }

    enum Failure: Error, Equatable {
        /// A quoted field was still open at the end of the input; `line` is where its quote opened.
        case unterminatedQuote(line: Int)
    }

    private let bytes: [UInt8]
    private var pos: Int
    private var line = 1

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        pos = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// The next record, nil at the end of the input.
    mutating func next() -> Result<Record, Failure>? {
        guard pos < bytes.count else { return nil }
        let start = line
        var fields: [String] = []
        var field: [UInt8] = []
        while true {
            guard pos < bytes.count else {
                fields.append(decode(field))
                return .success(Record(line: start, fields: fields))
            }
            let b = bytes[pos]
            switch b {
            case UInt8(ascii: ","):
                fields.append(decode(field))
                field.removeAll(keepingCapacity: true)
                pos += 1
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                skipLineEnd()
                fields.append(decode(field))
                return .success(Record(line: start, fields: fields))
            case UInt8(ascii: "\"") where field.isEmpty:
                let quoteLine = line
                pos += 1
                guard readQuoted(into: &field) else { return .failure(.unterminatedQuote(line: quoteLine)) }
            default:
                field.append(b)
                pos += 1
            }
        }
    }

    /// Reads a quoted field's content up to and past its closing quote. False when the input ends first.
    private mutating func readQuoted(into field: inout [UInt8]) -> Bool {
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                if pos + 1 < bytes.count, bytes[pos + 1] == UInt8(ascii: "\"") {
                    field.append(b)
                    pos += 2
                    continue
                }
                pos += 1
                return true
            }
            if b == UInt8(ascii: "\r") || b == UInt8(ascii: "\n") {
                // A line break inside quotes is data; keep it as written but count the line.
                let s = pos
                skipLineEnd()
                field.append(contentsOf: bytes[s..<pos])
                continue
            }
            field.append(b)
            pos += 1
        }
        return false
    }

    /// Consumes one CRLF, LF or lone CR and counts the line.
    private mutating func skipLineEnd() {
        if bytes[pos] == UInt8(ascii: "\r"), pos + 1 < bytes.count, bytes[pos + 1] == UInt8(ascii: "\n") {
            pos += 2
        } else {
            pos += 1
        }
        line += 1
    }

    private func decode(_ field: [UInt8]) -> String { String(decoding: field, as: UTF8.self) }
}
