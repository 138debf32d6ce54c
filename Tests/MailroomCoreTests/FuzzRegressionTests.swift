import Testing
import MailroomCore

/// Inputs the fuzz targets (`scripts/fuzz.sh`) found crashing a parser, one named test each. Each failed (a trap,
/// so the whole test process died) before its fix.
struct FuzzRegressionTests {
    /// imap-response, 2026-12-04: a literal announced with 20 digits overflowed `Int` while its length was read
    /// (`IMAPTokenizer.literal`), trapping the process. The framer caps the digits, but `IMAPResponse.parse` is
    /// public and read the length of any bytes it was given.
    @Test func aLiteralLengthOfTwentyDigitsIsAProtocolErrorNotATrap() {
        for text in ["{99999999999999999999}\r\n", "* 1 FETCH (BODY[] {99999999999999999999}\r\nab)\r\n",
                     "* LIST () \"/\" {18446744073709551616+}\r\nx\r\n"] {
            #expect(throws: IMAPProtocolError.self) { try IMAPResponse.parse(Array(text.utf8)) }
        }
        // A literal that fits is still read.
        #expect(throws: Never.self) { try IMAPResponse.parse(Array("* LIST () \"/\" {5}\r\nA&-B \r\n".utf8)) }
    }

    /// imap-response, 2026-12-04 (after 500,402 executions): `{}` and a CR ending the bytes read one byte past
    /// them (`IMAPTokenizer.literal` allowed `}` CR LF to end at the last byte when the length was 0), an index
    /// out of range. The framer never returns such bytes (a response ends with CRLF), but `parse` is public.
    @Test func aLiteralCutAfterItsCRIsAProtocolErrorNotAnIndexOutOfRange() {
        for text in ["{}\r", "{0}\r", "* 1 FETCH (BODY[] {}\r", "{0+}\r"] {
            #expect(throws: IMAPProtocolError.self) { try IMAPResponse.parse(Array(text.utf8)) }
        }
        // An empty literal that is complete is still read.
        #expect(throws: Never.self) { try IMAPResponse.parse(Array("* 1 FETCH (BODY[] {0}\r\n)\r\n".utf8)) }
    }

    /// date, 2026-12-04 (found replaying the date target by hand; 10 minutes of fuzzing had not reached it): an
    /// INTERNALDATE whose year has 14 to 18 digits parses as an `Int` and overflowed the day arithmetic, trapping.
    @Test func anInternalDateWithAHugeYearIsRefusedNotATrap() {
        #expect(IMAPDate.parseInternalDate("17-Jul-99999999999999 02:44:25 -0700") == nil)
        #expect(IMAPDate.parseInternalDate("17-Jul-999999999999999999 02:44:25 -0700") == nil)
        #expect(IMAPDate.parseInternalDate("17-Jul-10000 02:44:25 -0700") == nil)
        #expect(IMAPDate.parseInternalDate("17-Jul-1996 02:44:25 -0700") == 837_596_665)
    }
}
