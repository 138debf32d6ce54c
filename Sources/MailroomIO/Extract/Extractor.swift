import Foundation
import MailroomCore

/// Counts of one mailbox's extract. `found = inWindow + outsideWindow + undated + leftOut` (summed over the
/// reasons); files that could not be read are not copies: they are counted in `skippedFiles` and listed in
/// `skipped`.
public struct ExtractSummary: Sendable, Equatable {
    /// Message copies seen.
    public var found = 0
    /// Dated copies emitted (all dated copies when there is no window).
    public var inWindow = 0
    /// Dated copies outside the window: not emitted.
    public var outsideWindow = 0
    /// Copies with no date at all: emitted with `date` nil.
    public var undated = 0
    /// Files left out: unreadable message files, names that are not UTF-8, `.mbox` files that are not mbox.
    public var skippedFiles = 0
    /// The files left out, in the order they were met: code, mailbox, path relative to the mailbox and detail.
    public var skipped: [RecordIssue] = []
    /// Copies in the window left out as not correspondence (drafts, junk, trash, outbox), by reason: not
    /// emitted. Copies outside the window are counted there, whatever their folder.
    public var leftOut: [LeftOutReason: Int] = [:]

    public init(found: Int = 0, inWindow: Int = 0, outsideWindow: Int = 0, undated: Int = 0, skippedFiles: Int = 0) {
        self.found = found
        self.inWindow = inWindow
        self.outsideWindow = outsideWindow
        self.undated = undated
        self.skippedFiles = skippedFiles
    }
}

/// The extract stage's file sources: mbox, Maildir (and trees of Maildir folders), folders of .eml files.
public enum Extractor {
    /// Streams every message copy of a file-source mailbox. `root` = the resolved mailbox path. `dateOf` gets the
    /// message's bytes (header section is enough) and returns its Date as ISO 8601 UTC or nil (the lead passes the
    /// normalize stage's `HeaderScan.isoDate`; tests pass their own). Copies with no date fall back to the mbox
    /// From_ line date or the Maildir unique-name time; still none → emitted with date nil and counted `undated`.
    /// Copies outside `window` (when given) are not emitted, nor are copies that are not correspondence (drafts,
    /// junk, trash and outbox folders by name, Maildir `D`/`T` flags, Gmail Takeout labels) unless the mailbox's
    /// `includeFolders` names their reason. Memory must not grow with the mailbox's size (an mbox file's copy
    /// identities are counted per file: 16 bytes a message).
    ///
    /// A `dateOf` answer that is not ISO 8601 counts as no answer. Copies come in a fixed order: mbox files and
    /// Maildir folders by name, messages by offset or file name, .eml files by relative path.
    ///
    /// With `shard`, only the copies of that shard (`MailboxShard.contains(copyId:)`) are seen: counted, emitted or
    /// left out; the others are passed over as if absent.
    ///
    /// Throws `MailroomError(.input)` when the path is missing, unreadable or not the configured kind of source;
    /// an unreadable file inside it is skipped and counted. Errors thrown by `emit` are passed on unchanged.
    public static func scan(mailbox: MailboxConfig, root: URL, window: DateWindow?, shard: MailboxShard? = nil,
                            chunkSize: Int = 1 << 20, dateOf: (UnsafeRawBufferPointer) -> String?, isoFromEpoch: (Int64) -> String,
                            emit: (MessageCopy) throws -> Void) throws -> ExtractSummary {
        try scan(mailbox: mailbox, root: root, window: window, shard: shard, chunkSize: chunkSize, dateOf: dateOf,
                 isoFromEpoch: isoFromEpoch, keepingWhole: false) { copy, _ in try emit(copy) }
    }

    /// The same; with `keepingWhole`, `emit` also gets the bytes of each Maildir or .eml message small enough to have been
    /// read whole for its header section (see `MessageFile.readHeader`), else nil.
    static func scan(mailbox: MailboxConfig, root: URL, window: DateWindow?, shard: MailboxShard? = nil,
                     chunkSize: Int = 1 << 20, dateOf: (UnsafeRawBufferPointer) -> String?,
                     isoFromEpoch: (Int64) -> String, keepingWhole: Bool,
                     emit: (MessageCopy, [UInt8]?) throws -> Void) throws -> ExtractSummary {
        let rootPath = root.path
        let rootKind: FileTree.Kind
        do {
            guard let k = try FileTree.kind(rootPath, follow: true) else {
                throw MailroomError(.input, "mailbox path does not exist", location: rootPath)
            }
            rootKind = k.kind
        } catch let e as FileError {
            try OpenFileLimit.check(e)
            throw MailroomError(.input, "mailbox path cannot be read: \(e.reason)", location: rootPath, cause: e)
        }
        guard rootKind == .regular || rootKind == .directory else {
            throw MailroomError(.input, "not an mbox file, Maildir or folder of .eml files", location: rootPath)
        }

        var summary = ExtractSummary()
        var skipped = SkippedFiles(mailbox: mailbox.name, root: rootPath)
        // Copies come folder by folder: the folder's reason is worked out once per run of copies.
        var lastFolder = "", lastFolderReason: LeftOutReason?
        func handle(_ copy: FoundCopy, _ header: UnsafeRawBufferPointer) throws {
            if let shard, !shard.contains(copyId: copy.copyId) { return }
            summary.found += 1
            var iso = dateOf(header)
            var epoch = iso.flatMap(DateWindow.epochSeconds(iso:))
            if epoch == nil {
                epoch = copy.fallbackEpoch
                iso = epoch.map(isoFromEpoch)
            }
            if let epoch, let window, !window.contains(epoch) {
                summary.outsideWindow += 1
                return
            }
            if copy.folder != lastFolder {
                lastFolder = copy.folder
                lastFolderReason = LeftOutReason.forFolder(copy.folder)
            }
            if let reason = copy.leftOut ?? lastFolderReason ?? LeftOutReason.forFlags(copy.flags),
               !mailbox.includeFolders.contains(reason) {
                summary.leftOut[reason, default: 0] += 1
                return
            }
            if epoch != nil {
                summary.inWindow += 1
            } else {
                summary.undated += 1
            }
            try emit(MessageCopy(copyId: copy.copyId, mailbox: mailbox.name, source: mailbox.source,
                                 folder: copy.folder, locator: copy.locator, flags: copy.flags, date: iso), copy.whole)
        }

        do {
            switch mailbox.source {
            case .mbox:
                try MboxSource.scan(rootPath: rootPath, rootIsFile: rootKind == .regular, mailbox: mailbox.name,
                                    chunkSize: chunkSize, skipped: &skipped, found: handle)
            case .maildir:
                guard rootKind == .directory else {
                    throw MailroomError(.input, "not a Maildir: the path is a file", location: rootPath)
                }
                try MaildirSource.scan(rootPath: rootPath, mailbox: mailbox.name, shard: shard,
                                       keepingWhole: keepingWhole, skipped: &skipped, found: handle)
            case .eml:
                try EmlSource.scan(rootPath: rootPath, rootIsFile: rootKind == .regular, mailbox: mailbox.name,
                                   keepingWhole: keepingWhole, skipped: &skipped, found: handle)
            case .imap:
                throw MailroomError(.internalError, "the file extractor was given an IMAP mailbox",
                                    location: mailbox.name)
            }
        } catch let e as FileError {
            try OpenFileLimit.check(e)  // no descriptor left is no fault of the mailbox
            throw MailroomError(.input, "cannot read the mailbox: \(e.reason)", location: e.path, cause: e)
        }
        summary.skipped = skipped.issues
        summary.skippedFiles = skipped.issues.count
        return summary
    }
}
