import Foundation
import MailroomCore

/// One folder of a mailbox's `cursors.json` as extract wrote it (`PipelineRunner.writeIMAPCursors`).
struct IMAPCursorFileEntry: Sendable, Equatable {
    var folder: String
    var uidValidity: Int
    var highestUID: Int
    /// UIDs the server did not deliver after the retries.
    var missingUIDs: [UInt64]
    /// Why the cursor was held back.
    var note: String?
}

extension PipelineRunner {
    /// Each IMAP mailbox's `cursors.json`, read once for load (the cursors) and for the report and the run log
    /// (the notes). After a complete extract stage every IMAP mailbox has one: a missing, unreadable or damaged
    /// file (a UID that is not a whole number from 0 to 2^63 - 1) is `.input` naming it, never a silent skip or
    /// a trap. Before that, mailboxes without a file are left out.
    func imapCursorFiles() throws -> [(mailbox: String, entries: [IMAPCursorFileEntry])] {
        var out: [(mailbox: String, entries: [IMAPCursorFileEntry])] = []
        let extracted = manifest.stages[.extract]?.status == .complete
        for m in manifest.mailboxes where m.source == .imap {
            let relative = Self.imapCursorsFile(m.name)
            let shown = runDir.display(relative)
            guard let data = FileManager.default.contents(atPath: runDir.fileURL(relative).path) else {
                if !extracted { continue }
                throw MailroomError(.input, "missing or unreadable: rerun `mailroom stage extract` to write it", location: shown)
            }
            do {
                out.append((m.name, try Self.imapCursorEntries([UInt8](data))))
            } catch let e as JSONError {
                throw MailroomError(.input, "damaged cursor file: \(e); rerun `mailroom stage extract` to write it again",
                                    location: shown)
            }
        }
        return out
    }

    static func imapCursorEntries(_ bytes: [UInt8]) throws -> [IMAPCursorFileEntry] {
        func uid(_ v: JSONValue?, _ what: String) throws -> Int {
            guard let v else { throw JSONError("missing \(what)") }
            guard let n = v.intValue, n >= 0 else { throw JSONError("\(what) is not a UID (a whole number from 0)") }
            return n
        }
        let o = try JSONObject(try JSONParser.parse(bytes), what: "cursor file")
        return try o.array("cursors", { $0 }).map { c in
            let co = try JSONObject(c, what: "cursor")
            return IMAPCursorFileEntry(
                folder: try co.string("folder"),
                uidValidity: try uid(co.fields["uidValidity"], "field \"uidValidity\""),
                highestUID: try uid(co.fields["highestUID"], "field \"highestUID\""),
                missingUIDs: try co.array("missingUIDs") { UInt64(try uid($0, "an entry of \"missingUIDs\"")) },
                note: try co.optionalString("note"))
        }
    }
}
