import Crypto
import Foundation
import MailroomCore

/// Problems in an input file, each with its line: all reported at once.
public struct FileIssuesError: Error, Sendable, CustomStringConvertible {
    public var status: ExitStatus
    public var file: String
    public var issues: [ConfigIssue]

    public init(status: ExitStatus, file: String, issues: [ConfigIssue]) {
        self.status = status
        self.file = file
        self.issues = issues
    }

    public var description: String {
        issues.map { i in i.line.map { "\(file):\($0): \(i.message)" } ?? "\(file): \(i.message)" }
            .joined(separator: "\n")
    }
}

extension PipelineRunner {
    /// The pipeline's contacts file, parsed and normalized, with its SHA-256. No contacts file → none.
    func readContacts() throws -> (contacts: [Contact], sha256: String?) {
        guard let url = pipeline.contactsURL else { return ([], nil) }
        let (contacts, issues, bytes) = try Self.parseContactsFile(url, shown: pipeline.config.contacts ?? url.path)
        for i in issues where !i.fatal {
            logger.warning("contacts file: line \(i.line): \(i.message)")
        }
        return (contacts, NDJSONReader.hex(SHA256.hash(data: bytes)))
    }

    /// The SHA-256 (hex) of the pipeline's contacts file as it is now, without parsing it. No contacts file → nil.
    func contactsFileSHA() throws -> String? {
        guard let url = pipeline.contactsURL else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MailroomError(.input, "contacts file not found or unreadable", location: url.path)
        }
        return NDJSONReader.hex(SHA256.hash(data: data))
    }

    /// Writes dedupe's contact files from the contacts file.
    func writeContacts() throws -> (outputs: [FileSummary], input: StageInput?, counts: [String: Int]) {
        let (contacts, sha) = try readContacts()
        let groups = ContactDuplicates.groups(contacts)
        let cw = try runDir.writer("dedupe/contacts.ndjson", schema: Contact.schema)
        for c in contacts { try cw.write(c) }
        let gw = try runDir.writer("dedupe/contact-groups.ndjson", schema: ContactGroup.schema)
        for g in groups { try gw.write(g) }
        let input = sha.map { StageInput(name: "contacts:\(pipeline.config.contacts ?? "")", fingerprint: "sha256:\($0)") }
        return ([try cw.finish(), try gw.finish()], input, ["contacts": contacts.count, "contactGroups": groups.count])
    }

    func runDedupe() throws -> StageResult {
        var result = StageResult()
        let input = try stageOutput(.normalize, "normalize/messages.ndjson")
        result.inputs = [inputRecord(input)]
        // The contact files do not depend on the messages: they are written on another core meanwhile.
        let contactsTask = BackgroundTask { try self.writeContacts() }
        defer { contactsTask.waitIgnoringResult() }
        // Pass 1: decide every copy; remember each identity's copies (ids only).
        var dedup = MessageDeduplicator()
        var keyOfLine: [String?] = []
        var copies: [String: [CopyRef]] = [:]
        let dropped = try runDir.writer("dedupe/duplicates.ndjson", schema: DroppedCopy.schema)
        var duplicates = 0
        try runDir.read(NormalizedIdentityFields.self, input) { m, _ in
            let ref = CopyRef(copyId: m.copyId, mailbox: m.mailbox, folder: m.folder, flags: m.flags)
            switch dedup.observe(messageId: m.messageId, contentHash: m.contentHash) {
            case .keep(let key):
                keyOfLine.append(key)
                copies[key] = [ref]
            case .duplicate(let key, let reason):
                keyOfLine.append(nil)
                copies[key, default: []].append(ref)
                try dropped.write(DroppedCopy(copyId: m.copyId, mailbox: m.mailbox, folder: m.folder, key: key, reason: reason))
                duplicates += 1
            }
        }
        // Pass 2: write each identity once, at its first copy, with all its copies. The message's fields are
        // copied from its line as they are (see `DedupedMessage.jsonLine`); only a line that does not look like
        // one normalize wrote is decoded and encoded again.
        let out = try runDir.writer("dedupe/messages.ndjson", schema: DedupedMessage.schema)
        var line = 0
        var unique = 0
        var w = JSONWriter(reserving: 8192)
        let shown = runDir.display(input.file)
        let (lines, sha) = try NDJSONReader.forEachLine(url: runDir.fileURL(input.file), displayPath: shown) { bytes, no in
            defer { line += 1 }
            guard line < keyOfLine.count, let key = keyOfLine[line] else { return }
            let refs = copies[key] ?? []
            if !DedupedMessage.jsonLine(key: key, messageLine: bytes, copies: refs, into: &w) {
                let m = try NormalizedMessage(json: JSONParser.parse(buffer: bytes.bindMemory(to: UInt8.self)))
                w.reset()
                DedupedMessage(key: key, message: m, copies: refs).writeJSON(&w)
            }
            try out.writeLine(w.bytes)
            unique += 1
        }
        if lines != input.lines || sha != input.sha256 {
            throw MailroomError(.input, "changed while dedupe read it: rerun normalize, then dedupe", location: shown)
        }
        let contacts = try contactsTask.wait()
        result.outputs = [try out.finish(), try dropped.finish()] + contacts.outputs
        if let i = contacts.input { result.inputs.append(i) }
        result.counts = ["unique": unique, "duplicates": duplicates].merging(contacts.counts) { a, _ in a }
        return result
    }
}
