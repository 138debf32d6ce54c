import Crypto
import Foundation
import MailroomCore

extension PipelineRunner {
    /// The pipeline's contacts file, parsed and normalized, with its SHA-256. No contacts file → none.
    func readContacts() throws -> (contacts: [Contact], sha256: String?) {
        guard let url = pipeline.contactsURL else { return ([], nil) }
        let (contacts, issues, bytes) = try Self.parseContactsFile(url, shown: pipeline.config.contacts ?? url.path)
        for i in issues where !i.fatal {
            logger.warning("contacts file: line \(i.line ?? 0): \(i.detail)")
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

    /// Dedupe's contact files, written to temporary files: `finish()` puts them in place.
    struct ContactFiles {
        let writers: [NDJSONWriter]
        let inputs: [StageInput]
        let counts: [String: Int]

        func finish() throws -> [FileSummary] { try writers.map { try $0.finish() } }

        func abandon() { writers.forEach { $0.abandon() } }
    }

    /// Writes dedupe's contact files without putting them in place yet: the contacts match links against. Without
    /// a store, the contacts file's; once there is one, the store's contacts with the file imported onto them in
    /// memory (`ContactOverlay`: the store is not written), recorded as the input `store-contacts:<path>`.
    func prepareContacts() throws -> ContactFiles {
        let (fileContacts, sha) = try readContacts()
        var contacts = fileContacts
        var inputs: [StageInput] = []
        if let sha { inputs.append(StageInput(name: "contacts:\(pipeline.config.contacts ?? "")", fingerprint: "sha256:\(sha)")) }
        let stored = try CRMStore.storedContacts(for: pipeline) { e in
            logger.warning("the store cannot be reached: matching against the contacts file alone (\(e.message))")
        }
        if let stored {
            contacts = ContactOverlay.apply(store: stored.contacts, imports: fileContacts, fileRows: stored.fileRows,
                                            mergedAway: stored.mergedAway)
            inputs.append(StageInput(name: Self.storeContactsInput, fingerprint: stored.fingerprint))
        } else {
            // No store yet: the file as its import into an empty store leaves it (an address on two rows is the
            // first row's), so the first load links as every later load, which reads the store, does.
            contacts = ContactOverlay.apply(store: [], imports: fileContacts)
        }
        let groups = ContactDuplicates.groups(ContactOverlay.writtenKeys(contacts))
        let cw = try runDir.writer("dedupe/contacts.ndjson", schema: Contact.schema)
        for c in contacts { try cw.write(c) }
        let gw = try runDir.writer("dedupe/contact-groups.ndjson", schema: ContactGroup.schema)
        for g in groups { try gw.write(g) }
        return ContactFiles(writers: [cw, gw], inputs: inputs, counts: ["contacts": contacts.count, "contactGroups": groups.count])
    }

    /// Dedupe's manifest input naming the store's contacts it read (their fingerprint), when there is a store.
    static let storeContactsInput = "store-contacts"

    /// Writes dedupe's contact files from the contacts file and puts them in place.
    func writeContacts() throws -> (outputs: [FileSummary], inputs: [StageInput], counts: [String: Int]) {
        let files = try prepareContacts()
        return (try files.finish(), files.inputs, files.counts)
    }

    /// Dedupe's wiring: pass 1 feeds `DedupeScan` (MailroomCore) normalize's identity fields and writes the
    /// copies it drops; pass 2 writes each identity once. `firstPass`: pass 1 already done by normalize as it
    /// wrote its lines, in this process (see `StagePlan.swift`); taken when it was made from the file the
    /// manifest names, else dropped and pass 1 reads the file. `matchPass`: match runs next in this runner; pass 2
    /// feeds it each line it writes, and leaves it in `matchFirstPass` for `runMatch()`.
    func runDedupe(firstPass: DedupeFirstPass? = nil, feeding matchPass: MatchFirstPass? = nil) throws -> StageResult {
        matchFirstPass = nil
        var result = StageResult()
        let input = try stageOutput(.normalize, "normalize/messages.ndjson")
        result.inputs = [inputRecord(input)]
        // The contact files do not depend on the messages: they are written on another core meanwhile, and put in
        // place only when the message passes succeeded (a failed stage leaves the previous files as they were).
        let contactsTask = JoinableThread { try self.prepareContacts() }
        var placed = false
        defer {
            // A failed stage removes the contact files it prepared (they were never put in place).
            if !placed, let files = try? contactsTask.wait() { files.abandon() }
        }
        // Pass 1: decide every copy, keeping one byte per line and the deduplicator's compact tables.
        var scan: DedupeScan
        let dropped: NDJSONWriter
        if let firstPass, firstPass.input == input {
            (scan, dropped) = (firstPass.scan, firstPass.dropped)
            firstPass.scan = DedupeScan()  // held here alone, so that its tables are freed below
        } else {
            scan = DedupeScan()
            let out = try runDir.writer("dedupe/duplicates.ndjson", schema: DroppedCopy.schema)
            try feed(&scan, from: input, as: NormalizedDedupeFields.self, input: { f, _, _ in f }) { try out.write($0) }
            dropped = out
        }
        scan.endFirstPass()
        // Pass 2: write each identity once, at the copy it shows (its first, unless a later one carries less
        // list decoration), with all its copies. The message's fields are copied from that copy's line as they
        // are (see `DedupedMessage.jsonLine`); only a line that does not look like one normalize wrote is decoded
        // and encoded again.
        let out = try runDir.writer("dedupe/messages.ndjson", schema: DedupedMessage.schema)
        var unique = 0
        var w = JSONWriter(reserving: 8192)
        /// Writes the identity shown at this line, if any: its key and copies, and whether the line was copied.
        func write(_ f: NormalizedIdentityFields, _ bytes: UnsafeRawBufferPointer,
                   _ line: Int) throws -> (key: String, copies: [CopyRef], copied: Bool)? {
            guard let (key, refs) = scan.identity(atLine: line - 1, f) else { return nil }
            let copied = DedupedMessage.jsonLine(key: key, messageLine: bytes, copies: refs, into: &w)
            if !copied {
                let m = try NormalizedMessage(json: JSONParser.parse(buffer: bytes.bindMemory(to: UInt8.self)))
                w.reset()
                DedupedMessage(key: key, message: m, copies: refs).writeJSON(&w)
            }
            try out.writeLine(w.bytes)
            unique += 1
            return (key, refs, copied)
        }
        if let matchPass {
            // Match's fields of the line just written: from normalize's line when it was copied as it is, else
            // decoded from the written line (as match would read it). Decoding both is most of this pass, and
            // this thread has little else to do: lines are decoded on every core.
            matchPass.reserveCapacity(messages: input.lines)
            try read(input, as: NormalizedIdentityThreadReportFields.self, interruptible: .dedupe,
                     decodingOnEveryCore: true) { f, bytes, line in
                guard let written = try write(f.identity, bytes, line) else { return }
                let fields = (written.copied ? f.threadReport(key: written.key, copies: written.copies) : nil)
                    ?? w.bytes.withUnsafeBufferPointer { try? DedupedThreadReportFields(cursorBytes: $0) }
                matchPass.add(fields, lineBytes: w.bytes.count)
            }
        } else {
            try read(input, as: NormalizedIdentityFields.self, interruptible: .dedupe) { f, bytes, line in
                _ = try write(f, bytes, line)
            }
        }
        let contacts = try contactsTask.wait()
        result.outputs = [try out.finish(), try dropped.finish()] + (try contacts.finish())
        placed = true
        if let matchPass, !matchPass.abandoned {
            matchPass.input = result.outputs[0]
            matchFirstPass = matchPass
        }
        result.inputs += contacts.inputs
        result.counts = ["unique": unique, "duplicates": scan.duplicates, "mergedCopies": scan.mergedCopies]
            .merging(contacts.counts) { a, _ in a }
        return result
    }
}
