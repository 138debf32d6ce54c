extension RelinkSummary {
    /// The summary for a person: what changes (or would), with examples; the last line says what was done.
    public func text(pipeline: String) -> String {
        var out = dryRun ? "Relink dry run of \(pipeline): nothing was written.\n"
                         : "Relink of \(pipeline).\n"
        out += "Examined \(NumberText.grouped(threads)) threads, \(NumberText.grouped(messages)) messages, "
            + "\(NumberText.grouped(participants)) participants.\n"

        let changed = changedContacts
        out += "\nLinks: \(linksAdded) added, \(linksRemoved) removed (\(changed.count) contact\(changed.count == 1 ? "" : "s"))"
        if rulesChanged > 0 { out += ", \(rulesChanged) with another rule" }
        out += "\n"
        for c in changed.prefix(20) {
            let name = contactNames[c.contactId].map { " (\($0))" } ?? ""
            out += "  \(c.contactId)\(name): +\(c.added) -\(c.removed)\n"
            for e in c.examplesAdded { out += "    + " + Self.line(e) + "\n" }
            for e in c.examplesRemoved { out += "    - " + Self.line(e) + "\n" }
        }
        if changed.count > 20 { out += "  … and \(changed.count - 20) more contacts (--json lists them all)\n" }

        out += "\nThreads changing class: \(classChanged)\n"
        for k in classChanges.keys.sorted() {
            out += "  \(k): \(classChanges[k]!)\n"
            for e in classExamples[k] ?? [] { out += "    \(e.threadId) \"\(e.subject)\"\n" }
        }
        out += "Threads made internal (no longer shown on contacts): \(madeInternal)\n"
        for e in madeInternalListed.prefix(10) { out += "    \(e.threadId) \"\(e.subject)\" (\(e.before) → \(e.after))\n" }
        if madeVisible > 0 {
            out += "Threads made visible on contacts (--allow-visibility-change): \(madeVisible)\n"
            for e in madeVisibleListed.prefix(10) { out += "    \(e.threadId) \"\(e.subject)\" (\(e.before) → \(e.after))\n" }
        }
        if heldInternal > 0 {
            out += "Threads that would become visible on contacts, left internal: \(heldInternal) "
                + "(rerun with --allow-visibility-change to apply)\n"
            for e in heldInternalListed { out += "    \(e.threadId) \"\(e.subject)\" (internal-only → \(e.after))\n" }
            if heldInternal > heldInternalListed.count { out += "    … and \(heldInternal - heldInternalListed.count) more\n" }
        }

        out += "\nMessages changing direction: \(toSent) received → sent, \(toReceived) sent → received\n"
        for k in directionExamples.keys.sorted() {
            for e in directionExamples[k]! { out += "    \(k): \"\(e.subject)\" \(e.date ?? "undated")\n" }
        }
        if subjectJoinsToCheck > 0 {
            out += "\nNote: \(subjectJoinsToCheck) message\(subjectJoinsToCheck == 1 ? "" : "s") joined by subject no "
                + "longer share an external participant with their thread; relink does not rethread (a new run does)\n"
        }
        out += "\n"
        if !changesAnything {
            out += "Nothing to change: the store already agrees with the contacts and the pipeline file.\n"
        } else if dryRun {
            out += "Run without --dry-run to apply every change in one transaction.\n"
        } else {
            out += "Applied in one transaction (run log: \(runId ?? "-")).\n"
        }
        return out
    }

    static func line(_ e: LinkExample) -> String {
        "\(e.address) (\(e.role)) on \"\(e.subject)\" \(e.date ?? "undated")"
    }

    /// The one-line message of the run log row.
    public var message: String {
        var m = "relinked: \(linksAdded) links added, \(linksRemoved) removed, \(classChanged) threads changed class, "
            + "\(madeInternal) made internal, \(toSent + toReceived) messages changed direction"
        if madeVisible > 0 { m += ", \(madeVisible) made visible on contacts" }
        if heldInternal > 0 { m += "; \(heldInternal) threads left internal (--allow-visibility-change)" }
        return m
    }

    public var counts: [String: Int] {
        ["threads": threads, "messages": messages, "participants": participants, "linksAdded": linksAdded,
         "linksRemoved": linksRemoved, "rulesChanged": rulesChanged, "internalChanged": internalChanged,
         "classChanged": classChanged, "madeInternal": madeInternal, "madeVisible": madeVisible,
         "heldInternal": heldInternal, "toSent": toSent, "toReceived": toReceived,
         "threadContactsAdded": threadContactsAdded, "threadContactsRemoved": threadContactsRemoved]
    }
}

extension RelinkSummary: JSONWritable {
    public static let schema = "mailroom.relink/1"

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("schema", Self.schema)
        w.field("dryRun", dryRun)
        w.field("allowVisibilityChange", allowVisibilityChange)
        w.field("runId", runId)
        w.field("changes", changesAnything)
        w.key("counts")
        w.beginObject()
        for (k, v) in counts.sorted(by: { $0.key < $1.key }) { w.field(k, v) }
        w.endObject()
        w.key("contacts")
        w.beginArray()
        for c in changedContacts {
            w.beginObject()
            w.field("contactId", c.contactId)
            w.field("name", contactNames[c.contactId])
            w.field("added", c.added)
            w.field("removed", c.removed)
            w.key("examplesAdded"); Self.write(c.examplesAdded, &w)
            w.key("examplesRemoved"); Self.write(c.examplesRemoved, &w)
            w.endObject()
        }
        w.endArray()
        w.key("classChanges")
        w.beginArray()
        for k in classChanges.keys.sorted() {
            w.beginObject()
            w.field("change", k)
            w.field("threads", classChanges[k]!)
            w.key("examples"); Self.write(classExamples[k] ?? [], &w)
            w.endObject()
        }
        w.endArray()
        w.field("madeInternal", madeInternal)
        w.key("madeInternalThreads"); Self.write(madeInternalListed, &w)
        w.field("madeVisible", madeVisible)
        w.key("madeVisibleThreads"); Self.write(madeVisibleListed, &w)
        w.field("heldInternal", heldInternal)
        w.key("heldInternalThreads"); Self.write(heldInternalListed, &w)
        w.key("directionChanges")
        w.beginArray()
        for k in directionExamples.keys.sorted() {
            w.beginObject()
            w.field("change", k)
            w.field("messages", k == "received → sent" ? toSent : toReceived)
            w.key("examples")
            w.beginArray()
            for e in directionExamples[k]! {
                w.beginObject()
                w.field("messageKey", e.messageKey)
                w.field("subject", e.subject)
                w.field("date", e.date)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.field("subjectJoinsToCheck", subjectJoinsToCheck)
        w.endObject()
    }

    private static func write(_ examples: [LinkExample], _ w: inout JSONWriter) {
        w.beginArray()
        for e in examples {
            w.beginObject()
            w.field("messageKey", e.messageKey)
            w.field("subject", e.subject)
            w.field("date", e.date)
            w.field("role", e.role)
            w.field("address", e.address)
            w.endObject()
        }
        w.endArray()
    }

    private static func write(_ examples: [ThreadExample], _ w: inout JSONWriter) {
        w.beginArray()
        for e in examples {
            w.beginObject()
            w.field("threadId", e.threadId)
            w.field("subject", e.subject)
            w.field("before", e.before)
            w.field("after", e.after)
            w.endObject()
        }
        w.endArray()
    }
}
