import MailroomCore

// Interim until the store and IMAP branches merge.
extension PipelineRunner {
    func extractIMAP(_ config: MailboxConfig, writer: NDJSONWriter) throws -> ExtractSummary {
        throw MailroomError(.usage, "IMAP extraction is not in this build", location: config.name)
    }

    func runLoad() throws -> StageResult {
        throw MailroomError(.usage, "load is not in this build")
    }
}
