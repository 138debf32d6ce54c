/// Which addresses are the company's own: a mailbox owner's address, or one on `ownDomains` (or a subdomain).
/// Every other participant is external: only those can link to contacts, and only those let a header-less reply
/// join a thread by subject.
public struct InternalAddresses: Sendable {
    /// Lower-case ASCII (punycode).
    private let ownDomains: [String]
    /// `Address.key` of every mailbox owner.
    private let owner: Set<String>

    /// - Parameters:
    ///   - ownDomains: the company's domains (Unicode or ASCII; compared in lower-case ASCII).
    ///   - owner: `Address.key` of every mailbox owner.
    public init(ownDomains: [String], owner: Set<String>) {
        self.ownDomains = ownDomains.map { DomainName.toASCII($0) ?? $0.lowercased() }
        self.owner = owner
    }

    public func contains(_ a: Address) -> Bool {
        owner.contains(a.key) || DomainName.isInternal(a.domain, ownDomains: ownDomains)
    }

    /// The match keys of a message's external participants (every envelope role), each once, in header order:
    /// what `ThreadBuilder.ParticipantSource` answers for one message.
    public func externalKeys(_ m: DedupedMatchFields) -> [String] {
        var seen: Set<String> = []
        var out: [String] = []
        for (_, a) in m.allAddresses where !contains(a) && seen.insert(a.key).inserted { out.append(a.key) }
        return out
    }
}
