#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program's work. An error it throws ends the program the same way in every
/// tool: one line `<program>: error: <the error's first line>` on standard error, and
/// exit status 1. (Errors in the command line itself are the argument parser's to report.)
public func exitOnError(program: String, _ body: () throws -> Void) {
    do {
        try body()
    } catch {
        StandardError.write("\(program): error: \(oneLineDescription(of: error))\n")
        exit(1)
    }
}

/// The first non-empty line of an error's description: the toolkit's errors are one line
/// already, those of the libraries beneath it (YAML, JSON decoding) can run to several.
public func oneLineDescription(of error: Error) -> String {
    let text = "\(error)"
    return String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? Substring(text))
}
