import MailroomCore

/// The IMAP framer and response parser on bytes a hostile or broken server could send.
enum IMAPProbe {
    /// Literal cap for fuzzing: small, so literal handling is reached with short inputs.
    static let maxLiteral = 1 << 16

    /// The framer fed all at once and in small uneven chunks gives the same responses and the same error, and
    /// what it returns is the input's prefix, in order.
    static func framer(_ bytes: [UInt8]) {
        let whole = frame(bytes, chunks: [bytes.count])
        let sizes = (0..<8).map { 1 + Int(bytes.isEmpty ? 0 : bytes[$0 % bytes.count] % 13) }
        let chunked = frame(bytes, chunks: sizes)
        ParserProbe.check(whole.responses == chunked.responses && whole.failed == chunked.failed,
                          "imap-framer: \(whole.responses.count) responses whole, \(chunked.responses.count) in chunks")
        let joined = whole.responses.flatMap { $0 }
        ParserProbe.check(joined.count <= bytes.count && joined[...] == bytes[..<joined.count],
                          "imap-framer: responses are not the input's prefix")
    }

    /// Responses framed from the input, each parsed; FETCH and LIST data also go through their readers.
    static func responses(_ bytes: [UInt8]) {
        _ = try? IMAPResponse.parse(bytes)
        let framed = frame(bytes + [13, 10], chunks: [bytes.count + 2])
        for r in framed.responses {
            guard let response = try? IMAPResponse.parse(r) else { continue }
            if case .data(let values) = response {
                _ = try? IMAPFetchResult(values)
                _ = IMAPListedFolder(listValues: values)
            }
        }
    }

    /// Frames `bytes` feeding chunks of the given sizes in turn (the last size repeats).
    static func frame(_ bytes: [UInt8], chunks: [Int]) -> (responses: [[UInt8]], failed: Bool) {
        var framer = IMAPFramer(maxLiteral: maxLiteral)
        var out: [[UInt8]] = []
        var at = 0, k = 0
        while at < bytes.count {
            let n = max(1, chunks[min(k, chunks.count - 1)])
            k = (k + 1) % max(chunks.count, 1)
            framer.feed(bytes[at..<min(at + n, bytes.count)])
            at += n
            do {
                while let r = try framer.next() { out.append(r) }
            } catch {
                return (out, true)
            }
        }
        return (out, false)
    }
}
