import ArgumentParser
import MTCommandLine
import MTTensor

/// Micro-benchmarks of the neural core (release builds only give meaningful numbers).
@main
struct MTBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mt-bench",
        abstract: "Benchmarks of the neural core.",
        subcommands: [PeakBench.self, LSTMBench.self, GeneratorBench.self, SearchBench.self, TopKBench.self, SubnormalsCheck.self])

    static func main() {
        ProcessArithmetic.prepare()
        mainReportingErrors(program: "mt-bench")
    }
}
