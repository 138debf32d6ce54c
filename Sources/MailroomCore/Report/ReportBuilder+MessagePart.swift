extension ReportBuilder {
    /// What the report counts from dedupe's message identities (`DedupedReportFields`). In a run, match's first
    /// pass collects it as it reads the same file (`DedupedThreadReportFields`), so that the report does not
    /// read the whole file again; `ReportBuilder.add(message:)` collects it the same way.
    public struct MessagePart: Sendable {
        var unique = 0
        var sent = 0
        var received = 0
        var bulk = 0
        var bulkByReason: [String: Int] = [:]
        var issues: [String: Int] = [:]
        var folders: [String: Int] = [:]
        var perDay: [String: (sent: Int, received: Int)] = [:]

        public init() {}

        public mutating func add(message m: DedupedReportFields) {
            unique += 1
            switch m.direction {
            case .sent: sent += 1
            case .received: received += 1
            }
            if !m.bulk.isEmpty {
                bulk += 1
                for r in m.bulk { bulkByReason[r, default: 0] += 1 }
            }
            for i in m.issues { issues[i, default: 0] += 1 }
            for c in m.copies { folders[c.mailbox + "/" + c.folder, default: 0] += 1 }
            if let date = m.date, date.count >= 10 {
                let day = String(date.prefix(10))
                var e = perDay[day] ?? (0, 0)
                if m.direction == .sent { e.sent += 1 } else { e.received += 1 }
                perDay[day] = e
            }
        }
    }
}
