import Foundation
import MTDecode
import MTEval
import MTModel
import MTTensor

/// The figures of one validation.
public struct ValidationResult: Equatable, Sendable {
    /// exp(NLL per target token), teacher-forced, no dropout.
    public var perplexity: Double
    /// Corpus BLEU of greedy translations against the raw references (cased; tokenised as
    /// sacreBLEU would for the target language: zh for Chinese, else 13a).
    public var bleu: Double
    public var seconds: Double
}

/// Measures a model on a validation set: perplexity over padded batches and greedy BLEU.
/// Runs the model without dropout and draws nothing from any training generator, so
/// validating never changes what training does next.
public final class Validator {
    public let set: ValidationSet
    public let batchTokens: Int
    public let decodeBatchSize: Int
    public var bleu: BLEU
    private let batches: [[Int]]

    public init(set: ValidationSet, batchTokens: Int = 4096, decodeBatchSize: Int = 64) {
        self.set = set
        self.batchTokens = batchTokens
        self.decodeBatchSize = decodeBatchSize
        bleu = BLEU(tokenizer: .default(forLanguage: set.targetLanguage))
        // Keep every pair (no length limits); the plan's order does not matter for sums.
        let planner = BatchPlanner(
            corpus: set.corpus,
            options: BatchingOptions(maxTokens: batchTokens, maxSentences: decodeBatchSize * 2, poolBatches: 1000),
            seed: 0)
        batches = planner.batches(epoch: 1)
    }

    public func perplexity(_ model: Seq2Seq<Float>) -> Double {
        var nll = 0.0
        var tokens = 0
        for indices in batches {
            let sums = model.loss(Batch(corpus: set.corpus, indices: indices))
            nll += sums.nll
            tokens += sums.tokens
        }
        return tokens > 0 ? exp(nll / Double(tokens)) : .nan
    }

    /// Greedy translations of the validation sources, as text: mt-translate's search at
    /// beam 1, with its default length limit.
    public func translate(_ model: Seq2Seq<Float>) -> [String] {
        let sources = (0..<set.corpus.pairCount).map { Array(set.corpus.source($0)) }
        var options = BeamSearchOptions()
        options.beamSize = 1
        let search = BeamSearch(model: model, options: options)
        return search.searchInBatches(sources, batchSize: decodeBatchSize).map { set.decodeTarget($0[0].tokens) }
    }

    public func run(_ model: Seq2Seq<Float>) -> ValidationResult {
        let start = monotonicSeconds()
        let ppl = perplexity(model)
        let hypotheses = translate(model)
        let score = bleu.corpusScore(hypotheses: hypotheses, references: [set.references]).score
        return ValidationResult(perplexity: ppl, bleu: score, seconds: monotonicSeconds() - start)
    }
}
