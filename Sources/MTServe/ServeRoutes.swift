import Foundation
import Hummingbird
import MTCore
import MTDecode
import MTText
import NIOCore

/// The server's state that routes share: the models, the batching service, the settings
/// and the metrics.
public final class ServeState: Sendable {
    public let config: ServeConfig
    public let registry: ModelRegistry
    public let service: TranslationService
    public let metrics: ServeMetrics

    public init(config: ServeConfig, registry: ModelRegistry, service: TranslationService, metrics: ServeMetrics) {
        self.config = config
        self.registry = registry
        self.service = service
        self.metrics = metrics
    }

}

/// The routes: LibreTranslate's and OpenNMT-py's translation APIs, health, readiness,
/// models and their reload, metrics, and the web page.
public enum ServeRoutes {
    public static func router(_ state: ServeState) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorMiddleware(metrics: state.metrics))
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: WebPage.html)))
        }
        router.get("/health") { _, _ in json(.object(["status": .string("ok")])) }
        // Every model is loaded before the server listens: once it answers, it is ready.
        router.get("/ready") { _, _ in
            json(.object(["status": .string("ready"), "models": .array(state.registry.all.map { .string($0.id) })]))
        }
        router.get("/models") { _, _ in json(.array(state.registry.all.map(describe))) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: state.metrics.text())))
        }
        router.get("/languages") { _, _ in json(languages(state.registry.all)) }
        router.post("/translate") { request, _ in
            try await translating(request, state) { body in
                let r = try RequestParsing.libreTranslate(body: body, contentType: request.headers[.contentType])
                return try await translate(r, state)
            }
        }
        router.post("/detect") { request, _ in try await detect(request, state) }
        router.post("/translator/translate") { request, _ in
            try await translating(request, state) { body in try await translate(RequestParsing.openNMT(body: body), state) }
        }
        router.post("/models/{id}/reload") { request, context in
            let id = try context.parameters.require("id")
            var request = request
            let body = try await request.collectBody(upTo: state.config.limits.maxBodyBytes)
            return try await reload(id: id, body: Array(buffer: body), state)
        }
        return router
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: ResponseJSON.encode(value))))
    }

    /// Reads the body within the size limit (413 beyond) and runs `work` on it, cancelled
    /// as soon as the client closes its side of the connection. Watching the connection
    /// takes it over: the answer closes it, and says so.
    static func translating(_ request: Request, _ state: ServeState,
                            _ work: @escaping @Sendable ([UInt8]) async throws -> Response) async throws -> Response {
        let limit = state.config.limits.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw ServeError(413, "the body of \(length) bytes is over the limit max_body_bytes \(limit)")
        }
        var response = try await request.body.consumeWithCancellationOnInboundClose { body in
            let bytes: ByteBuffer
            do {
                bytes = try await body.collect(upTo: limit)
            } catch is NIOTooManyBytesError {
                throw ServeError(413, "the body is over the limit max_body_bytes \(limit)")
            }
            return try await work(Array(buffer: bytes))
        }
        response.headers[.connection] = "close"
        return response
    }

    /// Translates a request's texts: each is split into sentences (HTML into its blocks'
    /// sentences), which join the batches like any others, and the request resumes with the
    /// texts joined again. The sentence limit counts the sentences, the character limit the
    /// characters as sent.
    static func translate(_ r: TranslateRequest, _ state: ServeState) async throws -> Response {
        let limits = state.config.limits
        try r.check(limits)
        let model = try state.registry.resolve(model: r.model, source: r.source, target: r.target, text: r.words)
        var settings = try r.settings(defaults: state.config.defaults, limits: limits)
        settings.alignment = r.format == .html
        let plan = model.plan(r.lines, format: r.format, maxSourceLength: settings.maxSourceLength)
        try r.check(sentences: plan.sentences.count, limits)
        let sentences = try await state.service.translate(plan.sentences.map(\.source), model: model, settings: settings)
        let ts = plan.assemble(sentences)
        switch r.style {
        case .libreTranslate(let single):
            return json(ResponseJSON.libreTranslate(ts, single: single, request: r, settings: settings, model: model))
        case .openNMT:
            return json(ResponseJSON.openNMT(ts, lines: r.lines, settings: settings, request: r))
        }
    }

    /// LibreTranslate's POST /detect: the served source languages for `q`, best first, within
    /// the limits of a translation request. Detection is quick: the connection stays open.
    static func detect(_ request: Request, _ state: ServeState) async throws -> Response {
        let limit = state.config.limits.maxBodyBytes
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw ServeError(413, "the body is over the limit max_body_bytes \(limit)")
        }
        let lines = try RequestParsing.detect(body: Array(buffer: body), contentType: request.headers[.contentType])
        try TranslateRequest(style: .libreTranslate(single: lines.count == 1), lines: lines).check(state.config.limits)
        return json(.array(try LanguageDetection.detect(lines, among: state.registry.all).map(\.json)))
    }

    static func describe(_ m: ServedModel) -> JSONValue {
        .object([
            "id": .string(m.id), "path": .string(m.path),
            "source": .string(m.sourceLanguage), "target": .string(m.targetLanguage),
            "loaded_at": .string(ISO8601DateFormatter().string(from: m.loadedAt)),
            "parameters": .integer(Int64(m.model.store.parameters.reduce(0) { $0 + $1.value.count })),
            "source_vocabulary": .integer(Int64(m.model.config.sourceVocabularySize)),
            "target_vocabulary": .integer(Int64(m.model.config.targetVocabularySize)),
        ])
    }

    /// LibreTranslate's GET /languages: one entry per source language, with its targets.
    static func languages(_ models: [ServedModel]) -> JSONValue {
        var order: [String] = [], targets: [String: [String]] = [:]
        for m in models {
            if targets[m.sourceLanguage] == nil { order.append(m.sourceLanguage) }
            if !targets[m.sourceLanguage, default: []].contains(m.targetLanguage) {
                targets[m.sourceLanguage, default: []].append(m.targetLanguage)
            }
        }
        return .array(order.map { code in
            .object(["code": .string(code), "name": .string(languageName(code)),
                     "targets": .array(targets[code]!.map { .string($0) })])
        })
    }

    static func languageName(_ code: String) -> String {
        guard !code.isEmpty else { return "unknown" }
        return Locale(identifier: "en").localizedString(forLanguageCode: code) ?? code
    }

    /// Loads the model file (the body's `path`, else the one it was loaded from) beside the
    /// served model, then swaps it in; a failed load leaves the old model serving (422).
    static func reload(id: String, body: [UInt8], _ state: ServeState) async throws -> Response {
        guard let old = state.registry.model(id) else {
            throw ServeError(404, "unknown model \(ServeError.quoted(id)) (serving: \(state.registry.all.map(\.id).joined(separator: ", ")))")
        }
        let loadPath = try RequestParsing.reloadPath(body: body) ?? old.path
        let result: Result<ServedModel, Error> = await withCheckedContinuation { continuation in
            // Reading and checking a model file blocks: on a thread of its own, not the pool's.
            let thread = Thread { continuation.resume(returning: Result { try ServedModel.load(id: id, path: loadPath) }) }
            thread.stackSize = 1 << 23
            thread.start()
        }
        switch result {
        case .success(let model):
            state.registry.replace(with: model)
            state.metrics.reload(model: id, succeeded: true)
            return json(.object(["reloaded": .bool(true), "model": describe(model)]))
        case .failure(let error):
            state.metrics.reload(model: id, succeeded: false)
            throw ServeError(422, "reload failed, '\(id)' still serves the old model: \(oneLineDescription(of: error))")
        }
    }
}

