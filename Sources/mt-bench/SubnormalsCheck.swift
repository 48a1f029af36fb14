import ArgumentParser
import Foundation
import MTCommandLine
import MTCore
import MTTensor

/// Whether every BLAS thread computes with subnormal floats flushed to zero, as the
/// programs set it up (`ProcessArithmetic`): a product whose inputs are all subnormal must
/// give zeros in every part of the result, whichever thread computed it. Each result would
/// otherwise be a normal float (k subnormals summed).
struct SubnormalsCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subnormals",
        abstract: "Check that every BLAS thread flushes subnormal floats to zero (exit 1 if not).")
    @Option(help: "OpenBLAS threads.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Matrix size N of the N×N×N product.") var size = 512

    func validate() throws {
        guard threads >= 1, size >= 16 else { throw ValidationError("--threads must be at least 1, --size at least 16") }
    }

    func run() throws {
        BLASThreads.set(threads)
        let n = size
        let a = Tensor<Float>([n, n]), b = Tensor<Float>([n, n]), c = Tensor<Float>([n, n])
        Float.fill(a.data, Float.leastNormalMagnitude / 16, n * n)
        Float.fill(b.data, 1, n * n)
        Float.gemm(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: a.data, lda: n,
                   b: b.data, ldb: n, beta: 0, c: c.data, ldc: n)
        let kept = (0..<(n * n)).filter { c.data[$0] != 0 }.count
        let what = "\(n)×\(n)×\(n) product of subnormal inputs, \(BLASThreads.summary)"
        guard kept == 0 else {
            throw ProgramError("\(kept) of \(n * n) results of a \(what) were computed with subnormals, not flushed to zero", at: "BLAS threads")
        }
        print("mt-bench subnormals: \(what): all \(n * n) results flushed to zero")
    }
}
