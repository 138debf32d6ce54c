import Logging
import MailroomIO

/// Log lines on stderr pass server text, folder names and mail text through the terminal sanitizer
/// (`TerminalText`): message and metadata values are escaped, then written by swift-log's stream handler.
struct SanitizedLogHandler: LogHandler {
    var inner: StreamLogHandler

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var e = event
        e.message = Logger.Message(stringLiteral: TerminalText.escaped(event.message.description))
        e.metadata = event.metadata.map(Self.sanitized)
        inner.log(event: e)
    }

    static func sanitized(_ m: Logger.Metadata) -> Logger.Metadata {
        m.mapValues { .string(TerminalText.escaped("\($0)")) }
    }
}
