import Foundation
import Logging
import MailroomCore

/// How an extraction paces itself and recovers.
public struct IMAPExtractOptions: Sendable {
    /// UIDs per `UID FETCH` command (one command, many answers, one connection).
    public var batchSize: Int
    public var retry: IMAPRetryPolicy
    public var rateLimit: IMAPRateLimit
    /// A message whose announced RFC822.SIZE is larger is not fetched: its copy is marked `tooLarge` (normalize
    /// quarantines it). Default: normalize's message size limit, which is also the IMAP literal cap.
    public var maxMessageBytes: Int

    public init(batchSize: Int = 200, retry: IMAPRetryPolicy = IMAPRetryPolicy(), rateLimit: IMAPRateLimit = IMAPRateLimit(),
                maxMessageBytes: Int = MessageLimits().maxMessageBytes) {
        self.batchSize = batchSize
        self.retry = retry
        self.rateLimit = rateLimit
        self.maxMessageBytes = maxMessageBytes
    }

    /// From the pipeline's throttle settings.
    public init(_ t: IMAPThrottle) {
        self.init(retry: IMAPRetryPolicy(maxRetries: t.maxRetries), rateLimit: IMAPRateLimit(t))
    }
}

/// What happened in one folder.
public struct IMAPFolderReport: Sendable, Equatable {
    public var folder: String
    public var uidValidity: UInt64
    /// Copies the folder contributes (committed earlier + fetched now + reused).
    public var copies: Int = 0
    /// Bodies fetched by this run.
    public var fetched: Int = 0
    /// Copies found in the checkpoint (a resumed run does not fetch them again).
    public var resumed: Int = 0
    /// Gmail: copies whose X-GM-MSGID was already fetched under another label (bytes shared).
    public var reused: Int = 0
    /// Bytes fetched by this run.
    public var bytes: Int = 0
    /// Messages left on the server because their announced size is over the limit (copies marked `tooLarge`).
    public var tooLarge: Int = 0
    /// Gmail All Mail: drafts (label `\Draft`) left out, neither fetched nor recorded.
    public var drafts: Int = 0
    /// The cursor to keep after loading (`IMAPCursorDecision`): below the first UID not delivered, not fetched
    /// above the previous cursor, or newer than the window; else the folder's newest UID.
    public var highestUID: UInt64 = 0
    /// UIDs the server did not deliver after the retries (the cursor stays below the first; a rerun fetches them).
    public var missingUIDs: [UInt64] = []
    /// Why the cursor was held back, for the run log (nil when it was not).
    public var cursorNote: String?
}

/// The result of a backfill or sync: the copies (folder order, then UID), per-folder reports and the cursors
/// to store together with the loaded rows.
public struct IMAPExtractResult: Sendable {
    public var copies: [MessageCopy]
    public var folders: [IMAPFolderReport]
    public var cursors: [FolderUIDCursor]

    /// The extract counts: copies found and emitted, drafts left out (Gmail All Mail).
    public var summary: ExtractSummary {
        let drafts = folders.map(\.drafts).reduce(0, +)
        var s = ExtractSummary(found: copies.count + drafts, inWindow: copies.count)
        if drafts > 0 { s.leftOut[.drafts] = drafts }
        return s
    }
}

/// Reads one IMAP mailbox into a run directory: raw bytes and `MessageCopy` journals below
/// `<runDir>/extract/raw/<mailbox>/`, with a checkpoint after every batch so an interrupted run resumes.
///
/// Synchronous (blocking libcurl): call it from a thread of its own, not from an async task.
public final class IMAPExtractor {
    public let mailbox: String
    /// After a `cmd:` secret was read again on a rejected login, holds the fresh one for later reconnects.
    public internal(set) var endpoint: IMAPEndpoint
    /// Folder names from the pipeline (empty: INBOX and the Sent folder).
    public let requestedFolders: [String]
    /// Drafts, junk, trash or outbox folders to read anyway (`includeFolders`); the others are left out.
    /// With `allMail`, `drafts` keeps the messages labelled `\Draft`.
    public var includeFolders: Set<LeftOutReason> = []
    /// Gmail (`allMail: true`): read only the All Mail folder (special-use `\All`), each message once, with its
    /// labels (X-GM-LABELS) on its copy; drafts are left out and counted. Needs `X-GM-EXT-1`.
    public var allMail = false
    /// `<runDir>/extract/raw/<mailbox>`.
    public let rawDirectory: String
    public var options: IMAPExtractOptions
    public var logger: Logger
    /// How to wait (seconds); tests pass a recorder. SIGINT or SIGTERM cuts the wait short (see `wait`).
    public var sleep: (Double) -> Void = { Interrupt.sleep($0) }
    /// Called after each committed batch (progress; tests stop the server here).
    public var afterBatch: ((IMAPFolderReport) throws -> Void)?

