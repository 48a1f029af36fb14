import ArgumentParser
import MTCore

/// Micro-benchmarks of the neural core (release builds only give meaningful numbers).
@main
struct MTBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mt-bench",
        abstract: "Benchmarks of the neural core.",
        subcommands: [LSTMBench.self, GeneratorBench.self, SearchBench.self, TopKBench.self])

    /// Errors in the command line, and help, are ArgumentParser's to print; an error of
    /// the work itself ends the program with one `mt-bench: error:` line.
    static func main() {
        var command: ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        exitOnError(program: "mt-bench") {
            do { try command.run() } catch where exitCode(for: error).isSuccess { exit(withError: error) }
        }
    }
}
