extension DryRunReport {
    /// The content security policy the page declares: nothing may load or run; only the inline `<style>` and
    /// `data:` images are allowed.
    public static let htmlContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

    /// The report as one self-contained HTML page: no script at all, no network request (charts are inline SVG,
    /// CSS is inline), a content security policy that forbids both, and every piece of mail content escaped.
    /// Internal-only threads appear only as a count: the report holds no subject of theirs.
    /// - Parameter dryRun: false when the run went on to load (the heading says so instead of "nothing written").
    public func html(dryRun: Bool = true) -> String {
        var h = ""
        h.reserveCapacity(64 * 1024)
        h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(Self.htmlContentSecurityPolicy)\">\n"
        h += "<meta name=\"referrer\" content=\"no-referrer\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(HTMLEscape.escape(htmlTitle))</title>\n<style>\(Self.htmlStyle)</style>\n</head>\n<body>\n"
        h += "<header class=\"top\"><div class=\"wrap\">"
        h += dryRun ? "<p class=\"eyebrow\">Mailroom dry run · nothing was written to any store</p>"
            : "<p class=\"eyebrow\">Mailroom run · loaded into the CRM store</p>"
        h += "<h1>\(e(run.pipeline))</h1>"
        let from = CivilDay(iso: run.windowStart)?.iso ?? run.windowStart
        let to = Self.lastDay(ofWindowEnd: run.windowEnd)?.iso ?? run.windowEnd
        h += "<p class=\"meta\">\(n(run.days)) days up to \(e(run.asOf)) · window \(e(from)) to \(e(to)) (UTC) · run <code>\(e(run.runId))</code></p>"
        h += "</div></header>\n<main class=\"wrap\">\n"
        h += htmlSummary()
        h += htmlIMAPFolders()
        h += htmlPerDay()
        h += htmlThreads()
        h += htmlUnmatched()
        h += htmlDuplicates()
        h += cleanup.html(cleanupPaths)
        h += htmlBulk()
        h += htmlQuarantine()
        h += htmlSpotChecks()
        h += htmlFolders()
        h += "</main>\n<footer class=\"wrap\"><p>Made by Mailroom from run <code>\(e(run.runId))</code> · schema \(Self.schema) · "
        h += "a self-contained file: no script, nothing loaded from the network.</p></footer>\n</body>\n</html>\n"
        return h
    }

    /// The document title (the pipeline name is configuration, not mail, but is escaped all the same).
    public var htmlTitle: String { "Mailroom dry run: \(run.pipeline)" }

    private func e(_ s: String) -> String { HTMLEscape.escape(s) }
    private func n(_ v: Int) -> String { NumberText.grouped(v) }

    private func section(_ id: String, _ title: String, _ body: String) -> String {
        "<section class=\"panel\" id=\"\(id)\"><h2>\(title)</h2>\(body)</section>\n"
    }

    private func table(_ headers: [(String, Bool)], _ rows: [[String]], numeric: Set<Int>) -> String {
        var t = "<div class=\"table-wrap\"><table><thead><tr>"
        for (i, (name, _)) in headers.enumerated() { t += numeric.contains(i) ? "<th class=\"n\">\(name)</th>" : "<th>\(name)</th>" }
        t += "</tr></thead><tbody>"
        for r in rows {
            t += "<tr>"
            for (i, cell) in r.enumerated() {
                let wraps = i < headers.count && headers[i].1
                t += numeric.contains(i) ? "<td class=\"n\">\(cell)</td>" : (wraps ? "<td class=\"wrap-any\">\(cell)</td>" : "<td>\(cell)</td>")
            }
            t += "</tr>"
        }
        return t + "</tbody></table></div>"
    }

    private func card(_ value: Int, _ what: String, _ sub: String, warn: Bool = false) -> String {
        "<div class=\"card\(warn ? " warn" : "")\"><div class=\"num\">\(n(value))</div><div class=\"what\">\(what)</div><div class=\"sub\">\(sub)</div></div>"
    }

    private func htmlSummary() -> String {
        var b = "<div class=\"cards\">"
        b += card(messages.extracted, "messages in the window", "of \(n(messages.found)) found in the mailboxes")
        b += card(messages.unique, "unique messages", "\(n(messages.duplicates)) duplicate copies dropped"
            + (messages.mergedCopies > 0 ? ", \(n(messages.mergedCopies)) of them list or transport copies merged" : ""))
        b += card(messages.received, "received", "\(n(messages.sent)) sent")
        b += card(threads.total, "threads", "\(n(threads.matched)) matched to contacts (\(NumberText.percent(threads.matched, of: threads.total)))")
        b += card(contacts.matched, "contacts linked", "of \(n(contacts.total)) to match against")
        b += card(contacts.duplicateGroups.count, "likely duplicate contact groups", "nothing is merged")
        b += card(messages.bulk, "bulk or automated", "newsletters, notifications, reports")
        if messages.leftOutTotal > 0 {
            b += card(messages.leftOutTotal, "left out, not mail", HTMLEscape.escape(leftOutText) + " (drafts, junk, trash, outbox)")
        }
        b += card(messages.quarantined, "quarantined", messages.quarantined > 0 ? "could not be read, not loaded" : "every message could be read",
                  warn: messages.quarantined > 0)
        b += "</div>"
        if messages.undated > 0 {
            b += "<p class=\"note\">\(n(messages.undated)) messages have no readable date: they are kept, but not charted by day.</p>"
        }
        return "<section class=\"summary\" id=\"summary\" aria-label=\"Headline counts\">\(b)</section>\n"
    }

