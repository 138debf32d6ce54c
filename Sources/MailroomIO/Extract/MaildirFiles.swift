import MailroomCore

/// The message files of one Maildir folder, in the order they are read: each name's bytes once in a
/// `StringList` and the number of its subfolder (cur/ or new/) in a byte. A folder's list lives while the folder is
/// read, at the end of extract beside dedupe's tables: as `String`s in the arrays of the listing, the merge and
/// the files opened ahead, plus a `Set` of unique names, it took ~200 bytes per file (12 MB for a folder of
/// 62,580), against ~45 here with `UniqueNames`.
struct MaildirFiles: Sendable {
    private var names = StringList()
    private var subs: [UInt8] = []

    init() {}

    var count: Int { subs.count }

    mutating func append(_ name: String, sub: Int) {
        names.append(name)
        subs.append(UInt8(sub))
    }

    func name(_ k: Int) -> String { names.string(Int32(k)) }
    func sub(_ k: Int) -> Int { Int(subs[k]) }

    /// The bytes of file `k`'s unique name (`MaildirName.unique`: the name without its info part).
    func withUnique<R>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        names.withBytes(Int32(k)) { b in
            body(UnsafeBufferPointer(rebasing: b[..<(MaildirName.infoStart(b) ?? b.count)]))
        }
    }
}

/// The unique names of the files of a `MaildirFiles` kept so far, compared as `String` compares them (as the
/// `Set<String>` this replaces did: canonically equivalent spellings are one name). It holds no name, only a
/// `SlotIndex` of file numbers (4 to 8 bytes a file); a name is read again from the list to compare.
struct UniqueNames {
    private var index: SlotIndex

    init(capacity: Int) { index = SlotIndex(capacity: capacity) }

    /// Adds file `k`'s unique name; false when a file added before has the same one.
    mutating func insert(_ k: Int, of files: MaildirFiles) -> Bool {
        let h = Self.hash(k, files)
        if index.find(hash: h, { Self.same($0, k, files) }) != nil { return false }
        index.insert(k, hash: h) { Self.hash($0, files) }
        return true
    }

    /// Of the NFC form when the name is not ASCII, so that equal names hash alike; `Hasher` is seeded at random
    /// for each process, so names crafted to collide cannot aim.
    private static func hash(_ k: Int, _ files: MaildirFiles) -> Int {
        files.withUnique(k) { b in
            var h = Hasher()
            if ASCIIBytes.isASCII(b) {
                h.combine(bytes: UnsafeRawBufferPointer(b))
            } else {
                var s = ICU.nfc(String(decoding: b, as: UTF8.self))
                s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
            }
            return h.finalize()
        }
    }

    private static func same(_ a: Int, _ b: Int, _ files: MaildirFiles) -> Bool {
        files.withUnique(a) { p in
            files.withUnique(b) { q in
                if p.count == q.count && p.elementsEqual(q) { return true }
                guard !ASCIIBytes.isASCII(p) || !ASCIIBytes.isASCII(q) else { return false }
                return String(decoding: p, as: UTF8.self) == String(decoding: q, as: UTF8.self)
            }
        }
    }
}
