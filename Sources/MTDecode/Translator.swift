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

    /// The model arithmetic of every search so far, all workers (`BeamSearch.arithmetic`).
    public var arithmetic: Double { workers.searchers.reduce(0) { $0 + $1.arithmetic } }

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
        let vocabulary = pipeline.sourceVocabulary
        var sources: [[Int32]] = [], sourceTokens: [[String]] = []
        for (j, line) in lines.enumerated() {
            var tokens = pipeline.subwordTokens(line)
            if tokens.count > options.maxSourceLength {
                warn("source of \(tokens.count) subwords cut to \(options.maxSourceLength)", firstIndex + j)
                tokens.removeLast(tokens.count - options.maxSourceLength)
            }
            sources.append(tokens.map { vocabulary.id(of: $0) })
            sourceTokens.append(tokens)
        }
        let lists = workers.searchInBatches(sources, batchSize: options.batchSize)
        return lists.enumerated().map { j, list in
            Translation(index: firstIndex + j, sourceTokens: sourceTokens[j],
                        outputs: list.map { output($0, source: sourceTokens[j]) })
        }
    }

    private func output(_ h: Hypothesis, source: [String]) -> Translation.Output {
        var target = pipeline.targetSubwordTokens(h.tokens)
        if options.replaceUnknown, let alignment = h.alignment {
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