    var session: IMAPSession?
    var everConnected = false
    /// Gmail: X-GM-MSGID → where its bytes already are, and the date read from them.
    var gmailLocators: [String: (locator: Locator, date: String?)] = [:]
    /// Per folder, UIDs whose body FETCH was cut off by a dropped connection: asked for one at a time on the retry.
    var suspects: [String: Set<UInt64>] = [:]
    /// Per folder, suspects whose FETCH alone dropped the connection again (a message the server cannot send,
    /// such as Dovecot's `BYE FETCH failed: Internal error`): not asked for again in this run, reported missing.
    var poisoned: [String: Set<UInt64>] = [:]
    var checkpoint = IMAPCheckpoint(windowStart: 0, windowEnd: 0)
    /// Batches committed so far: a reconnect for a new OAuth2 token is free (no retry counted, no backoff) when
    /// work was committed since the previous one.
    var committedBatches = 0
    /// How many times the session was reopened for a new OAuth2 access token (before expiry, or after the
    /// server dropped it when the token expired).
    public internal(set) var tokenReconnects = 0
    var rateStart = DispatchTime.now()
    var rateMessages = 0
    var rateBytes = 0
    /// How many times the run waited for the next day of its download allowance (`throttle.bytesPerDay`).
    public internal(set) var dailyWaits = 0
    /// Seconds since `rateStart` at which the last wait for a day's allowance ended.
    var allowanceClock = 0.0

    public init(mailbox: String, endpoint: IMAPEndpoint, folders: [String], runDirectory: String,
                options: IMAPExtractOptions = IMAPExtractOptions(), logger: Logger = Logger(label: "mailroom.imap")) {
        self.mailbox = mailbox
        self.endpoint = endpoint
        self.requestedFolders = folders
        self.rawDirectory = runDirectory + "/extract/raw/" + mailbox
        self.options = options
        self.logger = logger
    }

    var checkpointPath: String { rawDirectory + "/checkpoint.json" }

    /// Copy id: `<mailbox>/<folder>/<uidvalidity>-<uid>`.
    public static func copyId(mailbox: String, folder: String, uidValidity: UInt64, uid: UInt64) -> String {
        "\(mailbox)/\(folder)/\(uidValidity)-\(uid)"
    }

    /// Logs out and closes the connection.
    public func close() {
        session?.logout()
        session = nil
    }

    // MARK: folders

