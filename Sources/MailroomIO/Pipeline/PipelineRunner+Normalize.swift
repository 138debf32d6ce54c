import Foundation
import MailroomCore

extension PipelineRunner {
    static let normalizeBatchSize = 512
    /// Dedupe and match check for SIGINT/SIGTERM at their first input line and every this many lines after it.
    static let safePointLines = 1024

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
            try runDir.read(MessageCopy.self, input) { copy, _ in try each(copy) }
        }
        result.inputs = [inputRecord(input)]
        return result
    }

    /// Normalizes the copies `copies` calls its argument with, in order (`shown` names where they come from).
    /// With `scanForDedupe`, dedupe's first pass is done on the lines as they are written, and left in
    /// `dedupeHandoff`. `extractStarted` (seconds since 1970, nil when unknown): when extract began reading; an
    /// mbox file whose status has not changed since a second before then holds what extract read, so its
    /// copies' ids are not checked against their bytes again (a file compacted since is, see
    /// `MessageBytesReader`).
    func normalize(shown: String, scanForDedupe: Bool = false, extractStarted: Double?,
                   copies: ((MessageCopy) throws -> Void) throws -> Void) throws -> StageResult {
        var result = StageResult()
        let owners = ownerKeys()
        result.settings = ["ownDomains": .array(pipeline.config.ownDomains.map { .string($0) }),
                           "owner": .object(owners.mapValues { .array($0.sorted().map { .string($0) }) })]
        let roots = Dictionary(uniqueKeysWithValues: manifest.mailboxes.map { ($0.name, URL(fileURLWithPath: $0.root)) })
        var settings: [String: NormalizeSettings] = [:]
        for (name, keys) in owners {
            settings[name] = NormalizeSettings(owner: keys, ownDomains: pipeline.config.ownDomains)
        }
        let messages = try runDir.writer("normalize/messages.ndjson", schema: NormalizedMessage.schema)
        let quarantine = try runDir.writer("normalize/quarantine.ndjson", schema: QuarantineRecord.schema)
        var normalized = 0, quarantined = 0
        // Parsing is the costly part: batches are normalized and encoded on all cores, then written in input
        // order.
        var scan = DedupeScan()
        let dropped = scanForDedupe ? try runDir.writer("dedupe/duplicates.ndjson", schema: DroppedCopy.schema) : nil
        let mapper = ParallelBatchMapper<NormalizeWorker, MessageCopy, NormalizeWorker.Output>(makeContext: { NormalizeWorker() })
        let unchangedBefore = extractStarted.map { $0 - 1 }
        func normalizeBatch(_ batch: [MessageCopy]) throws {
            try Interrupt.safePoint(.normalize)
            let outcomes = try mapper.map(batch) { worker, copy in
                guard let s = settings[copy.mailbox], let root = roots[copy.mailbox] else {
                    throw MailroomError(.input, "copy \(copy.copyId) names mailbox '\(copy.mailbox)' that this run does not have", location: shown)
                }
                if let size = copy.tooLarge {
                    // IMAP: extract left the body on the server (over the size limit); there are no bytes to read.
                    worker.json.reset()
                    Normalizer.unfetched(copy: copy, size: size, settings: s).writeJSON(&worker.json)
                    return (worker.json.bytes, nil, false)
                }
                let reader: MessageBytesReader
                if let r = worker.readers[copy.mailbox] { reader = r } else {
                    reader = MessageBytesReader(root: root, unchangedBefore: unchangedBefore)
                    worker.readers[copy.mailbox] = reader
                }
                let outcome: NormalizeOutcome
                // An mbox copy's id names its message: bytes at its place that are another message (the file was
                // compacted since extract) are refused, not loaded under this copy's id.
                let identity = copy.source == .mbox ? MboxCopyIdentity.digest(copyId: copy.copyId) : nil
                do {
                    if copy.locator.length > s.limits.maxMessageBytes {
                        // Over the limit from its locator alone: only its header section is read.
                        outcome = .quarantined(try reader.withHeaderSection(copy.locator, identity: identity) {
                            Normalizer.tooLarge(copy: copy, size: copy.locator.length, header: $0, settings: s)
                        })
                    } else {
                        outcome = try reader.withBytes(copy.locator, identity: identity) {
                            Normalizer.normalize(copy: copy, bytes: $0, settings: s)
                        }
                    }
                } catch let e as MailroomError where e.category == .skippable {
                    // The copy's bytes are gone or cut short: quarantine it, keep going.
                    outcome = .quarantined(QuarantineRecord(copyId: copy.copyId, mailbox: copy.mailbox, folder: copy.folder,
                                                            locator: copy.locator, reason: .unreadable, detail: e.description))
                }
                worker.json.reset()
                switch outcome {
                case .message(let m):
                    m.writeJSON(&worker.json)
                    return (worker.json.bytes, scanForDedupe ? NormalizedDedupeFields(m) : nil, true)
                case .quarantined(let q):
                    q.writeJSON(&worker.json)
                    return (worker.json.bytes, nil, false)
                }
            }
            for outcome in outcomes {
                if outcome.isMessage {
                    try messages.writeLine(outcome.line)
                    normalized += 1
                    if let dropped, let f = outcome.identity, let d = scan.add(f) { try dropped.write(d) }
                } else {
                    try quarantine.writeLine(outcome.line)
                    quarantined += 1
                }
            }
        }
        var batch: [MessageCopy] = []
        batch.reserveCapacity(Self.normalizeBatchSize)
        try copies { copy in
            batch.append(copy)
            if batch.count == Self.normalizeBatchSize {
                try normalizeBatch(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try normalizeBatch(batch)
        result.outputs = [try messages.finish(), try quarantine.finish()]
        if let dropped { dedupeHandoff = DedupeHandoff(scan: scan, dropped: dropped, input: result.outputs[0]) }
        result.counts = ["normalized": normalized, "quarantined": quarantined]
        return result
    }
}

/// What one normalize worker keeps between messages: its open files and its JSON buffer.
struct NormalizeWorker {
    /// One copy's line, its identity fields (when dedupe's first pass is wanted), and whether it is a message
    /// (else a quarantine record).
    typealias Output = (line: [UInt8], identity: NormalizedDedupeFields?, isMessage: Bool)

    var readers: [String: MessageBytesReader] = [:]
    var json = JSONWriter(reserving: 8192)
}
