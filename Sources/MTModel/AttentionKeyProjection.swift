import MTTensor

/// The keys W s of every source position of a batch in one GEMM, and their backward: the
/// part of the scores that project the memory (general: W_a, mlp: W_k).
///
/// The keys are computed once per batch, not once per step, and their gradient is gathered
/// over all steps in `dKeys`, so the weight gradient and the memory gradient through the keys
/// are two GEMMs per batch.
final class AttentionKeyProjection<T: Real> {
    /// [keySize, Hs].
    let weight: Parameter<T>
    let keySize: Int
    let memorySize: Int
    /// [B, S, keySize] of the prepared batch.
    let keys = Tensor<T>([0])
    /// [B, S, keySize]: sized and zeroed by `beginBackward`, so decoding never pays for it.
    let dKeys = Tensor<T>([0])

    init(_ weight: Parameter<T>) {
        precondition(weight.value.shape.count == 2, "key projection of shape \(weight.value.shape)")
        self.weight = weight
        keySize = weight.value.shape[0]
        memorySize = weight.value.shape[1]
    }

    /// keys = memory Wᵀ for every source position of the prepared batch.
    func project(_ batch: AttentionBatch<T>) {
        let rows = batch.rows * batch.sourceLength
        keys.resize([batch.rows, batch.sourceLength, keySize])
        guard rows > 0 else { return }
        T.gemm(
            transA: false, transB: true, m: rows, n: keySize, k: memorySize,
            alpha: 1, a: batch.memory, lda: memorySize, b: weight.value.data, ldb: memorySize,
            beta: 0, c: keys.data, ldc: keySize)
    }

    func beginBackward(_ batch: AttentionBatch<T>) {
        dKeys.resize([batch.rows, batch.sourceLength, keySize])
        dKeys.zero()
    }

    /// dW += dKeysᵀ memory and dMemory += dKeys W, over the whole batch.
    func finishBackward(_ batch: AttentionBatch<T>, dMemory: UnsafeMutablePointer<T>) {
        let rows = batch.rows * batch.sourceLength
        guard rows > 0 else { return }
        T.gemm(
            transA: true, transB: false, m: keySize, n: memorySize, k: rows,
            alpha: 1, a: dKeys.data, lda: keySize, b: batch.memory, ldb: memorySize,
            beta: 1, c: weight.grad.data, ldc: memorySize)
        T.gemm(
            transA: false, transB: false, m: rows, n: memorySize, k: keySize,
            alpha: 1, a: dKeys.data, lda: keySize, b: weight.value.data, ldb: memorySize,
            beta: 1, c: dMemory, ldc: memorySize)
    }
}
