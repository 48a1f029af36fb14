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
        /// Σ log p over the scored steps (the tokens, and `</s>` when produced).
        public var logProbability: Double = 0
        /// Scored steps: the tokens, plus 1 for `</s>` when produced.
        public var length: Int = 0
        /// With `TranslationOptions.tokenScores`: the log-probability of each scored step.
        public var tokenLogProbabilities: [Double]?
        /// With `TranslationOptions.alignment`: source words to output words.
        public var alignment: WordAlignment?
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
///
/// An ensemble's models each encode the source with their own pipeline; the output is read
/// with the first model's (their target vocabularies are one). Target text given with an
/// input is encoded with the first model's target pipeline: a prefix the search must start
/// with, or with `options.scoring` the whole output (followed by `</s>`), to be scored.
public final class Translator<T: Real> {
    /// The first model of `models`, with its pipeline.
    public let model: Seq2Seq<T>
    public let pipeline: TextPipeline
    public let models: [Seq2Seq<T>]
    public let pipelines: [TextPipeline]
    public let options: TranslationOptions
    public let search: BeamSearch<T>
    private let workers: SearchWorkers<T>

    public convenience init(model: Seq2Seq<T>, pipeline: TextPipeline, options: TranslationOptions = TranslationOptions()) {
        self.init(models: [model], pipelines: [pipeline], options: options)
    }

    /// An ensemble: the models with their pipelines, of one target vocabulary.
    public init(models: [Seq2Seq<T>], pipelines: [TextPipeline], options: TranslationOptions = TranslationOptions()) {
        if let problem = options.problem { preconditionFailure("TranslationOptions: \(problem)") }
        precondition(!models.isEmpty && models.count == pipelines.count, "one pipeline per model")
        precondition(
            pipelines.allSatisfy { $0.targetVocabulary.hash == pipelines[0].targetVocabulary.hash },
            "the ensemble's target vocabularies differ")
        self.model = models[0]
        self.pipeline = pipelines[0]
        self.models = models
        self.pipelines = pipelines
        self.options = options
        var search = options.search
        search.keepAlignment = options.replaceUnknown || options.keepsAlignment
        search.keepAttention = options.attention
        search.keepTokenScores = options.tokenScores
        if options.scoring {
            // One forced hypothesis per input: no beam, and its plain log-probability.
            search.beamSize = 1
            search.nBest = 1
            search.lengthPenalty = 0
        }
        for member in models { member.prepareForTranslation() }
        if options.int8 {
            precondition(T.self == Float.self, "int8 translation is for Float models")
            for member in models where member.int8Weights == nil { member.quantise() }
        }
        workers = SearchWorkers(models: models, options: search, workers: options.workers)
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
        translations(lines.map { TranslationInput(source: $0) }, firstIndex: firstIndex, warn: warn)
    }

    /// The same for inputs with target text (prefixes, or with `options.scoring` the targets).
    /// Each input is split into sentences (`TextPlan`), unless scoring, whose target text
    /// belongs to the whole input; a prefix begins the first sentence.
    public func translations(
        _ inputs: [TranslationInput], firstIndex: Int, warn: (String, Int) -> Void = { _, _ in }
    ) -> [Translation] {
        if options.scoring { return sentenceTranslations(inputs, firstIndex: firstIndex, warn: warn) }
        let plan = TextPlan(inputs, pipeline: pipeline, format: options.format, split: options.split,
                            maxSourceLength: options.maxSourceLength) { warn($0, firstIndex + $1) }
        return plan.assemble(sentenceTranslations(plan.sentences, firstIndex: 0), firstIndex: firstIndex)
    }

    /// Translations of inputs each searched as one sentence.
    func sentenceTranslations(
        _ inputs: [TranslationInput], firstIndex: Int, warn: (String, Int) -> Void = { _, _ in }
    ) -> [Translation] {
        var searchInputs: [SearchInput] = [], sourceTokens: [[String]] = [], targetTokens: [[String]] = []
        for (j, input) in inputs.enumerated() {
            var sources: [[Int32]] = []
            for (m, memberPipeline) in pipelines.enumerated() {
                let source = Self.source(input.source, pipeline: memberPipeline, maxSourceLength: options.maxSourceLength)
                if let length = source.cutFrom {
                    warn("source of \(length) subwords cut to \(options.maxSourceLength)" + (m > 0 ? " by model \(m + 1)" : ""), firstIndex + j)
                }
                sources.append(source.ids)
                if m == 0 { sourceTokens.append(source.tokens) }
            }
            let given = input.target.map { pipeline.subwordTokens($0, side: .target) } ?? []
            let targetVocabulary = pipeline.targetVocabulary
            var prefix = given.map { targetVocabulary.id(of: $0) }
            if options.scoring { prefix.append(SpecialToken.eos) }
            targetTokens.append(given)
            searchInputs.append(SearchInput(sources: sources, prefix: prefix))
        }
        let lists = workers.searchInBatches(searchInputs, batchSize: options.batchSize)
        return lists.enumerated().map { j, list in
            Translation(index: firstIndex + j, sourceTokens: sourceTokens[j],
                        outputs: list.map {
                            Self.output($0, source: sourceTokens[j], pipeline: pipeline, replaceUnknown: options.replaceUnknown,
                                        prefix: targetTokens[j], alignment: options.keepsAlignment)
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
    /// alignment), the first tokens shown as `prefix` gave them (subwords in text form, also
    /// where the vocabulary read them as <unk>), detokenised, with word alignments when asked.
    /// Reads only the pipeline's vocabulary: safe on any thread.
    public static func output(
        _ h: Hypothesis, source: [String], pipeline: TextPipeline, replaceUnknown: Bool, prefix: [String] = [],
        alignment keepAlignment: Bool = false
    ) -> Translation.Output {
        var target = pipeline.targetSubwordTokens(h.tokens)
        if replaceUnknown, let alignment = h.alignment {
            for (t, id) in h.tokens.enumerated() where id == SpecialToken.unk && t < target.count {
                let s = alignment[t]
                if s >= 0 && s < source.count { target[t] = source[s] }
            }
        }
        for (t, token) in prefix.enumerated() where t < target.count { target[t] = token }
        let text = TextPipeline.detokenize(target)
        let alignment = keepAlignment
            ? WordAlignment(sourceTokens: source, targetTokens: target, positions: h.alignment ?? []) : nil
        if h.endedWithEOS { target.append("</s>") }
        return Translation.Output(
            text: text, targetTokens: target, score: h.score, attention: h.attention, logProbability: h.logProbability,
            length: h.length, tokenLogProbabilities: h.tokenLogProbabilities, alignment: alignment)
    }
}
