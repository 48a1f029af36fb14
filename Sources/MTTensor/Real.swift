import CBLAS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scalar types tensors hold: `Float` for real work, `Double` for gradient checks.
///
/// Layers are generic over `Real` so the tests can run the very code that trains in
/// double precision. Generic code is not specialised across modules, so every
/// per-element loop lives behind a requirement of this protocol (declared here,
/// implemented once generically in `Kernels*.swift`): a layer pays one dynamic call
/// per buffer, and the loop itself runs specialised for `Float` or `Double`.
/// Rule for layer code: no per-element loops over `T` outside MTTensor.
public protocol Real: BinaryFloatingPoint, Sendable
where Self.RawSignificand: FixedWidthInteger, Self.Exponent: FixedWidthInteger {
    // MARK: scalar math (vectorisable for Float)
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func sigmoid(_ x: Self) -> Self
    static func sqrt(_ x: Self) -> Self

    // MARK: BLAS
    /// Row-major C = alpha * op(A) * op(B) + beta * C, with op(A) m×k and op(B) k×n.
    static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    // MARK: element-wise kernels (KernelsElementwise.swift)
    static func fill(_ y: UnsafeMutablePointer<Self>, _ value: Self, _ n: Int)
    static func copy(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// y += alpha * x
    static func axpy(_ alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// y *= alpha
    static func scale(_ alpha: Self, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// z = x + y
    static func add(_ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>, _ z: UnsafeMutablePointer<Self>, _ n: Int)
    /// z = x * y
    static func mul(_ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>, _ z: UnsafeMutablePointer<Self>, _ n: Int)
    /// Σ x² accumulated in Double.
    static func sumOfSquares(_ x: UnsafePointer<Self>, _ n: Int) -> Double

    // MARK: activations (KernelsActivation.swift); x and y may alias
    static func sigmoid(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    static func tanh(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    static func exp(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// dx (+)= dy * (1 - y²), from the tanh output y.
    static func tanhBackward(
        _ y: UnsafePointer<Self>, _ dy: UnsafePointer<Self>, _ dx: UnsafeMutablePointer<Self>,
        _ n: Int, accumulate: Bool)

    // MARK: row kernels on row-major [rows, cols] (KernelsRows.swift)
    /// y[r, :] += bias for every row.
    static func addRowVector(
        _ bias: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, rows: Int, cols: Int)
    /// out[:] += Σ_r x[r, :] (the gradient of a bias).
    static func sumRows(
        _ x: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>, rows: Int, cols: Int)
    /// In-place softmax of each row over its first `valid[r]` columns (all when nil);
    /// the rest of the row becomes 0.
    static func softmaxRows(
        _ x: UnsafeMutablePointer<Self>, rows: Int, cols: Int, valid: UnsafePointer<Int32>?)
    /// dx = y ⊙ (dy − Σ y·dy) per row: the softmax backward from the output y.
    static func softmaxBackwardRows(
        _ y: UnsafePointer<Self>, _ dy: UnsafePointer<Self>, _ dx: UnsafeMutablePointer<Self>,
        rows: Int, cols: Int)

    // MARK: randomness (KernelsRandom.swift)
    /// Inverted-dropout mask: each element is 1/keep with probability `keep`, else 0.
    static func dropoutMask(_ rng: SeededRandom, keep: Double, _ mask: UnsafeMutablePointer<Self>, _ n: Int)

    // MARK: recurrent kernels (KernelsRecurrent.swift)
    // Rows are active at `step` when step < lengths[row]; inactive rows keep their state,
    // write 0 to y and produce zero gate gradients. Row strides: gates 4H (LSTM) or 3H (GRU),
    // states H, y and dy `ldy`.
    /// LSTM cell (gates i, f, g, o): activates `gates` in place and writes c, tanh(c), h and y.
    static func lstmForward(
        gates: UnsafeMutablePointer<Self>, cPrev: UnsafePointer<Self>, hPrev: UnsafePointer<Self>,
        c: UnsafeMutablePointer<Self>, tanhC: UnsafeMutablePointer<Self>, h: UnsafeMutablePointer<Self>,
        y: UnsafeMutablePointer<Self>, ldy: Int,
        rows: Int, hidden: Int, lengths: UnsafePointer<Int32>, step: Int)
    /// LSTM cell backward from the activations. dh/dc hold the gradients of the state after the
    /// step; active rows leave dc as the gradient of cPrev and dh as 0 (the caller adds
    /// dGates·W_hh); inactive rows keep both and get zero dGates.
    static func lstmBackward(
        gates: UnsafePointer<Self>, tanhC: UnsafePointer<Self>, cPrev: UnsafePointer<Self>,
        dy: UnsafePointer<Self>?, ldy: Int,
        dh: UnsafeMutablePointer<Self>, dc: UnsafeMutablePointer<Self>, dGates: UnsafeMutablePointer<Self>,
        rows: Int, hidden: Int, lengths: UnsafePointer<Int32>, step: Int)
    /// GRU cell (gates r, z, n; n = tanh(xn + r ⊙ hn)): `gates` holds x·W_ihᵀ + b_ih and becomes
    /// r, z, n; `recurrent` is h·W_hhᵀ + b_hh; `hn` keeps its n part for backward.
    static func gruForward(
        gates: UnsafeMutablePointer<Self>, recurrent: UnsafePointer<Self>, hn: UnsafeMutablePointer<Self>,
        hPrev: UnsafePointer<Self>, h: UnsafeMutablePointer<Self>, y: UnsafeMutablePointer<Self>, ldy: Int,
        rows: Int, hidden: Int, lengths: UnsafePointer<Int32>, step: Int)
    /// GRU cell backward: writes the gradients of the input and recurrent pre-activations;
    /// active rows leave dh = dhTotal ⊙ z (the caller adds dRecurrent·W_hh).
    static func gruBackward(
        gates: UnsafePointer<Self>, hn: UnsafePointer<Self>, hPrev: UnsafePointer<Self>,
        dy: UnsafePointer<Self>?, ldy: Int, dh: UnsafeMutablePointer<Self>,
        dGates: UnsafeMutablePointer<Self>, dRecurrent: UnsafeMutablePointer<Self>,
        rows: Int, hidden: Int, lengths: UnsafePointer<Int32>, step: Int)

    // MARK: attention and output kernels (KernelsOutput.swift)
    /// MLP attention scores: hidden[b, s, :] = tanh(keys[b, s, :] + query[b, :]) and
    /// scores[b, s] = v · hidden[b, s, :], for keys [batch, length, dim] and query [batch, dim].
    static func attentionMLPScores(
        keys: UnsafePointer<Self>, query: UnsafePointer<Self>, v: UnsafePointer<Self>,
        hidden: UnsafeMutablePointer<Self>, scores: UnsafeMutablePointer<Self>,
        batch: Int, length: Int, dim: Int)
    /// MLP attention backward from the tanh output: g = dScores[b, s] · v ⊙ (1 − hidden²);
    /// dKeys[b, s, :] += g and dQuery[b, :] += g.
    static func attentionMLPBackward(
        hidden: UnsafePointer<Self>, dScores: UnsafePointer<Self>, v: UnsafePointer<Self>,
        dKeys: UnsafeMutablePointer<Self>, dQuery: UnsafeMutablePointer<Self>,
        batch: Int, length: Int, dim: Int)
    /// Fused log-softmax and label-smoothed cross-entropy over logit rows [rows, cols].
    /// Target t gets probability 1 − smoothing, `ignoreIndex` gets 0, every other class
    /// smoothing / (cols − 2). Rows whose target is `ignoreIndex` count for nothing.
    /// Overwrites the logits with gradientScale · ∂loss/∂logits (0 on ignored rows) and
    /// returns the loss sum (−Σ q·log p), the negative log-likelihood sum and the row count.
    static func crossEntropyRows(
        _ logits: UnsafeMutablePointer<Self>, targets: UnsafePointer<Int32>, rows: Int, cols: Int,
        smoothing: Double, ignoreIndex: Int32, gradientScale: Self
    ) -> (loss: Double, nll: Double, count: Int)
    /// Per-sentence attention products over rows [batch, length, n], only for positions
    /// s < lengths[b] (the rest is left untouched); x_b and out_b are rows with strides ldx, ldo.
    /// scores[b, s] = x_b · rows[b, s, :]
    static func batchedRowDots(
        _ x: UnsafePointer<Self>, ldx: Int, _ rows: UnsafePointer<Self>, _ scores: UnsafeMutablePointer<Self>,
        lengths: UnsafePointer<Int32>, batch: Int, length: Int, n: Int)
    /// out_b (+)= Σ_s w[b, s] rows[b, s, :]  (w is [batch, length])
    static func batchedWeightedSum(
        _ w: UnsafePointer<Self>, _ rows: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>, ldo: Int,
        lengths: UnsafePointer<Int32>, batch: Int, length: Int, n: Int, accumulate: Bool)
    /// rows[b, s, :] += w[b, s] x_b
    static func batchedOuterAdd(
        _ w: UnsafePointer<Self>, _ x: UnsafePointer<Self>, ldx: Int, _ rows: UnsafeMutablePointer<Self>,
        lengths: UnsafePointer<Int32>, batch: Int, length: Int, n: Int)

    // MARK: optimiser kernels (KernelsOptimizer.swift)
    /// One Adam/AdamW step on n elements (PyTorch's formulation), in place:
    /// g' = g + l2·w;  m = β1·m + (1−β1)·g';  v = β2·v + (1−β2)·g'²;
    /// w −= lr·decoupledDecay·w + stepSize · m / (√v / √biasCorrection2 + ε),
    /// with stepSize = lr / biasCorrection1 and biasCorrection_i = 1 − β_iᵗ.
    static func adamUpdate(
        _ w: UnsafeMutablePointer<Self>, _ g: UnsafePointer<Self>,
        _ m: UnsafeMutablePointer<Self>, _ v: UnsafeMutablePointer<Self>, _ n: Int,
        lr: Self, beta1: Self, beta2: Self, epsilon: Self,
        biasCorrection1: Self, biasCorrection2: Self, l2: Self, decoupledDecay: Self)
    /// One plain SGD step in place: w −= lr · (g + l2·w).
    static func sgdUpdate(_ w: UnsafeMutablePointer<Self>, _ g: UnsafePointer<Self>, _ n: Int, lr: Self, l2: Self)

    // MARK: search kernels (KernelsSearch.swift)
    /// out[r] = index of the largest of row r's first `cols` entries (the first one on ties;
    /// NaN never wins). Rows have stride `ld`.
    static func argmaxRows(
        _ x: UnsafePointer<Self>, rows: Int, cols: Int, ld: Int, _ out: UnsafeMutablePointer<Int32>)
    /// The k largest entries of the log-softmax of each row of logits x [rows, cols]
    /// (1 ≤ k ≤ cols), best first (lower index first on ties; NaN never chosen), without
    /// writing the log-softmax out: indices[r·k + j] and values[r·k + j] (as Double).
    /// The log-softmax is (x − m) − log Σ exp(x − m), m the row's maximum.
    static func logSoftmaxTopKRows(
        _ x: UnsafePointer<Self>, rows: Int, cols: Int, k: Int,
        indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Double>)
    /// out[r·cols + c] (+)= weight · the log-softmax of row r of logits x [rows, cols] at c,
    /// each value as `logSoftmaxTopKRows` computes it (KernelsEnsemble.swift): the models
    /// of an ensemble add their log-probabilities up with weight 1/M.
    static func addLogSoftmaxRows(
        _ x: UnsafePointer<Self>, rows: Int, cols: Int, weight: Double, into out: UnsafeMutablePointer<Double>,
        accumulate: Bool)
    /// The log-softmax of the logits row[0..<cols] at `column`, as `logSoftmaxTopKRows`
    /// computes it: the log-probability of a forced token.
    static func logSoftmaxAt(_ row: UnsafePointer<Self>, cols: Int, column: Int) -> Double
    /// y[i] = Double(x[i]).
    static func toDouble(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Double>, _ n: Int)

    // (end of requirements)
}
