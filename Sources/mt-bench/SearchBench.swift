import ArgumentParser
import Foundation
import MTDecode
import MTModel
import MTTensor

/// Beam search speed at the benchmark shape, with random weights (no trained model needed).
struct SearchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Time batched beam search on random sentences with a random-weight model.")
    @Option(help: "Beam size (1 is greedy).") var beam = 5
    @Option(help: "Number of sentences.") var sentences = 1000
    @Option(help: "Sentences per batch.") var batch = 64
    @Option(help: "OpenBLAS threads.") var threads = 2
    @Option(help: "Worker threads, each searching whole batches with its own model copy (use with --threads 1).")
    var workers = 1

    func run() {
        BLASThreads.set(threads)
        let config = Seq2SeqConfig(sourceVocabularySize: 8000, targetVocabularySize: 6000)
        let model = Seq2Seq<Float>(config, rng: SeededRandom(seed: 1))
        let rng = SeededRandom(seed: 2)
        let sources: [[Int32]] = (0..<sentences).map { _ in
            (0..<(5 + rng.int(below: 36))).map { _ in Int32(4 + rng.int(below: 7996)) }
        }
        var options = BeamSearchOptions()
        options.beamSize = beam
        options.lengthPenalty = 1
        // Random weights rarely emit </s>: cap outputs at the source length + 2 so the
        // figures reflect translation-like output lengths.
        options.maxLengthRatio = 1
        options.maxLengthConstant = 2
        let search = SearchWorkers(model: model, options: options, workers: workers)
        let start = Date()
        let out = search.searchInBatches(sources, batchSize: batch)
        let seconds = Date().timeIntervalSince(start)
        let tokens = out.reduce(0) { $0 + $1[0].tokens.count }
        let sourceTokens = sources.reduce(0) { $0 + $1.count }
        print(String(
            format: "beam %d batch %d threads %d workers %d: %d sentences (%d source tokens) in %.2f s: "
                + "%.1f sentences/s, %.0f target tokens/s (%d target tokens)",
            beam, batch, threads, workers, sentences, sourceTokens, seconds, Double(sentences) / seconds,
            Double(tokens) / seconds, tokens) + "; \(BLASThreads.summary)")
    }
}
