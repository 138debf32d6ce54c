import Foundation
import MailroomCore

extension IMAPSecret {
    /// The endpoint for `s` with its secret read; with `cmd:`, it also knows how to run the command again when
    /// the server rejects what it printed (an expired token, a rotated password): `IMAPConnection.open`.
    public static func endpoint(_ s: IMAPSettings, mailbox: String, pipelineDirectory: String,
                                environment: [String: String] = ProcessInfo.processInfo.environment,
                                tokenSource: OAuthTokenSource? = nil) throws -> IMAPEndpoint {
        if let oauth = s.oauth {
            // Access tokens from the refresh-token grant: the first one now (so a refused grant stops here).
            let source = try tokenSource ?? OAuthTokenSource.shared(oauth, mailbox: mailbox, baseDirectory: pipelineDirectory,
                                                                     environment: environment)
            var endpoint = IMAPEndpoint(s, secret: try source.currentToken(), baseDirectory: pipelineDirectory)
            endpoint.tokenSource = source
            return endpoint
        }
        let secret = try load(s.secret, baseDirectory: pipelineDirectory, mailbox: mailbox, environment: environment)
        var endpoint = IMAPEndpoint(s, secret: secret, baseDirectory: pipelineDirectory)
        if case .command = s.secret {
            let reference = s.secret
            endpoint.rereadSecret = {
                try load(reference, baseDirectory: pipelineDirectory, mailbox: mailbox, environment: environment)
            }
        }
        return endpoint
    }

    /// Runs a `cmd:` secret. Errors name the mailbox and the program only: never its arguments (they may carry
    /// a secret), never its output, never its standard error (which is not even read).
    static func command(_ argv: [String], baseDirectory: String, owner: String, environment: [String: String],
                        timeout: Double) throws -> String {
        let program = TerminalText.escaped(argv.first ?? "")
        let at = "cmd:\(program)"
        let whose = "for \(owner) (program \(program))"
        do {
            return try SecretCommand.run(argv, baseDirectory: baseDirectory, environment: environment, timeoutSeconds: timeout)
        } catch {
            let message: String
            switch error {
            case .exit(let code):
                message = "the secret command failed (exit \(code)) \(whose); run it yourself to see why: its error output is never shown"
            case .signal(let sig):
                message = "the secret command was killed by signal \(sig) \(whose)"
            case .timedOut(let t):
                let seconds = t == t.rounded() ? String(Int(t)) : String(t)
                message = "the secret command timed out after \(seconds) s \(whose); it was stopped, with every process it started"
            case .cannotStart(let why):
                message = "the secret command could not be started: \(why) \(whose); check the program in 'secret: cmd:'"
            case .tooMuchOutput:
                message = "the secret command printed more than \(SecretCommand.maxOutputBytes >> 10) KiB \(whose); it must print only the password or token"
            case .emptyOutput:
                message = "the secret command printed nothing \(whose); it must print the password or token"
            case .severalLines:
                message = "the secret command printed more than one line \(whose); it must print only the password or token, on one line"
            case .notText:
                message = "the secret command printed a NUL byte or bytes that are not UTF-8 text \(whose); it must print the password or token as text"
            }
            throw MailroomError(.auth, message, location: at)
        }
    }
}
