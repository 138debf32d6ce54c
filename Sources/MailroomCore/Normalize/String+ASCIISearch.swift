/// Byte-level searches and tests for the common all-ASCII header text, with the same answers as the general
/// (Foundation or Character) operations they stand in for.
extension String {
    /// Whether the text holds `needle`, a non-empty ASCII string without CR, LF, `;`, `` ` `` or `K`; the same
    /// answer as `contains(_:)` (a canonical-equivalence search). A byte match followed by ASCII (or the end) is a
    /// match there too, and text without the needle's bytes has no canonical equivalent of it (only those three
    /// characters have non-ASCII singleton equivalents). Only when every byte match is followed by a non-ASCII
    /// byte (possibly a combining mark) does the general search decide.
    func containsASCII(_ needle: StaticString) -> Bool {
        let n = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        var s = self
        let found: Bool? = s.withUTF8 { h in
            guard n.count <= h.count else { return false }
            var matched = false
            var i = 0
            let first = n[0]
            while i <= h.count - n.count {
                if h[i] == first {
                    var k = 1
                    while k < n.count, h[i + k] == n[k] { k += 1 }
                    if k == n.count {
                        let after = i + n.count
                        if after == h.count || h[after] < 0x80 { return true }
                        matched = true
                    }
                }
                i += 1
            }
            return matched ? nil : false
        }
        return found ?? contains(String(decoding: n, as: UTF8.self))
    }

    /// Whether every UTF-8 byte is ASCII.
    var isASCII: Bool {
        var s = self
        return s.withUTF8 { ASCIIBytes.isASCII($0) }
    }
}

extension StringProtocol {
    /// `firstIndex(of:)` of the Character that is `byte`, an ASCII byte other than CR and LF: by bytes when the
    /// text is ASCII (there each Character is one byte but CR LF), by Characters otherwise (a combining mark after
    /// the byte would make it part of another Character).
    func firstIndex(ofASCII byte: UInt8) -> Index? {
        isASCIIText ? utf8.firstIndex(of: byte) : firstIndex(of: Character(Unicode.Scalar(byte)))
    }

    fileprivate var isASCIIText: Bool {
        utf8.withContiguousStorageIfAvailable { ASCIIBytes.isASCII($0) } ?? utf8.allSatisfy { $0 < 0x80 }
    }
}

extension StringProtocol where UTF8View: BidirectionalCollection {  // String and Substring
    /// `lastIndex(of:)` of the Character that is `byte`, as `firstIndex(ofASCII:)`.
    func lastIndex(ofASCII byte: UInt8) -> Index? {
        isASCIIText ? utf8.lastIndex(of: byte) : lastIndex(of: Character(Unicode.Scalar(byte)))
    }
}

/// Helpers over ASCII bytes.
public enum ASCIIBytes {
    public static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var acc: UInt8 = 0
        for c in b { acc |= c }
        return acc < 0x80
    }

    /// What `Character.isLetter` answers for ASCII.
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) }

    /// What `Character.isNumber` answers for ASCII.
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// The run of letters at `start` (before `end`), lower-cased, and where it ends: a subject prefix's word as
    /// `BaseSubject` and `SubjectPrefix` read it. Nil when there is none or it has more than `maxLength` letters.
    static func lowercasedWord(_ c: UnsafeBufferPointer<UInt8>, at start: Int, end: Int,
                               maxLength: Int) -> (word: String, end: Int)? {
        var i = start
        while i < end, isLetter(c[i]) { i += 1 }
        guard i > start, i - start <= maxLength else { return nil }
        let word = String(unsafeUninitializedCapacity: i - start) { out in
            for k in start..<i { out[k - start] = c[k] | 0x20 }  // letters only: lower-case
            return i - start
        }
        return (word, i)
    }

    /// A subject prefix's reply counter at `i` (`[2]`, `(2)`, `^2`), as `BaseSubject` and `SubjectPrefix` read
    /// it: where the text goes on after it, `i` when there is none, nil when one is opened and not well formed.
    static func afterReplyCounter(_ c: UnsafeBufferPointer<UInt8>, _ i: Int, end: Int) -> Int? {
        guard i < end, c[i] == 0x5B || c[i] == 0x28 || c[i] == 0x5E else { return i }
        let open = c[i]
        var d = i + 1
        while d < end, isDigit(c[d]) { d += 1 }
        guard d > i + 1 else { return nil }
        if open == 0x5E { return d }
        guard d < end, c[d] == (open == 0x5B ? 0x5D : 0x29) else { return nil }
        return d + 1
    }

    /// Letters and digits (what `Character.isLetter || isNumber` answers for ASCII).
    @inline(__always) static func isAlphanumeric(_ c: UInt8) -> Bool { isLetter(c) || isDigit(c) }
}
