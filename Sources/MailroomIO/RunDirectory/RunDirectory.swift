import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MailroomCore

/// A run directory: `manifest.json` plus one folder per stage holding its NDJSON files.
///
///     runs/20261126T081500Z/
///       manifest.json                 run settings; per stage: inputs, settings, counts, timings, outputs
///       extract/messages.ndjson       one line per message copy in the window
///       extract/raw/<mailbox>/…       IMAP only: fetched message bytes
///       normalize/messages.ndjson     one line per readable message copy
///       normalize/quarantine.ndjson   one line per unreadable message copy, with the reason
///       dedupe/messages.ndjson        one line per message identity, with all its copies
///       dedupe/duplicates.ndjson      one line per dropped repeat copy
///       dedupe/contacts.ndjson        one line per contact row
///       dedupe/contact-groups.ndjson  one line per group of likely duplicate contacts
///       match/threads.ndjson          one line per thread, with its class and contacts
///       match/links.ndjson            one line per (message, role, participant)
///       match/unmatched.ndjson        one line per external address no contact holds
///       report.json                   the dry-run report
public struct RunDirectory: Sendable {
    public let url: URL
    /// Told about every record a stage reads (stderr, terminals only); nil for none.
    public var progress: ProgressReporter?
    /// The stage named on the progress line.
    public var progressStage = ""

    public static let manifestName = "manifest.json"
    /// Files this process wrote here (shared by copies of this value): see `WrittenFiles`.
    let written = WrittenFiles()

    public init(url: URL) { self.url = url.standardizedFileURL }

    /// Creates the directory and its stage folders, private to their owner (0700, see `PrivateFiles`).
    /// A folder that already exists is tightened to 0700 only when it is empty (made for this run): a folder
    /// that holds other things (`--run-dir .`) keeps its mode, and what Mailroom writes into it is private.
    public static func create(at url: URL) throws -> RunDirectory {
        let dir = RunDirectory(url: url)
        let wasEmpty = (try? FileManager.default.contentsOfDirectory(atPath: dir.url.path))?.isEmpty ?? true
        for stage in Stage.allCases {
            do {
                try PrivateFiles.makeDirectories(dir.url.appendingPathComponent(stage.rawValue).path)
            } catch let e as FileError {
                throw MailroomError(.localIO, "cannot create the run directory: \(e.reason)", location: url.path)
            }
        }
        if wasEmpty { PrivateFiles.tighten(path: dir.url.path) }
        return dir
    }

