/// Reads the CRM contacts export: a CSV file with a header row naming at least `id`, `name` and `emails`
/// (case-insensitive, any order, other columns ignored). RFC 4180 quoting, optional UTF-8 BOM, CRLF or LF.
/// `emails` holds one or more addresses separated by `;`; the first usable one is the contact's primary email.
/// A cell that `ContactsExportCSV` neutralized (a `'` before a formula character) reads back without that `'`.
///
/// Grain of the result: one `Contact` per non-blank data row, in file order. Fatal issues: a required column is
/// missing, a quote is never closed, an id is empty or repeats. Non-fatal: an email that is not an address (kept,
/// with `ContactEmail.issue` set), a contact with no usable email. Blank rows are skipped. Each issue is a
/// `RecordIssue` at its 1-based physical line; `fatal` ones (`IssueCode.Effect.stops`) mean the file cannot be
/// trusted as a whole (the caller stops), the others are data-quality findings about one row.
public enum ContactsCSV {
    public static let requiredColumns = ["id", "name", "emails"]

    /// `ContactEmail.issue` for an email that cannot be read as an address.
    public static let notAnAddress = IssueCode.notAnAddress.rawValue

    /// `readingEmails: false` finds the fatal issues only, as a check before a run reads any mail
    /// (`PipelineRunner.preflight`): no email is read and no contact made (they cannot make an issue fatal).
    public static func parse(_ bytes: [UInt8], readingEmails: Bool = true) -> (contacts: [Contact], issues: [RecordIssue]) {
        var reader = CSVRecords(bytes)
        var issues: [RecordIssue] = []
        var contacts: [Contact] = []

        // Header: the first non-blank record.
        var columns: [String: Int] = [:]
        var headerLine = 1
        var sawHeader = false
        while !sawHeader, let next = reader.next() {
            switch next {
            case .failure(.unterminatedQuote(let line)):
                issues.append(issue(.csvQuoteUnclosed, line, "quoted field is never closed"))
                return (contacts, issues)
            case .success(let record):
                if isBlank(record.fields) { continue }
                sawHeader = true
                headerLine = record.line
                for (i, name) in record.fields.enumerated() {
                    let n = name.trimmingASCIISpaces().lowercased()
                    if columns[n] == nil { columns[n] = i }
                }
            }
        }
        let missing = requiredColumns.filter { columns[$0] == nil }
        guard missing.isEmpty, let idCol = columns["id"], let nameCol = columns["name"],
              let emailsCol = columns["emails"]
        else {
            let message = sawHeader
                ? "header row lacks required column\(missing.count == 1 ? "" : "s") " + missing.joined(separator: ", ")
                : "file has no header row (required columns: id, name, emails)"
            issues.append(issue(.contactsColumnsMissing, headerLine, message))
            return (contacts, issues)
        }

        var firstLineOfId: [String: Int] = [:]
        // A row per line at most: the table and the list sized once, not doubled as they fill.
        let lines = bytes.reduce(into: 1) { n, b in if b == 0x0A { n += 1 } }
        firstLineOfId.reserveCapacity(lines)
        if readingEmails { contacts.reserveCapacity(lines) }
        while let next = reader.next() {
            let record: CSVRecords.Record
            switch next {
            case .failure(.unterminatedQuote(let line)):
                issues.append(issue(.csvQuoteUnclosed, line, "quoted field is never closed"))
                return (contacts, issues)
            case .success(let r):
                record = r
            }
            if isBlank(record.fields) { continue }
            // A cell `ContactsExportCSV` neutralized (a leading `'` before a formula character) reads back as it was.
            func field(_ i: Int) -> String {
                ContactsExportCSV.restored(i < record.fields.count ? record.fields[i].trimmingASCIISpaces() : "")
            }

            let id = field(idCol).trimmingASCIISpaces()
            if id.isEmpty {
                issues.append(issue(.contactIdEmpty, record.line, "contact has an empty id"))
                continue
            }
            if let first = firstLineOfId[id] {
                issues.append(issue(.contactIdRepeated, record.line,
                                    "duplicate contact id \"\(id)\" (first on line \(first))"))
                continue
            }
            firstLineOfId[id] = record.line
            guard readingEmails else { continue }

            let emails = splitEmails(field(emailsCol)).map(contactEmail)
            for (i, e) in emails.enumerated() where e.issue != nil {
                issues.append(issue(.notAnAddress, record.line, "contact \"\(id)\": email \(i + 1) is not an address"))
            }
            if !emails.contains(where: { $0.key != nil }) {
                issues.append(issue(.contactWithoutEmail, record.line, "contact \"\(id)\" has no usable email"))
            }
            contacts.append(Contact(id: id, name: field(nameCol).trimmingASCIISpaces(), emails: emails,
                                    line: record.line))
        }
        return (contacts, issues)
    }

    static func issue(_ code: IssueCode, _ line: Int, _ detail: String) -> RecordIssue {
        RecordIssue(code, at: RecordIssue.Location(line: line), detail)
    }

    /// One saved email, normalized like message addresses.
    public static func contactEmail(_ raw: String) -> ContactEmail {
        guard let a = AddressNormalizer.parse(raw) else {
            return ContactEmail(raw: raw, address: nil, key: nil, foldedKey: nil, issue: notAnAddress)
        }
        return ContactEmail(raw: raw, address: a.address, key: a.key, foldedKey: AddressNormalizer.foldedKey(a),
                            issue: nil)
    }

    /// The `;`-separated pieces of an emails cell, trimmed, empty pieces dropped.
    static func splitEmails(_ cell: String) -> [String] {
        guard cell.isASCII else { return splitEmailsByCharacter(cell) }
        // In ASCII each Character is one byte but CR LF, which holds no `;`: the bytes split as the Characters do.
        guard cell.utf8.contains(0x3B) else {
            let t = cell.trimmingASCIISpaces()
            return t.isEmpty ? [] : [t]
        }
        return cell.utf8.split(separator: 0x3B, omittingEmptySubsequences: false)
            .map { String(Substring($0)).trimmingASCIISpaces() }
            .filter { !$0.isEmpty }
    }

    /// `splitEmails` by Characters, for any text.
    static func splitEmailsByCharacter(_ cell: String) -> [String] {
        cell.split(separator: ";", omittingEmptySubsequences: false)
            .map { String($0).trimmingASCIISpaces() }
            .filter { !$0.isEmpty }
    }

    /// A row whose every cell is empty or white space (`""` or `,,`).
    static func isBlank(_ fields: [String]) -> Bool {
        fields.allSatisfy { $0.trimmingASCIISpaces().isEmpty }
    }
}
