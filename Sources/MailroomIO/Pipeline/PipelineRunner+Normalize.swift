import Foundation
import MailroomCore

/// Normalize's wiring: `NormalizeStep` (MailroomCore) on all cores, over extract's copies, writing
/// `normalize/messages.ndjson` and its issues file `normalize/quarantine.ndjson`.
extension PipelineRunner {
    /// Owner address keys per mailbox name.
    func ownerKeys() -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for m in pipeline.config.mailboxes {
            out[m.name] = Set(m.owner.compactMap { AddressNormalizer.parse($0)?.key })
        }
        return out
    }

    func runNormalize() throws -> StageResult {
        let input = try stageOutput(.extract, "extract/messages.ndjson")
        let extractStarted = (manifest.stages[.extract]?.startedAt).flatMap(MailDate.parseISO).map(Double.init)
        var result = try normalize(shown: runDir.display(input.file), extractStarted: extractStarted) { each in
            try runDir.read(MessageCopy.self, input) { copy, _ in try each(NormalizeItem(copy: copy, bytes: nil)) }
        }
        result.inputs = [inputRecord(input)]
        return result
    }

    /// Normalizes the copies `copies` calls its argument with, in order (`shown` names where they come from).
    /// Each message line written is also fed to `dedupe` when given (see `StagePlan.swift`). `extractStarted`
    /// (seconds since 1970, nil when unknown): when extract began reading; an mbox file whose status has not
    /// changed since a second before then holds what extract read, so its copies' ids are not checked against
    /// their bytes again (a file compacted since is, see `MessageBytesReader`).
    func normalize(shown: String, extractStarted: Double?, feeding dedupe: DedupeFirstPass? = nil,
                   copies: ((NormalizeItem) throws -> Void) throws -> Void) throws -> StageResult {
        var result = StageResult()
        let owners = ownerKeys()
        result.settings = ["ownDomains": .array(pipeline.config.ownDomains.map { .string($0) }),
                           "owner": .object(owners.mapValues { .array($0.sorted().map { .string($0) }) })]
        let roots = Dictionary(uniqueKeysWithValues: manifest.mailboxes.map { ($0.name, URL(fileURLWithPath: $0.root)) })
        var settings: [String: NormalizeSettings] = [:]
        for (name, keys) in owners {
            settings[name] = NormalizeSettings(owner: keys, ownDomains: pipeline.config.ownDomains)
        }
        let step = NormalizeStep(settings: settings)
        let messages = try runDir.writer("normalize/messages.ndjson", schema: NormalizedMessage.schema)
        let quarantine = IssuesWriter(try runDir.writer("normalize/quarantine.ndjson", schema: QuarantineRecord.schema))
        var normalized = 0
        let wantIdentity = dedupe != nil
        let unchangedBefore = extractStarted.map { $0 - 1 }
        // Parsing is the costly part: batches are read, normalized and encoded on all cores, then written in
        // input order.
        try mapInParallel(step, stage: .normalize, items: copies, weight: { $0.bytes?.count ?? 0 },
                          makeContext: { NormalizeWorker() }) { worker, step, item in
            let copy = item.copy
            guard let s = step.settings[copy.mailbox], let root = roots[copy.mailbox] else {
                throw MailroomError(.input, "copy \(copy.copyId) names mailbox '\(copy.mailbox)' that this run does not have", location: shown)
            }
            let memo = worker.memo
            let outcome = try worker.read(copy, bytes: item.bytes, root: root, unchangedBefore: unchangedBefore,
                                          maxBytes: s.limits.maxMessageBytes) {
                step.output(for: NormalizeStep.Input(copy: copy, content: $0, settings: s, memo: memo))
            }
            worker.json.reset()
            switch outcome {
            case .message(let m):
                m.writeJSON(&worker.json)
                return NormalizeWorker.Output(line: worker.line(), identity: wantIdentity ? NormalizedDedupeFields(m) : nil,
                                              issueCode: nil)
            case .quarantined(let q):
                q.writeJSON(&worker.json)
                return NormalizeWorker.Output(line: worker.line(), identity: nil, issueCode: q.reason)
            }
        } write: { outcome in
            if let code = outcome.issueCode {
                try quarantine.writeLine(outcome.line, code: code)
            } else {
                try messages.writeLine(outcome.line)
                normalized += 1
                if let dedupe, let f = outcome.identity { try dedupe.feed(f) }
            }
        }
        result.outputs = [try messages.finish(), try quarantine.finish()]
        dedupe?.input = result.outputs[0]
        result.counts = ["normalized": normalized, "quarantined": quarantine.count]
        result.issues = quarantine.countsByCode
        return result
    }
}

