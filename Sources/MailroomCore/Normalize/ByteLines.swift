#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Line scanning over raw message bytes. A line ends at LF, at CR LF (any run of CRs before the LF), or at a bare
/// CR, so LF, CRLF and old-Mac copies of a message split into the same lines.
enum ByteLines {
    static let lf: UInt8 = 0x0A, cr: UInt8 = 0x0D, sp: UInt8 = 0x20, tab: UInt8 = 0x09

    /// The line starting at `start`: where its content ends and where the next line starts.
    @inline(__always)
    static func line(_ b: UnsafeRawBufferPointer, from start: Int, end: Int) -> (contentEnd: Int, next: Int) {
        guard start < end, let base = b.baseAddress else { return (end, end) }
        let nl: Int
        if let p = memchr(base + start, Int32(lf), end - start) {
            nl = UnsafeRawPointer(p) - base
        } else {
            nl = end
        }
        guard nl > start, let c = memchr(base + start, Int32(cr), nl - start) else {
            return (nl, min(nl + 1, end))
        }
        let crAt = UnsafeRawPointer(c) - base
        var j = crAt
        while j < nl && b[j] == cr { j += 1 }
        if j == nl && nl < end { return (crAt, nl + 1) }  // CR... LF
        if j == nl { return (crAt, end) }  // trailing CRs at the end of the buffer
        return (crAt, crAt + 1)  // QUIRK: bare CR line ending (old Mac, broken gateways)
    }

    @inline(__always) static func isWSP(_ c: UInt8) -> Bool { c == sp || c == tab }

    /// True for SP, HT, CR, LF, VT, FF.
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == sp || (c >= 0x09 && c <= 0x0D) }

    /// Whether the range holds a NUL byte; the offset of the first one.
    static func firstNUL(_ b: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int? {
        firstByte(0, in: b, r)
    }

    /// The offset of the first `byte` in the range, or nil.
    static func firstByte(_ byte: UInt8, in b: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int? {
        guard !r.isEmpty, let base = b.baseAddress, let p = memchr(base + r.lowerBound, Int32(byte), r.count) else {
            return nil
        }
        return UnsafeRawPointer(p) - base
    }

    /// Whether `b[at...]` starts with `prefix` (ASCII, compared case-insensitively when `caseless`).
    static func hasPrefix(_ b: UnsafeRawBufferPointer, at: Int, end: Int, _ prefix: [UInt8], caseless: Bool = false) -> Bool {
        guard end - at >= prefix.count else { return false }
        for (k, p) in prefix.enumerated() {
            let c = b[at + k]
            if caseless ? lowerASCII(c) != lowerASCII(p) : c != p { return false }
        }
        return true
    }

    @inline(__always) static func lowerASCII(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    static func slice(_ b: UnsafeRawBufferPointer, _ r: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: b[r])
    }

    /// The end of `r` moved back to just after its last LF, when that LF is at `notBefore` or later; else
    /// `r.upperBound`.
    static func endAfterLastLineBreak(_ b: UnsafeRawBufferPointer, _ r: Range<Int>, notBefore: Int) -> Int {
        var i = r.upperBound
        while i > max(notBefore, r.lowerBound) {
            if b[i - 1] == 0x0A { return i }
            i -= 1
        }
        return r.upperBound
    }
}
