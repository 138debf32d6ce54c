// swift-tools-version:6.1
import PackageDescription

/// Release builds of the stage code skip Swift's run-time exclusivity checks: they were about an eighth of the
/// extract stage's CPU time, and still 3.5% of a 10k dry run's instructions on 2026-12-05 (README, Benchmark).
/// Debug builds, and so the whole test suite, keep them.
let releaseSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Mailroom",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mailroom", targets: ["MailroomCLI"]),
        // The parsers' fuzz targets in one executable (scripts/fuzz.sh builds it with libFuzzer).
        .executable(name: "mailroom-fuzz", targets: ["MailroomFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C shims: plain-C public headers; system headers are included only by the .c files.
        .target(
            name: "CICUShim",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),
        .target(
            name: "CCurlShim",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // libpq (Debian's libpq-dev): the PostgreSQL store's client, COPY included.
        .target(
            name: "CPQShim",
            linkerSettings: [.linkedLibrary("pq")]
        ),
        // jemalloc for the `mailroom` executable only (Debian's libjemalloc-dev): its options, and what it reports.
        // Tests and the fuzz build keep the system allocator (ASan brings its own).
        .target(
            name: "CAllocShim",
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        // Pure stage functions: values in, values + issues out. No files, sockets, clock or environment.
        .target(
            name: "MailroomCore",
            dependencies: [
                "CICUShim",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: releaseSettings
        ),
        // I/O shell: mail sources, run directory, NDJSON files, CRM stores, IMAP.
        .target(
            name: "MailroomIO",
            dependencies: [
                "MailroomCore",
                "CCurlShim",
                "CPQShim",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: releaseSettings
        ),
        // Thin CLI: parses, calls, formats.
        .executableTarget(
            name: "MailroomCLI",
            dependencies: [
                "MailroomIO",
                "CAllocShim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzz targets: MAILROOM_FUZZ_TARGET picks one; see scripts/fuzz.sh and the README's "Fuzzing".
        .executableTarget(name: "MailroomFuzz", dependencies: ["MailroomIO"]),
        .testTarget(name: "MailroomCoreTests", dependencies: ["MailroomCore"]),
        .testTarget(name: "MailroomIOTests", dependencies: ["MailroomIO"]),
        .testTarget(name: "MailroomCLITests", dependencies: ["MailroomIO"], exclude: ["Golden"]),
    ],
    // Swift 6 language mode for every target: complete concurrency checking, data races are errors.
    swiftLanguageModes: [.v6]
)
