extension ThreadBuilder {
    /// One thread as seen by subject grouping.
    private struct ThreadSummary {
        var root: Int32
        /// Canonical string id of the root message's base subject, or the earliest message's when the root is a
        /// placeholder.
        var subject: Int32
        /// The earliest message entry (see `ThreadBuilder.isOlder`).
        var earliest: Int32
        /// The root is a message without thread headers whose subject has a reply prefix.
        var joins: Bool
    }

    /// Attaches each header-less reply that is a thread root to the thread whose root has the same non-empty
    /// base subject: the earliest such thread that did not itself join by subject, else the earliest one.
    func groupBySubject(_ entries: [Entry], byKey: [Int32], containerOf: [Int32], forest: inout ThreadForest) {
        guard entries.contains(where: { $0.hasNoThreadHeaders && $0.subjectIsReply && !strings.isEmpty($0.baseSubject) })
        else { return }

        let roots = forest.roots()
        var earliest = [Int32](repeating: -1, count: forest.count)  // by root container
        for i in byKey {
            let root = Int(roots[Int(containerOf[Int(i)])])
            if earliest[root] < 0 || isOlder(entries[Int(i)], than: entries[Int(earliest[root])]) { earliest[root] = i }
        }
        var threads: [ThreadSummary] = []
        for (root, first) in earliest.enumerated() where first >= 0 {
            let m = forest.message[root]
            let subject = entries[Int(m >= 0 ? m : first)].baseSubject
            guard !strings.isEmpty(subject) else { continue }
            let joins = m >= 0 && entries[Int(m)].hasNoThreadHeaders && entries[Int(m)].subjectIsReply
            threads.append(ThreadSummary(root: Int32(root), subject: strings.canonical(subject), earliest: first,
                                         joins: joins))
        }
        // Same subjects together, each group earliest first. Each subject is handled on its own; the visiting
        // order of subjects cannot change the outcome.
        threads.sort { a, b in
            a.subject != b.subject ? a.subject < b.subject
                : isOlder(entries[Int(a.earliest)], than: entries[Int(b.earliest)])
        }
        var start = 0
        while start < threads.count {
            var end = start + 1
            while end < threads.count, threads[end].subject == threads[start].subject { end += 1 }
            let group = threads[start..<end]
            start = end
            guard group.count > 1, group.contains(where: \.joins),
                  let anchor = group.first(where: { !$0.joins }) ?? group.first else { continue }
            for t in group where t.joins && t.root != anchor.root {
                forest.link(child: t.root, to: anchor.root)
            }
        }
    }
}
