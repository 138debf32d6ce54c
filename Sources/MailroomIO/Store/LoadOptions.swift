/// Options of a load, from the pipeline.
public struct LoadOptions: Sendable, Equatable {
    /// Whether loading may create contacts (`sent`: only for external To/Cc/Bcc addresses of sent mail).
    public var createContacts: CreateContacts
    /// Records per transaction.
    public var batchSize: Int
    /// Records per transaction unless a caller says otherwise. Each commit writes every page its rows touched
    /// to the WAL, so larger batches write far less (5,000 rather than 500: a 10k-message load makes ~3x fewer
    /// WAL writes). Records are written as they are read, so the size costs no memory, only what a crash redoes.
    public static let defaultBatchSize = 5000

    /// Records per transaction of a SQLite load (`StoreLoader.forPipeline`): 20,000. The SQLite loader writes each
    /// record as it is read (a batch costs no memory, only what a crash redoes), and fewer commits write fewer
    /// pages: a standalone 100k load took x0.86 of the wall and CPU time of batches of 5,000 (6 pairs, every pair
    /// under 0.93; peak +1.5 MiB, below match's). The PostgreSQL loader holds each batch and its COPY data in
    /// memory: it keeps `defaultBatchSize`.
    public static let sqliteBatchSize = 20_000

    public init(createContacts: CreateContacts = .never, batchSize: Int = LoadOptions.defaultBatchSize) {
        self.createContacts = createContacts
        self.batchSize = max(1, batchSize)
    }
}
