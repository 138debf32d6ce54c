/// The ids each thread of a `ThreadAssignment` covers: the name of every container in its tree (Message-IDs of
/// its messages and placeholders, and the keys of messages threaded in a container of their own), and which one
/// is the root. A load uses them to find a thread that another worker stored under another root (see
/// `ThreadRecord.ids`).
///
/// Memory: the names' bytes (without their `@<domain>`, kept once in `MessageKeyList`) and 12 bytes per
/// container, copied out of the builder's string table, so that the table (with the base subjects, its hash slots
/// and the spellings no container has) is freed with the builder instead of living through match's second pass.
struct ThreadCoverage: Sendable {
    /// Each thread's names, root first: thread `t` holds `names[start[t]..<start[t + 1]]`.
    let names: MessageKeyList
    let start: [Int32]

    static let empty = ThreadCoverage(names: MessageKeyList(), start: [0])

    /// The root's id and every id of thread number `t`, sorted (nil past the last thread).
    func ids(ofThread t: Int) -> (root: String, ids: [String])? {
        guard t >= 0, t + 1 < start.count, start[t] < start[t + 1] else { return nil }
        let all = (start[t]..<start[t + 1]).map { names.string($0) }
        return (all.first!, Set(all).sorted())
    }
}

extension ThreadBuilder {
    /// The coverage of every thread: `threadOfRoot` numbers each root container that holds a message.
    func coverage(forest: ThreadForest, roots: [Int32], threadOfRoot: [Int32], threads: Int) -> ThreadCoverage {
        var start = [Int32](repeating: 0, count: threads + 1)
        for c in 0..<forest.count where threadOfRoot[Int(roots[c])] >= 0 { start[Int(threadOfRoot[Int(roots[c])]) + 1] += 1 }
        for t in 0..<threads { start[t + 1] += start[t] }
        var fill = start
        var names = [Int32](repeating: 0, count: Int(start[threads]))
        func place(_ c: Int, _ t: Int) {
            names[Int(fill[t])] = forest.name[c]
            fill[t] += 1
        }
        // Roots first, so that each thread's slice starts with its root.
        for c in 0..<forest.count where roots[c] == Int32(c) && threadOfRoot[c] >= 0 { place(c, Int(threadOfRoot[c])) }
        for c in 0..<forest.count where roots[c] != Int32(c) && threadOfRoot[Int(roots[c])] >= 0 {
            place(c, Int(threadOfRoot[Int(roots[c])]))
        }
        // The names' bytes in that order (a name < 0 is the key of a container of its own, see `ThreadForest.name`).
        var list = MessageKeyList()
        list.reserveCapacity(names.count)
        for n in names {
            if n >= 0 {
                strings.withBytes(n) { _ = list.append($0) }
            } else {
                list.append(key(entries[Int(-n - 1)]))
            }
        }
        return ThreadCoverage(names: list, start: start)
    }
}
