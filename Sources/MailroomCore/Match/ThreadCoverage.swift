/// The ids each thread of a `ThreadAssignment` covers: the name of every container in its tree (Message-IDs of
/// its messages and placeholders, and the keys of messages threaded in a container of their own), and which one
/// is the root. A load uses them to find a thread that another worker stored under another root (see
/// `ThreadRecord.ids`).
///
/// Memory: 4 bytes per container (names are ids in the builder's string table, shared, not copied) plus the few
/// key-named containers as strings.
struct ThreadCoverage: Sendable {
    /// The builder's strings (a copy-on-write share of the same storage).
    let strings: StringTable
    /// Names of containers of their own (`-(i + 1)` in `names`).
    let keyNames: [String]
    /// Each thread's names, root first: thread `t` holds `names[start[t]..<start[t + 1]]`.
    let start: [Int32]
    let names: [Int32]

    static let empty = ThreadCoverage(strings: StringTable(), keyNames: [], start: [0], names: [])

    private func name(_ n: Int32) -> String { n >= 0 ? strings.string(n) : keyNames[Int(-n - 1)] }

    /// The root's id and every id of thread number `t`, sorted (nil past the last thread).
    func ids(ofThread t: Int) -> (root: String, ids: [String])? {
        guard t >= 0, t + 1 < start.count, start[t] < start[t + 1] else { return nil }
        let all = names[Int(start[t])..<Int(start[t + 1])]
        return (name(all.first!), Set(all.map(name)).sorted())
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
        var keyNames: [String] = []
        func place(_ c: Int, _ t: Int) {
            var n = forest.name[c]
            if n < 0 {
                keyNames.append(key(entries[Int(-n - 1)]))
                n = -Int32(keyNames.count)
            }
            names[Int(fill[t])] = n
            fill[t] += 1
        }
        // Roots first, so that each thread's slice starts with its root.
        for c in 0..<forest.count where roots[c] == Int32(c) && threadOfRoot[c] >= 0 { place(c, Int(threadOfRoot[c])) }
        for c in 0..<forest.count where roots[c] != Int32(c) && threadOfRoot[Int(roots[c])] >= 0 {
            place(c, Int(threadOfRoot[Int(roots[c])]))
        }
        return ThreadCoverage(strings: strings, keyNames: keyNames, start: start, names: names)
    }
}