/// A copy for normalize, with the message's bytes when extract read them whole in this process (else nil: normalize
/// reads them from the mailbox).
struct NormalizeItem {
    var copy: MessageCopy
    var bytes: [UInt8]?
}

/// What one normalize worker keeps between messages: its open files, its JSON buffer and its address memo.
struct NormalizeWorker {
    /// One copy's line, its identity fields (when dedupe's first pass is fed), and its issue code when it is a
    /// quarantine record (else a message).
    struct Output {
        var line: [UInt8]
        var identity: NormalizedDedupeFields?
        var issueCode: IssueCode?
    }

    var readers: [String: MessageBytesReader] = [:]
    var json = JSONWriter(reserving: 8192)

    /// A copy of the line in `json`, of its own length. Handing out `json`'s own buffer instead made the next
    /// `reset` allocate another of the whole capacity (the largest line the worker wrote so far) for every line:
    /// each line then held that much until written, and once the capacity passed glibc's mapping threshold every
    /// line was a mapping of its own (see `HeapTrim.configureAllocator`).
    func line() -> [UInt8] {
        json.bytes.withUnsafeBufferPointer { Array($0) }
    }
    /// The address entries this worker's messages had (see `AddressMemo`).
    let memo = AddressMemo()

    /// Reads what there is of `copy` and hands it to `decide`: its bytes; its header section alone when its
    /// locator is over `maxBytes`; nothing when extract left it on the server; or why it cannot be read (its
    /// bytes are gone or cut short: it is quarantined and the run goes on).
    /// `bytes`: the message as extract read it, in this process (a small Maildir file); used when it is the
    /// locator's length and within `maxBytes`, instead of reading the file again.
    mutating func read(_ copy: MessageCopy, bytes: [UInt8]? = nil, root: URL, unchangedBefore: Double?, maxBytes: Int,
                       _ decide: (NormalizeStep.Content) -> NormalizeOutcome) throws -> NormalizeOutcome {
        // IMAP: extract left the body on the server (over the size limit); there are no bytes to read.
        if let size = copy.tooLarge { return decide(.unfetched(size: size)) }
        if let bytes, bytes.count == copy.locator.length, bytes.count <= maxBytes, !copy.locator.unquote {
            return bytes.withUnsafeBytes { decide(.bytes($0)) }
        }
        let reader: MessageBytesReader
        if let r = readers[copy.mailbox] { reader = r } else {
            reader = MessageBytesReader(root: root, unchangedBefore: unchangedBefore)
            readers[copy.mailbox] = reader
        }
        // An mbox copy's id names its message: bytes at its place that are another message (the file was
        // compacted since extract) are refused, not loaded under this copy's id.
        let identity = copy.source == .mbox ? MboxCopyIdentity.digest(copyId: copy.copyId) : nil
        do {
            if copy.locator.length > maxBytes {
                // Over the limit from its locator alone: only its header section is read.
                return try reader.withHeaderSection(copy.locator, identity: identity) { decide(.headerOnly($0)) }
            }
            return try reader.withBytes(copy.locator, identity: identity) { decide(.bytes($0)) }
        } catch let e as MailroomError where e.category == .skippable {
            return decide(.unreadable(detail: e.description))
        }
    }
}
