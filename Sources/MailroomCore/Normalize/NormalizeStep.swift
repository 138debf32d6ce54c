/// Normalize as a stage step: one copy and what could be read of it in, a `NormalizedMessage` or its
/// `QuarantineRecord` (the stage's record issue, in `normalize/quarantine.ndjson`) out. Copies are independent,
/// so the driver decides a batch on all cores. Reading the bytes is the caller's part (`MessageBytesReader`).
public struct NormalizeStep: IndependentStageStep {
    /// Settings per mailbox name.
    public let settings: [String: NormalizeSettings]

    public typealias Output = NormalizeOutcome

    public init(settings: [String: NormalizeSettings]) { self.settings = settings }

    /// What the reader found for a copy. The bytes are valid during the call only.
    public enum Content {
        /// The whole message.
        case bytes(UnsafeRawBufferPointer)
        /// Its header section only: the copy's locator is over the size limit, so no more was read.
        case headerOnly(UnsafeRawBufferPointer)
        /// IMAP: extract left the body on the server (the server gave this size, over the limit).
        case unfetched(size: Int)
        /// Its bytes are gone or cut short (`detail` says how).
        case unreadable(detail: String)
    }

    public struct Input {
        public var copy: MessageCopy
        public var content: Content
        /// `settings[copy.mailbox]`, looked up by the caller (which refuses a copy of a mailbox without them).
        public var settings: NormalizeSettings
        /// The calling thread's own memo of address entries (see `AddressMemo`), if it keeps one.
        public var memo: AddressMemo?

        public init(copy: MessageCopy, content: Content, settings: NormalizeSettings, memo: AddressMemo? = nil) {
            self.copy = copy
            self.content = content
            self.settings = settings
            self.memo = memo
        }
    }

    public func output(for input: Input) -> NormalizeOutcome {
        let copy = input.copy
        switch input.content {
        case .bytes(let bytes):
            return Normalizer.normalize(copy: copy, bytes: bytes, settings: input.settings, memo: input.memo)
        case .headerOnly(let header):
            return .quarantined(Normalizer.tooLarge(copy: copy, size: copy.locator.length, header: header,
                                                    settings: input.settings))
        case .unfetched(let size):
            return .quarantined(Normalizer.unfetched(copy: copy, size: size, settings: input.settings))
        case .unreadable(let detail):
            return .quarantined(QuarantineRecord(copyId: copy.copyId, mailbox: copy.mailbox, folder: copy.folder,
                                                 locator: copy.locator, reason: .unreadable, detail: detail))
        }
    }
}
