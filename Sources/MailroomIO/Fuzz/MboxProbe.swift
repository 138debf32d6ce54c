import MailroomCore

/// Entry point for the fuzz harness (`Sources/MailroomFuzz`): runs the mbox splitter over a file and checks what
/// must hold for every input. A broken invariant stops the process with `preconditionFailure`, which libFuzzer
/// reports as a crash with its input. `package` access: never part of the public API.
package enum MboxProbe {
    /// Splits the mbox at `path` with a tiny and a usual buffer: the messages must be the same (the splitter
    /// streams through a fixed buffer, so a line split across two reads must change nothing), in order, not
    /// overlapping and within the file. Returns the number of messages.
    @discardableResult
    package static func split(path: String, size: Int) throws -> Int {
        let small = try messages(path: path, chunkSize: 7)
        let usual = try messages(path: path, chunkSize: 4096)
        ParserProbe.check(small == usual,
                          "mbox: chunk sizes 7 and 4096 split differently: \(small.count) vs \(usual.count) messages")
        var previousEnd = 0
        for m in usual {
            ParserProbe.check(m.fromLineOffset >= previousEnd && m.start >= m.fromLineOffset,
                              "mbox: message at \(m.start) (From_ line at \(m.fromLineOffset)) overlaps the previous one")
            ParserProbe.check(m.length >= 0 && m.start + m.length <= size,
                              "mbox: message \(m.start)+\(m.length) past \(size) bytes")
            ParserProbe.check(m.headerLength >= 0 && m.headerLength <= m.length,
                              "mbox: header \(m.headerLength) of \(m.length)")
            previousEnd = m.start + m.length
        }
        return usual.count
    }

    private static func messages(path: String, chunkSize: Int) throws -> [MboxSplitter.Message] {
        let splitter = MboxSplitter(file: try ReadOnlyFile(path: path), chunkSize: chunkSize)
        var out: [MboxSplitter.Message] = []
        while let m = try splitter.next() { out.append(m) }
        return out
    }
}
