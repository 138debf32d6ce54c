/// The normalize stage's pure core: one message copy's bytes in, a `NormalizedMessage` (with issues) or a
/// `QuarantineRecord` out. Never throws and never stops the run: everything that is still mail normalizes.
public enum Normalizer {
    /// Header fields that mark the start of a file as a mail message (one of them must be present).
    static let messageFields: Set<String> = [
        "from", "to", "cc", "bcc", "date", "subject", "message-id", "sender", "reply-to", "received", "return-path",
        "mime-version", "content-type", "content-transfer-encoding", "delivered-to", "in-reply-to", "references",
        "newsgroups", "x-mailer", "user-agent", "envelope-to", "x-original-to", "dkim-signature",
        "authentication-results", "thread-topic", "list-id", "resent-from", "resent-date", "resent-to",
    ]

    /// `memo`: what this thread's earlier messages' address entries gave (see `AddressMemo`); the outcome is the
    /// same with it or without.
    public static func normalize(copy: MessageCopy, bytes: UnsafeRawBufferPointer,
                                 settings: NormalizeSettings, memo: AddressMemo? = nil) -> NormalizeOutcome {
        let limits = settings.limits
        let n = bytes.count
        func quarantine(_ reason: IssueCode, _ detail: String) -> NormalizeOutcome {
            .quarantined(QuarantineRecord(copyId: copy.copyId, mailbox: copy.mailbox, folder: copy.folder,
                                          locator: copy.locator, reason: reason, detail: detail))
        }
        if n > limits.maxMessageBytes {
            return .quarantined(tooLarge(copy: copy, size: n, header: bytes, settings: settings))
        }
        if n == 0 { return quarantine(.empty, "message is empty (0 bytes)") }
        if bytes.allSatisfy(ByteLines.isSpace) {
            return quarantine(.empty, "message holds only white space (\(n) bytes)")
        }
        let top = HeaderParser.parse(bytes, range: 0..<n, topLevel: true, maxBytes: limits.maxHeaderBytes,
                                     maxFields: limits.maxHeaderFields)
        // The header section is what the parser read; when it read no field at all, it is everything up to the
        // first blank line (within the header byte limit), so binary files are told apart from plain text.
        let headerEnd = top.hasFields
            ? top.bodyStart : firstBlankLine(bytes, from: top.start, limit: limits.maxHeaderBytes)
        if let nul = ByteLines.firstNUL(bytes, top.start..<max(top.start, headerEnd)) {
            return quarantine(.binaryContent, "NUL byte in the header section at byte offset \(nul)")
        }
        guard top.hasFields else {
            let line = top.firstBadLine.map { "line \($0.line), byte offset \($0.offset)" } ?? "byte offset \(top.start)"
            return quarantine(.notAMessage, "no header field at the start (\(line))")
        }
        guard top.fields.contains(where: { messageFields.contains($0.name) }) else {
            return quarantine(.notAMessage, "none of the \(top.fields.count) header fields is a message field "
                                  + "(From, Date, Subject, Message-ID, Content-Type, ...)")
        }
        return .message(build(copy: copy, bytes: bytes, top: top, settings: settings, memo: memo))
    }

    /// The quarantine record of an IMAP copy extract left unfetched because the server announced it over the
    /// message size limit (`MessageCopy.tooLarge`): reason `too-large`, naming folder, UID and size. No bytes.
    public static func unfetched(copy: MessageCopy, size: Int, settings: NormalizeSettings) -> QuarantineRecord {
        let uid = copy.imap.map { " UID \($0.uid)" } ?? ""
        return QuarantineRecord(copyId: copy.copyId, mailbox: copy.mailbox, folder: copy.folder, locator: copy.locator,
                                reason: .tooLarge,
                                detail: "folder \"\(copy.folder)\"\(uid): the server gives the message's size as \(size) bytes "
                                    + "(RFC822.SIZE), over the limit of \(settings.limits.maxMessageBytes) bytes; not fetched")
    }

    /// Offset just after the first blank line at or after `from`, at most `limit` bytes on, or the end.
    static func firstBlankLine(_ b: UnsafeRawBufferPointer, from: Int, limit: Int) -> Int {
        let end = limit >= b.count - from ? b.count : from + max(0, limit)
        var i = from
        while i < end {
            let (contentEnd, next) = ByteLines.line(b, from: i, end: end)
            if contentEnd == i { return next }
            i = next
        }
        return end
    }

    static func build(copy: MessageCopy, bytes: UnsafeRawBufferPointer, top: HeaderBlock,
                      settings: NormalizeSettings, memo: AddressMemo? = nil) -> NormalizedMessage {
        var issues = Set<IssueCode>()
        if top.malformed { issues.insert(.headerMalformed) }
        if top.limitHit { issues.insert(.headerLimit) }
        func text(_ name: String) -> String? { top.first(name).map { HeaderText.string($0) } }
        func joined(_ name: String) -> [UInt8] { Array(top.all(name).joined(separator: [0x2C, 0x20])) }

        func present(_ name: String) -> Bool { text(name).map { !$0.trimmingWhiteSpace().isEmpty } ?? false }

        let messageId = Self.messageId(top)
        if messageId == nil { issues.insert(present("message-id") ? .messageIdInvalid : .messageIdMissing) }
        let date = Self.date(top)
        if date == nil { issues.insert(present("date") ? .dateUnparseable : .dateMissing) }

        let subject = ICU.nfc(HeaderText.collapsingWhiteSpace(EncodedWords.decode(text("subject") ?? "", issues: &issues)))
        let from = Self.from(top, issues: &issues, memo: memo)
        let sender = top.first("sender").flatMap { AddressList.parse($0, issues: &issues, memo: memo).first }
        let replyTo = AddressList.parse(joined("reply-to"), issues: &issues, memo: memo)
        let to = AddressList.parse(joined("to"), issues: &issues, memo: memo)
        let cc = AddressList.parse(joined("cc"), issues: &issues, memo: memo)
        let bcc = AddressList.parse(joined("bcc"), issues: &issues, memo: memo)

        // The message's own id is kept when named: it can name another message that reused the id (a ticket
        // system's update answering the ticket); threading tells the two apart (see `ThreadBuilder`).
        let inReplyTo = MessageIDs.parseList(HeaderText.string(joined("in-reply-to")))
        let references = MessageIDs.parseList(HeaderText.string(Array(top.all("references").joined(separator: [0x20]))))

        let mime = MIMEWalker.walk(bytes, top: top, end: bytes.count, limits: settings.limits)
        issues.formUnion(mime.issues)

        // The record lists the codes' raw values in text order (one array, as sorting a set of strings made).
        var issueCodes = issues.map(\.rawValue)
        issueCodes.sort()

        let authors = from.isEmpty ? (sender.map { [$0] } ?? []) : from
        let direction: Direction = authors.contains { settings.owner.contains($0.key) } ? .sent : .received

        return NormalizedMessage(
            copyId: copy.copyId, mailbox: copy.mailbox, folder: copy.folder, flags: copy.flags,
            messageId: messageId, contentHash: ContentHash.compute(bytes, top: top), date: date,
            subject: subject, baseSubject: BaseSubject.of(subject), from: from, sender: sender, replyTo: replyTo,
            to: to, cc: cc, bcc: bcc, inReplyTo: inReplyTo, references: references, direction: direction,
            bulk: BulkSignals.reasons(top: top, topType: mime.topType, authors: authors,
                                      deliveryStatusPart: mime.deliveryStatus),
            issues: issueCodes, size: bytes.count, attachments: mime.attachments,
            snippet: ICU.nfc(mime.snippet), labels: copy.labels)
    }
}
