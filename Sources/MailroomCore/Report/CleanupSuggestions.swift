/// What to do about the duplicate contact groups and the busiest unmatched addresses, as exact commands a person
/// can copy: `mailroom contacts merge PIPELINE --keep ID ID…` per group, and per address either
/// `mailroom contacts add-email PIPELINE ID ADDRESS` (when one contact is its likely owner: the same display name,
/// or the same local part on another of its addresses) or a line for the contacts CSV and its import.
///
/// The JSON form names the pipeline `PIPELINE` and the contacts file `CONTACTS.csv` (the report file must not
/// depend on where it was run from); text and HTML put in the real paths, shell-quoted.
public struct CleanupSuggestions: Sendable, Equatable {
    public struct Merge: Sendable, Equatable {
        public var groupId: String
        /// The contact kept: the group's first (in contacts-file order).
        public var keep: String
        public var merged: [String]
        public var reasons: [String]
    }

    public struct Address: Sendable, Equatable {
        public var address: String
        public var name: String?
        public var messages: Int
        /// The likely owner, when exactly one contact is.
        public var contactId: String?
        public var contactName: String?
        /// Why that contact (`same name`, `same local part`).
        public var why: String?
        /// For an address without a likely owner: the contacts-file line to add (`id,name,emails`).
        public var csvLine: String?
    }

    /// Where the commands point.
    public struct Paths: Sendable, Equatable {
        public var pipeline: String
        public var contactsFile: String
        public init(pipeline: String, contactsFile: String?) {
            self.pipeline = pipeline
            self.contactsFile = contactsFile ?? "CONTACTS.csv"
        }
        public static let placeholders = Paths(pipeline: "PIPELINE", contactsFile: nil)
    }

    /// How many unmatched addresses get a command.
    public static let addressesShown = 10

    public var merges: [Merge] = []
    public var addresses: [Address] = []

    public init(merges: [Merge] = [], addresses: [Address] = []) {
        self.merges = merges
        self.addresses = addresses
    }

    public var isEmpty: Bool { merges.isEmpty && addresses.isEmpty }

    /// - Parameters:
    ///   - contacts: every contact (for owners' names and addresses, and ids a new contact must not take).
    ///   - unmatched: most messages first; bulk-only addresses are skipped.
    public static func make(groups: [ContactGroup], contacts: [Contact], unmatched: [UnmatchedAddress]) -> CleanupSuggestions {
        var s = CleanupSuggestions()
        for g in groups where g.contactIds.count > 1 {
            s.merges.append(Merge(groupId: g.groupId, keep: g.contactIds[0], merged: Array(g.contactIds.dropFirst()),
                                  reasons: g.reasons.map(\.reason)))
        }
        // The addresses shown, and what they look up: only contacts with one of their names or local parts are
        // indexed (not every contact, for ten addresses), and only ids a new contact's `NEW-n` could take kept.
        let shown = unmatched.lazy.filter { !$0.bulkOnly }.prefix(addressesShown).map { u in
            (u, name: u.name.map(normalizedName) ?? "", local: localPart(u.address)?.lowercased() ?? "")
        }
        let wantedNames = Set(shown.map(\.name).filter { !$0.isEmpty })
        let wantedLocals = Set(shown.map(\.local))
        var byName: [String: Set<String>] = [:]
        var byLocal: [String: Set<String>] = [:]
        var newIds: Set<String> = []
        for c in contacts {
            if c.id.hasPrefix("NEW-") { newIds.insert(c.id) }
            if !wantedNames.isEmpty {
                let n = normalizedName(c.name)
                if wantedNames.contains(n) { byName[n, default: []].insert(c.id) }
            }
            for e in c.emails {
                guard let key = e.key, let local = localPart(key), wantedLocals.contains(local) else { continue }
                byLocal[local, default: []].insert(c.id)
            }
        }
        // The names of the contacts found (a later row of the same id wins, as it would in a table of all).
        let found = Set(byName.values.joined()).union(byLocal.values.joined())
        var names: [String: String] = [:]
        for c in contacts where found.contains(c.id) { names[c.id] = c.name }
        var next = 1
        for (u, name, local) in shown {
            var a = Address(address: u.address, name: u.name, messages: u.messages)
            let sameName = name.isEmpty ? [] : byName[name] ?? []
            let sameLocal = byLocal[local] ?? []
            if sameName.count == 1 {
                a.contactId = sameName.first
                a.why = "same name"
            } else if sameName.isEmpty && sameLocal.count == 1 {
                a.contactId = sameLocal.first
                a.why = "same local part"
            }
            if let id = a.contactId {
                a.contactName = names[id]
            } else {
                while newIds.contains("NEW-\(next)") { next += 1 }
                let name = CSVExport.text(u.name ?? "")
                a.csvLine = [CSVExport.field("NEW-\(next)"), CSVExport.field(name), CSVExport.field(CSVExport.text(u.address))]
                    .joined(separator: ",")
                next += 1
            }
            s.addresses.append(a)
        }
        return s
    }

    /// Lower-case letters and digits of a name, words in order: "Smith, John" and "john smith" differ, "Mia Chen"
    /// and "mia  chen" do not.
    static func normalizedName(_ name: String) -> String {
        name.isASCII ? normalizedASCIIName(name) : normalizedNameByCharacter(name)
    }

