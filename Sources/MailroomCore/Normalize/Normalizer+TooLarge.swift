extension Normalizer {
    /// The quarantine record of a copy of `size` bytes, over `limits.maxMessageBytes`, from its header section
    /// alone: the caller reads no more than that (`header` may be the whole message or its first bytes; the
    /// parser stops at the blank line and at `maxHeaderBytes`). The record names the Message-ID and the Date
    /// when the header section has them, so the copy can still be found.
    public static func tooLarge(copy: MessageCopy, size: Int, header: UnsafeRawBufferPointer,
                                settings: NormalizeSettings) -> QuarantineRecord {
        let limits = settings.limits
        let top = HeaderParser.parse(header, range: 0..<header.count, topLevel: true,
                                     maxBytes: limits.maxHeaderBytes, maxFields: limits.maxHeaderFields)
        let messageId = Self.messageId(top), date = Self.date(top)
        return QuarantineRecord(copyId: copy.copyId, mailbox: copy.mailbox, folder: copy.folder, locator: copy.locator,
                                reason: .tooLarge,
                                detail: "message is \(size) bytes, over the limit of \(limits.maxMessageBytes) bytes",
                                messageId: messageId, date: date)
    }
}
