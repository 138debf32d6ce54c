/// The containers of `ThreadBuilder`: ids and parent links only. Always a forest: `link` refuses any link that
/// would close a cycle, so walking up from any container ends at a root.
struct ThreadForest {
    /// Container id: a Message-ID (message or placeholder) or, for a container of its own, the message key.
    private(set) var id: [String] = []
    private(set) var parent: [Int?] = []
    /// Index of the message held, nil for a placeholder.
    private(set) var message: [Int?] = []
    private var registered: [String: Int] = [:]

    /// The container for a message: the one registered under `id` (filling a placeholder) or a new one; a message
    /// without a registered id gets a fresh container named by its key.
    mutating func messageContainer(id messageId: String?, key: String, message m: Int) -> Int {
        if let messageId {
            let c = container(for: messageId)
            if message[c] == nil {
                message[c] = m
                return c
            }
        }
        return append(id: key, message: m)
    }

    /// The container registered under a Message-ID, creating a placeholder when the id was never seen.
    mutating func container(for messageId: String) -> Int {
        if let c = registered[messageId] { return c }
        let c = append(id: messageId, message: nil)
        registered[messageId] = c
        return c
    }

    private mutating func append(id newId: String, message m: Int?) -> Int {
        id.append(newId)
        parent.append(nil)
        message.append(m)
        return id.count - 1
    }

    /// Makes `p` the parent of `child` unless they are the same container or `child` is an ancestor of `p`.
    /// Returns whether the link was made. Replaces an existing parent.
    @discardableResult
    mutating func link(child: Int, to p: Int) -> Bool {
        guard child != p, !isAncestor(child, of: p) else { return false }
        parent[child] = p
        return true
    }

    /// True when `a` is `b` or one of its ancestors.
    func isAncestor(_ a: Int, of b: Int) -> Bool {
        var x: Int? = b
        while let c = x {
            if c == a { return true }
            x = parent[c]
        }
        return false
    }

    /// The root of every container, in one pass (each path is walked once).
    func roots() -> [Int] {
        var out = [Int](repeating: -1, count: id.count)
        var path: [Int] = []
        for c in id.indices where out[c] < 0 {
            var x = c
            while out[x] < 0, let p = parent[x] {
                path.append(x)
                x = p
            }
            let r = out[x] >= 0 ? out[x] : x
            out[x] = r
            for y in path { out[y] = r }
            path.removeAll(keepingCapacity: true)
        }
        return out
    }
}
