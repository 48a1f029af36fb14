import MTTensor

/// The score function of `GlobalAttention`: how a decoder state h is scored against each
/// encoder state s of its sentence, with the parameters and the backward of that score.
///
/// `GlobalAttention` keeps what every score shares: the batch-major memory, the lengths,
/// which sentence each row attends to (beam search), the masked softmax, the context and the
/// output layer. A scorer keeps its parameters, the keys it derives from the memory once per
/// batch, and its own per-step caches. It scores one row at a time against a sentence named
/// by the caller, so the row-to-sentence map stays in one place; backward runs on the
/// prepared batch only (`selectBatch` rules it out), where row b attends to sentence b.
///
/// Per batch: `prepare`, then `sizeSteps` (again after each `selectBatch`). Per step t:
/// `beginStep`, then `score` for each row. Backward: `beginBackward` once, `stepBackward` for
/// t = steps−1 down to 0, then `finishBackward`. Each call is dispatched once per step or
/// row; the element loops are in the kernels it calls.
///
/// A new score is a type conforming to this protocol, a case of `AttentionScore` and its
/// line in `AttentionScore.scorerType`.
public protocol AttentionScorer<Scalar>: AnyObject {
    associatedtype Scalar: Real

    /// Creates the parameters `<name>.…` in `store`, in a fixed order (the seeded draws of a
    /// model depend on it). `attentionSize` is for scores with an inner width of their own.
    init(
        _ store: ParameterStore<Scalar>, name: String, querySize: Int, memorySize: Int,
        attentionSize: Int?, initializer: Initializer, rng: SeededRandom)

    /// Width of a key, what a query is scored against: Hs when the keys are the memory itself.
    var keySize: Int { get }

    /// A new batch (batch.rows sentences): computes the keys of every source position.
    func prepare(_ batch: AttentionBatch<Scalar>)
    /// Sizes the per-step caches for `steps` steps of `batch.rows` rows.
    func sizeSteps(_ steps: Int, _ batch: AttentionBatch<Scalar>)
    /// Step t's work on its queries alone, [B, H] (row stride H), before any row is scored.
    func beginStep(_ t: Int, query: UnsafePointer<Scalar>, _ batch: AttentionBatch<Scalar>)
    /// The scores [S] of row r at step t, whose decoder state is `query` [H], against prepared
    /// sentence `sentence`. Positions from the row's length on may be left as they are: the
    /// masked softmax overwrites them.
    func score(
        row r: Int, sentence: Int, step t: Int, query: UnsafePointer<Scalar>, _ batch: AttentionBatch<Scalar>,
        into scores: UnsafeMutablePointer<Scalar>)

    /// Before the first `stepBackward` of a batch: sizes and zeroes the key gradients.
    func beginBackward(_ batch: AttentionBatch<Scalar>)
    /// Backward of step t from the score gradients [B, S] (exactly 0 at padded positions) and
    /// the step's queries [B, H] (row stride `ldq`): adds into dQuery [B, H] and into the
    /// gradient of the keys, which is dMemory [B, S, Hs] (batch-major) when the keys are the
    /// memory, and accumulates the gradients of what acts per step.
    func stepBackward(
        _ t: Int, dScores: UnsafePointer<Scalar>, queries: UnsafePointer<Scalar>, ldq: Int,
        _ batch: AttentionBatch<Scalar>, dQuery: UnsafeMutablePointer<Scalar>, dMemory: UnsafeMutablePointer<Scalar>)
    /// After the last `stepBackward`: the gradients of the key projection, and the memory
    /// gradient through the keys added into dMemory [B, S, Hs].
    func finishBackward(_ batch: AttentionBatch<Scalar>, dMemory: UnsafeMutablePointer<Scalar>)
}

/// The prepared batch as `GlobalAttention` shows it to its scorer. The pointers are valid
/// for the duration of the call they are passed to.
public struct AttentionBatch<T: Real> {
    /// Batch-major memory of the prepared sentences [sentences, S, Hs], padded positions zero.
    public let memory: UnsafePointer<T>
    /// Rows B: the prepared sentences, or after `selectBatch` the rows being decoded.
    public let rows: Int
    /// Source positions S.
    public let sourceLength: Int
    /// Source length of each row, [B].
    public let lengths: UnsafePointer<Int32>
}
