import Foundation
import MailroomCore

extension PipelineRunner {
    /// The load stage: the run's contacts, messages, threads and links into the pipeline's store, in batches
    /// that each commit with the run's checkpoint. Rerunning it (`mailroom stage load --run DIR`) continues an
    /// interrupted load of this run, or reloads a finished one; both leave the same rows.
    func runLoad() throws -> StageResult {
        var result = StageResult()
        let contacts = try stageOutput(.dedupe, "dedupe/contacts.ndjson")
        let messages = try stageOutput(.dedupe, "dedupe/messages.ndjson")
        let threads = try stageOutput(.match, "match/threads.ndjson")
        let links = try stageOutput(.match, "match/links.ndjson")
        result.inputs = [contacts, messages, threads, links].map(inputRecord)
        // Rows commit as they are read: every input is checked whole first, so a changed file never reaches the
        // store (a file this run has just written is not hashed again).
        for f in [contacts, messages, threads, links] { try runDir.verify(f) }
        let dir = runDir
        func source<R: JSONRecord>(_: R.Type, _ file: FileSummary) -> RecordSource<R> {
            RecordSource { body in try dir.read(R.self, file) { record, _ in try body(record) } }
        }
        let run = LoadRunInfo(runId: manifest.runId, windowStart: manifest.windowStart,
                              windowEnd: manifest.windowEnd, mailboxes: manifest.mailboxes.map(\.name),
                              cursors: try imapCursorsForLoad(),
                              inputFingerprint: [contacts, messages, threads, links].map(\.sha256).joined(separator: ","),
                              shard: manifest.mailboxes.count == 1 ? manifest.mailboxes[0].shard : nil)
        // The contacts the load imports are the contacts file's rows (`line` > 0), as the file gave them: the
        // others in `dedupe/contacts.ndjson` are the store's own, read for match (see `ContactOverlay`).
        let imported = RecordSource<Contact> { body in
            try dir.read(Contact.self, contacts) { c, _ in if c.line > 0 { try body(ContactOverlay.asImported(c)) } }
        }
        let input = LoadInput(contacts: imported, threads: source(ThreadRecord.self, threads),
                              messages: source(DedupedMessage.self, messages),
                              links: source(ParticipantLink.self, links))
        let summary: LoadSummary
        let store: String
        if CRMStore.isPostgres(pipeline) {
            // The session that took the run's locks before its first stage, when there is one (`RunWorkflow`).
            let connection = try heldStoreSession ?? PGConnection.open(for: pipeline)
            defer { if heldStoreSession == nil { connection.close() } }
            summary = try PGStoreLoader(connection: connection,
                                        options: LoadOptions(createContacts: pipeline.config.createContacts),
                                        logger: logger).load(run, input)
            store = connection.target.location
        } else {
            let loader = try StoreLoader.forPipeline(pipeline, logger: logger)
            summary = try loader.load(run, input)
            store = "sqlite:" + loader.store.path
        }
        result.settings = ["store": .string(store), "createContacts": .string(pipeline.config.createContacts.rawValue)]
        result.counts = summary.counts
        logger.info("load finished", metadata: ["run.id": "\(manifest.runId)", "stage.name": "load",
                                                "resumed.from": "\(summary.resumedFrom ?? "-")"])
        return result
    }
}
