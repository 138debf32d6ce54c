import Foundation
import Testing
@testable import MailroomIO

/// A file this process wrote is read again without hashing only while it is exactly as written.
@Suite struct WrittenFilesTests {
    static func freshFile(_ content: String) throws -> (WrittenFiles, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("written-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("f.ndjson").path
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        let files = WrittenFiles()
        files.record(path, sha256: "abc")
        return (files, path)
    }

    @Test func anUntouchedFileWithTheRecordedHashIsUnchanged() throws {
        let (files, path) = try Self.freshFile("{\"a\":1}\n")
        defer { try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent()) }
        #expect(files.isUnchanged(path, sha256: "abc"))
        #expect(!files.isUnchanged(path, sha256: "abd"), "the manifest names another hash")
        #expect(!files.isUnchanged(path + ".other", sha256: "abc"), "never written here")
    }

    @Test func aReplacedFileOfTheSameSizeIsChanged() throws {
        let (files, path) = try Self.freshFile("{\"a\":1}\n")
        defer { try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent()) }
        let other = path + ".new"
        try Data("{\"a\":2}\n".utf8).write(to: URL(fileURLWithPath: other))
        #expect(rename(other, path) == 0)
        #expect(!files.isUnchanged(path, sha256: "abc"))
    }

    @Test func aFileWrittenInPlaceIsChanged() throws {
        let (files, path) = try Self.freshFile("{\"a\":1}\n")
        defer { try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent()) }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.seek(toOffset: 5)
        try h.write(contentsOf: Data("2".utf8))
        try h.close()
        // The same size and inode; the modification time moves on (set explicitly: a write within the same
        // clock tick may keep it).
        var times = [timespec(tv_sec: 1, tv_nsec: 0), timespec(tv_sec: 1, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        #expect(!files.isUnchanged(path, sha256: "abc"))
    }

    @Test func aTruncatedFileIsChanged() throws {
        let (files, path) = try Self.freshFile("{\"a\":1}\n{\"a\":2}\n")
        defer { try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent()) }
        #expect(truncate(path, 8) == 0)
        #expect(!files.isUnchanged(path, sha256: "abc"))
    }
}
