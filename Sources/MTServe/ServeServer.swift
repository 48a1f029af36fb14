import Foundation
import Hummingbird
import Logging
import MTCore

/// Runs the server: loads every model (an error names the file and nothing listens), binds,
/// serves until SIGTERM or SIGINT, then stops accepting connections, finishes the requests
/// in flight and the search threads' work, and returns.
public enum ServeServer {
    public static func run(_ config: ServeConfig, say: @escaping @Sendable (String) -> Void) async throws {
        if let problem = config.problem { throw ProgramError(problem, at: "configuration") }
        let started = Date()
        let models = try config.models.map { try ServedModel.load(id: $0.id, path: $0.path) }
        let threads = config.threads > 0 ? config.threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
        let metrics = ServeMetrics()
        let registry = ModelRegistry(models)
        let service = TranslationService(
            registry: registry, policy: config.batch, limits: config.limits, threads: threads, metrics: metrics)
        let state = ServeState(config: config, registry: registry, service: service, metrics: metrics)
        var logger = Logger(label: "mt-serve")
        logger.logLevel = .warning
        let loaded = models.map { "\($0.id) (\($0.direction))" }.joined(separator: ", ")
        let host = config.host
        let app = Application(
            router: ServeRoutes.router(state),
            configuration: .init(address: .hostname(host, port: config.port), serverName: "mt-serve"),
            onServerRunning: { channel in
                say(String(format: "listening on http://%@:%d; models %@ loaded in %.1f s; %d search thread(s)",
                           host, channel.localAddress?.port ?? config.port, loaded, Date().timeIntervalSince(started), threads))
            },
            logger: logger)
        try await app.runService()
        service.shutdown()
        say("stopped")
    }
}
