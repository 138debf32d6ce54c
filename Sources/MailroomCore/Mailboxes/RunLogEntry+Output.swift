extension RunLogEntry {
    /// Schema of `mailroom runs --json`. History: 1 — first version.
    public static let jsonSchema = "mailroom.runs/1"

    /// Two lines per run: when, kind, status, mailboxes, window; then its message.
    public static func text(_ runs: [RunLogEntry]) -> String {
        var out = ""
        for r in runs {
            var head = "\(r.startedAt)  \(r.kind.rawValue)  \(r.status.rawValue)"
            if let code = r.errorCode { head += " (\(code))" }
            if !r.mailboxes.isEmpty { head += "  \(r.mailboxes.joined(separator: ", "))" }
            if let s = r.windowStart, let e = r.windowEnd { head += "  window \(s.prefix(10))..\(e.prefix(10))" }
            if r.throttled > 0 { head += "  throttled \(r.throttled)x" }
            out += head + "  [\(r.id)]\n    \(r.message)\n"
            if let b = r.cursorBefore, let a = r.cursorAfter, b != a {
                out += "    cursors: \(cursorText(b)) -> \(cursorText(a))\n"
            }
        }
        return out
    }

    static func cursorText(_ cs: [Cursor]) -> String {
        cs.isEmpty ? "none" : cs.map { "\($0.folder) \($0.uidValidity)/\($0.highestUID)" }.joined(separator: ", ")
    }

    public static func json(_ runs: [RunLogEntry]) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("schema", jsonSchema)
        w.key("runs")
        w.beginArray()
        for r in runs {
            w.beginObject()
            w.field("id", r.id)
            w.field("kind", r.kind.rawValue)
            w.field("status", r.status.rawValue)
            w.field("mailboxes", r.mailboxes)
            w.field("windowStart", r.windowStart)
            w.field("windowEnd", r.windowEnd)
            w.field("startedAt", r.startedAt)
            w.field("finishedAt", r.finishedAt)
            w.key("counts")
            w.beginObject()
            for k in r.counts.keys.sorted() { w.field(k, r.counts[k]!) }
            w.endObject()
            w.field("message", r.message)
            for (k, cs) in [("cursorBefore", r.cursorBefore), ("cursorAfter", r.cursorAfter)] {
                w.key(k)
                if let cs { writeCursors(&w, cs) } else { w.null() }
            }
            w.field("throttled", r.throttled)
            w.field("errorCode", r.errorCode)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes + [0x0A]
    }
}
