import Foundation
import MailroomCore

/// The raw output of one folder in a run directory: an append-only file of message bytes
/// (`<folder-file-name>-<uidvalidity>.raw`, located by `Locator`) and a journal of its `MessageCopy` lines
/// (`<folder-file-name>-<uidvalidity>.copies.ndjson`, one line per copy; `IMAPFolderChoice.fileName`, bounded). `commit()` makes a batch durable
/// (fsync both) and returns the checkpoint entry to save; reopening cuts off anything not committed.
final class IMAPRawFolder {
    let directory: String
    private(set) var entry: IMAPCheckpoint.Folder
    private let rawFD: Int32
    private let journalFD: Int32
    private var pendingJournal: [UInt8] = []
    private var pendingCopies = 0

    /// Opens (creating) the folder's files; when `resume` matches folder and UIDVALIDITY, keeps its committed
    /// bytes and cuts off the rest, else starts both files empty.
    init(directory: String, folder: String, uidValidity: UInt64, resume: IMAPCheckpoint.Folder?) throws {
        self.directory = directory
        let base = "\(IMAPFolderChoice.fileName(folder))-\(uidValidity)"
        var e = IMAPCheckpoint.Folder(folder: folder, uidValidity: Int(uidValidity), rawFile: base + ".raw",
                                      journalFile: base + ".copies.ndjson")
        if let r = resume, r.folder == folder, r.uidValidity == Int(uidValidity) { e = r }
        entry = e
        do { try PrivateFiles.makeDirectories(directory) } catch let failure as FileError {
            throw MailroomError(.localIO, "cannot create the folder: \(failure.reason)", location: failure.path)
        }
        rawFD = try IMAPRawFolder.open(directory + "/" + e.rawFile, length: e.rawBytes)
        do {
            journalFD = try IMAPRawFolder.open(directory + "/" + e.journalFile, length: e.journalBytes)
        } catch {
            Foundation.close(rawFD)
            throw error
        }
    }

    deinit {
        Foundation.close(rawFD)
        Foundation.close(journalFD)
    }

    private static func open(_ path: String, length: Int) throws -> Int32 {
        let fd = PrivateFiles.open(path, O_RDWR | O_CREAT)
        guard fd >= 0 else { throw localError("cannot open", path) }
        guard ftruncate(fd, off_t(length)) == 0, lseek(fd, off_t(length), SEEK_SET) == off_t(length) else {
            Foundation.close(fd)
            throw localError("cannot cut back", path)
        }
        return fd
    }

    static func localError(_ what: String, _ path: String) -> MailroomError {
        MailroomError(.localIO, "\(what) \(path): \(String(cString: strerror(errno)))", location: path)
    }

    /// The copies committed so far (from the journal).
    func committedCopies() throws -> [MessageCopy] {
        let path = directory + "/" + entry.journalFile
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let bytes = [UInt8](data.prefix(entry.journalBytes))
        var out: [MessageCopy] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 10 {
            if i > start { out.append(try MessageCopy(jsonBytes: bytes[start..<i])) }
            start = i + 1
        }
        return out
    }

    /// Appends a message's bytes; returns where they are.
    func append(body: [UInt8]) throws -> Locator {
        let offset = entry.rawBytes
        try IMAPRawFolder.writeAll(rawFD, body, path: directory + "/" + entry.rawFile)
        entry.rawBytes += body.count
        return Locator(file: entry.rawFile, offset: offset, length: body.count)
    }

    /// Adds a copy to the journal (durable at the next `commit`).
    func record(_ copy: MessageCopy) {
        pendingJournal.append(contentsOf: copy.jsonBytes())
        pendingJournal.append(10)
        pendingCopies += 1
    }

    /// fsyncs the raw bytes, then writes and fsyncs the journal; returns the entry to checkpoint.
    /// `highestUID` nil keeps the entry's cursor (a batch commit; the folder's cursor is decided at its end), as
    /// `drafts` nil keeps its count of drafts left out.
    func commit(complete: Bool = false, highestUID: UInt64?, drafts: Int? = nil) throws -> IMAPCheckpoint.Folder {
        if let highestUID { entry.highestUID = Int(highestUID) }
        if let drafts { entry.drafts = drafts }
        guard fsync(rawFD) == 0 else { throw IMAPRawFolder.localError("cannot sync", directory + "/" + entry.rawFile) }
        let journalPath = directory + "/" + entry.journalFile
        try IMAPRawFolder.writeAll(journalFD, pendingJournal, path: journalPath)
        guard fsync(journalFD) == 0 else { throw IMAPRawFolder.localError("cannot sync", journalPath) }
        entry.journalBytes += pendingJournal.count
        entry.copies += pendingCopies
        entry.complete = complete
        pendingJournal.removeAll(keepingCapacity: true)
        pendingCopies = 0
        return entry
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { p in write(fd, p.baseAddress! + off, bytes.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw localError("cannot write", path)
            }
            off += n
        }
    }
}

/// Reads and atomically replaces `checkpoint.json` (temp file, fsync, rename, fsync of the folder).
enum IMAPCheckpointFile {
    static func read(_ path: String) throws -> IMAPCheckpoint? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do { return try IMAPCheckpoint(jsonBytes: [UInt8](data)) } catch {
            throw MailroomError(.input, "the IMAP checkpoint is unreadable (\(error)); remove it to start this backfill over",
                                location: path)
        }
    }

    static func write(_ c: IMAPCheckpoint, to path: String) throws {
        try writeAtomically(c.jsonBytes() + [10], to: path)
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let tmp = path + ".tmp"
        let fd = PrivateFiles.open(tmp, O_WRONLY | O_CREAT | O_TRUNC)
        guard fd >= 0 else { throw IMAPRawFolder.localError("cannot create", tmp) }
        do {
            try IMAPRawFolder.writeAll(fd, bytes, path: tmp)
            guard fsync(fd) == 0 else { throw IMAPRawFolder.localError("cannot sync", tmp) }
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        guard rename(tmp, path) == 0 else { throw IMAPRawFolder.localError("cannot rename to", path) }
        let dir = (path as NSString).deletingLastPathComponent
        let dfd = open(dir, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}
