/// Options of a load, from the pipeline.
public struct LoadOptions: Sendable, Equatable {
    /// Whether loading may create contacts (`sent`: only for external To/Cc/Bcc addresses of sent mail).
    public var createContacts: CreateContacts
    /// Records per transaction.
    public var batchSize: Int

    public init(createContacts: CreateContacts = .never, batchSize: Int = 500) {
        self.createContacts = createContacts
        self.batchSize = max(1, batchSize)
    }
}
