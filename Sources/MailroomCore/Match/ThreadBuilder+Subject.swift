extension ThreadBuilder {
    /// One thread as seen by subject grouping.
    private struct ThreadSummary {
        var root: Int
        /// The root message's base subject, or the earliest message's when the root is a placeholder.
        var subject: String
        /// The earliest message (see `ThreadBuilder.isOlder`).
        var earliest: Int
        /// The root is a message without thread headers whose subject has a reply prefix.
        var joins: Bool
    }

    /// Attaches each header-less reply that is a thread root to the thread whose root has the same non-empty
    /// base subject: the earliest such thread that did not itself join by subject, else the earliest one.
    func groupBySubject(_ messages: [ThreadInput], containerOf: [Int], forest: inout ThreadForest) {
        guard messages.contains(where: { $0.hasNoThreadHeaders && $0.subjectIsReply && !$0.baseSubject.isEmpty })
        else { return }

        let roots = forest.roots()
        var threads: [Int: ThreadSummary] = [:]  // by root container
        for i in messages.indices {
            let root = roots[containerOf[i]]
            if var t = threads[root] {
                if Self.isOlder(messages[i], than: messages[t.earliest]) { t.earliest = i }
                threads[root] = t
            } else {
                threads[root] = ThreadSummary(root: root, subject: "", earliest: i, joins: false)
            }
        }
        var bySubject: [String: [ThreadSummary]] = [:]
        for var t in threads.values {
            if let m = forest.message[t.root] {
                t.subject = messages[m].baseSubject
                t.joins = messages[m].hasNoThreadHeaders && messages[m].subjectIsReply
            } else {
                t.subject = messages[t.earliest].baseSubject
            }
            guard !t.subject.isEmpty else { continue }
            bySubject[t.subject, default: []].append(t)
        }

        // Each subject is handled on its own; the visiting order of subjects cannot change the outcome.
        for (_, group) in bySubject where group.count > 1 && group.contains(where: \.joins) {
            let earliestFirst = group.sorted { Self.isOlder(messages[$0.earliest], than: messages[$1.earliest]) }
            guard let anchor = earliestFirst.first(where: { !$0.joins }) ?? earliestFirst.first else { continue }
            for t in earliestFirst where t.joins && t.root != anchor.root {
                forest.link(child: t.root, to: anchor.root)
            }
        }
    }
}
