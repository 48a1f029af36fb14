import Foundation
import MTDecode
import MTModel
import MTTensor
import MTTrain
import Testing

/// End-to-end learning check: reverse a digit string and append a token for its length.
/// Source and target lengths differ (n vs n + 1), so attention and the stop decision
/// both have to be learned.
@Suite struct ToyTaskTests {
    /// Digits 0–9 are ids 4–13; the target's length tokens for n = 3…8 are ids 14–19.
    static func pair(_ rng: SeededRandom) -> SentencePair {
        let n = 3 + rng.int(below: 6)
        let digits = (0..<n).map { _ in Int32(4 + rng.int(below: 10)) }
        return SentencePair(source: digits, target: digits.reversed() + [Int32(14 + n - 3)])
    }

    @Test(arguments: [RecurrentCellType.lstm, .rnn])
    func reverseDigitsWithLengthToken(_ cell: RecurrentCellType) {
        let rng = SeededRandom(seed: 2024)
        let train = (0..<3000).map { _ in Self.pair(rng) }
        let heldOut = (0..<300).map { _ in Self.pair(rng) }

        var config = Seq2SeqConfig(sourceVocabularySize: 14, targetVocabularySize: 20)
        config.embeddingSize = 32
        config.hiddenSize = 64
        config.encoderLayers = 1
        config.decoderLayers = 1
        config.bidirectionalEncoder = true
        config.cell = cell
        config.attention = .general
        config.inputFeeding = true
        config.decoderInit = .bridge
        config.dropout = 0
        config.labelSmoothing = 0
        let model = Seq2Seq<Float>(config, rng: rng)
        let adam = Adam(model.store)
        let planner = BatchPlanner(
            corpus: train, options: BatchingOptions(maxTokens: 320, maxSentences: 32, poolBatches: 10), seed: 7)
        var greedy = BeamSearchOptions()
        greedy.beamSize = 1
        greedy.maxLengthRatio = 1
        greedy.maxLengthConstant = 3
        let search = BeamSearch(model: model, options: greedy)

        func accuracy() -> Double {
            let out = search.searchInBatches(heldOut.map(\.source), batchSize: 100).map { $0[0].tokens }
            return Double(zip(out, heldOut).filter { $0 == $1.target }.count) / Double(heldOut.count)
        }

        let start = Date()
        var best = 0.0
        var epochs = 0
        for epoch in 1...12 {
            for indices in planner.batches(epoch: epoch) {
                model.store.zeroGradients()
                model.forwardBackward(Batch(corpus: train, indices: indices), training: true, rng: rng)
                model.store.clipGradients(maxNorm: 5)
                adam.step(learningRate: 0.01)
            }
            epochs = epoch
            best = accuracy()
            if best >= 0.995 { break }
        }
        let seconds = Date().timeIntervalSince(start)
        print("toy task (\(cell)): exact match \(best) after \(epochs) epochs in \(String(format: "%.1f", seconds)) s")
        #expect(best >= 0.99)

        let validation = model.loss(Batch(corpus: heldOut, indices: Array(0..<100)))
        #expect(validation.nll / Double(validation.tokens) < 0.1)
    }
}
