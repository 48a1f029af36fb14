import MTCore
import MTTensor

/// Sums from one pass of the generator's loss over a batch of target positions.
public struct CrossEntropySums: Equatable, Sendable {
    /// Σ −q·log p with the label-smoothed target distribution q (equals `nll` without smoothing).
    public var loss: Double
    /// Σ −log p(target): the negative log-likelihood, for perplexity.
    public var nll: Double
    /// Positions whose target is not padding.
    public var tokens: Int

    public init(loss: Double = 0, nll: Double = 0, tokens: Int = 0) {
        self.loss = loss
        self.nll = nll
        self.tokens = tokens
    }
}

/// Attentional states → vocabulary logits → label-smoothed cross-entropy (training) or
/// log-probabilities (beam search).
///
/// All N = T·B target positions go through one GEMM; the loss kernel overwrites the
/// logits with their gradient in the same pass, so only one [rows, V] buffer exists.
/// Rows are processed in chunks of at most `maxLogitElements` logits to bound that
/// buffer, which is why forward and backward are one call.
public final class Generator<T: Real> {
    /// [V, H]; the target embedding's weight when tied (gradients then accumulate there).
    public let weight: Parameter<T>
    /// [V], `<name>.bias`.
    public let bias: Parameter<T>
    public let inputSize: Int
    public let vocabularySize: Int
    public let isTied: Bool
    /// Upper bound on the logits buffer: 16M elements is 64 MB of Float.
    public var maxLogitElements = 16 << 20
    /// Logits (then their gradient) of the last chunk.
    public let logits = Tensor<T>([0])

    /// With `tiedWeight` (shape [V, H], e.g. the target embedding's weight) no weight of
    /// its own is created.
    public init(
        _ store: ParameterStore<T>, name: String = "generator", input: Int, vocabulary: Int,
        tiedWeight: Parameter<T>? = nil, initializer: Initializer = .uniform(0.1), rng: SeededRandom
    ) {
        inputSize = input
        vocabularySize = vocabulary
        if let tiedWeight {
            precondition(
                tiedWeight.shape == [vocabulary, input],
                "tied weight \(tiedWeight.name) has shape \(tiedWeight.shape), need [\(vocabulary), \(input)]")
            weight = tiedWeight
            isTied = true
        } else {
            weight = store.make("\(name).weight", [vocabulary, input], initializer, rng: rng)
            isTied = false
        }
        bias = store.make("\(name).bias", [vocabulary], .zeros, rng: rng)
    }

    /// Rows per chunk for `rows` positions.
    public func chunkRows(_ rows: Int) -> Int {
        Swift.max(1, Swift.min(rows, maxLogitElements / Swift.max(1, vocabularySize)))
    }

    /// Loss of input [rows, H] against targets [rows] (positions with `paddingIndex` ignored).
    ///
    /// With `dInput` the backward pass runs too: parameter gradients accumulate and
    /// dInput [rows, H] is written with the gradient of `gradientScale · loss` (e.g.
    /// 1/tokens for a mean). Without it nothing but the sums is produced.
    @discardableResult
    public func crossEntropy(
        _ input: UnsafePointer<T>, targets: UnsafePointer<Int32>, rows: Int, smoothing: Double = 0,
        paddingIndex: Int32 = SpecialToken.pad, gradientScale: T = 1, dInput: UnsafeMutablePointer<T>? = nil
    ) -> CrossEntropySums {
        precondition(smoothing >= 0 && smoothing < 1, "label smoothing \(smoothing) outside [0, 1)")
        var sums = CrossEntropySums()
        let h = inputSize, v = vocabularySize
        let chunk = chunkRows(rows)
        var start = 0
        while start < rows {
            let n = Swift.min(chunk, rows - start)
            let x = input + start * h
            logits.resize([n, v])
            T.gemm(
                transA: false, transB: true, m: n, n: v, k: h,
                alpha: 1, a: x, lda: h, b: weight.value.data, ldb: h,
                beta: 0, c: logits.data, ldc: v)
            T.addRowVector(bias.value.data, logits.data, rows: n, cols: v)
            let r = T.crossEntropyRows(
                logits.data, targets: targets + start, rows: n, cols: v,
                smoothing: smoothing, ignoreIndex: paddingIndex, gradientScale: gradientScale)
            sums.loss += r.loss
            sums.nll += r.nll
            sums.tokens += r.count
            if let dInput {
                // logits now hold dLogits.
                T.gemm(
                    transA: true, transB: false, m: v, n: h, k: n,
                    alpha: 1, a: logits.data, lda: v, b: x, ldb: h,
                    beta: 1, c: weight.grad.data, ldc: h)
                T.sumRows(logits.data, bias.grad.data, rows: n, cols: v)
                T.gemm(
                    transA: false, transB: false, m: n, n: h, k: v,
                    alpha: 1, a: logits.data, lda: v, b: weight.value.data, ldb: h,
                    beta: 0, c: dInput + start * h, ldc: h)
            }
            start += n
        }
        return sums
    }

    /// Logits [rows, V] of input [rows, H], for decoding (e.g. with `T.logSoftmaxTopKRows`);
    /// the result is the `logits` buffer, valid until the next call.
    @discardableResult
    public func logitRows(_ input: UnsafePointer<T>, rows: Int) -> Tensor<T> {
        logitRows(input, rows: rows, weight: weight.value.data, bias: bias.value.data, columns: vocabularySize, into: logits)
    }

    /// Logits [rows, columns] into `out` of an output layer whose weight rows [columns, H]
    /// are packed in `weight` (for x·Wᵀ), with `bias` [columns]: for the steps of a search.
    @discardableResult
    public func logitRows(
        _ input: UnsafePointer<T>, rows: Int, packed weight: PackedWeight<T>, bias: UnsafePointer<T>,
        into out: Tensor<T>
    ) -> Tensor<T> {
        precondition(weight.depth == inputSize, "packed weight of depth \(weight.depth) for input \(inputSize)")
        let columns = weight.outputs
        out.resize([rows, columns])
        guard rows > 0 else { return out }
        weight.multiply(input, lda: inputSize, rows: rows, into: out.data, ldc: columns, accumulate: false)
        T.addRowVector(bias, out.data, rows: rows, cols: columns)
        return out
    }

    /// Logits [rows, columns] into `out` of an output layer with rows `weight` [columns, H]
    /// and `bias` [columns]: this one's, or a part of it (a shortlist's rows).
    @discardableResult
    public func logitRows(
        _ input: UnsafePointer<T>, rows: Int, weight: UnsafePointer<T>, bias: UnsafePointer<T>, columns: Int,
        into out: Tensor<T>
    ) -> Tensor<T> {
        let h = inputSize
        out.resize([rows, columns])
        guard rows > 0 else { return out }
        T.gemm(
            transA: false, transB: true, m: rows, n: columns, k: h,
            alpha: 1, a: input, lda: h, b: weight, ldb: h,
            beta: 0, c: out.data, ldc: columns)
        T.addRowVector(bias, out.data, rows: rows, cols: columns)
        return out
    }
}
