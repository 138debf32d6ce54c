/// The contacts file written back (`mailroom contacts export`): the inverse of `ContactsCSV.parse`. Columns `id`,
/// `name`, `emails` (every saved address as written, `;` between them); RFC 4180 with CRLF line ends.
///
/// A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`
/// (`CSVExport.text`); so that importing the export gives back the same text, a cell that already starts with one
/// or more `'` before such a character gets one more, and the import takes exactly one `'` off a cell that starts
/// with `'` and continues with `'`s and then such a character (`neutralized` / `restored`).
public enum ContactsExportCSV {
    public static func csv(_ contacts: [Contact]) -> String {
        var out = CSVExport.row(ContactsCSV.requiredColumns)
        for c in contacts {
            out += CSVExport.row([neutralized(c.id), neutralized(c.name),
                                  neutralized(c.emails.map(\.raw).joined(separator: "; "))])
        }
        return out
    }

    private static func isFormulaStart(_ u: Unicode.Scalar) -> Bool {
        u == "=" || u == "+" || u == "-" || u == "@" || u == "\t" || u == "\r"
    }

    /// Whether `s` is `'`* then a formula character.
    private static func quotedFormula(_ s: Substring.UnicodeScalarView) -> Bool {
        guard let u = s.first(where: { $0 != "'" }) else { return false }
        return isFormulaStart(u)
    }

    /// The cell as written to the file: a leading `'` when a spreadsheet would run it, or when it would read back
    /// as one that was neutralized.
    public static func neutralized(_ s: String) -> String {
        quotedFormula(Substring(s).unicodeScalars) ? "'" + s : s
    }

    /// A cell read from a contacts file: one leading `'` taken off when `neutralized` added it.
    public static func restored(_ s: String) -> String {
        guard s.hasPrefix("'") else { return s }
        let rest = Substring(s).unicodeScalars.dropFirst()
        return quotedFormula(rest) ? String(String.UnicodeScalarView(rest)) : s
    }
}
