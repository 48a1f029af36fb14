import Foundation
import MTDecode
import MTModel
import MTModelFile
import MTTensor
import MTText

/// One loaded model as the server holds it: the weights (read-only while serving; each
/// search thread decodes with its own replica), the text pipeline, and what /models shows.
public final class ServedModel: @unchecked Sendable {
    public let id: String
    public let path: String
    public let loadedAt: Date
    public let model: Seq2Seq<Float>
    /// Source and target language codes from preprocessing ("" when none was given: such a
    /// model matches any code).
    public let sourceLanguage: String
    public let targetLanguage: String
    /// The pipeline is not thread-safe (ICU iterators, BPE caches): encoding holds `lock`;
    /// outputs read only its vocabulary, which never changes.
    let pipeline: TextPipeline
    private let lock = NSLock()
    /// What language detection needs of the source side (built on first use).
    let sourceProfile: SourceProfile

    public init(id: String, path: String, loaded: LoadedModel) {
        self.id = id
        self.path = path
        loadedAt = Date()
        model = loaded.model
        pipeline = loaded.pipeline
        sourceProfile = SourceProfile(pipeline: loaded.pipeline)
        sourceLanguage = loaded.pipeline.settings.sourceLanguage
        targetLanguage = loaded.pipeline.settings.targetLanguage
        model.prepareForTranslation()
    }

    /// Reads a model file (the errors are ModelFile's, naming the file).
    public static func load(id: String, path: String) throws -> ServedModel {
        ServedModel(id: id, path: path, loaded: try ModelFile.load(path))
    }

    /// Each line's subwords and ids, as mt-translate reads it.
    func encode(_ lines: [String], maxSourceLength: Int) -> [(tokens: [String], ids: [Int32])] {
        lock.lock()
        defer { lock.unlock() }
        return lines.map {
            let s = Translator<Float>.source($0, pipeline: pipeline, maxSourceLength: maxSourceLength)
            return (s.tokens, s.ids)
        }
    }

    /// The sentences of `texts` and how their translations join (`TextPlan`), as
    /// mt-translate splits them.
    func plan(_ texts: [String], format: TextFormat, maxSourceLength: Int) -> TextPlan {
        lock.lock()
        defer { lock.unlock() }
        return TextPlan(texts.map { TranslationInput(source: $0) }, pipeline: pipeline, format: format,
                        maxSourceLength: maxSourceLength)
    }

    func translates(from source: String?, to target: String?) -> Bool {
        func fits(_ code: String?, _ mine: String) -> Bool {
            guard let code, code != "auto" else { return true }
            return mine.isEmpty || code.lowercased() == mine.lowercased()
        }
        return fits(source, sourceLanguage) && fits(target, targetLanguage)
    }

    var direction: String {
        "\(sourceLanguage.isEmpty ? "?" : sourceLanguage)→\(targetLanguage.isEmpty ? "?" : targetLanguage)"
    }
}

/// The models being served, by id. A reload loads the new file beside the old model, which
/// keeps serving until the swap; requests already holding the old model finish with it.
public final class ModelRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String]
    private var models: [String: ServedModel]

    public init(_ served: [ServedModel]) {
        ids = served.map(\.id)
        models = Dictionary(uniqueKeysWithValues: served.map { ($0.id, $0) })
    }

    public var all: [ServedModel] {
        lock.lock()
        defer { lock.unlock() }
        return ids.map { models[$0]! }
    }

    public func model(_ id: String) -> ServedModel? {
        lock.lock()
        defer { lock.unlock() }
        return models[id]
    }

    /// True while `model` is the one served under its id.
    func isServing(_ model: ServedModel) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return models[model.id] === model
    }

    /// Swaps in a model under an id that is served already.
    func replace(with model: ServedModel) {
        lock.lock()
        models[model.id] = model
        lock.unlock()
    }

    /// The model for a request: the one it names, else the one that translates its
    /// languages (the first served when it names none); when a source `auto` (or none)
    /// fits several, the one whose language `LanguageDetection` ranks first for `text`.
    /// 404 for an unknown id, 400 for languages no model has, or for text that tells
    /// nothing of its language when several fit.
    public func resolve(model id: String?, source: String?, target: String?, text: [String] = []) throws -> ServedModel {
        let all = self.all
        let served = all.map { "\($0.id) (\($0.direction))" }.joined(separator: ", ")
        if let id {
            guard let m = model(id) else { throw ServeError(404, "unknown model \(ServeError.quoted(id)) (serving: \(served))") }
            guard m.translates(from: source, to: target) else {
                throw ServeError.badRequest(
                    "model '\(id)' translates \(m.direction), not \(ServeError.language(source, or: "auto"))→\(ServeError.language(target, or: "?"))")
            }
            return m
        }
        let fitting = all.filter { $0.translates(from: source, to: target) }
        guard let first = fitting.first else {
            throw ServeError.badRequest("no model translates \(ServeError.language(source, or: "auto"))→\(ServeError.language(target, or: "?")) (serving: \(served))")
        }
        if fitting.count > 1 && (source != nil || target != nil) && (source == nil || source == "auto") {
            return try LanguageDetection.choose(text, among: fitting)
        }
        return first
    }
}
