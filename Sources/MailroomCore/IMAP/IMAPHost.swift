/// What a pipeline's `host` may be, and which addresses plain IMAP may go to. Decisions are made on addresses
/// (bytes), never on the host's text: `127.mail.example.com` is a DNS name like any other.
public enum IMAPHost {
    /// A valid host: a DNS name or an IP literal (IPv4 dotted quad, or IPv6 without brackets).
    public enum Kind: Sendable, Equatable {
        case name
        /// 4 bytes (IPv4) or 16 bytes (IPv6).
        case address([UInt8])
    }

    /// The host's kind, or why it is not a host (a sentence naming the problem).
    public static func check(_ host: String) -> Result<Kind, HostProblem> {
        if let a = ipv4(host) ?? ipv6(host) { return .success(.address(a)) }
        // `[::1]` is how a URL writes an IPv6 address; the pipeline's `host` is the address itself.
        if host.hasPrefix("["), host.hasSuffix("]"), host.utf8.count > 2, ipv6(String(host.dropFirst().dropLast())) != nil {
            return .failure(HostProblem(reason: "an IPv6 address is written without brackets: host: \"\(host.dropFirst().dropLast())\""))
        }
        if let why = nameProblem(host) { return .failure(HostProblem(reason: why)) }
        return .success(.name)
    }

    public struct HostProblem: Error, Sendable, Equatable {
        public var reason: String
    }

    /// 127.0.0.0/8, ::1 and IPv4-mapped ::ffff:127.x.x.x.
    public static func isLoopback(_ address: [UInt8]) -> Bool {
        switch address.count {
        case 4: return address[0] == 127
        case 16:
            if address[0..<15].allSatisfy({ $0 == 0 }) && address[15] == 1 { return true }
            let mapped = address[0..<10].allSatisfy { $0 == 0 } && address[10] == 0xFF && address[11] == 0xFF
            return mapped && address[12] == 127
        default: return false
        }
    }

    /// Plain IMAP (`security: none`) may connect only when the host resolved to at least one address and every
    /// one of them is loopback: a name that resolves to a loopback and another address is refused.
    public static func plaintextAllowed(resolved: [[UInt8]]) -> Bool {
        !resolved.isEmpty && resolved.allSatisfy(isLoopback)
    }

    /// `a.b.c.d`, each part 0-255 in decimal without leading zeros (no `127.1`, no octal or hex forms).
    public static func ipv4(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard (1...3).contains(p.utf8.count), p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  p.utf8.count == 1 || p.utf8.first != 48, let v = UInt8(p) else { return nil }
            out.append(v)
        }
        return out
    }

    /// An IPv6 address in text (RFC 4291 §2.2: groups of 1-4 hex digits, one `::`, an IPv4 tail); no zone id.
    public static func ipv6(_ s: String) -> [UInt8]? {
        guard s.contains(":"), s.utf8.count <= 45 else { return nil }
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ text: String, allowIPv4Tail: Bool) -> [UInt16]? {
            if text.isEmpty { return [] }
            var out: [UInt16] = []
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            for (i, p) in parts.enumerated() {
                if i == parts.count - 1, allowIPv4Tail, p.contains("."), let v4 = ipv4(String(p)) {
                    out.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    out.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard (1...4).contains(p.utf8.count), let v = UInt16(p, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        var all: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowIPv4Tail: false), let tail = groups(halves[1], allowIPv4Tail: true),
                  head.count + tail.count <= 7 else { return nil }
            all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let g = groups(s, allowIPv4Tail: true), g.count == 8 else { return nil }
            all = g
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Why `host` is not a DNS name (RFC 1123: labels of 1-63 letters, digits and hyphens, not starting or ending
    /// with a hyphen, at most 253 bytes, the last label not all digits); nil when it is one. Letters may be
    /// non-ASCII (an internationalized name, converted by libcurl).
    static func nameProblem(_ host: String) -> String? {
        var name = Substring(host)
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty else { return "it is empty" }
        guard name.utf8.count <= 253 else { return "it is longer than 253 bytes" }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty else { return "it has an empty label (two dots in a row, or a leading dot)" }
            guard label.utf8.count <= 63 else { return "the label '\(label.prefix(20))...' is longer than 63 bytes" }
            for c in label.unicodeScalars {
                let ok = c.isASCII ? (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-")
                                   : (c.properties.isAlphabetic || c.properties.numericType != nil)
                guard ok else { return "it contains '\(c.escaped(asASCII: true))', which no host name has (letters, digits, '-' and '.' only)" }
            }
            guard !label.hasPrefix("-"), !label.hasSuffix("-") else { return "the label '\(label)' starts or ends with '-'" }
        }
        if let last = labels.last, last.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return "it is neither a DNS name (the last label is a number) nor an IP address (a.b.c.d with 0-255 each)"
        }
        return nil
    }
}
