import MailroomCore

extension MailboxProbe.Report: JSONWritable {
    /// Schema of `mailroom mailbox test --json`. History: 1 — first version.
    public static let jsonSchema = "mailroom.mailbox-test/1"

    /// One line per step (✓ passed, ✗ failed, - skipped), then the advice for the failed step. A detail holds
    /// server text (folder names, answers), so its line breaks are escaped: it stays on its step's line.
    public func text() -> String {
        var out = "Testing mailbox \(mailbox)\n"
        for s in steps {
            let mark = s.ok == nil ? "-" : (s.ok! ? "✓" : "✗")
            out += "  \(mark) \(s.step.title): \(TerminalText.escaped(s.detail))\n"
        }
        if let failure {
            out += "Failed at \(steps.last?.step.title ?? "?"): check the \(check ?? "settings") (exit \(failure.status.rawValue), \(failure.status.name))\n"
        } else {
            out += "All checks passed.\n"
        }
        return out
    }

    /// The JSON document, with its newline (`--json`).
    public func json() -> [UInt8] { jsonBytes() + [0x0A] }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("schema", Self.jsonSchema)
        w.field("mailbox", mailbox)
        w.field("passed", passed)
        w.key("steps")
        w.beginArray()
        for s in steps {
            w.beginObject()
            w.field("step", s.step.rawValue)
            w.field("result", s.ok == nil ? "skipped" : (s.ok! ? "ok" : "failed"))
            w.field("detail", s.detail)
            w.endObject()
        }
        w.endArray()
        w.key("failure")
        if let failure {
            w.beginObject()
            w.field("step", steps.last?.step.rawValue)
            w.field("exitCode", Int(failure.status.rawValue))
            w.field("code", failure.status.name)
            w.field("check", check)
            w.field("message", failure.message)
            w.endObject()
        } else {
            w.null()
        }
        w.endObject()
    }
}
