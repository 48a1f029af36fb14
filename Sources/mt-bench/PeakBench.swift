import ArgumentParser
import Foundation
import MTTensor

/// The host's GEMM peak: a large square sgemm, the best of several runs, at a thread count;
/// and where the packed kernels run (PackedWeight), the same product on them, one per
/// thread, all threads at once. The peak is the faster of the two: an OpenBLAS held to a
/// lesser kernel (`OPENBLAS_CORETYPE`) measures its own limit, not the host's, and the
/// per-step products run on the packed kernels. Speed figures of the model (GFLOP/s of
/// model arithmetic, from mt-train's throughput line and mt-translate --verbose) are set
/// against it.
struct PeakBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peak", abstract: "Measure the GEMM peak of this host: a square sgemm, best of several runs.")
    @Option(help: "Matrix size N of the N×N×N product.") var size = 2048
    @Option(help: "OpenBLAS threads.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Timed runs (after one warm-up run).") var repeats = 5
    @Flag(help: "Print only the GFLOP/s figure (for scripts).") var quiet = false
    @Flag(help: """
        The int8 peak instead: the int8 kernel in use (mt-translate --int8) on an N×N×N product \
        per thread, all threads at once, as translation's workers run.
        """) var int8 = false

    func validate() throws {
        guard size >= 64 else { throw ValidationError("--size must be at least 64") }
        guard threads >= 1, repeats >= 1 else { throw ValidationError("--threads and --repeats must be at least 1") }
    }

    func run() {
        if int8 { return runInt8() }
        BLASThreads.set(threads)
        let n = size
        let rng = SeededRandom(seed: 5)
        let a = Tensor<Float>([n, n]), b = Tensor<Float>([n, n]), c = Tensor<Float>([n, n])
        rng.fillUniform(a, -1, 1)
        rng.fillUniform(b, -1, 1)
        // The layers' most common form: activations times a transposed weight.
        func product() {
            Float.gemm(transA: false, transB: true, m: n, n: n, k: n, alpha: 1, a: a.data, lda: n,
                       b: b.data, ldb: n, beta: 0, c: c.data, ldc: n)
        }
        let best = bestSeconds(product)
        let blas = 2 * Double(n) * Double(n) * Double(n) / best / 1e9
        let packed = PackedWeight<Float>.usesPackedKernels ? packedPeak(a) : nil
        if quiet {
            print(String(format: "%.1f", max(blas, packed?.gflops ?? 0)))
            return
        }
        print("mt-bench peak: sgemm \(n)×\(n)×\(n), \(BLASThreads.summary): "
            + String(format: "%.1f GFLOP/s (best of %d, %.1f ms)", blas, repeats, best * 1e3))
        if let packed {
            print("mt-bench peak: packed \(PackedWeight<Float>.kernel) kernel, \(n)×\(n)×\(n) per thread, \(threads) thread(s): "
                + String(format: "%.1f GFLOP/s (best of %d, %.1f ms)", packed.gflops, repeats, packed.seconds * 1e3))
            print(String(format: "mt-bench peak: %.1f GFLOP/s, the faster of the two", max(blas, packed.gflops)))
        }
    }

    /// Each thread's product on the packed kernel (its own packed copy of the weight), timed
    /// together: the best of the runs.
    private func packedPeak(_ a: Tensor<Float>) -> (gflops: Double, seconds: Double) {
        let n = size
        let rng = SeededRandom(seed: 6)
        let w = Tensor<Float>([n, n])
        rng.fillUniform(w, -1, 1)
        let weights = (0..<threads).map { _ in
            let p = PackedWeight<Float>()
            p.packTransposed(w.data, outputs: n, depth: n, ld: n)
            return p
        }
        let outputs = (0..<threads).map { _ in Tensor<Float>([n, n]) }
        func products() {
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                weights[t].multiply(a.data, lda: n, rows: n, into: outputs[t].data, ldc: n, accumulate: false)
            }
        }
        let best = bestSeconds(products)
        return (2 * Double(n) * Double(n) * Double(n) * Double(threads) / best / 1e9, best)
    }

    /// The shortest of `repeats` timed runs of `work`, in seconds, after one warm-up run.
    private func bestSeconds(_ work: () -> Void) -> Double {
        work()
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            work()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    /// Each thread's own product, timed together: the best of the runs, in GOP/s counted as
    /// GFLOP/s (a multiply and an add per product term).
    private func runInt8() {
        let n = size
        let rng = SeededRandom(seed: 5)
        let a = Tensor<Float>([n, n]), w = Tensor<Float>([n, n])
        rng.fillUniform(a, -1, 1)
        rng.fillUniform(w, -1, 1)
        let weight = Int8Weight(w.data, outputs: n, depth: n, ld: n)
        let outputs = (0..<threads).map { _ in Tensor<Float>([n, n]) }
        let scratch = (0..<threads).map { _ in Int8Activations() }
        func products() {
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                weight.multiply(a.data, lda: n, rows: n, into: outputs[t].data, ldc: n, accumulate: false, scratch: scratch[t])
            }
        }
        let best = bestSeconds(products)
        let gflops = 2 * Double(n) * Double(n) * Double(n) * Double(threads) / best / 1e9
        if quiet {
            print(String(format: "%.1f", gflops))
        } else {
            print("mt-bench peak: int8 \(n)×\(n)×\(n) per thread, \(threads) thread(s), \(Int8Weight.kernel) kernel: "
                + String(format: "%.1f GOP/s (best of %d, %.1f ms)", gflops, repeats, best * 1e3))
        }
    }
}