    private func htmlPerDay() -> String {
        let series = perDaySeries()
        var b = "<p class=\"note\">Unique messages per \(series.unit) (UTC) across the window, "
        b += "received and sent.</p>"
        guard series.days.contains(where: { $0.sent + $0.received > 0 }) else {
            return section("per-day", "Messages per day", b + "<p class=\"empty\">No dated messages in the window.</p>")
        }
        b += "<p class=\"legend\"><span class=\"swatch received\"></span>received \(n(messages.received))"
        b += "<span class=\"swatch sent\"></span>sent \(n(messages.sent))</p>"
        let peak = series.days.max { $0.sent + $0.received < $1.sent + $1.received }!
        b += SVGChart.stackedDays(series.days, id: "perday", title: "Messages per \(series.unit), sent and received",
                                  description: "\(series.days.count) bars from \(series.firstDay) on; the busiest: \(peak.title)")
        if series.outside > 0 {
            b += "<p class=\"note\">\(n(series.outside)) messages are dated outside the window and not charted.</p>"
        }
        let rows = perDay.map { [e($0.day), n($0.received), n($0.sent), n($0.received + $0.sent)] }
        b += "<details><summary>Counts per day as a table (\(n(perDay.count)) days with mail)</summary>"
        b += table([("Day", false), ("Received", false), ("Sent", false), ("Total", false)], rows, numeric: [1, 2, 3]) + "</details>"
        return section("per-day", "Messages per day", b)
    }

    private func htmlThreads() -> String {
        let bars = [SVGChart.Bar(label: "matched to contacts", value: threads.matched, cssClass: "bar-a"),
                    SVGChart.Bar(label: "unmatched", value: threads.unmatched, cssClass: "bar-b"),
                    SVGChart.Bar(label: "internal-only", value: threads.internalOnly, cssClass: "bar-c")]
        var b = SVGChart.horizontalBars(bars, total: threads.total, id: "threads",
                                        title: "Threads: \(n(threads.total)) in all")
        b += "<p class=\"note\">Matched threads would appear on the linked contacts. Internal-only threads (every participant "
        b += "on your own domains) are counted here and never shown: their subjects are not part of this report.</p>"
        return section("threads", "Threads: matched, unmatched, internal-only", b)
    }

    private func htmlUnmatched() -> String {
        guard !unmatchedAddresses.isEmpty else {
            return section("unmatched", "Unmatched addresses worth adding to contacts", "<p class=\"empty\">Every external address is on a contact.</p>")
        }
        let rows = unmatchedAddresses.map { u -> [String] in
            [e(u.address) + (u.bulkOnly ? " <span class=\"badge muted\">bulk</span>" : ""),
             u.name.map { "<bdi>\(e($0))</bdi>" } ?? "<span class=\"dim\">–</span>",
             n(u.messages), n(u.threads), n(u.sentTo), u.lastSeen.map { e(String($0.prefix(10))) } ?? "–"]
        }
        var b = "<p class=\"note\">External addresses no contact holds, most messages first. Addresses you wrote to are the "
        b += "likeliest contacts; bulk senders are marked.</p>"
        b += table([("Address", true), ("Name", true), ("Messages", false), ("Threads", false), ("You wrote to them", false),
                    ("Last seen", false)], rows, numeric: [2, 3, 4])
        return section("unmatched", "Unmatched addresses worth adding to contacts", b)
    }

    private func htmlDuplicates() -> String {
        var b = ""
        if contacts.duplicateGroups.isEmpty {
            b += "<p class=\"empty\">No contacts look like duplicates of each other.</p>"
        } else {
            b += "<p class=\"note\">Contacts that look like one person. Nothing is merged: these are for a person to review.</p>"
            let rows = contacts.duplicateGroups.map { g -> [String] in
                let reasons = g.reasons.map { r in
                    "<li><span class=\"badge\">\(e(r.reason))</span> \(r.addresses.map(e).joined(separator: ", "))</li>"
                }
                return [e(g.groupId), g.contactIds.map(e).joined(separator: ", "), "<ul class=\"plain\">\(reasons.joined())</ul>"]
            }
            b += table([("Group", false), ("Contacts", true), ("Why they look alike", true)], rows, numeric: [])
        }
        if !ambiguousAddresses.isEmpty {
            b += "<p class=\"note\">Addresses on more than one contact (not linked to any): "
            b += ambiguousAddresses.map { "<span class=\"wrap-any\">\(e($0))</span>" }.joined(separator: ", ") + "</p>"
        }
        return section("duplicates", "Duplicate contact groups", b)
    }

