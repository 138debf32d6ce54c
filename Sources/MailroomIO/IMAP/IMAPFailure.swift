import MailroomCore

/// What lies under an IMAP run error (`MailroomError.cause`): libcurl's failure code and text, or the server's
/// tagged `NO`/`BAD` answer to a command. Never holds a secret: commands are named by their verb only.
public enum IMAPFailure: Error, Sendable, Equatable {
    /// A libcurl call failed (connect, TLS, send, receive) with this `CURLcode` and detail.
    case curl(code: Int32, detail: String)
    /// The server refused a command: its verb (`UID FETCH`, `EXAMINE`), `NO` or `BAD`, the response code and text.
    case refused(verb: String, status: IMAPStatus, code: IMAPResponseCode?, text: String)
}
