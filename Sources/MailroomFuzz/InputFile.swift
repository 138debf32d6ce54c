import Foundation

/// The file-reading targets (mbox, NDJSON) read the input from one scratch file, rewritten for every input.
enum InputFile {
    static let path: String = {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return "\(dir)/mailroom-fuzz-\(getpid()).input"
    }()

    static func write(_ data: UnsafeRawBufferPointer) -> String {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "cannot write the fuzz input file \(path): errno \(errno)")
        defer { close(fd) }
        var done = 0
        while done < data.count {
            let n = Foundation.write(fd, data.baseAddress! + done, data.count - done)
            precondition(n > 0 || errno == EINTR, "cannot write the fuzz input file \(path): errno \(errno)")
            if n > 0 { done += n }
        }
        return path
    }

    static func remove() { unlink(path) }
}
