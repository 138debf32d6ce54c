extension ThreadBuilder {
    /// Who took part in the messages subject grouping asks about: given input numbers (the `add` call, from 0,
    /// ascending), the match keys (`Address.key`) of each one's external participants, in the same order. External
    /// means what the matcher calls external: not a mailbox owner's address and not on `ownDomains`. Asked at most
    /// once per `finish`, and only for the messages of threads that share a base subject with a header-less reply.
    public typealias ParticipantSource = ([Int]) throws -> [[String]]

    /// One thread (as threaded by its headers) as seen by subject grouping.
    private struct SubjectThread {
        var root: Int32
        /// Canonical string id of the root message's base subject, or the earliest message's when the root is a
        /// placeholder.
        var subject: Int32
        /// The earliest message entry (see `ThreadBuilder.isOlder`).
        var earliest: Int32
        /// The latest dated message entry, -1 when none is dated.
        var latest: Int32
        /// The root is a message without thread headers whose subject has a reply prefix.
        var joins: Bool
    }

    /// Whether a message may join a thread by subject: neither In-Reply-To nor References, a reply prefix and a
    /// non-empty base subject.
    func isHeaderlessReply(_ e: Entry) -> Bool {
        e.hasNoThreadHeaders && e.subjectIsReply && !strings.isEmpty(e.baseSubject)
    }

    /// Subject grouping that never joins strangers. A header-less reply that is a thread root joins another
    /// thread with the same non-empty base subject only when
    /// - it shares at least one external participant (match key; owners' addresses and `ownDomains` do not count)
    ///   with that thread, and
    /// - it is dated, the thread began before it, and it is dated at most `subjectJoinDays` days after the
    ///   thread's last (dated) message.
    /// Of several qualifying threads it joins the most recent one (latest last message, then `isOlder` order of
    /// those messages). Replies are taken oldest first and a joined thread grows (its participants and last date
    /// include what joined it), so a conversation continued twice without headers stays one thread; the result
    /// depends on dates and keys only, never on arrival order. Returns the entries that joined.
    func groupBySubject(_ entries: [Entry], byKey: [Int32], containerOf: [Int32], forest: inout ThreadForest,
                        participants: ParticipantSource) rethrows -> Set<Int32> {
        guard subjectJoinDays > 0, entries.contains(where: isHeaderlessReply) else { return [] }

        let roots = forest.roots()
        var earliest = [Int32](repeating: -1, count: forest.count)  // by root container
        var latest = [Int32](repeating: -1, count: forest.count)
        for i in byKey {
            let root = Int(roots[Int(containerOf[Int(i)])])
            if earliest[root] < 0 || isOlder(entries[Int(i)], than: entries[Int(earliest[root])]) { earliest[root] = i }
            if entries[Int(i)].date != DateTable.none,
               latest[root] < 0 || isOlder(entries[Int(latest[root])], than: entries[Int(i)]) { latest[root] = i }
        }
        var threads: [SubjectThread] = []
        for (root, first) in earliest.enumerated() where first >= 0 {
            let m = forest.message[root]
            let subject = entries[Int(m >= 0 ? m : first)].baseSubject
            guard !strings.isEmpty(subject) else { continue }
            threads.append(SubjectThread(root: Int32(root), subject: strings.canonical(subject), earliest: first,
                                         latest: latest[root], joins: m >= 0 && isHeaderlessReply(entries[Int(m)])))
        }
        earliest = []
        latest = []
        // Same subjects together, each group earliest first. Each subject is handled on its own.
        threads.sort { a, b in
            a.subject != b.subject ? a.subject < b.subject
                : isOlder(entries[Int(a.earliest)], than: entries[Int(b.earliest)])
        }
        var groups: [Range<Int>] = []
        var start = 0
        while start < threads.count {
            var end = start + 1
            while end < threads.count, threads[end].subject == threads[start].subject { end += 1 }
            if end - start > 1, threads[start..<end].contains(where: \.joins) { groups.append(start..<end) }
            start = end
        }
        guard !groups.isEmpty else { return [] }

        // The participants of every message of those threads, asked for once.
        var inGroup: [Int32: Int32] = [:]  // root container → index in `threads`
        for g in groups { for k in g { inGroup[threads[k].root] = Int32(k) } }
        var needed: [Int32: Int] = [:]  // entry → its first input
        for i in byKey where inGroup[roots[Int(containerOf[Int(i)])]] != nil { needed[i] = -1 }
        for (input, e) in entryOfInput.enumerated() where needed[e] == -1 { needed[e] = input }
        let asked = needed.map { (entry: $0.key, input: $0.value) }.sorted { $0.input < $1.input }
        let answers = try participants(asked.map(\.input))
        var ids: [String: Int32] = [:]
        var peopleOfEntry: [Int32: Set<Int32>] = [:]
        var peopleOfThread = [Set<Int32>](repeating: [], count: threads.count)
        for (n, a) in asked.enumerated() where n < answers.count {
            var people: Set<Int32> = []
            for key in answers[n] {
                if let id = ids[key] {
                    people.insert(id)
                } else {
                    let id = Int32(ids.count)
                    ids[key] = id
                    people.insert(id)
                }
            }
            peopleOfEntry[a.entry] = people
            if let k = inGroup[roots[Int(containerOf[Int(a.entry)])]] { peopleOfThread[Int(k)].formUnion(people) }
        }

        var joined: Set<Int32> = []
        let bound = Int64(subjectJoinDays) * 86_400
        for g in groups {
            // Per group a small union-find over its threads: each set's anchor is the root container all its
            // threads hang from; its earliest and latest messages are the union's, and its people those of its
            // threads, found through `threadsOf` (participant → the group's threads with that participant), so
            // a reply looks only at threads it shares someone with.
            var set = Array(g)
            func find(_ k: Int) -> Int {
                var x = k
                while set[x - g.lowerBound] != x {
                    set[x - g.lowerBound] = set[set[x - g.lowerBound] - g.lowerBound]
                    x = set[x - g.lowerBound]
                }
                return x
            }
            var threadsOf: [Int32: [Int]] = [:]
            for k in g { for p in peopleOfThread[k] { threadsOf[p, default: []].append(k) } }
            var replies = g.filter { threads[$0].joins }
            replies.sort { a, b in
                isOlder(entries[Int(forest.message[Int(threads[a].root)])],
                        than: entries[Int(forest.message[Int(threads[b].root)])])
            }
            var seen: Set<Int> = []
            for j in replies {
                let m = forest.message[Int(threads[j].root)]
                let reply = entries[Int(m)]
                guard let when = dates.seconds(reply.date), let own = peopleOfEntry[m], !own.isEmpty else { continue }
                let mine = find(j)
                var best: Int?
                seen.removeAll(keepingCapacity: true)
                for p in own {
                    for k0 in threadsOf[p] ?? [] {
                        let k = find(k0)
                        guard k != mine, seen.insert(k).inserted else { continue }
                        let t = threads[k]
                        guard t.latest >= 0, let last = dates.seconds(entries[Int(t.latest)].date),
                              when - last <= bound, isOlder(entries[Int(t.earliest)], than: reply) else { continue }
                        if let b = best, isOlder(entries[Int(t.latest)], than: entries[Int(threads[b].latest)]) {
                            continue
                        }
                        best = k
                    }
                }
                guard let b = best, forest.link(child: threads[mine].root, to: threads[b].root) else { continue }
                set[mine - g.lowerBound] = b
                let (x, y) = (threads[mine], threads[b])
                if x.latest >= 0, isOlder(entries[Int(y.latest)], than: entries[Int(x.latest)]) {
                    threads[b].latest = x.latest
                }
                if isOlder(entries[Int(x.earliest)], than: entries[Int(y.earliest)]) { threads[b].earliest = x.earliest }
                joined.insert(m)
            }
        }
        return joined
    }
}
