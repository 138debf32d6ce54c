import Foundation
import MailroomCore

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
        var result = StageResult()
        let input = try stageOutput(.extract, "extract/messages.ndjson")
        result.inputs = [inputRecord(input)]
        let owners = ownerKeys()
        result.settings = ["ownDomains": .array(pipeline.config.ownDomains.map { .string($0) }),
                           "owner": .object(owners.mapValues { .array($0.sorted().map { .string($0) }) })]
        var readers: [String: MessageBytesReader] = [:]
        for m in manifest.mailboxes { readers[m.name] = MessageBytesReader(root: URL(fileURLWithPath: m.root)) }
        var settings: [String: NormalizeSettings] = [:]
        for (name, keys) in owners {
            settings[name] = NormalizeSettings(owner: keys, ownDomains: pipeline.config.ownDomains)
        }
        let messages = try runDir.writer("normalize/messages.ndjson", schema: NormalizedMessage.schema)
        let quarantine = try runDir.writer("normalize/quarantine.ndjson", schema: QuarantineRecord.schema)
        var normalized = 0, quarantined = 0
        try runDir.read(MessageCopy.self, input) { copy, _ in
            guard let reader = readers[copy.mailbox], let s = settings[copy.mailbox] else {
                throw MailroomError(.input, "copy \(copy.copyId) names mailbox '\(copy.mailbox)' that this run does not have", location: runDir.display(input.file))
            }
            let outcome: NormalizeOutcome
            do {
                outcome = try reader.withBytes(copy.locator) { Normalizer.normalize(copy: copy, bytes: $0, settings: s) }
            } catch let e as MailroomError where e.status == .input {
                // The copy's bytes are gone or cut short: quarantine it, keep going.
                outcome = .quarantined(QuarantineRecord(copyId: copy.copyId, mailbox: copy.mailbox, folder: copy.folder,
                                                        locator: copy.locator, reason: "unreadable", detail: e.description))
            }
            switch outcome {
            case .message(let m):
                try messages.write(m)
                normalized += 1
            case .quarantined(let q):
                try quarantine.write(q)
                quarantined += 1
            }
        }
        result.outputs = [try messages.finish(), try quarantine.finish()]
        result.counts = ["normalized": normalized, "quarantined": quarantined]
        return result
    }
}
