import Crypto
import Foundation
import MailroomCore

/// A pipeline file read from disk and validated, with its paths resolved against the file's folder.
public struct LoadedPipeline: Sendable {
    public let config: PipelineConfig
    /// Absolute URL of the pipeline file.
    public let url: URL
    public let sha256: String
    /// The path as the person typed it on the command line (nil when built otherwise), for the commands a report
    /// suggests: `mailroom run sample.yml` suggests `mailroom relink sample.yml`, not an absolute path.
    public var typedPath: String?
    /// `typedPath`, or the absolute path.
    public var displayPath: String { typedPath ?? url.path }

    public var directory: URL { url.deletingLastPathComponent() }

    /// A path from the pipeline file, resolved against the file's folder (absolute paths stay as they are).
    public func resolve(_ path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        return directory.appendingPathComponent(path).standardizedFileURL
    }

    public init(config: PipelineConfig, url: URL, sha256: String) {
        self.config = config
        self.url = url
        self.sha256 = sha256
    }

    /// Reads and validates a pipeline file. Throws `MailroomError(.usage)` when the file cannot be read and
    /// `ConfigError` (every problem, with line numbers) when it is invalid.
    public static func load(path: String) throws -> LoadedPipeline {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw MailroomError(.usage, "pipeline file not found", location: path)
        }
        guard !isDir.boolValue, let data = FileManager.default.contents(atPath: url.path) else {
            throw MailroomError(.usage, "cannot read the pipeline file (is it a directory, or unreadable?)", location: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MailroomError(.usage, "the pipeline file is not UTF-8 text", location: path)
        }
        let config = try PipelineConfig.parse(yaml: text, file: path)
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        var loaded = LoadedPipeline(config: config, url: url, sha256: digest)
        loaded.typedPath = path
        return loaded
    }

    /// The store location, resolved.
    public var storeURL: URL? {
        if case .sqlite(let p) = config.store { return resolve(p) }
        return nil
    }

    /// The contacts file, resolved.
    public var contactsURL: URL? { config.contacts.map(resolve) }
}
