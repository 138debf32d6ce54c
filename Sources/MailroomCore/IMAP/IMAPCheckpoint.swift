/// Progress of an IMAP extraction in a run directory (`extract/raw/<mailbox>/checkpoint.json`), one entry per
/// folder: which UIDVALIDITY was being read and how many bytes of the folder's raw file and copies journal are
/// committed. Anything past those lengths was written by an interrupted batch and is cut off on resume.
/// Schema `extract.imap-checkpoint/1`.
public struct IMAPCheckpoint: JSONRecord, Equatable {
    public static let schema = "extract.imap-checkpoint/1"

    public struct Folder: JSONRecord, Equatable {
        public var folder: String
        public var uidValidity: Int
        /// Raw file, relative to `extract/raw/<mailbox>/`.
        public var rawFile: String
        public var rawBytes: Int
        /// Journal of `MessageCopy` lines (one line per copy), relative to `extract/raw/<mailbox>/`.
        public var journalFile: String
        public var journalBytes: Int
        public var copies: Int
        /// The folder's window is fully read.
        public var complete: Bool
        /// The cursor this read supports (highest UID read, below any UID left out as newer than the window).
        public var highestUID: Int
        /// Gmail All Mail: drafts (label `\Draft`) this read left out; written only when some were.
        public var drafts: Int = 0

        public init(folder: String, uidValidity: Int, rawFile: String, rawBytes: Int = 0, journalFile: String,
                    journalBytes: Int = 0, copies: Int = 0, complete: Bool = false, highestUID: Int = 0) {
            self.folder = folder
            self.uidValidity = uidValidity
            self.rawFile = rawFile
            self.rawBytes = rawBytes
            self.journalFile = journalFile
            self.journalBytes = journalBytes
            self.copies = copies
            self.complete = complete
            self.highestUID = highestUID
        }

        public init(json: JSONValue) throws {
            let o = try JSONObject(json, what: "checkpoint folder")
            folder = try o.string("folder")
            uidValidity = try o.int("uidValidity")
            rawFile = try o.string("rawFile")
            rawBytes = try o.int("rawBytes")
            journalFile = try o.string("journalFile")
            journalBytes = try o.int("journalBytes")
            copies = try o.int("copies")
            complete = try o.bool("complete")
            highestUID = try o.int("highestUID")
            drafts = try o.optionalInt("drafts") ?? 0
        }

        public func writeJSON(_ w: inout JSONWriter) {
            w.beginObject()
            w.field("folder", folder)
            w.field("uidValidity", uidValidity)
            w.field("rawFile", rawFile)
            w.field("rawBytes", rawBytes)
            w.field("journalFile", journalFile)
            w.field("journalBytes", journalBytes)
            w.field("copies", copies)
            w.field("complete", complete)
            w.field("highestUID", highestUID)
            if drafts > 0 { w.field("drafts", drafts) }
            w.endObject()
        }
    }

    /// The window the checkpoint belongs to: a different window starts over.
    public var windowStart: Int
    public var windowEnd: Int
    public var folders: [Folder]

    public init(windowStart: Int, windowEnd: Int, folders: [Folder] = []) {
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.folders = folders
    }

    public init(json: JSONValue) throws {
        let o = try JSONObject(json, what: "checkpoint")
        let s = try o.string("schema")
        guard s == IMAPCheckpoint.schema else { throw JSONError("checkpoint schema \(s) is not \(IMAPCheckpoint.schema)") }
        windowStart = try o.int("windowStart")
        windowEnd = try o.int("windowEnd")
        folders = try o.array("folders") { try Folder(json: $0) }
    }

    public func writeJSON(_ w: inout JSONWriter) {
        w.beginObject()
        w.field("schema", IMAPCheckpoint.schema)
        w.field("windowStart", windowStart)
        w.field("windowEnd", windowEnd)
        w.field("folders", folders)
        w.endObject()
    }

    public func folder(_ name: String) -> Folder? { folders.first { $0.folder == name } }

    public mutating func update(_ f: Folder) {
        if let i = folders.firstIndex(where: { $0.folder == f.folder }) { folders[i] = f } else { folders.append(f) }
    }
}
