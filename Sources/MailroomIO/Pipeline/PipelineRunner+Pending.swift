import MailroomCore

// Interim until the IMAP branch merges (load: Store/PipelineRunner+Load.swift).
extension PipelineRunner {
    func extractIMAP(_ config: MailboxConfig, writer: NDJSONWriter) throws -> ExtractSummary {
        throw MailroomError(.usage, "IMAP extraction is not in this build", location: config.name)
    }
}
