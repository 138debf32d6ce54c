/// How providers say "slow down" over IMAP, beyond the RFC 5530 response codes.
///
/// - Exchange Online (Microsoft 365) answers without a code: `NO Request is throttled. Suggested Backoff Time:
///   2359 milliseconds` (or `BAD`), `NO Server Unavailable. 15`, and, when a mailbox has too many connections,
///   `NO User is authenticated but not connected.` All pass: they are retried, after at least the suggested time.
/// - Gmail answers `NO [ALERT] Account exceeded command or bandwidth limits. (Failure)` once an account passed its
///   daily limits (2,500 MB of IMAP downloads a day): that lasts up to a day, so it is not retried in the run.
public enum IMAPThrottling {
    /// Response codes of a refusal worth retrying later (the server is busy or briefly broken).
    public static let transientCodes: Set<String> = ["THROTTLED", "UNAVAILABLE", "LIMIT", "INUSE", "SERVERBUG"]

    /// Texts of Exchange Online's throttling and availability answers, lower-cased.
    static let transientTexts = ["request is throttled", "server unavailable", "user is authenticated but not connected"]

    /// A refusal (`NO`/`BAD` with this response code name and text) that may pass if asked again later.
    public static func isTransient(code: String?, text: String) -> Bool {
        if let code, transientCodes.contains(code.uppercased()) { return true }
        let t = text.lowercased()
        return transientTexts.contains { t.contains($0) }
    }

    /// Gmail's answer once the account passed its daily limits.
    public static func isDailyLimit(text: String) -> Bool {
        text.lowercased().contains("exceeded command or bandwidth limits")
    }

    /// Exchange Online's `Suggested Backoff Time: N milliseconds`, in seconds (nil when the text has none).
    public static func suggestedBackoff(_ text: String) -> Double? {
        let lower = Array(text.lowercased().utf8)
        let key = Array("suggested backoff time:".utf8)
        guard lower.count > key.count,
              let at = (0...(lower.count - key.count)).first(where: { lower[$0..<($0 + key.count)].elementsEqual(key) })
        else { return nil }
        var i = at + key.count
        while i < lower.count, lower[i] == UInt8(ascii: " ") { i += 1 }
        var ms = 0
        var digits = 0
        while i < lower.count, lower[i] >= UInt8(ascii: "0"), lower[i] <= UInt8(ascii: "9"), digits < 9 {
            ms = ms * 10 + Int(lower[i] - UInt8(ascii: "0"))
            digits += 1
            i += 1
        }
        return digits == 0 ? nil : Double(ms) / 1000
    }

    /// Whether a run error's text tells of provider throttling (for the run log's `throttled` count).
    public static func mentionsThrottling(_ message: String) -> Bool {
        let m = message.lowercased()
        return m.contains("throttled") || m.contains("bandwidth limits")
    }
}