    /// The folders to read; a named folder the server lacks throws `.folder`.
    public func folders() throws -> [IMAPListedFolder] {
        if allMail { return [try allMailFolder()] }
        let listed = try withSession { try $0.listFolders() }
        let (chosen, missing) = IMAPFolderChoice.choose(listed: listed, requested: requestedFolders,
                                                        include: includeFolders)
        for (f, reason) in IMAPFolderChoice.leftOut(listed: listed, requested: requestedFolders, include: includeFolders) {
            logger.notice("folder left out: not correspondence", metadata: [
                "mailbox": "\(mailbox)", "folder": "\(f.name)", "reason": "\(reason.rawValue)"])
        }
        if !missing.isEmpty {
            throw MailroomError(.folder, "mailbox \(mailbox): the server at \(endpoint.address) has no folder named \(missing.map { "\"\($0)\"" }.joined(separator: ", ")); check 'folders' in the pipeline",
                                location: missing[0])
        }
        return chosen
    }

    /// Gmail's All Mail folder, found by its special-use attribute `\All` (its name is localized). A server
    /// without Gmail's extensions (`X-GM-EXT-1`: labels) or without a `\All` folder throws `.folder`.
    func allMailFolder() throws -> IMAPListedFolder {
        let (listed, gmail) = try withSession { s in (try s.listFolders(), s.isGmail) }
        switch IMAPFolderChoice.allMail(listed, gmail: gmail) {
        case .success(let folder): return folder
        case .failure(let problem):
            throw MailroomError(.folder, "mailbox \(mailbox): " + problem.message(server: "the server at \(endpoint.address)"),
                                location: mailbox)
        }
    }

    /// Whether a listed message is left out as a draft (Gmail All Mail, unless `includeFolders` has `drafts`).
    func isLeftOutDraft(_ f: IMAPFetchResult) -> Bool {
        allMail && !includeFolders.contains(.drafts) && IMAPGmailLabels.isDraft(f.labels ?? [])
    }

    // MARK: listing (dry run)

    /// Messages and bytes of the window per folder, from sizes and dates only (no bodies).
    public func list(window: DateWindow) throws -> [IMAPListingCount] {
        var out: [IMAPListingCount] = []
        for folder in try folders() {
            let count = try withSession { s -> IMAPListingCount in
                try s.examine(folder.wireName)
                let candidates = try s.uidSearch(IMAPCommand.searchSince(start: window.start))
                var c = IMAPListingCount(folder: folder.name)
                for batch in candidates.chunked(options.batchSize) {
                    let command = IMAPCommand.fetchListing(batch, gmail: allMail && s.isGmail, labels: allMail)
                    _ = try s.fetchAllowingOmissions(command) { f in
                        if let d = f.internalDate, window.contains(d), !isLeftOutDraft(f) {
                            c.messages += 1
                            c.bytes = IMAPListingCount.adding(c.bytes, f.size ?? 0)  // saturating
                        }
                    }
                }
                return c
            }
            out.append(count)
        }
        return out
    }

    // MARK: backfill

    /// Fetches every message of the window from each folder (resuming from the run directory's checkpoint).
    /// With a `store`, a folder's stored cursor (same UIDVALIDITY) is not moved past UIDs above it that the window
    /// leaves out as too old: the cursor stays below the first of them and the next sync fetches them.
    public func backfill(window: DateWindow, store: IMAPCursorStore? = nil) throws -> IMAPExtractResult {
        try loadCheckpoint(windowStart: Int(window.start), windowEnd: Int(window.end))
        var copies: [MessageCopy] = []
        var reports: [IMAPFolderReport] = []
        for folder in try folders() {
            let cursor = try store?.imapCursor(mailbox: mailbox, folder: folder.name)
            let (c, r) = try extractFolder(folder) { s, status in
                let inWindow = try s.uidSearch(IMAPCommand.searchSince(start: window.start))
                guard let previous = IMAPCursorDecision.previous(stored: cursor?.stored,
                                                                 uidValidity: status.uidValidity) else {
                    return IMAPFolderSelection(uids: inWindow, window: window)
                }
                let above = try s.uidSearch(IMAPCommand.searchAbove(uid: previous)).filter { $0 > previous }
                return IMAPFolderSelection(uids: inWindow, window: window, previous: previous, above: above)
            }
            copies += c
            reports.append(r)
        }
        close()
        return IMAPExtractResult(copies: copies, folders: reports, cursors: reports.map {
            FolderUIDCursor(mailbox: mailbox, folder: $0.folder, uidValidity: $0.uidValidity, highestUID: $0.highestUID)
        })
    }

    func loadCheckpoint(windowStart: Int, windowEnd: Int) throws {
        do { try PrivateFiles.makeDirectories(rawDirectory) } catch let failure as FileError {
            throw MailroomError(.localIO, "cannot create the folder: \(failure.reason)", location: failure.path)
        }
        if let c = try IMAPCheckpointFile.read(checkpointPath), c.windowStart == windowStart, c.windowEnd == windowEnd {
            checkpoint = c
        } else {
            checkpoint = IMAPCheckpoint(windowStart: windowStart, windowEnd: windowEnd)
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { Array(self[$0..<Swift.min($0 + Swift.max(1, size), count)]) }
    }
}
