import Foundation
import MailroomCore

/// Records runs that failed before (or while) loading, so the run log has every sync, backfill and load — also
/// the ones that never reached the store. Writes only to a store that already exists: a failed first run creates
/// none. Dry runs are not recorded (they never write the store).
public enum RunLogRecorder {
    /// Records `error` as a failed run of `kind`. Best effort: a store that cannot be written (disk full, another
    /// process holds the store's lock) is left alone and the original error stays the one reported.
    /// A run the loader already marked failed keeps its row; only the error code and message are added.
    public static func recordFailure(_ pipeline: LoadedPipeline, runId: String?, kind: RunLogEntry.Kind,
                                     mailboxes: [String], window: DateWindow?, error: Error, now: Date = Date()) {
        guard let e = error as? MailroomError, e.status != .locked, e.status != .usage,
              let path = try? CRMStore.path(for: pipeline), FileManager.default.fileExists(atPath: path),
              let lock = try? FileLock.acquire(path: CRMStore.lockPath(for: path), what: "store \(path)")
        else { return }
        defer { lock.release() }
        guard let store = try? CRMStore.open(path: path) else { return }
        let stamp = FileLock.isoUTC(now)
        let id = runId ?? "\(kind.rawValue)-failed-\(Int(now.timeIntervalSince1970 * 1000))"
        let message = e.status == .disconnected ? "refused: \(e.message)" : RunLogText.failure(e)
        if var existing = try? store.run(id: id) {
            existing.status = .failed
            existing.errorCode = e.status.name
            existing.message = message
            existing.finishedAt = existing.finishedAt ?? stamp
            try? store.recordRun(existing)
            return
        }
        try? store.recordRun(RunLogEntry(
            id: id, kind: kind, windowStart: window.map { MailDate.iso($0.start) },
            windowEnd: window.map { MailDate.iso($0.end) }, mailboxes: mailboxes, startedAt: stamp,
            finishedAt: stamp, status: .failed, message: message,
            throttled: e.message.contains("THROTTLED") ? 1 : 0, errorCode: e.status.name))
    }
}
