import MTTensor

/// y = x Wᵀ + b over a batch of rows, W stored [output, input] as in PyTorch.
///
/// Linear keeps no activations: the caller owns x and passes it back to
/// `backward`, which lets the same layer serve a whole sequence in one GEMM or
/// a single decoder step without copies.
public final class Linear<T: Real> {
    public let weight: Parameter<T>
    public let bias: Parameter<T>?
    public let inputSize: Int
    public let outputSize: Int

    public init(
        _ store: ParameterStore<T>, name: String, input: Int, output: Int, bias: Bool = true,
        initializer: Initializer = .uniform(0.1), rng: SeededRandom
    ) {
        inputSize = input
        outputSize = output
        weight = store.make("\(name).weight", [output, input], initializer, rng: rng)
        self.bias = bias ? store.make("\(name).bias", [output], .zeros, rng: rng) : nil
    }

    /// y[rows, output] (+)= x[rows, input] Wᵀ + b. With `accumulate` the product is
    /// added to what y holds (bias included), so several inputs can share one output.
    public func forward(
        _ x: UnsafePointer<T>, rows: Int, into y: UnsafeMutablePointer<T>, accumulate: Bool = false
    ) {
        guard rows > 0 else { return }
        T.gemm(
            transA: false, transB: true, m: rows, n: outputSize, k: inputSize,
            alpha: 1, a: x, lda: inputSize, b: weight.value.data, ldb: inputSize,
            beta: accumulate ? 1 : 0, c: y, ldc: outputSize)
        if let bias { T.addRowVector(bias.value.data, y, rows: rows, cols: outputSize) }
    }

    /// Accumulates dW += dyᵀ x and db += Σ dy; writes (or adds, with
    /// `accumulateInput`) dx = dy W when `dx` is given.
    public func backward(
        _ x: UnsafePointer<T>, _ dy: UnsafePointer<T>, rows: Int,
        dx: UnsafeMutablePointer<T>?, accumulateInput: Bool = false
    ) {
        guard rows > 0 else { return }
        T.gemm(
            transA: true, transB: false, m: outputSize, n: inputSize, k: rows,
            alpha: 1, a: dy, lda: outputSize, b: x, ldb: inputSize,
            beta: 1, c: weight.grad.data, ldc: inputSize)
        if let bias { T.sumRows(dy, bias.grad.data, rows: rows, cols: outputSize) }
        if let dx {
            T.gemm(
                transA: false, transB: false, m: rows, n: inputSize, k: outputSize,
                alpha: 1, a: dy, lda: outputSize, b: weight.value.data, ldb: inputSize,
                beta: accumulateInput ? 1 : 0, c: dx, ldc: inputSize)
        }
    }
}
