import MailroomCore

extension PGLoadBatch {
    /// A links batch as far as it goes without the store (`prepareLinks`), ready for `writeLinks`.
    struct PreparedLinks {
        /// What `writeLinks` reads of each link, besides its encoded head.
        struct Link {
            /// Its message: an index into `messageKeys`.
            var message: Int
            /// Its contact as match decided: an index into `contactIds`, or -1.
            var contact: Int
            var rule: String?
            /// The address, for an external To/Cc/Bcc address no contact was ambiguous for, with
            /// `createContacts: sent`: a contact created from sent mail may link it (when its message is sent, on
            /// a customer thread). Nil otherwise.
            var mayCreate: String?
        }
        var links: [Link]
        /// The messages the links name, as stored (`StoreText`), a run of links of one message named once.
        var messageKeys: [String]
        /// Array literal of `messageKeys`, for the look-up of their messages.
        var wanted: String
        /// The distinct contact ids the links name, as stored.
        var contactIds: [String]
        /// Each link's participant row up to its contact (message key, role, address, internal), encoded for COPY
        /// with a tab after each field (link `i` ends at `headEnds[i]`), and the links in the order of those bytes
        /// (their key's order).
        var heads: [UInt8]
        var headEnds: [Int]
        var order: [Int]
    }

    /// Everything of a links batch that needs not the store: keys as stored, the rows' encoded heads, and which
    /// links a created contact may take. Runs ahead of the batch before, on the loader's batching thread
    /// (`PGStoreLoader.startPhase`), which also frees the records.
    static func prepareLinks(_ records: [ParticipantLink], createSent: Bool) -> PreparedLinks {
        var links: [PreparedLinks.Link] = []
        links.reserveCapacity(records.count)
        var messageKeys: [String] = []
        var contactIds: [String] = []
        var contactIndex: [String: Int] = [:]
        var heads: [UInt8] = []
        heads.reserveCapacity(records.count * 64)
        var headEnds: [Int] = []
        headEnds.reserveCapacity(records.count)
        var lastKey: String?
        for l in records {
            for f in [l.messageKey, l.role, l.address, l.isInternal ? "1" : "0"] {
                PostgresCopy.appendField(f, to: &heads)
                heads.append(0x09)
            }
            headEnds.append(heads.count)
            // A message's links come together: compared by their bytes, as the store compares keys.
            if lastKey.map({ !$0.utf8.elementsEqual(l.messageKey.utf8) }) ?? true {
                messageKeys.append(StoreText.normalized(l.messageKey))
                lastKey = l.messageKey
            }
            var contact = -1
            if let id = l.contactId.map(StoreText.normalized) {
                if let i = contactIndex[id] {
                    contact = i
                } else {
                    contact = contactIds.count
                    contactIndex[id] = contact
                    contactIds.append(id)
                }
            }
            let mayCreate = createSent && !l.isInternal && l.ambiguous.isEmpty
                && (l.role == "to" || l.role == "cc" || l.role == "bcc")
            links.append(.init(message: messageKeys.count - 1, contact: contact, rule: l.rule?.rawValue,
                               mayCreate: mayCreate ? l.address : nil))
        }
        return PreparedLinks(links: links, messageKeys: messageKeys, wanted: arrayLiteral(messageKeys),
                             contactIds: contactIds, heads: heads, headEnds: headEnds,
                             order: PostgresCopy.byteOrder(heads, headEnds))
    }

    /// The messages of a links batch as the store holds them, by index into `PreparedLinks.messageKeys`.
    struct LinkMessages {
        var sent: [Bool]
        var threadId: [String]
        var onInternalThread: [Bool]
    }

