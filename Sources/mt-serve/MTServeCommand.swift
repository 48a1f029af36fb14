import ArgumentParser
import Dispatch
import Foundation
import MTCommandLine
import MTCore
import MTServe
import MTTensor

@main
struct MTServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mt-serve",
        abstract: "Serve translations over HTTP: LibreTranslate's and OpenNMT-py's APIs, a web page, metrics.",
        discussion: """
            Sentences of concurrent requests are searched together in length-sorted batches; for \
            the same options every translation is the one mt-translate gives. SIGTERM or SIGINT \
            stops accepting connections, finishes the requests in flight and exits 0. Options given \
            here override the --config file's settings (README, "Serving translations").
            """)

    @Option(help: ArgumentHelp("A model to serve, FILE or ID=FILE (repeatable; the first is the default; id of a bare FILE: its name without .safetensors).", valueName: "[ID=]FILE"))
    var model: [String] = []
    @Option(help: "The address to listen on.") var host: String?
    @Option(help: "The port to listen on; 0: any free port (printed).") var port: Int?
    @Option(help: "A YAML file of settings (host, port, threads, models, batch, limits, defaults).") var config: String?
    @Option(help: "Search threads, each with its own copy of every model (default: one per core).") var threads: Int?
    @Option(help: "Default beam size of a request.") var beamSize: Int?

    static func main() {
        ProcessArithmetic.prepare()
        mainReportingErrors(program: "mt-serve")
    }

    func run() throws {
        var c = ServeConfig()
        if let config {
            guard let yaml = FileManager.default.contents(atPath: config).flatMap({ String(data: $0, encoding: .utf8) }) else {
                throw ProgramError("cannot read the configuration file", at: config)
            }
            c = try ServeConfig.load(yaml: yaml, location: config)
        }
        if !model.isEmpty {
            c.models = model.map { spec in
                if let eq = spec.firstIndex(of: "="), !spec[..<eq].contains("/") {
                    return .init(id: String(spec[..<eq]), path: String(spec[spec.index(after: eq)...]))
                }
                let name = URL(fileURLWithPath: spec).lastPathComponent
                return .init(id: name.hasSuffix(".safetensors") ? String(name.dropLast(12)) : name, path: spec)
            }
        }
        if let host { c.host = host }
        if let port { c.port = port }
        if let threads { c.threads = threads }
        if let beamSize { c.defaults.beamSize = beamSize }
        if let problem = c.problem { throw ProgramError(problem, at: config == nil ? "command line" : "command line, \(config!)") }
        // Parallelism comes from the search threads; a BLAS thread pool per GEMM would only compete.
        BLASThreads.set(1)
        let settings = c
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await ServeServer.run(settings) { StandardError.write("mt-serve: \($0)\n") }
            } catch {
                outcome.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }
}

/// The server task's error, read once it has ended.
private final class Outcome: @unchecked Sendable {
    var error: Error?
}
