extension ReviewReport {
    /// The post-load review's checks: name and what each one verifies, in report order. The checks themselves read
    /// the store (`ReviewChecks` in MailroomIO); the report renders one line per check from this list.
    public static let checks: [(String, String)] = [
        ("linked-address", "every message linked to a contact has that contact's address among its participants"),
        ("duplicate-address", "no two contacts share a normalized address"),
        ("internal-linked", "no internal-only thread is linked to a contact"),
        ("recent-sent", "each mailbox has sent messages in the last 7 days of its window"),
        subjectJoinCheck,
        duplicateMessageCheck,
    ]

    public static let subjectJoinCheck = (
        "subject-join-stranger",
        "no thread holds a message joined by subject that shares no external participant with the thread's others"
    )

    public static let duplicateMessageCheck = (
        "duplicate-message",
        "no Message-ID is on two messages with the same sender and date (one email stored twice)"
    )
}
