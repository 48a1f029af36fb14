import ArgumentParser
import Foundation
import MTTensor

/// Speed of the per-step output kernel of beam search: log-softmax top-k over rows of logits.
struct TopKBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topk", abstract: "Time the log-softmax top-k of beam search over rows of random logits.")
    @Option(help: "Rows (decoder rows of one step).") var rows = 320
    @Option(help: "Columns (target vocabulary).") var vocabulary = 6000
    @Option(help: "k (beam size).") var k = 5
    @Option(help: "Repetitions.") var repeats = 200

    func run() {
        let rng = SeededRandom(seed: 3)
        let logits = [Float]((0..<(rows * vocabulary)).map { _ in Float(rng.normal()) * 3 })
        var indices = [Int32](repeating: 0, count: rows * k)
        var values = [Double](repeating: 0, count: rows * k)
        let start = Date()
        for _ in 0..<repeats {
            logits.withUnsafeBufferPointer { x in
                Float.logSoftmaxTopKRows(x.baseAddress!, rows: rows, cols: vocabulary, k: k,
                                         indices: &indices, values: &values)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let elements = Double(rows * vocabulary * repeats)
        print(String(format: "topk %d×%d k %d: %.3f ns per logit, %.0f rows/s (checksum %.3f)",
                     rows, vocabulary, k, seconds * 1e9 / elements, Double(rows * repeats) / seconds,
                     values.reduce(0, +)))
    }
}
