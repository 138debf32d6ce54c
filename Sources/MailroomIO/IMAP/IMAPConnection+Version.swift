import CCurlShim
import MailroomCore

extension IMAPConnection {
    /// The linked libcurl's version, e.g. `7.88.1` (`mailroom --version` names it).
    public static var curlVersion: String { String(cString: mr_curl_version()) }

    /// The oldest libcurl Mailroom talks IMAP with: 7.79.0. Older ones could be talked out of a required
    /// STARTTLS (CVE-2021-22946) and trusted answers injected before the TLS handshake (CVE-2021-22947).
    public static let minimumCurlVersion = (major: 7, minor: 79, patch: 0)

    /// `7.79.0`.
    public static var minimumCurlVersionText: String {
        let m = minimumCurlVersion
        return "\(m.major).\(m.minor).\(m.patch)"
    }

    /// Whether a libcurl version number (`0xXXYYZZ`) is at least the minimum.
    public static func isSupportedCurl(versionNumber v: UInt32) -> Bool {
        let m = minimumCurlVersion
        return v >= UInt32(m.major << 16 | m.minor << 8 | m.patch)
    }

    /// Refuses IMAP work with a libcurl older than the minimum (exit 12, encryption).
    static func checkCurlVersion(versionNumber: UInt32 = mr_curl_version_num()) throws {
        guard isSupportedCurl(versionNumber: versionNumber) else {
            throw MailroomError(.tls, "the linked libcurl \(curlVersion) is older than \(minimumCurlVersionText), the oldest that enforces STARTTLS (CVE-2021-22946, CVE-2021-22947); update libcurl",
                                location: "libcurl")
        }
    }
}