    /// `normalizedName` of ASCII text, by bytes: an ASCII letter or digit is one byte, and so is every other
    /// ASCII Character but CR LF, which is neither letter nor digit as both its bytes are not.
    static func normalizedASCIIName(_ name: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        var space = false
        for b in name.utf8 {
            let lower = ByteLines.lowerASCII(b)
            if ASCIIBytes.isAlphanumeric(lower) {
                if space && !out.isEmpty { out.append(0x20) }
                out.append(lower)
                space = false
            } else {
                space = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The part of an address before its last `@` (nil without one).
    static func localPart(_ address: String) -> String? {
        address.lastIndex(ofASCII: 0x40).map { String(address[..<$0]) }
    }

    /// `normalizedName` for any text, by Characters.
    static func normalizedNameByCharacter(_ name: String) -> String {
        var out = ""
        var space = false
        for ch in name.lowercased() {
            if ch.isLetter || ch.isNumber {
                if space && !out.isEmpty { out += " " }
                out.append(ch)
                space = false
            } else {
                space = true
            }
        }
        return out
    }

    /// "1 message", "3 messages".
    static func messages(_ n: Int) -> String { n == 1 ? "1 message" : "\(n) messages" }

    public func command(_ m: Merge, _ p: Paths) -> String {
        ShellQuote.command(["mailroom", "contacts", "merge", p.pipeline, "--keep", m.keep] + m.merged)
    }

    /// The command for an address: `contacts add-email …`, or a one-contact CSV written beside and imported
    /// (an import adds or updates by id and removes nothing, so the CRM's own export is left as it is).
    public func command(_ a: Address, _ p: Paths) -> String {
        if let id = a.contactId {
            return ShellQuote.command(["mailroom", "contacts", "add-email", p.pipeline, id, a.address])
        }
        let line = a.csvLine ?? ""
        let file = (line.split(separator: ",").first.map(String.init) ?? "new-contact") + ".csv"
        return "printf 'id,name,emails\\n%s\\n' " + ShellQuote.word(line) + " > " + ShellQuote.word(file) + " && "
            + ShellQuote.command(["mailroom", "contacts", "import", file, "--pipeline", p.pipeline])
    }

    /// Text lines for a terminal report (a heading and one block per suggestion).
    public func lines(_ p: Paths) -> [String] {
        guard !isEmpty else { return [] }
        var out = ["Clean up before a larger window (then `mailroom relink \(ShellQuote.word(p.pipeline))`)"]
        for m in merges {
            out.append("  \(m.groupId) (\(m.reasons.joined(separator: ", "))): \(TerminalText.clean(command(m, p)))")
        }
        for a in addresses {
            let owner = a.contactId.map { " — likely \($0)\(a.contactName.map { " (\($0))" } ?? "") by \(a.why ?? "")" }
                ?? " — no likely contact: a new one"
            out.append("  \(TerminalText.clean(a.address)) (\(Self.messages(a.messages)))\(TerminalText.clean(owner)):")
            out.append("    \(TerminalText.clean(command(a, p)))")
        }
        return out
    }
}

extension CleanupSuggestions {
    /// `{"merges":[…],"addresses":[…]}` with `PIPELINE` and `CONTACTS.csv` in the commands.
    public func writeJSON(_ w: inout JSONWriter) {
        let p = Paths.placeholders
        w.beginObject()
        w.key("merges")
        w.beginArray()
        for m in merges {
            w.beginObject()
            w.field("groupId", m.groupId)
            w.field("keep", m.keep)
            w.field("merged", m.merged)
            w.field("reasons", m.reasons)
            w.field("command", command(m, p))
            w.endObject()
        }
        w.endArray()
        w.key("addresses")
        w.beginArray()
        for a in addresses {
            w.beginObject()
            w.field("address", a.address)
            w.field("messages", a.messages)
            w.field("contactId", a.contactId)
            w.field("why", a.why)
            w.field("csvLine", a.csvLine)
            w.field("command", command(a, p))
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    /// An HTML section: each command in a `<pre><code>` block that one click selects whole (CSS
    /// `user-select: all`), ready for Ctrl+C: the page stays without any script.
    public func html(_ p: Paths, id: String = "cleanup") -> String {
        guard !isEmpty else { return "" }
        func e(_ s: String) -> String { HTMLEscape.escape(s) }
        var h = "<section class=\"panel\" id=\"\(id)\"><h2>Clean up before a larger window</h2>"
        h += "<p>Click a command to select it whole, copy it, and run it; then <code class=\"cmd\">"
            + e("mailroom relink " + ShellQuote.word(p.pipeline)) + "</code>.</p>"
        if !merges.isEmpty {
            h += "<h3>Duplicate contacts: merge</h3><ul class=\"cmds\">"
            for m in merges {
                h += "<li>\(e(m.groupId)) (\(e(m.reasons.joined(separator: ", "))))"
                h += "<pre class=\"cmd\"><code class=\"cmd\" data-command=\"\(e(command(m, p)))\">\(e(command(m, p)))</code></pre></li>"
            }
            h += "</ul>"
        }
        if !addresses.isEmpty {
            h += "<h3>Unmatched addresses: add to a contact</h3><ul class=\"cmds\">"
            for a in addresses {
                let owner = a.contactId.map { "likely \(e($0))\(a.contactName.map { " (\(e($0)))" } ?? "") by \(e(a.why ?? ""))" }
                    ?? "no likely contact: a new one"
                h += "<li>\(e(a.address)) · \(Self.messages(a.messages)) · \(owner)"
                h += "<pre class=\"cmd\"><code class=\"cmd\" data-command=\"\(e(command(a, p)))\">\(e(command(a, p)))</code></pre></li>"
            }
            h += "</ul>"
        }
        return h + "</section>\n"
    }
}
