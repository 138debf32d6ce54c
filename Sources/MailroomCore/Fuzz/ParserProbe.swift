/// Entry points for the fuzz harness (`Sources/MailroomFuzz`): each runs one of Core's internal parsers on
/// arbitrary bytes and checks what must hold for every input (offsets in range, limits kept). A broken
/// invariant stops the process with `preconditionFailure`, which libFuzzer reports as a crash with its input.
/// `package` access: visible to this package's targets only, never part of the public API.
package enum ParserProbe {
    /// The header parser on a whole message and on a part (no envelope, BOM or leading blank lines).
    package static func header(_ b: UnsafeRawBufferPointer) {
        let limits = MessageLimits()
        for topLevel in [true, false] {
            let h = HeaderParser.parse(b, range: 0..<b.count, topLevel: topLevel, maxBytes: limits.maxHeaderBytes,
                                       maxFields: limits.maxHeaderFields)
            check(h.start >= 0 && h.start <= h.bodyStart && h.bodyStart <= b.count,
                  "header: start \(h.start), body \(h.bodyStart), size \(b.count)")
            check(h.fields.count <= limits.maxHeaderFields, "header: \(h.fields.count) fields kept")
            for f in h.fields { check(!f.name.isEmpty, "header: a field with an empty name") }
        }
        // A header section inside a larger buffer: the parser must stay within its range.
        if b.count > 2 {
            let h = HeaderParser.parse(b, range: 1..<(b.count - 1), topLevel: false)
            check(h.start >= 1 && h.bodyStart <= b.count - 1, "header: left its range 1..<\(b.count - 1)")
        }
    }

    /// The MIME walker under small limits (so depth and part limits are reached), then the whole normalizer.
    package static func mime(_ b: UnsafeRawBufferPointer) {
        var limits = MessageLimits()
        limits.maxMIMEDepth = 6
        limits.maxParts = 40
        let top = HeaderParser.parse(b, range: 0..<b.count, topLevel: true, maxBytes: limits.maxHeaderBytes,
                                     maxFields: limits.maxHeaderFields)
        let summary = MIMEWalker.walk(b, top: top, end: b.count, limits: limits)
        check(summary.attachments <= limits.maxParts, "mime: \(summary.attachments) attachments over the part limit")
        let copy = MessageCopy(copyId: "fuzz/INBOX/0", mailbox: "fuzz", source: .eml, folder: "INBOX",
                               locator: Locator(file: "fuzz.eml", offset: 0, length: b.count), date: nil)
        let settings = NormalizeSettings(owner: ["owner@example.com"], ownDomains: ["example.com"], limits: limits)
        if case .message(let m) = Normalizer.normalize(copy: copy, bytes: b, settings: settings) {
            var w = JSONWriter()
            m.writeJSON(&w)
            // What normalize writes must read back: the next stage parses it.
            do { _ = try JSONParser.parse(w.bytes) } catch { check(false, "mime: the record does not parse: \(error)") }
        }
    }

    /// Address lists, plain and with the pipermail `user at host` form.
    package static func addressList(_ bytes: [UInt8]) {
        for pipermail in [false, true] {
            var issues = Set<IssueCode>()
            let list = AddressList.parse(bytes, pipermailAt: pipermail, issues: &issues)
            check(Set(list.map(\.key)).count == list.count, "address: a duplicate key was kept")
        }
    }

    /// Stops the process naming `what` when `ok` is false: every fuzz target's invariant check (libFuzzer keeps
    /// the input).
    package static func check(_ ok: @autoclosure () -> Bool, _ what: @autoclosure () -> String) {
        if !ok() { preconditionFailure("fuzz invariant broken: \(what())") }
    }
}
