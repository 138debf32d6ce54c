extension SecretReference {
    /// Reads a pipeline's `secret` value: `env:NAME`, `file:PATH` or `cmd:PROGRAM ARG…` (`SecretCommandLine`).
    /// The failure is the rest of a sentence starting "'secret' in <context>", and never quotes the value: it may
    /// be the password itself.
    public static func parse(_ text: String) -> Result<SecretReference, ParseProblem> {
        if text.hasPrefix("env:"), text.count > 4 { return .success(.env(String(text.dropFirst(4)))) }
        if text.hasPrefix("file:"), text.count > 5 { return .success(.file(String(text.dropFirst(5)))) }
        if text.hasPrefix("cmd:") {
            return SecretCommandLine.split(String(text.dropFirst(4))).map { .command($0) }.mapError { .command($0) }
        }
        return .failure(.notAReference)
    }

    public enum ParseProblem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Neither `env:`, `file:` nor `cmd:`.
        case notAReference
        case command(SecretCommandLine.Problem)

        public var description: String {
            switch self {
            case .notAReference:
                return "must be env:NAME, file:PATH or cmd:PROGRAM ARG… (the secret itself never goes in the pipeline file)"
            case .command(let p):
                return "is a cmd: whose command line \(p) (PROGRAM ARG…: words split on spaces, quoted as in a shell, run without a shell)"
            }
        }
    }
}
