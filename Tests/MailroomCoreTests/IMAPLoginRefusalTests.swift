import Testing
@testable import MailroomCore

/// Decoding what a server says when it refuses a login (issue 16): the tagged NO and the SASL error that Gmail,
/// Dovecot and other RFC 7628 servers send as base64 JSON in a continuation before it.
@Suite struct IMAPLoginRefusalTests {
    /// Gmail's documented failure (Google's XOAUTH2 protocol page), with the trailing newline its base64 holds.
    @Test func gmailsBase64JSONIsDecoded() throws {
        let r = try #require(IMAPLoginRefusal.parse(
            continuation: "+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIG1hYyIsInNjb3BlIjoiaHR0cHM6Ly9tYWlsLmdvb2dsZS5jb20vIn0K",
            refusal: "A002 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"))
        #expect(r.saslStatus == "401")
        #expect(r.saslSchemes == "bearer mac")
        #expect(r.saslScope == "https://mail.google.com/")
        #expect(r.code == "AUTHENTICATIONFAILED")
        #expect(r.text == "Invalid credentials (Failure)")
        #expect(r.said == "[AUTHENTICATIONFAILED] Invalid credentials (Failure); SASL error status 401, scope https://mail.google.com/")
        #expect(r.saslMeaning == "the access token is invalid or expired")
    }

    /// RFC 6750 error names (some servers send them instead of HTTP numbers), and the other numbers.
    @Test func rfc6750StatusNamesAreUnderstood() throws {
        let json = #"{"status":"invalid_token","schemes":"bearer","scope":"mail"}"#
        let r = try #require(IMAPLoginRefusal.parse(continuation: "+ " + base64(json), refusal: "a1 NO [AUTHENTICATIONFAILED] Authentication failed."))
        #expect(r.saslStatus == "invalid_token")
        #expect(r.saslMeaning == "the access token is invalid or expired")
        let scope = try #require(IMAPLoginRefusal.parse(continuation: "+ " + base64(#"{"status":"insufficient_scope","scope":"https://outlook.office.com/IMAP.AccessAsUser.All"}"#), refusal: ""))
        #expect(scope.saslMeaning == "the token lacks the scope the server needs (https://outlook.office.com/IMAP.AccessAsUser.All)")
        let user = try #require(IMAPLoginRefusal.parse(continuation: "+ " + base64(#"{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}"#), refusal: ""))
        #expect(user.saslMeaning?.hasPrefix("the token does not belong to this username") == true)
        // A status as a number is shown as one.
        let number = try #require(IMAPLoginRefusal.parse(continuation: "+ " + base64(#"{"status":401}"#), refusal: ""))
        #expect(number.saslStatus == "401")
    }

    /// Microsoft 365 and password servers send no JSON: the tagged text alone is kept; an ALERT is marked.
    @Test func aRefusalWithoutSASLErrorKeepsTheTaggedText() throws {
        let ms = try #require(IMAPLoginRefusal.parse(continuation: "", refusal: "A002 NO AUTHENTICATE failed."))
        #expect(ms.code == nil && ms.text == "AUTHENTICATE failed." && ms.saslStatus == nil && ms.saslMeaning == nil)
        #expect(ms.said == "AUTHENTICATE failed.")
        let alert = try #require(IMAPLoginRefusal.parse(continuation: "", refusal: "A001 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)"))
        #expect(alert.isAlert && alert.text?.hasPrefix("Application-specific password required") == true)
        // An empty continuation (a server asking for the SASL response) is not an error.
        let plain = try #require(IMAPLoginRefusal.parse(continuation: "+ ", refusal: "A001 BAD [CLIENTBUG] syntax"))
        #expect(plain.code == "CLIENTBUG" && plain.saslStatus == nil)
    }

    /// Hostile or broken server text: nothing decodable is nil; control characters are escaped and text is cut.
    @Test func hostileTextIsEscapedCutOrIgnored() throws {
        #expect(IMAPLoginRefusal.parse(continuation: "", refusal: "") == nil)
        #expect(IMAPLoginRefusal.parse(continuation: "+ not base64!", refusal: "") == nil)
        #expect(IMAPLoginRefusal.parse(continuation: "+ " + base64("[1,2]"), refusal: "") == nil)
        #expect(IMAPLoginRefusal.parse(continuation: "+ " + base64("{\"status\":"), refusal: "") == nil)
        let esc = try #require(IMAPLoginRefusal.parse(continuation: "+ " + base64("{\"status\":\"\\u001b[31mred\"}"), refusal: "A1 NO \u{1b}]0;title\u{7}"))
        #expect(!(esc.saslStatus ?? "").contains("\u{1b}") && !(esc.text ?? "").contains("\u{1b}"))
        let long = try #require(IMAPLoginRefusal.parse(continuation: "", refusal: "A1 NO " + String(repeating: "x", count: 900)))
        #expect((long.text ?? "").count == 201)
    }

    private func base64(_ s: String) -> String { NormalizeMessages.base64(s) }
}
