/// The containers of `ThreadBuilder`: names and parent links only, as `Int32` arrays. Always a forest: `link`
/// refuses any link that would close a cycle, so walking up from any container ends at a root.
struct ThreadForest {
    /// Container name: the string id of a Message-ID (message or placeholder) spelled as first seen, or, for a
    /// container of its own, `-(entry + 1)`: the key of that message entry.
    private(set) var name: [Int32] = []
    /// Parent container, -1 for a root.
    private(set) var parent: [Int32] = []
    /// Message entry held, -1 for a placeholder.
    private(set) var message: [Int32] = []
    /// Container registered under each canonical string id, -1 when none.
    private var registered: [Int32]

    init(strings: Int, containers: Int) {
        registered = [Int32](repeating: -1, count: strings)
        name.reserveCapacity(containers)
        parent.reserveCapacity(containers)
        message.reserveCapacity(containers)
    }

    var count: Int { name.count }

    /// The container for a message entry: the one registered under its Message-ID (filling a placeholder) or a
    /// new one; a message without a registered id gets a fresh container named by its key.
    mutating func messageContainer(id: (canonical: Int32, spelling: Int32)?, entry: Int32) -> Int32 {
        if let id {
            let c = container(for: id.canonical, spelling: id.spelling)
            if message[Int(c)] < 0 {
                message[Int(c)] = entry
                return c
            }
        }
        return append(name: -(entry + 1), message: entry)
    }

    /// The container registered under a Message-ID, creating a placeholder named `spelling` when the id was
    /// never seen.
    mutating func container(for canonical: Int32, spelling: Int32) -> Int32 {
        let have = registered[Int(canonical)]
        if have >= 0 { return have }
        let c = append(name: spelling, message: -1)
        registered[Int(canonical)] = c
        return c
    }

    private mutating func append(name newName: Int32, message m: Int32) -> Int32 {
        name.append(newName)
        parent.append(-1)
        message.append(m)
        return Int32(name.count - 1)
    }

    /// Makes `p` the parent of `child` unless they are the same container or `child` is an ancestor of `p`.
    /// Returns whether the link was made. Replaces an existing parent.
    @discardableResult
    mutating func link(child: Int32, to p: Int32) -> Bool {
        guard child != p, !isAncestor(child, of: p) else { return false }
        parent[Int(child)] = p
        return true
    }

    /// True when `a` is `b` or one of its ancestors.
    func isAncestor(_ a: Int32, of b: Int32) -> Bool {
        var x = b
        while x >= 0 {
            if x == a { return true }
            x = parent[Int(x)]
        }
        return false
    }

    /// The root of every container, in one pass (each path is walked once).
    func roots() -> [Int32] {
        var out = [Int32](repeating: -1, count: name.count)
        var path: [Int32] = []
        for c in name.indices where out[c] < 0 {
            var x = Int32(c)
            while out[Int(x)] < 0, parent[Int(x)] >= 0 {
                path.append(x)
                x = parent[Int(x)]
            }
            let r = out[Int(x)] >= 0 ? out[Int(x)] : x
            out[Int(x)] = r
            for y in path { out[Int(y)] = r }
            path.removeAll(keepingCapacity: true)
        }
        return out
    }
}
