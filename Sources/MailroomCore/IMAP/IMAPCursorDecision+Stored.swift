extension IMAPCursorDecision {
    /// What a folder read may rest on from the cursor stored for the folder (`stored`, nil when none): its highest
    /// UID when it was taken under the folder's current UIDVALIDITY. nil when there is none or the server
    /// renumbered the folder (another UIDVALIDITY): then its UIDs say nothing about the folder's messages now.
    public static func previous<N: BinaryInteger>(stored: (uidValidity: N, highestUID: N)?, uidValidity: N) -> N? {
        guard let stored, stored.uidValidity == uidValidity else { return nil }
        return stored.highestUID
    }

    /// The highest UID to store for a folder read under `uidValidity` that proposes `proposed`: a cursor never
    /// moves back, so under the stored cursor's UIDVALIDITY the higher of stored and proposed; under another, or
    /// with none stored, the proposed one.
    public static func kept<N: BinaryInteger>(_ proposed: N, uidValidity: N, stored: (uidValidity: N, highestUID: N)?) -> N {
        previous(stored: stored, uidValidity: uidValidity).map { max(proposed, $0) } ?? proposed
    }
}