    /// Opens an existing run directory (it must hold a manifest). Opened to write stages into, so what an
    /// older version left readable by others is tightened first (see `PrivateFiles`, `tightenOwnFiles`).
    public static func open(_ url: URL) throws -> RunDirectory {
        let dir = RunDirectory(url: url)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.url.path, isDirectory: &isDir), isDir.boolValue else {
            throw MailroomError(.input, "no such run directory", location: url.path)
        }
        guard FileManager.default.fileExists(atPath: dir.manifestURL.path) else {
            throw MailroomError(.input, "not a run directory: manifest.json is missing", location: url.path)
        }
        dir.tightenOwnFiles()
        return dir
    }

    /// What Mailroom writes at the top of a run directory besides its stage folders.
    static let ownFiles = [manifestName, "report.json", ".lock"]

    /// Sets what Mailroom wrote here to owner-only: the stage folders with everything below them, its files at
    /// the top, and the directory itself when it holds nothing else. A folder given as `--run-dir` that also
    /// holds the user's own things (`--run-dir .`) keeps its mode, and so do those things, as `create` does.
    private func tightenOwnFiles() {
        for stage in Stage.allCases { PrivateFiles.tightenTree(fileURL(stage.rawValue).path) }
        for name in Self.ownFiles { PrivateFiles.tighten(path: fileURL(name).path) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        if names.allSatisfy({ Stage(rawValue: $0) != nil || Self.ownFiles.contains($0) }) {
            PrivateFiles.tighten(path: url.path)
        }
    }

    public var manifestURL: URL { url.appendingPathComponent(Self.manifestName) }

    public func fileURL(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    /// Path shown to people: relative to the current directory when below it.
    public func display(_ relative: String) -> String {
        let full = fileURL(relative).path
        let cwd = FileManager.default.currentDirectoryPath
        if full.hasPrefix(cwd + "/") { return String(full.dropFirst(cwd.count + 1)) }
        return full
    }

    public func readManifest() throws -> Manifest {
        let shown = display(Self.manifestName)
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            throw MailroomError(.input, "cannot read the manifest", location: shown)
        }
        do {
            return try Manifest(jsonBytes: [UInt8](data))
        } catch let e as JSONError {
            throw MailroomError(.input, "corrupt manifest: \(e)", location: shown)
        }
    }

    /// Writes the manifest atomically (temp file, sync, rename).
    public func writeManifest(_ m: Manifest) throws {
        var w = JSONWriter(reserving: 8192)
        m.writeJSON(&w)
        var bytes = w.bytes
        bytes.append(0x0A)
        try writeAtomically(bytes, to: Self.manifestName)
    }

    /// Writes a whole small file atomically and privately (`PrivateFiles.writeAtomically`).
    public func writeAtomically(_ bytes: [UInt8], to relative: String) throws {
        try PrivateFiles.writeAtomically(bytes, to: fileURL(relative).path, shown: display(relative))
    }

    public func writer(_ relative: String, schema: String) throws -> NDJSONWriter {
        let w = try NDJSONWriter(url: fileURL(relative), relativePath: relative, schema: schema)
        let path = w.url.path, written = self.written
        w.onFinish = { summary in written.record(path, sha256: summary.sha256) }
        return w
    }

    /// Reads a predecessor's NDJSON file, refusing one that is missing, cut short, or not the file the manifest
    /// recorded (line count and SHA-256 are checked; the size is checked before reading anything).
    public func read<R: JSONRecord>(_: R.Type, _ summary: FileSummary, _ body: (R, Int) throws -> Void) throws {
        try read(R.self, summary) { r, _, no in try body(r, no) }
    }

    /// Checks a predecessor's file against the manifest before anything of it is used (a stage that writes as
    /// it reads, such as load, must not act on a file it would refuse at the end): size, lines and SHA-256. A
    /// file this process wrote and nothing touched since is taken as checked; a checked file is remembered, so
    /// reading it next does not hash it again.
    public func verify(_ summary: FileSummary) throws {
        let (path, shown) = (fileURL(summary.file).path, display(summary.file))
        try checkSize(summary)
        guard !written.isUnchanged(path, sha256: summary.sha256) else { return }
        let (lines, sha) = try NDJSONReader.forEachLine(url: fileURL(summary.file), displayPath: shown) { _, _ in }
        if lines != summary.lines || sha != summary.sha256 { throw Self.mismatch(lines, summary, shown) }
        written.record(path, sha256: sha)
    }

    /// The same, also giving `body` each line's bytes (valid only during the call). `decodingOnEveryCore`: see
    /// `NDJSONReader.forEach`.
    public func read<R: JSONRecord>(_: R.Type, _ summary: FileSummary, decodingOnEveryCore: Bool = false,
                                    _ body: (R, UnsafeRawBufferPointer, Int) throws -> Void) throws {
        let (path, shown) = (fileURL(summary.file).path, display(summary.file))
        try checkSize(summary)
        let stage = progressStage.isEmpty ? String(summary.file.prefix { $0 != "/" }) : progressStage
        let progress = self.progress
        // A file this process wrote, or read and checked, and nothing touched since need not be hashed again.
        let hashing = !written.isUnchanged(path, sha256: summary.sha256)
        let (lines, sha) = try NDJSONReader.forEach(R.self, url: fileURL(summary.file), displayPath: shown,
                                                    hashing: hashing, decodingOnEveryCore: decodingOnEveryCore) { record, bytes, line in
            try body(record, bytes, line)
            progress?.update(stage: stage, done: line, total: summary.lines)
        }
        progress?.finish()
        if lines != summary.lines || (hashing && sha != summary.sha256) { throw Self.mismatch(lines, summary, shown) }
        // Checked whole, as `verify` does: the next read of the same file, while it stays exactly as it is, need
        // not hash it again (a stage run on its own reads its input more than once: match twice).
        if hashing { written.record(path, sha256: sha) }
    }

    /// Decodes a few lines of a file `read` has already checked in this run, by their byte ranges (each line with
    /// its newline, as `read` found them), with positional reads: a second look at a few records without reading
    /// the file again. A range that does not end a line means the file changed: refused, naming the file.
    public func read<R: JSONRecord>(_: R.Type, _ summary: FileSummary, lineRanges: [Range<Int>],
                                    _ body: (R) throws -> Void) throws {
        let shown = display(summary.file)
        try checkSize(summary)
        let keys = R.decodedKeys.map(JSONKeys.init)
        do {
            let file = try ReadOnlyFile(path: fileURL(summary.file).path)
            var bytes: [UInt8] = []
            for r in lineRanges {
                try file.readBytes(into: &bytes, count: r.count, at: r.lowerBound)
                guard bytes.count == r.count, bytes.last == 0x0A else {
                    throw MailroomError(.input, "changed while it was read (bytes \(r.lowerBound)-\(r.upperBound) are not a line); rerun the stage that writes it", location: shown)
                }
                let record = try bytes.withUnsafeBufferPointer { b in
                    let line = UnsafeBufferPointer(rebasing: b.dropLast())
                    return try R.decodeLine(line, keys: keys)
                }
                try body(record)
            }
        } catch let e as FileError {
            try OpenFileLimit.check(e)
            throw MailroomError(.input, "cannot be read: \(e.reason)", location: shown)
        } catch let e as JSONError {
            throw MailroomError(.input, "not a valid record: \(e)", location: shown)
        }
    }

    /// Missing, or not the size the manifest recorded: refused before anything is read.
    private func checkSize(_ summary: FileSummary) throws {
        let shown = display(summary.file)
        let attrs = try? FileManager.default.attributesOfItem(atPath: fileURL(summary.file).path)
        guard let size = (attrs?[.size] as? NSNumber)?.intValue else {
            throw MailroomError(.input, "missing: rerun the stage that writes it", location: shown)
        }
        if size != summary.bytes {
            throw MailroomError(.input, "is \(size) bytes but the manifest recorded \(summary.bytes): incomplete or changed since it was written; rerun the stage that writes it", location: shown)
        }
    }

    private static func mismatch(_ lines: Int, _ summary: FileSummary, _ shown: String) -> MailroomError {
        MailroomError(.input, "does not match the manifest (\(lines) lines, expected \(summary.lines)): changed since it was written; rerun the stage that writes it", location: shown)
    }
}
