/// CSV files for spreadsheets (RFC 4180: CRLF line ends, fields with a comma, quote, CR or LF quoted, quotes
/// doubled). Mail content is untrusted: a text cell a spreadsheet would read as a formula (starting with `=`,
/// `+`, `-`, `@`, tab or CR) gets a leading `'`, so it shows as text and never runs.
public enum CSVExport {
    public static let unmatchedHeader = ["address", "name", "messages", "threads", "sent_to", "last_seen", "bulk_only"]

    /// The report's unmatched addresses (the ones most worth adding to contacts), one row each, with a header.
    public static func unmatchedAddresses(_ report: DryRunReport) -> String {
        unmatchedAddresses(report.unmatchedAddresses)
    }

    /// Any list of unmatched addresses (for instance every line of `match/unmatched.ndjson`), one row each.
    public static func unmatchedAddresses(_ list: [UnmatchedAddress]) -> String {
        var out = row(unmatchedHeader)
        for u in list {
            out += row([text(u.address), text(u.name ?? ""), String(u.messages), String(u.threads), String(u.sentTo),
                        text(u.lastSeen ?? ""), u.bulkOnly ? "true" : "false"])
        }
        return out
    }

    /// A text cell from mail, made safe for a spreadsheet: formula starters get a leading `'`.
    public static func text(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        switch first {
        case "=", "+", "-", "@", "\t", "\r": return "'" + s
        default: return s
        }
    }

    /// One field, quoted when RFC 4180 requires it.
    public static func field(_ s: String) -> String {
        let needsQuotes = s.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { return s }
        var q = "\""
        for u in s.unicodeScalars {
            if u == "\"" { q += "\"\"" } else { q.unicodeScalars.append(u) }
        }
        return q + "\""
    }

    /// One record: fields joined by commas, ended by CRLF.
    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }
}
