extension ReviewReport {
    /// The review as one self-contained HTML page in the dry-run report's style: no script, nothing loaded from
    /// the network, every value from the store (addresses, subjects, names) escaped.
    public func html() -> String {
        func e(_ s: String?) -> String { HTMLEscape.escape(s ?? "") }
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(DryRunReport.htmlContentSecurityPolicy)\">\n"
        h += "<meta name=\"referrer\" content=\"no-referrer\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>Mailroom review: \(passed ? "passed" : "failed")</title>\n<style>\(DryRunReport.htmlStyle)</style>\n</head>\n<body>\n"
        h += "<header class=\"top\"><div class=\"wrap\"><p class=\"eyebrow\">Mailroom post-load review</p>"
        let failed = findings.filter { $0.severity == .failure }.count
        h += "<h1>Review \(passed ? "passed" : "failed")</h1>"
        h += "<p class=\"meta\">store <code>\(e(store))</code> · \(failed) problems · \(findings.count - failed) warnings</p>"
        h += "</div></header>\n<main class=\"wrap\">\n"
        h += "<section class=\"panel\" id=\"checks\"><h2>Checks</h2><div class=\"table-wrap\"><table><thead><tr>"
        h += "<th>status</th><th>check</th><th>what it verifies</th></tr></thead><tbody>"
        for (name, what) in Self.checks {
            h += "<tr><td>\(e(status(of: name)))</td><td><code>\(e(name))</code></td><td>\(e(what))</td></tr>"
        }
        h += "</tbody></table></div>"
        if !findings.isEmpty {
            h += "<h3>Findings</h3><ul>"
            for f in findings {
                h += "<li><strong>\(f.severity == .failure ? "problem" : "warning")</strong> (\(e(f.check))): \(e(f.detail))</li>"
            }
            h += "</ul>"
        }
        h += "</section>\n"
        h += "<section class=\"panel\" id=\"sample\"><h2>Spot-check sample of matched threads</h2>"
        h += "<div class=\"table-wrap\"><table><thead><tr><th>date</th><th>sender</th><th>recipient</th><th>subject</th></tr></thead><tbody>"
        for s in sample {
            h += "<tr><td>\(e(s.date))</td><td class=\"wrap-any\">\(e(s.sender))</td><td class=\"wrap-any\">\(e(s.recipient))</td>"
            h += "<td><bdi>\(e(s.subject))</bdi></td></tr>"
        }
        h += "</tbody></table></div></section>\n"
        h += cleanup.html(cleanupPaths)
        h += "</main>\n</body>\n</html>\n"
        return h
    }
}