    private func reasonBars(_ counts: [String: Int], cssClass: String) -> [SVGChart.Bar] {
        counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { SVGChart.Bar(label: $0.key, value: $0.value, cssClass: cssClass) }
    }

    private func htmlBulk() -> String {
        var b = "<p class=\"note\">\(n(messages.bulk)) of \(n(messages.unique)) unique messages are bulk or automated "
        b += "(\(NumberText.percent(messages.bulk, of: messages.unique))); a message can have more than one reason.</p>"
        if !bulkByReason.isEmpty {
            b += SVGChart.horizontalBars(reasonBars(bulkByReason, cssClass: "bar-d"), total: nil, id: "bulk", title: "Bulk and automated mail by reason")
        }
        if !duplicatesByReason.isEmpty {
            b += "<h3>Duplicate copies dropped</h3>"
            b += SVGChart.horizontalBars(reasonBars(duplicatesByReason, cssClass: "bar-b"), total: nil, id: "dupes", title: "Duplicate copies by reason")
        }
        if !issues.isEmpty {
            b += "<h3>Read with problems (loaded anyway)</h3>"
            b += SVGChart.horizontalBars(reasonBars(issues, cssClass: "bar-e"), total: nil, id: "issues", title: "Problems by code")
        }
        return section("bulk", "Bulk and automated mail", b)
    }

    private func htmlQuarantine() -> String {
        guard messages.quarantined > 0 || !quarantined.isEmpty else {
            return section("quarantine", "Quarantined messages", "<p class=\"empty\">No message was quarantined.</p>")
        }
        var b = "<p class=\"note\">Messages that could not be read are set aside, not loaded.</p>"
        b += SVGChart.horizontalBars(reasonBars(quarantineByReason, cssClass: "bar-q"), total: messages.quarantined, id: "quarantine",
                                     title: "Quarantined messages by reason")
        if !quarantined.isEmpty {
            let rows = quarantined.map { [e($0.copyId), e($0.mailbox + " / " + $0.folder), e($0.reason.rawValue), e($0.detail)] }
            b += "<h3>\(quarantined.count < messages.quarantined ? "The first \(n(quarantined.count)) of \(n(messages.quarantined))" : "All of them")</h3>"
            b += table([("Copy", true), ("Mailbox / folder", true), ("Reason", false), ("Detail", true)], rows, numeric: [])
        }
        return section("quarantine", "Quarantined messages", b)
    }

    private func htmlSpotChecks() -> String {
        guard !spotChecks.isEmpty else {
            return section("spot-checks", "Spot-check a few matched threads", "<p class=\"empty\">No thread matched a contact.</p>")
        }
        let rows = spotChecks.map { s -> [String] in
            [s.subject.isEmpty ? "<span class=\"dim\">(no subject)</span>" : "<bdi>\(e(s.subject))</bdi>",
             s.contacts.map(e).joined(separator: ", "), s.external.map(e).joined(separator: ", "),
             n(s.messages), s.lastDate.map { e(String($0.prefix(10))) } ?? "–"]
        }
        var b = "<p class=\"note\">The most recent matched threads: open a few in the mail client and check the right contacts were linked.</p>"
        b += table([("Subject", true), ("Contacts", true), ("External addresses", true), ("Messages", false), ("Last message", false)],
                   rows, numeric: [3])
        return section("spot-checks", "Spot-check a few matched threads", b)
    }

    /// IMAP folders the server did not deliver in full, or whose cursor was held back (nothing when none).
    private func htmlIMAPFolders() -> String {
        guard !imapFolders.isEmpty else { return "" }
        let rows = imapFolders.map { [e($0.mailbox + " / " + $0.folder), e(IMAPCursorDecision.list($0.missingUIDs)), e($0.note ?? "")] }
        return section("imap-folders", "IMAP folders not read in full (the next run fetches the rest)",
                       table([("Mailbox / folder", true), ("UIDs not delivered", true), ("Cursor", true)], rows, numeric: []))
    }

    private func htmlFolders() -> String {
        guard !folders.isEmpty else { return "" }
        let rows = folders.keys.sorted().map { [e($0), n(folders[$0]!)] }
        let b = "<details><summary>Copies per mailbox and folder (\(n(folders.count)))</summary>"
            + table([("Mailbox / folder", true), ("Copies", false)], rows, numeric: [1]) + "</details>"
        return section("folders", "Where the mail came from", b)
    }
}
