import MailroomCore

extension IMAPConnection {
    /// Connects and logs in; when the server rejects the login (`.auth`) and the secret comes from a command
    /// (`secret: cmd:`), runs the command once more and logs in again with what it prints now: an access token
    /// that expired, or a password that was rotated. A second rejection is the usual authentication error; a
    /// failing command is its own error (naming the command, never its output).
    ///
    /// With `oauth:` (`tokenSource`), logs in with the source's current access token (renewed first when it is
    /// about to expire) and, after a rejection, once more with a newly granted one.
    static func open(_ endpoint: IMAPEndpoint) throws -> IMAPConnection {
        if let source = endpoint.tokenSource {
            var current = endpoint
            current.secret = try source.currentToken()
            do {
                return try IMAPConnection(current)
            } catch let e as MailroomError where e.status == .auth {
                current.secret = try source.renewedToken()
                return try IMAPConnection(current)
            }
        }
        do {
            return try IMAPConnection(endpoint)
        } catch let e as MailroomError where e.status == .auth {
            guard let reread = endpoint.rereadSecret else { throw e }
            var fresh = endpoint
            fresh.secret = try reread()
            return try IMAPConnection(fresh)
        }
    }
}
