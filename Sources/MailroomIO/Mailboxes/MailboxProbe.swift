import Foundation
import MailroomCore
#if canImport(Glibc)
import Glibc
#endif

/// `mailroom mailbox test`: checks a mailbox one step at a time and stops at the first failure, saying what to
/// check. IMAP: DNS, TCP port, (with `oauth:`) the token endpoint and the refresh-token grant, TLS or STARTTLS,
/// certificate, login, folder listing, Sent folder. File sources:
/// path exists, readable, what kind it is. The secret is read to log in and never appears in any result.
public enum MailboxProbe {
    public enum Step: String, Sendable, CaseIterable {
        case dns, tcp, tokenEndpoint = "token-endpoint", grant, tls, certificate, login, folders, sent
        case path, readable, kind

        /// Shown in the ✓/✗ list.
        public var title: String {
            switch self {
            case .dns: return "DNS"
            case .tcp: return "TCP port"
            case .tokenEndpoint: return "token endpoint"
            case .grant: return "OAuth2 grant"
            case .tls: return "TLS"
            case .certificate: return "certificate"
            case .login: return "login"
            case .folders: return "folder listing"
            case .sent: return "Sent folder"
            case .path: return "path exists"
            case .readable: return "readable"
            case .kind: return "kind"
            }
        }

        /// What the person should check when this step fails.
        public func check(_ auth: IMAPAuth) -> String {
            switch self {
            case .dns: return "host"
            case .tcp: return "host and port"
            case .tokenEndpoint: return "token endpoint ('oauth.tokenUrl', 'oauth.caFile') and the network to it"
            case .grant: return "OAuth2 settings ('oauth.refreshToken', 'oauth.clientId', 'oauth.clientSecret')"
            case .tls, .certificate: return "encryption (security, caFile) and port"
            case .login: return auth == .xoauth2 ? "username and OAuth2 access token" : "username and app password"
            case .folders, .sent: return "folders"
            case .path, .readable, .kind: return "path and source"
            }
        }
    }

    public struct StepResult: Sendable, Equatable {
        public var step: Step
        /// nil: skipped (e.g. TLS with `security: none`).
        public var ok: Bool?
        public var detail: String
    }

    public struct Report: Sendable {
        public var mailbox: String
        public var steps: [StepResult]
        /// The first failure, with its exit status and the advice.
        public var failure: MailroomError?
        /// What to check, for the failed step.
        public var check: String?
        public var passed: Bool { failure == nil }
    }

    /// Tests one mailbox of the pipeline.
    public static func run(_ pipeline: LoadedPipeline, mailbox m: MailboxConfig,
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           connectTimeoutMs: Int = 10_000) -> Report {
        if let s = m.imap {
            return imap(m.name, s, pipelineDirectory: pipeline.directory.path, environment: environment,
                        connectTimeoutMs: connectTimeoutMs)
        }
        return files(m, path: pipeline.resolve(m.path ?? "").path)
    }

    static func files(_ m: MailboxConfig, path: String) -> Report {
        var r = Report(mailbox: m.name, steps: [])
        func fail(_ step: Step, _ status: ExitStatus, _ detail: String) -> Report {
            r.steps.append(StepResult(step: step, ok: false, detail: detail))
            r.failure = MailroomError(status, "mailbox \(m.name): \(detail); check the path and source in the pipeline", location: path)
            r.check = step.check(.password)
            return r
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            return fail(.path, .input, "\(path) does not exist")
        }
        r.steps.append(StepResult(step: .path, ok: true, detail: path))
        guard access(path, R_OK | (isDir.boolValue ? X_OK : 0)) == 0 else {
            return fail(.readable, .input, "\(path) is not readable (\(String(cString: strerror(errno))))")
        }
        r.steps.append(StepResult(step: .readable, ok: true, detail: "readable"))
        if !isDir.boolValue && m.source == .maildir {
            return fail(.kind, .input, "\(path) is a file, and a Maildir is a folder (cur/, new/, tmp/): set `source: mbox` for an mbox file")
        }
        let looks = isDir.boolValue ? SourceHint.guess(path) : nil
        if let looks, looks != m.source {
            return fail(.kind, .input, "\(path) looks like \(looks.rawValue), not \(m.source.rawValue): set `source: \(looks.rawValue)`")
        }
        r.steps.append(StepResult(step: .kind, ok: true, detail: isDir.boolValue
            ? "a folder (\(looks?.rawValue ?? "no messages recognised yet"))" : "a file (\(m.source.rawValue))"))
        return r
    }
}
