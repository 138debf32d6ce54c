import Testing
@testable import MailroomCore

@Suite struct CSVExportTests {
    @Test(arguments: [
        ("=1+2", "'=1+2"),
        ("+31 20 555 0100", "'+31 20 555 0100"),
        ("-2", "'-2"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("=cmd|' /C calc'!A0@evil.example", "'=cmd|' /C calc'!A0@evil.example"),
        ("a=b@example.com", "a=b@example.com"),
        ("jane@example.com", "jane@example.com"),
        ("'quoted", "'quoted"),
        ("", ""),
    ])
    func cellsThatWouldRunAsFormulasAreNeutralized(input: String, expected: String) {
        #expect(CSVExport.text(input) == expected)
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("Doe, Jane", "\"Doe, Jane\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("cr\rhere", "\"cr\rhere\""),
        ("", ""),
    ])
    func fieldsAreQuotedAsRFC4180Requires(input: String, expected: String) {
        #expect(CSVExport.field(input) == expected)
    }

    @Test func unmatchedAddressesExportHasAHeaderAndOneNeutralizedRowPerAddress() {
        var report = DryRunReport(run: .init(runId: "r", pipeline: "p", asOf: "2026-11-14", days: 7,
                                             windowStart: "2026-11-08T00:00:00Z", windowEnd: "2026-11-15T00:00:00Z"))
        report.unmatchedAddresses = [
            UnmatchedAddress(address: "=HYPERLINK(\"http://x\",\"y\")@evil.example", name: "Doe, \"Jane\"", messages: 1_200,
                             threads: 40, sentTo: 12, lastSeen: "2026-11-13T10:00:00Z", bulkOnly: false),
            UnmatchedAddress(address: "news@letters.example", name: "\r@cmd", messages: 3, threads: 3, sentTo: 0,
                             lastSeen: nil, bulkOnly: true),
        ]
        let csv = CSVExport.unmatchedAddresses(report)
        #expect(csv == "address,name,messages,threads,sent_to,last_seen,bulk_only\r\n"
            + "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")@evil.example\",\"Doe, \"\"Jane\"\"\",1200,40,12,2026-11-13T10:00:00Z,false\r\n"
            + "news@letters.example,\"'\r@cmd\",3,3,0,,true\r\n")
    }

    @Test func anEmptyListExportsOnlyTheHeader() {
        #expect(CSVExport.unmatchedAddresses([]) == "address,name,messages,threads,sent_to,last_seen,bulk_only\r\n")
    }
}
