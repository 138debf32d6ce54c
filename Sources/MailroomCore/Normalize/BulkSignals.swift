/// Why a message counts as bulk or automated mail, from its top-level header.
enum BulkSignals {
    static let noreplyLocals = ["noreply", "no-reply", "donotreply", "do-not-reply"]
    static let daemonLocals: Set<String> = ["mailer-daemon", "postmaster"]

    /// Reasons in a fixed order, only those present: `list-unsubscribe`, `list-id`, `precedence` (bulk, list,
    /// junk), `auto-submitted` (anything but `no`), `delivery-report` (multipart/report,
    /// message/delivery-status, or a mailer-daemon/postmaster author), `noreply-sender`.
    static func reasons(top: HeaderBlock, topType: String, authors: [Address], deliveryStatusPart: Bool) -> [String] {
        var out: [String] = []
        if top.has("list-unsubscribe") { out.append("list-unsubscribe") }
        if top.has("list-id") { out.append("list-id") }
        if let p = top.first("precedence").map(keyword), ["bulk", "list", "junk"].contains(p) {
            out.append("precedence")
        }
        if let a = top.first("auto-submitted").map(keyword), !a.isEmpty, a != "no" { out.append("auto-submitted") }
        let locals = authors.map { $0.local.lowercased() }
        let rawFrom = HeaderText.string(top.first("from") ?? []).lowercased()
        if topType == "multipart/report" || topType.hasPrefix("message/delivery-status") || deliveryStatusPart
            || locals.contains(where: daemonLocals.contains)
            || rawFrom.hasPrefix("mailer-daemon") || rawFrom.containsASCII("<mailer-daemon")
        {
            out.append("delivery-report")
        }
        if locals.contains(where: isNoreply) { out.append("noreply-sender") }
        return out
    }

    /// `noreply`, `no-reply`, `donotreply`, `do-not-reply`, also with a tag (`noreply+abc`, `no-reply.alerts`).
    static func isNoreply(_ local: String) -> Bool {
        for n in noreplyLocals {
            if local == n { return true }
            if local.hasPrefix(n), let next = local.dropFirst(n.count).first, "+-._".contains(next) { return true }
        }
        return false
    }

    /// First word of a header value, lower-cased, without comments or parameters.
    static func keyword(_ raw: [UInt8]) -> String {
        let s = MessageIDs.withoutComments(HeaderText.string(raw)).lowercased()
        let word = s.split(whereSeparator: { $0 == ";" || $0.isWhitespace }).first
        return word.map(String.init) ?? ""
    }
}
