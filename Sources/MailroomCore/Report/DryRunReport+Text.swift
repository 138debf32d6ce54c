extension DryRunReport {
    /// The report as a readable table for a terminal. Mail content is stripped of control characters.
    /// - Parameter dryRun: false when the run went on to load (the heading says so instead of "nothing written").
    public func text(dryRun: Bool = true) -> String {
        var out: [String] = []
        func row(_ label: String, _ value: Int, _ note: String = "") {
            let v = String(value)
            out.append("  " + label.padding(toLength: 26, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: max(0, 8 - v.count)) + v + (note.isEmpty ? "" : "  " + note))
        }
        if dryRun {
            out.append("Dry run of \(TerminalText.clean(run.pipeline)): \(run.days) days up to \(run.asOf) (run \(run.runId))")
            out.append("Nothing was written to any store.")
        } else {
            out.append("Run of \(TerminalText.clean(run.pipeline)): \(run.days) days up to \(run.asOf) (run \(run.runId))")
        }
        out.append("")
        out.append("Messages")
        row("found in mailboxes", messages.found)
        row("in the window", messages.extracted, messages.outsideWindow > 0 ? "(\(messages.outsideWindow) outside it)" : "")
        row("quarantined", messages.quarantined, messages.quarantined > 0 ? "(could not be read, see below)" : "")
        row("duplicate copies dropped", messages.duplicates)
        if messages.mergedCopies > 0 {
            row("  merged across lists", messages.mergedCopies,
                "(list or transport copies: same Message-ID, sender and date)")
        }
        row("unique messages", messages.unique)
        row("sent", messages.sent)
        row("received", messages.received)
        row("bulk or automated", messages.bulk)
        if messages.undated > 0 { row("without a readable date", messages.undated) }
        out.append("")
        out.append("Threads")
        row("total", threads.total)
        row("matched to contacts", threads.matched)
        row("unmatched", threads.unmatched)
        row("internal-only", threads.internalOnly, "(never shown on contacts)")
        out.append("")
        out.append("Contacts")
        row("in the contacts file", contacts.total)
        row("linked to threads", contacts.matched)
        row("without a usable email", contacts.withoutAddress)
        row("likely duplicate groups", contacts.duplicateGroups.count)
        for g in contacts.duplicateGroups {
            let reasons = g.reasons.map { "\($0.reason) \(TerminalText.clean($0.addresses.joined(separator: " / ")))" }
            out.append("    \(g.groupId): \(g.contactIds.map(TerminalText.clean).joined(separator: ", ")) — \(reasons.joined(separator: "; "))")
        }
        if !ambiguousAddresses.isEmpty {
            out.append("  addresses on more than one contact (not linked): "
                + ambiguousAddresses.map(TerminalText.clean).joined(separator: ", "))
        }
        if !quarantined.isEmpty {
            out.append("")
            out.append("Quarantined (not loaded)")
            for (reason, n) in quarantineByReason.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                row(reason, n)
            }
            for q in quarantined.prefix(10) {
                out.append("    \(TerminalText.clean(q.copyId)): \(TerminalText.clean(q.detail))")
            }
        }
        if !issues.isEmpty {
            out.append("")
            out.append("Read with problems (loaded anyway)")
            for (code, n) in issues.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) { row(code, n) }
        }
        if !unmatchedAddresses.isEmpty {
            out.append("")
            out.append("Unmatched addresses worth adding to contacts (most messages first)")
            out.append("  " + "address".padding(toLength: 40, withPad: " ", startingAt: 0) + "messages  threads  last seen")
            for u in unmatchedAddresses.prefix(15) {
                let a = TerminalText.clean(u.address) + (u.bulkOnly ? " (bulk)" : "")
                let m = String(u.messages), t = String(u.threads)
                out.append("  " + a.padding(toLength: 40, withPad: " ", startingAt: 0)
                    + String(repeating: " ", count: max(0, 8 - m.count)) + m
                    + String(repeating: " ", count: max(0, 9 - t.count)) + t + "  " + (u.lastSeen.map { String($0.prefix(10)) } ?? "-"))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// Text from mail shown on a terminal: control characters (including ESC, so no escape sequences) removed,
/// line breaks and tabs turned into spaces.
public enum TerminalText {
    /// Cleans each line of a multi-line text, keeping the line breaks.
    public static func cleanLines(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { clean(String($0)) }.joined(separator: "\n")
    }

    public static func clean(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            switch u.value {
            case 0x09, 0x0A, 0x0D: out.append(" ")
            case 0x00..<0x20, 0x7F, 0x80..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: continue
            default: out.append(u)
            }
        }
        return String(out)
    }
}
