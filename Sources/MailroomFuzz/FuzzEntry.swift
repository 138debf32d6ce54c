import Foundation

/// The fuzz executable holds every target and picks one with `MAILROOM_FUZZ_TARGET`, so the sanitized build
/// happens once. Built by `scripts/fuzz.sh` with `--sanitize=fuzzer` and `-DMAILROOM_FUZZ`: libFuzzer then
/// provides `main` and calls `LLVMFuzzerTestOneInput`. In a normal build (`swift build`, the tests) the `main`
/// below replays input files instead: `MAILROOM_FUZZ_TARGET=header mailroom-fuzz FILE|DIR...`, which is also
/// how a crash file is checked once fixed.
enum FuzzEntry {
    static let target: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["MAILROOM_FUZZ_TARGET"] ?? ""
        guard let t = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("mailroom-fuzz: set MAILROOM_FUZZ_TARGET to one of: \(names)\n".utf8))
            exit(2)
        }
        atexit { InputFile.remove() }
        return t
    }()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func mailroomFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let target = FuzzEntry.target
    if let data {
        target.run(UnsafeRawBufferPointer(start: data, count: size))
    } else {
        target.run(UnsafeRawBufferPointer(start: nil, count: 0))
    }
    return 0
}

#if !MAILROOM_FUZZ
@main
struct FuzzReplay {
    /// Runs the target on every file named (directories: every file inside, sorted), then prints how many.
    static func main() {
        let target = FuzzEntry.target
        var files: [String] = []
        for arg in CommandLine.arguments.dropFirst() {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: arg, isDirectory: &isDir) else {
                FileHandle.standardError.write(Data("mailroom-fuzz: no such file: \(arg)\n".utf8))
                exit(2)
            }
            if isDir.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: arg)) ?? []
                files += names.sorted().map { "\(arg)/\($0)" }
            } else {
                files.append(arg)
            }
        }
        for f in files {
            guard let bytes = FileManager.default.contents(atPath: f) else { continue }
            bytes.withUnsafeBytes { target.run($0) }
        }
        print("mailroom-fuzz: \(target.rawValue): \(files.count) inputs, no finding")
    }
}
#endif
