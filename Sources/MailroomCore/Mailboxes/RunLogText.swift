/// The run log's one-line messages. The summary that also reads the run directory's files is
/// `summary(_ runner:)` (MailroomIO, `RunLogText+RunDirectory.swift`).
public enum RunLogText {
    /// "2,314 messages in 14 days; 1,950 matched 412 contacts; 3 quarantined: unreadable charset" from a run's
    /// stage counts (the parts whose stage ran).
    public static func summary(_ m: Manifest) -> String {
        let extracted = m.stages[.extract]?.counts["extracted"] ?? 0
        var parts = ["\(NumberText.grouped(extracted)) messages in \(m.days) day\(m.days == 1 ? "" : "s")"]
        if let match = m.stages[.match]?.counts {
            let threads = match["threads"] ?? 0
            parts.append("\(NumberText.grouped(match["matched"] ?? 0)) of \(NumberText.grouped(threads)) threads matched contacts")
        }
        if let load = m.stages[.load]?.counts {
            parts.append("loaded \(NumberText.grouped(load["messages"] ?? 0)) messages, \(NumberText.grouped(load["links"] ?? 0)) participant links")
        }
        let q = m.stages[.normalize]?.counts["quarantined"] ?? 0
        if q > 0 { parts.append("\(NumberText.grouped(q)) quarantined (see normalize/quarantine.ndjson)") }
        return parts.joined(separator: "; ")
    }

    /// The counts of a run's stages, flattened for the run log (`extract.extracted`, `match.matched`, ...).
    public static func stageCounts(_ m: Manifest) -> [String: Int] {
        var out: [String: Int] = [:]
        for (stage, r) in m.stages where stage != .load {
            for (k, v) in r.counts { out["\(stage.rawValue).\(k)"] = v }
        }
        return out
    }

    /// A failed run: the failing step and what `mailbox test` would say to check.
    public static func failure(_ e: MailroomError) -> String {
        let step: String
        switch e.status {
        case .host: step = "DNS (host)"
        case .port: step = "TCP port"
        case .tls: step = "TLS/certificate (encryption)"
        case .auth: step = "login (username, app password)"
        case .folder: step = "folder listing"
        case .network: step = "network (retries exhausted)"
        case .oauthGrant: step = "OAuth2 grant (refresh token)"
        case .oauthClient: step = "OAuth2 grant (client id or secret)"
        case .oauthScope: step = "OAuth2 grant (scope or consent)"
        case .tokenEndpoint: step = "OAuth2 token endpoint"
        case .sourceChanged: step = "UIDVALIDITY check"
        case .locked: step = "store lock"
        default: step = e.status.name
        }
        return "failed at \(step): \(e.description); run `mailroom mailbox test` for each step"
    }
}
