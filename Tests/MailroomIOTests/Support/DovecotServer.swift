import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Dovecot (Debian's package) started by a test on loopback with its own config, free ports, a test CA and
/// users `user1`…`userN` (password `pw-<user>`), mail in Maildir below a temporary folder. A watchdog process
/// stops it and removes the folder when the test process ends, even if the test crashes.
final class DovecotServer: @unchecked Sendable {
    static let binary = "/usr/sbin/dovecot"
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: binary) && FileManager.default.isExecutableFile(atPath: "/usr/bin/doveadm")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    }

    let root: URL
    let config: String
    let plainPort: Int
    let tlsPort: Int
    /// CA that signed the server certificate (SAN 127.0.0.1 and localhost).
    let caFile: String
    /// A CA that did not sign it (for the wrong-certificate test).
    let otherCAFile: String
    private var nextUser = 0
    private let lock = NSLock()
    let userCount: Int

    /// `oauth2Introspection`: instead of passwords, Dovecot checks XOAUTH2 and OAUTHBEARER tokens with its
    /// `passdb { driver = oauth2 }`, POSTing each token to this introspection URL (RFC 7662; the answer's
    /// `active` must be true and its `username` the login's user).
    init(users: Int = 12, oauth2Introspection: String? = nil) throws {
        userCount = users
        root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mailroom-dovecot-\(UUID().uuidString)")
        let fm = FileManager.default
        for d in ["run", "state", "mail"] {
            try fm.createDirectory(at: root.appendingPathComponent(d), withIntermediateDirectories: true)
        }
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        let r = root.path
        try DovecotServer.sh("""
            cd '\(r)' && \
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=Mailroom Test CA' && \
            openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 -subj '/CN=Other CA' && \
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=localhost' && \
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > ext.cnf && \
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf
            """)
        if DovecotServer.isRoot { try DovecotServer.sh("chown -R nobody:nogroup '\(r)/mail'") }
        let (user, group) = DovecotServer.mailUser
        caFile = "\(r)/ca.pem"
        otherCAFile = "\(r)/other.pem"
        var passwd = ""
        for i in 1...users { passwd += "user\(i):{PLAIN}pw-user\(i)\n" }
        try passwd.write(toFile: "\(r)/passwd", atomically: false, encoding: .utf8)
        plainPort = try DovecotServer.freePort()
        tlsPort = try DovecotServer.freePort()
        config = "\(r)/dovecot.conf"
        let mechanisms: String, passdb: String
        if let introspection = oauth2Introspection {
            try """
                introspection_mode = post
                introspection_url = \(introspection)
                username_attribute = username
                active_attribute = active
                active_value = true

                """.write(toFile: "\(r)/oauth2.conf.ext", atomically: false, encoding: .utf8)
            mechanisms = "xoauth2 oauthbearer"
            passdb = "driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = \(r)/oauth2.conf.ext"
        } else {
            mechanisms = "plain login"
            passdb = "driver = passwd-file\n  args = scheme=PLAIN \(r)/passwd"
        }
        try """
            base_dir = \(r)/run
            state_dir = \(r)/state
            log_path = \(r)/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = yes
            ssl_cert = <\(r)/server.pem
            ssl_key = <\(r)/server.key
            disable_plaintext_auth = no
            auth_mechanisms = \(mechanisms)
            default_internal_user = \(user)
            default_internal_group = \(group)
            default_login_user = \(user)
            first_valid_uid = 0
            mail_location = maildir:\(r)/mail/%u
            passdb {
              \(passdb)
            }
            userdb {
              driver = static
              args = uid=\(user) gid=\(group) home=\(r)/mail/%u
            }
            service anvil {
              chroot =
              # No authentication penalty: the tests that log in with a wrong password would otherwise make
              # Dovecot delay every login from 127.0.0.1 (up to 15 s), and other tests' logins time out.
              unix_listener anvil-auth-penalty {
                mode = 0
              }
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = 127.0.0.1
                port = \(plainPort)
              }
              inet_listener imaps {
                address = 127.0.0.1
                port = \(tlsPort)
                ssl = yes
              }
            }
            namespace inbox {
              inbox = yes
              separator = /
              mailbox "Sent Items" {
                special_use = \\Sent
                auto = subscribe
              }
            }

            """.write(toFile: config, atomically: false, encoding: .utf8)
        try start()
        // Watchdog: when this test process ends, stop Dovecot and remove the folder.
        try DovecotServer.detached("""
            ( while kill -0 \(getpid()) 2>/dev/null; do sleep 0.5; done; \
              doveadm -c '\(config)' stop >/dev/null 2>&1; sleep 0.5; rm -rf '\(r)' ) </dev/null >/dev/null 2>&1 &
            """, log: root.path + "/watchdog.log")
    }

    /// Starts (or restarts) the master and waits until both ports accept connections and the plain port greets
    /// (`* OK`): on a loaded machine the master listens seconds before its first login process answers, and a
    /// client connecting meanwhile waits out its own timeout (CI saw a test's rerun give up so, 3 x 10 s).
    func start() throws {
        // Dovecot keeps the descriptors it inherits: give it files, not this process's pipes.
        try DovecotServer.detached("\(DovecotServer.binary) -c '\(config)'", log: root.path + "/start.log")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if DovecotServer.accepts(plainPort) && DovecotServer.accepts(tlsPort) && DovecotServer.greets(plainPort) {
                return
            }
            usleep(50_000)
        }
        throw HarnessError("Dovecot did not start (or did not greet) within 60 s: \((try? String(contentsOfFile: root.path + "/dovecot.log", encoding: .utf8)) ?? "")")
    }

    /// Stops the master and waits until it has exited and the ports refuse connections.
    /// Mail processes still serving a connection are killed too (by id: the master's children), so a client
    /// sees its connection drop as it would when a server goes down. On a loaded machine the master can take
    /// seconds to exit, and while it lives its listening sockets take connections nobody answers: a restart
    /// before then would fail to bind while `start` saw the old sockets accept. So this waits for the master
    /// (killing it after 10 s) and fails when the ports still accept.
    func stop() throws {
        let master = masterPid()
        let children = masterChildren()
        try DovecotServer.sh("doveadm -c '\(config)' stop")
        for pid in children { kill(pid, SIGKILL) }
        if let master, !DovecotServer.waitForExit(master, seconds: 10) {
            kill(master, SIGKILL)
            _ = DovecotServer.waitForExit(master, seconds: 5)
        }
        for _ in 0..<200 {
            if !DovecotServer.accepts(plainPort) && !DovecotServer.accepts(tlsPort) {
                usleep(100_000)
                return
            }
            usleep(50_000)
        }
        throw HarnessError("Dovecot still accepts connections 10 s after it was stopped")
    }

    /// The master's process id, from its pid file.
    func masterPid() -> pid_t? {
        guard let text = try? String(contentsOfFile: root.path + "/run/master.pid", encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Waits until `pid` has exited (gone, or a zombie nobody reaps yet), at most `seconds`; whether it did.
    static func waitForExit(_ pid: pid_t, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return true }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.first == "Z" { return true }
            usleep(20_000)
        }
        return false
    }

    /// Process ids whose parent is this server's master.
    func masterChildren() -> [pid_t] {
        guard let master = masterPid() else { return [] }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var out: [pid_t] = []
        for e in entries {
            guard let pid = Int32(e), let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 2, Int32(fields[1]) == master { out.append(pid) }
        }
        return out
    }

    /// A user no other test has used: (name, password).
    func freshUser() -> (name: String, password: String) {
        lock.lock(); defer { lock.unlock() }
        nextUser += 1
        precondition(nextUser <= userCount, "DovecotServer has \(userCount) users: raise users:")
        return ("user\(nextUser)", "pw-user\(nextUser)")
    }

    /// Puts a message into a folder as a Maildir file; Dovecot takes INTERNALDATE from the file's mtime.
    /// `flags` are Maildir letters (`S` seen, `R` replied, `F` flagged).
    func addMessage(user: String, folder: String = "INBOX", bytes: [UInt8], internalDate: Int64, flags: String = "") throws {
        let base = root.appendingPathComponent("mail/\(user)")
        let dir = folder.uppercased() == "INBOX" ? base : base.appendingPathComponent("." + folder.replacingOccurrences(of: "/", with: "."))
        let fm = FileManager.default
        for sub in ["cur", "new", "tmp"] {
            try fm.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        nextFile += 1
        let name = "\(internalDate).M\(nextFile)P\(getpid()).mailroom-test:2,\(String(flags.sorted()))"
        let file = dir.appendingPathComponent("cur/\(name)")
        try Data(bytes).write(to: file)
        var times = [timespec(tv_sec: Int(internalDate), tv_nsec: 0), timespec(tv_sec: Int(internalDate), tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, file.path, &times, 0)
        if DovecotServer.isRoot { try DovecotServer.sh("chown -R nobody:nogroup '\(base.path)'") }
    }
    private var nextFile = 0

    /// `doveadm -c CONFIG <arguments>`, its standard output.
    @discardableResult
    func doveadm(_ arguments: [String]) throws -> String {
        try DovecotServer.run("/usr/bin/doveadm", ["-c", config] + arguments)
    }

    /// `uid flags` lines of a folder, from doveadm (the server's own view).
    func flagsListing(user: String, folder: String = "INBOX") throws -> String {
        try doveadm(["fetch", "-u", user, "uid flags", "mailbox", folder, "all"])
    }

    // MARK: helpers

    static var isRoot: Bool { getuid() == 0 }

    /// Mail and login processes run as `nobody` when the tests run as root (Dovecot refuses uid 0 for them),
    /// else as the test's own user (Dovecot then runs unprivileged).
    static var mailUser: (user: String, group: String) {
        if isRoot { return ("nobody", "nogroup") }
        let user = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "nobody"
        let group = getgrgid(getgid()).map { String(cString: $0.pointee.gr_name) } ?? "nogroup"
        return (user, group)
    }

    static func sh(_ script: String) throws {
        _ = try run("/bin/sh", ["-c", script])
    }

    /// Runs a script that leaves daemons behind, with posix_spawn and waitpid: Foundation's `Process` waits
    /// on a descriptor that a daemon inherits and keeps, so it would never see the script end. Output to `log`.
    static func detached(_ script: String, log: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Close every other descriptor first: the daemons would otherwise keep copies of sockets other tests
        // have open (a client socket that never closes leaves its server waiting forever).
        let closeInherited = "for p in /proc/$$/fd/*; do n=${p##*/}; if [ \"$n\" -gt 2 ] 2>/dev/null; then exec {n}>&- 2>/dev/null; fi; done; "
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/bash"), strdup("-c"), strdup(closeInherited + script), nil]
        defer { for a in argv { free(a) } }
        // The calling thread may block signals (dispatch worker threads do): give the daemons a clean signal
        // mask and default handlers, or `doveadm stop` (SIGTERM) would never reach them.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/bash", &actions, &attr, argv, environ)
        guard rc == 0 else { throw HarnessError("posix_spawn failed: \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            throw HarnessError("\(script) failed: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
    }

    @discardableResult
    static func run(_ path: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw HarnessError("\(path) \(arguments.joined(separator: " ")) failed: \(String(decoding: errData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp -> Bool in
                bind(fd, sp, len) == 0 && getsockname(fd, sp, &len) == 0
            }
        }
        guard ok else { throw HarnessError("no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Whether a connection to `port` gets an IMAP greeting (`* OK`) within 5 s.
    static func greets(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        guard connectToLoopback(fd, port) else { return false }
        var got: [UInt8] = []
        let deadline = Date().addingTimeInterval(5)
        while got.count < 4, Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 200) >= 0 else { return false }
            guard p.revents != 0 else { continue }
            var buf = [UInt8](repeating: 0, count: 256)
            let n = read(fd, &buf, buf.count)
            guard n > 0 else { return false }
            got += buf[0..<n]
        }
        return got.starts(with: Array("* OK".utf8))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return connectToLoopback(fd, port)
    }

    /// Connects `fd` to 127.0.0.1:`port`; whether it connected.
    static func connectToLoopback(_ fd: Int32, _ port: Int) -> Bool {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
