import GRDB

/// Turns SQLite failures into run errors a person can act on, naming the store file. SQL and its arguments (which
/// may hold addresses) are left out.
enum StoreErrors {
    static func map(_ error: Error, path: String, doing: String) -> Error {
        if error is MailroomError { return error }
        guard let e = error as? DatabaseError else { return error }
        let what = "cannot \(doing)"
        switch e.resultCode {
        case .SQLITE_NOTADB:
            return MailroomError(.store, "\(what): not an SQLite database", location: path, cause: e)
        case .SQLITE_CORRUPT:
            return MailroomError(.store, "\(what): the store file is damaged (PRAGMA integrity_check will say "
                                 + "where); restore it from a backup", location: path, cause: e)
        case .SQLITE_FULL:
            return MailroomError(.localIO, "\(what): the disk is full; free space and run again (committed "
                                 + "batches are kept)", location: path, cause: e)
        case .SQLITE_READONLY where e.extendedResultCode == .SQLITE_READONLY_ROLLBACK:
            return MailroomError(.localIO, "\(what): a load was stopped part way and left a transaction to roll "
                                 + "back, which needs write access to the store's folder; rerun that load where "
                                 + "the store can be written", location: path, cause: e)
        case .SQLITE_READONLY:
            return MailroomError(.localIO, "\(what): the location is read-only; put the store where it can be "
                                 + "written", location: path, cause: e)
        case .SQLITE_CANTOPEN:
            return MailroomError(.localIO, "\(what): cannot open or create the file (read-only or missing "
                                 + "location?)", location: path, cause: e)
        case .SQLITE_PERM, .SQLITE_AUTH:
            return MailroomError(.localIO, "\(what): permission denied", location: path, cause: e)
        case .SQLITE_IOERR:
            return MailroomError(.localIO, "\(what): I/O error (\(ioDetail(e))); check the disk and free space",
                                 location: path, cause: e)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return MailroomError(.locked, "\(what): the store is in use by another process", location: path, cause: e)
        case .SQLITE_CONSTRAINT:
            return MailroomError(.internalError, "\(what): a store constraint failed (\(e.message ?? "?"))",
                                 location: path, cause: e)
        default:
            return MailroomError(.store, "\(what): SQLite error \(e.resultCode.rawValue) (\(e.message ?? "?"))",
                                 location: path, cause: e)
        }
    }

    private static func ioDetail(_ e: DatabaseError) -> String {
        switch e.extendedResultCode {
        case .SQLITE_IOERR_WRITE: return "write failed"
        case .SQLITE_IOERR_FSYNC: return "fsync failed"
        case .SQLITE_IOERR_READ, .SQLITE_IOERR_SHORT_READ: return "read failed"
        case .SQLITE_IOERR_TRUNCATE: return "truncate failed"
        default: return "code \(e.extendedResultCode.rawValue)"
        }
    }
}
