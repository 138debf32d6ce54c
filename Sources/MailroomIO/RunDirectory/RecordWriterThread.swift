import Foundation
import MailroomCore

/// Writes the records of one NDJSON file on a thread of its own: `write` only gathers records into batches, and
/// the thread encodes, hashes and writes them, in order, through `writer`. For a stage whose caller already
/// takes one core (match's second pass and its threads), so that encoding runs on the other.
///
/// The file is the same as `writer` alone would write. An error of the thread (a full disk) comes back from the
/// next `write` or from `finish`. Dropped without `finish` (the stage failed), the thread is stopped and waited
/// for, and the temporary file is removed (`NDJSONWriter.abandon`).
final class RecordWriterThread<R: JSONRecord> {
    private let writer: NDJSONWriter
    private let channel: BatchChannel<R>
    private let thread: JoinableThread<Void>
    private var batch: [R] = []
    static var batchSize: Int { 256 }

    init(_ writer: NDJSONWriter, ahead: Int = 4) {
        self.writer = writer
        let channel = BatchChannel<R>(capacity: ahead)
        self.channel = channel
        thread = JoinableThread { [writer] in
            do {
                while let records = try channel.receive() {
                    for r in records { try writer.write(r) }
                }
            } catch {
                channel.cancel()  // the next `send` throws: the caller then takes this error from `wait`
                throw error
            }
        }
        batch.reserveCapacity(Self.batchSize)
    }

    deinit {
        // After `finish` these do nothing. Otherwise (the stage failed, or the thread did) the thread writes what
        // was sent and stops, and the temporary file is removed here, not whenever the thread lets go of the
        // writer.
        channel.finish()
        thread.waitIgnoringResult()
        writer.abandon()
    }

    func write(_ record: R) throws {
        batch.append(record)
        if batch.count >= Self.batchSize { try send() }
    }

    private func send() throws {
        do {
            try channel.send(batch)
        } catch is BatchChannel<R>.Cancelled {
            try thread.wait()  // rethrows the thread's error
            throw MailroomError(.internalError, "the writer of \(writer.url.path) stopped")
        }
        batch = []
        batch.reserveCapacity(Self.batchSize)
    }

    /// Writes what is left, waits for the thread, and puts the file in place (`NDJSONWriter.finish`).
    func finish() throws -> FileSummary {
        if !batch.isEmpty { try send() }
        channel.finish()
        try thread.wait()
        return try writer.finish()
    }
}
