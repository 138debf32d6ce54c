import Foundation
import MailroomIO

/// Writes to stdout exactly what a command prints (one JSON document with --json).
enum Output {
    static func write(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// A JSON document (`--json`): C1 controls and bidirectional controls in its strings are written as JSON
    /// escapes (`TerminalText.json`), so what a message or a server wrote cannot act on the terminal.
    static func json(_ bytes: [UInt8]) { write(TerminalText.json(bytes)) }

    /// A value's JSON document (`--json`), written by the same `JSONWriter` the records use, on one line.
    static func json(_ value: some JSONWritable) { json(value.jsonBytes() + [0x0A]) }

    /// Text for a person (not JSON): through the terminal sanitizer, line breaks kept.
    static func write(_ text: String) { write(Array(TerminalText.lines(text).utf8)) }
}
