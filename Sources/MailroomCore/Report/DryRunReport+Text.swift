extension DryRunReport {
    /// `drafts 2, junk 5, trash 1`: the copies left out as not correspondence, by reason.
    var leftOutText: String {
        messages.leftOut.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
    }

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
        if messages.leftOutTotal > 0 { row("left out, not mail", messages.leftOutTotal, "(\(leftOutText))") }
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
        row("to match against", contacts.total)
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
        if !cleanup.isEmpty {
            out.append("")
            out.append(contentsOf: cleanup.lines(cleanupPaths))
        }
        if !imapFolders.isEmpty {
            out.append("")
            out.append("IMAP folders not read in full (the next run fetches the rest)")
            for f in imapFolders {
                if !f.missingUIDs.isEmpty {
                    out.append("  \(TerminalText.clean(f.mailbox))/\(TerminalText.clean(f.folder)): not delivered by the server: UIDs \(IMAPCursorDecision.list(f.missingUIDs))")
                }
                if let note = f.note { out.append("    " + TerminalText.clean(note)) }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
