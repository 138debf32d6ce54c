import Testing
import MailroomCore

/// A `BODY[] NIL` answer (Dovecot's for a message expunged while it is fetched) carries no body; an empty
/// literal is an empty body.
struct IMAPFetchBodyTests {
    @Test func aNilBodyIsNoBodyAndAnEmptyLiteralIsAnEmptyOne() throws {
        func parse(_ line: String) throws -> IMAPFetchResult? {
            guard case .data(let v) = try IMAPResponse.parse(Array(line.utf8)) else { return nil }
            return try IMAPFetchResult(v)
        }
        let gone = try #require(try parse("* 4 FETCH (UID 4 RFC822.SIZE 0 INTERNALDATE \"01-Jan-1970 00:00:00 +0000\" FLAGS (\\Recent) BODY[] NIL)"))
        #expect(gone.uid == 4)
        #expect(gone.body == nil)
        let empty = try #require(try parse("* 5 FETCH (UID 5 BODY[] \"\")"))
        #expect(empty.body == [])
    }
}