    /// `LoadState.linkWriter`: participants linked as match decided, except on internal threads; a link to a
    /// contact that does not exist is dropped; with `createContacts: sent`, an external To/Cc/Bcc address of a
    /// sent message that no contact holds gets a contact `auto:<folded key>` (`PGCreatedContacts`, resolved for the whole
    /// batch in the order SQLite creates them). A batch costs a fixed number of statements whatever its size: its
    /// messages, its contacts and the holders of its new addresses are read in one statement each, and its rows are
    /// written with `COPY` and one merge per table.
    /// The messages' threads are read under the shared thread lock (no merge moves them until the batch commits).
    func writeLinks(_ p: PreparedLinks) throws {
        try Self.lockThreads(c, shared: true)
        let links = p.links
        let n = p.messageKeys.count
        var m = LinkMessages(sent: Array(repeating: false, count: n), threadId: Array(repeating: "", count: n),
                             onInternalThread: Array(repeating: false, count: n))
        if !links.isEmpty {
            let rows = try c.execute("""
                SELECT k.i, m.direction, m.thread_id, t.visibility FROM unnest($1::text[]) WITH ORDINALITY k(key, i)
                JOIN messages m ON m.key = k.key JOIN threads t ON t.id = m.thread_id
                """, [p.wanted]).rows
            var found = 0
            for r in rows {
                guard let i = r[0].flatMap({ Int($0) }), i >= 1, i <= n else { continue }
                m.sent[i - 1] = r[1] == "sent"
                m.threadId[i - 1] = r[2] ?? ""
                m.onInternalThread[i - 1] = r[3] == "internal"
                found += 1
            }
            // Each key names one message at most: fewer rows than keys is a key with none.
            guard found == n else {
                throw MailroomError(.input, "a link of match/links.ndjson names a message that "
                                    + "dedupe/messages.ndjson does not have: rerun the match stage")
            }
        }
        let unknown = p.contactIds.filter { !contactsKnown.contains($0) }
        if !unknown.isEmpty {
            let rows = try c.execute("SELECT id FROM contacts WHERE id = ANY($1::text[])", [Self.arrayLiteral(unknown)]).rows
            contactsKnown.formUnion(rows.compactMap { $0.first ?? nil })
        }
        let known = p.contactIds.map(contactsKnown.contains)
        // Match's contact and rule stay, except on an internal thread, or when the contact does not exist; a link
        // left without a contact may take a created one.
        func dropped(_ l: PreparedLinks.Link) -> Bool {
            m.onInternalThread[l.message] || (l.contact >= 0 && !known[l.contact])
        }
        func creates(_ l: PreparedLinks.Link) -> Bool {
            l.mayCreate != nil && !m.onInternalThread[l.message] && m.sent[l.message]
                && (l.contact < 0 || !known[l.contact])
        }
        var toResolve: [String] = []
        var resolving: Set<String> = []
        for l in links where creates(l) {
            if let address = l.mayCreate, createdFor[address] == nil, resolving.insert(address).inserted {
                toResolve.append(address)
            }
        }
        if !toResolve.isEmpty {
            try lockCreatedAddresses(toResolve)
            for (address, id) in try PGCreatedContacts.resolve(c, toResolve, names: state.names, runId: state.runId) {
                createdFor[address] = .some(id)
                if let id { contactsKnown.insert(id) }
            }
        }
        var participants: [UInt8] = []
        participants.reserveCapacity(p.heads.count + links.count * 32)
        var created: [[String?]] = []
        for i in p.order {
            let l = links[i]
            var contactId = dropped(l) || l.contact < 0 ? nil : p.contactIds[l.contact]
            var rule = dropped(l) ? nil : l.rule
            if creates(l), let address = l.mayCreate, let id = createdFor[address] ?? nil {
                contactId = id
                rule = LoadState.createdRule
                created.append([m.threadId[l.message], id, address, LoadState.createdRule])
            }
            participants.append(contentsOf: p.heads[(i == 0 ? 0 : p.headEnds[i - 1])..<p.headEnds[i]])
            PostgresCopy.appendField(contactId, to: &participants)
            participants.append(0x09)
            PostgresCopy.appendField(rule, to: &participants)
            participants.append(0x0A)
        }
        try copyMerge("participants", staging: "in_participants", encoded: participants, upsert: Self.mergeParticipants)
        if !created.isEmpty {
            try copy("in_thread_contacts", created)
            try c.execute(Self.addCreatedThreadContacts)
        }
    }

    /// Takes, in the batch's transaction, an advisory lock per folded address (`AddressNormalizer.foldedKey`) for
    /// which this batch may create a contact, in one order for every worker: a worker about to create a contact for
    /// an address waits for another that is creating one for it (or for an address folding to it), then finds it.
    /// The locks cover every candidate of `PGCreatedContacts`' look-up, which all share the folded key.
    private func lockCreatedAddresses(_ addresses: [String]) throws {
        let folded = Set(addresses.compactMap { AddressNormalizer.parse($0).map { Self.createdLockPrefix + AddressNormalizer.foldedKey($0) } })
        guard !folded.isEmpty else { return }
        try c.execute("""
            SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0)))
            FROM (SELECT k FROM unnest($1::text[]) AS u(k) ORDER BY k COLLATE "C") s
            """, [Self.arrayLiteral(folded)])
    }

    static let createdLockPrefix = "mailroom-created-contact\u{1}"

    /// A PostgreSQL array literal of text values (`{"a","b\"c"}`), for `= ANY($1::text[])`.
    /// Built byte by byte: Foundation's `replacingOccurrences` cost a tenth of the load's CPU here.
    static func arrayLiteral(_ values: some Collection<String>) -> String {
        var out: [UInt8] = [0x7B]
        out.reserveCapacity(values.reduce(2) { $0 + $1.utf8.count + 3 })
        var first = true
        for v in values {
            if !first { out.append(0x2C) }
            first = false
            out.append(0x22)
            for b in v.utf8 {
                if b == 0x5C || b == 0x22 { out.append(0x5C) }
                out.append(b)
            }
            out.append(0x22)
        }
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }
}
