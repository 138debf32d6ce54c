import Foundation
import Logging
import MailroomCore

/// How an extraction paces itself and recovers.
public struct IMAPExtractOptions: Sendable {
    /// UIDs per `UID FETCH` command (one command, many answers, one connection).
    public var batchSize: Int
    public var retry: IMAPRetryPolicy
    public var rateLimit: IMAPRateLimit

    public init(batchSize: Int = 200, retry: IMAPRetryPolicy = IMAPRetryPolicy(), rateLimit: IMAPRateLimit = IMAPRateLimit()) {
        self.batchSize = batchSize
        self.retry = retry
        self.rateLimit = rateLimit
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
    /// Highest UID the folder held when it was read (the cursor to keep after loading).
    public var highestUID: UInt64 = 0
}

/// The result of a backfill or sync: the copies (folder order, then UID), per-folder reports and the cursors
/// to store together with the loaded rows.
public struct IMAPExtractResult: Sendable {
    public var copies: [MessageCopy]
    public var folders: [IMAPFolderReport]
    public var cursors: [IMAPCursor]
}

/// Reads one IMAP mailbox into a run directory: raw bytes and `MessageCopy` journals below
/// `<runDir>/extract/raw/<mailbox>/`, with a checkpoint after every batch so an interrupted run resumes.
///
/// Synchronous (blocking libcurl): call it from a thread of its own, not from an async task.
public final class IMAPExtractor {
    public let mailbox: String
    public let endpoint: IMAPEndpoint
    /// Folder names from the pipeline (empty: INBOX and the Sent folder).
    public let requestedFolders: [String]
    /// Drafts, junk, trash or outbox folders to read anyway (`includeFolders`); the others are left out.
    public var includeFolders: Set<LeftOutReason> = []
    /// `<runDir>/extract/raw/<mailbox>`.
    public let rawDirectory: String
    public var options: IMAPExtractOptions
    public var logger: Logger
    /// How to wait (seconds); tests pass a recorder.
    public var sleep: (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }
    /// Called after each committed batch (progress; tests stop the server here).
    public var afterBatch: ((IMAPFolderReport) throws -> Void)?

    var session: IMAPSession?
    var everConnected = false
    /// Gmail: X-GM-MSGID → where its bytes already are, and the date read from them.
    var gmailLocators: [String: (locator: Locator, date: String?)] = [:]
    var checkpoint = IMAPCheckpoint(windowStart: 0, windowEnd: 0)
    /// Highest UID seen per folder in this run (kept across retries).
    var highestSeen: [String: UInt64] = [:]
    var rateStart = DispatchTime.now()
    var rateMessages = 0
    var rateBytes = 0

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
                    try s.fetch(IMAPCommand.fetchListing(batch, gmail: false)) { f in
                        if let d = f.internalDate, window.contains(d) { c.messages += 1; c.bytes += f.size ?? 0 }
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
    public func backfill(window: DateWindow) throws -> IMAPExtractResult {
        try loadCheckpoint(windowStart: Int(window.start), windowEnd: Int(window.end))
        var copies: [MessageCopy] = []
        var reports: [IMAPFolderReport] = []
        for folder in try folders() {
            let (c, r) = try extractFolder(folder) { s, _ in
                (try s.uidSearch(IMAPCommand.searchSince(start: window.start)), window)
            }
            copies += c
            reports.append(r)
        }
        close()
        return IMAPExtractResult(copies: copies, folders: reports, cursors: reports.map {
            IMAPCursor(mailbox: mailbox, folder: $0.folder, uidValidity: $0.uidValidity, highestUID: $0.highestUID)
        })
    }

    func loadCheckpoint(windowStart: Int, windowEnd: Int) throws {
        try FileManager.default.createDirectory(atPath: rawDirectory, withIntermediateDirectories: true)
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