/// Turns every error into `{"error": "one line"}` with its status, and counts each answer
/// in the metrics by route and status.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = TranslationService.now()
        var response: Response
        do {
            response = try await next(request, context)
        } catch let e as ServeError {
            response = ServeRoutes.json(.object(["error": .string(e.message)]), status: .init(code: e.status))
            if let s = e.retryAfter { response.headers[.retryAfter] = String(s) }
        } catch is CancellationError {
            // The client has gone: nobody reads this; 499 as nginx counts such requests.
            response = ServeRoutes.json(.object(["error": .string("the client closed the connection")]), status: .init(code: 499))
        } catch let e as HTTPError {
            let message = e.status == .notFound
                ? "no route \(request.method) \(request.uri.path)" : (e.body ?? e.status.reasonPhrase)
            response = ServeRoutes.json(.object(["error": .string(message)]), status: e.status)
        } catch let e as any HTTPResponseError {
            response = ServeRoutes.json(.object(["error": .string(e.status.reasonPhrase)]), status: e.status)
        } catch {
            response = ServeRoutes.json(.object(["error": .string(oneLineDescription(of: error))]), status: .internalServerError)
        }
        metrics.request(route: context.endpointPath ?? "NotFound", status: response.status.code,
                        seconds: TranslationService.now() - start)
        return response
    }
}
