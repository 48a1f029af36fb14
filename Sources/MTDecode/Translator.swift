import MTCore
import Foundation
import MTModel
import MTTensor
import MTText

/// One input line's translation: its n-best list, best first.
public struct Translation: Sendable {
    public struct Output: Sendable {
        /// The detokenised line.
        public var text: String
        /// Target subwords in text form (after `<unk>` replacement), plus `</s>` when produced.
        public var targetTokens: [String]
        public var score: Double
        /// Per entry of `targetTokens`, the attention over `sourceTokens` (when kept).
        public var attention: [[Double]]?
    }
    /// 0-based index of the input line.
    public var index: Int
    /// Source subwords in text form, as the model read them (after any cut).
    public var sourceTokens: [String]
    public var outputs: [Output]

    public init(index: Int, sourceTokens: [String], outputs: [Output]) {
        self.index = index
        self.sourceTokens = sourceTokens
        self.outputs = outputs
    }
}

/// Raw lines in, translations out, in input order: encode with the model's own text
/// pipeline (normalisation, tokenisation, case, BPE), cut over-long sources, beam search in
/// length-sorted batches (on `options.workers` threads), `<unk>` replacement, detokenisation.
public final class Translator<T: Real> {
    public let model: Seq2Seq<T>
    public let pipeline: TextPipeline
    public let options: TranslationOptions
    public let search: BeamSearch<T>
    private let workers: SearchWorkers<T>

    public init(model: Seq2Seq<T>, pipeline: TextPipeline, options: TranslationOptions = TranslationOptions()) {
        if let problem = options.problem { preconditionFailure("TranslationOptions: \(problem)") }
        self.model = model
        self.pipeline = pipeline
        self.options = options
        var search = options.search
        search.keepAlignment = options.replaceUnknown
        search.keepAttention = options.attention
        // The weights stay fixed while translating: the decoder may look up its embedding
        // projection instead of multiplying (the worker replicas share the table).
        if model.targetInputTable == nil { model.prepareTargetInputTable() }
        workers = SearchWorkers(model: model, options: search, workers: options.workers)
        self.search = workers.searchers[0]
    }

    /// Convenience: greedy-compatible settings with the given batch size and length limit.
    public convenience init(model: Seq2Seq<T>, pipeline: TextPipeline, batchSize: Int,
                            maxLengthRatio: Double = 2, maxLengthConstant: Int = 10, beamSize: Int = 1) {
        var o = TranslationOptions()
        o.batchSize = batchSize
        o.search.beamSize = beamSize
        o.search.maxLengthRatio = maxLengthRatio
        o.search.maxLengthConstant = maxLengthConstant
        self.init(model: model, pipeline: pipeline, options: o)
    }

    /// Best translation of each line, in input order.
    public func translate(_ lines: [String]) -> [String] {
        translations(lines, firstIndex: 0).map { $0.outputs.first?.text ?? "" }
    }

    /// Translations of lines whose first is input line `firstIndex` (0-based); `warn` gets
    /// (message, 0-based line index) for each cut source.
    public func translations(_ lines: [String], firstIndex: Int, warn: (String, Int) -> Void = { _, _ in }) -> [Translation] {
        var sources: [[Int32]] = [], sourceTokens: [[String]] = []
        for (j, line) in lines.enumerated() {
            let source = Self.source(line, pipeline: pipeline, maxSourceLength: options.maxSourceLength)
            if let length = source.cutFrom {
                warn("source of \(length) subwords cut to \(options.maxSourceLength)", firstIndex + j)
            }
            sources.append(source.ids)
            sourceTokens.append(source.tokens)
        }
        let lists = workers.searchInBatches(sources, batchSize: options.batchSize)
        return lists.enumerated().map { j, list in
            Translation(index: firstIndex + j, sourceTokens: sourceTokens[j],
                        outputs: list.map {
                            Self.output($0, source: sourceTokens[j], pipeline: pipeline, replaceUnknown: options.replaceUnknown)
                        })
        }
    }

    /// A line as the search reads it: its subwords, cut to `maxSourceLength` (`cutFrom`: the
    /// length before the cut, nil when not cut), and their ids. Shared with the server, which
    /// searches on its own threads.
    public static func source(_ line: String, pipeline: TextPipeline, maxSourceLength: Int)
        -> (tokens: [String], ids: [Int32], cutFrom: Int?)
    {
        var tokens = pipeline.subwordTokens(line)
        var cutFrom: Int?
        if tokens.count > maxSourceLength {
            cutFrom = tokens.count
            tokens.removeLast(tokens.count - maxSourceLength)
        }
        let vocabulary = pipeline.sourceVocabulary
        return (tokens, tokens.map { vocabulary.id(of: $0) }, cutFrom)
    }

    /// The output for one hypothesis: `<unk>` replaced (with `replaceUnknown` and an
    /// alignment), detokenised. Reads only the pipeline's vocabulary: safe on any thread.
    public static func output(_ h: Hypothesis, source: [String], pipeline: TextPipeline, replaceUnknown: Bool)
        -> Translation.Output
    {
        var target = pipeline.targetSubwordTokens(h.tokens)
        if replaceUnknown, let alignment = h.alignment {
            for (t, id) in h.tokens.enumerated() where id == SpecialToken.unk && t < target.count {
                let s = alignment[t]
                if s >= 0 && s < source.count { target[t] = source[s] }
            }
        }
        let text = TextPipeline.detokenize(target)
        if h.endedWithEOS { target.append("</s>") }
        return Translation.Output(text: text, targetTokens: target, score: h.score, attention: h.attention)
    }
}
