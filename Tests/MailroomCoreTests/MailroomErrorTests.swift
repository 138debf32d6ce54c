import Testing
@testable import MailroomCore

@Suite struct MailroomErrorTests {
    @Test func errorCategoriesDefaultFromTheExitStatusAndCarryACause() {
        #expect(MailroomError(.network, "dropped").category == .retriable)
        #expect(MailroomError(.host, "no such host").category == .retriable)
        #expect(MailroomError(.port, "refused").category == .retriable)
        #expect(MailroomError(.input, "missing").category == .fatal)
        #expect(MailroomError(.auth, "rejected").category == .fatal)
        struct Errno: Error, Equatable { var code: Int32 }
        let e = MailroomError(.input, "cannot read the message: Permission denied", location: "cur/x",
                              category: .skippable, cause: Errno(code: 13))
        #expect(e.category == .skippable)
        #expect(e.cause as? Errno == Errno(code: 13))
        // The cause stays out of the one line a person reads.
        #expect(e.description == "cur/x: cannot read the message: Permission denied")
    }
}
