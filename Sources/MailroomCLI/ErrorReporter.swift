import ArgumentParser
import Foundation
import MailroomIO

/// Turns any error into lines on stderr and the documented exit code.
enum ErrorReporter {
    /// Writes a line to stderr through the terminal sanitizer (server text, folder names and mail text in an
    /// error cannot move the cursor or clear the screen).
    static func printErr(_ line: String) {
        FileHandle.standardError.write(Data((TerminalText.lines(line) + "\n").utf8))
    }

    /// Prints the error and returns the process exit code.
    static func report(_ error: Error) -> Int32 {
        switch error {
        case let e as InterruptedError:
            printErr("mailroom: \(e.description); rerun to resume (an interrupted load: mailroom stage load --run DIR)")
            return e.status.rawValue
        case let e as MailroomError:
            printErr("mailroom: error: \(e.description)")
            return e.status.rawValue
        case let e as ConfigError:
            printErr("mailroom: the pipeline file has \(e.issues.count) problem\(e.issues.count == 1 ? "" : "s"):")
            for line in e.description.split(separator: "\n") { printErr(String(line)) }
            return ExitStatus.usage.rawValue
        case let e as FileIssuesError:
            printErr("mailroom: \(e.file) has \(e.issues.count) problem\(e.issues.count == 1 ? "" : "s"):")
            for line in e.description.split(separator: "\n") { printErr(String(line)) }
            return e.status.rawValue
        case let e as ExitCode:
            return e.rawValue
        default:
            let code = Mailroom.exitCode(for: error)
            let message = Mailroom.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                return 0
            }
            if code == .validationFailure {
                printErr(message)
                return ExitStatus.usage.rawValue
            }
            printErr("mailroom: internal error: \(error)")
            return ExitStatus.internalError.rawValue
        }
    }
}
