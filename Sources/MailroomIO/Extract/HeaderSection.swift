#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the header section of a message (what `dateOf` needs) without reading the whole message: small reads
/// that grow until the blank line ending the headers is found, up to `cap` bytes.
enum HeaderSection {
    /// Longest header section handed to `dateOf` (real files have 135 KB headers; more is cut).
    static let cap = 256 << 10
    /// The first read's size: a message no longer is read whole by it.
    static let firstRead = 16 << 10

    /// Fills `buffer` with the header section of the `length`-byte message at `offset` in `file`: up to and
    /// including the blank line, or the first `cap` bytes, or the whole message when shorter.
    static func read(_ file: ReadOnlyFile, offset: Int, length: Int, into buffer: inout [UInt8]) throws {
        var want = min(firstRead, length, cap)
        while true {
            try file.readBytes(into: &buffer, count: want, at: offset)
            if let end = end(of: buffer) {
                buffer.removeLast(buffer.count - end)
                return
            }
            if buffer.count < want || want >= length || want >= cap { return }
            want = min(want * 4, length, cap)
        }
    }

    /// The index just after the blank line that ends the header section (`\n\n` or `\n\r\n`; a message that
    /// starts with a blank line has an empty header section). Hops from line break to line break with `memchr`
    /// (a vector at a time) instead of looking at every byte: it runs on every message file extract reads.
    static func end(of bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { b -> Int? in
            let n = b.count
            guard n > 0, let base = b.baseAddress else { return nil }
            if b[0] == 0x0A { return 1 }
            if n >= 2, b[0] == 0x0D, b[1] == 0x0A { return 2 }
            var i = 0
            while i < n, let p = memchr(base + i, 0x0A, n - i) {
                let j = UnsafeRawPointer(p) - base
                if j + 1 < n, b[j + 1] == 0x0A { return j + 2 }
                if j + 2 < n, b[j + 1] == 0x0D, b[j + 2] == 0x0A { return j + 3 }
                i = j + 1
            }
            return nil
        }
    }

    /// When `bytes` start with a `From ` envelope line (an .eml or Maildir file saved from an mbox), that
    /// line without its break and the index where the headers begin after it.
    static func envelopeLine(_ bytes: [UInt8]) -> (line: [UInt8], headersStart: Int)? {
        guard MboxFromLine.hasPrefix(bytes), let nl = bytes.firstIndex(of: 0x0A) else { return nil }
        var line = Array(bytes[..<nl])
        if line.last == 0x0D { line.removeLast() }
        return (line, nl + 1)
    }
}
