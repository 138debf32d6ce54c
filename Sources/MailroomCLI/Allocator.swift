import CAllocShim

/// The allocator the `mailroom` executable runs on, as it reports itself (`mailroom --version`).
enum Allocator {
    static var description: String {
        var buffer = [CChar](repeating: 0, count: 160)
        mr_allocator_describe(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
