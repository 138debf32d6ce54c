/// mbox `From ` quoting (mboxrd; also right for the usual mboxo files).
enum MboxQuoting {
    /// Removes one `>` from every line that matches `^>+From `, in place.
    static func unquote(_ bytes: inout [UInt8]) {
        var out = 0
        var i = 0
        let n = bytes.count
        var lineStart = true
        while i < n {
            if lineStart, bytes[i] == UInt8(ascii: ">"), MboxFromLine.isQuoted(bytes[i..<min(n, i + 4096)]) {
                i += 1  // drop one '>'
            }
            let b = bytes[i]
            bytes[out] = b
            out += 1
            i += 1
            lineStart = b == 0x0A
        }
        bytes.removeLast(n - out)
    }
}
