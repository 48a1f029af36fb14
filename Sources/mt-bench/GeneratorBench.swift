import ArgumentParser
import Foundation
import MTModel
import MTTensor

/// Times the generator's forward + backward (logits GEMM, fused label-smoothed
/// cross-entropy, dInput and dW GEMMs) at a realistic batch.
struct GeneratorBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generator",
        abstract: "Time the generator (output projection + label-smoothed cross-entropy), forward and backward.")

    @Option(help: "Sentences per batch.") var batch = 64
    @Option(help: "Target positions per sentence.") var length = 20
    @Option(help: "Vocabulary size.") var vocabulary = 10_000
    @Option(help: "Input (decoder) size H.") var hidden = 512
    @Option(help: "Label smoothing.") var smoothing = 0.1
    @Option(help: "Timed iterations.") var iterations = 20
    @Option(help: "BLAS threads (0: leave OpenBLAS's default).") var threads = 0

    func run() throws {
        if threads > 0 { BLASThreads.set(threads) }
        let rows = batch * length, h = hidden, v = vocabulary
        let rng = SeededRandom(seed: 1)
        let store = ParameterStore<Float>()
        let generator = Generator(store, input: h, vocabulary: v, rng: rng)
        let input = Tensor<Float>([rows, h])
        rng.fillUniform(input, -1, 1)
        let dInput = Tensor<Float>([rows, h])
        // About 10% padding, as in a length-bucketed batch.
        let targets = (0..<rows).map { i in i % 10 == 9 ? Int32(0) : Int32(1 + rng.int(below: v - 1)) }

        func iteration() -> CrossEntropySums {
            targets.withUnsafeBufferPointer {
                generator.crossEntropy(
                    input.data, targets: $0.baseAddress!, rows: rows, smoothing: smoothing,
                    gradientScale: 1, dInput: dInput.data)
            }
        }
        // The same three GEMMs with the same shapes and operands, replayed alone: the
        // generator does nothing else with BLAS, so their time is its time inside sgemm.
        let logits = generator.logits, w = generator.weight
        let chunk = generator.chunkRows(rows)
        func gemms() {
            var s = 0
            while s < rows {
                let n = min(chunk, rows - s)
                let x = input.data + s * h
                Float.gemm(transA: false, transB: true, m: n, n: v, k: h, alpha: 1, a: x, lda: h,
                           b: w.value.data, ldb: h, beta: 0, c: logits.data, ldc: v)
                Float.gemm(transA: true, transB: false, m: v, n: h, k: n, alpha: 1, a: logits.data, lda: v,
                           b: x, ldb: h, beta: 1, c: w.grad.data, ldc: h)
                Float.gemm(transA: false, transB: false, m: n, n: h, k: v, alpha: 1, a: logits.data, lda: v,
                           b: w.value.data, ldb: h, beta: 0, c: dInput.data + s * h, ldc: h)
                s += n
            }
        }
        func milliseconds(_ body: () -> Void) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }
        _ = iteration()
        gemms()
        store.zeroGradients()
        // Interleaved, so that load from other processes hits both series alike.
        var sums = CrossEntropySums()
        var whole: [Double] = [], gemmOnly: [Double] = []
        for _ in 0..<iterations {
            whole.append(milliseconds { sums = iteration() })
            gemmOnly.append(milliseconds { gemms() })
        }
        // The loss kernel alone, on logits refilled by the forward GEMM before each timing.
        var kernel: [Double] = []
        for _ in 0..<max(1, iterations / 4) {
            Float.gemm(transA: false, transB: true, m: chunk, n: v, k: h, alpha: 1, a: input.data, lda: h,
                       b: w.value.data, ldb: h, beta: 0, c: logits.data, ldc: v)
            kernel.append(milliseconds {
                targets.withUnsafeBufferPointer {
                    _ = Float.crossEntropyRows(logits.data, targets: $0.baseAddress!, rows: chunk, cols: v,
                                               smoothing: smoothing, ignoreIndex: 0, gradientScale: 1)
                }
            })
        }
        func median(_ a: [Double]) -> Double { let s = a.sorted(); return s[s.count / 2] }
        let total = median(whole), gemmTime = median(gemmOnly)

        let flops = 3 * 2 * Double(rows) * Double(h) * Double(v)
        print("generator: \(rows) positions (\(batch)×\(length)) × \(v) vocabulary, H = \(h), smoothing \(smoothing), chunk \(chunk) rows, \(BLASThreads.summary)")
        print(String(format: "  forward + backward: %.2f ms/iteration (median; min %.2f), %.1f GFLOP/s (3 GEMMs of 2·N·H·V = %.2f GFLOP)",
                     total, whole.min()!, flops / (total * 1e6), flops / 1e9))
        print(String(format: "  sgemm alone: %.2f ms/iteration (median; min %.2f), %.1f GFLOP/s = %.1f%% of the time",
                     gemmTime, gemmOnly.min()!, flops / (gemmTime * 1e6), 100 * gemmTime / total))
        print(String(format: "  rest (bias, fused log-softmax + cross-entropy + gradient, bias gradient): %.2f ms", total - gemmTime))
        print(String(format: "  fused log-softmax + cross-entropy + gradient kernel alone: %.2f ms (%.2f ns per logit)",
                     median(kernel), median(kernel) * 1e6 / Double(chunk * v)))
        print("  method: after a warm-up, each of \(iterations) rounds times one whole call, then replays its three")
        print("  GEMMs alone with identical shapes and buffers; the sgemm share is the ratio of the two medians.")
        print(String(format: "  last loss/token %.4f, nll/token %.4f, %d tokens", sums.loss / Double(sums.tokens), sums.nll / Double(sums.tokens), sums.tokens))
    }
}
