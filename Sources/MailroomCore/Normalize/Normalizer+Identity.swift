extension Normalizer {
    /// The normalized Message-ID of a header section, as a normalized message records it: nil when the field is
    /// missing, blank or unusable. `build`, the too-large quarantine record and IMAP re-identification read it here.
    static func messageId(_ top: HeaderBlock) -> String? {
        top.first("message-id").flatMap { MessageIDs.normalize(HeaderText.string($0)) }
    }

    /// The Date of a header section in UTC (ISO 8601), as a normalized message records it: nil when the field is
    /// missing, blank or unparseable.
    static func date(_ top: HeaderBlock) -> String? {
        top.first("date").flatMap { MailDate.parse(HeaderText.string($0)) }.map(MailDate.iso)
    }

    /// The From addresses of a header section (pipermail's `x at y` spelling read too), as a normalized message
    /// records them.
    static func from(_ top: HeaderBlock, issues: inout Set<IssueCode>, memo: AddressMemo? = nil) -> [Address] {
        AddressList.parse(top.first("from") ?? [], pipermailAt: true, issues: &issues, memo: memo)
    }
}
