/// The result of `ReviewChecks.run` (MailroomIO, which reads the store), and its text and JSON rendering.
public struct ReviewReport: Sendable, Equatable {
    /// Version of the `--json` document. History: 1 — first version.
    public static let schemaVersion = 1

    public var store: String
    public var findings: [ReviewFinding]
    public var sample: [SpotCheck]
    /// Merge and add-email commands for the store's duplicate contact groups and busiest unlinked addresses.
    public var cleanup = CleanupSuggestions()
    /// The paths the text and HTML commands name (the JSON names `PIPELINE`).
    public var cleanupPaths = CleanupSuggestions.Paths.placeholders

    public init(store: String, findings: [ReviewFinding], sample: [SpotCheck]) {
        self.store = store
        self.findings = findings
        self.sample = sample
    }

    /// No finding of severity `failure`.
    public var passed: Bool { !findings.contains { $0.severity == .failure } }

    /// `ok`, `warning` or `failed` for one check.
    public func status(of check: String) -> String {
        let f = findings.filter { $0.check == check }
        if f.contains(where: { $0.severity == .failure }) { return "failed" }
        return f.isEmpty ? "ok" : "warning"
    }

    /// The `--json` document: exactly one JSON object.
    public func json() -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("schemaVersion", Self.schemaVersion)
        w.field("store", store)
        w.field("passed", passed)
        w.key("checks")
        w.beginArray()
        for (name, what) in Self.checks {
            w.objectValue { w in
                w.field("check", name)
                w.field("what", what)
                w.field("status", status(of: name))
                w.key("findings")
                w.beginArray()
                for f in findings where f.check == name {
                    w.objectValue { w in
                        w.field("severity", f.severity.rawValue)
                        w.field("detail", f.detail)
                        w.field("contactId", f.contactId)
                        w.field("messageKey", f.messageKey)
                        w.field("threadId", f.threadId)
                        w.field("mailbox", f.mailbox)
                        w.field("address", f.address)
                    }
                }
                w.endArray()
            }
        }
        w.endArray()
        w.key("sample")
        w.beginArray()
        for s in sample {
            w.objectValue { w in
                w.field("threadId", s.threadId)
                w.field("sender", s.sender)
                w.field("recipient", s.recipient)
                w.field("subject", s.subject)
                w.field("date", s.date)
            }
        }
        w.endArray()
        w.key("cleanup"); cleanup.writeJSON(&w)
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// Plain text for a terminal: one line per check, each finding below it, then the sample.
    public func text() -> String {
        var out: [String] = []
        for (name, what) in Self.checks {
            out.append("\(status(of: name).uppercased().padding(7)) \(name): \(what)")
            for f in findings where f.check == name {
                out.append("  \(f.severity == .failure ? "FAIL" : "warn") \(f.detail)")
            }
        }
        out.append("spot-check sample (\(sample.count) matched threads):")
        for s in sample {
            out.append("  \(s.threadId)  \(s.date ?? "(no date)")  \(s.sender ?? "?") → \(s.recipient ?? "?")  "
                       + "\"\(s.subject)\"")
        }
        out.append(contentsOf: cleanup.lines(cleanupPaths))
        let failed = findings.filter { $0.severity == .failure }.count
        let warned = findings.count - failed
        out.append(passed ? "review passed (\(warned) warnings)"
                   : "review FAILED: \(failed) problems, \(warned) warnings")
        return out.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
