import Foundation
import MailroomCore

/// `mailroom mailbox depend` and `mailroom mailbox disconnect`: what relies on a mailbox, and stopping it.
public enum MailboxWorkflow {
    /// What `depend` did: the dependents now recorded, and one line for stderr when something was added or removed.
    public struct DependOutcome {
        public var dependents: MailboxDependents
        public var note: String?
    }

    /// A change to what relies on a mailbox: `add` or `remove` one dependent, or nil to list them.
    public enum DependChange: Sendable {
        case add(MailboxDependent.Kind, String)
        case remove(MailboxDependent.Kind, String)
    }

    /// Adds or removes one dependent (or neither), then lists them. Removing one that is not recorded is a usage
    /// error.
    public static func depend(pipeline path: String, mailbox: String, change: DependChange?) throws -> DependOutcome {
        let pipeline = try LoadedPipeline.load(path: path)
        _ = try pipeline.config.requireMailbox(named: mailbox)
        let store = try StoreAccess.open(pipeline)
        var note: String?
        switch change {
        case .add(let kind, let name):
            let added = try store.addDependent(mailbox: mailbox, kind: kind, name: name)
            note = added ? "Added \(kind.rawValue) \"\(name)\" to \(mailbox)."
                : "\(kind.rawValue) \"\(name)\" was already recorded on \(mailbox)."
        case .remove(let kind, let name):
            guard try store.removeDependent(mailbox: mailbox, kind: kind, name: name) else {
                throw MailroomError(.usage, "\(kind.rawValue) \"\(name)\" is not recorded on \(mailbox)", location: mailbox)
            }
            note = "Removed \(kind.rawValue) \"\(name)\" from \(mailbox)."
        case nil:
            break
        }
        return DependOutcome(dependents: MailboxDependents(mailbox: mailbox, dependents: try store.dependents(of: mailbox)),
                             note: note)
    }

    /// Disconnects a mailbox under the store's lock (both mailboxes checked against the pipeline first); refused
    /// (`.usage`) while anything relies on it, unless `replaceWith` or `force`.
    public static func disconnect(pipeline path: String, mailbox: String, replaceWith: String?, force: Bool,
                                  reason: String?) throws -> DisconnectOutcome {
        let pipeline = try LoadedPipeline.load(path: path)
        _ = try pipeline.config.requireMailbox(named: mailbox)
        if let other = replaceWith { _ = try pipeline.config.requireMailbox(named: other) }
        let lock = try CRMStore.sqlitePath(for: pipeline).map {
            try FileLock.acquire(path: CRMStore.lockPath(for: $0), what: "store \($0)")
        }
        defer { lock?.release() }
        let store = try StoreAccess.open(pipeline)
        // PostgreSQL: the load lock of the mailbox (and of the one taking its dependents), taken without waiting, so
        // a disconnect is refused (exit 6, naming the worker) while a worker loads either, as the lock file refuses
        // it on SQLite; the change itself is one transaction.
        let pg = store as? PGStore
        let held = try pg.map {
            try PGLoadLock.acquire($0.connection, runId: "disconnect-\(mailbox)", mailboxes: [mailbox] + (replaceWith.map { [$0] } ?? []),
                                   shard: nil)
        }
        defer { if let pg, let held { PGLoadLock.release(pg.connection, held) } }
        return try store.disconnect(mailbox, replaceWith: replaceWith, force: force, reason: reason)
    }
}
